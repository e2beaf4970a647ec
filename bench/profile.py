"""Where the time goes: py-spy on Rasa and on the action server under load (`make profile`).

    .venv/bin/python -m bench.profile [--clients 10] [--seconds 60] [--channel rest]

Starts the production shape (deploy/stack.py), warms it up, then samples every worker of Rasa and of the
action server with py-spy (non-blocking, so the servers are not paused) while CLIENTS clients hold whole
reflections. Writes flame graphs (reports/profile-rasa.svg, reports/profile-actions.svg), the collapsed
stacks they were drawn from, and the share of samples per area (bench/profile_areas.yml) to
reports/profile.md. Idle samples (a worker waiting for work) are counted apart.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import httpx
import yaml

from bench.clients import RestChannel, SocketChannel
from bench.load import run_level, tracker_lookup
from deploy.services import fresh_databases, private_redis
from deploy.stack import ROOT, StackConfig, running_stack

REPORTS = ROOT / "reports"
PY_SPY = Path(sys.executable).with_name("py-spy")
AREAS = Path(__file__).with_name("profile_areas.yml")
RATE = 50


def py_spy(pid: int, seconds: float, output: Path, form: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            str(PY_SPY),
            "record",
            "--pid",
            str(pid),
            "--subprocesses",
            "--nonblocking",
            "--rate",
            str(RATE),
            "--duration",
            str(int(seconds)),
            "--format",
            form,
            "--output",
            str(output),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def breakdown(collapsed: Path, areas: dict[str, list[str]]) -> tuple[Counter[str], int, int]:
    """Samples per area (first area whose marker appears in the stack wins), busy samples, idle samples."""
    counts: Counter[str] = Counter()
    busy = idle = 0
    idle_markers = areas.get("idle", [])
    for line in collapsed.read_text().splitlines():
        stack, _, number = line.rpartition(" ")
        samples = int(number)
        if any(marker in stack.rsplit(";", 1)[-1] for marker in idle_markers):
            idle += samples
            continue
        busy += samples
        for area, markers in areas.items():
            if area != "idle" and any(marker in stack for marker in markers):
                counts[area] += samples
                break
        else:
            counts["other"] += samples
    return counts, busy, idle


async def load(config: StackConfig, clients: int, seconds: float, channel: str) -> dict:
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=clients + 10)) as http:
        lookup = tracker_lookup(http, config.url("rasa"), config.secrets["RASA_TOKEN"])
        if channel == "rest":

            def make(sender: str) -> RestChannel:
                return RestChannel(http, config.url("rasa"), sender)
        else:

            def make(sender: str) -> SocketChannel:  # type: ignore[misc]
                return SocketChannel(
                    config.url("web"), sender, session_url=config.url("web") + "/api/session"
                )

        await run_level(make, 1, 0.0, 5.0, lookup=lookup)  # warm up
        return (await run_level(make, clients, 3.0, seconds, lookup=lookup)).summary()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--channel", choices=["rest", "socketio"], default="rest")
    parser.add_argument("--report-only", action="store_true", help="redo profile.md from the last run")
    arguments = parser.parse_args()
    if arguments.report_only:
        header = (REPORTS / "profile.md").read_text().split("\n## ", 1)[0].splitlines()
        write_report(header)
        return
    REPORTS.mkdir(exist_ok=True)
    with (
        fresh_databases(prefix="profile") as databases,
        private_redis() as redis,
        tempfile.TemporaryDirectory(prefix="profile-") as scratch,
    ):
        config = StackConfig(
            database_url=databases.database_url,
            tracker_db_url=databases.tracker_db_url,
            redis_port=redis.port,
            log_dir=REPORTS / "profile-logs",
            outbox_dir=Path(scratch) / "outbox",
        )
        with running_stack(config) as stack:
            spies = []
            for server in ("rasa", "actions"):
                pid = stack.processes[server].pid
                spies.append(
                    py_spy(pid, arguments.seconds + 5, REPORTS / f"profile-{server}.svg", "flamegraph")
                )
                spies.append(
                    py_spy(pid, arguments.seconds + 5, REPORTS / f"profile-{server}.collapsed", "raw")
                )
            summary = asyncio.run(load(config, arguments.clients, arguments.seconds, arguments.channel))
            for spy in spies:
                _, errors = spy.communicate(timeout=120)
                if spy.returncode != 0:
                    print("py-spy:", errors.decode()[-500:], file=sys.stderr)
    write_report(
        [
            f"# Profile under {arguments.clients} clients ({arguments.channel}, {arguments.seconds:.0f} s)",
            "",
            f"Load: {summary['throughput']} turns/s, p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms, "
            f"errors {summary['errors']}. py-spy at {RATE} Hz on every worker; load average "
            f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])}.",
            "",
        ]
    )


def write_report(header: list[str]) -> None:
    """The share of busy samples per area, from the collapsed stacks of the last run."""
    with AREAS.open() as handle:
        areas: dict[str, dict[str, list[str]]] = yaml.safe_load(handle)
    lines = [*header]
    for server in ("rasa", "actions"):
        counts, busy, idle = breakdown(REPORTS / f"profile-{server}.collapsed", areas[server])
        lines += [
            f"## {server}: {busy} busy samples ({idle} idle)",
            "",
            "| area | share of busy samples |",
            "|---|---:|",
        ]
        lines += [f"| {area} | {100 * count / max(busy, 1):.1f}% |" for area, count in counts.most_common()]
        lines.append("")
    (REPORTS / "profile.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
