"""Chat clients for the benchmark, one per conversation: REST, and socket.io the way the widget uses it.

A turn is timed from sending the message to the arrival of the bot's last reply to it. Over REST that is the
response. Over socket.io replies come one by one, so a turn ends when ``done`` says the replies so far
complete it (the next question has arrived); a turn that never completes is a timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any, Protocol

import httpx
import jwt
import socketio

TURN_TIMEOUT_SECONDS = 30.0
Done = Callable[[list[str]], bool]


class TurnError(Exception):
    """A turn that failed: an HTTP error, a timeout, or no reply at all. ``kind`` names it in the report."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class Channel(Protocol):
    sender: str

    async def open(self) -> None: ...

    async def send(self, text: str, done: Done) -> tuple[list[dict[str, Any]], float]: ...

    async def close(self) -> None: ...


class RestChannel:
    """Rasa's REST channel (POST /webhooks/rest/webhook); one keep-alive connection pool for all clients."""

    def __init__(self, http: httpx.AsyncClient, rasa_url: str, sender: str) -> None:
        self.http = http
        self.url = f"{rasa_url}/webhooks/rest/webhook"
        self.sender = sender

    async def open(self) -> None:
        return None

    async def send(self, text: str, done: Done) -> tuple[list[dict[str, Any]], float]:
        started = time.perf_counter()
        try:
            response = await self.http.post(
                self.url, json={"sender": self.sender, "message": text}, timeout=TURN_TIMEOUT_SECONDS
            )
        except httpx.TimeoutException:
            raise TurnError("timeout") from None
        except httpx.HTTPError as error:
            raise TurnError(type(error).__name__) from None
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise TurnError(f"HTTP {response.status_code}")
        replies: list[dict[str, Any]] = response.json()
        if not replies:
            raise TurnError("no reply")
        return replies, elapsed

    async def close(self) -> None:
        return None


class SocketChannel:
    """A socket.io connection (websocket transport), as the chat widget opens it.

    ``session_url`` set: the project's way in, through the web app, which issues the token (POST
    /api/session) and proxies the socket to Rasa. Otherwise straight to a Rasa socket.io channel that
    takes the session id from ``session_request`` (the vanilla bot)."""

    def __init__(self, url: str, sender: str, session_url: str | None = None) -> None:
        self.url = url
        self.sender = sender
        self.session_url = session_url
        self.client = socketio.AsyncClient(reconnection=False)
        self.replies: list[tuple[float, dict[str, Any]]] = []
        self.arrived = asyncio.Event()

        async def on_reply(data: dict[str, Any]) -> None:
            self.replies.append((time.perf_counter(), data))
            self.arrived.set()

        self.client.on("bot_uttered", on_reply)

    async def open(self) -> None:
        auth: dict[str, str] | None = None
        if self.session_url is not None:
            # Its own client: a shared cookie jar would hand every client the first one's session.
            async with httpx.AsyncClient(timeout=TURN_TIMEOUT_SECONDS) as fresh:
                response = await fresh.post(self.session_url, json={})
            if response.status_code != 200:
                raise TurnError(f"session HTTP {response.status_code}")
            token = response.json()["token"]
            self.sender = jwt.decode(token, options={"verify_signature": False})["session_id"]
            auth = {"token": token}
        try:
            await self.client.connect(
                self.url, auth=auth, transports=["websocket"], wait_timeout=TURN_TIMEOUT_SECONDS
            )
        except socketio.exceptions.ConnectionError:
            raise TurnError("connect failed") from None
        await self.client.emit("session_request", {} if auth else {"session_id": self.sender})

    async def send(self, text: str, done: Done) -> tuple[list[dict[str, Any]], float]:
        before = len(self.replies)
        started = time.perf_counter()
        data: dict[str, str] = {"message": text}
        if self.session_url is None:
            data["session_id"] = self.sender
        self.arrived.clear()
        await self.client.emit("user_uttered", data)
        deadline = started + TURN_TIMEOUT_SECONDS
        while True:
            new = self.replies[before:]
            if new and done([reply.get("text") or "" for _, reply in new]):
                break
            wait = deadline - time.perf_counter()
            if wait <= 0:
                raise TurnError("timeout" if self.client.connected else "disconnected")
            self.arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), timeout=wait)
        new = self.replies[before:]
        return [reply for _, reply in new], new[-1][0] - started

    async def close(self) -> None:
        with contextlib.suppress(Exception):  # a connection that already failed has nothing to close
            await self.client.disconnect()
