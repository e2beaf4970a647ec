"""A clinic's own intake questions answered in passing: "evenings, online is fine" already answers "Would you
like sessions online, in person, or either?", so that question is not asked again.

Only a question with buttons can be answered this way: the client's words must name exactly one of its
choices (its title, or a cue the clinic file gives for it), and not after "not" or "no".
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from functools import cache

from reflection.clinics import IntakeQuestion

# "not online", "no video calls", "don't want in person", "rather not do online"
_NEGATED = re.compile(
    r"\b(?:not|no|never|don'?t|doesn'?t|won'?t|can'?t|rather not|hate|without)\b(?:\s+[\w']+){0,2}\s*$"
)


@cache
def _choice_patterns(question: IntakeQuestion) -> tuple[tuple[str, re.Pattern[str]], ...]:
    found = []
    for title in question.buttons:
        words = [title, *question.cues.get(title, ())]
        alternatives = "|".join(re.escape(word.lower()).replace(r"\ ", r"[\s-]+") for word in words)
        found.append((title, re.compile(rf"\b(?:{alternatives})\b")))
    return tuple(found)


def choice_named(question: IntakeQuestion, text: str) -> str | None:
    """The one choice of ``question`` that ``text`` names (not negated), or None."""
    lowered = text.lower().replace("\u2019", "'")
    named = set()
    for title, choice in _choice_patterns(question):
        for match in choice.finditer(lowered):
            if not _NEGATED.search(lowered[: match.start()]):
                named.add(title)
    return named.pop() if len(named) == 1 else None


def answered_in_passing(
    questions: Iterable[IntakeQuestion], answered: Collection[str], text: str
) -> dict[str, str]:
    """The clinic's questions not answered yet that ``text`` answers: question id -> the choice named."""
    found = {}
    for question in questions:
        if question.id in answered or not question.buttons:
            continue
        choice = choice_named(question, text)
        if choice is not None:
            found[question.id] = choice
    return found


def clinic_answers_to_show(
    questions: Iterable[IntakeQuestion], answers: Mapping[str, object]
) -> list[tuple[str, str]]:
    """The clinic's questions the client answered, in the clinic's order, as (label, answer) for the summary;
    a skipped question is left out."""
    return [
        (question.summary_label, str(answers[question.id]))
        for question in questions
        if answers.get(question.id)
    ]
