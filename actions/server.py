"""The action server: rasa-sdk's app, taking calls only from Rasa and never echoing a conversation.

rasa-sdk's own server listens on every interface, accepts any caller and answers an exception with the whole
request (the client's tracker, transcript included), which Rasa then writes to its log. This keeps its app and
its worker handling, and adds three things: it listens on ``BIND_HOST`` (loopback by default), every call but
``/health`` must carry ``ACTION_SERVER_TOKEN`` in the header Rasa sends (``endpoints.yml``), and a failure is
answered and logged in one line with no conversation in it.

Run it with ``python -m actions.server [--port 5055]``; ``SANIC_WORKERS`` sets the number of workers, as
for Rasa (rasa-sdk itself reads ``ACTION_SERVER_SANIC_WORKERS``, which wins where both are set).
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
from functools import partial
from typing import TYPE_CHECKING

from reflection.settings import settings

# rasa-sdk and Sanic are imported where they are used: Sanic's process manager is spawned, and it imports
# this module again (as multiprocessing's main), which then cost it 40 MB resident (docs/PERFORMANCE.md).
if TYPE_CHECKING:
    from rasa_sdk.executor import ActionExecutor
    from sanic import Request, Sanic
    from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)
TOKEN_HEADER = "X-Action-Token"
OPEN_PATHS = frozenset({"/health"})
DEFAULT_PORT = 5055
ACTION_WORKERS_VARIABLE = "ACTION_SERVER_SANIC_WORKERS"  # what rasa-sdk reads (rasa_sdk.constants)


def create_guarded_app(action_executor: ActionExecutor) -> Sanic:
    """rasa-sdk's app behind the shared secret; module-level so every worker process can build it."""
    from rasa_sdk.endpoint import create_app_for_serve  # noqa: PLC0415  (see the imports above)
    from sanic.response import json  # noqa: PLC0415

    token = settings().action_server_token
    logging.getLogger("rasa_sdk.endpoint").addFilter(OneLineFailures())
    app = create_app_for_serve(action_executor, cors_origins=None)

    @app.before_server_start
    async def register_the_actions(app: Sanic) -> None:
        # In each worker, not in Sanic's main process, which serves nothing: importing the actions and the
        # library under them there cost it about 55 MB resident (docs/PERFORMANCE.md, round 11).
        if not action_executor.actions:
            action_executor.register_package("actions")

    @app.on_request
    async def only_from_rasa(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get(TOKEN_HEADER, "")
        if not hmac.compare_digest(given.encode(), token.encode()):
            logger.warning("Refused a call to %s without the action server token.", request.path)
            return json({"error": "This server only takes calls from the assistant."}, status=403)
        return None

    @app.on_response
    async def failed_without_echo(request: Request, response: HTTPResponse) -> HTTPResponse | None:
        # rasa-sdk answers an exception with the request body (a whole tracker), which Rasa then logs.
        if response.status >= 500:
            return json({"error": "The action failed."}, status=response.status)
        return None

    return app


class OneLineFailures(logging.Filter):
    """rasa-sdk logs a failed action with its traceback; one line with the exception's type is enough."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.msg, record.args = "An action failed: %s", (type(error).__name__,)
            record.exc_info, record.exc_text = None, None
        return True


def main(argv: list[str] | None = None) -> None:
    from rasa_sdk import utils  # noqa: PLC0415  (see the imports above)
    from rasa_sdk.executor import ActionExecutor  # noqa: PLC0415
    from sanic import Sanic  # noqa: PLC0415
    from sanic.worker.loader import AppLoader  # noqa: PLC0415

    parser = argparse.ArgumentParser(description="Start the action server (see actions/server.py).")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    arguments = parser.parse_args(argv)
    os.umask(0o077)  # logs and databases this process creates are readable by its owner only
    settings().require("ACTION_SERVER_TOKEN", "PSEUDONYM_SECRET")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    utils.update_sanic_log_level()

    loader = AppLoader(factory=partial(create_guarded_app, ActionExecutor()))
    app = loader.load()
    os.environ.setdefault(ACTION_WORKERS_VARIABLE, os.environ.get("SANIC_WORKERS", "1"))
    app.prepare(host=settings().bind_host, port=arguments.port, workers=utils.number_of_sanic_workers())
    logger.info("Action server listening on %s:%s.", settings().bind_host, arguments.port)
    Sanic.serve(primary=app, app_loader=loader)


if __name__ == "__main__":
    main()
