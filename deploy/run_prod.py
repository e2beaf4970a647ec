"""`make run-prod`: the production shape on this machine, for real, until Ctrl-C.

PostgreSQL holds both stores (the answers and Rasa's tracker store), Redis the lock store; Rasa and the web
app run 2 workers each by default (RASA_WORKERS, WEB_WORKERS), the action server 1 (ACTION_WORKERS: a second
costs 140 MB, docs/DEPLOY.md), and one ingest process (`reflect ingest --watch`) anonymizes consented
conversations and answers for all of them, so no web worker loads the anonymizer. Ports as for `make run`:
the web app on :8000 (WEB_PORT) is the way in; Rasa (:5005) and the action server (:5055) listen on loopback,
Rasa's API needs RASA_TOKEN and the action server ACTION_SERVER_TOKEN.

DATABASE_URL and TRACKER_DB_URL are used when they point at PostgreSQL; when they are the SQLite defaults,
the databases `reflection` and `reflection_tracker` on the local server (127.0.0.1:5432) are used, and
created if missing.
"""

from __future__ import annotations

import os
import signal
import sys
import time

from sqlalchemy import create_engine, make_url, text

from deploy.stack import ROOT, StackConfig, StackError, running_stack
from reflection.settings import settings
from reflection.storage.database import upgrade

LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"
SECRETS = (
    "RASA_TOKEN",
    "ACTION_SERVER_TOKEN",
    "PSEUDONYM_SECRET",
    "SOCKETIO_JWT_SECRET",
    "WEB_SESSION_SECRET",
)


def postgres_urls() -> tuple[str, str]:
    """(answers URL for psycopg 3, tracker URL for Rasa's psycopg2), creating local databases if needed."""
    current = settings()
    if current.database_url.startswith("postgresql") and current.tracker_db_url.startswith("postgresql"):
        return current.database_url, current.tracker_db_url
    admin = create_engine(f"{LOCAL_POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in ("reflection", "reflection_tracker"):
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    tracker = make_url(f"{LOCAL_POSTGRES}/reflection_tracker").set(drivername="postgresql")
    return f"{LOCAL_POSTGRES}/reflection", tracker.render_as_string(hide_password=False)


def main() -> None:
    os.umask(0o077)  # databases, logs and the outbox hold clients' words
    settings().require(*SECRETS)
    database_url, tracker_db_url = postgres_urls()
    upgrade(database_url)
    config = StackConfig(
        database_url=database_url,
        tracker_db_url=tracker_db_url,
        redis_host=os.environ.get("REDIS_HOST", "127.0.0.1"),
        redis_port=int(os.environ.get("REDIS_PORT", "6379")),
        redis_db=int(os.environ.get("REDIS_DB", "1")),
        log_dir=ROOT / os.environ.get("LOG_DIR", "logs"),
        outbox_dir=settings().outbox_dir,
        rasa_workers=int(os.environ.get("RASA_WORKERS", "2")),
        action_workers=int(os.environ.get("ACTION_WORKERS", "1")),
        web_workers=int(os.environ.get("WEB_WORKERS", "2")),
        ports={
            "actions": int(os.environ.get("ACTION_PORT", "5055")),
            "rasa": int(os.environ.get("RASA_PORT", "5005")),
            "web": int(os.environ.get("WEB_PORT", "8000")),
        },
        secrets={name: os.environ[name] for name in SECRETS},
    )
    print(
        f"Starting the production shape: {config.rasa_workers} Rasa, {config.action_workers} action-server "
        f"and {config.web_workers} web workers and one ingest process on PostgreSQL "
        f"({make_url(database_url).host}) and Redis ({config.redis_host}:{config.redis_port}); logs in "
        f"{config.log_dir}/ …",
        flush=True,
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    started = time.monotonic()
    try:
        with running_stack(config) as stack:
            print(
                f"All running after {time.monotonic() - started:.0f} s. "
                f"Open http://localhost:{config.ports['web']} to chat. Press Ctrl-C to stop everything.",
                flush=True,
            )
            while all(process.poll() is None for process in stack.processes.values()):
                time.sleep(1)
            stopped = [name for name, process in stack.processes.items() if process.poll() is not None]
            print(f"{', '.join(stopped)} stopped; see {config.log_dir}/. Stopping the rest…", flush=True)
            sys.exit(1)
    except StackError as error:
        print(f"✗ {error}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("\nStopped.")


if __name__ == "__main__":
    main()
