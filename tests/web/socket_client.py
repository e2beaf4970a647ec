"""A chat client on the socket.io channel, as the widget uses it (python-socketio's asyncio client)."""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import Any

import jwt
import socketio

SOCKET_AUDIENCE = "reflection-socketio"


def make_token(secret: str, session_id: str | None = None, clinic: str = "default", **claims: Any) -> str:
    """A token as the web app signs it; tests sign their own to try what a client might forge."""
    now = int(time.time())
    body = {
        "session_id": session_id or secrets.token_hex(16),
        "clinic": clinic,
        "mode": "reflection",
        "aud": SOCKET_AUDIENCE,
        "iat": now,
        "exp": now + 300,
        **claims,
    }
    return jwt.encode(
        {key: value for key, value in body.items() if value is not None}, secret, algorithm="HS256"
    )


def session_of(token: str) -> str:
    return jwt.decode(token, options={"verify_signature": False})["session_id"]


class Chat:
    """One socket: what it was sent, and waiting for more."""

    def __init__(self) -> None:
        self.client = socketio.AsyncClient(reconnection=False)
        self.replies: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.confirmed: list[str] = []
        self.client.on("bot_uttered", self.replies.append)
        self.client.on("reflection_event", self.events.append)
        self.client.on("session_confirm", self.confirmed.append)

    @classmethod
    async def open(cls, url: str, token: str, headers: dict[str, str] | None = None) -> Chat:
        chat = cls()
        await chat.client.connect(
            url, auth={"token": token}, transports=["websocket"], headers=headers or {}, wait_timeout=10
        )
        return chat

    async def say(self, text: str, **extra: Any) -> list[dict[str, Any]]:
        """Sends a message and returns the replies that arrive for it (waits until they stop coming)."""
        before = len(self.replies)
        await self.client.emit("user_uttered", {"message": text, **extra})
        return await self.new_replies(before)

    async def new_replies(
        self, before: int, first_within: float = 60, quiet: float = 1.5
    ) -> list[dict[str, Any]]:
        deadline = time.monotonic() + first_within
        while len(self.replies) == before and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        count = -1
        while count != len(self.replies):  # replies come one by one: wait until a quiet moment
            count = len(self.replies)
            await asyncio.sleep(quiet)
        return self.replies[before:]

    async def close(self) -> None:
        await self.client.disconnect()


def texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(reply.get("text") or "" for reply in replies)
