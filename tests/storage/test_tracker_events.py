from pathlib import Path

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, func, select

from reflection.storage.database import make_engine
from reflection.storage.tracker_events import erase_conversation_events

# The columns of Rasa 3.6's SQLTrackerStore `events` table.
metadata = MetaData()
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


def event(
    sender_id: str,
    type_name: str,
    *,
    intent_name: str | None = None,
    action_name: str | None = None,
    data: str = "{}",
) -> dict[str, object]:
    return {
        "sender_id": sender_id,
        "type_name": type_name,
        "timestamp": 1_700_000_000.0,
        "intent_name": intent_name,
        "action_name": action_name,
        "data": data,
    }


def events_by_sender(database_url: str) -> dict[str, int]:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(select(events.c.sender_id, func.count()).group_by(events.c.sender_id)).all()
    engine.dispose()
    return dict(rows)


def test_erases_only_that_senders_events(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            events.insert(),
            [
                event("raw-sender-1", "user", intent_name="greet", data='{"text": "hi"}'),
                event("raw-sender-1", "action", action_name="action_listen"),
                event("raw-sender-1", "bot", data='{"text": "Hello!"}'),
                event("raw-sender-2", "user", intent_name="greet", data='{"text": "hey"}'),
            ],
        )
    engine.dispose()

    deleted = erase_conversation_events(empty_database_url, "raw-sender-1")

    assert deleted == 3
    assert events_by_sender(empty_database_url) == {"raw-sender-2": 1}
    assert erase_conversation_events(empty_database_url, "raw-sender-1") == 0


def test_missing_events_table_means_nothing_to_erase(empty_database_url: str) -> None:
    assert erase_conversation_events(empty_database_url, "raw-sender-1") == 0


def test_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    tracker_file = tmp_path / "var" / "tracker.db"

    assert erase_conversation_events(f"sqlite:///{tracker_file}", "raw-sender-1") == 0
    assert not tracker_file.parent.exists()
