"""Rasa's channels (components/channels.py) in the running assistant: checked once at the edge."""

from __future__ import annotations

import json

import httpx
import pytest
import socketio

from tests.live import new_sender
from tests.web.conftest import Stack
from tests.web.socket_client import Chat, make_token, session_of

MARKER = "my-private-words"


def user_messages(stack: Stack, sender: str) -> list[str]:
    """What the assistant's tracker holds as said by this sender (Rasa opens an empty session on lookup)."""
    return [event["text"] for event in stack.assistant.tracker(sender)["events"] if event["event"] == "user"]


def post_raw(stack: Stack, body: bytes) -> httpx.Response:
    return stack.assistant.http.post(
        f"{stack.rasa_url}/webhooks/rest/webhook", content=body, headers={"Content-Type": "application/json"}
    )


def post(stack: Stack, body: object) -> httpx.Response:
    return post_raw(stack, json.dumps(body).encode())


# --- issue 6.3: REST is no public door, and a conversation needs a sender ---


@pytest.mark.parametrize("sender", [None, "", "   ", 42, ["a"], "x" * 129])
def test_a_missing_or_empty_sender_is_refused(stack: Stack, sender: object) -> None:
    body = {"message": "hi"} if sender is None else {"sender": sender, "message": "hi"}
    reply = post(stack, body)
    assert reply.status_code == 400 and reply.json()["error"] == "bad_sender"
    assert user_messages(stack, "default") == []  # nothing went to the shared id


# --- issue 6.11: validated once at the edge, errors never echo the input ---


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ([MARKER], "body_not_object"),
        ({"sender": "s", "message": 5}, "message_not_text"),
        ({"sender": "s", "message": [MARKER]}, "message_not_text"),
        ({"sender": "s", "message": None}, "message_not_text"),
        ({"sender": "s"}, "message_not_text"),
        ({"sender": "s", "message": "  "}, "message_empty"),
        ({"sender": "s", "message": "hi", "metadata": {"clinic": {"id": MARKER}}}, "bad_clinic"),
        ({"sender": "s", "message": "hi", "metadata": {"clinic": MARKER * 5}}, "bad_clinic"),
        ({"sender": "s", "message": "hi", "metadata": [MARKER]}, "metadata_not_object"),
        ({"sender": "s", "message": "hi", "metadata": {"mode": MARKER}}, "bad_mode"),
        ({"sender": "s", "message": "hi", "metadata": {MARKER: 1}}, "metadata_unknown_key"),
    ],
)
def test_bad_input_gets_a_400_that_does_not_echo_it(stack: Stack, body: object, error: str) -> None:
    reply = post(stack, body)
    assert (reply.status_code, reply.json()["error"]) == (400, error)
    assert MARKER not in reply.text


def test_broken_json_and_lone_surrogates_are_refused_not_crashed_on(stack: Stack) -> None:
    broken = post_raw(stack, b'{"sender": "s", "message": "' + MARKER.encode())
    assert broken.status_code == 400 and MARKER not in broken.text
    sender = new_sender()
    surrogate = post_raw(stack, f'{{"sender": "{sender}", "message": "{MARKER} \\ud800"}}'.encode())
    assert (surrogate.status_code, surrogate.json()["error"]) == (400, "message_not_text")
    assert user_messages(stack, sender) == []


def test_a_clinic_id_and_mode_in_metadata_still_work(stack: Stack) -> None:
    sender = new_sender()
    reply = post(
        stack,
        {"sender": sender, "message": "hi", "metadata": {"clinic": "example-clinic", "mode": "reflection"}},
    )
    assert reply.status_code == 200 and reply.json()
    assert stack.assistant.slots(sender)["clinic_id"] == "example-clinic"


# --- issue 6.5: the NLU never sees an over-long message ---


def test_an_over_long_rest_message_gets_a_clear_reply_and_never_reaches_the_nlu(stack: Stack) -> None:
    sender = new_sender()
    reply = post(stack, {"sender": sender, "message": "word " * 401})
    assert reply.status_code == 413
    assert "2000 characters" in reply.json()["message"]
    assert user_messages(stack, sender) == []
    huge = post_raw(stack, json.dumps({"sender": sender, "message": "x" * 200_000}).encode())
    assert huge.status_code == 413 and user_messages(stack, sender) == []
    assert post(stack, {"sender": sender, "message": "hi " + "a" * 1997}).status_code == 200


async def test_an_over_long_socket_message_gets_a_clear_reply_and_never_reaches_the_nlu(stack: Stack) -> None:
    token = make_token(stack.socketio_jwt_secret)
    chat = await Chat.open(stack.rasa_url, token)
    try:
        replies = await chat.say("x" * 2001)
    finally:
        await chat.close()
    assert [reply["error"] for reply in replies] == ["message_too_long"]
    assert "2000 characters" in replies[0]["text"]
    assert user_messages(stack, session_of(token)) == []


# --- issue 6.13: a bad token is one line in Rasa's log, not a traceback ---


async def test_a_bad_token_is_refused_with_one_log_line_and_no_traceback(stack: Stack) -> None:
    start = stack.rasa_log.stat().st_size
    bad_tokens = [
        "not-a-token",
        make_token("a-different-key-that-rasa-does-not-know-0123"),
        make_token(stack.socketio_jwt_secret, exp=1),
        make_token(stack.socketio_jwt_secret, session_id="not-hex"),
    ]
    for token in bad_tokens:
        with pytest.raises(socketio.exceptions.ConnectionError):
            await Chat.open(stack.rasa_url, token)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await socketio.AsyncClient(reconnection=False).connect(stack.rasa_url, transports=["websocket"])
    log = stack.rasa_log.read_text()[start:]
    assert log.count("Refused a socket.io connection") == len(bad_tokens) + 1
    assert "Traceback" not in log and "not-a-token" not in log
