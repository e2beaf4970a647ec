"""The widget's socket.io connection, passed through to Rasa on loopback after the web app's own checks.

Rasa never faces the internet: the browser talks to this origin only. Over the websocket transport each
websocket message is one Engine.IO packet, so the proxy can read what the browser sends before Rasa does:
it lets a connection in only with a token it signed, from a page its clinic allows; passes on only
``session_request`` and ``user_uttered`` (stripped to the message text, so client metadata and session ids
never reach Rasa); and answers an over-long message itself. Rasa's own channel checks the token again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from contextlib import suppress

import websockets
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from reflection.settings import Settings
from web.edge import Refusal, check_chat_message
from web.tokens import ChatSession, read_socket_token

logger = logging.getLogger(__name__)

# Engine.IO packet "4" (message) carrying Socket.IO packets: "0" connect, "1" disconnect, "2" event.
CONNECT = re.compile(r"40(\{.*\})?", re.DOTALL)
EVENT = re.compile(r"42(\d*)(\[.*\])", re.DOTALL)
PASSED_AS_IS = frozenset({"2", "3", "41"})  # ping, pong, disconnect
BYTES_PER_CHAR = 6  # JSON may spell one character as \uXXXX
ENVELOPE_BYTES = 4096
ORIGIN_REFUSED = 4003  # websocket close code for a page that may not embed this clinic's chat


class Refused(Exception):
    """The browser sent something the proxy will not pass on; the connection ends."""


def _event(name: str, data: object) -> str:
    return "42" + json.dumps([name, data])


def upstream_url(rasa_url: str) -> str:
    return re.sub(r"^http", "ws", rasa_url) + "/socket.io/?EIO=4&transport=websocket"


class SocketProxy:
    """One browser connection and its twin to Rasa."""

    def __init__(
        self,
        browser: WebSocket,
        settings: Settings,
        origin_allowed: Callable[[str | None, str], bool],
    ) -> None:
        self.browser = browser
        self.settings = settings
        self.origin_allowed = origin_allowed
        self.session: ChatSession | None = None
        self.max_frame = settings.max_message_chars * BYTES_PER_CHAR + ENVELOPE_BYTES

    async def run(self) -> None:
        await self.browser.accept()
        try:
            async with websockets.connect(
                upstream_url(self.settings.rasa_url), max_size=None, open_timeout=10
            ) as rasa:
                to_rasa = asyncio.create_task(self._browser_to_rasa(rasa))
                to_browser = asyncio.create_task(self._rasa_to_browser(rasa))
                done, pending = await asyncio.wait({to_rasa, to_browser}, return_when=asyncio.FIRST_COMPLETED)
                for task in pending:
                    task.cancel()
                    with suppress(asyncio.CancelledError, Exception):
                        await task
                for task in done:
                    error = task.exception()
                    if isinstance(error, Refused):
                        logger.info("Closed a chat connection: %s", error)
        except (OSError, websockets.WebSocketException, TimeoutError):
            logger.warning("The assistant's socket.io channel isn't reachable at %s.", self.settings.rasa_url)
        finally:
            if self.browser.application_state != WebSocketState.DISCONNECTED:
                with suppress(Exception):
                    await self.browser.close()

    async def _rasa_to_browser(self, rasa: websockets.ClientConnection) -> None:
        async for packet in rasa:
            if isinstance(packet, str):
                await self.browser.send_text(packet)

    async def _browser_to_rasa(self, rasa: websockets.ClientConnection) -> None:
        while True:
            try:
                packet = await self.browser.receive_text()
            except WebSocketDisconnect:
                return
            except (RuntimeError, KeyError):  # a binary frame: the widget sends none
                raise Refused("a binary frame") from None
            try:
                forward = await self._check(packet)
            except Refused:
                if self.session is None:  # tell socket.io's client why, so the widget can fetch a new token
                    await self.browser.send_text("44" + json.dumps({"message": "not_authorized"}))
                raise
            if forward is not None:
                await rasa.send(forward)

    async def _check(self, packet: str) -> str | None:
        """The packet to pass on to Rasa, None to drop it, or Refused to end the connection."""
        if len(packet) > self.max_frame:
            raise Refused("an oversized frame")
        if packet in PASSED_AS_IS:
            return packet
        if self.session is None:
            return self._connect(packet)
        event = EVENT.fullmatch(packet)
        if event is None:
            raise Refused("a packet the widget never sends")
        try:
            name, *args = json.loads(event.group(2))
        except ValueError:
            raise Refused("a malformed event") from None
        if name == "session_request":
            return "42" + json.dumps(["session_request", {}])
        if name != "user_uttered":
            return None
        data = args[0] if args and isinstance(args[0], dict) else {}
        try:
            text = check_chat_message(data.get("message"), self.settings)
        except Refusal as refusal:
            if refusal.code != "message_empty":
                await self.browser.send_text(
                    _event("bot_uttered", {"text": str(refusal), "error": refusal.code})
                )
            return None
        return _event("user_uttered", {"message": text})

    def _connect(self, packet: str) -> str:
        connect = CONNECT.fullmatch(packet)
        if connect is None:
            raise Refused("an event before connecting")
        try:
            auth = json.loads(connect.group(1) or "{}")
        except ValueError:
            raise Refused("malformed connection data") from None
        session = read_socket_token(auth.get("token") if isinstance(auth, dict) else None, self.settings)
        if session is None:
            raise Refused("no valid token")
        if not self.origin_allowed(self.browser.headers.get("origin"), session.clinic):
            raise Refused("a page this clinic does not allow")
        self.session = session
        return packet
