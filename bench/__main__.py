"""The benchmark (`make bench`): whole reflections through the production shape, against a vanilla
`rasa init` bot measured the same way in the same run.

    .venv/bin/python -m bench [--clients 1,10,50] [--channels rest,socketio] [--seconds 30] [--warmup 8]
                              [--skip-project] [--skip-vanilla] [--skip-floor]
                              [--skip-train] [--skip-make-run]

1. The answer parser and the safety net in-process (p50/p95 per message).
2. The project in its production shape (deploy/stack.py) on free ports: fresh PostgreSQL databases, a private
   Redis lock store, RASA_WORKERS Rasa workers, ACTION_WORKERS action-server workers and WEB_WORKERS web
   app workers (2, 1 and 2 by default, as in `make run-prod`). REST goes to Rasa's channel; socket.io goes
   the way the widget goes, through the web app (a token from /api/session, then its websocket proxy).
3. The vanilla `rasa init` bot (bench/vanilla.py), its greet / mood / goodbye flow over REST and socket.io.
4. The floor (bench/floor.py): the same flow on the leanest bot Rasa 3.6 serves (a keyword classifier, the
   rule policy, no custom action, in-memory stores), i.e. what the engine itself can do per turn here.
5. Time from `make run` (already set up) to ready, and `rasa train --force` from scratch.

It prints p50/p95/p99 per turn, throughput, errors and the memory of every process, writes
reports/bench-<time>.md/.json/.png (and bench-latest.*), and shows the figures next to issue 11's targets.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import httpx

from bench.clients import Channel, RestChannel, SocketChannel
from bench.floor import ensure_trained as ensure_floor_trained
from bench.floor import running_floor
from bench.library import bench_library
from bench.load import LevelResult, run_level, tracker_lookup
from bench.report import BenchReport
from bench.vanilla import ensure_trained, running_vanilla
from deploy.services import free_port, fresh_databases, private_redis
from deploy.stack import RASA_PYTHON, ROOT, StackConfig, running_stack

REPORTS = ROOT / "reports"


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def print_row(row: dict) -> None:
    print(
        f"  {row['bot']:8} {row['channel']:8} {row['clients']:>3} clients: {row['turns']:>5} turns "
        f"{row['throughput']:6.2f}/s  p50 {row['p50_ms']:7.0f}  p95 {row['p95_ms']:7.0f}  "
        f"p99 {row['p99_ms']:7.0f} ms  errors {row['errors']} {row['error_kinds'] or ''}",
        flush=True,
    )


async def measure_levels(
    report: BenchReport,
    bot: str,
    channels: dict[str, Callable[[str], Channel]],
    levels: list[int],
    arguments: argparse.Namespace,
    sample: Callable[[], None],
    lookup=None,
) -> None:
    for channel_name, make_channel in channels.items():
        for clients in levels:
            result: LevelResult = await run_level(
                make_channel,
                clients,
                arguments.warmup,
                arguments.seconds,
                vanilla=bot != "project",  # the vanilla bot's flow (the floor speaks it too)
                lookup=lookup,
                on_sample=sample,
            )
            row = {"bot": bot, "channel": channel_name, **result.summary(), "load_average": load_average()}
            report.rows.append(row)
            print_row(row)


async def bench_project(report: BenchReport, arguments: argparse.Namespace, levels: list[int]) -> None:
    defaults = {"rasa": "2", "action": "1", "web": "2"}  # the production shape's (deploy/run_prod.py)
    workers = {name: int(os.environ.get(f"{name.upper()}_WORKERS", n)) for name, n in defaults.items()}
    report.settings.update({f"{name}_workers": count for name, count in workers.items()})
    with (
        fresh_databases(prefix="bench") as databases,
        private_redis() as redis,
        tempfile.TemporaryDirectory(prefix="bench-") as scratch,
    ):
        config = StackConfig(
            database_url=databases.database_url,
            tracker_db_url=databases.tracker_db_url,
            redis_port=redis.port,
            log_dir=REPORTS / "bench-logs",
            outbox_dir=Path(scratch) / "outbox",
            rasa_workers=workers["rasa"],
            action_workers=workers["action"],
            web_workers=workers["web"],
        )
        print(
            f"Starting the project in its production shape ({workers}); logs in {config.log_dir}/ …",
            flush=True,
        )
        started = time.monotonic()
        with running_stack(config) as stack:
            report.timings["production shape start → ready (s)"] = time.monotonic() - started
            limits = httpx.Limits(
                max_connections=max(levels) + 10, max_keepalive_connections=max(levels) + 10
            )
            async with httpx.AsyncClient(limits=limits) as http:
                lookup = tracker_lookup(http, config.url("rasa"), config.secrets["RASA_TOKEN"])
                channels: dict[str, Callable[[str], Channel]] = {}
                if "rest" in arguments.channels:
                    channels["rest"] = lambda sender: RestChannel(http, config.url("rasa"), sender)
                if "socketio" in arguments.channels:
                    channels["socketio"] = lambda sender: SocketChannel(
                        config.url("web"), sender, session_url=config.url("web") + "/api/session"
                    )
                await warm_up(channels, lookup)
                await measure_levels(
                    report,
                    "project",
                    channels,
                    levels,
                    arguments,
                    lambda: report.add_memory("project", stack.memory()),
                    lookup,
                )
            report.add_memory("project", stack.memory())


async def warm_up(channels: dict[str, Callable[[str], Channel]], lookup) -> None:
    """One conversation per channel before measuring: models, connections and caches warm."""
    for make_channel in channels.values():
        await run_level(make_channel, 1, 0.0, 5.0, lookup=lookup)


REFERENCE_BOTS = {
    "vanilla": (ensure_trained, running_vanilla, "vanilla rasa init + train, once (s)"),
    "floor": (ensure_floor_trained, running_floor, "floor bot training, once (s)"),
}


async def bench_reference(
    report: BenchReport, bot: str, arguments: argparse.Namespace, levels: list[int]
) -> None:
    """The vanilla or the floor bot: one Rasa process, walked through the demo's flow."""
    train, running, timing = REFERENCE_BOTS[bot]
    _, seconds = train()
    if seconds is not None:
        report.timings[timing] = seconds
    (REPORTS / "bench-logs").mkdir(parents=True, exist_ok=True)
    with running(REPORTS / "bench-logs" / f"{bot}.log") as server:
        limits = httpx.Limits(max_connections=max(levels) + 10, max_keepalive_connections=max(levels) + 10)
        async with httpx.AsyncClient(limits=limits) as http:
            channels: dict[str, Callable[[str], Channel]] = {}
            if "rest" in arguments.channels:
                channels["rest"] = lambda sender: RestChannel(http, server.url, sender)
            if "socketio" in arguments.channels:
                channels["socketio"] = lambda sender: SocketChannel(server.url, sender)
            for make_channel in channels.values():
                await run_level(make_channel, 1, 0.0, 3.0, vanilla=True)
            await measure_levels(
                report,
                bot,
                channels,
                levels,
                arguments,
                lambda: report.add_memory(bot, {"rasa": server.memory()}),
            )


def time_make_run() -> float:
    """Seconds from `make run` (set up and trained already) until it says everything is running."""
    with tempfile.TemporaryDirectory(prefix="bench-run-") as scratch:
        env = {
            **os.environ,
            "ACTION_PORT": str(free_port()),
            "RASA_PORT": str(free_port()),
            "WEB_PORT": str(free_port()),
            "DATABASE_URL": f"sqlite:///{scratch}/reflection.db",
            "TRACKER_DB_URL": f"sqlite:///{scratch}/tracker.db",
            "OUTBOX_DIR": f"{scratch}/outbox",
            "LOG_DIR": f"{scratch}/logs",
            "LOCK_STORE_TYPE": "in_memory",
        }
        started = time.monotonic()
        process = subprocess.Popen(
            ["make", "-s", "run"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            assert process.stdout is not None
            for line in process.stdout:
                if "All running" in line:
                    return time.monotonic() - started
            raise RuntimeError("`make run` stopped before it was ready; see its logs.")
        finally:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def time_training() -> float:
    """Seconds for `rasa train --force` of the project from scratch (into a scratch folder)."""
    with tempfile.TemporaryDirectory(prefix="bench-train-") as scratch:
        started = time.monotonic()
        subprocess.run(
            [str(RASA_PYTHON), "-m", "rasa", "train", "--force", "--out", scratch, "--quiet"],
            cwd=ROOT,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(ROOT)},
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", default="1,10,50", help="concurrent clients per level (comma-separated)")
    parser.add_argument("--channels", default="rest,socketio")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured seconds per level")
    parser.add_argument(
        "--warmup", type=float, default=8.0, help="seconds of load before measuring, per level"
    )
    parser.add_argument("--skip-project", action="store_true", help="measure only the reference bots")
    parser.add_argument("--skip-vanilla", action="store_true")
    parser.add_argument("--skip-floor", action="store_true", help="don't measure the leanest Rasa bot")
    parser.add_argument("--skip-train", action="store_true", help="don't time `rasa train --force`")
    parser.add_argument("--skip-make-run", action="store_true", help="don't time `make run` to ready")
    arguments = parser.parse_args()
    arguments.channels = [name.strip() for name in arguments.channels.split(",") if name.strip()]
    levels = [int(level) for level in arguments.clients.split(",")]

    report = BenchReport(
        started=datetime.now().strftime("%Y%m%d-%H%M%S"),
        settings={
            "clients": levels,
            "channels": arguments.channels,
            "seconds": arguments.seconds,
            "warmup": arguments.warmup,
            "cores": os.cpu_count(),
            "load average at start": load_average(),
        },
    )
    bench_library()
    if not arguments.skip_project:
        asyncio.run(bench_project(report, arguments, levels))
    if not arguments.skip_vanilla:
        asyncio.run(bench_reference(report, "vanilla", arguments, levels))
    else:
        report.notes.append("Vanilla bot skipped (--skip-vanilla): no ratio measured.")
    if not arguments.skip_floor:
        asyncio.run(bench_reference(report, "floor", arguments, levels))
    if not arguments.skip_make_run:
        print("Timing `make run` to ready…", flush=True)
        report.timings["make_run_ready_seconds"] = time_make_run()
    if not arguments.skip_train:
        print("Timing `rasa train --force` (a few minutes)…", flush=True)
        report.timings["train_seconds"] = time_training()
    report.settings["load average at end"] = load_average()
    report.notes.append(
        "The load generator runs on the same 2 cores as the servers (and other work on the "
        "machine): compare figures from one run, and note the load average."
    )
    path = report.write(REPORTS)
    print()
    print(report.markdown())
    print(f"Written to {path} (and bench-latest.md/.json/.png).")


if __name__ == "__main__":
    main()
