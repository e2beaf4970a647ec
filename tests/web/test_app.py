"""The web app on its own, with a stand-in for Rasa's tracker API: sessions, cookies, origins, history,
the summary page and the checks at the edge (the live assistant is in test_socketio and the browser tests)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from reflection.settings import Settings, load_settings
from tests.live import free_port
from web.app import SESSION_COOKIE, app, get_settings
from web.edge import Refusal, check_chat_message
from web.tokens import ChatSession, read_socket_token, socket_token

SECRETS = {
    "SOCKETIO_JWT_SECRET": "socket-secret-for-tests-0123456789-abcdef",
    "WEB_SESSION_SECRET": "cookie-secret-for-tests-0123456789-abcdef",
    "RASA_TOKEN": "rasa-token-for-tests",
}
GREETED_AND_CONSENTED = [
    {"event": "session_started"},
    {"event": "user", "text": "/greet"},
    {"event": "bot", "text": "Hi, I'm glad you're here.\n\nIs it okay to save your answers?",
     "data": {"buttons": [{"title": "Yes, save my answers", "payload": "/affirm"},
                          {"title": "No, don't save them", "payload": "/deny"}]}},
    {"event": "user", "text": "/affirm"},
    {"event": "bot", "text": "Thank you.", "data": {}},
    {"event": "user", "text": "<b>about six sessions</b>"},
    {"event": "user", "text": "/start_over"},
]  # fmt: skip


class FakeTrackerApi:
    """Rasa's tracker API as far as the web app can tell: one conversation, and the requests it got."""

    def __init__(self, events: list[dict[str, Any]], slots: dict[str, Any]) -> None:
        self.tracker = {"events": events, "slots": slots}
        self.asked: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                fake.asked.append(self.path)
                body = json.dumps(fake.tracker).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def rasa() -> Iterator[FakeTrackerApi]:
    fake = FakeTrackerApi(GREETED_AND_CONSENTED, {"consent": True, "reflection_status": "in_progress"})
    yield fake
    fake.server.shutdown()


def settings_for(rasa_url: str, **extra: str) -> Settings:
    return load_settings({**SECRETS, "RASA_URL": rasa_url, **extra})


@pytest.fixture
def client(rasa: FakeTrackerApi) -> Iterator[TestClient]:
    app.dependency_overrides[get_settings] = lambda: settings_for(rasa.url)
    yield TestClient(app)
    app.dependency_overrides.clear()


def bearer(session: ChatSession, rasa_url: str = "http://x") -> dict[str, str]:
    return {"Authorization": f"Bearer {socket_token(session, settings_for(rasa_url))}"}


SESSION = ChatSession("0123456789abcdef0123456789abcdef", "default", "reflection")


def test_the_demo_pages_embed_the_widget_with_a_strict_csp_and_no_cdn(client: TestClient) -> None:
    for path, clinic, mode in (("/", "default", "reflection"), ("/intake", "riverside", "intake")):
        page = client.get(path)
        assert page.status_code == 200
        assert f'data-clinic="{clinic}" data-mode="{mode}"' in page.text
        assert "http://" not in page.text and "https://" not in page.text  # nothing loads from the internet
        policy = page.headers["content-security-policy"]
        assert "script-src 'nonce-" in policy and "unsafe" not in policy
    assert client.get("/health").json() == {"status": "ok"}


# --- issue 6.10: the session cookie is signed; a cookie the client picks is never a session id ---


def test_a_cookie_the_client_made_up_is_not_used_as_the_session_id(client: TestClient) -> None:
    forged = "A" * 43  # the old check accepted any 43 characters
    client.cookies.set(SESSION_COOKIE, forged)
    reply = client.post("/api/session", json={})
    first = read_socket_token(reply.json()["token"], settings_for("http://x"))
    assert reply.json()["resumed"] is False and first is not None and first.session_id != forged
    signed = reply.cookies[SESSION_COOKIE]
    assert first.session_id not in signed  # a signed value, not the bare id
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, signed)
    again = client.post("/api/session", json={}).json()
    assert again["resumed"] is True  # the signed cookie brings the browser back to its conversation
    assert read_socket_token(again["token"], settings_for("http://x")) == first


def test_a_cookie_signed_with_another_key_starts_a_new_session(client: TestClient) -> None:
    signed = client.post("/api/session", json={}).cookies[SESSION_COOKIE]
    app.dependency_overrides[get_settings] = lambda: settings_for(
        "http://127.0.0.1:1", WEB_SESSION_SECRET="another-key-entirely-0123456789-abcdef"
    )
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, signed)
    assert client.post("/api/session", json={}).json()["resumed"] is False


def test_the_cookie_is_httponly_and_secure_over_https(rasa: FakeTrackerApi) -> None:
    app.dependency_overrides[get_settings] = lambda: settings_for(rasa.url)
    try:
        plain = TestClient(app).post("/api/session", json={}).headers["set-cookie"].lower()
        secure = TestClient(app, base_url="https://testserver").post("/api/session", json={})
    finally:
        app.dependency_overrides.clear()
    cookie = secure.headers["set-cookie"].lower()
    assert "httponly" in plain and "secure" not in plain
    assert (
        "httponly" in cookie
        and "; secure" in cookie
        and "samesite=none" in cookie
        and "partitioned" in cookie
    )


def test_leaving_quickly_forgets_the_cookie(client: TestClient) -> None:
    client.post("/api/session", json={})
    forgotten = client.post("/api/session/forget")
    assert forgotten.status_code == 204 and "max-age=0" in forgotten.headers["set-cookie"].lower()
    assert "reflection_session" not in client.cookies
    embedded = TestClient(app, base_url="https://testserver").post("/api/session/forget")
    assert "partitioned" in embedded.headers["set-cookie"].lower()  # matches the cookie it deletes


# --- the token the socket.io channel checks ---


def test_a_session_token_carries_a_server_made_session_id_clinic_and_mode(client: TestClient) -> None:
    first = client.post("/api/session", json={"clinic": "riverside", "mode": "intake"}).json()
    session = read_socket_token(first["token"], settings_for("http://x"))
    assert session is not None and (session.clinic, session.mode) == ("riverside", "intake")
    assert first["resumed"] is False and first["expires_in"] == 600
    again = client.post("/api/session", json={"clinic": "riverside", "mode": "intake"}).json()
    assert again["resumed"] is True and read_socket_token(again["token"], settings_for("http://x")) == session
    other = client.post("/api/session", json={"clinic": "default"}).json()
    assert read_socket_token(other["token"], settings_for("http://x")).session_id != session.session_id


def test_an_open_widget_without_cookies_resumes_with_its_earlier_token(client: TestClient) -> None:
    key = SECRETS["SOCKETIO_JWT_SECRET"]
    an_hour_ago = int(time.time()) - 3600
    claims = {"session_id": SESSION.session_id, "clinic": "default", "mode": "reflection"}
    expired = jwt.encode(
        {**claims, "aud": "reflection-socketio", "iat": an_hour_ago, "exp": an_hour_ago + 600}, key, "HS256"
    )
    resumed = client.post("/api/session", json={"resume": expired}).json()
    assert resumed["resumed"] is True
    assert read_socket_token(resumed["token"], settings_for("http://x")) == SESSION
    too_old = jwt.encode({**claims, "aud": "reflection-socketio", "iat": 1, "exp": 600}, key, "HS256")
    client.cookies.clear()
    assert client.post("/api/session", json={"resume": too_old}).json()["resumed"] is False
    forged = jwt.encode(
        {**claims, "aud": "reflection-socketio", "iat": an_hour_ago, "exp": 1}, "k" * 40, "HS256"
    )
    client.cookies.clear()
    assert client.post("/api/session", json={"resume": forged}).json()["resumed"] is False


def test_unknown_clinics_foreign_pages_and_intake_where_it_is_off_get_no_token(client: TestClient) -> None:
    assert client.post("/api/session", json={"clinic": "no-such-clinic"}).status_code == 404
    foreign = client.post(
        "/api/session", json={"clinic": "example-clinic"}, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403 and "token" not in foreign.json()
    allowed = client.post(
        "/api/session", json={"clinic": "example-clinic"}, headers={"Origin": "https://example-clinic.org"}
    )
    assert (
        allowed.status_code == 200
        and allowed.headers["access-control-allow-origin"] == "https://example-clinic.org"
    )
    assert client.post("/api/session", json={}, headers={"Origin": "http://testserver"}).status_code == 200
    intake = client.post("/api/session", json={"clinic": "default", "mode": "intake"})
    assert intake.status_code == 400 and "intake" in intake.json()["detail"]


def test_clinic_settings_for_the_widget_hold_nothing_private(client: TestClient) -> None:
    settings = client.get("/api/clinics/riverside").json()
    assert settings["name"] == "Riverside Therapy Centre" and settings["intake"] is True
    assert settings["colours"] == {"primary": "#24513a", "on_primary": "#ffffff"}
    assert settings["origins"] == ["http://testserver", "https://riverside-therapy.example"]
    assert "escalation_webhook" not in settings and "contact" not in settings
    assert client.get(settings["logo"]).headers["content-type"].startswith("image/svg")
    preflight = client.options(
        "/api/session",
        headers={"Origin": "https://riverside-therapy.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.headers["access-control-allow-credentials"] == "true"
    foreign = client.get("/api/clinics/riverside", headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403 and "access-control-allow-origin" not in foreign.headers


# --- history and summary, from the conversation's own tracker ---


def test_history_shows_the_chat_as_the_client_saw_it(client: TestClient, rasa: FakeTrackerApi) -> None:
    assert client.get("/api/history").status_code == 401
    history = client.get("/api/history", headers=bearer(SESSION)).json()
    assert history == {
        "messages": [
            {"from": "user", "payload": "/greet"},  # the widget's own opening, which it does not show
            {"from": "bot", "text": "Hi, I'm glad you're here."},
            {
                "from": "bot",
                "text": "Is it okay to save your answers?",
                "buttons": [
                    {"title": "Yes, save my answers", "payload": "/affirm"},
                    {"title": "No, don't save them", "payload": "/deny"},
                ],
                "chosen": "Yes, save my answers",
                "answered": True,
            },
            {"from": "user", "text": "Yes, save my answers"},
            {"from": "bot", "text": "Thank you."},
            {"from": "user", "text": "<b>about six sessions</b>"},
            {"from": "user", "payload": "/start_over"},
        ],
        "completed": False,
    }
    assert rasa.asked == [f"/conversations/{SESSION.session_id}/tracker?token=rasa-token-for-tests"]


def test_an_unreachable_assistant_gets_a_clear_answer(client: TestClient) -> None:
    app.dependency_overrides[get_settings] = lambda: settings_for(f"http://127.0.0.1:{free_port()}")
    reply = client.get("/api/history", headers=bearer(SESSION))
    assert reply.status_code == 503 and "try again" in reply.json()["detail"]


def test_the_summary_page_is_built_from_the_conversation_and_escapes_their_words(
    client: TestClient, rasa: FakeTrackerApi
) -> None:
    rasa.tracker["slots"] = {
        "consent": True,
        "reflection_status": "complete",
        "next_steps": ["keep_going"],
        "sessions_so_far": "long_term",
        "felt_heard": 4,
        "goals_shared": 5,
        "hopes": "<script>alert(1)</script> feel <b>heard</b>",
        "answer_words": {"sessions_so_far": "two years & a bit", "felt_heard": "4"},
    }
    link = client.post("/api/summary-link", headers=bearer(SESSION)).json()["url"]
    page = client.get(link)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "more than 12 sessions (you said “two years &amp; a bit”)" in page.text and "5 of 5" in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; feel &lt;b&gt;heard&lt;/b&gt;" in page.text
    assert "<script>alert" not in page.text
    policy = page.headers["content-security-policy"]
    assert "style-src 'nonce-" in policy and "unsafe" not in policy
    download = client.get(link, params={"download": 1})
    assert download.headers["content-disposition"] == 'attachment; filename="my-reflection.html"'
    assert "<script" not in download.text and "more than 12 sessions" in download.text
    assert client.get("/summary/not-a-ticket").status_code == 404
    assert client.get("/summary/" + socket_token(SESSION, settings_for("x"))).status_code == 404  # wrong kind


def test_a_completed_intake_shows_as_completed_with_its_summary_and_the_clinics_questions(
    client: TestClient, rasa: FakeTrackerApi
) -> None:
    """An intake ends with no next steps (they are for the clinic), yet the client gets their summary."""
    intake = ChatSession(SESSION.session_id, "riverside", "intake")
    rasa.tracker["slots"] = {
        "consent": True,
        "mode": "intake",
        "reflection_status": "complete",
        "next_steps": [],
        "felt_heard": 2,
        "goals_shared": 1,
        "wants_focus": "Grief after losing my dad",
        "practical_needs": "Evenings only, online is fine",
        "clinic_answers": {"session_format": "Online", "language": "English"},
    }
    assert client.get("/api/history", headers=bearer(intake)).json()["completed"] is True
    page = client.get(client.post("/api/summary-link", headers=bearer(intake)).json()["url"]).text
    assert "no summary yet" not in page
    assert "What you&#x27;re looking for now:" in page
    assert "To work on: &quot;Grief after losing my dad" in page
    assert "• Sessions: Online" in page and "• Language: English" in page


def test_before_the_end_the_summary_page_says_there_is_none_yet(client: TestClient) -> None:
    link = client.post("/api/summary-link", headers=bearer(SESSION)).json()["url"]
    assert "no summary yet" in client.get(link).text


# --- issue 6.11: validated once at the edge; errors never echo the input, nothing reaches the log ---


def test_errors_name_the_problem_without_echoing_the_input(client: TestClient) -> None:
    marker = "my-private-words-" * 10
    for body in (
        {"clinic": marker},
        {"clinic": "default", "mode": marker},
        {"resume": marker * 20},
        [marker],
    ):
        reply = client.post("/api/session", json=body)
        assert reply.status_code == 422, reply.text
        assert "my-private-words" not in reply.text
    broken = client.post(
        "/api/session", content=f'{{"clinic": "{marker}', headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 422 and "my-private-words" not in broken.text


def test_a_lone_surrogate_gets_a_clear_answer_and_its_text_is_never_logged(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = '{"clinic": "my secret words \\ud800"}'
    reply = client.post("/api/session", content=body, headers={"Content-Type": "application/json"})
    assert reply.status_code == 422 and "valid" in reply.json()["detail"][0]["problem"]
    assert "secret words" not in reply.text and "secret words" not in caplog.text


@pytest.mark.parametrize(
    ("message", "code"),
    [(5, "message_not_text"), (["hi"], "message_not_text"), (None, "message_not_text"),
     ("my secret words \ud800", "message_not_text"), ("   ", "message_empty")],
)  # fmt: skip
def test_a_chat_message_that_is_not_text_is_refused_without_echo(message: object, code: str) -> None:
    with pytest.raises(Refusal) as refusal:
        check_chat_message(message, settings_for("http://x"))
    assert refusal.value.code == code and "secret" not in str(refusal.value)


# --- issue 6.5: an over-long message never reaches the assistant ---


def test_an_over_long_message_gets_a_clear_reply(caplog: pytest.LogCaptureFixture) -> None:
    config = settings_for("http://x")
    assert check_chat_message("a" * 2000, config) == "a" * 2000
    with pytest.raises(Refusal) as refusal:
        check_chat_message("a" * 2001, config)
    assert (
        refusal.value.status == 413
        and "2000 characters" in str(refusal.value)
        and "shorter" in str(refusal.value)
    )
    with pytest.raises(Refusal) as short_limit:
        check_chat_message("a" * 11, settings_for("http://x", MAX_MESSAGE_CHARS="10"))
    assert "10 characters" in str(short_limit.value)
