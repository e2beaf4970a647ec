"""The answer parser and the safety net in-process: p50/p95 per message (target: p95 under 1 ms)."""

from __future__ import annotations

import time
from collections.abc import Callable

from bench.conversation import answers
from reflection.answer_parsing import parse_answer
from reflection.items import load_item_bank
from reflection.safety import detect_risk

LIBRARY_P95_TARGET_MS = 1.0
REPEAT = 200


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(name: str, samples_ms: list[float], seconds: float) -> None:
    p50, p95 = percentile(samples_ms, 0.50), percentile(samples_ms, 0.95)
    verdict = "meets" if p95 <= LIBRARY_P95_TARGET_MS else "MISSES"
    print(
        f"{name:<28} n={len(samples_ms):>6}  p50={p50:7.3f} ms  p95={p95:7.3f} ms  "
        f"{len(samples_ms) / seconds:9.0f}/s  ({verdict} p95 target {LIBRARY_P95_TARGET_MS:g} ms)"
    )


def time_calls(call: Callable[[str], object], inputs: list[tuple[str, str]]) -> tuple[list[float], float]:
    samples = []
    started = time.perf_counter()
    for _ in range(REPEAT):
        for slot, text in inputs:
            before = time.perf_counter()
            call(slot, text)  # type: ignore[call-arg]
            samples.append((time.perf_counter() - before) * 1000)
    return samples, time.perf_counter() - started


def bench_library() -> None:
    said = [
        (slot, text) for slot, texts in answers().items() if slot in load_item_bank().slots for text in texts
    ]
    samples, seconds = time_calls(parse_answer, said)  # type: ignore[arg-type]
    report("parse_answer (in-process)", samples, seconds)
    messages = [
        *said,
        ("", "2, she never listens and honestly I want to die"),
        ("", "this worksheet is killing me"),
    ]
    samples, seconds = time_calls(lambda _slot, text: detect_risk(text), messages)  # type: ignore[arg-type,misc]
    report("detect_risk (in-process)", samples, seconds)
