"""How the assistant words a question and its acknowledgement, so the script follows the client.

The question for a slot depends on a returning client's last answer, on the answer just given (a low
answer gets a gentler lead-in), and the "tell me more" question names the client's lowest area. Each
answer gets an acknowledgement that fits how it landed, and substantive words are quoted back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reflection.items import Button, Item, ItemBank, load_item_bank
from reflection.summary import lowest_rated_area

QUOTE_MIN_WORDS = 3
QUOTE_MAX_CHARS = 160


@dataclass(frozen=True)
class Question:
    text: str
    buttons: tuple[Button, ...]


def band(value: object) -> str:
    """``low`` (1-2), ``mid`` (3) or ``high`` (4-5) for a rating; codes pass through unchanged."""
    if isinstance(value, int) and not isinstance(value, bool):
        return "low" if value <= 2 else "mid" if value == 3 else "high"
    return str(value)


def _last_answer_wording(item: Item, previous: Mapping[str, object]) -> str | None:
    last = previous.get(item.slot)
    if last is None:
        return None
    if item.slot == "homework_fit" and last == "none":
        return item.question.get("returning_none")
    template = item.question.get("returning")
    return template.format(last=item.describe(last).replace(" of 5", "")) if template else None


def question_for(
    slot: str,
    answers: Mapping[str, object],
    previous: Mapping[str, object] | None = None,
    just_answered: str | None = None,
    bank: ItemBank | None = None,
) -> Question:
    """The wording and buttons for ``slot``, adapted to this client."""
    bank = bank or load_item_bank()
    item = bank.item(slot)
    text = _last_answer_wording(item, previous or {})
    if text is None and just_answered is not None:
        lead = band(answers.get(just_answered))
        text = item.question.get(f"after_{lead}")
    if text is None:
        text = item.question["first"]
    if "{area}" in text:
        lowest = lowest_rated_area(answers, bank)
        text = text.format(area=bank.item(lowest).area if lowest else "one area")
    return Question(text=text, buttons=bank.buttons_for(item))


def _quotable(raw_text: str | None, item: Item) -> str | None:
    """The client's words, when they said more than a number or a button label."""
    if not raw_text:
        return None
    words = raw_text.strip()
    button_payloads = {button.payload.lower() for button in item.buttons}
    if len(words.split()) < QUOTE_MIN_WORDS or words.lower() in button_payloads:
        return None
    return words if len(words) <= QUOTE_MAX_CHARS else words[: QUOTE_MAX_CHARS - 1].rstrip() + "…"


def acknowledgement(
    slot: str, value: object, raw_text: str | None, bank: ItemBank | None = None
) -> str | None:
    """What the assistant says right after an answer, or None when nothing fits."""
    item = (bank or load_item_bank()).item(slot)
    if item.kind == "text":
        key = "nothing" if value is None else "any"
        return item.ack.get(key)
    ack = item.ack.get(band(value))
    if ack is None:
        return None
    quote = _quotable(raw_text, item)
    if quote and band(value) == "low":
        return f"You said: “{quote}”. {ack}"
    return ack
