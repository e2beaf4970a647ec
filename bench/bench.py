"""Benchmark: the answer parser and safety net in-process, then whole reflections through the running
assistant (Rasa + action server on PostgreSQL and the Redis lock store, as in production).

    .venv/bin/python -m bench.bench [--clients 8] [--rounds 3]

Reports p50/p95 latency and throughput, and the resident memory of the Rasa and action-server processes.
Targets: a chat turn p95 under 500 ms with 8 clients at once; parser and safety net p95 under 1 ms.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path

from reflection.answer_parsing import parse_answer
from reflection.safety import detect_risk
from tests.conversation.script import HAPPY_ANSWERS, UNHAPPY_ANSWERS
from tests.live import Assistant, new_sender, running_assistant

TURN_P95_TARGET_MS = 500.0
LIBRARY_P95_TARGET_MS = 1.0


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def report(name: str, samples_ms: list[float], seconds: float, target_ms: float) -> None:
    p50, p95 = percentile(samples_ms, 0.50), percentile(samples_ms, 0.95)
    verdict = "meets" if p95 <= target_ms else "MISSES"
    print(
        f"{name:<34} n={len(samples_ms):>6}  p50={p50:8.3f} ms  p95={p95:8.3f} ms  "
        f"throughput={len(samples_ms) / seconds:9.1f}/s  ({verdict} p95 target {target_ms:g} ms)"
    )


def time_calls(call: Callable[[str], object], inputs: list[str], repeat: int) -> tuple[list[float], float]:
    samples = []
    started = time.perf_counter()
    for _ in range(repeat):
        for text in inputs:
            before = time.perf_counter()
            call(text)
            samples.append((time.perf_counter() - before) * 1000)
    return samples, time.perf_counter() - started


def bench_library() -> None:
    answers = [text for _, text in UNHAPPY_ANSWERS + HAPPY_ANSWERS]
    samples, seconds = time_calls(lambda text: parse_answer("felt_heard", text), answers, 500)
    report("parse_answer (in-process)", samples, seconds, LIBRARY_P95_TARGET_MS)
    messages = answers + ["2, she never listens and honestly I want to die", "this worksheet is killing me"]
    samples, seconds = time_calls(detect_risk, messages, 500)
    report("detect_risk (in-process)", samples, seconds, LIBRARY_P95_TARGET_MS)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def one_reflection(assistant: Assistant, answers: list[tuple[str, str]], samples: list[float]) -> None:
    sender = new_sender()
    for text in [
        "hi, I'd like to think about how my therapy is going",
        "yes",
        *(t for _, t in answers),
        "yes",
    ]:
        before = time.perf_counter()
        assistant.say(sender, text)
        samples.append((time.perf_counter() - before) * 1000)


def bench_conversations(clients: int, rounds: int) -> None:
    with running_assistant() as assistant:
        one_reflection(assistant, HAPPY_ANSWERS, [])  # warm up the model and the connections
        samples: list[float] = []
        lock = threading.Lock()

        def client(index: int) -> None:
            mine: list[float] = []
            for round_ in range(rounds):
                script = UNHAPPY_ANSWERS if (index + round_) % 2 else HAPPY_ANSWERS
                one_reflection(assistant, script, mine)
            with lock:
                samples.extend(mine)

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        report(f"chat turn, {clients} clients at once", samples, seconds, TURN_P95_TARGET_MS)
        reflections = clients * rounds
        print(
            f"{'whole reflections':<34} n={reflections:>6}  {reflections / seconds:.2f} reflections/s, "
            f"mean turn {statistics.mean(samples):.1f} ms"
        )
        for name, pid in assistant.process_ids.items():
            print(f"{'resident memory, ' + name:<34} {rss_mb(pid):8.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--library-only", action="store_true")
    args = parser.parse_args()
    bench_library()
    if not args.library_only:
        bench_conversations(args.clients, args.rounds)


if __name__ == "__main__":
    main()
