"""Which questions a reflection still has to ask, given what the client has said so far."""

from __future__ import annotations

from collections.abc import Mapping

from reflection.items import ItemBank, load_item_bank
from reflection.next_steps import rated_values

CONSENT_SLOT = "consent"
MAX_MISSES = 3  # one friendly re-ask, then buttons or skip, then move on: never an endless loop


def question_slots(bank: ItemBank | None = None) -> list[str]:
    """Every slot the reflection form fills, in order: consent first, then the item bank."""
    return [CONSENT_SLOT, *(bank or load_item_bank()).slots]


REFLECTION_MODE = "self"
INTAKE_MODE = "clinic_intake"
# In intake, a clinic's own questions (its clinic file) come last, one after another, under one slot that
# becomes "done"; each answer is stored as the item "clinic_<question id>".
CLINIC_EXTRA_SLOT = "clinic_extra"
CLINIC_ITEM_PREFIX = "clinic_"


def applicable_slots(
    slots: Mapping[str, object],
    settled_without_value: list[str] | None,
    bank: ItemBank | None = None,
    mode: str = REFLECTION_MODE,
) -> list[str]:
    """The questions this conversation fills, in order, answered or not.

    Only the questions of the mode's questionnaire (reflection or intake, in the item bank). A question
    settled without a value (skipped, "don't know", left after repeated misses) is left out, and one that
    needs a rating ("tell me more" about the lowest area) only comes in once an area is rated.
    """
    bank = bank or load_item_bank()
    settled = set(settled_without_value or [])
    questionnaire = bank.questionnaire_for_mode(mode).id
    asked = {item.slot for item in bank.questionnaire_items(questionnaire)}
    needs_a_rating = {item.slot for item in bank.items if item.needs_a_rating}
    rated = bool(rated_values(slots))
    return [
        slot
        for slot in question_slots(bank)
        if (slot == CONSENT_SLOT or slot in asked)
        and slot not in settled
        and (rated or slot not in needs_a_rating)
    ]


def remaining_slots(
    slots: Mapping[str, object],
    settled_without_value: list[str] | None,
    bank: ItemBank | None = None,
    mode: str = REFLECTION_MODE,
) -> list[str]:
    """The questions still to ask, in order: applicable and without a value yet."""
    applicable = applicable_slots(slots, settled_without_value, bank, mode)
    return [slot for slot in applicable if slots.get(slot) is None]


def next_slot(
    slots: Mapping[str, object],
    settled_without_value: list[str] | None,
    bank: ItemBank | None = None,
    mode: str = REFLECTION_MODE,
) -> str | None:
    remaining = remaining_slots(slots, settled_without_value, bank, mode)
    return remaining[0] if remaining else None
