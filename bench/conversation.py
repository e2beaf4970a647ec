"""Whole conversations for the benchmark: what a client says next, given what the bot just said.

A reflection client recognises the question the bot asks from the item bank's own wording and from the
consent, copy and "I read that as … Is that right?" messages (it confirms with "yes": its answers mean what
they say), so it follows the flow as it adapts (skipped homework, the optional "tell me more") and keeps
working when the wording changes. When it cannot place a reply it asks the tracker for ``requested_slot``
instead; the benchmark counts those look-ups.
The vanilla client walks the ``rasa init`` demo bot's greet / mood / goodbye flow.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from reflection.items import load_item_bank
from reflection.messages import MESSAGES_PATH
from reflection.wording import without_thanks

ANSWERS_PATH = Path(__file__).with_name("answers.yml")
PLACEHOLDER = re.compile(r"\{[^}]*\}")
DONE = "done"
UNKNOWN = "unknown"


@cache
def answers() -> dict[str, list[str]]:
    with ANSWERS_PATH.open(encoding="utf-8") as handle:
        loaded: dict[str, list[str]] = yaml.safe_load(handle)
    return loaded


def _fragment(text: str) -> str:
    """The longest piece of a wording that holds no {placeholder}: what every filled-in version contains
    (a leading "Thanks." is left out: the bot drops it when it has just thanked the client)."""
    return max(PLACEHOLDER.split(without_thanks(text.strip())), key=len).strip()


@cache
def question_fragments() -> tuple[tuple[str, str], ...]:
    """(fragment, what the bot is asking for) for every question, re-ask and the copy offer, longest first."""
    found: list[tuple[str, str]] = []
    for item in load_item_bank().items:
        for wording in (*item.question.values(), item.reask):
            found.append((_fragment(wording), item.slot))
    with MESSAGES_PATH.open(encoding="utf-8") as handle:
        messages = yaml.safe_load(handle)
    for name in ("ask_consent", "ask_consent_clinic", "ask_consent_again"):
        if name in messages:
            found.append((_fragment(messages[name]["text"].splitlines()[-1]), "consent"))
    found.append((_fragment(messages["offer_copy"]["text"]), "copy"))
    # The form checks a reading it is unsure of with one tap ("I read that as … Is that right?").
    found += [
        (_fragment(text["text"]), "confirm") for name, text in messages.items() if name.startswith("confirm_")
    ]
    return tuple(
        sorted(((text, slot) for text, slot in found if len(text) >= 12), key=lambda pair: -len(pair[0]))
    )


def asked_for(bot_texts: list[str]) -> str:
    """What the bot's latest question asks for: a slot, "consent", "copy", or UNKNOWN."""
    for text in reversed(bot_texts):
        for fragment, slot in question_fragments():
            if fragment in text:
                return slot
    return UNKNOWN


@dataclass
class ReflectionClient:
    """One client's whole reflection: greeting, consent, every question the bot asks, summary, copy."""

    seed: int
    rng: random.Random = field(init=False)
    given: dict[str, str] = field(default_factory=dict)  # question -> the words that answered it
    sent: list[str] = field(default_factory=list)  # everything the client said, in order

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def say(self, slot: str) -> str:
        text = self.rng.choice(answers()[slot])
        if slot not in ("consent", "copy", "confirm"):
            self.given[slot] = text
        self.sent.append(text)
        return text

    def opening(self) -> str:
        text = self.rng.choice(answers()["opening"])
        self.sent.append(text)
        return text


# How each of the demo bot's replies ends a turn (its domain's responses that are the last word of a turn).
VANILLA_TURN_ENDS = (
    "How are you?",
    "Great, carry on!",
    "Did that help you?",
    "Bye",
    "I am a bot, powered by Rasa.",
)


def vanilla_turn_done(texts: list[str]) -> bool:
    return bool(texts) and texts[-1].strip().endswith(VANILLA_TURN_ENDS)


class VanillaClient:
    """The demo bot's flow: greet, say how you are, answer "did that help?" when cheered up, say bye.

    The phrases are examples from the demo's own training data, as a fair yardstick."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def script(self) -> Iterator[tuple[str, str]]:
        """(message, the reply the flow expects) for one conversation."""
        yield self.rng.choice(["hi", "hello", "hey", "good morning"]), "How are you?"
        if self.rng.random() < 0.5:
            yield self.rng.choice(["great", "I am great", "amazing", "perfect"]), "Great, carry on!"
        else:
            yield self.rng.choice(["sad", "I am sad", "unhappy", "not good"]), "Did that help you?"
            yield self.rng.choice(["yes", "of course", "indeed"]), "Great, carry on!"
        yield self.rng.choice(["bye", "goodbye", "see you later"]), "Bye"


def texts_of(replies: list[dict[str, Any]]) -> list[str]:
    return [reply.get("text") or "" for reply in replies]
