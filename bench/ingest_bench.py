"""Benchmark: anonymization at ingest, as the web app's worker runs it.

    .venv/bin/python -m bench.ingest_bench [--conversations 200] [--turns 10] [--backend sqlite|postgresql]

Builds a tracker store with consented conversations whose messages are joined from the anonymization tuning
split (names, places, numbers, therapy words), then runs one ingest pass with the real engine and reports
the model's load time, throughput (texts and characters per second) and the process's resident memory
before the model, after loading it and at the end of the pass (the anonymizer's share of the web app)."""

from __future__ import annotations

import argparse
import random
import resource
import secrets
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from reflection.anonymize.evaluation import load_split
from reflection.ingest import Ingestor
from reflection.storage.database import make_engine, upgrade
from reflection.storage.repository import ReflectionStore
from tests.tracker_events import TrackerDatabase, bot, session_started, slot, user

TUNING_SPLIT = Path(__file__).resolve().parent.parent / "tests" / "anonymization" / "tuning.yml"
POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument(
        "--turns", type=int, default=10, help="client messages per conversation (each answered)"
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    arguments = parser.parse_args()

    sentences = [example.text for example in load_split(TUNING_SPLIT)]
    chooser = random.Random(3)
    folder = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    database_url = f"sqlite:///{folder / 'reflection.db'}"
    database = None
    if arguments.backend == "postgresql":
        database = f"ingest_bench_{secrets.token_hex(4)}"
        admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        database_url = POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{database}"
    try:
        upgrade(database_url)
        tracker = TrackerDatabase(f"sqlite:///{folder / 'tracker.db'}")
        store = ReflectionStore.from_url(database_url)
        for number in range(arguments.conversations):
            sender = f"bench-{number}"
            tracker.save(sender, [session_started(), slot("clinic_id", "north"), slot("consent", True)])
            for _ in range(arguments.turns):
                tracker.save(sender, [user(chooser.choice(sentences)), bot("Thank you for telling me that.")])
            store.record_answer(
                f"client-{number}", "hopes", chooser.choice(sentences), chooser.choice(sentences)
            )
        store.close()

        before = resident_mb()
        started = time.perf_counter()
        from reflection.anonymize import get_anonymizer

        anonymizer = get_anonymizer()
        load_seconds = time.perf_counter() - started
        loaded = resident_mb()
        engine = make_engine(database_url)
        ingestor = Ingestor(
            engine, tracker.engine, anonymizer.anonymize_many, "bench-secret-of-enough-length"
        )
        report = ingestor.run_once()
        after = resident_mb()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        again = ingestor.run_once()
        engine.dispose()
        tracker.close()
    finally:
        if database is not None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            admin.dispose()
    print(f"answers database: {arguments.backend}; tracker store: sqlite")
    print(f"model and data load: {load_seconds:.1f} s")
    rate = report.texts / report.seconds
    characters = report.characters / report.seconds / 1000
    print(
        f"one pass: {report.turns} turns from {report.conversations} conversations and {report.answers} "
        f"answers; {report.texts} texts ({report.characters / 1000:.0f} k chars) in {report.seconds:.1f} s = "
        f"{rate:.0f} texts/s, {characters:.1f} k chars/s"
    )
    print(f"a second pass (nothing new): {again.seconds * 1000:.0f} ms, {again.texts} texts")
    print(
        f"resident memory: {before:.0f} MB before the model, {loaded:.0f} MB loaded "
        f"(+{loaded - before:.0f} MB), {after:.0f} MB after the pass; peak {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
