"""The assistant's two input channels (loaded by module path from credentials.yml; runs in .venv-rasa).

* ``rest`` is internal (Rasa listens on loopback): the web app, tests and staff tools use it. It checks every
  request once, here at the edge: a JSON object with a non-empty ``sender``, a ``message`` that is text and
  not too long, and ``metadata`` that holds only a short clinic id, a mode and a locale.
* ``socketio`` serves the chat widget, through the web app's proxy. The session id, the clinic and the mode
  come only from the token the web app signed (HS256, ``SOCKETIO_JWT_SECRET``); a socket joins only its
  token's session, and whatever session id or metadata a client sends is ignored or refused.

Errors never repeat the input, and a message longer than ``MAX_MESSAGE_CHARS`` never reaches the NLU.
Imports nothing from ``reflection`` but the settings: the project's own Python lives in the other venv.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import inspect
import json
import logging
import re
from collections.abc import Awaitable, Callable
from functools import cache
from pathlib import Path
from typing import Any

import jwt
import yaml
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from reflection.settings import PROJECT_ROOT, settings

logger = logging.getLogger(__name__)

MESSAGES_PATH = PROJECT_ROOT / "reflection" / "content" / "messages.yml"
MAX_SENDER_CHARS = 128
CLINIC_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
MODES = ("reflection", "intake")
LOCALES = ("US", "UK")
METADATA_KEYS = ("clinic", "mode", "locale")
TOKEN_AUDIENCE = "reflection-socketio"
TOKEN_CLAIMS = ("session_id", "clinic", "mode", "exp")
# JSON may spell one character as up to 6 bytes (\uXXXX); anything larger is refused unread.
BYTES_PER_CHAR = 6
ENVELOPE_BYTES = 4096


SLOW_TURN_SECONDS = 15.0


class EdgeError(ValueError):
    """A request the edge refuses; the message is safe to show because it never quotes the input."""

    def __init__(self, message: str, status: int = 400, code: str = "bad_request") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


@cache
def _edge_message(name: str) -> str:
    """A message for the person chatting, from the assistant's messages (the words are data, not code)."""
    with Path(MESSAGES_PATH).open(encoding="utf-8") as handle:
        text: str = yaml.safe_load(handle)[name]["text"]
    return text.format(max_chars=settings().max_message_chars)


def max_payload_bytes() -> int:
    return settings().max_message_chars * BYTES_PER_CHAR + ENVELOPE_BYTES


def _is_text(value: object) -> bool:
    """A str that can be stored and logged: lone surrogates (from JSON "\\ud800") are not text."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_message(message: object) -> str:
    if not _is_text(message):
        raise EdgeError("`message` must be a string of text.", code="message_not_text")
    if not message.strip():  # type: ignore[union-attr]
        raise EdgeError("`message` is empty.", code="message_empty")
    if len(message) > settings().max_message_chars:  # type: ignore[arg-type]
        raise EdgeError(_edge_message("message_too_long"), status=413, code="message_too_long")
    return message  # type: ignore[return-value]


def check_metadata(metadata: object) -> dict[str, str]:
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise EdgeError("`metadata` must be a JSON object.", code="metadata_not_object")
    unknown = set(metadata) - set(METADATA_KEYS)
    if unknown:
        raise EdgeError(
            "`metadata` may hold only `clinic`, `mode` and `locale`.", code="metadata_unknown_key"
        )
    clinic = metadata.get("clinic")
    if clinic is not None and not (isinstance(clinic, str) and CLINIC_ID.fullmatch(clinic)):
        raise EdgeError(
            "`metadata.clinic` must be a clinic id: 1-64 letters, digits, '-' or '_'.", code="bad_clinic"
        )
    if metadata.get("mode") is not None and metadata["mode"] not in MODES:
        raise EdgeError('`metadata.mode` must be "reflection" or "intake".', code="bad_mode")
    if metadata.get("locale") is not None and metadata["locale"] not in LOCALES:
        raise EdgeError('`metadata.locale` must be "US" or "UK".', code="bad_locale")
    return {key: value for key, value in metadata.items() if value is not None}


def check_rest_body(raw: bytes) -> tuple[str, str, dict[str, str]]:
    """(sender, message, metadata) from a REST request body, or EdgeError saying what is wrong."""
    if len(raw) > max_payload_bytes():
        raise EdgeError(_edge_message("message_too_long"), status=413, code="message_too_long")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: JSON nested too deep
        raise EdgeError("The body must be JSON.", code="body_not_json") from None
    if not isinstance(body, dict):
        raise EdgeError("The body must be a JSON object.", code="body_not_object")
    sender = body.get("sender")
    if not _is_text(sender) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
        raise EdgeError(
            f"`sender` is required: a non-empty string of at most {MAX_SENDER_CHARS} characters.",
            code="bad_sender",
        )
    return sender, check_message(body.get("message")), check_metadata(body.get("metadata"))


def _error(error: EdgeError) -> HTTPResponse:
    return response.json({"error": error.code, "message": str(error)}, status=error.status)


class ReflectionRestInput(RestInput):
    """Rasa's REST channel (same URL, same replies), with the request checked once before Rasa sees it."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("reflection_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, text, metadata = check_rest_body(request.body)
            except EdgeError as error:
                logger.info("Refused a REST message: %s", error.code)
                return _error(error)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata)
                )
            except Exception:  # Rasa's own handler logs the message text here; the traceback is enough
                logger.exception("The assistant failed on a REST message.")
                return _error(EdgeError("The assistant couldn't answer.", status=500, code="assistant_error"))
            if not collector.messages:  # e.g. the action server was unreachable: never answer with silence
                collector.messages.append({"recipient_id": sender, "text": _edge_message("no_reply")})
            return response.json(collector.messages)

        return webhook


def decode_session_token(token: object, key: str) -> dict[str, Any]:
    """The claims of a token the web app signed, or EdgeError with a one-line reason."""
    if not isinstance(token, str) or not token:
        raise EdgeError("no token", code="no_token")
    try:
        claims = jwt.decode(
            token, key, algorithms=["HS256"], audience=TOKEN_AUDIENCE, options={"require": list(TOKEN_CLAIMS)}
        )
    except jwt.ExpiredSignatureError:
        raise EdgeError("the token has expired", code="token_expired") from None
    except jwt.InvalidTokenError as error:
        # The class name says what was wrong (bad signature, malformed, wrong audience) without the token.
        raise EdgeError(f"the token is invalid ({type(error).__name__})", code="token_invalid") from None
    session_id, clinic, mode = claims["session_id"], claims["clinic"], claims["mode"]
    if not (isinstance(session_id, str) and re.fullmatch(r"[0-9a-f]{32}", session_id)):
        raise EdgeError("the token's session id is malformed", code="token_invalid")
    if not (isinstance(clinic, str) and CLINIC_ID.fullmatch(clinic)) or mode not in MODES:
        raise EdgeError("the token's clinic or mode is malformed", code="token_invalid")
    return claims


def opaque_reflection_id(session_id: str, completed_at: float) -> str:
    """An id the host page may keep for a completed reflection; it reveals nothing and links to no client."""
    key = settings().pseudonym_secret.encode("utf-8")
    return hmac.new(key, f"reflection:{session_id}:{completed_at}".encode(), hashlib.sha256).hexdigest()[:32]


class _SocketBlueprint(SocketBlueprint):
    """Attaches socket.io to Sanic so a closed websocket ends quietly, and keeps the app for its agent."""

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        self.ctx.app = app
        engineio = self.ctx.sio.eio

        async def engineio_route(request: Request) -> HTTPResponse | None:
            return await engineio.handle_request(request)

        # A finished websocket returns no response; without this mark Sanic logs a traceback for each one.
        engineio_route.is_websocket = True  # type: ignore[attr-defined]
        path = "/{}/".format(self.ctx.socketio_path.strip("/"))
        app.add_route(engineio_route, path, methods=["GET", "POST", "OPTIONS"])
        app.enable_websocket()
        Blueprint.register(self, app, options)


class ReflectionSocketIOInput(SocketIOInput):
    """socket.io where the signed token, not the client, decides the session, the clinic and the mode."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        settings().require("SOCKETIO_JWT_SECRET", "PSEUDONYM_SECRET")
        return cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
            jwt_key=settings().socketio_jwt_secret,
            jwt_method="HS256",
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # cors_allowed_origins=None: same origin only, and Rasa serves no pages, so browsers cannot connect
        # here directly; the web app's proxy (which sends no Origin) is the way in.
        sio = AsyncServer(
            async_mode="sanic", cors_allowed_origins=None, max_http_buffer_size=max_payload_bytes()
        )
        webhook = _SocketBlueprint(sio, self.socketio_path, "reflection_socketio_webhook", __name__)
        self.sio = sio
        bot_event = self.bot_message_evt

        async def tell(sid: str, name: str) -> None:
            await sio.emit(bot_event, {"text": _edge_message(name), "error": name}, room=sid)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect")
        async def connect(sid: str, environ: dict, auth: dict | None) -> bool:
            try:
                claims = decode_session_token((auth or {}).get("token"), self.jwt_key or "")
            except EdgeError as error:
                logger.warning("Refused a socket.io connection: %s.", error)
                return False
            session = {key: claims[key] for key in ("session_id", "clinic", "mode")}
            await sio.save_session(sid, session)
            joined = sio.enter_room(sid, session["session_id"])
            if inspect.isawaitable(joined):  # python-socketio >= 5.10 made enter_room a coroutine
                await joined
            return True

        @sio.on("session_request")
        async def session_request(sid: str, data: object) -> None:
            session = await sio.get_session(sid)
            asked = data.get("session_id") if isinstance(data, dict) else None
            if asked and asked != session["session_id"]:
                logger.warning("A socket.io client asked for a session other than its token's; ignored.")
            await sio.emit("session_confirm", session["session_id"], room=sid)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: str, data: object) -> None:
            session = await sio.get_session(sid)
            if not isinstance(data, dict):
                await tell(sid, "message_not_understood")
                return
            claimed = data.get("session_id")
            if claimed is not None and claimed != session["session_id"]:
                logger.warning("Refused a socket.io message for a session other than its token's.")
                await tell(sid, "message_not_understood")
                return
            try:
                text = check_message(data.get("message"))
            except EdgeError as error:
                logger.info("Refused a socket.io message: %s", error.code)
                if error.code != "message_empty":
                    too_long = error.code == "message_too_long"
                    await tell(sid, "message_too_long" if too_long else "message_not_understood")
                return
            session_id = session["session_id"]
            metadata = {"clinic": session["clinic"], "mode": session["mode"]}
            output = _CountingOutput(sio, bot_event)
            message = UserMessage(text, output, session_id, input_channel=self.name(), metadata=metadata)
            turn = asyncio.ensure_future(on_new_message(message))
            # Rasa waits minutes for a stuck action; the client hears within seconds that it takes longer.
            done, _ = await asyncio.wait({turn}, timeout=SLOW_TURN_SECONDS)
            if not done:
                await tell(sid, "taking_longer")
            await turn
            if not output.sent:  # e.g. the action server was unreachable: never answer with silence
                await tell(sid, "no_reply")
            await announce_completion(session_id)

        async def announce_completion(session_id: str) -> None:
            """Tells the session's sockets, once, that this turn completed the reflection."""
            agent = webhook.ctx.app.ctx.agent
            tracker = await agent.tracker_store.retrieve(session_id)
            if tracker is None or tracker.get_slot("reflection_status") != "complete":
                return
            completed_at = _completed_this_turn(tracker.events)
            if completed_at is not None:
                reflection = opaque_reflection_id(session_id, completed_at)
                await sio.emit(
                    "reflection_event", {"event": "completed", "reflection": reflection}, room=session_id
                )

        return webhook


class _CountingOutput(SocketIOOutput):
    """Rasa's socket.io output, counting what it sends, so a turn that sent nothing can say so."""

    def __init__(self, sio: AsyncServer, bot_message_evt: str) -> None:
        super().__init__(sio, bot_message_evt)
        self.sent = 0

    async def _send_message(self, socket_id: str, response: Any) -> None:
        self.sent += 1
        await super()._send_message(socket_id, response)


def _completed_this_turn(events: Any) -> float | None:
    """When the reflection was marked complete after the latest user message, else None."""
    for event in reversed(list(events)):
        if type(event).__name__ == "UserUttered":
            return None
        if getattr(event, "key", None) == "reflection_status" and getattr(event, "value", None) == "complete":
            return float(event.timestamp)
    return None
