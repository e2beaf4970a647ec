"""Starts Rasa (`rasa run`) with this project's settings; run it with .venv-rasa's Python.

Rasa takes its API token only as a command-line argument, which every user of the machine can read with
`ps`. Here the token comes from the environment (RASA_TOKEN) and is handed to Rasa inside this process, so
the process's command line never holds it. Rasa listens on BIND_HOST (loopback unless set), and what it
creates is readable by its owner only.

    .venv-rasa/bin/python scripts/serve_rasa.py [--port 5005] [--model models] [extra `rasa run` options]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from components.early_imports import (  # noqa: E402  (needs the project root on the path)
    defer_tensorflow,
    defer_what_a_turn_never_uses,
    prepare,
)
from components.rasa_workers import serve_in_the_parent_too  # noqa: E402
from reflection.settings import settings  # noqa: E402


def rasa_arguments(port: int, model: str, extra: list[str]) -> list[str]:
    current = settings()
    current.require("RASA_TOKEN", "SOCKETIO_JWT_SECRET", "ACTION_SERVER_TOKEN")
    return [
        "run",
        "--model", model,
        "--interface", current.bind_host,
        "--port", str(port),
        "--enable-api",
        f"--auth-token={current.rasa_token}",  # one argument: a token may start with "-"
        "--credentials", str(ROOT / "credentials.yml"),
        "--endpoints", str(ROOT / "endpoints.yml"),
        *extra,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5005)
    parser.add_argument("--model", default=str(ROOT / "models"))
    arguments, extra = parser.parse_known_args()
    os.umask(0o077)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.argv = ["rasa", *rasa_arguments(arguments.port, arguments.model, extra)]
    prepare()  # before Rasa's own imports, where they cost far less (components/early_imports.py)
    defer_tensorflow()  # no TensorFlow model is served: its 280 MB per process only if a model needs it
    defer_what_a_turn_never_uses()  # other channels' SDKs, plots, other tracker stores (40 MB per process)
    import components.rasa_patches  # noqa: F401, PLC0415  (among them: the tracker store made without pymongo)
    serve_in_the_parent_too()  # with SANIC_WORKERS > 1 no process only waits for the others
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
