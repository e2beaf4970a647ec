"""Private PostgreSQL and Redis servers on free ports, for the benchmark and the fault tests.

The machine's own PostgreSQL (:5432) and Redis (:6379) are shared with other work, so anything that stops,
restarts or fills a server gets its own: a PostgreSQL cluster made with ``initdb`` in a temporary folder
(run as the ``postgres`` user when this process is root, as ``initdb`` refuses root) and a ``redis-server``
that keeps nothing on disk.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

POSTGRES_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
START_SECONDS = 30


class ServiceError(RuntimeError):
    """A private server could not be started; the message says what is missing."""


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def _postgres_tool(name: str) -> str:
    for directory in POSTGRES_BIN_DIRS:
        if (directory / name).exists():
            return str(directory / name)
    found = shutil.which(name)
    if found is None:
        raise ServiceError(f"PostgreSQL's `{name}` was not found: install the postgresql package.")
    return found


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster of our own: stop, start and restart it at will."""

    data_dir: Path
    port: int
    run_as: str | None

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str, driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://postgres@127.0.0.1:{self.port}/{database}"

    def _pg_ctl(self, *arguments: str) -> None:
        command = [
            _postgres_tool("pg_ctl"),
            "-D",
            str(self.data_dir),
            "-w",
            "-t",
            str(START_SECONDS),
            *arguments,
        ]
        _run_as(command, self.run_as)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._pg_ctl("-o", options, "-l", str(self.data_dir / "server.log"), "start")

    def stop(self, mode: str = "fast") -> None:
        """``fast`` ends every client connection, as a crash or a restart by an operator would."""
        self._pg_ctl("-m", mode, "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def create_database(self, name: str) -> None:
        _run_as(
            [_postgres_tool("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name],
            self.run_as,
        )


def _run_as(command: list[str], user: str | None) -> None:
    if user is not None:
        command = ["runuser", "-u", user, "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ServiceError(
            f"{Path(command[0]).name} failed: {(result.stderr or result.stdout).strip()[-2000:]}"
        )


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A fresh cluster (trust auth on loopback), removed afterwards."""
    run_as = "postgres" if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="reflect-pg-"))
    data_dir = base / "data"
    if run_as is not None:
        user = pwd.getpwnam(run_as)
        os.chown(base, user.pw_uid, user.pw_gid)
    _run_as(
        [
            _postgres_tool("initdb"),
            "-D",
            str(data_dir),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        ],
        run_as,
    )
    server = PrivatePostgres(data_dir=data_dir, port=free_port(), run_as=run_as)
    server.start()
    try:
        yield server
    finally:
        with suppress(ServiceError):  # already stopped by the test
            server.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)


@dataclass
class PrivateRedis:
    """A redis-server of our own that keeps nothing on disk."""

    port: int
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        redis = shutil.which("redis-server")
        if redis is None:
            raise ServiceError("`redis-server` was not found: install the redis-server package.")
        self.process = subprocess.Popen(
            [redis, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_SECONDS
        while not port_open(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise ServiceError(f"redis-server did not start on port {self.port}.")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis(port=free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


SHARED_POSTGRES_ADMIN_URL = os.environ.get(
    "REFLECT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@dataclass(frozen=True)
class Databases:
    """The answers database (SQLAlchemy 2 + psycopg 3) and Rasa's tracker store (psycopg2), both migrated."""

    database_url: str
    tracker_db_url: str


@contextmanager
def fresh_databases(
    admin_url: str = SHARED_POSTGRES_ADMIN_URL, prefix: str = "reflect"
) -> Iterator[Databases]:
    """Two new databases on the server at ``admin_url`` (created, migrated, and dropped afterwards)."""
    from sqlalchemy import create_engine, make_url, text

    from reflection.storage.database import upgrade

    server = make_url(admin_url)
    names = [f"{prefix}_{kind}_{secrets.token_hex(4)}" for kind in ("answers", "tracker")]
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        admin.dispose()
        raise ServiceError(f"PostgreSQL at {server.render_as_string()} is not reachable: {error}") from error
    try:
        answers = server.set(database=names[0]).render_as_string(hide_password=False)
        tracker = server.set(drivername="postgresql", database=names[1]).render_as_string(hide_password=False)
        upgrade(answers)
        yield Databases(answers, tracker)
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
