"""The production shape (deploy/stack.py) anonymizes in one ingest process of its own: none of its web
workers loads the anonymizer (Presidio and spaCy, about 450 MB each), and a consented conversation still
gets its anonymized copy, made by the ingest process.

Which process holds spaCy is read from /proc/<pid>/maps: spaCy and its helpers (thinc, cymem, preshed)
are compiled modules, mapped into every process that imports them.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from deploy.procs import descendants
from deploy.services import fresh_databases, private_redis
from deploy.stack import DEFAULT_MODEL, Stack, StackConfig, running_stack
from reflection.pseudonym import pseudonymize
from reflection.storage.database import make_engine
from reflection.storage.models import TranscriptTurn

SPACY_MODULES = ("/spacy/", "/thinc/", "/presidio_analyzer/")
EMAIL = "sam.jones@example.com"
INGEST_SECONDS = 120  # the first pass loads spaCy (seconds, more on a busy machine)


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    if not DEFAULT_MODEL.exists():
        pytest.fail("No trained model: run `make train` (make test does it for you).")
    with (
        fresh_databases(prefix="ingestproc") as databases,
        private_redis() as redis,
        tempfile.TemporaryDirectory(prefix="ingestproc-") as scratch,
    ):
        config = StackConfig(
            database_url=databases.database_url,
            tracker_db_url=databases.tracker_db_url,
            redis_port=redis.port,
            log_dir=Path(scratch) / "logs",
            outbox_dir=Path(scratch) / "outbox",
            rasa_workers=1,
            action_workers=1,
            web_workers=2,
        )
        with running_stack(config) as running:
            yield running


def holds_spacy(pid: int) -> bool:
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False
    return any(module in maps for module in SPACY_MODULES)


def say(stack: Stack, sender: str, text: str) -> None:
    response = httpx.post(
        f"{stack.config.url('rasa')}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        timeout=60,
    )
    response.raise_for_status()


def test_consented_words_are_anonymized_by_the_ingest_process_and_no_web_worker_loads_spacy(
    stack: Stack,
) -> None:
    sender = f"client-{uuid.uuid4().hex}"
    for text in ("hi", "yes", f"about six sessions, write to me at {EMAIL}"):
        say(stack, sender, text)
    client_id = pseudonymize(sender, stack.config.secrets["PSEUDONYM_SECRET"])
    engine = make_engine(stack.config.database_url)
    try:
        deadline = time.monotonic() + INGEST_SECONDS
        while True:
            with engine.connect() as connection:
                copies = connection.scalars(
                    select(TranscriptTurn.text_anonymized).where(TranscriptTurn.client_id == client_id)
                ).all()
            if any("<EMAIL_ADDRESS>" in copy for copy in copies) or time.monotonic() > deadline:
                break
            time.sleep(1)
    finally:
        engine.dispose()

    assert any("<EMAIL_ADDRESS>" in copy for copy in copies), (copies, stack.tail("ingest"))
    assert not any(EMAIL in copy for copy in copies)
    assert holds_spacy(stack.processes["ingest"].pid)  # the ingest process did load it

    web = descendants(stack.processes["web"].pid)
    assert len(web) >= 3  # uvicorn's supervisor and its 2 workers
    assert not any(holds_spacy(pid) for pid in web)


def test_the_shape_decides_who_anonymizes(tmp_path: Path) -> None:
    def config(**options: bool) -> StackConfig:
        return StackConfig(
            database_url="postgresql://answers",
            tracker_db_url="postgresql://tracker",
            redis_port=6379,
            log_dir=tmp_path,
            outbox_dir=tmp_path,
            **options,
        )

    production = config()
    assert production.servers() == ("actions", "rasa", "web", "ingest")
    assert production.environment()["INGEST_WORKER"] == "false"
    embedded = config(ingest_process=False)  # the old shape, kept to measure against
    assert embedded.servers() == ("actions", "rasa", "web")
    assert embedded.environment()["INGEST_WORKER"] == "true"
    assert config(with_web=False).servers() == ("actions", "rasa")
    assert Stack(production).command("ingest")[0][-3:] == ["reflection.cli", "ingest", "--watch"]
