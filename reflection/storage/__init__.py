"""Storage for reflections, risk flags and escalation attempts (SQLite or PostgreSQL via SQLAlchemy 2)."""

from reflection.storage.database import (
    DatabaseUnavailableError,
    InvalidDatabaseUrlError,
    SchemaNotReadyError,
    StorageError,
    make_engine,
    upgrade,
)
from reflection.storage.repository import (
    AnswerRecord,
    EscalationAttemptRecord,
    NoReflectionError,
    ReflectionRecord,
    ReflectionStore,
    RiskFlagRecord,
)

__all__ = [
    "AnswerRecord",
    "DatabaseUnavailableError",
    "EscalationAttemptRecord",
    "InvalidDatabaseUrlError",
    "NoReflectionError",
    "ReflectionRecord",
    "ReflectionStore",
    "RiskFlagRecord",
    "SchemaNotReadyError",
    "StorageError",
    "make_engine",
    "upgrade",
]
