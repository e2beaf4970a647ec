"""The web app on its own (no assistant behind it): sessions, cookies, origins and checks at the edge."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient

from reflection.settings import Settings, load_settings
from tests.live import free_port
from web.app import SESSION_COOKIE, app, get_settings
from web.tokens import read_socket_token

SECRETS = {
    "SOCKETIO_JWT_SECRET": "socket-secret-for-tests-0123456789",
    "WEB_SESSION_SECRET": "cookie-secret-for-tests-0123456789",
}


class FakeRasa:
    """Rasa's REST channel as far as the web app can tell: records what it is sent, answers one message."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.received.append(body)
                reply = json.dumps([{"recipient_id": body["sender"], "text": "Hi there."}]).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def rasa() -> Iterator[FakeRasa]:
    fake = FakeRasa()
    yield fake
    fake.server.shutdown()


def settings_for(rasa_url: str, **extra: str) -> Settings:
    return load_settings({**SECRETS, "RASA_URL": rasa_url, **extra})


@pytest.fixture
def client(rasa: FakeRasa) -> Iterator[TestClient]:
    app.dependency_overrides[get_settings] = lambda: settings_for(rasa.url)
    yield TestClient(app)
    app.dependency_overrides.clear()


def test_the_page_and_health_are_served_without_any_cdn(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "Reflect on your therapy" in page.text
    assert "http://" not in page.text and "https://" not in page.text  # nothing loads from the internet
    assert "textContent" in page.text  # messages are shown as text, never as HTML
    assert client.get("/health").json() == {"status": "ok"}


def test_an_empty_message_gets_a_clear_answer(client: TestClient, rasa: FakeRasa) -> None:
    reply = client.post("/api/chat", json={"message": "   "})
    assert reply.status_code == 422 and reply.json()["detail"] == "Please type a message first."
    assert rasa.received == []


def test_an_unreachable_assistant_gets_a_clear_answer(client: TestClient) -> None:
    app.dependency_overrides[get_settings] = lambda: settings_for(f"http://127.0.0.1:{free_port()}")
    reply = client.post("/api/chat", json={"message": "hi"})
    assert reply.status_code == 503 and "try again" in reply.json()["detail"]


# --- issue 6.10: the session cookie is signed; a cookie the client picks is never a session id ---


def test_a_cookie_the_client_made_up_is_not_used_as_the_session_id(
    client: TestClient, rasa: FakeRasa
) -> None:
    forged = "A" * 43  # the old check accepted any 43 characters
    client.cookies.set(SESSION_COOKIE, forged)
    reply = client.post("/api/chat", json={"message": "hi"})
    assert reply.status_code == 200
    first = rasa.received[-1]["sender"]
    assert first != forged and len(first) == 32
    signed = reply.cookies[SESSION_COOKIE]
    assert signed != first  # a signed value, not the bare id
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, signed)
    client.post("/api/chat", json={"message": "yes"})
    assert rasa.received[-1]["sender"] == first  # the signed cookie brings the browser back to its chat


def test_a_cookie_signed_with_another_key_starts_a_new_session(client: TestClient) -> None:
    client.post("/api/session", json={})
    stolen_format = client.cookies[SESSION_COOKIE]
    app.dependency_overrides[get_settings] = lambda: settings_for(
        "http://127.0.0.1:1", WEB_SESSION_SECRET="another-key-entirely-0123456789-abcdef"
    )
    client.cookies.set(SESSION_COOKIE, stolen_format)
    fresh = client.post("/api/session", json={}).json()
    assert fresh["resumed"] is False


def test_the_cookie_is_httponly_and_secure_over_https(rasa: FakeRasa) -> None:
    app.dependency_overrides[get_settings] = lambda: settings_for(rasa.url)
    try:
        plain = TestClient(app).post("/api/session", json={}).headers["set-cookie"].lower()
        secure = (
            TestClient(app, base_url="https://testserver")
            .post("/api/session", json={})
            .headers["set-cookie"]
            .lower()
        )
    finally:
        app.dependency_overrides.clear()
    assert "httponly" in plain and "secure" not in plain
    assert (
        "httponly" in secure
        and "; secure" in secure
        and "samesite=none" in secure
        and "partitioned" in secure
    )


# --- the token the socket.io channel checks ---


def test_a_session_token_carries_a_server_made_session_id_clinic_and_mode(client: TestClient) -> None:
    first = client.post("/api/session", json={"clinic": "example-clinic", "mode": "reflection"}).json()
    session = read_socket_token(first["token"], settings_for("http://x"))
    assert session is not None and session.clinic == "example-clinic" and session.mode == "reflection"
    assert first["resumed"] is False and first["expires_in"] == 600
    again = client.post("/api/session", json={"clinic": "example-clinic", "mode": "reflection"}).json()
    resumed = read_socket_token(again["token"], settings_for("http://x"))
    assert again["resumed"] is True and resumed == session
    other = client.post("/api/session", json={"clinic": "default"}).json()
    assert read_socket_token(other["token"], settings_for("http://x")).session_id != session.session_id


def test_an_unknown_clinic_or_a_page_it_does_not_allow_gets_no_token(client: TestClient) -> None:
    assert client.post("/api/session", json={"clinic": "no-such-clinic"}).status_code == 404
    foreign = client.post(
        "/api/session", json={"clinic": "example-clinic"}, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403 and "token" not in foreign.json()
    allowed = client.post(
        "/api/session", json={"clinic": "example-clinic"}, headers={"Origin": "https://example-clinic.org"}
    )
    assert allowed.status_code == 200
    same_site = client.post("/api/session", json={}, headers={"Origin": "http://testserver"})
    assert same_site.status_code == 200


# --- issue 6.11: validated once at the edge; errors never echo the input, nothing reaches the log ---


def test_errors_name_the_problem_without_echoing_the_input(client: TestClient, rasa: FakeRasa) -> None:
    marker = "my-private-words-" * 10
    for body in (
        {"message": "hi", "clinic": marker},
        {"clinic": marker, "mode": "other"},
        [marker],
    ):
        for path in ("/api/chat", "/api/session"):
            reply = client.post(path, json=body)
            assert reply.status_code == 422, (path, reply.text)
            assert "my-private-words" not in reply.text
    broken = client.post(
        "/api/chat", content=f'{{"message": "{marker}', headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 422 and "my-private-words" not in broken.text
    assert rasa.received == []


def test_a_lone_surrogate_gets_a_clear_answer_and_its_text_is_never_logged(
    client: TestClient, rasa: FakeRasa, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = '{"message": "my secret words \\ud800"}'
    reply = client.post("/api/chat", content=body, headers={"Content-Type": "application/json"})
    assert reply.status_code == 422 and "didn't come through" in reply.json()["detail"]
    assert "secret words" not in reply.text and "secret words" not in caplog.text
    assert rasa.received == []


def test_a_message_that_is_not_text_is_refused(client: TestClient, rasa: FakeRasa) -> None:
    for message in (5, ["hi"], None, {"text": "hi"}):
        assert client.post("/api/chat", json={"message": message}).status_code == 422
    assert rasa.received == []


# --- issue 6.5: an over-long message never reaches the assistant ---


def test_an_over_long_message_gets_a_clear_reply_and_never_reaches_rasa(
    client: TestClient, rasa: FakeRasa
) -> None:
    reply = client.post("/api/chat", json={"message": "a" * 2001})
    assert reply.status_code == 413
    assert "2000 characters" in reply.json()["detail"] and "shorter" in reply.json()["detail"]
    assert rasa.received == []
    assert client.post("/api/chat", json={"message": "a" * 2000}).status_code == 200
    assert len(rasa.received) == 1


def test_the_limit_is_a_setting(rasa: FakeRasa) -> None:
    app.dependency_overrides[get_settings] = lambda: settings_for(rasa.url, MAX_MESSAGE_CHARS="10")
    try:
        reply = TestClient(app).post("/api/chat", json={"message": "a" * 11})
    finally:
        app.dependency_overrides.clear()
    assert reply.status_code == 413 and "10 characters" in reply.json()["detail"]
