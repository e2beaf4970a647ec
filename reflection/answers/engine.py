"""The answer-reading engine: one reader per item, built from the item bank and the language's words.

Readers are registered by name (``READERS``) and picked by each item's ``reader`` in the item bank, the way
Presidio picks recognizers from a registry: the engine is code, the words are data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, Protocol

from reflection.answers.free_text import FreeTextReader, UnsureReader
from reflection.answers.language import Language, alternation, pattern, words
from reflection.answers.numbers import NumberReader
from reflection.answers.raised_needs import RaisedNeedsReader
from reflection.answers.readings import NOTHING, Reading, not_applicable, value_reading
from reflection.answers.scale import ScaleWords, WordReader, build_lexicon
from reflection.answers.sessions import SessionsReader
from reflection.answers.text import TextReader, verbatim
from reflection.items import Item, ItemBank

NUMBER_CONFIDENCE = 0.95
WORDS_CONFIDENCE = 0.85
CHOICE_CONFIDENCE = 0.85
NOT_GIVEN_CONFIDENCE = 0.9
FREE_TEXT_CONFIDENCE = 0.9


class Shared:
    """What every reader of one language shares: normalisation, numbers, the scale words."""

    def __init__(self, language: Language, bank: ItemBank) -> None:
        self.language = language
        self.scale_words = ScaleWords.from_language(language)
        general = language.section("scale", "terms")
        shared_cues = language.section("scale", "shared_cues")
        self.lexicons = {
            item.slot: build_lexicon(general, shared_cues, item.cues or []) for item in bank.rated_items()
        }
        numbers = language.section("numbers")
        known = frozenset().union(*(lexicon.known_words() for lexicon in self.lexicons.values()))
        known |= words(numbers["lead"]) | words(numbers["tail"]) | self.scale_words.fillers
        known |= self.scale_words.referents
        self.text = TextReader(language, known)
        self.numbers = NumberReader(language)
        self.unsure = UnsureReader(language)
        self.free_text = FreeTextReader(language)
        skip = language.section("skip")
        self._skip = re.compile(
            rf"^(?:{alternation(skip['lead'])} )*(?:{pattern(skip['phrases'])})"
            rf"(?: {alternation(skip['tail'])})*$"
        )

    def is_skip(self, text: str) -> bool:
        return bool(self._skip.match(self.text.normalize(text).strip(" .!?,")))


class ItemReader(Protocol):
    def read(self, text: str, today: date) -> Reading: ...


class _NotGiven:
    """"There isn't any" for an item that can be not applicable (homework: "she doesn't give homework")."""

    def __init__(self, language: Language, spec: Mapping[str, Any]) -> None:
        shared = language.section("not_given")
        fragments = {**shared["fragments"], "things": spec["things"]}
        alternatives = pattern(shared["patterns"], fragments)
        if spec.get("patterns"):
            alternatives += "|" + pattern(spec["patterns"], fragments)
        self.code: str | None = spec.get("value")
        self._pattern = re.compile(alternatives)
        self._ambiguous = re.compile(pattern(spec["ambiguous"])) if spec.get("ambiguous") else None

    def ambiguous(self, norm: str) -> bool:
        return bool(self._ambiguous and self._ambiguous.match(norm))

    def says_none(self, norm: str) -> bool:
        return bool(self._pattern.search(norm))


class ScaleItemReader:
    """1-5 from numbers, else from words; a rating stated up front wins; "none" where it applies."""

    def __init__(self, item: Item, shared: Shared) -> None:
        self.shared = shared
        self.words = WordReader(shared.scale_words, shared.lexicons[item.slot])
        self.not_given = _NotGiven(shared.language, item.not_applicable) if item.not_applicable else None

    def read(self, text: str, today: date) -> Reading:
        if self.not_given is not None:
            norm = self.shared.text.normalize(text).rstrip(".!? ")
            if not self.shared.text.placeable(norm) or self.not_given.ambiguous(norm):
                return NOTHING
            if self.not_given.says_none(norm):
                return not_applicable(self.not_given.code, NOT_GIVEN_CONFIDENCE)
        lowered = text.strip().lower()
        stated = self.shared.numbers.stated_up_front(lowered)
        if stated is not None and self.shared.text.placeable(lowered):
            return value_reading(stated, NUMBER_CONFIDENCE)
        norm = self.shared.text.normalize(text)
        if not self.shared.text.placeable(norm):
            return NOTHING
        number = self.shared.numbers.rating(norm)
        if number is not None:
            return value_reading(number, NUMBER_CONFIDENCE)
        from_words = self.words.rating(norm)
        return NOTHING if from_words is None else value_reading(from_words, WORDS_CONFIDENCE)


class SessionsItemReader:
    def __init__(self, item: Item, shared: Shared) -> None:
        self.shared = shared
        self.sessions = SessionsReader(shared.language, item.cues)

    def read(self, text: str, today: date) -> Reading:
        norm = self.shared.text.normalize(text)
        if not self.shared.text.placeable(norm):
            return NOTHING
        found = self.sessions.read(norm, today)
        return NOTHING if found.category is None else value_reading(found.category, CHOICE_CONFIDENCE)


class RaisedNeedsItemReader:
    def __init__(self, item: Item, shared: Shared) -> None:
        self.shared = shared
        self.raised_needs = RaisedNeedsReader(item.cues)

    def read(self, text: str, today: date) -> Reading:
        norm = self.shared.text.normalize(text)
        if not self.shared.text.placeable(norm) or self.shared.unsure.only_unsure(norm):
            return NOTHING
        found = self.raised_needs.read(norm)
        return NOTHING if found.value is None else value_reading(found.value, CHOICE_CONFIDENCE)


class FreeTextItemReader:
    """The client's own words; a bare yes / no / ok or "I don't know" is not a hope."""

    def __init__(self, item: Item, shared: Shared) -> None:
        self.shared = shared

    def read(self, text: str, today: date) -> Reading:
        kept = verbatim(text)
        if kept is None:
            return NOTHING
        norm = self.shared.text.normalize(kept)
        if self.shared.text.is_question_back(norm):
            return NOTHING
        norm = norm.strip(" .!?,")
        if self.shared.unsure.only_unsure(norm) or not self.shared.free_text.is_a_hope(norm):
            return NOTHING
        return value_reading(kept, FREE_TEXT_CONFIDENCE)


class OptionalTextItemReader:
    """The client's own words, or "nothing to add" (not applicable, stored as no value)."""

    def __init__(self, item: Item, shared: Shared) -> None:
        self.shared = shared

    def read(self, text: str, today: date) -> Reading:
        kept = verbatim(text)
        if kept is None:
            return NOTHING
        norm = self.shared.text.normalize(kept).strip(" .!?,")
        if self.shared.unsure.only_unsure(norm):
            return NOTHING
        if self.shared.free_text.says_nothing_to_add(norm):
            return not_applicable(None, FREE_TEXT_CONFIDENCE)
        return value_reading(kept, FREE_TEXT_CONFIDENCE)


READERS: dict[str, Callable[[Item, Shared], ItemReader]] = {
    "scale": ScaleItemReader,
    "sessions": SessionsItemReader,
    "raised_needs": RaisedNeedsItemReader,
    "free_text": FreeTextItemReader,
    "optional_text": OptionalTextItemReader,
}


class AnswerEngine:
    """Every item's reader, for one item bank in one language."""

    def __init__(self, bank: ItemBank, language: Language) -> None:
        self.bank = bank
        self.shared = Shared(language, bank)
        unknown = sorted({item.reader for item in bank.items} - set(READERS))
        if unknown:
            raise ValueError(f"the item bank names unknown readers {unknown}; known: {sorted(READERS)}")
        self.readers: dict[str, ItemReader] = {
            item.slot: READERS[item.reader](item, self.shared) for item in bank.items
        }

    def read(self, slot: str, text: str, today: date) -> Reading:
        return self.readers[slot].read(text, today)

    def is_skip(self, text: str) -> bool:
        return self.shared.is_skip(text)
