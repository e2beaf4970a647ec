"""Keeping clients' exact words only as long as their clinic says (``retention_days`` in its clinic file).

After that, the conversation's raw events go from Rasa's tracker store and the raw text of answers from the
answers database; the anonymized copies stay. Only what the ingest has already copied is removed (events up
to the client's watermark, answers with an anonymized copy), so nothing is lost if the ingest is behind, and
the conversation's current session is never touched (Rasa rebuilds the conversation from it). Run by
`reflect purge` (safe from cron: every step is idempotent) and hourly by the web app's ingest worker.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy import Engine, inspect, select

from reflection.clinics import DEFAULT_CLINIC_ID, Clinic
from reflection.erasure import checkpoint_if_sqlite, zero_deleted_pages
from reflection.items import load_item_bank
from reflection.pseudonym import pseudonymize
from reflection.storage.models import Answer, IngestState, Reflection
from reflection.storage.repository import clinic_is
from reflection.tracker_retention import EVENTS, RETENTION

# An erasure marker only has to outlive the few seconds until Rasa saves the erasing turn.
ERASURE_MARKER_DAYS = 1


@dataclass
class RetentionReport:
    events_removed: Counter[str] = field(default_factory=Counter)  # clinic -> raw events removed
    conversations_trimmed: int = 0
    events_waiting: int = 0  # past retention but not yet ingested: kept until they are
    answers_trimmed: Counter[str] = field(default_factory=Counter)  # clinic -> answers whose raw text went
    markers_dropped: int = 0

    def lines(self) -> list[str]:
        lines = [
            f"Removed {count} raw conversation event(s) past {clinic}'s retention."
            for clinic, count in sorted(self.events_removed.items())
        ]
        lines += [
            f"Removed the exact words of {count} answer(s) past {clinic}'s retention (anonymized copies "
            "kept)."
            for clinic, count in sorted(self.answers_trimmed.items())
        ]
        if self.events_waiting:
            lines.append(
                f"Kept {self.events_waiting} event(s) past retention that are not anonymized yet; they go "
                "once the ingest has copied them (`reflect ingest`)."
            )
        if not lines:
            lines.append("No exact words were past their clinic's retention.")
        return lines


def purge_past_retention(
    answers_engine: Engine,
    tracker_engine: Engine,
    clinics: Mapping[str, Clinic],
    pseudonym_secret: str,
    now: float | None = None,
) -> RetentionReport:
    moment = now if now is not None else time.time()
    report = RetentionReport()
    _trim_conversations(answers_engine, tracker_engine, clinics, pseudonym_secret, moment, report)
    _trim_answers(answers_engine, clinics, moment, report)
    with answers_engine.begin() as connection:
        marker_cutoff = datetime.fromtimestamp(moment, timezone.utc) - timedelta(days=ERASURE_MARKER_DAYS)
        report.markers_dropped = connection.execute(
            sa.delete(IngestState).where(IngestState.erased_before < marker_cutoff)
        ).rowcount
    return report


def _retention_days(clinics: Mapping[str, Clinic], clinic_id: str | None) -> int | None:
    clinic = clinics.get(clinic_id or DEFAULT_CLINIC_ID) or clinics.get(DEFAULT_CLINIC_ID)
    return clinic.retention_days if clinic else None


def _trim_conversations(
    answers_engine: Engine,
    tracker_engine: Engine,
    clinics: Mapping[str, Clinic],
    secret: str,
    now: float,
    report: RetentionReport,
) -> None:
    with tracker_engine.connect() as connection:
        if not inspect(connection).has_table(RETENTION.name):
            return
        senders = connection.execute(select(RETENTION.c.sender_id, RETENTION.c.last_active)).all()
    for sender_id, last_active in senders:
        client_id = pseudonymize(sender_id, secret)
        with answers_engine.connect() as connection:
            state = connection.execute(
                select(IngestState.last_event_id, IngestState.clinic).where(
                    IngestState.client_id == client_id
                )
            ).one_or_none()
        watermark, clinic_id = (state[0], state[1]) if state else (0, None)
        days = _retention_days(clinics, clinic_id)
        if days is None:
            continue
        cutoff = now - days * 86400
        with tracker_engine.begin() as connection:
            latest_session = connection.scalar(
                select(sa.func.max(EVENTS.c.id)).where(
                    EVENTS.c.sender_id == sender_id, EVENTS.c.type_name == "session_started"
                )
            )
            # The current session stays whole (Rasa loads the conversation from its start), unless the
            # whole conversation is past retention.
            boundary = None if last_active < cutoff else latest_session or 0
            old = sa.and_(EVENTS.c.sender_id == sender_id, EVENTS.c.timestamp < cutoff)
            if boundary is not None:
                old = sa.and_(old, EVENTS.c.id < boundary)
            report.events_waiting += connection.scalar(
                select(sa.func.count()).where(old, EVENTS.c.id > watermark)
            )
            zero_deleted_pages(connection)
            removed = connection.execute(EVENTS.delete().where(old, EVENTS.c.id <= watermark)).rowcount
        if removed:
            report.events_removed[clinic_id or DEFAULT_CLINIC_ID] += removed
            report.conversations_trimmed += 1
    checkpoint_if_sqlite(tracker_engine)


def _trim_answers(
    answers_engine: Engine, clinics: Mapping[str, Clinic], now: float, report: RetentionReport
) -> None:
    text_items = [item.slot for item in load_item_bank().items if item.kind == "text"]
    for clinic_id, clinic in clinics.items():
        if clinic.retention_days is None:
            continue
        cutoff = datetime.fromtimestamp(now, timezone.utc) - timedelta(days=clinic.retention_days)
        own = select(Reflection.id).where(clinic_is(Reflection.clinic, clinic_id))
        past = sa.and_(
            Answer.reflection_id.in_(own),
            Answer.answered_at < cutoff,
            Answer.anonymized_at.is_not(None),
        )
        is_text = Answer.item.in_(text_items)
        with answers_engine.begin() as connection:
            zero_deleted_pages(connection)
            trimmed = connection.execute(
                sa.update(Answer)
                .where(
                    past,
                    sa.or_(
                        Answer.raw_text.is_not(None),
                        sa.and_(is_text, Answer.value.is_distinct_from(Answer.value_anonymized)),
                    ),
                )
                .values(
                    raw_text=None,
                    value=sa.case(
                        (is_text, sa.func.coalesce(Answer.value_anonymized, "")), else_=Answer.value
                    ),
                )
            ).rowcount
        if trimmed:
            report.answers_trimmed[clinic_id] += trimmed
    checkpoint_if_sqlite(answers_engine)
