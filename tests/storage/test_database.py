import json
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import delete, insert, inspect, select, text
from sqlalchemy.exc import IntegrityError

from reflection.cli import main
from reflection.storage.database import (
    DatabaseUnavailableError,
    InvalidDatabaseUrlError,
    SchemaNotReadyError,
    make_engine,
    upgrade,
)
from reflection.storage.models import Answer, Base, Reflection
from reflection.storage.repository import ReflectionStore

TABLES = {"reflections", "answers", "next_steps", "risk_flags", "escalation_attempts"}


def table_names(database_url: str) -> set[str]:
    engine = make_engine(database_url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_creates_every_table(empty_database_url: str) -> None:
    upgrade(empty_database_url)

    assert table_names(empty_database_url) == TABLES | {"alembic_version"}


def test_upgrade_twice_keeps_schema_and_data(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    store = ReflectionStore.from_url(empty_database_url)
    store.record_answer("client-a", "felt_heard", 4, "mostly")

    upgrade(empty_database_url)

    reflection = store.current_reflection("client-a")
    store.close()
    assert reflection is not None and reflection.answers["felt_heard"].value == 4
    assert table_names(empty_database_url) == TABLES | {"alembic_version"}


def test_migrations_match_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()

    assert differences == []


def test_store_refuses_a_database_that_was_never_migrated(empty_database_url: str) -> None:
    with pytest.raises(SchemaNotReadyError, match="reflect db upgrade"):
        ReflectionStore.from_url(empty_database_url)


def test_only_one_open_reflection_per_client_is_allowed_by_the_schema(database_url: str) -> None:
    engine = make_engine(database_url)
    row = {
        "client_id": "client-a",
        "mode": "self",
        "started_at": text("CURRENT_TIMESTAMP"),
        "updated_at": text("CURRENT_TIMESTAMP"),
        "consent": True,
    }
    with engine.begin() as connection:
        connection.execute(insert(Reflection).values(**row, status="complete"))
        connection.execute(insert(Reflection).values(**row, status="complete"))
        connection.execute(insert(Reflection).values(**row, status="partial"))
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert(Reflection).values(**row, status="in_progress"))
    engine.dispose()


def test_deleting_a_reflection_cascades_to_its_answers(store: ReflectionStore, database_url: str) -> None:
    store.record_answer("client-a", "felt_heard", 4, "mostly")
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(delete(Reflection))
    with engine.connect() as connection:
        remaining = connection.execute(select(Answer)).all()
    engine.dispose()

    assert remaining == []


def test_cli_upgrades_and_exports_on_each_backend(
    empty_database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade", "--database-url", empty_database_url]) == 0
    store = ReflectionStore.from_url(empty_database_url)
    store.record_answer("client-a", "depth", 2, "we stay on the surface")
    store.complete("client-a", ["ask_for_depth"])
    store.close()
    output = tmp_path / "export.jsonl"

    exit_code = main(
        ["export", "--format", "jsonl", "--output", str(output), "--database-url", empty_database_url]
    )

    assert exit_code == 0
    exported = json.loads(output.read_text(encoding="utf-8"))
    assert exported["answers"]["depth"] == {
        "value": 2,
        "answered_at": exported["answers"]["depth"]["answered_at"],
    }
    assert exported["next_steps"] == ["ask_for_depth"]


def test_sqlite_folder_is_created(tmp_path: Path) -> None:
    database_file = tmp_path / "nested" / "folder" / "reflection.db"

    upgrade(f"sqlite:///{database_file}")

    assert database_file.exists()


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_plain_postgresql_urls_use_psycopg_3(scheme: str) -> None:
    engine = make_engine(f"{scheme}://someone:secret@db.example:5432/reflection")

    assert engine.url.drivername == "postgresql+psycopg"
    engine.dispose()


def test_unreachable_database_gives_an_actionable_message_without_the_password() -> None:
    # Port 1 on localhost refuses connections at once.
    with pytest.raises(DatabaseUnavailableError) as raised:
        upgrade("postgresql://someone:hunter2@127.0.0.1:1/reflection")

    message = str(raised.value)
    assert message.startswith("DATABASE_URL points to an unreachable database")
    assert "127.0.0.1:1" in message
    assert "hunter2" not in message


@pytest.mark.parametrize(
    "database_url", ["not a url", "mysql://someone:hunter2@host/db", "postgresql+psycopg2://u:hunter2@h/db"]
)
def test_unsupported_database_url_is_rejected_without_the_password(database_url: str) -> None:
    with pytest.raises(InvalidDatabaseUrlError) as raised:
        make_engine(database_url)

    assert "hunter2" not in str(raised.value)
