"""Which questions a reflection still has to ask, given what the client has said so far."""

from __future__ import annotations

from collections.abc import Mapping

from reflection.items import ItemBank, load_item_bank
from reflection.next_steps import rated_values

CONSENT_SLOT = "consent"
TELL_MORE_SLOT = "tell_more"
MAX_MISSES = 3  # one friendly re-ask, then buttons or skip, then move on: never an endless loop


def question_slots(bank: ItemBank | None = None) -> list[str]:
    """Every slot the reflection form fills, in order: consent first, then the item bank."""
    return [CONSENT_SLOT, *(bank or load_item_bank()).slots]


def remaining_slots(
    slots: Mapping[str, object], settled_without_value: list[str] | None, bank: ItemBank | None = None
) -> list[str]:
    """The questions still to ask, in order.

    A slot is done when it has a value or was settled without one (skipped, "nothing", or left after
    repeated misses). The "tell me more" question is only asked when an area has been rated.
    """
    settled = set(settled_without_value or [])
    remaining = []
    for slot in question_slots(bank):
        if slots.get(slot) is not None or slot in settled:
            continue
        if slot == TELL_MORE_SLOT and not rated_values(slots):
            continue
        remaining.append(slot)
    return remaining


def next_slot(
    slots: Mapping[str, object], settled_without_value: list[str] | None, bank: ItemBank | None = None
) -> str | None:
    remaining = remaining_slots(slots, settled_without_value, bank)
    return remaining[0] if remaining else None
