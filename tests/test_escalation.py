"""Escalation to a clinic's webhook: signed, only to public https addresses, queued in the database until
delivered, and never with what the client said."""

import hashlib
import hmac
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from reflection.escalation import EscalationQueue, backoff_delay
from reflection.storage.database import upgrade
from reflection.storage.repository import ReflectionStore
from reflection.webhooks import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookAddressError,
    WebhookTarget,
    check_webhook_url,
    signature,
)

SECRET = "clinic-signing-secret-0123456789"


class ScriptedWebhook(ThreadingHTTPServer):
    """Answers each POST with the next status code of its script, and keeps what it received."""

    def __init__(self, statuses: list[int]) -> None:
        super().__init__(("127.0.0.1", 0), WebhookHandler)
        self.statuses = statuses
        self.requests: list[tuple[dict[str, str], bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/escalations"

    @property
    def bodies(self) -> list[dict[str, object]]:
        return [json.loads(body) for _, body in self.requests]


class WebhookHandler(BaseHTTPRequestHandler):
    server: ScriptedWebhook

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append((dict(self.headers), body))
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture
def webhook(request: pytest.FixtureRequest) -> Iterator[ScriptedWebhook]:
    server = ScriptedWebhook(list(getattr(request, "param", [])))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'reflection.db'}"
    upgrade(url)
    return url


@pytest.fixture
def store(database_url: str) -> Iterator[ReflectionStore]:
    reflection_store = ReflectionStore.from_url(database_url)
    yield reflection_store
    reflection_store.close()


class Clock:
    """A clock the test moves forward, so retries come due without waiting."""

    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc) + timedelta(seconds=1)  # flags made just after are due

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def queue_for(store: ReflectionStore, url: str | None, clock: Clock, **options: object) -> EscalationQueue:
    target = WebhookTarget(url=url, secret=SECRET) if url else None
    return EscalationQueue(store, lambda clinic: target, allow_private=True, now=clock, **options)


def deliver_until_settled(queue: EscalationQueue, clock: Clock, rounds: int = 20) -> None:
    for _ in range(rounds):
        queue.deliver_due()
        clock.advance(4000)


@pytest.mark.parametrize("webhook", [[503, 500, 200]], indirect=True)
def test_retries_server_errors_until_delivered(webhook: ScriptedWebhook, store: ReflectionStore) -> None:
    clock = Clock()
    flag = store.flag_risk("c" * 64, "self_harm", minor=True, clinic="north-clinic", deliver=True)
    queue = queue_for(store, webhook.url, clock)

    assert queue.deliver_due() == 1
    assert queue.deliver_due() == 0  # the retry waits for its backoff
    deliver_until_settled(queue, clock)

    attempts = store.escalation_attempts(flag.public_id)
    assert [(a.attempt, a.status_code, a.succeeded) for a in attempts] == [
        (1, 503, False),
        (2, 500, False),
        (3, 200, True),
    ]
    assert store.risk_flag(flag.id).delivery == "delivered"  # type: ignore[union-attr]


@pytest.mark.parametrize("webhook", [[200]], indirect=True)
def test_posts_only_the_flag_signed_and_never_what_was_said(
    webhook: ScriptedWebhook, store: ReflectionStore
) -> None:
    flag = store.flag_risk("c" * 64, "self_harm", minor=True, clinic="north-clinic", deliver=True)
    queue_for(store, webhook.url, Clock()).deliver_due()

    [(headers, body)] = webhook.requests
    assert json.loads(body) == {
        "flag_id": flag.public_id,
        "client_id": "c" * 64,
        "category": "self_harm",
        "minor": True,
        "clinic": "north-clinic",
        "flagged_at": flag.created_at.isoformat(),
    }
    timestamp = headers[TIMESTAMP_HEADER]
    assert abs(int(timestamp) - time.time()) < 60
    expected = hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert headers[SIGNATURE_HEADER] == f"sha256={expected}"
    assert signature("another-secret", timestamp, body) != headers[SIGNATURE_HEADER]


@pytest.mark.parametrize("webhook", [[200]], indirect=True)
def test_a_flag_without_consent_reaches_the_clinic_with_no_client_id(
    webhook: ScriptedWebhook, store: ReflectionStore
) -> None:
    store.flag_risk(None, "abuse", minor=False, clinic="north-clinic", deliver=True)
    queue_for(store, webhook.url, Clock()).deliver_due()

    assert webhook.bodies[0]["client_id"] is None and webhook.bodies[0]["category"] == "abuse"


@pytest.mark.parametrize("webhook", [[503]], indirect=True)
def test_undelivered_flags_survive_a_restart(
    webhook: ScriptedWebhook, database_url: str, store: ReflectionStore
) -> None:
    clock = Clock()
    flag = store.flag_risk("c" * 64, "medical_emergency", minor=False, clinic="north", deliver=True)
    queue_for(store, webhook.url, clock).deliver_due()  # the clinic is down: it fails
    store.close()

    restarted = ReflectionStore.from_url(database_url)  # a new process: nothing kept in memory
    clock.advance(60)
    queue_for(restarted, webhook.url, clock).deliver_due()

    assert [a.succeeded for a in restarted.escalation_attempts(flag.public_id)] == [False, True]
    restarted.close()


@pytest.mark.parametrize("webhook", [[400, 200]], indirect=True)
def test_does_not_retry_a_refusal(
    webhook: ScriptedWebhook, store: ReflectionStore, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    flag = store.flag_risk("c" * 64, "abuse", minor=False, clinic=None, deliver=True)

    with caplog.at_level(logging.ERROR, logger="reflection.escalation"):
        deliver_until_settled(queue_for(store, webhook.url, clock), clock)

    assert len(webhook.requests) == 1
    assert store.risk_flag(flag.id).delivery == "failed"  # type: ignore[union-attr]
    assert "gave up (HTTP 400)" in caplog.text


def test_gives_up_after_the_last_attempt_when_nobody_listens(store: ReflectionStore) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    clock = Clock()
    flag = store.flag_risk("c" * 64, "self_harm", minor=False, clinic=None, deliver=True)

    deliver_until_settled(
        queue_for(store, f"http://127.0.0.1:{closed_port}/", clock, max_attempts=3, timeout=1.0), clock
    )

    attempts = store.escalation_attempts(flag.public_id)
    assert [a.attempt for a in attempts] == [1, 2, 3]
    assert all(a.status_code is None and a.error and a.error.startswith("ConnectError") for a in attempts)
    assert store.risk_flag(flag.id).delivery == "failed"  # type: ignore[union-attr]


def test_two_workers_never_send_the_same_flag_twice(webhook: ScriptedWebhook, store: ReflectionStore) -> None:
    clock = Clock()
    for _ in range(6):
        store.flag_risk("c" * 64, "self_harm", minor=False, clinic=None, deliver=True)
    workers = [queue_for(store, webhook.url, clock) for _ in range(2)]

    threads = [threading.Thread(target=worker.deliver_due) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    flag_ids = [body["flag_id"] for body in webhook.bodies]
    assert len(flag_ids) == 6 and len(set(flag_ids)) == 6


def test_backoff_doubles_with_jitter_in_the_upper_half_up_to_a_ceiling() -> None:
    for attempt, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (9, 10.0)]:
        delays = [backoff_delay(attempt, 0.5, 10.0) for _ in range(50)]
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len(set(delays)) > 1


@pytest.mark.parametrize(
    "url",
    [
        "http://clinic.example/hook",  # not https
        "ftp://clinic.example/hook",
        "https://127.0.0.1/hook",  # loopback
        "https://169.254.169.254/latest/meta-data",  # link-local: cloud metadata
        "https://10.0.0.5/hook",  # private
        "https://[::1]/hook",
        "https://localhost/hook",  # resolves to loopback
        "https:///no-host",
    ],
)
def test_refuses_webhooks_that_are_not_public_https(url: str) -> None:
    with pytest.raises(WebhookAddressError):
        check_webhook_url(url, allow_private=False)


def test_a_public_https_address_is_allowed() -> None:
    check_webhook_url("https://93.184.216.34/hooks/escalation", allow_private=False)


def test_a_refused_address_is_never_called_and_not_retried(store: ReflectionStore) -> None:
    clock = Clock()
    flag = store.flag_risk("c" * 64, "self_harm", minor=False, clinic=None, deliver=True)
    metadata_service = WebhookTarget("https://169.254.169.254/x", SECRET)
    queue = EscalationQueue(store, lambda clinic: metadata_service, allow_private=False, now=clock)

    deliver_until_settled(queue, clock)

    [attempt] = store.escalation_attempts(flag.public_id)
    assert attempt.status_code is None and "link-local" in (attempt.error or "")
    assert store.risk_flag(flag.id).delivery == "failed"  # type: ignore[union-attr]
