"""The personalized closing summary: strongest and weakest areas, the client's own words quoted back, the
change since last time, and concrete help for each suggested next step.

The client's hopes and what feels missing are given back cleaned (``reflection/own_words.py``): never "idk",
"not yet" or a whole paragraph. Numbers ("2 of 5", "went up from 2 to 4") are spoken only to a client who
gave numbers (``gave_numbers``); otherwise the summary says the same in words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from reflection.items import ItemBank, load_item_bank
from reflection.next_steps import (
    FIND_BETTER_FIT,
    GIVE_IT_TIME,
    KEEP_GOING,
    TALK_TO_THERAPIST,
    rated_values,
)
from reflection.own_words import SUMMARY_MAX_WORDS, own_words

SUMMARY_CONTENT_PATH = Path(__file__).parent / "content" / "summary.yml"
MAX_STARTERS = 3
GOOD_RATING = 4
LOW_RATING = 2
COPY_SEPARATOR = "\n—\n"  # chat channels split on blank lines; the copy should arrive as one message


@dataclass(frozen=True)
class Summary:
    """A summary as chat bubbles; ``as_text`` is the copy a client can keep."""

    sections: tuple[str, ...]

    def as_text(self) -> str:
        return COPY_SEPARATOR.join(section.replace("\n\n", "\n") for section in self.sections)


@cache
def _content() -> dict[str, Any]:
    with SUMMARY_CONTENT_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


def _ranked_areas(ratings: Mapping[str, int], bank: ItemBank) -> list[str]:
    """Rated slots from lowest to highest; ties keep the question order so the result is stable."""
    order = {slot: position for position, slot in enumerate(bank.slots)}
    return sorted(ratings, key=lambda slot: (ratings[slot], order[slot]))


def lowest_rated_area(answers: Mapping[str, object], bank: ItemBank | None = None) -> str | None:
    """The slot of the lowest rated area, or None when nothing was rated."""
    ranked = _ranked_areas(rated_values(answers), bank or load_item_bank())
    return ranked[0] if ranked else None


def _in_words(text: dict[str, Any], key: str, gave_numbers: bool) -> str:
    """The wording with numbers, or the same in words for a client who never gave a number."""
    return text[key] if gave_numbers else text["in_words"][key]


def _areas_section(
    ratings: Mapping[str, int], bank: ItemBank, text: dict[str, Any], gave_numbers: bool
) -> list[str]:
    if not ratings:
        return [text["nothing_rated"]]
    ranked = _ranked_areas(ratings, bank)
    weakest, strongest = ranked[0], ranked[-1]
    best = bank.item(strongest)
    worst = bank.item(weakest)
    weakest_key = "weakest_but_fine" if ratings[weakest] >= GOOD_RATING else "weakest"
    weakest_line = _in_words(text, weakest_key, gave_numbers)
    if len(ratings) == 1:  # one area rated: it is named for what it is, never "every area"
        key = "strongest" if ratings[strongest] >= GOOD_RATING else "weakest"
        line = _in_words(text, key, gave_numbers)
        return [line.format(area=best.area, value=best.describe(ratings[strongest]))]
    if ratings[weakest] == ratings[strongest]:
        value = f"{ratings[weakest]} of 5" if gave_numbers else bank.scale_words.get(ratings[weakest], "")
        key = "all_low" if ratings[weakest] <= LOW_RATING else "all_same"
        return [_in_words(text, key, gave_numbers).format(value=value)]
    # Only an area that is going well is called "working best"; otherwise the summary says so plainly.
    if ratings[strongest] >= GOOD_RATING:
        strongest_text = _in_words(text, "strongest", gave_numbers).format(
            area=best.area, value=best.describe(ratings[strongest])
        )
    else:
        strongest_text = text["nothing_working_yet"]
    return [strongest_text, weakest_line.format(area=worst.area, value=worst.describe(ratings[weakest]))]


def _change_section(
    ratings: Mapping[str, int],
    previous: Mapping[str, object],
    bank: ItemBank,
    text: dict[str, Any],
    gave_numbers: bool,
) -> list[str]:
    before = rated_values(previous)
    lines = []
    for slot in bank.slots:
        if slot not in ratings or slot not in before:
            continue
        key = "change_up" if ratings[slot] > before[slot] else "change_down"
        if ratings[slot] == before[slot]:
            key = "change_same"
        area = bank.item(slot).area
        lines.append(
            _in_words(text, key, gave_numbers).format(
                area=area[:1].upper() + area[1:], before=before[slot], after=ratings[slot]
            )
        )
    return [f"{text['change_heading']}\n{_bullets(lines)}"] if lines else []


def conversation_starters(answers: Mapping[str, object], bank: ItemBank | None = None) -> list[str]:
    """Two or three ready-to-say lines built from the client's lowest areas (and their own hopes)."""
    bank = bank or load_item_bank()
    ratings = rated_values(answers)
    low_first = [slot for slot in _ranked_areas(ratings, bank) if ratings[slot] <= 3] or _ranked_areas(
        ratings, bank
    )
    starters = [bank.item(slot).starters[0] for slot in low_first[:2] if bank.item(slot).starters]
    hopes = own_words(answers.get("hopes"), "hopes")
    if hopes:
        starters.append(_content()["hopes_starter"].format(hopes=hopes))
    if len(starters) < 2 and low_first and len(bank.item(low_first[0]).starters) > 1:
        starters.append(bank.item(low_first[0]).starters[1])
    return starters[:MAX_STARTERS]


def _step_section(
    step: str,
    answers: Mapping[str, object],
    bank: ItemBank,
    referral_link: str | None,
    steps: Sequence[str] = (),
) -> str:
    """The help for one next step; ``steps`` are all the steps shown, so that side by side they read as one
    piece of advice (early on, looking elsewhere can wait)."""
    text = _content()["steps"][step]
    both = FIND_BETTER_FIT in steps and GIVE_IT_TIME in steps
    if step == TALK_TO_THERAPIST:
        return f"{text['intro']}\n{_bullets([f'“{line}”' for line in conversation_starters(answers, bank)])}"
    if step == FIND_BETTER_FIT:
        parts = [
            text["intro_early" if both else "intro"],
            f"{text['look_for_heading']}\n{_bullets(text['look_for'])}",
            f"{text['questions_heading']}\n{_bullets(text['questions'])}",
        ]
        if referral_link:
            parts.append(text["referral"].format(link=referral_link))
        parts.append(text["dont_give_up"])
        return "\n\n".join(parts)
    if step == GIVE_IT_TIME:
        intro = text["intro_before_looking" if both else "intro"]
        return f"{intro}\n{text['watch_heading']}\n{_bullets(text['watch_for'])}"
    if step == KEEP_GOING:
        return text["intro"]
    raise ValueError(f"unknown next-step code {step!r}")


def build_summary(
    answers: Mapping[str, object],
    next_steps: list[str],
    *,
    previous: Mapping[str, object] | None = None,
    referral_link: str | None = None,
    saved: bool = True,
    bank: ItemBank | None = None,
    gave_numbers: bool = True,
    clinic_answers: Sequence[tuple[str, str]] = (),
) -> Summary:
    """Everything the client hears at the end, personalized from their answers (slot name -> value).

    ``gave_numbers``: the client rated with numbers (``own_words.gave_numbers``); if not, no numbers.
    ``clinic_answers``: in intake, the clinic's own questions answered, as (label, answer)
    (``intake.clinic_answers_to_show``); they belong with what the client is looking for now.
    """
    bank = bank or load_item_bank()
    text = _content()
    ratings = rated_values(answers)
    sections = [text["heading"] + "\n" + "\n".join(_areas_section(ratings, bank, text, gave_numbers))]
    sections += _change_section(ratings, previous or {}, bank, text, gave_numbers)
    given_back = []
    hopes, missing = (own_words(answers.get(slot), slot, SUMMARY_MAX_WORDS) for slot in ("hopes", "missing"))
    if hopes:
        given_back.append(text["hopes"].format(hopes=hopes))
    if missing:
        given_back.append(text["missing"].format(missing=missing))
    if given_back:
        sections.append("\n".join(given_back))
    looking_for = [
        text["looking_for"][slot].format(words=words)
        for slot in text["looking_for"]
        if (words := own_words(answers.get(slot), slot, SUMMARY_MAX_WORDS))
    ]
    looking_for += [
        text["clinic_answer"].format(label=label, answer=answer) for label, answer in clinic_answers
    ]
    if looking_for:
        sections.append("\n".join([text["looking_for_heading"], *looking_for]))
    sections += [_step_section(step, answers, bank, referral_link, next_steps) for step in next_steps]
    sections.append(text["data_saved"] if saved else text["data_not_saved"])
    return Summary(sections=tuple(sections))
