"""Resident memory of a process and all its descendants, read from /proc (Linux).

RSS counts a page shared by forked workers once per worker; PSS splits it among them, so the PSS of a
whole tree is what the tree really costs the machine. Both are reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True)
class ProcessMemory:
    processes: int
    rss_mb: float
    pss_mb: float

    def __add__(self, other: ProcessMemory) -> ProcessMemory:
        return ProcessMemory(
            self.processes + other.processes, self.rss_mb + other.rss_mb, self.pss_mb + other.pss_mb
        )


NOTHING = ProcessMemory(0, 0.0, 0.0)


def _parent_of(pid: int) -> int | None:
    try:
        # The command name (field 2) may hold spaces and parentheses; the fields after the last ")" don't.
        return int((PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def descendants(pid: int) -> list[int]:
    """The process and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            parent = _parent_of(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue.extend(children.get(current, []))
    return found


def _kilobytes(path: Path, field: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory_of(pid: int) -> ProcessMemory:
    rss = _kilobytes(PROC / str(pid) / "status", "VmRSS")
    pss = _kilobytes(PROC / str(pid) / "smaps_rollup", "Pss")
    if rss == 0:
        return NOTHING
    return ProcessMemory(1, rss / 1024, pss / 1024)


def memory_of_tree(pid: int) -> ProcessMemory:
    total = NOTHING
    for member in descendants(pid):
        total = total + memory_of(member)
    return total
