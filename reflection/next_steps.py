"""The next-step policy: what the assistant suggests once a reflection is complete.

The order of advice is fixed: first talk openly with your therapist about what you need; if that has not
helped, consider looking for a better-fitting therapist; and don't give up on therapy too quickly.

In plain words:

* ``fit`` is the mean of the rated items that have a number. Homework answered ``none`` and skipped items
  are left out. With no rated item at all there is no ``fit`` and no concern.
* There is a *concern* when ``fit`` is below 4.0 or any rated item is 2 or lower.
* No concern: ``keep_going``.
* Concern, and the client has not raised their needs yet, it helped, or we don't know:
  ``talk_to_therapist``.
* Concern, and they raised their needs but nothing changed: ``find_better_fit`` when ``fit`` is below 3.5,
  otherwise ``talk_to_therapist`` (one more, more specific conversation is worth it).
* Concern and the client is in their first sessions (``early``): also ``give_it_time``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from statistics import mean

from reflection.items import load_item_bank

RATED_ITEMS: tuple[str, ...] = load_item_bank().scale_slots  # the 1-5 items; homework may also be "none"

KEEP_GOING = "keep_going"
TALK_TO_THERAPIST = "talk_to_therapist"
FIND_BETTER_FIT = "find_better_fit"
GIVE_IT_TIME = "give_it_time"
NEXT_STEP_CODES: tuple[str, ...] = (TALK_TO_THERAPIST, FIND_BETTER_FIT, GIVE_IT_TIME, KEEP_GOING)

CONCERN_FIT_BELOW = 4.0
LOW_ITEM_AT_MOST = 2
BETTER_FIT_BELOW = 3.5


@dataclass(frozen=True)
class FitAssessment:
    """The numbers behind a suggestion, kept so the summary can explain itself."""

    ratings: dict[str, int]
    fit: float | None
    concern: bool


def rated_values(answers: Mapping[str, object]) -> dict[str, int]:
    """The rated items that carry a 1-5 number; ``none``, skipped and malformed values are left out."""
    ratings: dict[str, int] = {}
    for item in RATED_ITEMS:
        value = answers.get(item)
        if isinstance(value, bool):
            continue
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, int) and 1 <= value <= 5:
            ratings[item] = value
    return ratings


def assess_fit(answers: Mapping[str, object]) -> FitAssessment:
    ratings = rated_values(answers)
    if not ratings:
        return FitAssessment(ratings={}, fit=None, concern=False)
    fit = mean(ratings.values())
    concern = fit < CONCERN_FIT_BELOW or min(ratings.values()) <= LOW_ITEM_AT_MOST
    return FitAssessment(ratings=ratings, fit=fit, concern=concern)


def suggest_next_steps(answers: Mapping[str, object]) -> list[str]:
    """Next-step codes for a set of answers (slot name -> value), in the order they should be offered."""
    assessment = assess_fit(answers)
    if not assessment.concern:
        return [KEEP_GOING]
    assert assessment.fit is not None
    raised = answers.get("raised_needs")
    if raised == "yes_no_change" and assessment.fit < BETTER_FIT_BELOW:
        steps = [FIND_BETTER_FIT]
    else:
        steps = [TALK_TO_THERAPIST]
    if answers.get("sessions_so_far") == "early":
        steps.append(GIVE_IT_TIME)
    return steps
