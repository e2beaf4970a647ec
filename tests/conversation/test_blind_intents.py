"""Intent accuracy on everyday messages written blind (tests/intents/blind_*.yml), through the trained NLU.

The first run of each blind set is its honest measure (recorded in FIRST_RUN below and in
reports/intent_accuracy_<set>.txt); afterwards the set guards against regressions: accuracy may not fall below
its first-run floor. Never copy these messages into data/nlu."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from tests.live import ROOT, Assistant

BLIND_SETS = sorted((ROOT / "tests" / "intents").glob("blind_v*.yml"))
# First-run accuracy of each set (the regression floor), filled in after that run.
FIRST_RUN: dict[str, float] = {"blind_v1": 0.816, "blind_v2": 0.868}  # 2026-12-03: 111/136, 138/159
# What each set must keep now, after the round its first run measured (no higher than it gives): floors.
# blind_v1: 119 of 136 after new training phrasings (none from a set); 118 after round 3 added examples of
# data questions asked mid-form (answered, never stored), one message of the set read otherwise; 117 after
# round 8 added the confirm_less intent (15 examples): no message of the set went to it, one other moved.
FLOORS: dict[str, float] = {"blind_v1": 0.860}


def _cases(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.mark.parametrize("blind_set", BLIND_SETS, ids=[path.stem for path in BLIND_SETS])
def test_everyday_messages_reach_the_intent_they_mean(assistant: Assistant, blind_set: Path) -> None:
    cases = _cases(blind_set)
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    confused: dict[str, Counter[str]] = defaultdict(Counter)
    for case in cases:
        predicted = assistant.parse(case["text"])["intent"]["name"]
        total[case["intent"]] += 1
        if predicted == case["intent"]:
            right[case["intent"]] += 1
        else:
            confused[case["intent"]][predicted] += 1
    accuracy = sum(right.values()) / len(cases)
    lines = [f"Intents, {blind_set.stem}: {accuracy:.1%} of {len(cases)} everyday messages"]
    for intent in sorted(total):
        mistakes = ", ".join(f"{name} {count}" for name, count in confused[intent].most_common())
        arrow = f"-> {mistakes}" if mistakes else ""
        lines.append(f"  {intent:<18} {right[intent]:>3}/{total[intent]:<3} {arrow}")
    report = ROOT / "reports" / f"intent_accuracy_{blind_set.stem}.txt"
    report.parent.mkdir(exist_ok=True)
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    floor = FLOORS.get(blind_set.stem) or FIRST_RUN.get(blind_set.stem)
    if floor is not None:
        assert accuracy >= floor - 0.005, f"{blind_set.stem} fell below its floor {floor:.1%}"
