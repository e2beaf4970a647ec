"""Rasa's SQL tracker store, made to forget on time (runs inside Rasa, in .venv-rasa).

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
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

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


def is_erase_marker(event: Event) -> bool:
    return isinstance(event, SlotSet) and event.key == ERASE_SLOT and bool(event.value)


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
        try:
            create_retention_table(self.engine)
        except (sa.exc.IntegrityError, sa.exc.ProgrammingError):
            # Workers or replicas that start together race to create it; the loser finds it made.
            create_retention_table(self.engine)
        if sweep:
            threading.Thread(target=self._sweep_forever, name="retention-sweep", daemon=True).start()

    async def save(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
        if any(is_erase_marker(event) for event in new_events):
            erase_conversations(self.engine, [tracker.sender_id])
            return
        await super().save(tracker)
        with self.engine.begin() as connection:
            record_activity(connection, tracker.sender_id, tracker.get_slot("consent") is True, time.time())

    def erase_expired(self, now: float | None = None) -> int:
        """Erases the conversations without consent whose session has ended; returns how many."""
        retention_seconds = settings().no_consent_retention_minutes * 60
        with self.engine.connect() as connection:
            expired = expired_without_consent(connection, (now or time.time()) - retention_seconds)
        if expired:
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
