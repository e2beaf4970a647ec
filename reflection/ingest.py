"""Anonymization at ingest: consented conversations and free-text answers get anonymized copies, after the
reply and never in a chat turn's path.

A pass reads the conversations Rasa's tracker store saved since the last pass (``conversation_retention``
says which were active), replays each client's new events from their watermark, and keeps the messages said
while the client's ``consent`` slot was true, as anonymized transcript turns under the client's pseudonym.
It also fills the anonymized copy of every answer that lacks one. Texts are anonymized in batches (spaCy's
``nlp.pipe``). A pass is idempotent and restart-safe: turns are unique per (client, event), and the
watermark moves forward only with the turns it covers, in one transaction.

Passes run every few seconds in an ``IngestWorker``, so spaCy is loaded once per process: under ``make run``
in a background thread of the web app; in the production shape in one process of its own (``reflect ingest
--watch``), so that several web workers don't each hold a copy of Presidio and spaCy (about 450 MB).
``reflect ingest`` without ``--watch`` runs one pass for backfills.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from reflection.clinics import load_clinics
from reflection.items import load_item_bank
from reflection.pseudonym import pseudonymize
from reflection.retention import purge_past_retention
from reflection.storage.database import ensure_schema_is_current
from reflection.storage.models import AnonymizationCandidate, Answer, IngestState, Reflection, TranscriptTurn
from reflection.tracker_retention import EVENTS, RETENTION

logger = logging.getLogger(__name__)

Anonymize = Callable[[Sequence[str]], list[str]]
EVENTS_PER_PAGE = 500
ANSWERS_PER_BATCH = 200
# conversation_retention.last_active is written just after a turn's events; the margin covers that gap.
ACTIVITY_MARGIN_SECONDS = 60.0
INGEST_EVERY_SECONDS = 5.0
RETENTION_EVERY_SECONDS = 3600.0
CONSENT_SLOT = "consent"
CLINIC_SLOT = "clinic_id"
# Events after which Rasa's slots start empty again (carried slots are set again by later events).
SLOT_RESETS = ("session_started", "restart", "reset_slots")


@dataclass
class IngestReport:
    conversations: int = 0
    turns: int = 0
    answers: int = 0
    texts: int = 0
    characters: int = 0
    seconds: float = 0.0

    def add(self, other: IngestReport) -> None:
        for name in ("conversations", "turns", "answers", "texts", "characters"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def describe(self) -> str:
        rate = f", {self.texts / self.seconds:.0f} texts/s" if self.seconds and self.texts else ""
        return (
            f"{self.turns} transcript turn(s) from {self.conversations} conversation(s) and {self.answers} "
            f"answer(s) anonymized in {self.seconds:.1f} s ({self.texts} texts{rate})"
        )


@dataclass
class _ClientState:
    client_id: str
    last_event_id: int
    consent: bool | None
    clinic: str | None
    erased_before: datetime | None


@dataclass
class _PendingTurn:
    client_id: str
    clinic: str | None
    event_id: int
    speaker: str
    intent: str | None
    text: str
    sent_at: datetime


@dataclass
class _ClientPage:
    state: _ClientState
    turns: list[_PendingTurn] = field(default_factory=list)


class Ingestor:
    """Copies consented conversations and answers into anonymized form; see the module's docstring."""

    def __init__(
        self,
        answers_engine: Engine,
        tracker_engine: Engine,
        anonymize_many: Anonymize,
        pseudonym_secret: str,
        *,
        batch_size: int = 64,
    ) -> None:
        self._answers = answers_engine
        self._sessions = sessionmaker(answers_engine, expire_on_commit=False)
        self._tracker = tracker_engine
        self._anonymize_many = anonymize_many
        self._secret = pseudonym_secret
        self._batch_size = batch_size
        self._text_items = frozenset(item.slot for item in load_item_bank().items if item.kind == "text")

    def run_once(self, active_since: float | None = None) -> IngestReport:
        """One pass over conversations active since `active_since` (a Unix time; None: all) and every answer
        still without an anonymized copy."""
        started = time.perf_counter()
        report = IngestReport()
        report.add(self.ingest_conversations(active_since))
        report.add(self.anonymize_answers())
        report.seconds = time.perf_counter() - started
        return report

    # Conversations

    def ingest_conversations(self, active_since: float | None = None) -> IngestReport:
        report = IngestReport()
        senders = self._active_senders(active_since)
        pages: list[_ClientPage] = []
        for sender_id in senders:
            while True:
                page, more = self._read_page(sender_id)
                if page is None:
                    break
                pages.append(page)
                # A sender's next page starts at the watermark stored with this one, so store it first.
                if more or sum(len(pending.turns) for pending in pages) >= self._batch_size:
                    report.add(self._store_pages(pages))
                    pages = []
                if not more:
                    break
        report.add(self._store_pages(pages))
        report.conversations = len(senders)
        return report

    def _active_senders(self, active_since: float | None) -> list[str]:
        with self._tracker.connect() as connection:
            if not inspect(connection).has_table(RETENTION.name):
                return []
            query = select(RETENTION.c.sender_id).order_by(RETENTION.c.sender_id)
            if active_since is not None:
                query = query.where(RETENTION.c.last_active >= active_since - ACTIVITY_MARGIN_SECONDS)
            return [row[0] for row in connection.execute(query)]

    def _read_page(self, sender_id: str) -> tuple[_ClientPage | None, bool]:
        """The sender's next events after their watermark, replayed into the turns said with consent."""
        client_id = pseudonymize(sender_id, self._secret)
        state = self._state(client_id)
        with self._tracker.connect() as connection:
            rows = connection.execute(
                select(EVENTS.c.id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
                .where(EVENTS.c.sender_id == sender_id, EVENTS.c.id > state.last_event_id)
                .order_by(EVENTS.c.id)
                .limit(EVENTS_PER_PAGE)
            ).all()
        if not rows:
            return None, False
        page = _ClientPage(state=state)
        for event_id, type_name, timestamp, data in rows:
            _replay(page, event_id, type_name, timestamp, data)
        state.last_event_id = rows[-1][0]
        return page, len(rows) == EVENTS_PER_PAGE

    def _state(self, client_id: str) -> _ClientState:
        with self._sessions() as session:
            row = session.get(IngestState, client_id)
            if row is None:
                return _ClientState(client_id, 0, None, None, None)
            return _ClientState(client_id, row.last_event_id, row.consent, row.clinic, row.erased_before)

    def _store_pages(self, pages: list[_ClientPage]) -> IngestReport:
        report = IngestReport()
        if not pages:
            return report
        turns = [turn for page in pages for turn in page.turns]
        texts = self._anonymize_many([turn.text for turn in turns]) if turns else []
        report.texts = len(texts)
        report.characters = sum(len(turn.text) for turn in turns)
        anonymized = iter(texts)
        now = _now()
        for page in pages:
            page_texts = [next(anonymized) for _ in page.turns]
            with self._sessions.begin() as session:
                erased_before = _lock_state(session, page.state, now)
                known = _known_identifiers(session, page.state.client_id)
                rows = [
                    {
                        "client_id": turn.client_id,
                        "clinic": turn.clinic,
                        "event_id": turn.event_id,
                        "speaker": turn.speaker,
                        "intent": turn.intent,
                        "text_anonymized": remove_identifiers(text, known),
                        "sent_at": turn.sent_at,
                        "ingested_at": now,
                    }
                    for turn, text in zip(page.turns, page_texts, strict=True)
                    # Erased while this pass ran: Rasa may still hold the events for a moment.
                    if erased_before is None or turn.sent_at > erased_before
                ]
                if rows:
                    inserted = session.scalars(
                        _insert(session, TranscriptTurn)
                        .values(rows)
                        .on_conflict_do_nothing()
                        .returning(TranscriptTurn.id)
                    ).all()
                    report.turns += len(inserted)
        return report

    # Answers

    def anonymize_answers(self) -> IngestReport:
        """Fill the anonymized copy of every answer that has none yet, in batches."""
        report = IngestReport()
        while True:
            with self._sessions() as session:
                batch = session.execute(
                    select(Answer.id, Answer.item, Answer.value, Answer.raw_text, Reflection.client_id)
                    .join(Reflection)
                    .where(Answer.anonymized_at.is_(None))
                    .order_by(Answer.id)
                    .limit(ANSWERS_PER_BATCH)
                ).all()
            if not batch:
                return report
            texts: list[str] = []
            for _id, item, value, raw_text, _client in batch:
                if item in self._text_items:
                    texts.append(value)
                if raw_text:
                    texts.append(raw_text)
            anonymized = iter(self._anonymize_many(texts) if texts else [])
            report.texts += len(texts)
            report.characters += sum(len(text) for text in texts)
            now = _now()
            with self._sessions.begin() as session:
                known_by_client: dict[str, list[tuple[str, str]]] = {}
                for answer_id, item, value, raw_text, client_id in batch:
                    if client_id not in known_by_client:
                        known_by_client[client_id] = _known_identifiers(session, client_id)
                    known = known_by_client[client_id]
                    value_copy = (
                        remove_identifiers(next(anonymized), known) if item in self._text_items else value
                    )
                    raw_copy = remove_identifiers(next(anonymized), known) if raw_text else None
                    # Only if the answer is still the one we read; a newer one waits for the next batch.
                    result = session.execute(
                        sa.update(Answer)
                        .where(
                            Answer.id == answer_id,
                            Answer.anonymized_at.is_(None),
                            Answer.value == value,
                            Answer.raw_text.is_not_distinct_from(raw_text),
                        )
                        .values(value_anonymized=value_copy, raw_text_anonymized=raw_copy, anonymized_at=now)
                    )
                    report.answers += max(result.rowcount, 0)
            if len(batch) < ANSWERS_PER_BATCH:
                return report


def _replay(page: _ClientPage, event_id: int, type_name: str, timestamp: float | None, data: str) -> None:
    state = page.state
    if type_name in SLOT_RESETS:
        state.consent, state.clinic = None, None
        return
    if type_name not in ("slot", "user", "bot"):
        return
    try:
        event = json.loads(data or "{}")
    except ValueError:
        logger.warning("Skipped tracker event %s: its data is not JSON.", event_id)
        return
    if type_name == "slot":
        if event.get("name") == CONSENT_SLOT:
            state.consent = event.get("value") is True
        elif event.get("name") == CLINIC_SLOT:
            value = event.get("value")
            state.clinic = value if isinstance(value, str) else None
        return
    text = event.get("text")
    if state.consent is not True or not isinstance(text, str) or not text.strip():
        return
    intent = None
    if type_name == "user":
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if text.startswith("/"):
            # A tapped button sends its payload, not words.
            text = f"[{text.lstrip('/').split('{')[0]}]"
    sent_at = datetime.fromtimestamp(timestamp or event.get("timestamp") or time.time(), tz=timezone.utc)
    page.turns.append(
        _PendingTurn(
            client_id=state.client_id,
            clinic=state.clinic,
            event_id=event_id,
            speaker="client" if type_name == "user" else "assistant",
            intent=intent if isinstance(intent, str) else None,
            text=text,
            sent_at=sent_at,
        )
    )


def _lock_state(session: Session, state: _ClientState, now: datetime) -> datetime | None:
    """Move the client's watermark forward (never back) and return when their data was last erased.

    The upsert takes the row's lock first, so an erasure running at the same time either finishes before
    (and its time is read here) or waits until these turns are stored (and deletes them)."""
    statement = _insert(session, IngestState).values(
        client_id=state.client_id,
        last_event_id=state.last_event_id,
        consent=state.consent,
        clinic=state.clinic,
        updated_at=now,
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[IngestState.client_id],
            set_={
                "last_event_id": sa.case(
                    (IngestState.last_event_id > statement.excluded.last_event_id, IngestState.last_event_id),
                    else_=statement.excluded.last_event_id,
                ),
                "consent": statement.excluded.consent,
                "clinic": statement.excluded.clinic,
                "updated_at": statement.excluded.updated_at,
            },
        )
    )
    return session.scalar(select(IngestState.erased_before).where(IngestState.client_id == state.client_id))


def _known_identifiers(session: Session, client_id: str) -> list[tuple[str, str]]:
    """Identifiers reviewers found in this client's words, removed from their new texts too."""
    return [
        (identifier, entity_type)
        for identifier, entity_type in session.execute(
            select(AnonymizationCandidate.identifier, AnonymizationCandidate.entity_type).where(
                AnonymizationCandidate.client_id == client_id
            )
        )
    ]


def remove_identifiers(text: str, identifiers: Iterable[tuple[str, str]]) -> str:
    """Replace every whole-word occurrence (any case) of each identifier with its ``<TYPE>`` placeholder."""
    for identifier, entity_type in sorted(identifiers, key=lambda pair: -len(pair[0])):
        if identifier.strip():
            text = identifier_pattern(identifier).sub(f"<{entity_type}>", text)
    return text


def identifier_pattern(identifier: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(word) for word in identifier.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def _insert(session: Session, model: type[Any]) -> Any:
    dialect = session.get_bind().dialect.name
    return postgresql.insert(model) if dialect == "postgresql" else sqlite.insert(model)


def _now() -> datetime:
    return datetime.now(timezone.utc)


class IngestWorker:
    """Runs ingest passes every few seconds: in a daemon thread (``start``), or in the calling thread until
    ``stop`` (``run``, the ingest process).

    The anonymizer (spaCy) is loaded by the first pass, so the web app starts at once; a failed pass is
    logged in one line and retried."""

    def __init__(
        self,
        make_ingestor: Callable[[], Ingestor],
        every_seconds: float = INGEST_EVERY_SECONDS,
        after_pass: Callable[[], None] | None = None,
    ):
        self._make_ingestor = make_ingestor
        self.every_seconds = every_seconds
        self._after_pass = after_pass
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.passes = 0
        self.last_report: IngestReport | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self.run, name="ingest-worker", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run(self) -> None:
        """Passes until ``stop`` is called (from a signal handler or another thread)."""
        ingestor: Ingestor | None = None
        active_since: float | None = None
        while not self._stop.is_set():
            started = time.time()
            try:
                ingestor = ingestor or self._make_ingestor()
                self.last_report = ingestor.run_once(active_since)
                self.passes += 1
                active_since = started
                if self.last_report.texts:
                    logger.info("Ingest: %s.", self.last_report.describe())
                if self._after_pass is not None:
                    self._after_pass()
            except Exception as error:  # retried next pass; the thread must not end
                logger.error("An ingest pass failed (retrying): %s", str(error).splitlines()[0][:200])
            self._stop.wait(self.every_seconds)


def background_ingest(
    answers_engine: Engine,
    tracker_engine: Engine,
    pseudonym_secret: str,
    every_seconds: float = INGEST_EVERY_SECONDS,
    batch_size: int = 64,
) -> IngestWorker:
    """The ingest worker as the web app and ``reflect ingest --watch`` run it (not started): anonymization
    passes, and the retention purge once an hour after a pass."""
    last_retention = 0.0

    def make_ingestor() -> Ingestor:
        ensure_schema_is_current(answers_engine)
        from reflection.anonymize import get_anonymizer  # seconds to load: only once passes start

        return Ingestor(
            answers_engine,
            tracker_engine,
            get_anonymizer().anonymize_many,
            pseudonym_secret,
            batch_size=batch_size,
        )

    def after_pass() -> None:
        nonlocal last_retention
        if time.time() - last_retention < RETENTION_EVERY_SECONDS:
            return
        last_retention = time.time()
        report = purge_past_retention(answers_engine, tracker_engine, load_clinics(), pseudonym_secret)
        removed = sum(report.events_removed.values()) + sum(report.answers_trimmed.values())
        if removed:
            logger.info("Retention: %s", " ".join(report.lines()))

    return IngestWorker(make_ingestor, every_seconds=every_seconds, after_pass=after_pass)
