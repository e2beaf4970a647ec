"""Erasing a sender's conversation from Rasa's SQL tracker store (table `events`, one row per event)."""

from sqlalchemy import column, delete, inspect, table

from reflection.storage.database import connect, make_engine, parse_database_url, sqlite_file_path

EVENTS_TABLE = table("events", column("sender_id"))


def erase_conversation_events(tracker_db_url: str, sender_id: str) -> int:
    """Delete every tracker event of `sender_id` (the raw Rasa sender id); returns how many were deleted.

    Returns 0 if the tracker database or its `events` table does not exist (yet)."""
    sqlite_path = sqlite_file_path(parse_database_url(tracker_db_url))
    if sqlite_path is not None and not sqlite_path.exists():
        return 0
    engine = make_engine(tracker_db_url)
    try:
        with connect(engine) as connection, connection.begin():
            if not inspect(connection).has_table(EVENTS_TABLE.name):
                return 0
            deleted = connection.execute(delete(EVENTS_TABLE).where(EVENTS_TABLE.c.sender_id == sender_id))
            return deleted.rowcount
    finally:
        engine.dispose()
