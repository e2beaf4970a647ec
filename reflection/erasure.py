"""Making erased words gone from the files too, not only from query results (SQLite).

SQLite leaves deleted rows in free pages and keeps copies of recent pages in its write-ahead log. Deleting
with ``secure_delete`` zeroes the freed pages; a ``TRUNCATE`` checkpoint then moves the log into the
database and empties it. Written for SQLAlchemy 1.4 and 2, because Rasa's process uses it too.
"""

from __future__ import annotations

from typing import Any


def zero_deleted_pages(connection: Any) -> None:
    """On SQLite, rows this connection deletes are overwritten with zeros."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA secure_delete = ON")


def checkpoint_if_sqlite(engine: Any) -> None:
    """On SQLite, move the write-ahead log into the database file and empty it (a no-op without WAL)."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
