"""Single answers written blind (tests/heldout/answers_v4.yml on), read by both readers as the running
assistant reads them: the rule reader (reflection/answer_parsing.py) and the answer model in Rasa's NLU
pipeline (its ``answer_readings`` in the parse data), weighed by reflection/agreement.py.

For every question it prints and writes to reports/answers_<set>.txt a row: how often the two readers agreed,
how often the client would be asked to confirm, and how often the stored value is exact (a confirmed value
counts as read: the client taps what they meant; a value taken without asking must be the right one; a
question, correction or request must store nothing). The issue's targets: stored values >= 97% exact,
confirmations <= 25%, nothing stored from a non-answer.

The first run of answers_v4 (2026-12-02, an earlier build of this harness) gave 95.7% exact, 25.9%
confirmations and nothing stored from its 25 non-answers (docs/UNDERSTANDING.md). The floors below guard
what the set gives now; raise them, never tune on the set.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions.reflection_form import turn_message
from reflection.agreement import Confirm, Nothing, Take, decide, same_answer
from reflection.answer_parsing import read_answer
from reflection.answers.readings import Reading, ReadingKind
from reflection.flow import CONSENT_SLOT, REFLECTION_MODE, remaining_slots
from reflection.items import load_item_bank
from reflection.turns import NOT_SURE, FormState, TurnPlan, plan_turn
from tests.live import ROOT, Assistant

BLIND_SETS = [
    path
    for path in sorted((ROOT / "tests" / "heldout").glob("answers_v*.yml"))
    if int(path.stem.removeprefix("answers_v")) >= 4  # v1-v3 predate the second reader: test_heldout_accuracy
]
# answers_v4 (2026-12-03, two readers in the NLU, model-alone floor 0.5): 92.5% exact, 30.5% confirmed;
# after round 3 (fewer needless checks, two ratings in one message): 92.1% exact (one answer fewer), 27.4%
# confirmed.
# answers_v5, written before round 3: first run 88.3% exact, 27.6% confirmed, 2 corrections stored as hopes
# (docs/UNDERSTANDING.md); after the fix that run pointed to (corrections at a free-text question): 89.3%
# exact (191 of 214), 27.6% confirmed (59), 0. Then three answers the training file already held were taken
# out of the set; the floors are the worst the other 211 can give: 188 right, 59 confirmed.
# answers_v6, written before round 4: round 3's code gave 86.6% exact, 22.3% confirmed, 6 stored from
# non-answers; round 4's first run 87.4% exact (208 of 238), 22.7% confirmed (54), 5 stored from non-answers
# (docs/UNDERSTANDING.md). The floors are the first run's. This harness asks the two readers alone, not the
# turn logic that routes a correction of another question or a request before any reader is asked, so its
# five non-answers (corrections of other questions, a request to finish) are allowed here as a ceiling; the
# issue's "never stored" is held by the whole conversations and tests/test_turns.py.
# answers_v7, written before round 5: round 4's code gave 87.1% exact, 21.2% confirmed, 1 stored from a
# non-answer; round 5's first run the same (its changes are in the turn logic, below).
# answers_v8, written before round 6: round 5's code gave 84.6% exact, 24.6% confirmed, 3 stored from
# non-answers; round 6's first run the same (docs/UNDERSTANDING.md).
# Round 6 as shipped (2026-12-04; v7's misses fixed in kind, so v7 is no result) gives the floors below: more
# answers exact on every older set (v7 87.1 -> 92.9%, v5 89.1 -> 90.5%), and more confirmations on v5 and v7
# (28.0 -> 28.9%, 21.2 -> 22.9%): new don't-know and dated readings the model does not share cost a tap.
# answers_v9, written before round 7: round 6's code gave 82.1% exact, 30.4% confirmed, 6 stored from
# non-answers; round 7's first run 82.1%, 30.0%, 6, and the shipped round 7 the same (docs/UNDERSTANDING.md).
# answers_v10, written before round 9: round 8's code gave 81.9% exact, 30.1% confirmed, 9 stored from
# non-answers (most of them corrections of another question, which only the turn logic routes); round 9's
# first run and the shipped round 9 the same.
# answers_v11, written before round 10: round 9's code gave 84.6% exact, 33.2% confirmed, 4 stored from
# non-answers; round 10 changed no reader, so that is its first run and the shipped figure.
# answers_v12, written before round 11 (three answers close to the answer model's training taken out first):
# round 11's first run 86.3% exact, 30.2% confirmed, 3 stored from non-answers (two side remarks about family,
# a question about the question); round 11 changed no reader. Four more found word for word in the training
# file were then taken out: on the 317 left, 86.1% / 30.3% / 3, the floors.
# answers_v13, written before round 12 (three answers word for word in training files taken out first): round
# 12's first run 81.4% exact, 32.5% confirmed, 8 stored from non-answers (side remarks about family and pets,
# questions about the question, at these readers; the turn logic's asides, round 12, store none of them).
# answers_v14, written before round 13: round 13's first run 82.6% exact, 26.3% confirmed, 8 stored from
# non-answers (corrections of another question, goodbyes, someone at home asking to read it, stepping out: at
# these readers; the turn logic routes them).
# answers_v15, written before round 14: round 14's first run 84.0% exact, 25.1% confirmed, 10 stored from
# non-answers (corrections of another question after a dash, leaving for the night, questions about the data:
# at these readers; the turn logic routes them). One answer word for word in the answer model's training file
# was then taken out: on the 330 left, 83.9% / 25.2% / 10, the floors.
MAX_STORED_FROM_NON_ANSWERS: dict[str, int] = {
    "answers_v6": 5, "answers_v7": 1, "answers_v8": 3, "answers_v9": 6, "answers_v10": 9, "answers_v11": 4,
    "answers_v12": 3, "answers_v13": 8, "answers_v14": 8, "answers_v15": 10,
}
FLOORS: dict[str, dict[str, float]] = {
    "answers_v4": {"stored_exact": 0.925, "confirmed": 0.271},
    "answers_v5": {"stored_exact": 0.905, "confirmed": 0.289},
    "answers_v6": {"stored_exact": 0.878, "confirmed": 0.227},
    "answers_v7": {"stored_exact": 0.929, "confirmed": 0.229},
    "answers_v8": {"stored_exact": 0.846, "confirmed": 0.246},
    "answers_v9": {"stored_exact": 0.821, "confirmed": 0.300},
    "answers_v10": {"stored_exact": 0.819, "confirmed": 0.301},
    "answers_v11": {"stored_exact": 0.846, "confirmed": 0.332},
    "answers_v12": {"stored_exact": 0.861, "confirmed": 0.303},
    "answers_v13": {"stored_exact": 0.814, "confirmed": 0.325},
    "answers_v14": {"stored_exact": 0.826, "confirmed": 0.263},
    "answers_v15": {"stored_exact": 0.839, "confirmed": 0.252},
}
NO_NUMBER = {"dont_know": ReadingKind.DONT_KNOW, "not_applicable": ReadingKind.NOT_APPLICABLE}


@dataclass(frozen=True)
class Case:
    slot: str
    text: str
    expect: Any


def load_cases(path: Path) -> list[Case]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, list[dict[str, Any]]] = yaml.safe_load(handle)
    return [Case(slot, entry["text"], entry["expect"]) for slot, entries in data.items() for entry in entries]


def reads_as_meant(reading: Reading, expect: Any) -> bool:
    """The reading stores what the client meant."""
    if expect in NO_NUMBER:
        return reading.kind is NO_NUMBER[expect]
    if expect == "none":  # no homework is given
        return reading.stored_value == "none"
    if expect == "nothing":  # nothing is missing: no value
        return reading.kind is ReadingKind.NOT_APPLICABLE
    if expect == "text":
        return reading.kind is ReadingKind.VALUE and isinstance(reading.value, str)
    return reading.kind is ReadingKind.VALUE and reading.value == expect


def outcome(case: Case, model: Reading | None) -> tuple[str, bool]:
    """('take' | 'confirm' | 'nothing', right) for one answer."""
    decision = decide(read_answer(case.slot, case.text), model)
    if case.expect == "not_an_answer":  # right only when nothing is stored and nothing is checked
        kind = (
            "nothing"
            if isinstance(decision, Nothing)
            else "confirm"
            if isinstance(decision, Confirm)
            else "take"
        )
        return kind, kind == "nothing"
    if isinstance(decision, Take):
        return "take", reads_as_meant(decision.reading, case.expect)
    if isinstance(decision, Confirm):
        return "confirm", True
    return "nothing", False


@dataclass
class Tally:
    """Per question: answers, exact, confirmed; and the non-answers that stored (or checked) something."""

    total: Counter[str] = field(default_factory=Counter)
    right: Counter[str] = field(default_factory=Counter)
    confirmed: Counter[str] = field(default_factory=Counter)
    taken_from_non_answers: list[Case] = field(default_factory=list)

    def add(self, case: Case, kind: str, ok: bool, took: bool) -> None:
        self.total[case.slot] += 1
        self.right[case.slot] += ok
        self.confirmed[case.slot] += kind == "confirm"
        if case.expect == "not_an_answer" and took:
            self.taken_from_non_answers.append(case)

    def figures(self) -> dict[str, float]:
        answers = sum(self.total.values())
        return {
            "stored_exact": sum(self.right.values()) / answers,
            "confirmed": sum(self.confirmed.values()) / answers,
        }


def report_and_check(
    tally: Tally,
    heading: str,
    taken_line: str,
    report: str,
    floors: dict[str, float],
    max_taken: int,
    agreement: Callable[[str], str] | None = None,
) -> None:
    """Print and write the figures and the per-question table, then hold them to the set's floors."""
    figures = tally.figures()
    agreed_heading = f" {'agreed':>7}" if agreement else ""
    lines = [
        f"{heading}: {sum(tally.total.values())} answers",
        f"  stored values exact {figures['stored_exact']:.1%} (target >= 97%)",
        f"  needed a confirmation {figures['confirmed']:.1%} (target <= 25%)",
        f"  {taken_line}: {len(tally.taken_from_non_answers)} (target 0)",
        *(f"    stored from {case.slot}: {case.text!r}" for case in tally.taken_from_non_answers),
        f"  {'slot':<16} {'answers':>7}{agreed_heading} {'confirm':>8} {'exact':>7}",
    ]
    for slot, answers in tally.total.items():
        agreed = f" {agreement(slot):>7}" if agreement else ""
        lines.append(
            f"  {slot:<16} {answers:>7}{agreed} {tally.confirmed[slot] / answers:>8.1%}"
            f" {tally.right[slot] / answers:>7.1%}"
        )
    (ROOT / "reports").mkdir(exist_ok=True)
    (ROOT / "reports" / report).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    assert len(tally.taken_from_non_answers) <= max_taken
    if "stored_exact" in floors:
        assert figures["stored_exact"] >= floors["stored_exact"] - 0.005
    if "confirmed" in floors:
        assert figures["confirmed"] <= floors["confirmed"] + 0.005


@pytest.mark.parametrize("blind_set", BLIND_SETS, ids=[path.stem for path in BLIND_SETS])
def test_blind_answers_are_stored_exactly_or_confirmed(assistant: Assistant, blind_set: Path) -> None:
    tally = Tally()
    agreed: Counter[str] = Counter()
    read_by_model: Counter[str] = Counter()
    for case in load_cases(blind_set):
        raw = (assistant.parse(case.text).get("answer_readings") or {}).get(case.slot)
        model = Reading.from_dict(raw) if raw else None
        kind, ok = outcome(case, model)
        tally.add(case, kind, ok, took=kind == "take")
        if model is not None:
            read_by_model[case.slot] += 1
            agreed[case.slot] += same_answer(read_answer(case.slot, case.text), model)
    report_and_check(
        tally,
        f"Single answers, {blind_set.stem}",
        "stored from a question, correction or request",
        f"answers_{blind_set.stem}.txt",
        FLOORS.get(blind_set.stem, {}),
        MAX_STORED_FROM_NON_ANSWERS.get(blind_set.stem, 0),
        agreement=lambda slot: f"{agreed[slot] / read_by_model[slot]:.1%}" if read_by_model[slot] else "-",
    )


# Through the turn logic (since round 5): each answer played as the running form plays it, by
# ``plan_turn`` on the parse data (intent, risk verdict, the model's readings), with the questions before
# the asked one already answered. A correction of another question or a request is routed before any reader
# is asked, and a risk check-in stops the answer, as in a conversation. answers_v7 is the first set whose
# first run was taken this way.
# Through the turn logic: round 4's code (2026-12-04) gave v4 91.0% / 26.7%, v5 89.1 / 27.0, v6 85.7 / 21.8;
# answers_v7's baseline 83.3 / 20.0 and first run (round 5) 84.6% exact, 20.4% confirmed, 2 non-answers.
# The shipped round 5 (after the first runs' fixes) gives the floors below. v6 lost three answers: 6 of its
# 37 misses are answers stopped by a risk check-in (5) or crisis response (1) of the retrained classifier.
# Round 6 as shipped: more exact on every older set (v7 84.2 -> 90.0%), more confirmations (v4 25.9 -> 27.4%,
# v5 27.0 -> 28.0%, v7 20.0 -> 21.7%); answers_v8's baseline 84.2 / 24.6 / 2 and first run 84.6 / 24.2 / 1.
# Round 7: answers_v9's baseline 81.7 / 30.4 / 7 and first run 80.4 / 29.2 / 7 (the same as shipped); the
# shipped round 7 raises v4 (92.1%), v7 (90.4%) and v8 (84.9%).
TURN_FLOORS: dict[str, dict[str, float]] = {
    "answers_v4": {"stored_exact": 0.921, "confirmed": 0.274},
    "answers_v5": {"stored_exact": 0.910, "confirmed": 0.280},
    "answers_v6": {"stored_exact": 0.866, "confirmed": 0.223},
    "answers_v7": {"stored_exact": 0.904, "confirmed": 0.217},
    "answers_v8": {"stored_exact": 0.849, "confirmed": 0.242},
    "answers_v9": {"stored_exact": 0.804, "confirmed": 0.292},
    # answers_v10: round 8's code 78.7% / 29.1% / 6; round 9's first run and shipped the same
    "answers_v10": {"stored_exact": 0.787, "confirmed": 0.291},
}
# Round 10 (2026-12-06): the retrained risk classifier (docs/SAFETY.md) stops other answers with a check-in
# than before: v4 92.1 -> 91.7%, v6 86.6 -> 85.7%, v7 90.4 -> 88.8%, v8 84.9 -> 84.0% (v9 80.4 -> 80.8%, v10
# 78.7 -> 80.5%). answers_v11: round 9's code 81.1% / 31.8% / 6 (its first run); with round 10's classifier
# 81.1% / 31.1% / 6.
TURN_FLOORS.update(
    {
        "answers_v4": {"stored_exact": 0.917, "confirmed": 0.274},
        "answers_v6": {"stored_exact": 0.857, "confirmed": 0.223},
        "answers_v7": {"stored_exact": 0.888, "confirmed": 0.217},
        "answers_v8": {"stored_exact": 0.840, "confirmed": 0.242},
        "answers_v11": {"stored_exact": 0.811, "confirmed": 0.311},
    }
)
# Round 11 (2026-12-06): the risk classifier was retrained again (docs/SAFETY.md, round 11); answers_v11 now
# 81.8% exact, 31.9% confirmed (check-ins moved between answers). answers_v12: round 11's first run 82.2% /
# 29.0% / 4; on the 317 left after four more were taken out, 82.0% / 29.0% / 4.
TURN_FLOORS.update(
    {
        "answers_v11": {"stored_exact": 0.818, "confirmed": 0.319},
        "answers_v12": {"stored_exact": 0.820, "confirmed": 0.290},
    }
)
# Round 12 (2026-12-06): questions about the question and stepping away are asides the form answers itself
# (docs/UNDERSTANDING.md, round 12). answers_v13: round 12's first run through the turn logic 80.2% / 30.7% /
# 6 stored from non-answers; with the fixes that run and live conversations found, 82.0% / 30.3% / 0.
# answers_v12 now stores 1 from a non-answer (was 4), answers_v10 4 (was 6).
TURN_FLOORS.update({"answers_v13": {"stored_exact": 0.820, "confirmed": 0.303}})
# Round 13 (2026-12-06): the risk classifier retrained with round 13's data (docs/SAFETY.md) gives fewer
# check-ins on ordinary answers but a few more crisis responses; answers_v4 91.7 -> 91.0% (two answers
# stopped). answers_v14: round 13's first run through the turn logic 81.7% / 25.1% / 8 stored from
# non-answers; with the fixes that run found (goodbyes, stepping out, someone at home asking to read it, at
# a question answered in words), 82.9% / 24.8% / 2.
TURN_FLOORS.update(
    {
        "answers_v4": {"stored_exact": 0.910, "confirmed": 0.274},
        "answers_v14": {"stored_exact": 0.829, "confirmed": 0.248},
    }
)
# Round 14 (2026-12-06): the risk classifier retrained with round 14's data (docs/SAFETY.md) checks in on
# three ordinary answers of answers_v11 that round 13's let through (two about raising needs, one about
# feeling heard): 81.8 -> 80.7%. answers_v15: round 14's first run through the turn logic 82.5% / 23.6% / 5
# stored from non-answers; with the fixes that run found (leaving for the night, a step away with the
# minutes in words, a change named after a dash), 84.0% / 23.3% / 0; on the 330 left after one answer found in
# the training file was taken out, 83.9% / 23.3% / 0.
TURN_FLOORS.update(
    {
        "answers_v11": {"stored_exact": 0.807, "confirmed": 0.319},
        "answers_v15": {"stored_exact": 0.839, "confirmed": 0.233},
    }
)
MAX_STORED_FROM_NON_ANSWERS_IN_TURNS: dict[str, int] = {
    "answers_v4": 1,
    "answers_v5": 1,
    "answers_v6": 2,
    "answers_v7": 2,
    "answers_v8": 1,
    "answers_v9": 7,
    "answers_v10": 4,
    "answers_v11": 6,
    "answers_v12": 1,
    "answers_v14": 2,
}
# What the questions before the asked one hold: ordinary, middling answers.
EARLIER_ANSWERS: dict[str, object] = {
    "sessions_so_far": "established",
    "raised_needs": "not_yet",
}
EARLIER_TEXT = "to feel less stuck"
EARLIER_RATING = 3


def form_state(slot: str) -> FormState:
    """The form when ``slot`` is asked in a reflection: every question before it answered."""
    bank = load_item_bank()
    answered: dict[str, object] = {}
    for item in bank.slots:
        if item == slot:
            break
        answered[item] = EARLIER_ANSWERS.get(
            item, EARLIER_TEXT if item in bank.free_text_slots else EARLIER_RATING
        )
    slots = {CONSENT_SLOT: True, **answered}  # consent was given; the form never counts it as an answer
    open_items = [item for item in remaining_slots(slots, [], mode=REFLECTION_MODE) if item != slot]
    return FormState(requested=slot, open_items=(slot, *open_items), answered=answered, last_answered=None)


def turn_outcome(case: Case, plan: TurnPlan) -> tuple[str, bool]:
    """('take' | 'confirm' | 'nothing', right) for one answer played through the turn logic."""
    if case.slot in plan.values:
        kind = "take"
    elif plan.confirm is not None and plan.confirm.item == case.slot:
        kind = "confirm"
    elif plan.notes.get(case.slot) in (NOT_SURE, "not_applicable"):
        kind = "take"  # settled without a value
    else:
        kind = "nothing"
    if case.expect == "not_an_answer":
        return kind, kind == "nothing"
    if kind != "take":
        return kind, kind == "confirm"
    note = plan.notes.get(case.slot)
    if note is not None:
        wanted = {"dont_know": NOT_SURE, "not_applicable": "not_applicable", "nothing": "not_applicable"}
        return kind, wanted.get(str(case.expect)) == note
    value = plan.values[case.slot]
    if case.expect == "text":
        return kind, isinstance(value, str) and value not in ("none",)
    return kind, value == case.expect


@pytest.mark.parametrize("blind_set", BLIND_SETS, ids=[path.stem for path in BLIND_SETS])
def test_blind_answers_through_the_turn_logic(assistant: Assistant, blind_set: Path) -> None:
    tally = Tally()
    for case in load_cases(blind_set):
        plan = plan_turn(turn_message(assistant.parse(case.text)), form_state(case.slot))
        kind, ok = turn_outcome(case, plan)
        tally.add(case, kind, ok, took=kind != "nothing")
    report_and_check(
        tally,
        f"Single answers through the turn logic, {blind_set.stem}",
        "stored or checked from a question, correction or request",
        f"answers_turns_{blind_set.stem}.txt",
        TURN_FLOORS.get(blind_set.stem, {}),
        MAX_STORED_FROM_NON_ANSWERS_IN_TURNS.get(blind_set.stem, 0),
    )
