"""Bad input on every way in (issue 11): Rasa's REST channel and the web app's socket.io proxy, its only chat.

Empty, 100 KB and 1 MB messages, binary data and invalid UTF-8, emoji, right-to-left text, HTML and
SQL-looking text, malformed JSON and wrong types. Each must get a clear reply or a 4xx, never a crash (5xx)
or silence; nothing may be stored but the text as it was sent; the servers stay up and small.
"""

from __future__ import annotations

import asyncio
import json
import random

import httpx
import pytest
import websockets

from deploy.procs import memory_of_tree
from reflection.pseudonym import pseudonymize
from reflection.storage.repository import ReflectionStore
from tests.live import new_sender
from tests.web.conftest import Stack

MARKER = "fuzz-marker-words"
TEXTS = {
    "emoji": "😔🙂👍🏽 not really 🧑‍🤝‍🧑",
    "right-to-left": "אני לא מרגיש שמקשיבים לי — لا أشعر أنني مسموع",
    "html": f"<script>alert('{MARKER}')</script><b>mostly</b> yes <img src=x onerror=alert(1)>",
    "sql": f"'; DROP TABLE answers; -- {MARKER}",
    "sql-2": "Robert'); DELETE FROM events WHERE 1=1;--",
    "control characters": "mostly\u0000 yes\u200f\u202e",
    "at the limit": "é" * 2000,
}
RNG = random.Random(11)
RAW_BODIES = {
    "empty body": b"",
    "truncated json": b'{"sender": "s", "message": "' + MARKER.encode(),
    "binary": bytes(RNG.getrandbits(8) for _ in range(4096)),
    "invalid utf-8": b'{"sender": "s", "message": "\xc3\x28 \xff\xfe ' + MARKER.encode() + b'"}',
    "json null": b"null",
    "json number": b"12345",
    "deeply nested json": b"[" * 5000 + b"]" * 5000,
}
WRONG_TYPES = {
    "message is an object": {"message": {"text": MARKER}},
    "message is a list": {"message": [MARKER]},
    "message is a number": {"message": 3},
    "message is true": {"message": True},
    "message is null": {"message": None},
    "empty message": {"message": ""},
    "whitespace message": {"message": " \n\t "},
    "100 KB message": {"message": "a" * 100_000},
    "1 MB message": {"message": MARKER + "b" * 1_000_000},
}


def user_texts(stack: Stack, sender: str) -> list[str]:
    return [event["text"] for event in stack.assistant.tracker(sender)["events"] if event["event"] == "user"]


def rasa_pid(stack: Stack) -> int:
    return stack.assistant.process_ids["rasa"]


def assert_answered(reply: httpx.Response) -> None:
    """A clear reply or a 4xx that says what was wrong without quoting the input; never a 5xx."""
    assert reply.status_code < 500, (reply.status_code, reply.text[:300])
    assert MARKER not in reply.text
    if reply.status_code >= 400:
        assert reply.json()  # a JSON error a client can show


# --- Rasa's REST channel -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(RAW_BODIES))
def test_rest_channel_raw_bodies(stack: Stack, name: str) -> None:
    reply = stack.assistant.http.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        content=RAW_BODIES[name],
        headers={"Content-Type": "application/json"},
    )
    assert_answered(reply)
    assert reply.status_code in (400, 413)


@pytest.mark.parametrize("name", list(WRONG_TYPES))
def test_rest_channel_wrong_types_and_sizes(stack: Stack, name: str) -> None:
    sender = new_sender()
    reply = stack.assistant.http.post(
        f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": sender, **WRONG_TYPES[name]}
    )
    assert_answered(reply)
    assert reply.status_code in (400, 413)
    assert user_texts(stack, sender) == []  # nothing reached the conversation


@pytest.mark.parametrize("name", list(TEXTS))
def test_rest_channel_odd_but_valid_text_is_answered_and_kept_as_sent(stack: Stack, name: str) -> None:
    sender = new_sender()
    reply = stack.assistant.http.post(
        f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": TEXTS[name]}
    )
    assert reply.status_code == 200 and reply.json(), reply.text[:300]  # a reply, not silence
    assert user_texts(stack, sender) == [TEXTS[name].strip()]


def test_rasa_stays_up_and_small_after_all_of_it(stack: Stack) -> None:
    before = memory_of_tree(rasa_pid(stack)).rss_mb
    for body in RAW_BODIES.values():
        stack.assistant.http.post(f"{stack.rasa_url}/webhooks/rest/webhook", content=body)
    for payload in WRONG_TYPES.values():
        stack.assistant.http.post(
            f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": new_sender(), **payload}
        )
    assert httpx.get(stack.rasa_url + "/", timeout=10).status_code == 200
    assert memory_of_tree(rasa_pid(stack)).rss_mb - before < 200  # a huge message never reaches the NLU


def test_odd_free_text_answers_are_stored_word_for_word(stack: Stack) -> None:
    """A consenting client's own words, however odd, are stored exactly as typed (and nothing else)."""
    sender = new_sender()
    say = stack.assistant.say
    say(sender, "hi, I'd like to think about how my therapy is going")
    for _ in range(20):
        asked = stack.assistant.slots(sender)["requested_slot"]
        if asked == "hopes":
            break
        say(sender, {"consent": "yes", "tell_more": "skip"}.get(asked, "3"))
        if stack.assistant.slots(sender).get("pending_confirmation"):
            say(sender, "yes")
    words = " ".join(TEXTS[name] for name in ("emoji", "right-to-left", "html", "sql"))
    say(sender, words)
    store = ReflectionStore.from_url(stack.assistant.database_url)
    try:
        record = store.current_reflection(pseudonymize(sender, stack.assistant.pseudonym_secret))
    finally:
        store.close()
    assert record is not None and record.answers["hopes"].raw_text == words


# --- the socket.io proxy ---------------------------------------------------------------------------------


async def open_socket(stack: Stack) -> websockets.ClientConnection:
    """A websocket to the web app's proxy, past Engine.IO's handshake and Socket.IO's connect (a token)."""
    token = httpx.post(f"{stack.web_url}/api/session", json={}, timeout=10).json()["token"]
    url = stack.web_url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
    socket = await websockets.connect(url, max_size=None)
    assert (await asyncio.wait_for(socket.recv(), 10)).startswith("0")  # Engine.IO open
    await socket.send("40" + json.dumps({"token": token}))
    assert (await asyncio.wait_for(socket.recv(), 10)).startswith("40")  # Socket.IO connected
    return socket


async def next_event_or_close(socket: websockets.ClientConnection) -> str | None:
    """The next Socket.IO event the proxy sends (pings answered), or None when it closes the connection."""
    try:
        while True:
            packet = await asyncio.wait_for(socket.recv(), 30)
            if packet == "2":
                await socket.send("3")
                continue
            if isinstance(packet, str) and packet.startswith("42"):
                return packet
    except websockets.ConnectionClosed:
        return None


SOCKET_FRAMES = {
    "binary frame": bytes(RNG.getrandbits(8) for _ in range(1024)),
    "1 MB frame": "42" + json.dumps(["user_uttered", {"message": "c" * 1_000_000}]),
    "100 KB message": "42" + json.dumps(["user_uttered", {"message": "d" * 100_000}]),
    "malformed event": '42["user_uttered", {"message": ',
    "message is a number": "42" + json.dumps(["user_uttered", {"message": 42}]),
    "message is a list": "42" + json.dumps(["user_uttered", {"message": [MARKER]}]),
    "data is a string": "42" + json.dumps(["user_uttered", MARKER]),
    "lone surrogate": '42["user_uttered", {"message": "\\ud800 ' + MARKER + '"}]',
    "unknown packet": "9" + MARKER,
    "deeply nested event": '42["user_uttered", ' + "[" * 5000 + "]" * 5000 + "]",
}


@pytest.mark.parametrize("name", list(SOCKET_FRAMES))
async def test_socket_bad_frames_get_a_clear_reply_or_a_closed_connection(stack: Stack, name: str) -> None:
    socket = await open_socket(stack)
    try:
        await socket.send(SOCKET_FRAMES[name])
        event = await next_event_or_close(socket)
    finally:
        await socket.close()
    if event is not None:  # a clear reply: an error the widget can show, never the input
        assert MARKER not in event
        name_, data = json.loads(event[2:])
        assert name_ == "bot_uttered" and data.get("error") and data.get("text")
    replies_again = await open_socket(stack)  # the proxy is still there for everyone else
    await replies_again.close()


DROPPED = {"empty message", "whitespace message"}  # nothing to answer: the proxy passes nothing on


@pytest.mark.parametrize("name", list(WRONG_TYPES))
async def test_socket_wrong_types_and_sizes_get_a_clear_reply(stack: Stack, name: str) -> None:
    """The web app's chat is socket.io only: a wrong type or size gets an error the widget shows (or, past
    the frame limit, a closed connection); an empty message is dropped and the chat goes on."""
    socket = await open_socket(stack)
    try:
        await socket.send("42" + json.dumps(["user_uttered", WRONG_TYPES[name]]))
        if name in DROPPED:
            await socket.send("42" + json.dumps(["user_uttered", {"message": "hello"}]))
        event = await next_event_or_close(socket)
    finally:
        await socket.close()
    if name in DROPPED:
        assert event is not None and not json.loads(event[2:])[1].get("error")
    elif event is not None:
        assert MARKER not in event
        name_, data = json.loads(event[2:])
        assert name_ == "bot_uttered" and data.get("error") and data.get("text")
    else:
        assert len(json.dumps(WRONG_TYPES[name])) > 100_000  # only an oversized frame closes the connection


@pytest.mark.parametrize("name", list(TEXTS))
async def test_socket_odd_but_valid_text_gets_a_reply(stack: Stack, name: str) -> None:
    socket = await open_socket(stack)
    try:
        await socket.send("42" + json.dumps(["user_uttered", {"message": TEXTS[name]}]))
        event = await next_event_or_close(socket)
    finally:
        await socket.close()
    assert event is not None and json.loads(event[2:])[0] == "bot_uttered"
