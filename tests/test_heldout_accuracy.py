"""Accuracy of free-text answer parsing on held-out phrasings.

Sets: tests/heldout/answers.yml, answers_v2.yml and answers_v3.yml.

All sets were written blind to the parser: fix misses with new phrasings elsewhere, never by copying these.
Run `python -m tests.test_heldout_accuracy` for the tables (`--set v1|v2|v3|all` picks the sets,
`--show-misses` lists the failing items).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
HELDOUT_DIR = REPO_ROOT / "tests" / "heldout"
HELDOUT_SETS: dict[str, Path] = {
    "v1": HELDOUT_DIR / "answers.yml",
    "v2": HELDOUT_DIR / "answers_v2.yml",
    "v3": HELDOUT_DIR / "answers_v3.yml",
}
REPORT_PATH = REPO_ROOT / "reports" / "heldout_accuracy.txt"

VERBATIM = "verbatim"


@dataclass(frozen=True)
class Floors:
    overall: float
    slot: float
    wrong: float  # a miss that re-asks is better than a wrong value, so wrong answers get their own budget


# v1 and v2 were scored blind once, then the kinds of errors they showed were fixed: they are regression
# guards now. v3 was written after the last of those changes and is the blind measure; its floors sit just
# under its first measurement (73.5% overall) so that a regression fails, and should rise as the parser does.
FLOORS: dict[str, Floors] = {
    "v1": Floors(overall=0.95, slot=0.85, wrong=0.10),
    "v2": Floors(overall=0.95, slot=0.85, wrong=0.10),
    "v3": Floors(overall=0.70, slot=0.50, wrong=0.35),
}

SCALE_VALUES: frozenset[object] = frozenset({1, 2, 3, 4, 5})
ALLOWED_EXPECTATIONS: dict[str, frozenset[object]] = {
    "sessions_so_far": frozenset({"early", "established", "long_term"}),
    "felt_heard": SCALE_VALUES,
    "depth": SCALE_VALUES,
    "advice_fit": SCALE_VALUES,
    "homework_fit": SCALE_VALUES | {"none"},
    "goals_shared": SCALE_VALUES,
    "approach_fit": SCALE_VALUES,
    "raised_needs": frozenset({"yes_helped", "yes_no_change", "not_yet"}),
    "missing": frozenset({None, VERBATIM}),
}
EXPECTED_ITEM_COUNTS: dict[str, dict[str, int]] = {
    "v1": {slot: 30 for slot in ALLOWED_EXPECTATIONS} | {"missing": 15},
    "v2": {slot: 25 for slot in ALLOWED_EXPECTATIONS} | {"missing": 12},
    "v3": {slot: 20 for slot in ALLOWED_EXPECTATIONS} | {"missing": 10},
}

ParseAnswer = Callable[[str, str], Any]


@dataclass(frozen=True)
class HeldoutItem:
    slot: str
    text: str
    expect: object


@dataclass
class SlotScore:
    slot: str
    correct: int = 0
    wrong: int = 0
    unplaced: int = 0
    misses: list[tuple[HeldoutItem, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.correct + self.wrong + self.unplaced

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def wrong_rate(self) -> float:
        return self.wrong / self.total if self.total else 0.0


def load_items(path: Path) -> list[HeldoutItem]:
    """Read the held-out YAML into a flat list, keeping file order."""
    with path.open(encoding="utf-8") as handle:
        by_slot: dict[str, list[dict[str, object]]] = yaml.safe_load(handle)
    return [
        HeldoutItem(slot=slot, text=str(entry["text"]), expect=entry["expect"])
        for slot, entries in by_slot.items()
        for entry in entries
    ]


def expected_value(item: HeldoutItem) -> object:
    """The value the parser should give: `verbatim` stands for the client's own words, trimmed."""
    return item.text.strip() if item.expect == VERBATIM else item.expect


def is_same_value(got: object, expected: object) -> bool:
    plain = got.value if isinstance(got, Enum) else got
    # bool is an int subclass, so True would otherwise pass for a 1.
    if isinstance(plain, bool):
        return False
    return plain == expected


def score(items: list[HeldoutItem], parse_answer: ParseAnswer) -> dict[str, SlotScore]:
    """Run the parser over every item and count correct, wrong (another value) and unplaced (None)."""
    scores: dict[str, SlotScore] = {}
    for item in items:
        slot_score = scores.setdefault(item.slot, SlotScore(slot=item.slot))
        parsed = parse_answer(item.slot, item.text)
        if parsed is None:
            slot_score.unplaced += 1
            slot_score.misses.append((item, "unplaced"))
        elif is_same_value(parsed.value, expected_value(item)):
            slot_score.correct += 1
        else:
            slot_score.wrong += 1
            slot_score.misses.append((item, repr(parsed.value)))
    return scores


def overall_accuracy(scores: dict[str, SlotScore]) -> float:
    total = sum(slot_score.total for slot_score in scores.values())
    return sum(slot_score.correct for slot_score in scores.values()) / total if total else 0.0


def format_table(scores: dict[str, SlotScore], title: str) -> str:
    header = (
        f"{'slot':<16} {'items':>5} {'correct':>7} {'wrong':>5} {'unplaced':>8} {'accuracy':>8} {'wrong%':>6}"
    )
    lines = [f"== {title} ==", header, "-" * len(header)]
    for slot_score in scores.values():
        lines.append(
            f"{slot_score.slot:<16} {slot_score.total:>5} {slot_score.correct:>7} {slot_score.wrong:>5} "
            f"{slot_score.unplaced:>8} {slot_score.accuracy:>8.1%} {slot_score.wrong_rate:>6.1%}"
        )
    totals = SlotScore(
        slot="OVERALL",
        correct=sum(slot_score.correct for slot_score in scores.values()),
        wrong=sum(slot_score.wrong for slot_score in scores.values()),
        unplaced=sum(slot_score.unplaced for slot_score in scores.values()),
    )
    lines.append("-" * len(header))
    lines.append(
        f"{totals.slot:<16} {totals.total:>5} {totals.correct:>7} {totals.wrong:>5} "
        f"{totals.unplaced:>8} {totals.accuracy:>8.1%} {totals.wrong_rate:>6.1%}"
    )
    return "\n".join(lines)


def format_misses(scores: dict[str, SlotScore]) -> str:
    lines = [
        f"{slot_score.slot}: {item.text!r} expected {expected_value(item)!r}, got {outcome}"
        for slot_score in scores.values()
        for item, outcome in slot_score.misses
    ]
    return "\n".join(lines) if lines else "no misses"


def threshold_failures(scores: dict[str, SlotScore], floors: Floors) -> list[str]:
    failures = [
        f"{slot_score.slot}: accuracy {slot_score.accuracy:.1%} < {floors.slot:.0%}"
        for slot_score in scores.values()
        if slot_score.accuracy < floors.slot
    ]
    failures += [
        f"{slot_score.slot}: wrong values {slot_score.wrong_rate:.1%} > {floors.wrong:.0%}"
        for slot_score in scores.values()
        if slot_score.wrong_rate > floors.wrong
    ]
    if overall_accuracy(scores) < floors.overall:
        failures.append(f"overall accuracy {overall_accuracy(scores):.1%} < {floors.overall:.0%}")
    return failures


def write_report(tables: list[str], path: Path = REPORT_PATH) -> None:
    """Keep the tables on disk so they are visible even when pytest captures stdout."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(tables) + "\n", encoding="utf-8")


def run_heldout(set_names: list[str]) -> dict[str, dict[str, SlotScore]]:
    """Score each named set, print its table and write all of them to one report."""
    # Imported late so the set check still runs while the parser does not exist.
    from reflection.answer_parsing import parse_answer

    scores_by_set = {name: score(load_items(HELDOUT_SETS[name]), parse_answer) for name in set_names}
    tables = [format_table(scores_by_set[name], HELDOUT_SETS[name].name) for name in set_names]
    write_report(tables)
    print("\n\n".join(tables))
    return scores_by_set


@pytest.fixture(scope="module")
def heldout_scores() -> dict[str, dict[str, SlotScore]]:
    # Scored once for all sets so the report always holds every table.
    return run_heldout(list(HELDOUT_SETS))


@pytest.mark.parametrize("set_name", HELDOUT_SETS)
def test_heldout_set_is_well_formed(set_name: str) -> None:
    items = load_items(HELDOUT_SETS[set_name])
    expected_counts = EXPECTED_ITEM_COUNTS[set_name]
    counts = {slot: sum(1 for item in items if item.slot == slot) for slot in expected_counts}
    assert counts == expected_counts
    assert {item.slot for item in items} == set(ALLOWED_EXPECTATIONS)
    bad = [item for item in items if item.expect not in ALLOWED_EXPECTATIONS[item.slot]]
    assert not bad, bad
    assert sum(1 for item in items if item.slot == "homework_fit" and item.expect == "none") >= 6
    duplicates = {(item.slot, item.text.strip().lower()) for item in items}
    assert len(duplicates) == len(items), "a phrasing is listed twice for the same slot"


@pytest.mark.parametrize("set_name", HELDOUT_SETS)
def test_heldout_accuracy(set_name: str, heldout_scores: dict[str, dict[str, SlotScore]]) -> None:
    scores = heldout_scores[set_name]
    failures = threshold_failures(scores, FLOORS[set_name])
    table = format_table(scores, HELDOUT_SETS[set_name].name)
    assert not failures, "\n".join(failures) + "\n\n" + table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Held-out accuracy of free-text answer parsing.")
    parser.add_argument("--set", choices=[*HELDOUT_SETS, "all"], default="all", dest="set_name")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    set_names = list(HELDOUT_SETS) if args.set_name == "all" else [args.set_name]
    scores_by_set = run_heldout(set_names)
    failed = False
    for name, scores in scores_by_set.items():
        if args.show_misses:
            print(f"\n{HELDOUT_SETS[name].name} misses:\n" + format_misses(scores))
        for failure in threshold_failures(scores, FLOORS[name]):
            print(f"FAIL {HELDOUT_SETS[name].name} {failure}")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
