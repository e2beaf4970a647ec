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


def applicable_slots(
    slots: Mapping[str, object], settled_without_value: list[str] | None, bank: ItemBank | None = None
) -> list[str]:
    """The questions this reflection fills, in order, answered or not.

    A question settled without a value (skipped, "don't know", left after repeated misses) is left out, and
    one that needs a rating ("tell me more" about the lowest area) only comes in once an area is rated.
    """
    bank = bank or load_item_bank()
    settled = set(settled_without_value or [])
    needs_a_rating = {item.slot for item in bank.items if item.needs_a_rating}
    rated = bool(rated_values(slots))
    return [
        slot
        for slot in question_slots(bank)
        if slot not in settled and (rated or slot not in needs_a_rating)
    ]


def remaining_slots(
    slots: Mapping[str, object], settled_without_value: list[str] | None, bank: ItemBank | None = None
) -> list[str]:
    """The questions still to ask, in order: applicable and without a value yet."""
    return [slot for slot in applicable_slots(slots, settled_without_value, bank) if slots.get(slot) is None]


def next_slot(
    slots: Mapping[str, object], settled_without_value: list[str] | None, bank: ItemBank | None = None
) -> str | None:
    remaining = remaining_slots(slots, settled_without_value, bank)
    return remaining[0] if remaining else None
