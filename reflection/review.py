"""The review workflow behind the staff console, in plain Python: the list of reflections with filters and
saved views, a reflection's detail (anonymized transcript, answers, next steps, safety events), tags, notes,
the "reviewed" mark, missed identifiers, and break-glass access to raw words.

Every read and write takes the staff member's clinic and is confined to it: another clinic's reflection is
simply not found. Only anonymized copies are returned, except by ``raw_words``, which needs a break-glass
grant approved by a second admin."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import Engine, delete, exists, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from reflection.alliance import FIT_BANDS, AllianceSignal, alliance_signal
from reflection.ingest import identifier_pattern
from reflection.items import load_item_bank
from reflection.storage.database import StorageError
from reflection.storage.models import (
    MODES,
    TAG_LENGTH,
    AnonymizationCandidate,
    Answer,
    BreakGlassRequest,
    NextStep,
    Reflection,
    ReflectionTag,
    ReviewMark,
    ReviewNote,
    RiskFlag,
    SavedView,
    TranscriptTurn,
)
from reflection.storage.repository import clinic_is
from reflection.tracker_retention import EVENTS

# Turns up to this long before a reflection opened belong to it (consent and the first question come first).
TRANSCRIPT_LEAD = timedelta(minutes=30)
FLAG_MARGIN = timedelta(minutes=30)
LIST_LIMIT = 5000
PAGE_SIZE = 50
MAX_NOTE_CHARS = 5000
MAX_IDENTIFIER_CHARS = 200
BREAK_GLASS_MINUTES = 30
# Placeholder types a reviewer can choose for a missed identifier (the engine's own names).
IDENTIFIER_TYPES = (
    "PERSON",
    "ORGANIZATION",
    "LOCATION",
    "ADDRESS",
    "DATE",
    "AGE",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "URL",
    "ID_NUMBER",
)
SAFETY_INTENT_PREFIX = "disclose_"
WITHHELD = "(being anonymized: shown in a moment)"


class ReviewError(StorageError):
    """A review action that cannot be done; the message is for the staff member."""


@dataclass(frozen=True)
class ReviewFilters:
    date_from: date | None = None
    date_to: date | None = None
    mode: str | None = None
    next_step: str | None = None
    crisis: bool | None = None
    fit_band: str | None = None
    reviewed: bool | None = None
    tag: str | None = None
    concern: bool | None = None

    @classmethod
    def from_query(cls, query: str | dict[str, str]) -> ReviewFilters:
        """Filters from a query string (the list page's form and saved views); bad values are ignored."""
        params = dict(parse_qsl(query)) if isinstance(query, str) else dict(query)
        return cls(
            date_from=_date(params.get("from")),
            date_to=_date(params.get("to")),
            mode=params.get("mode") if params.get("mode") in MODES else None,
            next_step=(params.get("next_step") or None) and params["next_step"][:64],
            crisis=_yes_no(params.get("crisis")),
            fit_band=params.get("fit") if params.get("fit") in FIT_BANDS else None,
            reviewed=_yes_no(params.get("reviewed")),
            tag=(params.get("tag") or "").strip()[:TAG_LENGTH] or None,
            concern=_yes_no(params.get("concern")),
        )

    def to_query(self) -> str:
        values = {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "mode": self.mode,
            "next_step": self.next_step,
            "crisis": _yes_no_text(self.crisis),
            "fit": self.fit_band,
            "reviewed": _yes_no_text(self.reviewed),
            "tag": self.tag,
            "concern": _yes_no_text(self.concern),
        }
        return urlencode({name: value for name, value in values.items() if value})


@dataclass(frozen=True)
class ReviewRow:
    id: int
    client_id: str
    mode: str
    status: str
    started_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    next_steps: list[str]
    signal: AllianceSignal
    crisis: bool
    reviewed: bool
    tags: list[str]

    @property
    def client_code(self) -> str:
        """A short form of the pseudonym, enough to tell clients apart on a screen."""
        return self.client_id[:8]


@dataclass(frozen=True)
class AnswerView:
    item: str
    question: str
    kind: str
    value: str
    words: str | None
    pending: bool


@dataclass(frozen=True)
class TurnView:
    id: int
    speaker: str
    text: str
    sent_at: datetime
    safety: bool


@dataclass(frozen=True)
class FlagView:
    public_id: str
    category: str
    minor: bool
    created_at: datetime
    delivery: str


@dataclass(frozen=True)
class NoteView:
    author: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class ReviewDetail:
    row: ReviewRow
    answers: list[AnswerView]
    turns: list[TurnView]
    flags: list[FlagView]
    notes: list[NoteView]
    reviewed_by: str | None
    reviewed_at: datetime | None
    earlier: list[tuple[int, datetime, float | None]] = field(default_factory=list)


@dataclass(frozen=True)
class BreakGlassView:
    id: int
    reflection_id: int
    requested_by: str
    reason: str
    requested_at: datetime
    approved_by: str | None
    expires_at: datetime | None


@dataclass(frozen=True)
class RawWords:
    answers: list[tuple[str, str, str | None]]
    turns: list[tuple[str, str, datetime]]
    events_kept: bool


class ReviewDesk:
    def __init__(self, engine: Engine, tracker_engine: Engine | None = None) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._tracker = tracker_engine
        self._items = {item.slot: item for item in load_item_bank().items}

    # The list

    def list_reflections(self, clinic: str, filters: ReviewFilters) -> list[ReviewRow]:
        with self._sessions() as session:
            query = (
                select(Reflection)
                .options(selectinload(Reflection.answers), selectinload(Reflection.next_steps))
                .where(clinic_is(Reflection.clinic, clinic))
                .order_by(Reflection.updated_at.desc(), Reflection.id.desc())
                .limit(LIST_LIMIT)
            )
            if filters.date_from:
                query = query.where(Reflection.updated_at >= _start_of(filters.date_from))
            if filters.date_to:
                query = query.where(Reflection.started_at < _start_of(filters.date_to + timedelta(days=1)))
            if filters.mode:
                query = query.where(Reflection.mode == filters.mode)
            if filters.next_step:
                query = query.where(Reflection.next_steps.any(code=filters.next_step))
            reviewed = exists().where(ReviewMark.reflection_id == Reflection.id)
            if filters.reviewed is not None:
                query = query.where(reviewed if filters.reviewed else ~reviewed)
            if filters.tag:
                query = query.where(
                    exists().where(
                        ReflectionTag.reflection_id == Reflection.id, ReflectionTag.tag == filters.tag
                    )
                )
            reflections = session.scalars(query).all()
            rows = _rows(session, reflections)
        if filters.fit_band:
            rows = [row for row in rows if row.signal.band == filters.fit_band]
        if filters.concern is not None:
            rows = [row for row in rows if row.signal.concern == filters.concern]
        if filters.crisis is not None:
            rows = [row for row in rows if row.crisis == filters.crisis]
        return rows

    def tags_in_use(self, clinic: str) -> list[str]:
        with self._sessions() as session:
            return list(
                session.scalars(
                    select(ReflectionTag.tag)
                    .join(Reflection)
                    .where(clinic_is(Reflection.clinic, clinic))
                    .distinct()
                    .order_by(ReflectionTag.tag)
                )
            )

    def next_steps_in_use(self, clinic: str) -> list[str]:
        with self._sessions() as session:
            return list(
                session.scalars(
                    select(NextStep.code)
                    .join(Reflection)
                    .where(clinic_is(Reflection.clinic, clinic))
                    .distinct()
                    .order_by(NextStep.code)
                )
            )

    # One reflection

    def detail(self, clinic: str, reflection_id: int) -> ReviewDetail | None:
        """Everything a reviewer sees about one reflection of their clinic; None for any other."""
        with self._sessions() as session:
            reflection = self._own(session, clinic, reflection_id)
            if reflection is None:
                return None
            [row] = _rows(session, [reflection])
            low, high = _window(session, reflection)
            turns = session.scalars(
                select(TranscriptTurn)
                .where(
                    TranscriptTurn.client_id == reflection.client_id,
                    clinic_is(TranscriptTurn.clinic, clinic),
                    TranscriptTurn.sent_at >= low,
                    TranscriptTurn.sent_at < high,
                )
                .order_by(TranscriptTurn.sent_at, TranscriptTurn.event_id)
            ).all()
            flags = session.scalars(
                select(RiskFlag)
                .where(RiskFlag.client_id == reflection.client_id, clinic_is(RiskFlag.clinic, clinic))
                .where(RiskFlag.created_at >= low, RiskFlag.created_at < high)
                .order_by(RiskFlag.created_at)
            ).all()
            notes = session.scalars(
                select(ReviewNote).where(ReviewNote.reflection_id == reflection_id).order_by(ReviewNote.id)
            ).all()
            mark = session.get(ReviewMark, reflection_id)
            earlier = session.scalars(
                select(Reflection)
                .options(selectinload(Reflection.answers))
                .where(
                    Reflection.client_id == reflection.client_id,
                    clinic_is(Reflection.clinic, clinic),
                    Reflection.status == "complete",
                )
                .order_by(Reflection.started_at)
            ).all()
            return ReviewDetail(
                row=row,
                answers=[self._answer_view(answer) for answer in self._in_bank_order(reflection.answers)],
                turns=[
                    TurnView(
                        id=turn.id,
                        speaker=turn.speaker,
                        text=turn.text_anonymized,
                        sent_at=turn.sent_at,
                        safety=(turn.intent or "").startswith(SAFETY_INTENT_PREFIX),
                    )
                    for turn in turns
                ],
                flags=[
                    FlagView(flag.public_id, flag.category, flag.minor, flag.created_at, flag.delivery)
                    for flag in flags
                ],
                notes=[NoteView(note.author, note.body, note.created_at) for note in notes],
                reviewed_by=mark.reviewed_by if mark else None,
                reviewed_at=mark.reviewed_at if mark else None,
                earlier=[
                    (
                        other.id,
                        other.completed_at or other.updated_at,
                        alliance_signal(_answers_of(other)).fit,
                    )
                    for other in earlier
                ],
            )

    def _in_bank_order(self, answers: Sequence[Answer]) -> list[Answer]:
        order = {slot: position for position, slot in enumerate(self._items)}
        return sorted(answers, key=lambda answer: order.get(answer.item, len(order)))

    def _answer_view(self, answer: Answer) -> AnswerView:
        item = self._items.get(answer.item)
        kind = item.kind if item else "text"
        question = item.question["first"] if item else answer.item
        pending = answer.anonymized_at is None
        if kind == "text":
            value = WITHHELD if pending else (answer.value_anonymized or "")
        else:
            typed = int(answer.value) if answer.value_type == "int" else answer.value
            value = item.describe(typed) if item else answer.value
        words = None if pending else answer.raw_text_anonymized
        if kind == "text" and words == value:
            words = None
        return AnswerView(answer.item, question, kind, value, words, pending)

    @staticmethod
    def _own(session: Session, clinic: str, reflection_id: int) -> Reflection | None:
        return session.scalars(
            select(Reflection)
            .options(selectinload(Reflection.answers), selectinload(Reflection.next_steps))
            .where(Reflection.id == reflection_id, clinic_is(Reflection.clinic, clinic))
        ).one_or_none()

    def _require(self, session: Session, clinic: str, reflection_id: int) -> Reflection:
        reflection = self._own(session, clinic, reflection_id)
        if reflection is None:
            raise ReviewError("There is no such reflection at this clinic.")
        return reflection

    # Tags, notes, the reviewed mark

    def add_tag(self, clinic: str, reflection_id: int, tag: str, actor: str) -> str:
        clean = " ".join(tag.split()).lower()
        if not clean or len(clean) > TAG_LENGTH:
            raise ReviewError(f"A tag is 1 to {TAG_LENGTH} characters.")
        try:
            with self._sessions.begin() as session:
                self._require(session, clinic, reflection_id)
                session.add(
                    ReflectionTag(reflection_id=reflection_id, tag=clean, created_by=actor, created_at=_now())
                )
        except IntegrityError:
            pass  # already tagged: adding it again changes nothing
        return clean

    def remove_tag(self, clinic: str, reflection_id: int, tag: str) -> None:
        with self._sessions.begin() as session:
            self._require(session, clinic, reflection_id)
            session.execute(
                delete(ReflectionTag).where(
                    ReflectionTag.reflection_id == reflection_id, ReflectionTag.tag == tag
                )
            )

    def add_note(self, clinic: str, reflection_id: int, body: str, actor: str) -> None:
        text = body.strip()
        if not text:
            raise ReviewError("The note is empty.")
        if len(text) > MAX_NOTE_CHARS:
            raise ReviewError(f"A note is at most {MAX_NOTE_CHARS} characters.")
        with self._sessions.begin() as session:
            self._require(session, clinic, reflection_id)
            session.add(ReviewNote(reflection_id=reflection_id, author=actor, body=text, created_at=_now()))

    def set_reviewed(self, clinic: str, reflection_id: int, reviewed: bool, actor: str) -> None:
        with self._sessions.begin() as session:
            self._require(session, clinic, reflection_id)
            session.execute(delete(ReviewMark).where(ReviewMark.reflection_id == reflection_id))
            if reviewed:
                session.add(ReviewMark(reflection_id=reflection_id, reviewed_by=actor, reviewed_at=_now()))

    # Saved views

    def save_view(self, user_id: int, name: str, filters: ReviewFilters) -> None:
        clean = " ".join(name.split())[:80]
        if not clean:
            raise ReviewError("Give the view a name.")
        with self._sessions.begin() as session:
            session.execute(delete(SavedView).where(SavedView.user_id == user_id, SavedView.name == clean))
            session.add(SavedView(user_id=user_id, name=clean, query=filters.to_query(), created_at=_now()))

    def saved_views(self, user_id: int) -> list[tuple[int, str, str]]:
        with self._sessions() as session:
            views = session.scalars(
                select(SavedView).where(SavedView.user_id == user_id).order_by(SavedView.name)
            )
            return [(view.id, view.name, view.query) for view in views]

    def delete_view(self, user_id: int, view_id: int) -> None:
        with self._sessions.begin() as session:
            session.execute(delete(SavedView).where(SavedView.id == view_id, SavedView.user_id == user_id))

    # Missed identifiers

    def remove_missed_identifier(
        self, clinic: str, reflection_id: int, identifier: str, entity_type: str, actor: str
    ) -> int:
        """Replace an identifier the engine missed in every anonymized copy of this client's words (turns
        and answers), at once; keep it as a candidate case for the evaluation set. Returns how many texts
        changed."""
        words = " ".join(identifier.split())
        if not words:
            raise ReviewError("Type the words to remove, exactly as they appear.")
        if len(words) > MAX_IDENTIFIER_CHARS:
            raise ReviewError(f"At most {MAX_IDENTIFIER_CHARS} characters at a time.")
        if entity_type not in IDENTIFIER_TYPES:
            raise ReviewError("Choose what kind of identifier it is.")
        pattern = identifier_pattern(words)
        placeholder = f"<{entity_type}>"
        changed = 0
        context: str | None = None
        with self._sessions.begin() as session:
            reflection = self._require(session, clinic, reflection_id)
            client_id = reflection.client_id
            turns = session.scalars(
                select(TranscriptTurn).where(
                    TranscriptTurn.client_id == client_id, clinic_is(TranscriptTurn.clinic, clinic)
                )
            ).all()
            for turn in turns:
                if pattern.search(turn.text_anonymized):
                    context = context or turn.text_anonymized
                    turn.text_anonymized = pattern.sub(placeholder, turn.text_anonymized)
                    changed += 1
            answers = session.scalars(
                select(Answer)
                .join(Reflection)
                .where(Reflection.client_id == client_id, clinic_is(Reflection.clinic, clinic))
            ).all()
            for answer in answers:
                for column in ("value_anonymized", "raw_text_anonymized"):
                    text = getattr(answer, column)
                    if text and pattern.search(text):
                        context = context or text
                        setattr(answer, column, pattern.sub(placeholder, text))
                        changed += 1
            if changed == 0:
                raise ReviewError(
                    "Those words are not in this client's anonymized texts; check the spelling."
                )
            session.add(
                AnonymizationCandidate(
                    client_id=client_id,
                    clinic=reflection.clinic,
                    entity_type=entity_type,
                    identifier=words,
                    context=context or "",
                    created_by=actor,
                    created_at=_now(),
                )
            )
        return changed

    # Break-glass

    def request_raw_access(self, clinic: str, reflection_id: int, actor: str, reason: str) -> int:
        reason = reason.strip()
        if len(reason) < 10:
            raise ReviewError("Say why the raw words are needed (at least a short sentence).")
        with self._sessions.begin() as session:
            self._require(session, clinic, reflection_id)
            request = BreakGlassRequest(
                reflection_id=reflection_id,
                clinic=clinic,
                requested_by=actor,
                reason=reason[:MAX_NOTE_CHARS],
                requested_at=_now(),
            )
            session.add(request)
            session.flush()
            return request.id

    def raw_access_requests(self, clinic: str) -> list[BreakGlassView]:
        with self._sessions() as session:
            requests = session.scalars(
                select(BreakGlassRequest)
                .where(BreakGlassRequest.clinic == clinic)
                .order_by(BreakGlassRequest.requested_at.desc())
                .limit(100)
            )
            return [_break_glass_view(request) for request in requests]

    def approve_raw_access(self, clinic: str, request_id: int, approver: str) -> BreakGlassView:
        with self._sessions.begin() as session:
            request = session.scalars(
                select(BreakGlassRequest).where(
                    BreakGlassRequest.id == request_id, BreakGlassRequest.clinic == clinic
                )
            ).one_or_none()
            if request is None:
                raise ReviewError("There is no such request at this clinic.")
            if request.requested_by == approver:
                raise ReviewError("A second admin must approve: you cannot approve your own request.")
            if request.approved_by is not None:
                raise ReviewError("This request has already been approved.")
            now = _now()
            request.approved_by = approver
            request.approved_at = now
            request.expires_at = now + timedelta(minutes=BREAK_GLASS_MINUTES)
            return _break_glass_view(request)

    def raw_access_grant(self, clinic: str, reflection_id: int, actor: str) -> BreakGlassView | None:
        with self._sessions() as session:
            request = session.scalars(
                select(BreakGlassRequest)
                .where(
                    BreakGlassRequest.clinic == clinic,
                    BreakGlassRequest.reflection_id == reflection_id,
                    BreakGlassRequest.requested_by == actor,
                    BreakGlassRequest.expires_at > _now(),
                )
                .order_by(BreakGlassRequest.expires_at.desc())
                .limit(1)
            ).one_or_none()
            return _break_glass_view(request) if request else None

    def raw_words(self, clinic: str, reflection_id: int, actor: str) -> RawWords:
        """The raw answers and, while Rasa still keeps them, the raw messages: only under an approved
        grant."""
        if self.raw_access_grant(clinic, reflection_id, actor) is None:
            raise ReviewError("Raw words need a break-glass request approved by a second admin.")
        with self._sessions() as session:
            reflection = self._require(session, clinic, reflection_id)
            answers = [(answer.item, answer.value, answer.raw_text) for answer in reflection.answers]
            low, high = _window(session, reflection)
            turns = session.execute(
                select(TranscriptTurn.event_id, TranscriptTurn.speaker, TranscriptTurn.sent_at).where(
                    TranscriptTurn.client_id == reflection.client_id,
                    TranscriptTurn.sent_at >= low,
                    TranscriptTurn.sent_at < high,
                )
            ).all()
        raw_turns: list[tuple[str, str, datetime]] = []
        if self._tracker is not None and turns:
            by_id = {event_id: (speaker, sent_at) for event_id, speaker, sent_at in turns}
            with self._tracker.connect() as connection:
                if not inspect(connection).has_table("events"):
                    return RawWords(answers=answers, turns=[], events_kept=False)
                rows = connection.execute(
                    select(EVENTS.c.id, EVENTS.c.data).where(EVENTS.c.id.in_(list(by_id)))
                )
                for event_id, data in sorted(rows):
                    speaker, sent_at = by_id[event_id]
                    raw_turns.append((speaker, str(json.loads(data).get("text") or ""), sent_at))
        return RawWords(answers=answers, turns=raw_turns, events_kept=bool(raw_turns))


def _rows(session: Session, reflections: Sequence[Reflection]) -> list[ReviewRow]:
    ids = [reflection.id for reflection in reflections]
    if not ids:
        return []
    reviewed = set(session.scalars(select(ReviewMark.reflection_id).where(ReviewMark.reflection_id.in_(ids))))
    tags: dict[int, list[str]] = {}
    for reflection_id, tag in session.execute(
        select(ReflectionTag.reflection_id, ReflectionTag.tag)
        .where(ReflectionTag.reflection_id.in_(ids))
        .order_by(ReflectionTag.tag)
    ):
        tags.setdefault(reflection_id, []).append(tag)
    flags: dict[str, list[datetime]] = {}
    clients = {reflection.client_id for reflection in reflections}
    for client_id, created_at in session.execute(
        select(RiskFlag.client_id, RiskFlag.created_at).where(RiskFlag.client_id.in_(clients))
    ):
        flags.setdefault(client_id, []).append(created_at)
    flagged = {
        reflection.id
        for reflection in reflections
        if any(_during(reflection, moment) for moment in flags.get(reflection.client_id, []))
    }
    return [
        ReviewRow(
            id=reflection.id,
            client_id=reflection.client_id,
            mode=reflection.mode,
            status=reflection.status,
            started_at=reflection.started_at,
            updated_at=reflection.updated_at,
            completed_at=reflection.completed_at,
            next_steps=[step.code for step in reflection.next_steps],
            signal=alliance_signal(_answers_of(reflection)),
            crisis=reflection.id in flagged,
            reviewed=reflection.id in reviewed,
            tags=tags.get(reflection.id, []),
        )
        for reflection in reflections
    ]


def _answers_of(reflection: Reflection) -> dict[str, Any]:
    return {answer.item: answer.typed_value for answer in reflection.answers}


def _during(reflection: Reflection, moment: datetime) -> bool:
    """The moment falls while the reflection was open, give or take a margin (a flag "during" it)."""
    end = reflection.completed_at or reflection.updated_at
    return reflection.started_at - FLAG_MARGIN <= moment <= end + FLAG_MARGIN


def _window(session: Session, reflection: Reflection) -> tuple[datetime, datetime]:
    """The stretch of the client's conversation that belongs to this reflection: from a little before it
    opened until a little before their next reflection opened."""
    starts = list(
        session.scalars(
            select(Reflection.started_at)
            .where(Reflection.client_id == reflection.client_id)
            .order_by(Reflection.started_at)
        )
    )
    earliest = datetime(1970, 1, 1, tzinfo=timezone.utc)
    latest = datetime(9999, 1, 1, tzinfo=timezone.utc)
    position = starts.index(reflection.started_at)
    low = earliest if position == 0 else reflection.started_at - TRANSCRIPT_LEAD
    high = latest if position == len(starts) - 1 else starts[position + 1] - TRANSCRIPT_LEAD
    return low, max(high, low)


def _break_glass_view(request: BreakGlassRequest) -> BreakGlassView:
    return BreakGlassView(
        id=request.id,
        reflection_id=request.reflection_id,
        requested_by=request.requested_by,
        reason=request.reason,
        requested_at=request.requested_at,
        approved_by=request.approved_by,
        expires_at=request.expires_at,
    )


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _yes_no_text(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _now() -> datetime:
    return datetime.now(timezone.utc)
