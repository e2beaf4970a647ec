"""Rasa's SQL tracker store, made to forget on time and to load a conversation cheaply (runs inside Rasa,
in .venv-rasa).

Two things Rasa's own store can't do, done where Rasa saves a conversation, so no timer or second process
races it:

* **Erasing on request.** ``action_delete_data`` sets the ``conversation_erased`` slot. Rasa saves the whole
  turn after the action has run, so erasing from the action itself came undone. Here the save that carries
  the marker deletes every stored event of the conversation instead of writing any; the client's next
  message starts a new conversation. On SQLite the freed pages are zeroed and the write-ahead log is
  checkpointed, so the words are gone from the files too.
* **Retention without consent.** Each save notes whether the client has consented. A conversation without
  consent is erased ``NO_CONSENT_RETENTION_MINUTES`` after its last message (the end of its session) by a
  sweep that runs every minute in the background (and by ``reflect purge``). Conversations with consent
  are kept until the client deletes them.

And one thing it does slowly: Rasa's store rebuilds the session's tracker from every stored event on every
turn (most of that is turning JSON back into events) and counts the stored events twice per save. Here each
worker keeps the trackers it built (``TrackerCache``), and every turn still asks the database, in one
statement, what is stored for the sender now: unchanged, it is served from memory; grown by another worker
or replica, only the new events are read; anything else (a new session, an erasure, events removed by
``reflect purge``) rebuilds it from the database as Rasa would. A save counts the stored events once and
writes the new ones and the retention note in one transaction.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, NamedTuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted, SlotSet, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

import components.rasa_patches  # noqa: F401  (a measured speed-up of Rasa itself; see the module)
from reflection.settings import settings
from reflection.tracker_retention import (
    create_retention_table,
    erase_conversations,
    expired_without_consent,
    record_activity,
)

logger = logging.getLogger(__name__)

ERASE_SLOT = "conversation_erased"
SWEEP_EVERY_SECONDS = 60.0
CACHED_TRACKERS_PER_WORKER = 128  # a 150-event session is about 0.23 MB built: at most ~30 MB a worker


def is_erase_marker(event: Event) -> bool:
    return isinstance(event, SlotSet) and event.key == ERASE_SLOT and bool(event.value)


class StoredEvent(NamedTuple):
    id: int
    type_name: str
    timestamp: float | None
    data: str


@dataclass
class CachedTracker:
    """A session's tracker as Rasa would rebuild it from the stored events, and which events those were."""

    tracker: DialogueStateTracker
    domain: Domain
    count: int  # events stored in the session
    newest_id: int
    newest_timestamp: float | None

    def append(self, rows: list[Any]) -> None:
        for row in rows:
            for event in deserialise_events([json.loads(row.data)]):
                self.tracker.update(event)
        self.count += len(rows)
        self.newest_id, self.newest_timestamp = rows[-1].id, rows[-1].timestamp


class TrackerCache:
    """The trackers a worker built lately, least recently used dropped first; safe across threads."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[str, CachedTracker] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, sender_id: str) -> CachedTracker | None:
        with self._lock:
            entry = self._entries.get(sender_id)
            if entry is not None:
                self._entries.move_to_end(sender_id)
            return entry

    def put(self, sender_id: str, entry: CachedTracker) -> None:
        with self._lock:
            self._entries[sender_id] = entry
            self._entries.move_to_end(sender_id)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def forget(self, sender_ids: list[str]) -> None:
        with self._lock:
            for sender_id in sender_ids:
                self._entries.pop(sender_id, None)


RACE_ATTEMPTS = 5


def create_retention_table_once_raced(engine: sa.engine.Engine) -> None:
    """Workers or replicas that start together on a new database race to create the table: the loser sees
    "already exists" (PostgreSQL: an IntegrityError or ProgrammingError; SQLite: an OperationalError, as for
    "database is locked") and finds it made when it looks again."""
    for attempt in range(1, RACE_ATTEMPTS + 1):
        try:
            create_retention_table(engine)
            return
        except (sa.exc.IntegrityError, sa.exc.ProgrammingError, sa.exc.OperationalError):
            if attempt == RACE_ATTEMPTS:
                raise
            time.sleep(0.2 * attempt)


class ErasingSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` that erases a conversation on request and one without consent when it ends."""

    def __init__(self, *args: Any, sweep: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Rasa's engine reuses pooled connections a restarted database has closed: the next turn then fails
        # and Rasa quietly answers from an empty in-memory tracker, misreading the answer (tests/faults).
        unchecked, url = self.engine, self.engine.url
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        unchecked.dispose()
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.trackers = TrackerCache(CACHED_TRACKERS_PER_WORKER)
        create_retention_table_once_raced(self.engine)
        if sweep:
            threading.Thread(target=self._sweep_forever, name="retention-sweep", daemon=True).start()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session's tracker, exactly as Rasa rebuilds it, as a copy the caller may change."""
        if not self.domain:
            return await super().retrieve(sender_id)
        entry = self.trackers.get(sender_id)
        with self.session_scope() as session:
            if entry is not None and entry.domain is self.domain:
                rows = session.execute(self._session_rows(sender_id, from_id=entry.newest_id)).all()
                if self._extends(entry, rows):
                    if len(rows) > 1:
                        entry.append(rows[1:])
                    return entry.tracker.copy()
            rows = session.execute(self._session_rows(sender_id)).all()
        if not rows:
            self.trackers.forget([sender_id])
            return None
        tracker = DialogueStateTracker.from_dict(
            sender_id, [json.loads(row.data) for row in rows], self.domain.slots
        )
        self.trackers.put(
            sender_id, CachedTracker(tracker, self.domain, len(rows), rows[-1].id, rows[-1].timestamp)
        )
        return tracker.copy()

    @staticmethod
    def _extends(entry: CachedTracker, rows: list[Any]) -> bool:
        """Whether the rows are the cached session's newest event followed only by events appended to it."""
        if not rows or (rows[0].id, rows[0].timestamp) != (entry.newest_id, entry.newest_timestamp):
            return False  # erased, removed or replaced since
        if rows[0].total != entry.count + len(rows) - 1:
            return False  # older events removed (`reflect purge`), or a new session began
        return all(row.type_name != SessionStarted.type_name for row in rows[1:])

    def _in_latest_session(self, sender_id: str) -> sa.sql.ColumnElement:
        """Which stored events belong to the sender's latest session, as in Rasa's ``_event_query``."""
        events = self.SQLEvent.__table__
        starts = events.alias("session_starts")  # its own name, so it is not correlated with the outer query
        session_start = (
            sa.select(sa.func.max(starts.c.timestamp))
            .where(starts.c.sender_id == sender_id, starts.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        return sa.and_(
            events.c.sender_id == sender_id,
            sa.or_(events.c.timestamp >= session_start, session_start.is_(None)),
        )

    def _session_rows(self, sender_id: str, from_id: int | None = None) -> sa.sql.Select:
        """The stored events of the sender's latest session from ``from_id`` on, each with the number of
        events in the session, read in one statement so they agree."""
        events = self.SQLEvent.__table__
        in_session = (
            sa.select(
                events.c.id,
                events.c.type_name,
                events.c.timestamp,
                events.c.data,
                sa.func.count().over().label("total"),
            )
            .where(self._in_latest_session(sender_id))
            .subquery()
        )
        query = sa.select(in_session)
        if from_id is not None:
            query = query.where(in_session.c.id >= from_id)
        return query.order_by(in_session.c.id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Writes the events not stored yet and notes the activity for retention, in one transaction."""
        sender_id = tracker.sender_id
        with self.session_scope() as session:
            events = self.SQLEvent.__table__
            stored_count, stored_newest_id = session.execute(
                sa.select(sa.func.count(), sa.func.max(events.c.id)).where(self._in_latest_session(sender_id))
            ).one()
            new_events = list(itertools.islice(tracker.events, stored_count, len(tracker.events)))
            if not any(is_erase_marker(event) for event in new_events):
                await self.stream_events(tracker)
                rows = [self._row(sender_id, event) for event in new_events]
                session.add_all(rows)
                session.flush()  # gives the rows their ids
                stored = [StoredEvent(row.id, row.type_name, row.timestamp, row.data) for row in rows]
                consented = tracker.get_slot("consent") is True
                record_activity(session.connection(), sender_id, consented, time.time())
                session.commit()
                self._remember(sender_id, stored_count, stored_newest_id, stored)
                return
        self.trackers.forget([sender_id])
        erase_conversations(self.engine, [sender_id])

    def _row(self, sender_id: str, event: Event) -> Any:
        """The row Rasa's ``SQLTrackerStore.save`` writes for an event."""
        data = event.as_dict()
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=event.type_name,
            timestamp=data.get("timestamp"),
            intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            action_name=data.get("name"),
            data=json.dumps(data),
        )

    def _remember(
        self, sender_id: str, stored_count: int, stored_newest_id: int | None, rows: list[StoredEvent]
    ) -> None:
        """Brings the cached tracker up to what was just stored, or drops it when it can't follow."""
        entry = self.trackers.get(sender_id)
        if entry is None or not rows:
            return
        if (entry.count, entry.newest_id) == (stored_count, stored_newest_id) and all(
            row.type_name != SessionStarted.type_name for row in rows
        ):
            entry.append(rows)
        else:
            self.trackers.forget([sender_id])

    def erase_expired(self, now: float | None = None) -> int:
        """Erases the conversations without consent whose session has ended; returns how many."""
        retention_seconds = settings().no_consent_retention_minutes * 60
        with self.engine.connect() as connection:
            expired = expired_without_consent(connection, (now or time.time()) - retention_seconds)
        if expired:
            self.trackers.forget(expired)
            erase_conversations(self.engine, expired)
            logger.info("Erased %s conversation(s) without consent after their session ended.", len(expired))
        return len(expired)

    def _sweep_forever(self) -> None:
        while True:
            time.sleep(SWEEP_EVERY_SECONDS)
            try:
                self.erase_expired()
            except Exception:  # a failed sweep is retried next minute; it must not end the thread
                logger.exception("The retention sweep failed; retrying in a minute.")
