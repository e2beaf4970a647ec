"""The served Rasa's worker processes (``scripts/serve_rasa.py`` calls ``serve_in_the_parent_too()``).

With ``SANIC_WORKERS`` above 1, Sanic 21.12 (``serve_multiple``) forks that many workers from a parent that
then only waits for them. The parent loads no model, but it holds everything Rasa imported before the fork:
about 200 MB resident, counted again in every worker's RSS, 70 MB of it its own (docs/PERFORMANCE.md, round
11). Here the parent serves as the first worker: it binds the socket as Sanic does, forks one worker fewer,
and serves on the same socket, so ``SANIC_WORKERS`` processes serve and none only waits.

- A signal to stop (SIGTERM, or SIGINT from a terminal) stops the parent's server, which then sends SIGTERM
  to the other workers and waits for them, as Sanic's parent did. Before its server is up (while it loads
  the model), SIGTERM ends the parent and its workers at once.
- A worker that dies is not replaced, as before; if the parent's own server fails to start, the other
  workers are stopped and Rasa exits, where Sanic's parent went on waiting for the rest.

Each worker also gives back the C heap's freed pages once its model is loaded (``reflection/heap.py``): the
sentence encoder's graph optimisation leaves about 55 MB free but resident.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
from types import FrameType
from typing import Any

from reflection.heap import release_free_memory

logger = logging.getLogger(__name__)


def serve_in_the_parent_too() -> None:
    """Sanic's workers with the parent as the first; the freed heap given back once a model is loaded."""
    import rasa.core.run  # noqa: PLC0415  (after components/early_imports.py has prepared Rasa's imports)
    import sanic.app  # noqa: PLC0415

    sanic.app.serve_multiple = serve_multiple_with_the_parent  # type: ignore[attr-defined]
    load_agent = rasa.core.run.load_agent_on_start

    async def load_agent_and_release_free_memory(*args: Any, **kwargs: Any) -> Any:
        agent = await load_agent(*args, **kwargs)
        release_free_memory()
        return agent

    rasa.core.run.load_agent_on_start = load_agent_and_release_free_memory


def serve_multiple_with_the_parent(server_settings: dict[str, Any], workers: int) -> None:
    """``sanic.server.runners.serve_multiple`` (21.12), the parent serving as the first of ``workers``."""
    from sanic.server import serve  # noqa: PLC0415
    from sanic.server.events import trigger_events  # noqa: PLC0415
    from sanic.server.socket import bind_socket, bind_unix_socket, remove_unix_socket  # noqa: PLC0415

    server_settings["reuse_port"] = True
    main_start = server_settings.pop("main_start", None)
    main_stop = server_settings.pop("main_stop", None)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    trigger_events(main_start, loop)

    unix = server_settings["unix"]
    sock = server_settings.get("sock")
    if unix:
        sock = bind_unix_socket(unix, backlog=server_settings["backlog"])
    if sock is None:
        host, port = server_settings["host"], server_settings["port"]
        sock = bind_socket(host, port, backlog=server_settings["backlog"])
        sock.set_inheritable(True)
        server_settings["sock"] = sock
        server_settings["host"] = None
        server_settings["port"] = None

    others: list[multiprocessing.process.BaseProcess] = []

    def stop_before_serving(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)  # the `finally` below stops the other workers

    previous = signal.signal(signal.SIGTERM, stop_before_serving)
    fork = multiprocessing.get_context("fork")
    try:
        for _ in range(workers - 1):
            # What Sanic's own workers run: SIGTERM stops one, SIGINT is left to the parent.
            process = fork.Process(target=serve, kwargs={**server_settings, "run_multiple": True})
            process.daemon = True
            process.start()
            others.append(process)
        logger.info("Serving in this process too, with %d more worker(s).", len(others))
        # Not run_multiple: the parent's server stops on SIGINT as well as SIGTERM.
        serve(**{**server_settings, "loop": loop, "run_multiple": False})
    finally:
        signal.signal(signal.SIGTERM, previous)
        for process in others:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)
        for process in others:
            process.join()
        trigger_events(main_stop, loop)
        sock.close()
        loop.close()
        remove_unix_socket(unix)
