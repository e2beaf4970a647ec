"""The benchmark's report: a table on the terminal and in ``reports/``, and a plot of p95 against clients."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deploy.procs import ProcessMemory

# Issue 11's targets on this machine.
TARGET_P95_MS_AT_10 = 250.0
TARGET_RATIO_AT_10 = 3.0
TARGET_P95_MS_AT_50 = 1000.0
TARGET_TRAIN_SECONDS = 90.0
TARGET_READY_SECONDS = 30.0
TARGET_MEMORY_MB = 1536.0
Y_TICKS_MS = (50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000)


@dataclass
class BenchReport:
    started: str
    settings: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)  # one per bot, channel and level
    memory: dict[str, dict[str, ProcessMemory]] = field(default_factory=dict)  # bot -> process -> peak
    timings: dict[str, float | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add_memory(self, bot: str, sample: dict[str, ProcessMemory]) -> None:
        peaks = self.memory.setdefault(bot, {})
        for name, memory in sample.items():
            if name not in peaks or memory.rss_mb > peaks[name].rss_mb:
                peaks[name] = memory

    def total_memory(self, bot: str) -> ProcessMemory:
        total = ProcessMemory(0, 0.0, 0.0)
        for memory in self.memory.get(bot, {}).values():
            total = total + memory
        return total

    def row(self, bot: str, channel: str, clients: int) -> dict[str, Any] | None:
        for row in self.rows:
            if (row["bot"], row["channel"], row["clients"]) == (bot, channel, clients):
                return row
        return None

    def verdicts(self) -> list[str]:
        lines = []

        def verdict(ok: bool | None) -> str:
            return "n/a " if ok is None else ("MEETS" if ok else "MISSES")

        for channel in sorted({row["channel"] for row in self.rows}):
            ours, theirs = self.row("project", channel, 10), self.row("vanilla", channel, 10)
            if ours:
                lines.append(
                    f"{verdict(ours['p95_ms'] <= TARGET_P95_MS_AT_10):6} {channel:8} 10 clients: p95 "
                    f"{ours['p95_ms']:.0f} ms (target ≤ {TARGET_P95_MS_AT_10:.0f} ms)"
                )
            if ours and theirs and theirs["throughput"]:
                ratio = ours["throughput"] / theirs["throughput"]
                lines.append(
                    f"{verdict(ratio >= TARGET_RATIO_AT_10):6} {channel:8} 10 clients: throughput "
                    f"{ours['throughput']:.1f} turns/s = {ratio:.2f}× vanilla's {theirs['throughput']:.1f} "
                    f"(target ≥ {TARGET_RATIO_AT_10:.0f}×)"
                )
            floor = self.row("floor", channel, 10)
            if floor and theirs and theirs["throughput"]:
                ratio = floor["throughput"] / theirs["throughput"]
                reach = (
                    "so 3× vanilla is within the engine's reach here"
                    if ratio >= TARGET_RATIO_AT_10
                    else "below 3×: no bot on Rasa 3.6 reaches 3× vanilla on this machine"
                )
                lines.append(
                    f"{'floor':6} {channel:8} 10 clients: the leanest Rasa bot does "
                    f"{floor['throughput']:.1f} turns/s = {ratio:.2f}× vanilla's (p95 {floor['p95_ms']:.0f} "
                    f"ms), {reach}"
                )
            heavy = self.row("project", channel, 50)
            if heavy:
                ok = heavy["errors"] == 0 and heavy["p95_ms"] < TARGET_P95_MS_AT_50
                lines.append(
                    f"{verdict(ok):6} {channel:8} 50 clients: {heavy['errors']} errors, p95 "
                    f"{heavy['p95_ms']:.0f} ms (target: no errors, p95 < {TARGET_P95_MS_AT_50:.0f} ms)"
                )
        train = self.timings.get("train_seconds")
        lines.append(
            f"{verdict(None if train is None else train <= TARGET_TRAIN_SECONDS):6} training from "
            f"scratch: {_seconds(train)} (target ≤ {TARGET_TRAIN_SECONDS:.0f} s)"
        )
        ready = self.timings.get("make_run_ready_seconds")
        lines.append(
            f"{verdict(None if ready is None else ready <= TARGET_READY_SECONDS):6} make run → ready: "
            f"{_seconds(ready)} (target ≤ {TARGET_READY_SECONDS:.0f} s)"
        )
        total = self.total_memory("project")
        if total.processes:
            lines.append(
                f"{verdict(total.rss_mb <= TARGET_MEMORY_MB):6} memory, all processes: RSS "
                f"{total.rss_mb:.0f} MB (PSS {total.pss_mb:.0f} MB) (target ≤ {TARGET_MEMORY_MB:.0f} MB)"
            )
        return lines

    def markdown(self) -> str:
        out = [f"# Benchmark {self.started}", ""]
        out.append("Settings: " + ", ".join(f"{key}={value}" for key, value in self.settings.items()))
        out += [
            "",
            "| bot | channel | clients | turns | turns/s | p50 ms | p95 ms | p99 ms | errors | "
            "conversations done | slot look-ups | off-script replies |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in self.rows:
            errors = str(row["errors"]) + (f" {row['error_kinds']}" if row["errors"] else "")
            out.append(
                f"| {row['bot']} | {row['channel']} | {row['clients']} | {row['turns']} | "
                f"{row['throughput']:.2f} | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} | "
                f"{row['p99_ms']:.0f} | "
                f"{errors} | {row['conversations_completed']} | {row['slot_lookups']} | "
                f"{row.get('deviations', 0)} |"
            )
        out += [
            "",
            "Peak resident memory while under load (RSS counts pages shared by forked workers once per "
            "worker; PSS shares them out):",
            "",
            "| bot | process | processes | RSS MB | PSS MB |",
            "|---|---|---:|---:|---:|",
        ]
        for bot, processes in self.memory.items():
            for name, memory in processes.items():
                out.append(
                    f"| {bot} | {name} | {memory.processes} | {memory.rss_mb:.0f} | {memory.pss_mb:.0f} |"
                )
            total = self.total_memory(bot)
            out.append(
                f"| {bot} | **all** | {total.processes} | **{total.rss_mb:.0f}** | **{total.pss_mb:.0f}** |"
            )
        out += ["", "Timings:", ""]
        out += [f"- {name}: {_seconds(value)}" for name, value in self.timings.items()]
        out += ["", "Against the targets (issue 11):", "", "```", *self.verdicts(), "```"]
        if self.notes:
            out += ["", "Notes:", "", *[f"- {note}" for note in self.notes]]
        return "\n".join(out) + "\n"

    def write(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        stem = directory / f"bench-{self.started}"
        stem.with_suffix(".md").write_text(self.markdown())
        data = {
            "started": self.started,
            "settings": self.settings,
            "rows": self.rows,
            "memory": {
                bot: {name: vars(memory) for name, memory in procs.items()}
                for bot, procs in self.memory.items()
            },
            "timings": self.timings,
            "notes": self.notes,
        }
        stem.with_suffix(".json").write_text(json.dumps(data, indent=2))
        self.plot(stem.with_suffix(".png"))
        for suffix in (".md", ".json", ".png"):
            latest = directory / f"bench-latest{suffix}"
            latest.unlink(missing_ok=True)
            if stem.with_suffix(suffix).exists():
                os.link(stem.with_suffix(suffix), latest)
        return stem.with_suffix(".md")

    def plot(self, path: Path) -> None:
        import matplotlib
        import matplotlib.ticker

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots(figsize=(7, 4.5))
        for bot, channel in sorted({(row["bot"], row["channel"]) for row in self.rows}):
            points = sorted(
                (row["clients"], row["p95_ms"])
                for row in self.rows
                if (row["bot"], row["channel"]) == (bot, channel) and row["turns"]
            )
            if points:
                axes.plot(
                    *zip(*points, strict=True),
                    marker="o",
                    label=f"{bot}, {channel}",
                    linestyle="-" if bot == "project" else "--",
                )
        axes.axhline(
            TARGET_P95_MS_AT_10, color="green", linewidth=0.8, linestyle=":", label="target at 10 clients"
        )
        axes.axhline(
            TARGET_P95_MS_AT_50, color="red", linewidth=0.8, linestyle=":", label="target at 50 clients"
        )
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xticks([1, 10, 50], labels=["1", "10", "50"])
        low, high = axes.get_ylim()
        axes.set_yticks([tick for tick in Y_TICKS_MS if low <= tick <= high])
        axes.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda value, _: f"{value:,.0f}"))
        axes.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        axes.set_xlabel("concurrent clients")
        axes.set_ylabel("p95 latency per turn (ms)")
        axes.set_title(f"p95 latency against clients ({self.started})")
        axes.grid(True, which="both", linewidth=0.3)
        axes.legend(fontsize=8)
        figure.tight_layout()
        figure.savefig(path, dpi=110)
        plt.close(figure)


def _seconds(value: float | None) -> str:
    return "not measured" if value is None else f"{value:.1f} s"
