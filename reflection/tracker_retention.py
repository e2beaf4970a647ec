"""Erasing conversations from Rasa's SQL tracker store, shared by Rasa's process and the `reflect` CLI.

Rasa keeps every event of a conversation (the transcript included) in its ``events`` table. Erasing happens
in two places: inside Rasa when it saves a conversation (``components/tracker_store.py``), and from the CLI
for jobs run by cron. Both run this code, written for SQLAlchemy 1.4 (Rasa's venv) and 2 (the project's):
Core statements only, executed on a connection the caller opens.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from reflection.erasure import checkpoint_if_sqlite, zero_deleted_pages

EVENTS = sa.table("events", sa.column("sender_id"))
RETENTION = sa.Table(
    "conversation_retention",
    sa.MetaData(),
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("consented", sa.Boolean, nullable=False),
    sa.Column("last_active", sa.Float, nullable=False),
)
_UPSERT_ACTIVITY = sa.text(
    "INSERT INTO conversation_retention (sender_id, consented, last_active) "
    "VALUES (:sender_id, :consented, :last_active) "
    "ON CONFLICT (sender_id) DO UPDATE SET consented = excluded.consented, last_active = excluded.last_active"
)


def create_retention_table(engine: Any) -> None:
    RETENTION.metadata.create_all(engine)


def record_activity(connection: Any, sender_id: str, consented: bool, now: float) -> None:
    """Notes that the conversation was saved at `now` and whether its client has consented."""
    connection.execute(_UPSERT_ACTIVITY, {"sender_id": sender_id, "consented": consented, "last_active": now})


def expired_without_consent(connection: Any, cutoff: float) -> list[str]:
    """Conversations without consent whose last message came before `cutoff` (a Unix time)."""
    query = sa.select(RETENTION.c.sender_id).where(
        RETENTION.c.consented.is_(False), RETENTION.c.last_active < cutoff
    )
    return [row[0] for row in connection.execute(query)]


def erase_conversations(engine: Any, sender_ids: Iterable[str]) -> int:
    """Deletes every event of these conversations; on SQLite the words are also gone from the files."""
    senders = list(sender_ids)
    if not senders:
        return 0
    with engine.begin() as connection:
        zero_deleted_pages(connection)
        deleted = connection.execute(EVENTS.delete().where(EVENTS.c.sender_id.in_(senders))).rowcount
        connection.execute(RETENTION.delete().where(RETENTION.c.sender_id.in_(senders)))
    checkpoint_if_sqlite(engine)
    return deleted
