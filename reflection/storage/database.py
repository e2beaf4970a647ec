"""Engines for SQLite and PostgreSQL, errors a person can act on, and Alembic migrations run from code."""

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SUPPORTED_BACKENDS = ("sqlite", "postgresql")


class StorageError(RuntimeError):
    """A storage problem whose message tells a person what to do; never contains a password."""


class InvalidDatabaseUrlError(StorageError):
    """DATABASE_URL cannot be parsed or names a database we do not support."""


class DatabaseUnavailableError(StorageError):
    """The database server (or SQLite file) could not be reached."""


class SchemaNotReadyError(StorageError):
    """The database has not been migrated to this code's schema: run `reflect db upgrade`."""


def make_engine(database_url: str) -> Engine:
    """Create an engine for `sqlite:///path` or `postgresql://…` (run through psycopg 3)."""
    url = parse_database_url(database_url)
    if url.get_backend_name() == "sqlite":
        sqlite_path = sqlite_file_path(url)
        if sqlite_path is not None:
            sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        engine = _create_engine(url)
        event.listen(engine, "connect", _configure_sqlite_connection)
        return engine
    # pre_ping replaces connections the server closed while idle instead of failing a client's turn.
    return _create_engine(url, pool_pre_ping=True)


def connect(engine: Engine) -> Connection:
    """Open a connection, turning "cannot connect" into a DatabaseUnavailableError with a readable message."""
    try:
        return engine.connect()
    except OperationalError as error:
        reason = str(error.orig or error).strip().splitlines()[0]
        raise DatabaseUnavailableError(
            f"DATABASE_URL points to an unreachable database ({safe_url(engine.url)}): {reason}"
        ) from error


def safe_url(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def alembic_config() -> Config:
    """Alembic settings built in code, so migrations run from an installed package without alembic.ini."""
    config = Config()
    # ConfigParser treats % as interpolation.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    return config


def upgrade(database_url: str) -> None:
    """Migrate the database to the newest schema; running it again is a no-op."""
    engine = make_engine(database_url)
    try:
        with connect(engine) as connection, connection.begin():
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()


def ensure_schema_is_current(engine: Engine) -> None:
    """Raise SchemaNotReadyError unless the database has been migrated to this code's newest schema."""
    with connect(engine) as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    expected = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    if not current:
        raise SchemaNotReadyError(
            f"The database {safe_url(engine.url)} has no reflection tables yet. Run `reflect db upgrade`."
        )
    if current != expected:
        raise SchemaNotReadyError(
            f"The database {safe_url(engine.url)} is at schema version {', '.join(sorted(current))} but this "
            f"code expects {', '.join(sorted(expected))}. Run `reflect db upgrade`, or update the code if "
            "the database is newer."
        )


def parse_database_url(database_url: str) -> URL:
    """Validate a database URL, rewriting postgresql:// to the psycopg 3 driver."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        # SQLAlchemy's own message repeats the whole URL, password included.
        raise InvalidDatabaseUrlError(
            "DATABASE_URL is not a valid database URL; expected e.g. sqlite:///var/reflection.db "
            "or postgresql://user:password@host:5432/dbname."
        ) from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in SUPPORTED_BACKENDS:
        raise InvalidDatabaseUrlError(
            f"DATABASE_URL uses '{url.drivername}', which is not supported; use sqlite:/// or postgresql://."
        )
    return url


def _create_engine(url: URL, **options: object) -> Engine:
    try:
        return create_engine(url, **options)
    except (NoSuchModuleError, ImportError) as error:
        raise InvalidDatabaseUrlError(
            f"DATABASE_URL asks for the database driver '{url.drivername}', which is not installed; "
            "use sqlite:/// or postgresql:// (psycopg 3)."
        ) from error


def sqlite_file_path(url: URL) -> Path | None:
    """The file of an SQLite URL; None for other databases and in-memory SQLite."""
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        return None
    return Path(database)


def _configure_sqlite_connection(dbapi_connection: sqlite3.Connection, _connection_record: object) -> None:
    cursor = dbapi_connection.cursor()
    # SQLite ignores foreign keys (and so ON DELETE CASCADE) unless asked, per connection.
    cursor.execute("PRAGMA foreign_keys = ON")
    # WAL lets an export read while the action server writes.
    cursor.execute("PRAGMA journal_mode = WAL")
    # Deleted rows are overwritten with zeros, so erased words don't linger in free pages of the file.
    cursor.execute("PRAGMA secure_delete = ON")
    cursor.close()

