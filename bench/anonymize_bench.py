"""Benchmark: de-identification speed, one message at a time (a chat turn) and in batches (a backfill).

    .venv/bin/python -m bench.anonymize_bench [--messages 300] [--batch 2000]

Reports the model load time, p50/p95 latency for single messages of about 200 characters after loading,
and batch throughput through spaCy's nlp.pipe. The messages are built from the tuning split's sentences,
so they look like clients' chat (names, clinics, numbers, therapy words).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from reflection.anonymize import Anonymizer
from reflection.anonymize.evaluation import load_split

TUNING_SPLIT = Path(__file__).resolve().parent.parent / "tests" / "anonymization" / "tuning.yml"
MESSAGE_CHARS = 200


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def messages(count: int, seed: int = 7) -> list[str]:
    """Messages of about 200 characters, joined from the tuning split's texts."""
    sentences = [example.text for example in load_split(TUNING_SPLIT)]
    chooser = random.Random(seed)
    built = []
    for _ in range(count):
        parts: list[str] = []
        while sum(len(part) + 1 for part in parts) < MESSAGE_CHARS:
            parts.append(chooser.choice(sentences))
        built.append(" ".join(parts)[:MESSAGE_CHARS])
    return built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300, help="single messages timed (default 300)")
    parser.add_argument("--batch", type=int, default=2000, help="messages in the batch run (default 2000)")
    arguments = parser.parse_args()

    started = time.perf_counter()
    anonymizer = Anonymizer()
    load_seconds = time.perf_counter() - started
    print(f"model and data load: {load_seconds:.2f} s")

    singles = messages(arguments.messages)
    for text in singles[:10]:
        anonymizer.anonymize(text)  # warm-up
    samples = []
    for text in singles:
        started = time.perf_counter()
        anonymizer.anonymize(text)
        samples.append((time.perf_counter() - started) * 1000)
    print(
        f"single message ({MESSAGE_CHARS} chars): n={len(samples)}  p50={percentile(samples, 0.5):.1f} ms  "
        f"p95={percentile(samples, 0.95):.1f} ms  mean={statistics.mean(samples):.1f} ms"
    )

    batch = messages(arguments.batch, seed=11)
    started = time.perf_counter()
    anonymizer.anonymize_many(batch)
    seconds = time.perf_counter() - started
    characters = sum(len(text) for text in batch)
    print(
        f"batch (anonymize_many, nlp.pipe): {len(batch)} messages in {seconds:.1f} s = "
        f"{len(batch) / seconds:.0f} messages/s, {characters / seconds / 1000:.1f} k chars/s"
    )


if __name__ == "__main__":
    main()
