"""SQLAlchemy ORM models: reflections, their answers and next steps, risk flags and escalation attempts;
the anonymized transcript and the staff console's accounts, sessions, audit log and review workflow."""

from datetime import datetime, timezone

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

MODES = ("self", "clinic_intake")
STATUSES = ("in_progress", "partial", "complete")
OPEN_STATUSES = ("in_progress", "partial")
RISK_CATEGORIES = ("self_harm", "abuse", "medical_emergency", "harm_to_others")
# A flag is delivered to its clinic's webhook when the clinic has one; undelivered flags wait in the table.
DELIVERY_STATES = ("not_needed", "pending", "delivered", "failed")
VALUE_TYPES = ("int", "str")
SPEAKERS = ("client", "assistant")
STAFF_ROLES = ("reviewer", "admin")

CLIENT_ID_LENGTH = 64
CLINIC_LENGTH = 100
ITEM_LENGTH = 64
NEXT_STEP_CODE_LENGTH = 64
ERROR_LENGTH = 200
USERNAME_LENGTH = 64
TAG_LENGTH = 40
ENTITY_TYPE_LENGTH = 32


def _sql_in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


# Shared by the partial unique index on both dialects and by ON CONFLICT targets, which must repeat it.
OPEN_STATUS_SQL = _sql_in("status", OPEN_STATUSES)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no offset, so we store UTC there)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Naive datetime given; use an aware UTC datetime.")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {datetime: UtcDateTime}


class Reflection(Base):
    __tablename__ = "reflections"
    __table_args__ = (
        CheckConstraint(_sql_in("mode", MODES), name="mode"),
        CheckConstraint(_sql_in("status", STATUSES), name="status"),
        CheckConstraint("consent = true", name="consent"),
        # At most one open reflection per client; a partial index works on SQLite and PostgreSQL alike.
        Index(
            "uq_reflections_open_client_id",
            "client_id",
            unique=True,
            sqlite_where=text(OPEN_STATUS_SQL),
            postgresql_where=text(OPEN_STATUS_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(CLIENT_ID_LENGTH), index=True)
    clinic: Mapped[str | None] = mapped_column(String(CLINIC_LENGTH))
    mode: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    consent: Mapped[bool] = mapped_column(default=True)
    # Set by the completion that closed it, so a repeated completion (a replayed write) changes nothing.
    completion_key: Mapped[str | None] = mapped_column(String(36), unique=True)

    answers: Mapped[list["Answer"]] = relationship(
        back_populates="reflection", cascade="all, delete-orphan", passive_deletes=True, order_by="Answer.id"
    )
    next_steps: Mapped[list["NextStep"]] = relationship(
        back_populates="reflection",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="NextStep.position",
    )


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("reflection_id", "item"),
        CheckConstraint(_sql_in("value_type", VALUE_TYPES), name="value_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reflection_id: Mapped[int] = mapped_column(ForeignKey("reflections.id", ondelete="CASCADE"))
    item: Mapped[str] = mapped_column(String(ITEM_LENGTH))
    value: Mapped[str] = mapped_column(Text)
    value_type: Mapped[str] = mapped_column(String(8))
    raw_text: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime]
    # The copies staff and exports see: identifiers replaced by placeholders (reflection/ingest.py fills them
    # after the reply). Null until then, and again whenever the answer changes.
    value_anonymized: Mapped[str | None] = mapped_column(Text)
    raw_text_anonymized: Mapped[str | None] = mapped_column(Text)
    anonymized_at: Mapped[datetime | None] = mapped_column(index=True)

    reflection: Mapped[Reflection] = relationship(back_populates="answers")

    @property
    def typed_value(self) -> int | str:
        return int(self.value) if self.value_type == "int" else self.value


class NextStep(Base):
    __tablename__ = "next_steps"
    __table_args__ = (
        UniqueConstraint("reflection_id", "code"),
        UniqueConstraint("reflection_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reflection_id: Mapped[int] = mapped_column(ForeignKey("reflections.id", ondelete="CASCADE"))
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(NEXT_STEP_CODE_LENGTH))

    reflection: Mapped[Reflection] = relationship(back_populates="next_steps")


class RiskFlag(Base):
    """That a risk was disclosed, never what was said. Without consent, not even who (client_id is null)."""

    __tablename__ = "risk_flags"
    __table_args__ = (
        CheckConstraint(_sql_in("category", RISK_CATEGORIES), name="category"),
        CheckConstraint(_sql_in("delivery", DELIVERY_STATES), name="delivery"),
        Index("ix_risk_flags_delivery_next_attempt_at", "delivery", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The id receivers see and drop duplicates by: random, so it is never reused after an erase.
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    client_id: Mapped[str | None] = mapped_column(String(CLIENT_ID_LENGTH), index=True)
    clinic: Mapped[str | None] = mapped_column(String(CLINIC_LENGTH))
    category: Mapped[str] = mapped_column(String(32))
    minor: Mapped[bool]
    created_at: Mapped[datetime]
    delivery: Mapped[str] = mapped_column(String(16), default="not_needed", server_default="not_needed")
    next_attempt_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")

    delivery_attempts: Mapped[list["EscalationAttempt"]] = relationship(
        back_populates="flag", cascade="all, delete-orphan", passive_deletes=True
    )


class EscalationAttempt(Base):
    __tablename__ = "escalation_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("risk_flags.id", ondelete="CASCADE"), index=True)
    attempt: Mapped[int]
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(ERROR_LENGTH))
    attempted_at: Mapped[datetime]
    succeeded: Mapped[bool]

    flag: Mapped[RiskFlag] = relationship(back_populates="delivery_attempts")


class TranscriptTurn(Base):
    """One message of a consented conversation, anonymized, copied from Rasa's tracker store."""

    __tablename__ = "transcript_turns"
    __table_args__ = (
        UniqueConstraint("client_id", "event_id"),
        CheckConstraint(_sql_in("speaker", SPEAKERS), name="speaker"),
        Index("ix_transcript_turns_client_id_sent_at", "client_id", "sent_at"),
        Index("ix_transcript_turns_clinic_sent_at", "clinic", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(CLIENT_ID_LENGTH))
    clinic: Mapped[str | None] = mapped_column(String(CLINIC_LENGTH))
    # The tracker store's event id: makes a repeated ingest a no-op and finds the raw event for break-glass.
    event_id: Mapped[int]
    speaker: Mapped[str] = mapped_column(String(16))
    intent: Mapped[str | None] = mapped_column(String(ITEM_LENGTH))
    text_anonymized: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime]
    ingested_at: Mapped[datetime]


class IngestState(Base):
    """Per client: how far their conversation has been ingested, the slot values that decide what is ingested
    (consent, clinic), and when their data was last erased (older events are never ingested again)."""

    __tablename__ = "ingest_state"

    client_id: Mapped[str] = mapped_column(String(CLIENT_ID_LENGTH), primary_key=True)
    last_event_id: Mapped[int] = mapped_column(default=0, server_default="0")
    consent: Mapped[bool | None]
    clinic: Mapped[str | None] = mapped_column(String(CLINIC_LENGTH))
    erased_before: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class StaffUser(Base):
    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint(_sql_in("role", STAFF_ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(USERNAME_LENGTH), unique=True)
    clinic: Mapped[str] = mapped_column(String(CLINIC_LENGTH), index=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]


class StaffSession(Base):
    """A signed-in browser: only the token's hash is stored; idle sessions end (reflection/staff.py)."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class LoginFailure(Base):
    """A failed sign-in, by hashed username and address, for rate limiting; old rows are deleted."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    username_key: Mapped[str] = mapped_column(String(64), index=True)
    address_key: Mapped[str] = mapped_column(String(64), index=True)
    failed_at: Mapped[datetime] = mapped_column(index=True)


class AuditEntry(Base):
    """Append-only (database triggers refuse UPDATE and DELETE): who did what, never a client's words."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_clinic_at", "clinic", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    clinic: Mapped[str | None] = mapped_column(String(CLINIC_LENGTH))
    actor: Mapped[str] = mapped_column(String(USERNAME_LENGTH))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)


class ReviewMark(Base):
    __tablename__ = "review_marks"

    reflection_id: Mapped[int] = mapped_column(
        ForeignKey("reflections.id", ondelete="CASCADE"), primary_key=True
    )
    reviewed_by: Mapped[str] = mapped_column(String(USERNAME_LENGTH))
    reviewed_at: Mapped[datetime]


class ReflectionTag(Base):
    __tablename__ = "reflection_tags"
    __table_args__ = (UniqueConstraint("reflection_id", "tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reflection_id: Mapped[int] = mapped_column(ForeignKey("reflections.id", ondelete="CASCADE"), index=True)
    tag: Mapped[str] = mapped_column(String(TAG_LENGTH))
    created_by: Mapped[str] = mapped_column(String(USERNAME_LENGTH))
    created_at: Mapped[datetime]


class ReviewNote(Base):
    __tablename__ = "review_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    reflection_id: Mapped[int] = mapped_column(ForeignKey("reflections.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(USERNAME_LENGTH))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class SavedView(Base):
    __tablename__ = "saved_views"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    query: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime]


class BreakGlassRequest(Base):
    """A request to see one reflection's raw words: needs a second admin's approval, and expires."""

    __tablename__ = "break_glass_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    reflection_id: Mapped[int] = mapped_column(ForeignKey("reflections.id", ondelete="CASCADE"), index=True)
    clinic: Mapped[str] = mapped_column(String(CLINIC_LENGTH))
    requested_by: Mapped[str] = mapped_column(String(USERNAME_LENGTH))
    reason: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime]
    approved_by: Mapped[str | None] = mapped_column(String(USERNAME_LENGTH))
    approved_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]


class AnonymizationCandidate(Base):
    """An identifier a reviewer found in an anonymized copy: a case for the evaluation set. Tied to the
    client so that "delete my data" erases it; exported only with the identifier replaced."""

    __tablename__ = "anonymization_candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(CLIENT_ID_LENGTH), index=True)
    clinic: Mapped[str | None] = mapped_column(String(CLINIC_LENGTH))
    entity_type: Mapped[str] = mapped_column(String(ENTITY_TYPE_LENGTH))
    identifier: Mapped[str] = mapped_column(Text)
    context: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(USERNAME_LENGTH))
    created_at: Mapped[datetime]
