"""One running system for the edge tests: Rasa and the action server (tests/live.py) plus the web app, started
once per test session on free ports, with the shipped clinic files."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.live import ROOT, Assistant, _wait_until_up, free_port, running_assistant


@dataclass(frozen=True)
class Stack:
    assistant: Assistant
    web_url: str
    socketio_jwt_secret: str
    web_session_secret: str
    rasa_log: Path
    web_log: Path

    @property
    def rasa_url(self) -> str:
        return self.assistant.rasa_url


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    jwt_secret, session_secret = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with running_assistant({"SOCKETIO_JWT_SECRET": jwt_secret}) as assistant:
        port = free_port()
        log_dir = ROOT / "reports" / "live" / assistant.rasa_url.rsplit(":", 1)[1]
        web_log = log_dir / "web.log"
        env = {
            **os.environ,
            "RASA_URL": assistant.rasa_url,
            "RASA_TOKEN": assistant.token,
            "SOCKETIO_JWT_SECRET": jwt_secret,
            "WEB_SESSION_SECRET": session_secret,
            "PSEUDONYM_SECRET": assistant.pseudonym_secret,
            "DATABASE_URL": assistant.database_url,
            "PYTHONPATH": str(ROOT),
        }
        with web_log.open("wb") as log:
            web = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "web.app:app", "--host", "127.0.0.1", "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_until_up(f"http://127.0.0.1:{port}/health", [web], [web_log])
            yield Stack(
                assistant=assistant,
                web_url=f"http://127.0.0.1:{port}",
                socketio_jwt_secret=jwt_secret,
                web_session_secret=session_secret,
                rasa_log=log_dir / "rasa.log",
                web_log=web_log,
            )
        finally:
            web.terminate()
            web.wait(timeout=20)
