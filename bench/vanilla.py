"""The yardstick: the assistant ``rasa init`` makes, served the way a new user would serve it.

It is created and trained once and cached under ``.cache/vanilla-rasa/`` (git-ignored), then started with
``rasa run`` and Rasa's defaults (in-memory tracker and lock store, one worker), with the REST channel and a
plain socket.io channel, on a free port.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from deploy.procs import ProcessMemory, memory_of_tree
from deploy.services import free_port
from deploy.stack import RASA_PYTHON, ROOT

CACHE_DIR = ROOT / ".cache" / "vanilla-rasa"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
CREDENTIALS = """\
rest:

socketio:
  user_message_evt: user_uttered
  bot_message_evt: bot_uttered
  session_persistence: true
"""
START_SECONDS = 300


def rasa_version() -> str:
    return subprocess.run(
        [str(RASA_PYTHON), "-c", "import rasa; print(rasa.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def rasa_env() -> dict[str, str]:
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": ""}


def cached_model(cache_dir: Path, stamp: Path, key: str) -> Path | None:
    """The newest model in ``cache_dir`` if ``stamp`` holds ``key`` (the bot is unchanged), else None."""
    models = sorted((cache_dir / "models").glob("*.tar.gz")) if cache_dir.exists() else []
    if models and stamp.exists() and stamp.read_text().strip() == key:
        return models[-1]
    return None


def timed_rasa(args: list[str], cwd: Path) -> float:
    """Runs the Rasa CLI (``rasa init``, ``rasa train``) in ``cwd``; returns the seconds it took."""
    started = time.monotonic()
    subprocess.run(
        [str(RASA), *args],
        cwd=cwd,
        env=rasa_env(),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def ensure_trained(cache_dir: Path = CACHE_DIR) -> tuple[Path, float | None]:
    """The cached demo bot's model, made now if missing; with the seconds ``rasa init`` took, or None."""
    stamp = cache_dir / ".rasa-version"
    version = rasa_version()
    cached = cached_model(cache_dir, stamp, version)
    if cached is not None:
        return cached, None
    shutil.rmtree(cache_dir, ignore_errors=True)
    cache_dir.mkdir(parents=True)
    print(
        f"Creating and training the vanilla `rasa init` bot in {cache_dir} (once; a few minutes)…", flush=True
    )
    seconds = timed_rasa(["init", "--no-prompt", "--init-dir", str(cache_dir)], cache_dir)
    (cache_dir / "credentials.yml").write_text(CREDENTIALS)
    stamp.write_text(version)
    return sorted((cache_dir / "models").glob("*.tar.gz"))[-1], seconds


@dataclass
class VanillaServer:
    url: str
    process: subprocess.Popen[bytes]

    def memory(self) -> ProcessMemory:
        return memory_of_tree(self.process.pid)


@contextmanager
def running_vanilla(log_path: Path, cache_dir: Path = CACHE_DIR) -> Iterator[VanillaServer]:
    model, _ = ensure_trained(cache_dir)
    with serve(model, cache_dir, log_path) as server:
        yield server


@contextmanager
def serve(model: Path, cache_dir: Path, log_path: Path) -> Iterator[VanillaServer]:
    """``rasa run`` of a model with Rasa's defaults, the REST and socket.io channels, on a free port."""
    (cache_dir / "credentials.yml").write_text(CREDENTIALS)
    port = free_port()
    command = [
        str(RASA),
        "run",
        "--model",
        str(model),
        "--credentials",
        str(cache_dir / "credentials.yml"),
        "--interface",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=cache_dir, env=rasa_env(), stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                if httpx.get(url + "/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"The Rasa bot in {cache_dir} did not start:\n{log_path.read_text()[-3000:]}"
                )
            time.sleep(0.5)
        yield VanillaServer(url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
