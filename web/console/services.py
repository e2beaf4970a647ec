"""What the console's pages use, built once per process from the settings: the answers database (staff,
audit, review), Rasa's tracker store (break-glass only) and the background ingest worker."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import Engine

from reflection.audit import AuditLog
from reflection.clinics import Clinic, load_clinics
from reflection.ingest import Ingestor, IngestWorker
from reflection.retention import purge_past_retention
from reflection.review import ReviewDesk
from reflection.settings import Settings, settings
from reflection.staff import StaffDirectory
from reflection.storage.database import ensure_schema_is_current, make_engine

logger = logging.getLogger(__name__)
RETENTION_EVERY_SECONDS = 3600.0


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
    """Anonymize in the background: the spaCy model is loaded once, in the worker's thread."""
    current = settings()
    if not current.ingest_worker:
        return None
    if len(current.pseudonym_secret) < 16:
        logger.error(
            "The ingest worker is off: PSEUDONYM_SECRET is missing (run `make run` once to create .env)."
        )
        return None
    last_retention = 0.0

    def make_ingestor() -> Ingestor:
        ensure_schema_is_current(services.engine)
        from reflection.anonymize import get_anonymizer  # seconds to load: only in the worker's thread

        return Ingestor(
            services.engine,
            services.tracker_engine,
            get_anonymizer().anonymize_many,
            current.pseudonym_secret,
        )

    def after_pass() -> None:
        nonlocal last_retention
        if time.time() - last_retention < RETENTION_EVERY_SECONDS:
            return
        last_retention = time.time()
        report = purge_past_retention(
            services.engine, services.tracker_engine, load_clinics(), current.pseudonym_secret
        )
        removed = sum(report.events_removed.values()) + sum(report.answers_trimmed.values())
        if removed:
            logger.info("Retention: %s", " ".join(report.lines()))

    worker = IngestWorker(make_ingestor, after_pass=after_pass)
    worker.start()
    return worker


@asynccontextmanager
async def console_lifespan(_: Any) -> AsyncIterator[None]:
    """Runs with the web app: the ingest worker starts with it and stops with it."""
    worker = start_ingest_worker(get_services())
    yield
    if worker is not None:
        worker.stop()
