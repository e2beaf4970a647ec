"""Reading a client's message as the answer to a reflection question.

``read_answer(slot, text)`` gives a ``Reading`` (see ``reflection/answers/readings.py``): a value, "don't
know", "doesn't apply", not an answer, or nothing, with a confidence. ``parse_answer(slot, text)`` is the
older, simpler view: ``Parsed(value)`` for a value or a "not applicable" code (homework ``"none"``; ``None``
for "nothing" to an optional question), or ``None`` when the answer can't be placed (the bot re-asks).

The engine is ``reflection/answers/``; the words it reads are data: ``content/answers/<lang>.yml`` for the
language and each item's ``cues`` in ``content/items.yml``. Values per slot:

* ``sessions_so_far``: ``early`` (3 sessions or fewer), ``established`` (4-12), ``long_term`` (more);
* the rated items (``kind: scale``): an int 1-5; homework may also be ``"none"`` (no homework is given);
* ``raised_needs``: ``yes_helped``, ``yes_no_change``, ``not_yet``;
* free text: the client's own words.

It never guesses: an answer that does not clearly say something about the question is not placed.
Everything runs in time linear in the length of the text (tests/test_linear_time.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from reflection.answers.engine import NOT_AN_ANSWER_CONFIDENCE, AnswerEngine
from reflection.answers.language import DEFAULT_LANGUAGE, load_language
from reflection.answers.not_an_answer import NotAnAnswerKind
from reflection.answers.readings import NOTHING, Reading, ReadingKind, not_an_answer
from reflection.items import load_item_bank

__all__ = [
    "SCALE_SLOTS", "Parsed", "Reading", "ReadingKind", "answer_part", "asks_for_medical_advice",
    "doubts_the_question", "is_correction", "is_skip", "rates_in_a_figure",
    "parse_answer", "read_all", "read_answer", "read_correction", "sounds_ironic", "sounds_like_a_hope",
]

SCALE_SLOTS: tuple[str, ...] = load_item_bank().scale_slots


@dataclass(frozen=True)
class Parsed:
    value: int | str | None  # None only for an optional free-text slot answered with "nothing"


def _today() -> date:
    return date.today()


@cache
def engine(language: str = DEFAULT_LANGUAGE) -> AnswerEngine:
    return AnswerEngine(load_item_bank(), load_language(language))


def is_skip(text: str) -> bool:
    """True when the client asks to skip this question ("skip", "pass", "I'd rather not say", ...)."""
    return isinstance(text, str) and engine().is_skip(text)


def _check_slot(slot: str, caller: str) -> None:
    if slot not in engine().readers:
        known = ", ".join(sorted(engine().readers))
        raise ValueError(f"{caller} got unknown slot {slot!r}; expected one of: {known}")


def read_answer(slot: str, text: str) -> Reading:
    """What ``text`` says as an answer to the question ``slot`` (a skip is not an answer)."""
    _check_slot(slot, "read_answer")
    if not isinstance(text, str) or not text.strip():
        return NOTHING
    if is_skip(text):
        return not_an_answer(NOT_AN_ANSWER_CONFIDENCE)
    return engine().read(slot, text, _today())


def read_all(text: str, items: Sequence[str], asked: str | None = None) -> dict[str, Reading]:
    """What one message says about every question in ``items`` (the ones not answered yet).

    ``asked`` is the open question (by default the first of ``items``): it gets the full reading. Every
    other question gets a reading only when the message answers it clearly and names its subject ("I
    raised it twice and nothing changed", "she doesn't give homework", "8 sessions in"); otherwise
    ``nothing``. A question, correction or request is ``not_an_answer`` for every item.
    """
    slots = list(items)
    for slot in slots:
        _check_slot(slot, "read_all")
    asked = asked if asked is not None else (slots[0] if slots else None)
    if asked is not None and asked not in slots:
        slots.insert(0, asked)
        _check_slot(asked, "read_all")
    if not isinstance(text, str) or not text.strip() or asked is None:
        return dict.fromkeys(slots, NOTHING)
    if is_skip(text):
        return dict.fromkeys(slots, not_an_answer(NOT_AN_ANSWER_CONFIDENCE))
    return engine().read_all(text, slots, asked, _today())


def answer_part(slot: str, text: str) -> str | None:
    """The sentences of a message that may answer ``slot``, without its questions to the assistant ("4.
    will my therapist see this?" -> "4."); None when the message is no answer at all (a question, a
    correction or a request)."""
    _check_slot(slot, "answer_part")
    if not isinstance(text, str) or not text.strip():
        return None
    return engine().answer_text(text, slot)


def gives_a_number(text: str) -> bool:
    """True when an answer rates with a number ("4", "a solid 3", "7/10", "80%")."""
    if not isinstance(text, str) or not text.strip():
        return False
    numbers, norm = engine().shared.numbers, engine().shared.text.normalize(text)
    return numbers.stated_up_front(text.strip().lower()) is not None or numbers.rating(norm) is not None


def sounds_ironic(text: str) -> bool:
    """True when a glowing answer may mean the opposite ("great advice, 'just relax' 🙄")."""
    if not isinstance(text, str) or not text.strip():
        return False
    return engine().shared.irony.sounds_ironic(text, engine().shared.text.normalize)


def doubts_the_question(text: str) -> bool:
    """True when the client is unsure what the question means or what to compare with ("I don't know what
    deep is supposed to feel like", "nothing to compare it to"): a don't-know, never a rating."""
    if not isinstance(text, str) or not text.strip():
        return False
    shared = engine().shared
    return shared.dont_know.doubts_the_question(shared.text.normalize(text))


def rates_in_a_figure(text: str) -> bool:
    """True when the answer rates low in a figure of speech ("about as deep as a puddle", "like talking to a
    brick wall"), whose own words ("deep") would read high."""
    if not isinstance(text, str) or not text.strip():
        return False
    shared = engine().shared
    return shared.figures.read(shared.text.normalize(text)) is not None


def is_correction(text: str) -> bool:
    """True when the message asks to change an earlier answer ("I got the last one wrong, it's a 1")."""
    if not isinstance(text, str) or not text.strip():
        return False
    shared = engine().shared
    return shared.not_an_answer.verdict(text, shared.text.normalize).kind == NotAnAnswerKind.CORRECTION


def sounds_like_a_hope(text: str) -> bool:
    """True when an answer is said the way a hope is ("feel better", "to sleep again", "I just want things
    to get better"); never for a question, a request or a correction."""
    if not isinstance(text, str) or not text.strip() or engine().answer_text(text) is None:
        return False
    shared = engine().shared
    return shared.free_text.hope_shaped(shared.text.normalize(text))


def asks_for_medical_advice(text: str) -> bool:
    """True only for a real request for a diagnosis or medication advice ("should I stop my meds?"); a hope
    that names a condition ("to understand my panic attacks") is not one."""
    if not isinstance(text, str) or not text.strip():
        return False
    shared = engine().shared
    return shared.not_an_answer.asks_for_medical_advice(shared.text.normalize(text))


def read_correction(slot: str, text: str) -> Reading:
    """The new answer a correction gives to ``slot`` ("change my answer about goals to mostly" -> 4).

    A correction is never an answer to the question being asked; this reads it only for the answer it
    changes."""
    _check_slot(slot, "read_correction")
    if not isinstance(text, str) or not text.strip():
        return NOTHING
    return engine().readers[slot].read(text, _today())


def read_in_passing(slot: str, text: str) -> Reading:
    """A clear answer to ``slot`` said in passing, whatever else the message is ("sorry, it's more like 20
    sessions actually" -> more than 12): the reading ``read_all`` gives a question not asked."""
    _check_slot(slot, "read_in_passing")
    if not isinstance(text, str) or not text.strip():
        return NOTHING
    return engine().readers[slot].read_elsewhere(text, _today())


def parse_answer(slot: str, text: str) -> Parsed | None:
    """The slot value the client's answer gives, or None when it can't be placed (the caller re-asks)."""
    _check_slot(slot, "parse_answer")
    reading = read_answer(slot, text)
    if reading.kind in (ReadingKind.VALUE, ReadingKind.NOT_APPLICABLE):
        return Parsed(reading.value)
    return None
