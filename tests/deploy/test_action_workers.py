"""The action server runs as many serving workers as ``SANIC_WORKERS`` says, the variable the production
shape sets for Rasa and the action server alike (rasa-sdk itself reads ``ACTION_SERVER_SANIC_WORKERS``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from deploy.procs import descendants
from deploy.services import free_port
from tests.live import ROOT

START_SECONDS = 120


def serving_workers(pid: int) -> list[str]:
    """The Sanic worker names (``Sanic-Server-<n>-0``) of the processes under ``pid``."""
    names = []
    for process in descendants(pid):
        try:
            environ = Path(f"/proc/{process}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        prefix = b"SANIC_WORKER_NAME="
        names += [item[len(prefix) :].decode() for item in environ if item.startswith(prefix)]
    return sorted(name for name in names if name.startswith("Sanic-Server-"))


@pytest.mark.parametrize("workers", [1, 2])
def test_sanic_workers_sets_the_action_servers_workers(workers: int) -> None:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "ACTION_SERVER_SANIC_WORKERS"} | {
        "ACTION_SERVER_TOKEN": "t" * 32,
        "PSEUDONYM_SECRET": "p" * 32,
        "BIND_HOST": "127.0.0.1",
        "SANIC_WORKERS": str(workers),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "actions.server", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while len(serving_workers(process.pid)) < workers or not _healthy(port):
            assert process.poll() is None, "the action server exited"
            assert time.monotonic() < deadline, f"{serving_workers(process.pid)} after {START_SECONDS}s"
            time.sleep(0.5)
        time.sleep(2)  # a third worker, were one coming, would be up by now
        assert serving_workers(process.pid) == [f"Sanic-Server-{n}-0" for n in range(workers)]
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
