"""Run by Rasa's interpreter (.venv-rasa) from test_tracker_store_cache.py: several processes start the
project's tracker store on one new database at the same moment, as Rasa's workers or replicas do on a first
start. Prints ``ok <n>`` for each that started, ``failed <n> <error>`` for each that did not."""

from __future__ import annotations

import multiprocessing
import sys

from rasa.shared.core.domain import Domain

from components.tracker_store import ErasingSQLTrackerStore

URL = sys.argv[1]
STARTERS = 4


def start(number: int, barrier: multiprocessing.synchronize.Barrier, results: multiprocessing.Queue) -> None:
    domain = Domain.load("domain.yml")
    barrier.wait()
    try:
        ErasingSQLTrackerStore(domain, host=URL, sweep=False)
    except Exception as error:  # noqa: BLE001  (reported, not hidden: the test fails on it)
        results.put(f"failed {number} {type(error).__name__}: {str(error).splitlines()[0]}")
    else:
        results.put(f"ok {number}")


if __name__ == "__main__":
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(STARTERS), context.Queue()
    starters = [context.Process(target=start, args=(n, barrier, results)) for n in range(STARTERS)]
    for process in starters:
        process.start()
    for _ in starters:
        print(results.get(timeout=300), flush=True)
    for process in starters:
        process.join()
