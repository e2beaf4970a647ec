"""The whole system on free ports: Rasa and the action server (tests/live.py) plus the web app, with the
shipped clinic files. The edge and browser tests start it once per test session."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.live import ROOT, Assistant, _wait_until_up, free_port, running_assistant


@dataclass(frozen=True)
class Stack:
    assistant: Assistant
    web_url: str
    socketio_jwt_secret: str
    web_session_secret: str
    rasa_log: Path
    web_log: Path
    stop_web: Callable[[], None]
    start_web: Callable[[], None]

    @property
    def rasa_url(self) -> str:
        return self.assistant.rasa_url


@contextmanager
def running_stack() -> Iterator[Stack]:
    jwt_secret, session_secret = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with running_assistant({"SOCKETIO_JWT_SECRET": jwt_secret}) as assistant:
        port = free_port()
        log_dir = ROOT / "reports" / "live" / assistant.rasa_url.rsplit(":", 1)[1]
        web_log = log_dir / "web.log"
        web_log.write_bytes(b"")
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
        command = [sys.executable, "-m", "uvicorn", "web.app:app", "--host", "127.0.0.1", "--port", str(port)]

        def launch() -> subprocess.Popen[bytes]:
            with web_log.open("ab") as log:
                web = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            _wait_until_up(f"http://127.0.0.1:{port}/health", [web], [web_log])
            return web

        processes = [launch()]

        def stop_web() -> None:
            processes[0].terminate()
            processes[0].wait(timeout=20)

        def start_web() -> None:
            if processes[0].poll() is not None:
                processes[0] = launch()

        try:
            yield Stack(
                assistant=assistant,
                web_url=f"http://127.0.0.1:{port}",
                socketio_jwt_secret=jwt_secret,
                web_session_secret=session_secret,
                rasa_log=log_dir / "rasa.log",
                web_log=web_log,
                stop_web=stop_web,
                start_web=start_web,
            )
        finally:
            processes[0].terminate()
            processes[0].wait(timeout=20)
