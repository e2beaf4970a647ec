"""Every storage test runs on SQLite (a temporary file) and on a real PostgreSQL server.

PostgreSQL: a fresh database `reflect_test_<random>` is created for the test session on the server at
$REFLECT_TEST_POSTGRES_URL (default: the local `test` database, trust auth) and dropped afterwards. Each test
starts from an empty schema. An unreachable server fails the tests unless REFLECT_SKIP_POSTGRES=1.
"""

import os
import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from reflection.storage.database import upgrade
from reflection.storage.repository import ReflectionStore

DEFAULT_POSTGRES_SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def postgres_database_url() -> Iterator[str]:
    if os.environ.get("REFLECT_SKIP_POSTGRES") == "1":
        pytest.skip("REFLECT_SKIP_POSTGRES=1")
    server_url = make_url(os.environ.get("REFLECT_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_SERVER_URL)
    server_url = server_url.set(drivername="postgresql+psycopg")
    database_name = f"reflect_test_{secrets.token_hex(6)}"
    admin_engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin_engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{database_name}"'))
    except OperationalError as error:
        admin_engine.dispose()
        pytest.fail(
            f"PostgreSQL at {server_url.render_as_string(hide_password=True)} is unreachable "
            f"({str(error.orig).strip().splitlines()[0]}). Start it, point REFLECT_TEST_POSTGRES_URL at a "
            "server where you may create databases, or set REFLECT_SKIP_POSTGRES=1 to skip these tests.",
            pytrace=False,
        )
    try:
        yield server_url.set(database=database_name).render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)'))
        admin_engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database with no tables, on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'reflection.db'}"
    database_url: str = request.getfixturevalue("postgres_database_url")
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return database_url


@pytest.fixture
def database_url(empty_database_url: str) -> str:
    """A database migrated to the newest schema, on each backend."""
    upgrade(empty_database_url)
    return empty_database_url


@pytest.fixture
def store(database_url: str) -> Iterator[ReflectionStore]:
    reflection_store = ReflectionStore.from_url(database_url)
    yield reflection_store
    reflection_store.close()
