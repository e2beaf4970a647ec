"""The served Rasa's worker processes (``scripts/serve_rasa.py`` calls ``serve_in_the_parent_too()``).

With ``SANIC_WORKERS`` above 1, Sanic 21.12 (``serve_multiple``) forks that many workers from a parent that
then only waits for them. The parent loads no model, but it holds everything Rasa imported before the fork:
about 200 MB resident, counted again in every worker's RSS, 70 MB of it its own (docs/PERFORMANCE.md, round
11). Here the parent serves as the first worker: it binds the socket as Sanic does, forks one worker fewer,
and serves on the same socket, so ``SANIC_WORKERS`` processes serve and none only waits.

- A signal to stop (SIGTERM, or SIGINT from a terminal) stops the parent's server, which then sends SIGTERM
  to the other workers and waits for them, as Sanic's parent did (a worker that has not stopped 30 s later
  is killed).
- Before its server is up (while it loads the model), SIGTERM and SIGINT end the parent at once, by the
  kernel's default action: nothing in Python has to run for it, so no half-loaded library can hold it up.
- A worker never outlives the parent: each asks the kernel for SIGKILL when the parent dies, whatever ends
  the parent (that signal before its server is up, SIGKILL, the OOM killer). A worker not yet serving also
  ends at once on SIGTERM, by the default action it inherits.
- A worker that dies is not replaced, as before; if the parent's own server fails to start, the other
  workers are stopped and Rasa exits, where Sanic's parent went on waiting for the rest.

Each worker also gives back the C heap's freed pages once its model is loaded (``reflection/heap.py``): the
sentence encoder's graph optimisation leaves about 55 MB free but resident.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import multiprocessing
import os
import signal
from typing import Any

from reflection.heap import release_free_memory

logger = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
STOP_SECONDS = 30  # how long a stopping parent waits for a worker before killing it


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
    # Until Sanic's server sets its own handlers, once the model is loaded: the kernel's default action.
    previous = {signum: signal.signal(signum, signal.SIG_DFL) for signum in (signal.SIGTERM, signal.SIGINT)}
    fork = multiprocessing.get_context("fork")
    try:
        for _ in range(workers - 1):
            # What Sanic's own workers run: SIGTERM stops one, SIGINT is left to the parent.
            process = fork.Process(
                target=_serve_as_worker, args=(os.getpid(),), kwargs={**server_settings, "run_multiple": True}
            )
            process.daemon = True
            process.start()
            others.append(process)
        logger.info("Serving in this process too, with %d more worker(s).", len(others))
        # Not run_multiple: the parent's server stops on SIGINT as well as SIGTERM.
        serve(**{**server_settings, "loop": loop, "run_multiple": False})
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for process in others:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)
        for process in others:
            process.join(STOP_SECONDS)
            if process.is_alive():
                logger.warning("A Rasa worker did not stop in %d s; killing it.", STOP_SECONDS)
                process.kill()
                process.join()
        trigger_events(main_stop, loop)
        sock.close()
        loop.close()
        remove_unix_socket(unix)


def _serve_as_worker(parent: int, **server_settings: Any) -> None:
    """A forked worker: Sanic's ``serve``, ended by the kernel if the parent dies first."""
    from sanic.server import serve  # noqa: PLC0415

    die_with_parent(parent)
    serve(**server_settings)


def die_with_parent(parent: int) -> None:
    """SIGKILL for this process when ``parent`` (which forked it) dies; at once if it already has."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        logger.warning("A Rasa worker could not ask to die with its parent (errno %d).", ctypes.get_errno())
    if os.getppid() != parent:  # the parent died before the request: nobody would send the signal
        os._exit(1)
