"""The public way in, on :8000. Browsers talk only to this server; Rasa and the action server stay private.

It issues every session id (in a signed cookie, and in the short-lived signed token the socket.io channel
checks), passes the widget's socket.io connection through to Rasa after its own checks (web/proxy.py), and
checks every input once, answering without ever quoting it back.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

import httpx
from fastapi import Cookie, Depends, FastAPI, HTTPException, Request, Response, WebSocket
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from reflection.clinics import DEFAULT_CLINIC_ID, is_known_clinic, load_clinics
from reflection.settings import Settings, settings
from web.edge import Refusal, Text, check_chat_message
from web.proxy import ORIGIN_REFUSED, SocketProxy
from web.tokens import (
    ChatSession,
    new_session_id,
    read_session_cookie,
    session_cookie,
    socket_token,
)

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
SESSION_COOKIE = "reflection_session"
CLINIC_ID_CHARS = 64


def get_settings() -> Settings:
    return settings()


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    # Fail at start-up, with a message saying what to do, rather than in front of a client.
    settings().require("SOCKETIO_JWT_SECRET", "WEB_SESSION_SECRET")
    load_clinics()
    yield


app = FastAPI(title="Therapy Reflection Assistant", lifespan=lifespan)
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


def own_origin(url: Any) -> str:
    scheme = {"ws": "http", "wss": "https"}.get(url.scheme, url.scheme)
    return f"{scheme}://{url.netloc}"


def origin_allowed(origin: str | None, clinic_id: str, own: str) -> bool:
    """A page may use a clinic's chat if it is served here or the clinic's file lists its origin."""
    if origin is None or origin == own:
        return True
    clinic = load_clinics().get(clinic_id)
    return clinic is not None and origin in clinic.allowed_origins


def any_clinic_allows(origin: str | None, own: str) -> bool:
    return origin_allowed(origin, DEFAULT_CLINIC_ID, own) or any(
        origin in clinic.allowed_origins for clinic in load_clinics().values()
    )


def keep_session(response: Response, request: Request, session: ChatSession, config: Settings) -> None:
    """The signed session cookie: HttpOnly, Secure over https (partitioned, so a clinic's site can embed)."""
    secure = request.url.scheme == "https"
    response.set_cookie(
        SESSION_COOKIE,
        session_cookie(session, config),
        httponly=True,
        secure=secure,
        samesite="none" if secure else "lax",
    )
    if secure:  # Starlette sets Partitioned only on Python 3.14+, so add it by hand
        name, value = response.raw_headers[-1]
        response.raw_headers[-1] = (name, value + b"; Partitioned")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/")
def index() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html")


class SessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    clinic: Text = Field(default=DEFAULT_CLINIC_ID, max_length=CLINIC_ID_CHARS)
    mode: Literal["reflection", "intake"] = "reflection"


@app.post("/api/session")
def start_session(
    body: SessionIn,
    request: Request,
    response: Response,
    config: SettingsDep,
    cookie: Annotated[str | None, Cookie(alias=SESSION_COOKIE)] = None,
) -> dict[str, Any]:
    """A fresh socket.io token for this browser's conversation (a new one when it has none yet)."""
    if body.clinic not in load_clinics():
        raise HTTPException(status_code=404, detail="This chat isn't set up for that clinic.")
    if not origin_allowed(request.headers.get("origin"), body.clinic, own_origin(request.url)):
        raise HTTPException(status_code=403, detail="This site isn't allowed to use this clinic's chat.")
    known = read_session_cookie(cookie, config)
    resumed = known is not None and (known.clinic, known.mode) == (body.clinic, body.mode)
    session = known if resumed and known else ChatSession(new_session_id(), body.clinic, body.mode)
    keep_session(response, request, session, config)
    return {
        "token": socket_token(session, config),
        "expires_in": config.socketio_token_minutes * 60,
        "resumed": resumed,
    }


class ChatIn(BaseModel):
    message: Any = None
    clinic: Text | None = Field(default=None, max_length=CLINIC_ID_CHARS)


class BotMessage(BaseModel):
    text: str | None = None
    buttons: list[dict[str, str]] = []


@app.post("/api/chat")
async def chat(
    body: ChatIn,
    request: Request,
    response: Response,
    config: SettingsDep,
    cookie: Annotated[str | None, Cookie(alias=SESSION_COOKIE)] = None,
) -> list[BotMessage]:
    message = check_chat_message(body.message, config)
    session = read_session_cookie(cookie, config) or ChatSession(
        new_session_id(), body.clinic if is_known_clinic(body.clinic) else DEFAULT_CLINIC_ID, "reflection"
    )
    keep_session(response, request, session, config)
    payload = {
        "sender": session.session_id,
        "message": message,
        "metadata": {"clinic": session.clinic, "mode": session.mode},
    }
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            answer = await client.post(f"{config.rasa_url}/webhooks/rest/webhook", json=payload)
            answer.raise_for_status()
    except httpx.HTTPError as error:
        logger.warning("Rasa's REST channel did not answer: %s", type(error).__name__)
        raise HTTPException(
            status_code=503,
            detail="The assistant isn't reachable right now. Please try again in a minute.",
        ) from None
    return [BotMessage(text=item.get("text"), buttons=item.get("buttons") or []) for item in answer.json()]


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
