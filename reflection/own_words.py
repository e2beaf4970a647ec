"""The client's own words, given back the way a person would: short, meaningful, cut cleanly.

* ``quote_of(text)``: a few words of an answer to quote back ("You said: “she seems distracted”"), or
  None when the answer holds nothing worth quoting ("not really", "2", a button). A long answer is cut at
  the end of its first sentence or clause, or else at a word boundary with "…"; never mid-word, and never
  with its own closing punctuation, so the sentence around it adds the only full stop. Given the rating
  (``slot``, ``value``), a mixed answer is quoted by the clause that carries it: for a 2, "I never feel he
  gets it", not "he was kind"; a correction ("no wait, make it 2") or a bare number is never quoted.
* ``own_words(text)``: what the client hopes for (or feels is missing), cleaned for a summary or a
  conversation starter: hedges like "idk, maybe" dropped, "not yet" or "k" give None, a paragraph is cut
  to its first sentence.
* ``said_for_choice(text, not_these)``: the client's words for a choice they answered in their own way
  ("a year and a half", "since like september"), to show beside the stored category ("more than 12
  sessions"), or None for a tap, a bare number or a yes.
* ``gave_numbers(answers)``: whether the client rated anything with a number, so that only they hear
  "you rated".

None of them ever gives back the assistant's own wording as the client's (``bot_wording``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from reflection.answer_parsing import engine, gives_a_number, read_answer
from reflection.answers.language import alternation, pattern, phrases
from reflection.answers.readings import ReadingKind
from reflection.answers.text import TOKEN
from reflection.bot_wording import without_bot_wording
from reflection.items import load_item_bank

QUOTE_MIN_WORDS = 3
QUOTE_MAX_WORDS = 12
QUOTE_MIN_CONTENT_WORDS = 1  # "not really tbh" says how, not what: nothing to quote
QUOTE_MAX_CLAUSES = 12  # only the first clauses are weighed: a quote never costs more than a short answer
LOW_AT_MOST, HIGH_AT_LEAST = 2, 4
OWN_WORDS_MAX_WORDS = 20  # a conversation starter
SUMMARY_MAX_WORDS = 50  # the summary gives back a longer hope whole, sentence by sentence
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_TRAILING = " \t.,;:!?…-\u2014\"'“”‘’"
_LEADING = " \t.,;:!?…-\u2014\"'“”‘’"


@cache
def _low_content_words() -> frozenset[str]:
    """Words that say how much or how sure, not what: "yes", "really", "mostly", "i guess"."""
    shared = engine().shared
    general = {phrase for phrase in _general_phrases() if " " not in phrase}  # "yes", "mostly", "really"
    # and what says nothing on its own: "whatever", "idk", "fine"
    free_text = shared.language.section("free_text")
    nothing = {
        phrase for key in ("not_a_hope", "hedges") for phrase in phrases(free_text[key]) if " " not in phrase
    }
    return frozenset(general | nothing) | shared.scale_words.function_words | shared.scale_words.subjects


@cache
def _general_phrases() -> tuple[str, ...]:
    terms = engine().shared.language.section("scale", "terms")
    return tuple(phrase for term in terms for phrase in phrases(term.get("words")))


def _content_words(text: str) -> list[str]:
    norm = engine().shared.text.normalize(text)
    low = _low_content_words()
    return [t for t in TOKEN.findall(norm) if t[0].isalpha() and len(t) >= 3 and t not in low]


@cache
def _clause_end() -> re.Pattern[str]:
    """A clause ends at a comma or dash, or before a word that starts a new one ("... and I never ...")."""
    breaks = engine().shared.language.section("other_questions", "clause_breaks")
    return re.compile(rf"[,;:\u2014]|\s(?={alternation(breaks)}\s)", re.IGNORECASE)


def _first_part(text: str, max_words: int) -> str:
    """The first meaningful sentence, or its first clause, or its first ``max_words`` words and "…"."""
    sentences = [part.strip() for part in _SENTENCE_END.split(text.strip()) if part.strip()]
    sentence = next((part for part in sentences if _content_words(part)), sentences[0] if sentences else "")
    words = sentence.split()
    if len(words) <= max_words:
        return sentence.rstrip(_TRAILING)
    clause_ends = [m.start() for m in _clause_end().finditer(sentence)]
    fitting = [end for end in clause_ends if QUOTE_MIN_WORDS <= len(sentence[:end].split()) <= max_words]
    if fitting:
        return sentence[:fitting[-1]].rstrip(_TRAILING)
    return " ".join(words[:max_words]).rstrip(_TRAILING) + "…"


def _meaningful_part(text: str, max_words: int) -> str:
    """What to quote of an answer: its first meaningful sentence without the fillers in front ("um yeah so");
    one too long to quote whole starts at its first clause that says something ("it's fine I guess, but she
    forgets what I told her" -> "she forgets what I told her")."""
    sentences = [part.strip() for part in _SENTENCE_END.split(text.strip()) if part.strip()]
    sentence = next((part for part in sentences if _content_words(part)), sentences[0] if sentences else "")
    sentence = _without_hedges(sentence.lstrip(_LEADING))
    if len(sentence.split()) > max_words:
        starts = [0, *(m.end() for m in _clause_end().finditer(sentence))]
        ends = [*starts[1:], len(sentence)]
        meaningful = next((start for start, end in zip(starts, ends, strict=True)
                           if _content_words(sentence[start:end])), 0)
        sentence = _without_hedges(_clause_lead().sub("", sentence[meaningful:].lstrip(_LEADING)))
    return _first_part(sentence, max_words)


@cache
def _clause_lead() -> re.Pattern[str]:
    breaks = engine().shared.language.section("other_questions", "clause_breaks")
    return re.compile(rf"^{alternation(breaks)}\b[\s,]*", re.IGNORECASE)


_QUOTED_SPEECH = re.compile(r"[\"“”„«»]|(?:^|\s)'[^']{6,}'")


def quote_of(
    text: str | None, not_these: Iterable[str] = (), slot: str | None = None, value: object = None
) -> str | None:
    """A short, meaningful part of an answer to quote back, or None (see the module docstring)."""
    if not text or not text.strip():
        return None
    stripped = without_bot_wording(text.strip())  # never the assistant's own words given back as theirs
    if stripped.lower() in {phrase.lower() for phrase in not_these}:
        return None  # a button the client tapped
    if _QUOTED_SPEECH.search(stripped):
        return None  # "'have you tried a bubble bath?' she says": someone else's words, not theirs
    if len(stripped.split()) < QUOTE_MIN_WORDS or len(_content_words(stripped)) < QUOTE_MIN_CONTENT_WORDS:
        return None
    rating_part = _rating_part(stripped, slot, value)
    if rating_part is None:
        return None
    quote = _meaningful_part(rating_part, QUOTE_MAX_WORDS).lstrip(_LEADING)
    if len(quote.split()) < QUOTE_MIN_WORDS or len(_content_words(quote)) < QUOTE_MIN_CONTENT_WORDS:
        return None
    return quote


def _rating_part(text: str, slot: str | None, value: object) -> str | None:
    """The clause of a rated answer that says what its rating says; the whole answer when it holds no other
    clause of its own; None when no clause is left to quote.

    For a 2, "He was kind, but I never feel he gets it" -> "I never feel he gets it" and "she means well, but
    it's the same plan every week" -> "it's the same plan every week" (the point comes after "but"); "she
    really listens. no wait, make it 2" -> None: praise is no quote for a 2, a correction none at all."""
    clauses = _clauses(text)
    lean = _band(value)
    opposite = {"low": "high", "high": "low"}.get(lean or "")
    leanings = [_leaning(clause, slot) if opposite else None for clause in clauses]
    out = [
        _is_correction(clause) or (opposite is not None and leaning == opposite)
        for clause, leaning in zip(clauses, leanings, strict=True)
    ]
    kept = [
        (clause, leaning)
        for clause, leaning, left_out in zip(clauses, leanings, out, strict=True)
        if not left_out and _content_words(clause)
    ]
    agreeing = [clause for clause, leaning in kept if leaning == lean]
    after_but = [clause for clause, _ in kept[1:] if _main_point_lead().match(clause.lstrip(_LEADING))]
    if opposite and not agreeing and after_but:
        agreeing = after_but  # "she means well, but it's the same plan every week": the point after "but"
    if not any(out) and (not agreeing or len(agreeing) == len(kept)):
        return text  # nothing to leave out, and no clause says the rating better than the whole
    chosen = agreeing or [clause for clause, _ in kept]
    if not chosen:
        return None
    return _clause_lead().sub("", chosen[0].lstrip(_LEADING)).rstrip(_TRAILING) or None


@cache
def _main_point_lead() -> re.Pattern[str]:
    """The words that open the clause carrying a mixed answer's point ("..., but she never asks")."""
    return re.compile(rf"^{alternation(engine().shared.language.section('quotes', 'point_after'))}\b", re.I)


def _clauses(text: str) -> list[str]:
    """The answer's sentences cut at their clauses ("he was kind", "but I never feel he gets it")."""
    clauses: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        starts = [0, *(m.end() for m in _clause_end().finditer(sentence))]
        ends = [*starts[1:], len(sentence)]
        clauses += [sentence[start:end].strip(_TRAILING) for start, end in zip(starts, ends, strict=True)]
        if len(clauses) >= QUOTE_MAX_CLAUSES:
            break
    return [clause for clause in clauses[:QUOTE_MAX_CLAUSES] if clause]


def _band(value: object) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    return "low" if value <= LOW_AT_MOST else "high" if value >= HIGH_AT_LEAST else "mid"


def _leaning(clause: str, slot: str | None) -> str | None:
    """How a clause rates on its own: by the rated question's reader, or else the way every other rating
    question that reads it agrees ("he was kind" says nothing of depth, but is praise to "feeling heard")."""
    rated = load_item_bank().scale_slots
    if slot in rated:
        own = _band(read_answer(slot, clause).value)
        if own is not None:
            return own
    bands = {_band(read_answer(other, clause).value) for other in rated if other != slot}
    bands.discard(None)
    return bands.pop() if len(bands) == 1 else None


@cache
def _correction() -> re.Pattern[str]:
    corrections = engine().shared.language.section("quotes", "corrections")
    return re.compile(pattern(corrections))


def _is_correction(clause: str) -> bool:
    """A clause that only changes the number: "no wait, make it 2", "actually a 1"."""
    plain = " ".join(clause.lower().replace("\u2019", "'").split()).strip(_TRAILING)
    return bool(_correction().search(plain))


SAID_MIN_WORDS = 2  # "12" or "yes" says nothing the category does not


def said_for_choice(text: object, not_these: Iterable[str] = ()) -> str | None:
    """The client's words for a choice answer, kept beside its category, or None (see the docstring)."""
    if not isinstance(text, str) or not text.strip():
        return None
    stripped = without_bot_wording(text.strip())
    if stripped.lower() in {phrase.lower() for phrase in not_these} or stripped.startswith("/"):
        return None  # a button the client tapped
    if len(stripped.split()) < SAID_MIN_WORDS or not _content_words(stripped):
        return None
    said = _first_part(stripped, QUOTE_MAX_WORDS).lstrip(_LEADING)
    return said if len(said.split()) >= SAID_MIN_WORDS else None


def own_words(text: object, slot: str = "hopes", max_words: int = OWN_WORDS_MAX_WORDS) -> str | None:
    """The client's own words, cleaned for a summary or a starter, or None when there is nothing to use."""
    if not isinstance(text, str) or not text.strip():
        return None
    text = without_bot_wording(text)
    found = read_answer(slot, text)
    if found.kind is not ReadingKind.VALUE or not isinstance(found.value, str):
        return None  # "idk", "not yet", "k", "nothing"
    cleaned = _without_hedges(text.strip())
    if slot == "hopes":  # "You said you hope for: 'I hope to ...'" says it twice
        lead = _hope_lead().match(cleaned.lower().replace("\u2019", "'"))
        cleaned = cleaned[lead.end() :] if lead else cleaned
    if not _content_words(cleaned):
        return None
    return _sentences_that_fit(cleaned, max_words) or _first_part(cleaned, max_words).lstrip(_LEADING) or None


def _sentences_that_fit(text: str, max_words: int) -> str | None:
    """The answer's meaningful sentences, as many whole ones as fit in ``max_words``
    ("…to stop pushing people away. And to say no without guilt." keeps both), or None when the first
    alone is too long."""
    sentences = [part.strip() for part in _SENTENCE_END.split(text.strip()) if part.strip()]
    kept: list[str] = []
    for sentence in sentences:
        if not _content_words(sentence):
            continue  # "um." before it, "idk." or "lol" after it
        if len(" ".join([*kept, sentence]).split()) > max_words:
            break
        kept.append(sentence)
    return " ".join(kept).lstrip(_LEADING).rstrip(_TRAILING) or None


@cache
def _hope_lead() -> re.Pattern[str]:
    return re.compile(pattern(engine().shared.language.section("quotes", "hope_lead")))


@cache
def _hedge_lead() -> re.Pattern[str]:
    hedges = engine().shared.language.section("free_text", "hedges")
    return re.compile(rf"^(?:{alternation(hedges)}\b[\s,.;:!-]*)+", re.IGNORECASE)


def _without_hedges(text: str) -> str:
    """'I don't know, maybe to understand myself better' -> 'to understand myself better'."""
    lead = _hedge_lead().match(text.replace("\u2019", "'"))  # same length: the offset fits the original
    trimmed = text[lead.end():].strip() if lead else text
    return trimmed or text


def gave_numbers(raw_answers: Iterable[str | None]) -> bool:
    """True when any of the client's answers rated something with a number ("4", "7/10", a 1-5 button)."""
    return any(isinstance(raw, str) and gives_a_number(raw) for raw in raw_answers)
