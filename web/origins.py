"""Which pages may use a clinic's chat: the web app's own pages and the origins listed in the clinic's file.

The same rule decides the API's CORS answers, the socket.io proxy's checks and where the widget may post
its events, so a site a clinic has not listed can neither get a token nor hear anything.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import Response

from reflection.clinics import load_clinics

PREFLIGHT_SECONDS = "600"


def own_origin(url: URL) -> str:
    scheme = {"ws": "http", "wss": "https"}.get(url.scheme, url.scheme)
    return f"{scheme}://{url.netloc}"


def clinic_origins(clinic_id: str, own: str) -> list[str]:
    """Where a clinic's widget may run and post its events: here, and the clinic's listed sites."""
    clinic = load_clinics().get(clinic_id)
    return [own, *(clinic.allowed_origins if clinic else ())]


def origin_allowed(origin: str | None, clinic_id: str, own: str) -> bool:
    """No Origin header means no web page sent it (a tool or a test); browsers always send one."""
    return origin is None or origin in clinic_origins(clinic_id, own)


def any_clinic_allows(origin: str | None, own: str) -> bool:
    listed = (clinic.allowed_origins for clinic in load_clinics().values())
    return origin is None or origin == own or any(origin in origins for origins in listed)


async def cors(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """CORS with credentials for the API, only for origins some clinic lists; routes check their clinic."""
    origin = request.headers.get("origin")
    cross_site = (
        request.url.path.startswith("/api/")
        and origin is not None
        and origin != own_origin(request.url)
        and any_clinic_allows(origin, own_origin(request.url))
    )
    if cross_site and request.method == "OPTIONS":
        response = Response(status_code=204)
        response.headers["Access-Control-Allow-Methods"] = "GET, POST"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Authorization"
        response.headers["Access-Control-Max-Age"] = PREFLIGHT_SECONDS
    else:
        response = await call_next(request)
    if cross_site:
        response.headers["Access-Control-Allow-Origin"] = origin  # type: ignore[assignment]
        response.headers["Access-Control-Allow-Credentials"] = "true"
    response.headers.append("Vary", "Origin")
    return response
