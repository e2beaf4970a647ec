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


def remaining_slots(
    slots: Mapping[str, object], settled_without_value: list[str] | None, bank: ItemBank | None = None
) -> list[str]:
    """The questions still to ask, in order.

    A slot is done when it has a value or was settled without one (skipped, "nothing", or left after
    repeated misses). A question that needs a rating ("tell me more" about the lowest area) is only asked
    when an area has been rated.
    """
    bank = bank or load_item_bank()
    settled = set(settled_without_value or [])
    needs_a_rating = {item.slot for item in bank.items if item.needs_a_rating}
    remaining = []
    for slot in question_slots(bank):
        if slots.get(slot) is not None or slot in settled:
            continue
        if slot in needs_a_rating and not rated_values(slots):
            continue
        remaining.append(slot)
    return remaining


def next_slot(
    slots: Mapping[str, object], settled_without_value: list[str] | None, bank: ItemBank | None = None
) -> str | None:
    remaining = remaining_slots(slots, settled_without_value, bank)
    return remaining[0] if remaining else None
