"""The production shape on one machine: the action server, Rasa and the web app, each with several workers,
and one ingest process (``reflect ingest --watch``), on PostgreSQL (answers and tracker store) and the Redis
lock store.

The ingest process anonymizes consented conversations and answers for every web worker: the web workers
run with INGEST_WORKER=false, so none of them loads Presidio and spaCy (about 450 MB each).

Used by ``make run-prod`` (deploy/run_prod.py), the benchmark (bench/) and the fault tests (tests/faults/).
Each server is one process group whose workers are its children, so a test can kill or stop a server the
way a crash or an operator would, and the memory of every process is measured.

Rasa runs ``SANIC_WORKERS`` workers behind one port (serve_rasa.py serves as the first and forks the others,
which share its listening socket: components/rasa_workers.py), and so does the action server
(actions/server.py hands it to rasa-sdk, which reads ``ACTION_SERVER_SANIC_WORKERS``).
Rasa allows that only with a lock store other than the in-memory one, and its docs warn that socket.io does
not support several workers: socket.io's long-polling transport sends each request of a session separately,
and a worker knows only its own sessions. The web app's proxy speaks only the websocket transport, where a
session is one connection and so stays with one worker for its life: that is what makes it work here (tested
in tests/faults/test_workers.py). Several machines use replicas behind a sticky load balancer instead
(deploy/compose.yml).
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from deploy.procs import ProcessMemory, memory_of_tree
from deploy.services import free_port

ROOT = Path(__file__).resolve().parent.parent
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
DEFAULT_MODEL = ROOT / "models" / "reflection.tar.gz"
START_SECONDS = 300
RASA_UP_LINE = "Rasa server is up and running."
SERVERS = ("actions", "rasa", "web", "ingest")
HTTP_SERVERS = ("actions", "rasa", "web")  # the ingest process listens on no port
INGEST_UP_LINE = "Ingest process running"


@dataclass
class StackConfig:
    database_url: str
    tracker_db_url: str
    redis_port: int
    log_dir: Path
    outbox_dir: Path
    model: Path = DEFAULT_MODEL
    redis_host: str = "127.0.0.1"
    redis_db: int = 1
    rasa_workers: int = 2
    action_workers: int = 1
    web_workers: int = 2
    ports: dict[str, int] = field(default_factory=lambda: {name: free_port() for name in HTTP_SERVERS})
    # Fresh secrets unless the caller passes its own (make run-prod uses .env's).
    secrets: dict[str, str] = field(
        default_factory=lambda: {
            name: secrets.token_urlsafe(32)
            for name in (
                "RASA_TOKEN",
                "ACTION_SERVER_TOKEN",
                "PSEUDONYM_SECRET",
                "SOCKETIO_JWT_SECRET",
                "WEB_SESSION_SECRET",
            )
        }
    )
    extra_env: dict[str, str] = field(default_factory=dict)
    with_web: bool = True  # the web app and the ingest process
    # False: no ingest process; each web worker anonymizes in a thread of its own, as under `make run`
    # (the shape before the ingest process, kept to measure against).
    ingest_process: bool = True

    def servers(self) -> tuple[str, ...]:
        if not self.with_web:
            return SERVERS[:2]
        return SERVERS if self.ingest_process else SERVERS[:3]

    def url(self, server: str) -> str:
        return f"http://127.0.0.1:{self.ports[server]}"

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            **self.secrets,
            "DATABASE_URL": self.database_url,
            "TRACKER_DB_URL": self.tracker_db_url,
            "OUTBOX_DIR": str(self.outbox_dir),
            "BIND_HOST": "127.0.0.1",
            "ACTION_ENDPOINT_URL": f"{self.url('actions')}/webhook",
            "RASA_URL": self.url("rasa"),
            "LOCK_STORE_TYPE": "redis",
            "REDIS_HOST": self.redis_host,
            "REDIS_PORT": str(self.redis_port),
            "REDIS_DB": str(self.redis_db),
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "PYTHONPATH": str(ROOT),
            # The ingest process does it, once for all web workers.
            "INGEST_WORKER": "false" if self.ingest_process else "true",
            **self.extra_env,
        }


class StackError(RuntimeError):
    """A server of the stack failed to start; the message holds the end of its log."""


class Stack:
    """The running servers: start, kill, stop, restart any of them, and measure their memory."""

    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.env = config.environment()
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        config.log_dir.mkdir(parents=True, exist_ok=True)

    def command(self, server: str) -> tuple[list[str], dict[str, str]]:
        config = self.config
        if server == "ingest":
            return [sys.executable, "-m", "reflection.cli", "ingest", "--watch"], {}
        port = str(config.ports[server])
        if server == "actions":
            return [sys.executable, "-m", "actions.server", "--port", port], {
                "SANIC_WORKERS": str(config.action_workers)
            }
        if server == "rasa":
            return [
                str(RASA_PYTHON),
                str(ROOT / "scripts" / "serve_rasa.py"),
                "--port",
                port,
                "--model",
                str(config.model),
            ], {"SANIC_WORKERS": str(config.rasa_workers)}
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "web.app:app",
            "--host",
            "127.0.0.1",
            "--port",
            port,
            "--workers",
            str(config.web_workers),
            "--no-access-log",
        ], {}

    def log(self, server: str) -> Path:
        return self.config.log_dir / f"{server}.log"

    def launch(self, server: str) -> None:
        command, extra = self.command(server)
        with self.log(server).open("ab") as log:
            self.processes[server] = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**self.env, **extra},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: workers are killed with their server
            )

    def start(self, server: str) -> None:
        self.log(server).write_bytes(b"")
        self.launch(server)
        self.wait_until_ready(server)

    def start_all(self) -> float:
        """Starts every server in order; returns the seconds until all of them answer."""
        started = time.monotonic()
        servers = self.config.servers()
        for server in servers:
            self.log(server).write_bytes(b"")
            self.launch(server)
        for server in servers:
            self.wait_until_ready(server)
        return time.monotonic() - started

    def ready(self, server: str) -> bool:
        if server == "ingest":  # it loads the anonymizer with its first pass, as the web app's thread did
            return INGEST_UP_LINE in self.log("ingest").read_text(errors="replace")
        path = {"actions": "/health", "rasa": "/", "web": "/health"}[server]
        try:
            if httpx.get(self.config.url(server) + path, timeout=2).status_code >= 500:
                return False
        except httpx.HTTPError:
            return False
        if server == "rasa":  # every worker loads the model on its own; ready when all have
            return (
                self.log("rasa").read_text(errors="replace").count(RASA_UP_LINE) >= self.config.rasa_workers
            )
        return True

    def wait_until_ready(self, server: str, seconds: float = START_SECONDS) -> None:
        deadline = time.monotonic() + seconds
        process = self.processes[server]
        while not self.ready(server):
            if process.poll() is not None:
                raise StackError(f"The {server} server exited:\n{self.tail(server)}")
            if time.monotonic() > deadline:
                raise StackError(
                    f"The {server} server did not come up in {seconds:.0f}s:\n{self.tail(server)}"
                )
            time.sleep(0.5)

    def tail(self, server: str, chars: int = 4000) -> str:
        return self.log(server).read_text(errors="replace")[-chars:]

    def signal(self, server: str, signum: int) -> None:
        """Sends a signal to the server and all its workers (kill -9 is a crash, SIGSTOP a hang)."""
        with suppress(ProcessLookupError):
            os.killpg(self.processes[server].pid, signum)

    def kill(self, server: str) -> None:
        self.signal(server, signal.SIGKILL)
        self.processes[server].wait(timeout=30)

    def stop(self, server: str) -> None:
        process = self.processes.get(server)
        if process is None or process.poll() is not None:
            return
        self.signal(server, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill(server)
        self.signal(server, signal.SIGKILL)  # a worker that outlived its parent

    def restart(self, server: str) -> None:
        self.stop(server)
        self.start(server)

    def stop_all(self) -> None:
        for server in reversed(list(self.processes)):
            self.signal(server, signal.SIGCONT)  # a stopped process cannot act on SIGTERM
            self.stop(server)

    def memory(self) -> dict[str, ProcessMemory]:
        """Resident memory of each server with all its workers."""
        return {
            server: memory_of_tree(process.pid)
            for server, process in self.processes.items()
            if process.poll() is None
        }


@contextmanager
def running_stack(config: StackConfig) -> Iterator[Stack]:
    stack = Stack(config)
    try:
        stack.start_all()
        yield stack
    finally:
        stack.stop_all()
