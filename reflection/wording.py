"""How the assistant words a question and its acknowledgement, so the script follows the client.

The question for a slot depends on a returning client's last answer, on the answer just given (a low
answer gets a gentler lead-in), and the "tell me more" question names the client's lowest area. Each
answer gets an acknowledgement that fits how it landed, and a low answer's words are quoted back when they
are short and meaningful (``reflection/own_words.py``). Numbers ("You rated", "2 of 5") are spoken only to
a client who gave numbers (``gave_numbers``; see ``own_words.gave_numbers``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reflection.items import Button, Item, ItemBank, load_item_bank
from reflection.messages import message
from reflection.next_steps import rated_values
from reflection.own_words import quote_of
from reflection.summary import lowest_rated_area

# "Thanks." / "Thank you for sharing that." / "Thanks for being honest." at the start of a message.
_THANKS_LEAD = re.compile(r"^(?:thanks|thank you)(?: for [^.,!]*)?[.,!]\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Question:
    text: str
    buttons: tuple[Button, ...]


def band(value: object) -> str:
    """``low`` (1-2), ``mid`` (3) or ``high`` (4-5) for a rating; codes pass through unchanged."""
    if isinstance(value, int) and not isinstance(value, bool):
        return "low" if value <= 2 else "mid" if value == 3 else "high"
    return str(value)


def _last_answer_wording(
    item: Item, previous: Mapping[str, object], bank: ItemBank, gave_numbers: bool
) -> str | None:
    last = previous.get(item.slot)
    if last is None:
        return None
    if item.allow_none and last == "none":
        return item.question.get("returning_none")
    if item.kind == "scale" and not gave_numbers and bank.returning_in_words:
        return bank.returning_in_words.format(area=item.area, last=item.describe_in_words(last, bank))
    template = item.question.get("returning")
    return template.format(last=item.describe(last).replace(" of 5", "")) if template else None


def question_for(
    slot: str,
    answers: Mapping[str, object],
    previous: Mapping[str, object] | None = None,
    just_answered: str | None = None,
    bank: ItemBank | None = None,
    gave_numbers: bool = True,
    intake: bool = False,
) -> Question:
    """The wording and buttons for ``slot``, adapted to this client.

    ``gave_numbers``: the client rated with numbers; if not, the question speaks in words ("It sounds like
    ... is the hardest part" rather than "You rated ... lowest"). ``intake``: a new client tells a clinic
    about their past therapy, so the question asks about that (its ``intake`` wording).
    """
    bank = bank or load_item_bank()
    item = bank.item(slot)
    if intake and "intake" in item.question:
        return Question(text=item.question["intake"], buttons=bank.buttons_for(item))
    text = _last_answer_wording(item, previous or {}, bank, gave_numbers)
    if text is None and just_answered is not None:
        lead = band(answers.get(just_answered))
        text = item.question.get(f"after_{lead}")
    if text is None:
        key = _lowest_area_key(answers) if item.needs_a_rating else "first"  # "tell me more" about the lowest
        text = item.question.get(f"{key}_in_words") if not gave_numbers else None
        text = text or item.question[key]
    if "{area}" in text:
        lowest = lowest_rated_area(answers, bank)
        text = text.format(area=bank.item(lowest).area if lowest else "one area")
    return Question(text=text, buttons=bank.buttons_for(item))


def _lowest_area_key(answers: Mapping[str, object]) -> str:
    """Which wording of a question about the lowest area is true: one lowest rating (``first``), several
    tied (``tied``), or none low at all (``none_low``: "You rated X lowest" would misread a 3 or a 4)."""
    ratings = rated_values(answers)
    lowest = min(ratings.values(), default=None)
    if lowest is None or band(lowest) != "low":
        return "none_low"
    return "tied" if list(ratings.values()).count(lowest) > 1 else "first"


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
    if band(value) != "low":
        return ack
    buttons = [text for button in item.buttons for text in (button.payload, button.title)]
    quote = quote_of(raw_text, not_these=buttons, slot=slot, value=value)
    return message("quote_back", quote=quote, ack=ack).text if quote else ack


def without_thanks(text: str) -> str:
    """``text`` without a leading "Thanks." or "Thank you for …" ("" when that was all of it)."""
    lead = _THANKS_LEAD.match(text)
    rest = text[lead.end():].strip() if lead else text
    return rest[:1].upper() + rest[1:]


def without_repeated_thanks(text: str, recent: Sequence[str]) -> str | None:
    """``text`` without its "Thanks." when one of the ``recent`` bot messages already thanked the client:
    a thank-you on every turn reads like a form. None when nothing else is left to say."""
    if not any(_THANKS_LEAD.match(said.strip()) for said in recent):
        return text
    return without_thanks(text) or None
