"""The socket.io channel through the live assistant: the session id is a claim in the web app's signed token,
so each client reaches only its own conversation; replies really arrive; the web app's proxy checks first."""

from __future__ import annotations

import asyncio

import httpx
import jwt
import pytest
import socketio

from tests.web.conftest import Stack
from tests.web.socket_client import Chat, make_token, session_of, texts

GREETING = "glad you're here"
CONSENT_QUESTION = "okay to save your answers"


async def test_two_clients_each_get_only_their_own_replies(stack: Stack) -> None:
    token_a, token_b = make_token(stack.socketio_jwt_secret), make_token(stack.socketio_jwt_secret)
    a, b = await Chat.open(stack.rasa_url, token_a), await Chat.open(stack.rasa_url, token_b)
    try:
        said_a, said_b = await asyncio.gather(a.say("hi"), b.say("hello there"))
        assert GREETING in texts(said_a) and GREETING in texts(said_b)
        assert len(a.replies) == len(said_a) and len(b.replies) == len(said_b)  # nothing crossed over
        await a.say("yes")
        assert "delete my data" in texts(a.replies).lower()  # A's consent was taken...
        assert len(b.replies) == len(said_b)  # ...and B saw none of it
    finally:
        await asyncio.gather(a.close(), b.close())
    slots_a, slots_b = (stack.assistant.slots(session_of(token)) for token in (token_a, token_b))
    assert slots_a["consent"] is True and slots_b["consent"] is None


async def test_token_a_cannot_join_b_or_change_b_s_consent(stack: Stack) -> None:
    token_a, token_b = make_token(stack.socketio_jwt_secret), make_token(stack.socketio_jwt_secret)
    session_a, session_b = session_of(token_a), session_of(token_b)
    b = await Chat.open(stack.rasa_url, token_b)
    a = await Chat.open(stack.rasa_url, token_a)
    try:
        assert CONSENT_QUESTION in texts(await b.say("hi"))
        b_seen = len(b.replies)
        # A asks to join B's session: the channel confirms A's own session, whatever A asks for.
        await a.client.emit("session_request", {"session_id": session_b})
        await asyncio.sleep(1)
        assert a.confirmed == [session_a]
        # A answers B's consent question with B's session id: refused, and it reaches nobody.
        refused = await a.say("/affirm", session_id=session_b)
        assert [reply.get("error") for reply in refused] == ["message_not_understood"]
        # A forged token naming B's session, signed with any other key, gets no connection at all.
        with pytest.raises(socketio.exceptions.ConnectionError):
            await Chat.open(stack.rasa_url, make_token("some-other-key-0123456789abcdef0123", session_b))
        await asyncio.sleep(2)
        assert len(b.replies) == b_seen
    finally:
        await asyncio.gather(a.close(), b.close())
    assert stack.assistant.slots(session_b)["consent"] is None
    assert not [event for event in stack.assistant.tracker(session_a)["events"] if event["event"] == "user"]


async def test_the_clinic_and_mode_come_from_the_token_not_from_the_client(stack: Stack) -> None:
    token = make_token(stack.socketio_jwt_secret, clinic="example-clinic")
    chat = await Chat.open(stack.rasa_url, token)
    try:
        await chat.say("hi", metadata={"clinic": "default", "mode": "intake"}, customData={"clinic": "x"})
    finally:
        await chat.close()
    tracker = stack.assistant.tracker(session_of(token))
    assert tracker["slots"]["clinic_id"] == "example-clinic"
    first_user_event = next(event for event in tracker["events"] if event["event"] == "user")
    assert {key: first_user_event["metadata"].get(key) for key in ("clinic", "mode")} == {
        "clinic": "example-clinic",
        "mode": "reflection",
    }


# --- through the web app: the public way in ---


def web_token(stack: Stack, **body: str) -> str:
    reply = httpx.post(f"{stack.web_url}/api/session", json=body, timeout=10)
    reply.raise_for_status()
    return reply.json()["token"]


async def test_the_web_app_issues_tokens_and_its_proxy_carries_a_real_round_trip(stack: Stack) -> None:
    token = web_token(stack, clinic="example-clinic")
    claims = jwt.decode(
        token, stack.socketio_jwt_secret, algorithms=["HS256"], audience="reflection-socketio"
    )
    assert claims["clinic"] == "example-clinic" and claims["exp"] - claims["iat"] == 600
    chat = await Chat.open(stack.web_url, token)
    try:
        assert GREETING in texts(await chat.say("hi"))
        assert "Example Counselling Centre" in texts(await chat.say("what happens to my data?"))
    finally:
        await chat.close()


async def test_two_clients_through_the_proxy_stay_apart(stack: Stack) -> None:
    token_a, token_b = web_token(stack), web_token(stack)
    assert session_of(token_a) != session_of(token_b)
    a, b = await Chat.open(stack.web_url, token_a), await Chat.open(stack.web_url, token_b)
    try:
        await b.say("hi")
        b_seen = len(b.replies)
        await a.say("/affirm", session_id=session_of(token_b))  # the proxy drops the forged id
        await asyncio.sleep(2)
        assert len(b.replies) == b_seen
    finally:
        await asyncio.gather(a.close(), b.close())
    assert stack.assistant.slots(session_of(token_b))["consent"] is None


async def test_the_proxy_answers_an_over_long_message_itself(stack: Stack) -> None:
    start = stack.rasa_log.stat().st_size
    token = web_token(stack)
    chat = await Chat.open(stack.web_url, token)
    try:
        replies = await chat.say("x" * 2001)
    finally:
        await chat.close()
    assert [reply["error"] for reply in replies] == ["message_too_long"]
    assert "2000 characters" in replies[0]["text"]
    assert "message_too_long" not in stack.rasa_log.read_text()[start:]  # Rasa never saw it


async def test_the_proxy_refuses_pages_and_tokens_the_clinic_does_not_allow(stack: Stack) -> None:
    with pytest.raises(socketio.exceptions.ConnectionError):  # a page no clinic lists
        await Chat.open(stack.web_url, web_token(stack), headers={"Origin": "https://evil.example"})
    with pytest.raises(socketio.exceptions.ConnectionError):  # example-clinic's site, default clinic's token
        await Chat.open(stack.web_url, web_token(stack), headers={"Origin": "https://example-clinic.org"})
    allowed = await Chat.open(
        stack.web_url,
        web_token(stack, clinic="example-clinic"),
        headers={"Origin": "https://example-clinic.org"},
    )
    await allowed.close()
    with pytest.raises(socketio.exceptions.ConnectionError):
        await Chat.open(stack.web_url, "forged")
    polling = httpx.get(f"{stack.web_url}/socket.io/", params={"EIO": "4", "transport": "polling"})
    assert polling.status_code == 400
