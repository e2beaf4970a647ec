"""Who may see a console page: signed-in staff only (others are sent to the sign-in page), forms only with
the session's CSRF token, admin pages only for admins; and the headers every console page carries."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse

from reflection.staff import SignedIn, csrf_matches
from web.console.services import ConsoleServices, get_services
from web.console.templating import render

SESSION_COOKIE = "console_session"
LOGIN_CSRF_COOKIE = "console_login_csrf"
COOKIE_PATH = "/console"
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
MAX_FORM_FIELDS = 50


class NotSignedIn(Exception):
    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


class Refused(Exception):
    """A request the staff member may not make; shown as a page with the reason and the status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class ConsoleRoute(APIRoute):
    """Console routes answer refusals with pages, not JSON, and every response gets the security headers."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                response = await handler(request)
            except NotSignedIn as missing:
                target = "/console/login"
                if missing.next_path.startswith("/console/") and missing.next_path != "/console/login":
                    target += f"?next={quote(missing.next_path)}"
                response = RedirectResponse(target, status_code=303)
            except Refused as refusal:
                response = render(request, "error.html", {"message": refusal.message}, status=refusal.status)
            except RequestValidationError:
                response = render(request, "error.html", {"message": "That page does not exist."}, status=404)
            response.headers.update(HEADERS)
            return response

        return guarded


def secure_cookies(request: Request) -> bool:
    return request.url.scheme == "https"


def current_staff(request: Request, services: Annotated[ConsoleServices, Depends(get_services)]) -> SignedIn:
    signed = services.staff.session(request.cookies.get(SESSION_COOKIE))
    if signed is None:
        raise NotSignedIn(request.url.path)
    return signed


Staff = Annotated[SignedIn, Depends(current_staff)]
Services = Annotated[ConsoleServices, Depends(get_services)]


def admin_staff(signed: Staff) -> SignedIn:
    if not signed.staff.is_admin:
        raise Refused(403, "Only an admin of your clinic can open this page.")
    return signed


Admin = Annotated[SignedIn, Depends(admin_staff)]


async def checked_form(request: Request, signed: Staff) -> FormData:
    """The posted form, if it carries this session's CSRF token (a page of ours put it there)."""
    form = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)
    token = form.get("csrf")
    if not isinstance(token, str) or not csrf_matches(signed.csrf_token, token):
        raise Refused(
            403, "This form has expired or did not come from the console. Go back, reload and try again."
        )
    return form


Form = Annotated[FormData, Depends(checked_form)]


def new_login_token() -> str:
    return secrets.token_urlsafe(32)


def field(form: FormData, name: str, limit: int = 5000) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request),
        path=COOKIE_PATH,
    )


def audit_kwargs(signed: SignedIn, **extra: Any) -> dict[str, Any]:
    return {"clinic": signed.staff.clinic, **extra}
