"""A running assistant for tests: the action server and Rasa with the trained model, on their own ports,
backed by fresh PostgreSQL databases (answers and tracker store) and the Redis lock store, as in production.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "reflection.tar.gz"
POSTGRES_ADMIN_URL = os.environ.get(
    "REFLECT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
START_TIMEOUT_SECONDS = 240


@dataclass
class Assistant:
    """Talks to the running assistant the way the REST channel and a clinic's tools do."""

    rasa_url: str
    token: str
    database_url: str
    tracker_db_url: str
    pseudonym_secret: str
    process_ids: dict[str, int] = field(default_factory=dict)
    restart_rasa: Callable[[], None] = lambda: None
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=60))

    def say(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        response = self.http.post(f"{self.rasa_url}/webhooks/rest/webhook", json=body)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> dict[str, Any]:
        response = self.http.get(
            f"{self.rasa_url}/conversations/{sender}/tracker", params={"token": self.token}
        )
        response.raise_for_status()
        return response.json()

    def slots(self, sender: str) -> dict[str, Any]:
        return self.tracker(sender)["slots"]

    def parse(self, text: str) -> dict[str, Any]:
        response = self.http.post(
            f"{self.rasa_url}/model/parse", params={"token": self.token}, json={"text": text}
        )
        response.raise_for_status()
        return response.json()


def free_port() -> int:
    """A port nothing listens on now, so parallel test runs never talk to each other's servers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex}"


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(message.get("text") or "" for message in messages)


@contextmanager
def fresh_postgres_database(prefix: str) -> Iterator[str]:
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # say what to do, not just a driver traceback
        raise RuntimeError(
            f"PostgreSQL at {POSTGRES_ADMIN_URL} is needed for the live tests and is not reachable: {error}"
        ) from error
    try:
        yield name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _wait_until_up(url: str, processes: list[subprocess.Popen[bytes]], logs: list[Path]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        for process, log in zip(processes, logs, strict=True):
            if process.poll() is not None:
                raise RuntimeError(f"{log.name} process exited early:\n{log.read_text()[-4000:]}")
        time.sleep(1)
    raise RuntimeError(f"{url} did not come up within {START_TIMEOUT_SECONDS}s")


@contextmanager
def running_assistant(extra_env: dict[str, str] | None = None) -> Iterator[Assistant]:
    if not MODEL.exists():
        raise RuntimeError(f"No trained model at {MODEL}: run `make train` (make test does it for you).")
    with (
        fresh_postgres_database("reflect_live") as answers_db,
        fresh_postgres_database("reflect_tracker") as tracker_db,
    ):
        host = POSTGRES_ADMIN_URL.split("@", 1)[1].rsplit("/", 1)[0]
        user = POSTGRES_ADMIN_URL.split("://", 1)[1].split("@", 1)[0]
        database_url = f"postgresql+psycopg://{user}@{host}/{answers_db}"
        tracker_db_url = f"postgresql://{user}@{host}/{tracker_db}"
        token = secrets.token_urlsafe(24)
        secret = secrets.token_urlsafe(24)
        action_port, rasa_port = free_port(), free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "TRACKER_DB_URL": tracker_db_url,
            "PSEUDONYM_SECRET": secret,
            "RASA_TOKEN": token,
            "SOCKETIO_JWT_SECRET": secrets.token_urlsafe(24),
            "ACTION_SERVER_TOKEN": secrets.token_urlsafe(24),
            "BIND_HOST": "127.0.0.1",
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
            "LOCK_STORE_TYPE": "redis",
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": "6379",
            "REDIS_DB": "3",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "PYTHONPATH": str(ROOT),
            **(extra_env or {}),
        }
        subprocess.run(
            [sys.executable, "-m", "reflection.cli", "db", "upgrade", "--database-url", database_url],
            check=True,
            cwd=ROOT,
            env=env,
        )
        log_dir = ROOT / "reports" / "live" / str(rasa_port)
        log_dir.mkdir(parents=True, exist_ok=True)
        logs = [log_dir / "actions.log", log_dir / "rasa.log"]
        for log in logs:
            log.write_bytes(b"")
        rasa_python = ROOT / ".venv-rasa" / "bin" / "python"
        commands = [
            [sys.executable, "-m", "actions.server", "--port", str(action_port)],
            [str(rasa_python), "scripts/serve_rasa.py", "--port", str(rasa_port), "--model", str(MODEL)],
        ]
        def launch(command: list[str], log: Path) -> subprocess.Popen[bytes]:
            handle = log.open("ab")
            return subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)

        processes = [launch(command, log) for command, log in zip(commands, logs, strict=True)]

        def restart_rasa() -> None:
            processes[1].terminate()
            processes[1].wait(timeout=30)
            processes[1] = launch(commands[1], logs[1])
            _wait_until_up(f"http://127.0.0.1:{rasa_port}/", processes, logs)
        try:
            _wait_until_up(f"http://127.0.0.1:{action_port}/health", processes, logs)
            _wait_until_up(f"http://127.0.0.1:{rasa_port}/", processes, logs)
            yield Assistant(
                rasa_url=f"http://127.0.0.1:{rasa_port}",
                token=token,
                database_url=database_url,
                tracker_db_url=tracker_db_url,
                pseudonym_secret=secret,
                process_ids={"action server": processes[0].pid, "rasa": processes[1].pid},
                restart_rasa=restart_rasa,
            )
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
