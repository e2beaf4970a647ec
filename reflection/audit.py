"""The append-only audit log: sign-ins, every conversation viewed, every export, every change.

Entries name the staff member, their clinic, the action and its target (a reflection or account id), never
a client's words. The database refuses UPDATE and DELETE on the table (triggers, migration 0004); this
module has no way to change an entry either."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, TextIO

from sqlalchemy import Engine, select
from sqlalchemy.orm import sessionmaker

from reflection.export import csv_safe
from reflection.storage.models import AuditEntry

CLI_ACTOR = "cli"
PAGE_SIZE = 200


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    clinic: str | None
    actor: str
    action: str
    target: str | None
    detail: dict[str, Any]


class AuditLog:
    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def record(
        self,
        actor: str,
        action: str,
        *,
        clinic: str | None = None,
        target: str | None = None,
        **detail: Any,
    ) -> None:
        with self._sessions.begin() as session:
            session.add(
                AuditEntry(
                    at=datetime.now(timezone.utc),
                    clinic=clinic,
                    actor=actor[:64],
                    action=action[:64],
                    target=target[:200] if target else None,
                    detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
                    if detail
                    else None,
                )
            )

    def entries(
        self, clinic: str | None, *, before_id: int | None = None, limit: int = PAGE_SIZE
    ) -> list[AuditRecord]:
        """The newest entries of a clinic (None: every clinic, for the CLI), newest first."""
        with self._sessions() as session:
            query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
            if clinic is not None:
                query = query.where(AuditEntry.clinic == clinic)
            if before_id is not None:
                query = query.where(AuditEntry.id < before_id)
            return [_record(entry) for entry in session.scalars(query)]

    def iter_all(self, clinic: str | None) -> Iterator[AuditRecord]:
        before: int | None = None
        while True:
            page = self.entries(clinic, before_id=before, limit=PAGE_SIZE)
            yield from page
            if len(page) < PAGE_SIZE:
                return
            before = page[-1].id


def write_audit_csv(records: Iterable[AuditRecord], output: TextIO) -> int:
    writer = csv.writer(output)
    writer.writerow(["id", "at", "clinic", "actor", "action", "target", "detail"])
    count = 0
    for record in records:
        row = [
            record.id,
            record.at.isoformat(),
            record.clinic,
            record.actor,
            record.action,
            record.target,
            json.dumps(record.detail, ensure_ascii=False, sort_keys=True) if record.detail else "",
        ]
        writer.writerow([csv_safe(cell) for cell in row])
        count += 1
    return count


def _record(entry: AuditEntry) -> AuditRecord:
    return AuditRecord(
        id=entry.id,
        at=entry.at,
        clinic=entry.clinic,
        actor=entry.actor,
        action=entry.action,
        target=entry.target,
        detail=json.loads(entry.detail) if entry.detail else {},
    )
