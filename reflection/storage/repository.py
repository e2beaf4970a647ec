"""The storage API the action server, the CLI and the web console share.

Each write runs in its own transaction and starts with a write statement, so concurrent turns for the same
client wait for each other instead of racing (SQLite takes its write lock, PostgreSQL its row locks).
Retried actions are safe: opening, answering and completing are idempotent.
"""

import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Engine, Select, case, delete, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload, sessionmaker

from reflection.erasure import checkpoint_if_sqlite
from reflection.storage.database import StorageError, ensure_schema_is_current, make_engine
from reflection.storage.models import (
    CLIENT_ID_LENGTH,
    CLINIC_LENGTH,
    ERROR_LENGTH,
    ITEM_LENGTH,
    MODES,
    NEXT_STEP_CODE_LENGTH,
    OPEN_STATUS_SQL,
    OPEN_STATUSES,
    RISK_CATEGORIES,
    STATUSES,
    AnonymizationCandidate,
    Answer,
    BreakGlassRequest,
    EscalationAttempt,
    IngestState,
    NextStep,
    Reflection,
    ReflectionTag,
    ReviewMark,
    ReviewNote,
    RiskFlag,
    TranscriptTurn,
)

EXPORT_BATCH_SIZE = 500
DEFAULT_CLINIC = "default"  # the clinics.py id of clients without a clinic (storage does not import clinics)
OPEN_ATTEMPTS = 3


class NoReflectionError(StorageError):
    """complete() was called for a client with no open and no completed reflection."""


@dataclass(frozen=True)
class AnswerRecord:
    item: str
    value: int | str
    raw_text: str | None
    answered_at: datetime
    # Anonymized copies (None until the ingest worker has made them); the only text staff and exports see.
    value_anonymized: str | None = None
    raw_text_anonymized: str | None = None


@dataclass(frozen=True)
class ReflectionRecord:
    id: int
    client_id: str
    clinic: str | None
    mode: str
    status: str
    started_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    answers: dict[str, AnswerRecord]
    next_steps: list[str]


@dataclass(frozen=True)
class EscalationAttemptRecord:
    attempt: int
    status_code: int | None
    error: str | None
    succeeded: bool
    attempted_at: datetime


@dataclass(frozen=True)
class RiskFlagRecord:
    id: int
    public_id: str
    client_id: str | None
    clinic: str | None
    category: str
    minor: bool
    created_at: datetime
    delivery: str
    attempts: int


class ReflectionStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, database_url: str) -> "ReflectionStore":
        """Connect without migrating; raises DatabaseUnavailableError or SchemaNotReadyError (run
        `reflect db upgrade`) at once rather than on the first client message."""
        engine = make_engine(database_url)
        try:
            ensure_schema_is_current(engine)
        except StorageError:
            engine.dispose()
            raise
        return cls(engine)

    def close(self) -> None:
        """Release pooled connections (the engine stays usable and reconnects if used again)."""
        self._engine.dispose()

    def open_reflection(self, client_id: str, clinic: str | None, mode: str) -> ReflectionRecord:
        """Return the client's open reflection (a paused one is resumed) or start one.

        An existing open reflection keeps its clinic and mode."""
        _check_text("client_id", client_id, CLIENT_ID_LENGTH)
        _check_optional_text("clinic", clinic, CLINIC_LENGTH)
        _check_choice("mode", mode, MODES)
        with self._sessions.begin() as session:
            reflection_id = self._open(session, client_id, clinic, mode)
            return _to_record(_load_reflection(session, reflection_id))

    def current_reflection(self, client_id: str) -> ReflectionRecord | None:
        with self._sessions() as session:
            reflection = session.scalars(
                _select_reflections().where(
                    Reflection.client_id == client_id, Reflection.status.in_(OPEN_STATUSES)
                )
            ).one_or_none()
            return _to_record(reflection) if reflection else None

    def record_answer(
        self,
        client_id: str,
        item: str,
        value: int | str,
        raw_text: str | None,
        *,
        clinic: str | None = None,
        mode: str = "self",
    ) -> None:
        """Store or overwrite the answer to `item` in the client's open reflection (opened if needed)."""
        _check_text("client_id", client_id, CLIENT_ID_LENGTH)
        _check_text("item", item, ITEM_LENGTH)
        _check_optional_text("clinic", clinic, CLINIC_LENGTH)
        _check_choice("mode", mode, MODES)
        _encode_value(value)  # a bad value fails before anything is written
        with self._sessions.begin() as session:
            reflection_id = self._open(session, client_id, clinic, mode)
            _upsert_answer(session, reflection_id, item, value, raw_text, _now())

    def remove_answer(self, client_id: str, item: str) -> None:
        """Forget the answer to `item` in the open reflection, e.g. when the client takes it back."""
        with self._sessions.begin() as session:
            open_reflection_ids = select(Reflection.id).where(
                Reflection.client_id == client_id, Reflection.status.in_(OPEN_STATUSES)
            )
            session.execute(
                delete(Answer).where(Answer.reflection_id.in_(open_reflection_ids), Answer.item == item)
            )

    def pause(self, client_id: str) -> None:
        """Mark the open reflection as partial, keeping its answers; a no-op if there is none."""
        with self._sessions.begin() as session:
            session.execute(
                update(Reflection)
                .where(Reflection.client_id == client_id, Reflection.status.in_(OPEN_STATUSES))
                .values(status="partial", updated_at=_now())
            )

    def complete(
        self,
        client_id: str,
        next_steps: list[str],
        *,
        answers: Mapping[str, tuple[int | str, str | None]] | None = None,
        clinic: str | None = None,
        mode: str = "self",
        completion_key: str | None = None,
    ) -> ReflectionRecord:
        """Close the open reflection with its suggested next steps (duplicates dropped, order kept).

        With ``answers`` ({item: (value, raw_text)}), the reflection's answers are made exactly these in the
        same transaction (opening it if an earlier write never arrived), so it is never complete with an
        answer missing. ``completion_key`` makes a repeated completion a no-op. Without answers, if there is
        no open reflection the last completed one is returned unchanged, so a retried action does not fail;
        NoReflectionError if the client never completed one either."""
        for code in next_steps:
            _check_text("next step", code, NEXT_STEP_CODE_LENGTH)
        for value, _raw_text in (answers or {}).values():
            _encode_value(value)
        now = _now()
        with self._sessions.begin() as session:
            if completion_key is not None:
                done = session.scalars(
                    _select_reflections().where(Reflection.completion_key == completion_key)
                ).one_or_none()
                if done is not None:
                    return _to_record(done)
            if answers is not None:
                reflection_id = self._open(session, client_id, clinic, mode)
                _replace_answers(session, reflection_id, answers, now)
            completed_id = session.scalars(
                update(Reflection)
                .where(Reflection.client_id == client_id, Reflection.status.in_(OPEN_STATUSES))
                .values(status="complete", completed_at=now, updated_at=now, completion_key=completion_key)
                .returning(Reflection.id)
            ).one_or_none()
            if completed_id is None:
                latest = _latest_completed(session, client_id)
                if latest is None:
                    raise NoReflectionError("This client has no open or completed reflection to complete.")
                return _to_record(latest)
            _add_next_steps(session, completed_id, next_steps)
            session.flush()
            return _to_record(_load_reflection(session, completed_id))

    def amend_completed(
        self, client_id: str, next_steps: list[str], *, answers: Mapping[str, tuple[int | str, str | None]]
    ) -> ReflectionRecord | None:
        """Change the client's latest completed reflection after its summary ("change my answer about goals
        to 2"): in one transaction its answers are made exactly ``answers`` and its next steps
        ``next_steps``. It stays one reflection, completed when it was: a change is no second reflection.
        A changed answer loses its anonymized copy until the ingest makes a new one. With no completed
        reflection (the client erased their data in between) nothing is written and None is returned: a
        change never brings erased answers back, and a queued change is never retried forever."""
        for code in next_steps:
            _check_text("next step", code, NEXT_STEP_CODE_LENGTH)
        for value, _raw_text in answers.values():
            _encode_value(value)
        now = _now()
        with self._sessions.begin() as session:
            latest = _latest_completed(session, client_id)
            if latest is None:
                return None
            _replace_answers(session, latest.id, answers, now)
            session.execute(delete(NextStep).where(NextStep.reflection_id == latest.id))
            _add_next_steps(session, latest.id, next_steps)
            session.execute(update(Reflection).where(Reflection.id == latest.id).values(updated_at=now))
            session.flush()
            return _to_record(_load_reflection(session, latest.id))

    def latest_completed(self, client_id: str) -> ReflectionRecord | None:
        with self._sessions() as session:
            latest = _latest_completed(session, client_id)
            return _to_record(latest) if latest else None

    def erase_client(self, client_id: str) -> int:
        """Delete every copy stored about the client: reflections with their answers (raw and anonymized),
        next steps, review marks, tags, notes and break-glass requests; risk flags; the anonymized
        transcript; candidate cases found in their words. Returns how many rows were deleted.

        The ingest state is kept as a marker (no words, only the time of erasure), so that events Rasa
        still holds for a moment are never ingested again; `reflect purge` drops it a day later."""
        now = _now()
        with self._sessions.begin() as session:
            # Written first: it takes the ingest's per-client lock, so a concurrent ingest waits and then
            # sees the erasure time (reflection/ingest.py).
            session.execute(
                _insert(session, IngestState)
                .values(client_id=client_id, last_event_id=0, erased_before=now, updated_at=now)
                .on_conflict_do_update(
                    index_elements=[IngestState.client_id],
                    set_={"erased_before": now, "consent": None, "updated_at": now},
                )
            )
            flag_ids = select(RiskFlag.id).where(RiskFlag.client_id == client_id)
            reflection_ids = select(Reflection.id).where(Reflection.client_id == client_id)
            statements = (
                delete(EscalationAttempt).where(EscalationAttempt.flag_id.in_(flag_ids)),
                delete(RiskFlag).where(RiskFlag.client_id == client_id),
                delete(NextStep).where(NextStep.reflection_id.in_(reflection_ids)),
                delete(Answer).where(Answer.reflection_id.in_(reflection_ids)),
                delete(ReviewMark).where(ReviewMark.reflection_id.in_(reflection_ids)),
                delete(ReflectionTag).where(ReflectionTag.reflection_id.in_(reflection_ids)),
                delete(ReviewNote).where(ReviewNote.reflection_id.in_(reflection_ids)),
                delete(BreakGlassRequest).where(BreakGlassRequest.reflection_id.in_(reflection_ids)),
                delete(Reflection).where(Reflection.client_id == client_id),
                delete(TranscriptTurn).where(TranscriptTurn.client_id == client_id),
                delete(AnonymizationCandidate).where(AnonymizationCandidate.client_id == client_id),
            )
            deleted = sum(
                session.execute(statement, execution_options={"synchronize_session": False}).rowcount
                for statement in statements
            )
        checkpoint_if_sqlite(self._engine)
        return deleted

    def flag_risk(
        self, client_id: str | None, category: str, minor: bool, clinic: str | None, *, deliver: bool = False
    ) -> RiskFlagRecord:
        """Record that a risk was disclosed (never what was said). Without consent, pass no client id.

        With ``deliver``, the flag waits in the delivery queue for its clinic's webhook (escalation.py)."""
        if client_id is not None:
            _check_text("client_id", client_id, CLIENT_ID_LENGTH)
        _check_choice("category", category, RISK_CATEGORIES)
        _check_optional_text("clinic", clinic, CLINIC_LENGTH)
        now = _now()
        with self._sessions.begin() as session:
            flag = RiskFlag(
                public_id=str(uuid.uuid4()),
                client_id=client_id,
                category=category,
                minor=minor,
                clinic=clinic,
                created_at=now,
                delivery="pending" if deliver else "not_needed",
                next_attempt_at=now if deliver else None,
                attempts=0,
            )
            session.add(flag)
            session.flush()
            return _flag_record(flag)

    def risk_flag(self, flag_id: int) -> RiskFlagRecord | None:
        with self._sessions() as session:
            flag = session.get(RiskFlag, flag_id)
            return _flag_record(flag) if flag is not None else None

    def due_flags(self, now: datetime, limit: int = 20) -> list[int]:
        """Flags waiting for delivery whose next attempt is due, oldest first."""
        with self._sessions() as session:
            return list(
                session.scalars(
                    select(RiskFlag.id)
                    .where(RiskFlag.delivery == "pending", RiskFlag.next_attempt_at <= now)
                    .order_by(RiskFlag.next_attempt_at, RiskFlag.id)
                    .limit(limit)
                )
            )

    def next_delivery_at(self) -> datetime | None:
        """When the earliest waiting flag is next due, if any flag is waiting."""
        with self._sessions() as session:
            return session.scalar(
                select(func.min(RiskFlag.next_attempt_at)).where(RiskFlag.delivery == "pending")
            )

    def claim_flag(self, flag_id: int, now: datetime, lease_until: datetime) -> RiskFlagRecord | None:
        """Take a due flag for one delivery attempt, or None if another worker took it first.

        The claim moves its next attempt to ``lease_until``, so a worker that dies mid-attempt leaves the flag
        to be retried after the lease rather than lost."""
        with self._sessions.begin() as session:
            claimed = session.scalars(
                update(RiskFlag)
                .where(RiskFlag.id == flag_id, RiskFlag.delivery == "pending")
                .where(RiskFlag.next_attempt_at <= now)
                .values(next_attempt_at=lease_until, attempts=RiskFlag.attempts + 1)
                .returning(RiskFlag)
            ).one_or_none()
            return _flag_record(claimed) if claimed is not None else None

    def record_delivery_attempt(
        self,
        flag_id: int,
        attempt: int,
        status_code: int | None,
        error: str | None,
        *,
        delivered: bool,
        retry_at: datetime | None,
    ) -> None:
        """Log an attempt; the flag is then delivered, waits until ``retry_at``, or (neither) has failed."""
        state = "delivered" if delivered else ("pending" if retry_at is not None else "failed")
        with self._sessions.begin() as session:
            session.add(
                EscalationAttempt(
                    flag_id=flag_id,
                    attempt=attempt,
                    status_code=status_code,
                    error=error[:ERROR_LENGTH] if error else None,
                    attempted_at=_now(),
                    succeeded=delivered,
                )
            )
            session.execute(
                update(RiskFlag)
                .where(RiskFlag.id == flag_id)
                .values(delivery=state, next_attempt_at=None if state != "pending" else retry_at)
            )

    def escalation_attempts(self, flag_public_id: str) -> list[EscalationAttemptRecord]:
        """The delivery attempts for a risk flag (by the id its receivers see), oldest first, for audits."""
        with self._sessions() as session:
            attempts = session.scalars(
                select(EscalationAttempt)
                .join(RiskFlag)
                .where(RiskFlag.public_id == flag_public_id)
                .order_by(EscalationAttempt.id)
            )
            return [
                EscalationAttemptRecord(
                    attempt=attempt.attempt,
                    status_code=attempt.status_code,
                    error=attempt.error,
                    succeeded=attempt.succeeded,
                    attempted_at=attempt.attempted_at,
                )
                for attempt in attempts
            ]

    def iter_reflections(
        self, *, status: str | None = None, clinic: str | None = None, since: datetime | None = None
    ) -> Iterator[ReflectionRecord]:
        """Every reflection (or those with `status`, of `clinic`, updated `since`) ordered by id, read in
        batches to bound memory. The clinic "default" means reflections that came through no clinic."""
        if status is not None:
            _check_choice("status", status, STATUSES)
        last_id = 0
        while True:
            with self._sessions() as session:
                query = _select_reflections().where(Reflection.id > last_id)
                if status is not None:
                    query = query.where(Reflection.status == status)
                if clinic is not None:
                    query = query.where(clinic_is(Reflection.clinic, clinic))
                if since is not None:
                    query = query.where(Reflection.updated_at >= since)
                batch = session.scalars(query.order_by(Reflection.id).limit(EXPORT_BATCH_SIZE)).all()
                records = [_to_record(reflection) for reflection in batch]
            yield from records
            if len(records) < EXPORT_BATCH_SIZE:
                return
            last_id = records[-1].id

    def _open(self, session: Session, client_id: str, clinic: str | None, mode: str) -> int:
        now = _now()
        for _ in range(OPEN_ATTEMPTS):
            session.execute(
                _insert(session, Reflection)
                .values(
                    client_id=client_id,
                    clinic=clinic,
                    mode=mode,
                    status="in_progress",
                    started_at=now,
                    updated_at=now,
                    consent=True,
                )
                # The partial unique index turns a concurrent or repeated open into a no-op.
                .on_conflict_do_nothing(
                    index_elements=[Reflection.client_id], index_where=text(OPEN_STATUS_SQL)
                )
            )
            reflection_id = session.scalars(
                update(Reflection)
                .where(Reflection.client_id == client_id, Reflection.status.in_(OPEN_STATUSES))
                .values(status="in_progress", updated_at=now)
                .returning(Reflection.id)
            ).one_or_none()
            # None only if another turn completed the open reflection between our two statements.
            if reflection_id is not None:
                return reflection_id
        raise StorageError("Could not open a reflection: it kept being completed by concurrent requests.")


def clinic_is(column: Any, clinic: str) -> Any:
    """A condition: the row belongs to `clinic`; rows of clients who came through no clinic are stored
    with no clinic and belong to the "default" clinic (the service's own staff)."""
    return column.is_(None) if clinic == DEFAULT_CLINIC else column == clinic


def _replace_answers(
    session: Session, reflection_id: int, answers: Mapping[str, tuple[int | str, str | None]], now: datetime
) -> None:
    """Make the reflection's answers exactly ``answers`` ({item: (value, raw_text)})."""
    unanswered = Answer.item.not_in(list(answers))
    session.execute(delete(Answer).where(Answer.reflection_id == reflection_id, unanswered))
    for item, (value, raw_text) in answers.items():
        _upsert_answer(session, reflection_id, item, value, raw_text, now)


def _add_next_steps(session: Session, reflection_id: int, next_steps: list[str]) -> None:
    """The next steps in order, duplicates dropped."""
    session.add_all(
        NextStep(reflection_id=reflection_id, position=position, code=code)
        for position, code in enumerate(dict.fromkeys(next_steps))
    )


def _upsert_answer(
    session: Session, reflection_id: int, item: str, value: int | str, raw_text: str | None, now: datetime
) -> None:
    _check_text("item", item, ITEM_LENGTH)
    stored_value, value_type = _encode_value(value)
    row = {
        "reflection_id": reflection_id,
        "item": item,
        "value": stored_value,
        "value_type": value_type,
        "raw_text": raw_text,
        "answered_at": now,
    }
    statement = _insert(session, Answer).values(row)
    # A changed answer loses its anonymized copy until the worker makes a new one; the same answer written
    # again (completion re-saves every answer) keeps it, with any identifier a reviewer removed by hand.
    unchanged = (Answer.value == statement.excluded.value) & Answer.raw_text.is_not_distinct_from(
        statement.excluded.raw_text
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[Answer.reflection_id, Answer.item],
            set_={
                "value": statement.excluded.value,
                "value_type": statement.excluded.value_type,
                "raw_text": statement.excluded.raw_text,
                "answered_at": statement.excluded.answered_at,
                **{
                    column: case((unchanged, getattr(Answer, column)), else_=None)
                    for column in ("value_anonymized", "raw_text_anonymized", "anonymized_at")
                },
            },
        )
    )


def _insert(session: Session, model: type[Any]) -> Any:
    """The dialect's INSERT, which has ON CONFLICT on both SQLite and PostgreSQL."""
    dialect = session.get_bind().dialect.name
    return postgresql.insert(model) if dialect == "postgresql" else sqlite.insert(model)


def _select_reflections() -> Select[Reflection]:
    return select(Reflection).options(selectinload(Reflection.answers), selectinload(Reflection.next_steps))


def _load_reflection(session: Session, reflection_id: int) -> Reflection:
    return session.scalars(
        _select_reflections().where(Reflection.id == reflection_id).execution_options(populate_existing=True)
    ).one()


def _latest_completed(session: Session, client_id: str) -> Reflection | None:
    return session.scalars(
        _select_reflections()
        .where(Reflection.client_id == client_id, Reflection.status == "complete")
        .order_by(Reflection.completed_at.desc(), Reflection.id.desc())
        .limit(1)
    ).one_or_none()


def _to_record(reflection: Reflection) -> ReflectionRecord:
    return ReflectionRecord(
        id=reflection.id,
        client_id=reflection.client_id,
        clinic=reflection.clinic,
        mode=reflection.mode,
        status=reflection.status,
        started_at=reflection.started_at,
        updated_at=reflection.updated_at,
        completed_at=reflection.completed_at,
        answers={
            answer.item: AnswerRecord(
                item=answer.item,
                value=answer.typed_value,
                raw_text=answer.raw_text,
                answered_at=answer.answered_at,
                value_anonymized=answer.value_anonymized,
                raw_text_anonymized=answer.raw_text_anonymized,
            )
            for answer in reflection.answers
        },
        next_steps=[step.code for step in reflection.next_steps],
    )


def _flag_record(flag: RiskFlag) -> RiskFlagRecord:
    return RiskFlagRecord(
        id=flag.id,
        public_id=flag.public_id,
        client_id=flag.client_id,
        clinic=flag.clinic,
        category=flag.category,
        minor=flag.minor,
        created_at=flag.created_at,
        delivery=flag.delivery,
        attempts=flag.attempts,
    )


def _encode_value(value: int | str) -> tuple[str, str]:
    # bool is an int subclass; True would silently become "1".
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"An answer value must be an int or a str, not {type(value).__name__}.")
    if isinstance(value, int):
        return str(value), "int"
    if not value:
        raise ValueError("An answer value must not be empty.")
    return value, "str"


def _check_text(name: str, value: str, max_length: int) -> None:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string.")
    if len(value) > max_length:
        raise ValueError(f"{name} is longer than {max_length} characters.")


def _check_optional_text(name: str, value: str | None, max_length: int) -> None:
    if value is not None:
        _check_text(name, value, max_length)


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}.")


def _now() -> datetime:
    return datetime.now(timezone.utc)
