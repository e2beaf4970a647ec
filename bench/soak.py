"""`make load`: 50 clients for 2 minutes through the production shape, then the database is checked.

    .venv/bin/python -m bench.soak [--clients 50] [--seconds 120] [--channel rest|socketio|both]

Every client holds whole reflections, consenting and answering whatever it is asked. Afterwards each
client's stored answers must equal the answers it gave, word for word: none lost, none changed, none
duplicated (one reflection per client, one row per question). Exits 1 on any error or difference.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from bench.clients import Channel, RestChannel, SocketChannel
from bench.load import LevelResult, run_level, tracker_lookup
from deploy.services import fresh_databases, private_redis
from deploy.stack import ROOT, StackConfig, running_stack
from reflection.pseudonym import pseudonymize
from reflection.storage.repository import ReflectionRecord, ReflectionStore

OUTBOX_GRACE_SECONDS = 30


def tracker_slots(config: StackConfig, senders: list[str]) -> dict[str, dict[str, object]]:
    """Each conversation's slots, read through Rasa's API after the load."""
    found = {}
    with httpx.Client(timeout=60) as http:
        for sender in senders:
            response = http.get(
                f"{config.url('rasa')}/conversations/{sender}/tracker",
                params={"token": config.secrets["RASA_TOKEN"]},
            )
            response.raise_for_status()
            found[sender] = response.json()["slots"]
    return found


def expected_answers(given: dict[str, str], slots: dict[str, object]) -> dict[str, str]:
    """The rows a client's answers must leave: one per question answered with a value, holding the words
    exactly as typed (the tracker's slots tell which questions got a value; a skip leaves none)."""
    return {slot: words for slot, words in given.items() if slots.get(slot) is not None}


def differences(
    stored: dict[str, str], given: dict[str, str], sent: list[str], slots: dict[str, object]
) -> list[str]:
    """What is wrong with one client's stored answers (item -> raw text), or nothing.

    * lost: a question answered with a value that has no row;
    * changed: a row for a question the client answered that does not hold the words it answered with;
    * invented: a row for a question never asked (read from another message, as the form may) whose
      words are not any message the client sent."""
    problems = [
        f"lost {slot} ({words!r})"
        for slot, words in expected_answers(given, slots).items()
        if slot not in stored
    ]
    for slot, words in stored.items():
        if slot in given and words != given[slot]:
            problems.append(f"changed {slot}: stored {words!r}, answered {given[slot]!r}")
        elif slot not in given and words not in sent:
            problems.append(f"invented {slot}: stored {words!r}, never said")
    return problems


def check_stored(
    result: LevelResult, database_url: str, secret: str, slots_of: Callable[[str], dict[str, object]]
) -> list[str]:
    """Differences between what the clients said and what the database holds (empty when none)."""
    problems = []
    store = ReflectionStore.from_url(database_url)
    try:
        by_client: dict[str, list[ReflectionRecord]] = {}
        for record in store.iter_reflections():
            by_client.setdefault(record.client_id, []).append(record)
        for sender, given in result.given.items():
            if not given:
                continue  # stopped before its first answer
            records = by_client.get(pseudonymize(sender, secret), [])
            if len(records) != 1:  # a second reflection would duplicate answers
                problems.append(f"{sender}: {len(records)} reflections stored, expected 1")
                continue
            record = records[0]
            stored = {item: answer.raw_text or "" for item, answer in record.answers.items()}
            found = differences(stored, given, result.sent.get(sender, []), slots_of(sender))
            if found:
                problems.append(f"{sender}: " + "; ".join(found))
            if sender in result.completed_senders and record.status != "complete":
                problems.append(f"{sender}: status {record.status}, expected complete")
    finally:
        store.close()
    return problems


async def soak(arguments: argparse.Namespace) -> int:
    with (
        fresh_databases(prefix="soak") as databases,
        private_redis() as redis,
        tempfile.TemporaryDirectory(prefix="soak-") as scratch,
    ):
        config = StackConfig(
            database_url=databases.database_url,
            tracker_db_url=databases.tracker_db_url,
            redis_port=redis.port,
            log_dir=ROOT / "reports" / "soak-logs",
            outbox_dir=Path(scratch) / "outbox",
        )
        print(f"Starting the production shape; logs in {config.log_dir}/ …", flush=True)
        with running_stack(config) as stack:
            async with httpx.AsyncClient(limits=httpx.Limits(max_connections=arguments.clients + 10)) as http:
                lookup = tracker_lookup(http, config.url("rasa"), config.secrets["RASA_TOKEN"])
                channels = {
                    "rest": lambda sender: RestChannel(http, config.url("rasa"), sender),
                    "socketio": lambda sender: SocketChannel(
                        config.url("web"), sender, session_url=config.url("web") + "/api/session"
                    ),
                }
                names = list(channels) if arguments.channel == "both" else [arguments.channel]
                turn = 0

                def make_channel(sender: str) -> Channel:
                    nonlocal turn
                    turn += 1
                    return channels[names[turn % len(names)]](sender)

                print(
                    f"{arguments.clients} clients for {arguments.seconds:.0f} s over {' and '.join(names)}…",
                    flush=True,
                )
                started = time.monotonic()
                result = await run_level(
                    make_channel, arguments.clients, 0.0, arguments.seconds, lookup=lookup
                )
                wall = time.monotonic() - started
            memory = stack.memory()
            outbox = Path(scratch) / "outbox"
            deadline = time.monotonic() + OUTBOX_GRACE_SECONDS  # a write queued at the end is drained
            while list(outbox.glob("*.jsonl")) and time.monotonic() < deadline:
                time.sleep(1)
            outbox_left = list(outbox.glob("*.jsonl"))
            slots = tracker_slots(config, list(result.given))
        problems = check_stored(
            result, databases.database_url, config.secrets["PSEUDONYM_SECRET"], lambda sender: slots[sender]
        )
    summary = result.summary()
    answers_given = sum(len(expected_answers(given, slots[sender])) for sender, given in result.given.items())
    print(
        f"turns {summary['turns']} in {wall:.0f} s ({summary['throughput']:.2f}/s), "
        f"p50 {summary['p50_ms']:.0f} ms, p95 {summary['p95_ms']:.0f} ms, p99 {summary['p99_ms']:.0f} ms"
    )
    print(
        f"reflections completed {summary['conversations_completed']}, clients {len(result.given)}, "
        f"answers given {answers_given}"
    )
    print(f"errors {summary['errors']} {summary['error_kinds'] or ''}")
    print(
        "memory: "
        + ", ".join(f"{name} {m.rss_mb:.0f} MB RSS / {m.pss_mb:.0f} MB PSS" for name, m in memory.items())
    )
    if outbox_left:
        problems.append(f"{len(outbox_left)} client(s) still have writes waiting in the outbox")
    for problem in problems[:20]:
        print("  ✗", problem)
    ok = summary["errors"] == 0 and not problems and answers_given > 0
    print(
        "OK: no errors; every stored answer equals the answer given, none lost or duplicated."
        if ok
        else f"FAILED: {summary['errors']} errors, {len(problems)} differences."
    )
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--channel", choices=["rest", "socketio", "both"], default="both")
    sys.exit(asyncio.run(soak(parser.parse_args())))


if __name__ == "__main__":
    main()
