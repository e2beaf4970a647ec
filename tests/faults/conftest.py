"""One system for the fault tests, on servers of its own, so they can be killed, stopped and restarted.

The machine's PostgreSQL and Redis are shared with other work and are never touched here: this starts two
private PostgreSQL clusters (the answers database and Rasa's tracker store, so either can fail alone) and a
private Redis, on free ports, plus the action server, Rasa and the web app in the production shape
(deploy/stack.py: two workers each; a test kills or stops a server with all its workers).
"""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from deploy.services import PrivatePostgres, PrivateRedis, private_postgres, private_redis
from deploy.stack import DEFAULT_MODEL, ROOT, Stack, StackConfig
from reflection.pseudonym import pseudonymize
from reflection.storage.database import upgrade
from reflection.storage.repository import ReflectionRecord, ReflectionStore


@dataclass
class FaultSystem:
    stack: Stack
    answers_db: PrivatePostgres
    tracker_db: PrivatePostgres
    redis: PrivateRedis
    http: httpx.Client

    @property
    def config(self) -> StackConfig:
        return self.stack.config

    def say(self, sender: str, text: str, timeout: float = 60) -> httpx.Response:
        return self.http.post(
            self.config.url("rasa") + "/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=timeout,
        )

    def replies(self, sender: str, text: str) -> list[str]:
        response = self.say(sender, text)
        assert response.status_code == 200, response.text
        return [message.get("text") or "" for message in response.json()]

    def slots(self, sender: str) -> dict[str, Any]:
        response = self.http.get(
            self.config.url("rasa") + f"/conversations/{sender}/tracker",
            params={"token": self.config.secrets["RASA_TOKEN"]},
        )
        response.raise_for_status()
        return response.json()["slots"]

    def stored(self, sender: str) -> ReflectionRecord | None:
        store = ReflectionStore.from_url(self.config.database_url)
        try:
            client_id = pseudonymize(sender, self.config.secrets["PSEUDONYM_SECRET"])
            return store.current_reflection(client_id) or store.latest_completed(client_id)
        finally:
            store.close()

    def outbox(self) -> list[Path]:
        return sorted(self.config.outbox_dir.glob("*.jsonl"))


def new_sender() -> str:
    return f"fault-{uuid.uuid4().hex}"


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds:.0f} s")
        time.sleep(0.5)


@pytest.fixture(scope="package")
def system() -> Iterator[FaultSystem]:
    if not DEFAULT_MODEL.exists():
        pytest.fail("No trained model: run `make train` (make test does it for you).")
    with (
        private_postgres() as answers_db,
        private_postgres() as tracker_db,
        private_redis() as redis,
        tempfile.TemporaryDirectory(prefix="faults-") as scratch,
    ):
        answers_db.create_database("reflection")
        tracker_db.create_database("tracker")
        upgrade(answers_db.url("reflection"))
        config = StackConfig(
            database_url=answers_db.url("reflection"),
            tracker_db_url=tracker_db.url("tracker", driver="postgresql"),
            redis_port=redis.port,
            log_dir=ROOT / "reports" / "faults",
            outbox_dir=Path(scratch) / "outbox",
            rasa_workers=2,
            action_workers=2,
            web_workers=2,
        )
        stack = Stack(config)
        try:
            stack.start_all()
            with httpx.Client(timeout=60) as http:
                yield FaultSystem(stack, answers_db, tracker_db, redis, http)
        finally:
            stack.stop_all()
