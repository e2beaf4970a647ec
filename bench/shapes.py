"""Shapes of the production stack side by side: memory and throughput at one load, alternating the shapes
round by round so that other work on the shared cores weighs on each alike.

    .venv/bin/python -m bench.shapes [--shapes embedded,rasa2,rasa1] [--rounds 2] [--clients 10]
                                     [--seconds 30] [--warmup 8]

Shapes (2 web workers each; 1 action-server worker unless named):
- ``embedded``: no ingest process; each web worker anonymizes in a thread of its own (the shape before
  ``reflect ingest --watch``), 2 Rasa workers;
- ``rasa2``: the ingest process, 2 Rasa workers (the default production shape);
- ``rasa2-actions2``: as ``rasa2`` with 2 action-server workers;
- ``rasa1``: the ingest process, 1 Rasa worker.

Each run starts the shape on fresh databases, holds reflections over REST for the warm-up and the measured
seconds, samples every process's memory (RSS and PSS, as ``make bench`` does) and stops it. Writes
reports/shapes-<time>.md.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from bench.__main__ import REPORTS, load_average
from bench.clients import Channel, RestChannel
from bench.load import run_level, tracker_lookup
from bench.report import BenchReport
from deploy.services import fresh_databases, private_redis
from deploy.stack import StackConfig, running_stack

SHAPES: dict[str, dict[str, Any]] = {
    "embedded": {"ingest_process": False, "rasa_workers": 2},
    "rasa2": {"ingest_process": True, "rasa_workers": 2},
    "rasa2-actions2": {"ingest_process": True, "rasa_workers": 2, "action_workers": 2},
    "rasa1": {"ingest_process": True, "rasa_workers": 1},
}


async def measure(shape: str, arguments: argparse.Namespace) -> dict[str, Any]:
    memory = BenchReport(started="", settings={})
    with (
        fresh_databases(prefix="shapes") as databases,
        private_redis() as redis,
        tempfile.TemporaryDirectory(prefix="shapes-") as scratch,
    ):
        config = StackConfig(
            database_url=databases.database_url,
            tracker_db_url=databases.tracker_db_url,
            redis_port=redis.port,
            log_dir=REPORTS / "shapes-logs" / shape,
            outbox_dir=Path(scratch) / "outbox",
            web_workers=2,
            **{"action_workers": 1, **SHAPES[shape]},
        )
        with running_stack(config) as stack:
            limits = httpx.Limits(max_connections=arguments.clients + 10)
            async with httpx.AsyncClient(limits=limits) as http:
                lookup = tracker_lookup(http, config.url("rasa"), config.secrets["RASA_TOKEN"])

                def make_channel(sender: str) -> Channel:
                    return RestChannel(http, config.url("rasa"), sender)

                await run_level(make_channel, 1, 0.0, 5.0, lookup=lookup)  # warm: models, connections
                result = await run_level(
                    make_channel,
                    arguments.clients,
                    arguments.warmup,
                    arguments.seconds,
                    lookup=lookup,
                    on_sample=lambda: memory.add_memory(shape, stack.memory()),
                )
            memory.add_memory(shape, stack.memory())
    peaks = memory.memory[shape]
    total = memory.total_memory(shape)
    return {
        "shape": shape,
        **result.summary(),
        "load_average": load_average(),
        "memory": {name: (peak.processes, peak.rss_mb, peak.pss_mb) for name, peak in peaks.items()},
        "total": (total.processes, total.rss_mb, total.pss_mb),
    }


def describe(row: dict[str, Any]) -> str:
    servers = ", ".join(
        f"{name} {rss:.0f}/{pss:.0f}" for name, (_, rss, pss) in sorted(row["memory"].items())
    )
    processes, rss, pss = row["total"]
    return (
        f"| {row['shape']} | {row['throughput']:.2f} | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} | "
        f"{row['errors']} | {processes} | **{rss:.0f} / {pss:.0f}** | {servers} | {row['load_average']} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shapes", default="embedded,rasa2,rasa1")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=8.0)
    arguments = parser.parse_args()
    shapes = [name.strip() for name in arguments.shapes.split(",") if name.strip()]
    unknown = set(shapes) - set(SHAPES)
    if unknown:
        parser.error(f"unknown shape(s) {', '.join(sorted(unknown))}; known: {', '.join(SHAPES)}")
    started = datetime.now().strftime("%Y%m%d-%H%M%S")
    lines = [
        f"# Shapes {started}: {arguments.clients} clients over REST, {arguments.warmup:.0f} s warm-up, "
        f"{arguments.seconds:.0f} s measured; load average at start {load_average()}",
        "",
        "| shape | turns/s | p50 ms | p95 ms | errors | processes | RSS / PSS MB, all | per server RSS/PSS "
        "MB | load average |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for round_number in range(arguments.rounds):
        for shape in shapes:
            print(f"Round {round_number + 1}: {shape}…", flush=True)
            row = asyncio.run(measure(shape, arguments))
            lines.append(describe(row))
            print(lines[-1], flush=True)
    REPORTS.mkdir(exist_ok=True)
    path = REPORTS / f"shapes-{started}.md"
    path.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"Written to {path}.")


if __name__ == "__main__":
    main()
