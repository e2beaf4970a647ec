import json
import logging
import socket
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from reflection.escalation import EscalationPayload, backoff_delay, send_escalation
from reflection.storage.database import make_engine, upgrade
from reflection.storage.repository import ReflectionStore


class ScriptedWebhook(ThreadingHTTPServer):
    """Answers each POST with the next status code of its script, and keeps the bodies it received."""

    def __init__(self, statuses: list[int]) -> None:
        super().__init__(("127.0.0.1", 0), WebhookHandler)
        self.statuses = statuses
        self.bodies: list[dict[str, object]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/escalations"


class WebhookHandler(BaseHTTPRequestHandler):
    server: ScriptedWebhook

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.server.bodies.append(json.loads(self.rfile.read(length)))
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture
def webhook(request: pytest.FixtureRequest) -> Iterator[ScriptedWebhook]:
    server = ScriptedWebhook(list(request.param))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ReflectionStore]:
    url = f"sqlite:///{tmp_path / 'reflection.db'}"
    upgrade(url)
    reflection_store = ReflectionStore.from_url(url)
    yield reflection_store
    reflection_store.close()


@pytest.fixture
def payload(store: ReflectionStore) -> EscalationPayload:
    flag_id = store.flag_risk("c" * 64, "self_harm", minor=True, clinic="north-clinic")
    flag = store.risk_flag(flag_id)
    assert flag is not None
    return EscalationPayload.from_risk_flag(flag)


class RecordedSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.mark.parametrize("webhook", [[503, 500, 200]], indirect=True)
def test_retries_server_errors_until_delivered(
    webhook: ScriptedWebhook, store: ReflectionStore, payload: EscalationPayload
) -> None:
    sleep = RecordedSleep()

    delivered = send_escalation(webhook.url, payload, store, base_delay=1.0, sleep=sleep)

    assert delivered is True
    attempts = store.escalation_attempts(payload.flag_id)
    assert [(a.attempt, a.status_code, a.succeeded) for a in attempts] == [
        (1, 503, False),
        (2, 500, False),
        (3, 200, True),
    ]
    assert len(sleep.delays) == 2
    assert 0.5 <= sleep.delays[0] <= 1.0 and 1.0 <= sleep.delays[1] <= 2.0


@pytest.mark.parametrize("webhook", [[200]], indirect=True)
def test_posts_only_the_flag_never_what_was_said(
    webhook: ScriptedWebhook, store: ReflectionStore, payload: EscalationPayload
) -> None:
    assert send_escalation(webhook.url, payload, store, sleep=RecordedSleep())

    [body] = webhook.bodies
    assert body == {
        "flag_id": payload.flag_id,
        "client_id": "c" * 64,
        "category": "self_harm",
        "minor": True,
        "clinic": "north-clinic",
        "flagged_at": payload.flagged_at.isoformat(),
    }
    assert datetime.fromisoformat(str(body["flagged_at"])).tzinfo is not None


@pytest.mark.parametrize("webhook", [[429, 200]], indirect=True)
def test_retries_when_rate_limited(
    webhook: ScriptedWebhook, store: ReflectionStore, payload: EscalationPayload
) -> None:
    assert send_escalation(webhook.url, payload, store, sleep=RecordedSleep())
    assert len(webhook.bodies) == 2


@pytest.mark.parametrize("webhook", [[400, 200]], indirect=True)
def test_does_not_retry_a_refusal(
    webhook: ScriptedWebhook,
    store: ReflectionStore,
    payload: EscalationPayload,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sleep = RecordedSleep()

    with caplog.at_level(logging.ERROR, logger="reflection.escalation"):
        delivered = send_escalation(webhook.url, payload, store, sleep=sleep)

    assert delivered is False
    assert len(webhook.bodies) == 1 and sleep.delays == []
    assert [(a.status_code, a.succeeded) for a in store.escalation_attempts(payload.flag_id)] == [
        (400, False)
    ]
    assert "refused with HTTP 400" in caplog.text


def test_gives_up_after_the_last_attempt_when_nobody_listens(
    store: ReflectionStore, payload: EscalationPayload, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    sleep = RecordedSleep()

    with caplog.at_level(logging.WARNING, logger="reflection.escalation"):
        delivered = send_escalation(
            f"http://127.0.0.1:{closed_port}/", payload, store, attempts=3, timeout=1.0, sleep=sleep
        )

    assert delivered is False
    attempts = store.escalation_attempts(payload.flag_id)
    assert [a.attempt for a in attempts] == [1, 2, 3]
    assert all(a.status_code is None and a.error and a.error.startswith("ConnectError") for a in attempts)
    assert len(sleep.delays) == 2
    assert "failed after 3 attempts" in caplog.text


@pytest.mark.parametrize("webhook", [[503, 200]], indirect=True)
def test_delivers_even_when_attempts_cannot_be_recorded(
    webhook: ScriptedWebhook, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The constructor does not check the schema, so every write to this store fails.
    never_migrated = ReflectionStore(make_engine(f"sqlite:///{tmp_path / 'never-migrated.db'}"))
    payload = EscalationPayload(
        flag_id=1,
        client_id="c" * 64,
        category="abuse",
        minor=False,
        clinic=None,
        flagged_at=datetime(2026, 3, 1, tzinfo=timezone.utc),
    )

    with caplog.at_level(logging.ERROR, logger="reflection.escalation"):
        delivered = send_escalation(webhook.url, payload, never_migrated, sleep=RecordedSleep())

    assert delivered is True
    assert len(webhook.bodies) == 2
    assert "Could not record escalation attempt" in caplog.text


def test_backoff_doubles_with_jitter_in_the_upper_half() -> None:
    for attempt, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0)]:
        delays = [backoff_delay(attempt, 0.5) for _ in range(50)]
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len(set(delays)) > 1


def test_refuses_a_webhook_url_that_is_not_http(store: ReflectionStore, payload: EscalationPayload) -> None:
    with pytest.raises(ValueError, match="https://"):
        send_escalation("ftp://clinic.example/hook", payload, store)
