import hmac
import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from reflection.storage.repository import ReflectionStore
from reflection.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature
from tests.live import ROOT, Assistant, running_assistant

WEBHOOK_SECRET = "webhook-clinic-signing-secret-for-tests"


class WebhookReceiver:
    """A clinic's escalation endpoint: fails the first request, then records what it receives, after
    checking its signature as a clinic would."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.requests = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                receiver.requests += 1
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                expected = signature(WEBHOOK_SECRET, self.headers[TIMESTAMP_HEADER], raw)
                signed = hmac.compare_digest(self.headers.get(SIGNATURE_HEADER, ""), expected)
                status = 401 if not signed else (503 if receiver.requests == 1 else 204)
                if status == 204:
                    receiver.received.append(json.loads(raw))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/escalations"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="session")
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    yield receiver
    receiver.server.shutdown()


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory, webhook: WebhookReceiver) -> Iterator[Assistant]:
    clinics: Path = tmp_path_factory.mktemp("clinics")
    for shipped in (ROOT / "config" / "clinics").glob("*.yml"):
        shutil.copy(shipped, clinics)
    (clinics / "webhook-clinic.yml").write_text(
        f"id: webhook-clinic\nname: Webhook Clinic\nlocale: US\nescalation_webhook: {webhook.url}\n"
        "escalation_secret: WEBHOOK_SECRET_TEST_CLINIC\n"
    )
    local_webhooks = {"ALLOW_PRIVATE_WEBHOOKS": "true", "WEBHOOK_SECRET_TEST_CLINIC": WEBHOOK_SECRET}
    with running_assistant({"CLINICS_DIR": str(clinics), **local_webhooks}) as running:
        yield running


@pytest.fixture(scope="session")
def answers_store(assistant: Assistant) -> Iterator[ReflectionStore]:
    store = ReflectionStore.from_url(assistant.database_url)
    yield store
    store.close()
