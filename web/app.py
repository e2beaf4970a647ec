"""The public way in, on :8000. Browsers talk only to this server; Rasa and the action server stay private.

It serves the embeddable widget (built from widget/ into web/static/widget/) and two demo clinic pages,
issues every session id (in a signed cookie, and in the short-lived signed token the socket.io channel
checks), passes the widget's socket.io connection through to Rasa after its own checks (web/proxy.py),
restores a conversation's history and prints its summary from Rasa's tracker, and checks every input once,
answering without ever quoting it back.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from string import Template
from typing import Annotated, Any, Literal

from fastapi import Cookie, Depends, FastAPI, Header, HTTPException, Request, Response, WebSocket
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field

from reflection.clinics import DEFAULT_CLINIC_ID, Clinic, check_logos, clinic_for, load_clinics, logo_path
from reflection.settings import Settings, settings
from web import console
from web.conversation import AssistantUnavailable, fetch_conversation, shown_messages
from web.edge import Refusal, Text
from web.origins import any_clinic_allows, clinic_origins, cors, origin_allowed, own_origin
from web.proxy import ORIGIN_REFUSED, SocketProxy
from web.summary_page import render_summary
from web.tokens import (
    ChatSession,
    new_session_id,
    read_resume_token,
    read_session_cookie,
    read_socket_token,
    read_summary_ticket,
    session_cookie,
    socket_token,
    summary_ticket,
)

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
WIDGET_BUILD = STATIC / "widget"
SESSION_COOKIE = "reflection_session"
CLINIC_ID_CHARS = 64
TOKEN_CHARS = 2048
# The demo pages hold the widget to the policy a strict clinic site would: nonce-only scripts, no inline
# styles, nothing from anywhere else.
DEMO_CSP = (
    "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'"
)
SUMMARY_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'nonce-{nonce}'; img-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'; object-src 'none'"
)
PAGE_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
PRIVATE = {"Cache-Control": "no-store", **PAGE_HEADERS}


def get_settings() -> Settings:
    return settings()


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    # Fail at start-up, with a message saying what to do, rather than in front of a client.
    settings().require("SOCKETIO_JWT_SECRET", "WEB_SESSION_SECRET", "RASA_TOKEN")
    check_logos()
    if not (WIDGET_BUILD / "loader.js").is_file():
        logger.warning("The widget is not built (web/static/widget/): run `make run` or `make widget`.")
    yield


app = FastAPI(title="Therapy Reflection Assistant", lifespan=lifespan, docs_url=None, redoc_url=None)
app.middleware("http")(cors)
app.mount("/widget", StaticFiles(directory=WIDGET_BUILD, check_dir=False), name="widget")
app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
app.include_router(console.router)  # the staff console at /console/ (web/console/)
SettingsDep = Annotated[Settings, Depends(get_settings)]


@app.exception_handler(RequestValidationError)
async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
    """Which field is wrong and why, never the value sent (FastAPI's default echoes the whole input)."""
    problems = [
        {"field": ".".join(str(part) for part in problem["loc"][1:]) or "body", "problem": problem["msg"]}
        for problem in error.errors()
    ]
    return JSONResponse({"detail": problems}, status_code=422)


@app.exception_handler(Refusal)
async def refused(_: Request, refusal: Refusal) -> JSONResponse:
    return JSONResponse({"detail": str(refusal), "code": refusal.code}, status_code=refusal.status)


@app.exception_handler(AssistantUnavailable)
async def assistant_unavailable(_: Request, error: AssistantUnavailable) -> JSONResponse:
    logger.warning("Rasa's HTTP API did not answer: %s", error)
    detail = "The assistant isn't reachable right now. Please try again in a minute."
    return JSONResponse({"detail": detail}, status_code=503)


def set_session_cookie(response: Response, request: Request, value: str, max_age: int | None = None) -> None:
    """HttpOnly, and over https Secure and partitioned (SameSite=None), so a clinic's site can embed the chat;
    deleting uses the same attributes, or the browser would keep the partitioned cookie."""
    secure = request.url.scheme == "https"
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=max_age,
        httponly=True,
        secure=secure,
        samesite="none" if secure else "lax",
    )
    if secure:  # Starlette sets Partitioned only on Python 3.14+, so add it by hand
        name, header = response.raw_headers[-1]
        response.raw_headers[-1] = (name, header + b"; Partitioned")


def keep_session(response: Response, request: Request, session: ChatSession, config: Settings) -> None:
    set_session_cookie(response, request, session_cookie(session, config))


def require_page_allowed(request: Request, clinic_id: str) -> None:
    if not origin_allowed(request.headers.get("origin"), clinic_id, own_origin(request.url)):
        raise HTTPException(status_code=403, detail="This site isn't allowed to use this clinic's chat.")


def bearer_session(
    request: Request, config: SettingsDep, authorization: Annotated[str | None, Header()] = None
) -> ChatSession:
    """The chat session a widget's current token names (``Authorization: Bearer <token>``)."""
    token = authorization.removeprefix("Bearer ") if authorization else None
    session = read_socket_token(token, config)
    if session is None:
        raise HTTPException(status_code=401, detail="This chat session has ended. Please reopen the chat.")
    require_page_allowed(request, session.clinic)
    return session


SessionDep = Annotated[ChatSession, Depends(bearer_session)]


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/favicon.ico", status_code=204)
def favicon() -> None:
    """No icon, and no 404 in every browser console."""


def demo_page(name: str) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    page = Template((STATIC / "demo" / name).read_text(encoding="utf-8")).substitute(nonce=nonce)
    return HTMLResponse(
        page, headers={"Content-Security-Policy": DEMO_CSP.format(nonce=nonce), **PAGE_HEADERS}
    )


@app.get("/")
def demo_clinic_site() -> HTMLResponse:
    """A sample clinic website with the widget embedded (the default clinic, reflection mode)."""
    return demo_page("index.html")


@app.get("/intake")
def demo_intake_page() -> HTMLResponse:
    """A second clinic's new-client page with the widget in intake mode."""
    return demo_page("intake.html")


def public_settings(clinic: Clinic, request: Request, config: Settings) -> dict[str, Any]:
    """What the widget needs to look and behave like the clinic's own (nothing private)."""
    return {
        "id": clinic.id,
        "name": clinic.name,
        "colours": clinic.colours.model_dump(),
        "logo": f"/clinics/{clinic.id}/logo" if clinic.logo else None,
        "quick_exit_url": clinic.quick_exit_url,
        "crisis_line": clinic_for(clinic.id).crisis_line,
        "intake": clinic.intake.enabled,
        "origins": clinic_origins(clinic.id, own_origin(request.url)),
        "max_message_chars": config.max_message_chars,
    }


def known_clinic(clinic_id: str) -> Clinic:
    clinic = load_clinics().get(clinic_id)
    if clinic is None:
        raise HTTPException(status_code=404, detail="This chat isn't set up for that clinic.")
    return clinic


@app.get("/api/clinics/{clinic_id}")
def clinic_settings(clinic_id: str, request: Request, config: SettingsDep) -> dict[str, Any]:
    clinic = known_clinic(clinic_id)
    require_page_allowed(request, clinic.id)
    return public_settings(clinic, request, config)


@app.get("/clinics/{clinic_id}/logo")
def clinic_logo(clinic_id: str) -> FileResponse:
    path = logo_path(known_clinic(clinic_id))
    if path is None:
        raise HTTPException(status_code=404, detail="This clinic has no logo.")
    return FileResponse(path, headers={"Cache-Control": "public, max-age=3600"})


class SessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    clinic: Text = Field(default=DEFAULT_CLINIC_ID, max_length=CLINIC_ID_CHARS)
    mode: Literal["reflection", "intake"] = "reflection"
    resume: Text | None = Field(default=None, max_length=TOKEN_CHARS)


@app.post("/api/session")
def start_session(
    body: SessionIn,
    request: Request,
    response: Response,
    config: SettingsDep,
    cookie: Annotated[str | None, Cookie(alias=SESSION_COOKIE)] = None,
) -> dict[str, Any]:
    """A fresh socket.io token for this browser's conversation (a new conversation when it has none)."""
    clinic = known_clinic(body.clinic)
    require_page_allowed(request, clinic.id)
    if body.mode == "intake" and not clinic.intake.enabled:
        raise HTTPException(status_code=400, detail="This clinic doesn't use the chat for intake.")
    wanted = (body.clinic, body.mode)
    candidates = (read_session_cookie(cookie, config), read_resume_token(body.resume, config))
    known = next((c for c in candidates if c is not None and (c.clinic, c.mode) == wanted), None)
    session = known or ChatSession(new_session_id(), body.clinic, body.mode)
    keep_session(response, request, session, config)
    response.headers["Cache-Control"] = "no-store"
    return {
        "token": socket_token(session, config),
        "expires_in": config.socketio_token_minutes * 60,
        "resumed": known is not None,
    }


@app.post("/api/session/forget", status_code=204)
def forget_session(request: Request, response: Response) -> None:
    """ "Leave quickly": this browser forgets its conversation (which is kept, not deleted)."""
    set_session_cookie(response, request, "", max_age=0)


@app.get("/api/history")
async def history(session: SessionDep, config: SettingsDep) -> JSONResponse:
    conversation = await fetch_conversation(session.session_id, config)
    body = {"messages": shown_messages(conversation), "completed": conversation.completed}
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@app.post("/api/summary-link")
def summary_link(session: SessionDep, config: SettingsDep) -> dict[str, str]:
    """A short-lived link to this conversation's printable summary, to open in a new tab."""
    return {"url": f"/summary/{summary_ticket(session, config)}"}


@app.get("/summary/{ticket}")
async def summary(ticket: str, config: SettingsDep, download: bool = False) -> HTMLResponse:
    session = read_summary_ticket(ticket, config)
    if session is None:
        detail = "This summary link has expired. You can ask for a new one in the chat."
        raise HTTPException(status_code=404, detail=detail)
    conversation = await fetch_conversation(session.session_id, config)
    nonce = secrets.token_urlsafe(16)
    clinic = clinic_for(session.clinic)
    if download:
        page = render_summary(conversation, clinic, nonce, print_url=None, download_url=None)
        headers = {"Content-Disposition": 'attachment; filename="my-reflection.html"', **PRIVATE}
    else:
        page = render_summary(
            conversation, clinic, nonce, print_url="/static/summary/print.js", download_url="?download=1"
        )
        headers = {"Content-Security-Policy": SUMMARY_CSP.format(nonce=nonce), **PRIVATE}
    return HTMLResponse(page, headers=headers)


@app.get("/socket.io/")
def socketio_polling() -> JSONResponse:
    return JSONResponse({"detail": "The chat connects over websockets only."}, status_code=400)


@app.websocket("/socket.io/")
async def socketio_proxy(websocket: WebSocket, config: SettingsDep) -> None:
    own = own_origin(websocket.url)
    if not any_clinic_allows(websocket.headers.get("origin"), own):
        await websocket.close(code=ORIGIN_REFUSED)
        return
    await SocketProxy(websocket, config, lambda origin, clinic: origin_allowed(origin, clinic, own)).run()
