"""SQLAlchemy ORM models: reflections, their answers and next steps, risk flags and escalation attempts."""

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

CLIENT_ID_LENGTH = 64
CLINIC_LENGTH = 100
ITEM_LENGTH = 64
NEXT_STEP_CODE_LENGTH = 64
ERROR_LENGTH = 200


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
