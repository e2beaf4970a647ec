from fastapi.testclient import TestClient

from tests.live import free_port
from web.app import app

client = TestClient(app)


def test_the_page_and_health_are_served_without_any_cdn() -> None:
    page = client.get("/")
    assert page.status_code == 200 and "Reflect on your therapy" in page.text
    assert "http://" not in page.text and "https://" not in page.text  # nothing loads from the internet
    assert "textContent" in page.text  # messages are shown as text, never as HTML
    assert client.get("/health").json() == {"status": "ok"}


def test_an_empty_message_gets_a_clear_answer() -> None:
    reply = client.post("/api/chat", json={"message": "   "})
    assert reply.status_code == 422 and reply.json()["detail"] == "Please type a message first."


def test_an_unreachable_assistant_gets_a_clear_answer(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("RASA_URL", f"http://127.0.0.1:{free_port()}")
    reply = client.post("/api/chat", json={"message": "hi"})
    assert reply.status_code == 503 and "try again" in reply.json()["detail"]
