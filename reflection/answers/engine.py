"""The answer-reading engine: one reader per item, built from the item bank and the language's words.

Readers are registered by name (``READERS``) and picked by each item's ``reader`` in the item bank, the way
Presidio picks recognizers from a registry: the engine is code, the words are data.

Every reader gives a ``Reading`` for the question that was asked (``read``) and, more strictly, for a
question that was not asked (``read_elsewhere``): there only what names that question's subject counts
("I raised it twice and nothing changed", "she doesn't give homework", "8 sessions in").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from reflection.answers.dont_know import DontKnowReader
from reflection.answers.figures import FigureReader
from reflection.answers.free_text import FreeTextReader
from reflection.answers.irony import IronyReader
from reflection.answers.language import LANGUAGE_DIR, Language, alternation, compile_any, pattern
from reflection.answers.not_an_answer import NotAnAnswerReader
from reflection.answers.numbers import NumberReader
from reflection.answers.raised_needs import NOT_YET, RaisedNeedsReader
from reflection.answers.readings import (
    NOTHING,
    Reading,
    ReadingKind,
    dont_know,
    not_an_answer,
    not_applicable,
    value_reading,
)
from reflection.answers.scale import ScaleWords, WordReader, build_lexicon
from reflection.answers.sessions import SessionsReader
from reflection.answers.text import TextReader, verbatim
from reflection.answers.typos import load_real_words, vocabulary
from reflection.items import Item, ItemBank

NUMBER_CONFIDENCE = 0.95  # "4", "a solid 4", "7/10"
# A length of time said ("a year and a half", "since March") is as stated as a count: the model can't do the
# arithmetic of months and dates, so it weighs no more against it than against a count.
SESSIONS_CONFIDENCE = {"sessions": 0.95, "time": 0.95, "number": 0.9, "words": 0.8}
RAISED_CONFIDENCE = 0.9  # "I told her and nothing changed"
NOT_YET_CONFIDENCE = 0.85  # "not yet", "no"
NOT_GIVEN_CONFIDENCE = 0.9  # "she doesn't give homework"
DONT_KNOW_ONLY_CONFIDENCE = 0.9  # "idk", "too early to tell"
DONT_KNOW_SAID_CONFIDENCE = 0.8  # "I don't know if she would adapt, I never gave feedback"
FREE_TEXT_CONFIDENCE = 0.9
NOT_AN_ANSWER_CONFIDENCE = 0.9
FIGURE_CONFIDENCE = 0.9  # "about as deep as a puddle": a stock figure says it as clearly as a number
# A reading for a question that was not asked counts only this sure.
ELSEWHERE_MIN_CONFIDENCE = 0.85


_SENTENCE_BREAK = re.compile(r"(?<!\d)[.!?;]+|[.!?;]+(?!\d)|\n")


def real_words_path(code: str) -> Path:
    return LANGUAGE_DIR / f"{code}.real_words.txt"


class Topic:
    """The words that name a question's subject ("homework", "feel heard"), less the phrases that only look
    like them ("I've heard that ...", "deep breathing")."""

    def __init__(self, names: str, not_names: str | None = None) -> None:
        self._names = compile_any(alternation(names))
        self._not_names = compile_any(alternation(not_names)) if not_names else None

    def _masked(self, text: str) -> str:
        if self._not_names is None:
            return text
        return self._not_names.sub(lambda m: " " * len(m.group()), text)

    def search(self, text: str) -> re.Match[str] | None:
        return self._names.search(self._masked(text))

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self._names.match(self._masked(text), pos)


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
        item_words = [
            {"cues": item.cues, "not_applicable": item.not_applicable, "dont_know": item.dont_know,
             "topic": item.topic}
            for item in bank.items
        ]
        known = vocabulary(language.data, item_words)
        known |= frozenset().union(*(lexicon.known_words() for lexicon in self.lexicons.values()))
        self.text = TextReader(language, known, load_real_words(real_words_path(language.code)))
        self.numbers = NumberReader(language)
        self.dont_know = DontKnowReader(language)
        self.free_text = FreeTextReader(language)
        self.not_an_answer = NotAnAnswerReader(language)
        self.irony = IronyReader(language)
        self.figures = FigureReader(language)
        skip = language.section("skip")
        self._skip = re.compile(
            rf"^(?:{alternation(skip['lead'])} )*(?:{pattern(skip['phrases'])})"
            rf"(?: {alternation(skip['tail'])})*$"
        )
        self.topics = {item.slot: Topic(item.topic, item.not_topic) for item in bank.items if item.topic}
        others = language.section("other_questions")
        self.other_clause_break = re.compile(rf"[,.;:!?\u2014]|\b{alternation(others['clause_breaks'])}\b")
        self.therapy_context = re.compile(pattern(others["therapy_context"]))
        self._before_a_name = re.compile(rf"\s*(?:{alternation(others['before_a_name'])}\s+)*")
        self._after_a_name = re.compile(rf"\s*(?:{alternation(others['after_a_name'])}\s+)*")

    def is_skip(self, text: str) -> bool:
        return bool(self._skip.match(self.text.normalize(text).strip(" .!?,")))

    def clauses_naming(self, norm: str, slot: str) -> str:
        """The clauses of an answer that name one question's subject and no other's, joined: 'the homework
        is useless' (but not 'the advice is surface level' for depth)."""
        topic = self.topics[slot]
        others = [other for name, other in self.topics.items() if name != slot]
        return ". ".join(
            part.strip() for part in self.other_clause_break.split(norm)
            if topic.search(part) and not any(other.search(part) for other in others)
        )

    def named_rating(self, norm: str, slot: str) -> int | None:
        """A number said right after the name of a question's subject, in a clause that opens with it:
        "depth is maybe a 3", "advice 4", "heard a 5"."""
        topic = self.topics.get(slot)
        if topic is None:
            return None
        for clause in self.other_clause_break.split(norm):
            clause = clause.strip()
            named = topic.match(clause) or topic.match(clause, self._before_a_name.match(clause).end())
            if named is None:
                continue
            rest = clause[self._after_a_name.match(clause, named.end()).end():]
            rating = self.numbers.rating(rest) if rest.strip() else None
            if rating is not None:
                return rating
        return None

    def rating_about(self, part: str, slot: str) -> int | None:
        """The rating a part of an answer about one question gives in numbers ("maybe a 2", "advice 4")."""
        rating = self.numbers.rating(part)
        return rating if rating is not None else self.named_rating(part, slot)

    def parts_by_subject(self, norm: str, asked: str, slots: Sequence[str]) -> dict[str, str]:
        """The answer's clauses by the question they are about: a clause naming one question's subject is
        about it, and so are the clauses after it in the same sentence; the rest are about ``asked``."""
        parts: dict[str, list[str]] = {}
        for sentence in _SENTENCE_BREAK.split(norm):
            subject: str | None = asked
            for clause in self.other_clause_break.split(sentence):
                named = [slot for slot in slots if slot in self.topics and self.topics[slot].search(clause)]
                if named:
                    subject = named[0] if len(named) == 1 else None
                if subject is not None and clause.strip():
                    parts.setdefault(subject, []).append(clause.strip())
        return {slot: ", ".join(clauses) for slot, clauses in parts.items()}

    def without_other_subjects(self, norm: str, slot: str) -> str:
        """The answer without the clauses about another question's subject ("... but the homework is bad")."""
        own = self.topics.get(slot)
        others = [topic for other, topic in self.topics.items() if other != slot]
        parts = self.other_clause_break.split(norm)
        kept = [
            part for part in parts
            if (own is not None and own.search(part)) or not any(topic.search(part) for topic in others)
        ]
        return norm if len(kept) == len(parts) else ". ".join(part.strip() for part in kept if part.strip())


class ItemReader(Protocol):
    def read(self, text: str, today: date) -> Reading: ...

    def read_elsewhere(self, text: str, today: date) -> Reading: ...


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
        self._things = re.compile(rf"\b{spec['things']}\b")
        self._ambiguous = re.compile(pattern(spec["ambiguous"])) if spec.get("ambiguous") else None

    def ambiguous(self, norm: str) -> bool:
        return bool(self._ambiguous and self._ambiguous.match(norm))

    def says_none(self, norm: str) -> bool:
        return bool(self._pattern.search(norm))

    def names_the_things(self, norm: str) -> bool:
        return bool(self._things.search(norm))


class ScaleItemReader:
    """1-5 from numbers, else from words; a rating stated up front wins; "none" where it applies."""

    def __init__(self, item: Item, shared: Shared) -> None:
        self.shared = shared
        self.slot = item.slot
        self.words = WordReader(shared.scale_words, shared.lexicons[item.slot])
        self.not_given = _NotGiven(shared.language, item.not_applicable) if item.not_applicable else None
        self.own_dont_know = compile_any(item.dont_know) if item.dont_know else None
        self.topic = shared.topics.get(item.slot)

    def read(self, text: str, today: date) -> Reading:
        norm = self.shared.text.normalize(text)
        if not self.shared.text.placeable(norm):
            return NOTHING
        if self.not_given is not None:
            bare = norm.rstrip(".!? ")
            if self.not_given.ambiguous(bare):
                return NOTHING  # "no" to "how well does the homework fit? If there isn't any, say so"
            if self.not_given.says_none(bare):
                return not_applicable(self.not_given.code, NOT_GIVEN_CONFIDENCE)
        if self.shared.dont_know.only_dont_know(norm):
            return dont_know(DONT_KNOW_ONLY_CONFIDENCE)
        if self.shared.dont_know.only_unsure(norm):
            return NOTHING
        lowered = text.strip().lower()
        stated = self.shared.numbers.stated_up_front(lowered)
        if stated is not None and self.shared.text.placeable(lowered):
            return value_reading(stated, NUMBER_CONFIDENCE)
        number = self.shared.rating_about(norm, self.slot)
        if number is not None:
            return value_reading(number, NUMBER_CONFIDENCE)
        own_subject = self.shared.without_other_subjects(self.words.without_reported_speech(norm), self.slot)
        figure = self._figure(own_subject)
        if figure is not None:
            return figure
        marked, said_dont_know = self.shared.dont_know.marked(own_subject)
        if self.own_dont_know is not None:
            marked, found = self.own_dont_know.subn(f" {self.shared.dont_know.marker} ", marked)
            said_dont_know = said_dont_know or found > 0
        found_words = self.words.read(marked)
        if found_words.value is not None:
            return value_reading(found_words.value, found_words.confidence)
        if said_dont_know and self.shared.dont_know.doubts_the_question(norm):
            return dont_know(DONT_KNOW_ONLY_CONFIDENCE)  # unsure what the question means: no rating to check
        return dont_know(DONT_KNOW_SAID_CONFIDENCE) if said_dont_know else NOTHING

    def _figure(self, norm: str) -> Reading | None:
        """"About as deep as a puddle", "like talking to a brick wall": the figure's low value, unless the
        rest of the answer reads lower still."""
        figure = self.shared.figures.read(norm)
        if figure is None:
            return None
        value, rest = figure
        found_words = self.words.read(rest) if rest.strip(" .,!?") else None
        if found_words is not None and found_words.value is not None and found_words.value < value:
            value = found_words.value
        return value_reading(value, FIGURE_CONFIDENCE)

    def read_elsewhere(self, text: str, today: date) -> Reading:
        """Only what names this question's subject: "the homework is useless", "she doesn't give homework"."""
        if self.topic is None:
            return NOTHING
        norm = self.shared.text.normalize(text)
        if not self.shared.text.placeable(norm) or not self.topic.search(norm):
            return NOTHING
        if self.not_given is not None and self.not_given.names_the_things(norm) \
                and self.not_given.says_none(norm.rstrip(".!? ")):
            return not_applicable(self.not_given.code, NOT_GIVEN_CONFIDENCE)
        about = self.shared.clauses_naming(norm, self.slot)
        figure = self._figure(about) if about else None
        if figure is not None:
            return figure
        found_words = self.words.read(about, subject_named=True) if about else None
        if found_words is None or found_words.value is None:
            return NOTHING
        return value_reading(found_words.value, found_words.confidence)


class SessionsItemReader:
    def __init__(self, item: Item, shared: Shared) -> None:
        self.shared = shared
        self.sessions = SessionsReader(shared.language, item.cues)

    def read(self, text: str, today: date) -> Reading:
        norm = self.shared.text.normalize(text)
        if not self.shared.text.placeable(norm):
            return NOTHING
        if self.shared.dont_know.only_dont_know(norm):
            return dont_know(DONT_KNOW_ONLY_CONFIDENCE)
        found = self.sessions.read(norm, today)
        if found.category is not None:
            return value_reading(found.category, SESSIONS_CONFIDENCE[found.source])
        return dont_know(DONT_KNOW_SAID_CONFIDENCE) if self.shared.dont_know.marked(norm)[1] else NOTHING

    def read_elsewhere(self, text: str, today: date) -> Reading:
        """A count of sessions ("8 sessions in"), or a length of time said about therapy."""
        norm = self.shared.text.normalize(text)
        if not self.shared.text.placeable(norm):
            return NOTHING
        found = self.sessions.read(norm, today)
        about_therapy = found.source == "sessions" or (
            found.source == "time" and self.shared.therapy_context.search(norm) is not None
        )
        if found.category is None or not about_therapy:
            return NOTHING
        return value_reading(found.category, SESSIONS_CONFIDENCE[found.source])


class RaisedNeedsItemReader:
    """Whether the client told their therapist what they need; a reply said like a hope with nothing about
    telling in it ("feel better") is no answer to this question, whatever its words of change say."""

    def __init__(self, item: Item, shared: Shared) -> None:
        self.shared = shared
        self.raised_needs = RaisedNeedsReader(item.cues)
        self.not_yet_explicit = compile_any(item.cues["not_yet_explicit"])

    def read(self, text: str, today: date) -> Reading:
        norm = self.shared.text.normalize(text)
        if not self.shared.text.placeable(norm):
            return NOTHING
        if self.shared.dont_know.only_dont_know(norm):
            return dont_know(DONT_KNOW_ONLY_CONFIDENCE)
        if self.shared.dont_know.only_unsure(norm):
            return NOTHING
        if self.shared.free_text.hope_shaped(norm) and not self.raised_needs.about_telling(norm):
            return not_an_answer(NOT_AN_ANSWER_CONFIDENCE)  # "feel better": a hope, whatever "better" says
        found = self.raised_needs.read(norm)
        if found.value is None:
            return NOTHING
        confidence = NOT_YET_CONFIDENCE if found.value == NOT_YET else RAISED_CONFIDENCE
        return value_reading(found.value, confidence)

    def read_elsewhere(self, text: str, today: date) -> Reading:
        """Only "I raised it (and ...)" or "I haven't told her" in so many words."""
        norm = self.shared.text.normalize(text)
        if not self.shared.text.placeable(norm):
            return NOTHING
        found = self.raised_needs.read(norm)
        if found.value == NOT_YET and self.not_yet_explicit.search(norm):
            return value_reading(NOT_YET, RAISED_CONFIDENCE)
        if found.value is not None and found.value != NOT_YET and found.raised:
            return value_reading(found.value, RAISED_CONFIDENCE)
        return NOTHING


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
        if self.shared.dont_know.only_dont_know(norm) or self.shared.free_text.undecided(norm):
            return dont_know(DONT_KNOW_ONLY_CONFIDENCE)
        if self.shared.dont_know.only_unsure(norm) or not self.shared.free_text.is_a_hope(norm):
            return NOTHING
        return value_reading(kept, FREE_TEXT_CONFIDENCE)

    def read_elsewhere(self, text: str, today: date) -> Reading:
        return NOTHING  # the client's own words answer only the question they were asked


class OptionalTextItemReader:
    """The client's own words, or "nothing to add" (not applicable: no value is stored)."""

    def __init__(self, item: Item, shared: Shared) -> None:
        self.shared = shared

    def read(self, text: str, today: date) -> Reading:
        kept = verbatim(text)
        if kept is None:
            return NOTHING
        norm = self.shared.text.normalize(kept).strip(" .!?,")
        if self.shared.dont_know.only_dont_know(norm) or self.shared.free_text.undecided(norm):
            return dont_know(DONT_KNOW_ONLY_CONFIDENCE)
        if self.shared.dont_know.only_unsure(norm):
            return NOTHING
        if self.shared.free_text.says_nothing_to_add(norm):
            return not_applicable(None, FREE_TEXT_CONFIDENCE)
        if not self.shared.free_text.is_a_hope(norm):
            return NOTHING  # "k", "yes", "lol": not what is missing
        return value_reading(kept, FREE_TEXT_CONFIDENCE)

    def read_elsewhere(self, text: str, today: date) -> Reading:
        return NOTHING


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

    def answer_text(self, text: str, slot: str | None = None) -> str | None:
        """The part of a message that may answer a question, or None when it is not an answer at all."""
        free_text = slot is not None and slot in self.bank.free_text_slots
        verdict = self.shared.not_an_answer.verdict(text, self.shared.text.normalize, free_text)
        return None if verdict.kind is not None else verdict.answer_text

    def read(self, slot: str, text: str, today: date) -> Reading:
        answer = self.answer_text(text, slot)
        if answer is None:
            return not_an_answer(NOT_AN_ANSWER_CONFIDENCE)
        return self.readers[slot].read(answer, today) if answer.strip() else NOTHING

    def read_all(self, text: str, slots: list[str], asked: str, today: date) -> dict[str, Reading]:
        answer = self.answer_text(text, asked)
        if answer is None:
            return {slot: not_an_answer(NOT_AN_ANSWER_CONFIDENCE) for slot in slots}
        rated_apart = self._rated_apart(answer, slots, asked, today)
        if rated_apart is not None:
            return rated_apart
        readings: dict[str, Reading] = {}
        for slot in slots:
            if not answer.strip():
                readings[slot] = NOTHING
            elif slot == asked:
                readings[slot] = self.readers[slot].read(answer, today)
            else:
                found = self.readers[slot].read_elsewhere(answer, today)
                readings[slot] = found if found.confidence >= ELSEWHERE_MIN_CONFIDENCE else NOTHING
        return readings

    def _rated_apart(
        self, answer: str, slots: list[str], asked: str, today: date
    ) -> dict[str, Reading] | None:
        """Readings when the message rates another question in clauses of its own ("they go pretty deep, 4.
        The advice is kind of generic, maybe a 2"): the asked question reads only the rest, the other one its
        own clauses; None when no other question gets a number of its own this way."""
        if asked in self.bank.free_text_slots:
            return None
        parts = self.shared.parts_by_subject(self.shared.text.normalize(answer), asked, slots)
        readings = dict.fromkeys(slots, NOTHING)
        for slot, part in parts.items():
            if slot == asked or self.shared.rating_about(part, slot) is None:
                continue
            found = self.readers[slot].read(part, today)
            if found.kind is not ReadingKind.VALUE or found.confidence < ELSEWHERE_MIN_CONFIDENCE:
                return None  # "she never gives homework, so 3": the number is not the homework's
            readings[slot] = found
        if not any(reading.is_answer for reading in readings.values()):
            return None
        own = parts.get(asked, "")
        readings[asked] = self.readers[asked].read(own, today) if own.strip(" .,!?") else NOTHING
        for slot in slots:
            if readings[slot] is NOTHING and slot != asked:
                found = self.readers[slot].read_elsewhere(parts.get(slot, ""), today) if parts.get(slot) \
                    else NOTHING
                readings[slot] = found if found.confidence >= ELSEWHERE_MIN_CONFIDENCE else NOTHING
        return readings

    def is_skip(self, text: str) -> bool:
        return self.shared.is_skip(text)
