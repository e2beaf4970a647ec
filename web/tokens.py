"""What the web app signs: socket.io tokens for Rasa, the browser's session cookie and summary links.

Every session id is made here (``new_session_id``), never taken from a client. Each kind of token has its
own audience, so one can never stand in for another, and the cookie and links use a key Rasa never sees.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from typing import Literal

import jwt

from reflection.settings import Settings

Mode = Literal["reflection", "intake"]
SOCKET_AUDIENCE = "reflection-socketio"  # the audience Rasa's channel (components/channels.py) accepts
COOKIE_AUDIENCE = "reflection-web-session"
SUMMARY_AUDIENCE = "reflection-summary"
SUMMARY_LINK_SECONDS = 600
SESSION_ID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class ChatSession:
    session_id: str
    clinic: str
    mode: Mode


def new_session_id() -> str:
    return secrets.token_hex(16)


def _encode(claims: dict[str, object], key: str, audience: str, seconds: int) -> str:
    now = int(time.time())
    return jwt.encode({**claims, "aud": audience, "iat": now, "exp": now + seconds}, key, algorithm="HS256")


def _decode(token: str | None, key: str, audience: str) -> ChatSession | None:
    if not token:
        return None
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=["HS256"],
            audience=audience,
            options={"require": ["session_id", "clinic", "mode", "exp"]},
        )
    except jwt.InvalidTokenError:
        return None
    session_id, clinic, mode = claims["session_id"], claims["clinic"], claims["mode"]
    if not (isinstance(session_id, str) and SESSION_ID.fullmatch(session_id)):
        return None
    if not isinstance(clinic, str) or mode not in ("reflection", "intake"):
        return None
    return ChatSession(session_id, clinic, mode)


def _claims(session: ChatSession) -> dict[str, object]:
    return {"session_id": session.session_id, "clinic": session.clinic, "mode": session.mode}


def socket_token(session: ChatSession, settings: Settings) -> str:
    """The short-lived token Rasa's socket.io channel checks; it alone names the session, clinic and mode."""
    return _encode(
        _claims(session), settings.socketio_jwt_secret, SOCKET_AUDIENCE, settings.socketio_token_minutes * 60
    )


def read_socket_token(token: str | None, settings: Settings) -> ChatSession | None:
    return _decode(token, settings.socketio_jwt_secret, SOCKET_AUDIENCE)


def session_cookie(session: ChatSession, settings: Settings) -> str:
    return _encode(
        _claims(session), settings.web_session_secret, COOKIE_AUDIENCE, settings.web_session_hours * 3600
    )


def read_session_cookie(value: str | None, settings: Settings) -> ChatSession | None:
    """The session a signed cookie names; anything unsigned, altered or expired is None."""
    return _decode(value, settings.web_session_secret, COOKIE_AUDIENCE)


def summary_ticket(session: ChatSession, settings: Settings) -> str:
    return _encode(_claims(session), settings.web_session_secret, SUMMARY_AUDIENCE, SUMMARY_LINK_SECONDS)


def read_summary_ticket(ticket: str | None, settings: Settings) -> ChatSession | None:
    return _decode(ticket, settings.web_session_secret, SUMMARY_AUDIENCE)
