"""What the console's pages use, built once per process from the settings: the answers database (staff,
audit, review), Rasa's tracker store (break-glass only) and, unless INGEST_WORKER is off, the background
ingest worker."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import Engine

from reflection.audit import AuditLog
from reflection.clinics import Clinic, load_clinics
from reflection.ingest import IngestWorker, background_ingest
from reflection.review import ReviewDesk
from reflection.settings import Settings, settings
from reflection.staff import StaffDirectory
from reflection.storage.database import make_engine

logger = logging.getLogger(__name__)


@dataclass
class ConsoleServices:
    database_url: str
    tracker_db_url: str
    _engines: list[Engine] = field(default_factory=list)

    @classmethod
    def from_settings(cls, current: Settings | None = None) -> ConsoleServices:
        current = current or settings()
        return cls(database_url=current.database_url, tracker_db_url=current.tracker_db_url)

    @cached_property
    def engine(self) -> Engine:
        engine = make_engine(self.database_url)
        self._engines.append(engine)
        return engine

    @cached_property
    def tracker_engine(self) -> Engine:
        engine = make_engine(self.tracker_db_url)
        self._engines.append(engine)
        return engine

    @cached_property
    def staff(self) -> StaffDirectory:
        return StaffDirectory(self.engine)

    @cached_property
    def audit(self) -> AuditLog:
        return AuditLog(self.engine)

    @cached_property
    def review(self) -> ReviewDesk:
        return ReviewDesk(self.engine, self.tracker_engine)

    def clinic(self, clinic_id: str) -> Clinic | None:
        return load_clinics().get(clinic_id)

    def close(self) -> None:
        for engine in self._engines:
            engine.dispose()


_services: ConsoleServices | None = None


def get_services() -> ConsoleServices:
    """The process's services (a FastAPI dependency; tests override it)."""
    global _services
    if _services is None:
        _services = ConsoleServices.from_settings()
    return _services


def start_ingest_worker(services: ConsoleServices) -> IngestWorker | None:
    """Anonymize in the background, unless INGEST_WORKER is off (the production shape runs one ingest process
    instead, `reflect ingest --watch`, so that no web worker loads Presidio and spaCy)."""
    current = settings()
    if not current.ingest_worker:
        return None
    if len(current.pseudonym_secret) < 16:
        logger.error(
            "The ingest worker is off: PSEUDONYM_SECRET is missing (run `make run` once to create .env)."
        )
        return None
    worker = background_ingest(services.engine, services.tracker_engine, current.pseudonym_secret)
    worker.start()
    return worker


@asynccontextmanager
async def console_lifespan(_: Any) -> AsyncIterator[None]:
    """Runs with the web app: the ingest worker starts with it and stops with it."""
    worker = start_ingest_worker(get_services())
    yield
    if worker is not None:
        worker.stop()
