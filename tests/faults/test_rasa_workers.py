"""components/rasa_workers.py: with SANIC_WORKERS=2 the served Rasa is two processes, the parent serving as
one of them, and a signal to the parent alone stops both, whether it comes while serving or while loading;
a parent killed outright takes its worker with it."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from deploy.procs import descendants
from deploy.services import PrivateRedis, free_port, private_redis
from deploy.stack import RASA_PYTHON, RASA_UP_LINE
from tests.live import MODEL, ROOT

START_SECONDS = 240


@pytest.fixture(scope="module")
def redis() -> Iterator[PrivateRedis]:
    with private_redis() as server:
        yield server


def start_rasa(redis: PrivateRedis, scratch: Path) -> tuple[subprocess.Popen[bytes], Path, str]:
    port = free_port()
    log = scratch / "rasa.log"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "SANIC_WORKERS": "2",
        "BIND_HOST": "127.0.0.1",
        "RASA_TOKEN": secrets.token_urlsafe(24),
        "SOCKETIO_JWT_SECRET": secrets.token_urlsafe(24),
        "ACTION_SERVER_TOKEN": secrets.token_urlsafe(24),
        "PSEUDONYM_SECRET": secrets.token_urlsafe(24),
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}/webhook",  # none: session start fails softly
        "TRACKER_DB_URL": f"sqlite:///{scratch / 'tracker.db'}",
        "LOCK_STORE_TYPE": "redis",
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": str(redis.port),
        "REDIS_DB": "1",
    }
    command = [str(RASA_PYTHON), "scripts/serve_rasa.py", "--port", str(port), "--model", str(MODEL)]
    with log.open("wb") as handle:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
    return process, log, f"http://127.0.0.1:{port}"


def wait_until(condition: object, process: subprocess.Popen[bytes], log: Path, what: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while not condition():  # type: ignore[operator]
        assert process.poll() is None, f"Rasa exited before {what}:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"Rasa: no {what} in {START_SECONDS}s:\n{log.read_text()[-3000:]}"
        time.sleep(0.2)


def alive(pids: list[int]) -> list[int]:
    living = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.append(pid)
    return living


def stops_entirely(process: subprocess.Popen[bytes], pids: list[int], log: Path) -> None:
    """The parent exits within a minute, and its workers within seconds of it (the kernel kills a worker
    whose parent has died, which takes a moment to be seen)."""
    try:
        process.wait(timeout=60)
        deadline = time.monotonic() + 10
        while alive(pids) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        left = alive(pids)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
    assert not left, f"processes {left} outlived the parent:\n{log.read_text()[-3000:]}"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_two_workers_are_two_processes_and_stop_with_the_parent(
    redis: PrivateRedis, tmp_path: Path, signum: int
) -> None:
    process, log, url = start_rasa(redis, tmp_path)
    try:
        wait_until(lambda: log.read_text(errors="replace").count(RASA_UP_LINE) >= 2, process, log, "workers")
        pids = descendants(process.pid)
        # Each serving process logs the line once its model is loaded: the parent is one of them.
        assert len(pids) == 2
        for number in range(4):
            sender = f"workers-{number}-{secrets.token_hex(8)}"
            response = httpx.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": "hi"},
                                  timeout=60)
            assert response.status_code == 200
            assert response.json(), "no reply"
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)  # the parent and the worker it forked
        raise
    os.kill(process.pid, signum)  # the parent alone, as `kill` or an operator would
    stops_entirely(process, pids, log)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_parent_stopped_while_loading_the_model_stops_its_worker(
    redis: PrivateRedis, tmp_path: Path, signum: int
) -> None:
    process, log, _ = start_rasa(redis, tmp_path)
    try:
        wait_until(lambda: len(descendants(process.pid)) == 2, process, log, "forked worker")
        # at once: a fixed wait into the loading finished the load first on a fast machine (a fresh clone)
        assert log.read_text(errors="replace").count(RASA_UP_LINE) < 2, "loaded before the signal: too late"
        pids = descendants(process.pid)
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)  # the parent and the worker it forked
        raise
    os.kill(process.pid, signum)
    stops_entirely(process, pids, log)


def test_a_parent_killed_outright_takes_its_worker_with_it(redis: PrivateRedis, tmp_path: Path) -> None:
    process, log, url = start_rasa(redis, tmp_path)
    try:
        wait_until(lambda: log.read_text(errors="replace").count(RASA_UP_LINE) >= 2, process, log, "workers")
        pids = descendants(process.pid)
        assert len(pids) == 2
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        raise
    os.kill(process.pid, signal.SIGKILL)  # as the OOM killer would: no handler runs in the parent
    stops_entirely(process, pids, log)
