"""Messages that are not an answer: a question back, a correction of an earlier answer, or a request.

They are never read as an answer to any question. A question followed by a statement ("how long? about six
months") still answers with the statement, so only the sentences that are not questions are read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from reflection.answers.language import Language, alternation, choices, pattern, phrases

# A sentence ends at . ! ? (not inside a number like 3.5) or a line break.
_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+|\n|$)")


class NotAnAnswerKind(str, Enum):
    QUESTION = "question"
    CORRECTION = "correction"
    REQUEST = "request"


@dataclass(frozen=True)
class Verdict:
    kind: NotAnAnswerKind | None  # None: the message (or part of it) may be an answer
    answer_text: str  # the raw sentences that may be read as an answer


_CLAUSE = re.compile(r"[,;.!?]\s+")
_QUESTION_CLAUSE = re.compile(r"[,;]\s*|\s(?:and|or|but|so)\s")


class NotAnAnswerReader:
    def __init__(self, language: Language) -> None:
        n = language.section("not_an_answer")
        lead = rf"^(?:{alternation(n['asked_lead'])},? )*"  # "and is this anonymous?" asks as "is this …?"
        self._opens_question = re.compile(rf"{lead}{alternation(n['question_openers'])}\b")
        verbs = alternation(n["question_verbs"])
        self._opens_with_verb = re.compile(rf"^{verbs}\b")
        self._asks_us = re.compile(rf"{lead}{verbs} {alternation(n['question_to_us'])}\b")
        self._asked = re.compile(rf"{lead}{alternation(n['asked'])}\b")
        self._either_or = re.compile(n["either_or"])
        d = language.section("durations")
        number = rf"(?:\d+|{choices([*phrases(d['small_numbers']), *d['tens']], longest_first=True)})"
        # "fifteen or sixteen sessions?", "3 or 4?": unsure of a number, not weighing two readings
        self._numbers_either_side = re.compile(rf"\b{number}(?:[- ]{number})? or (?:so\b|{number}\b)")
        self._correction = re.compile(pattern(n["corrections"]))
        self._request = re.compile(pattern(n["requests"]))
        self._about_us = re.compile(pattern(n["about_us"]))
        self._medical_request = re.compile(pattern(n["medical_request"]))

    def asks_for_medical_advice(self, norm: str) -> bool:
        """A real request for a diagnosis or advice on medication, not a hope that names a condition."""
        return bool(self._medical_request.search(norm))

    def verdict(self, raw: str, normalize: Callable[[str], str], free_text: bool = False) -> Verdict:
        """Whether ``raw`` is a question, correction or request, and which of its sentences may answer.

        ``free_text``: the question asks for the client's own words, which may be phrased as a question
        ("would more structure help?"); only questions to the assistant count there.
        """
        whole = normalize(raw)
        if self._correction.search(whole):
            return Verdict(NotAnAnswerKind.CORRECTION, "")
        # a request said whole, or as a clause of its own ("oh no, my boss is calling, can we stop for now?")
        if any(self._request.search(part.strip(" .!?,")) for part in (whole, *_CLAUSE.split(whole))):
            return Verdict(NotAnAnswerKind.REQUEST, "")
        kept: list[str] = []
        questions = 0
        follows_a_question = False
        for match in _SENTENCE.finditer(raw):
            sentence = match.group()
            norm = normalize(sentence).strip()
            if not norm:
                continue
            # a question asked straight after one ("what's the difference between hopes and goals? ain't
            # they the same thing?") asks too, though it does not open like one
            if self._is_question(norm, free_text) or (follows_a_question and norm.endswith("?")):
                questions += 1
                follows_a_question = True
            else:
                kept.append(sentence)
                follows_a_question = False
        if questions and not any(normalize(part).strip(" .!?,") for part in kept):
            return Verdict(NotAnAnswerKind.QUESTION, "")
        return Verdict(None, "".join(kept).strip() if questions else raw)

    def _is_question(self, norm: str, free_text: bool) -> bool:
        if self._asked.match(norm):
            return True
        if self._about_us.search(norm) and any(
            self._opens_question.match(clause) or self._opens_with_verb.match(clause)
            for clause in _QUESTION_CLAUSE.split(norm)
        ):
            return True  # about the people who see the answers, asked even without "?"
        if not norm.endswith("?"):
            return False
        if self._opens_question.match(norm) or self._asks_us.match(norm):
            return True
        weighs = self._either_or.search(self._numbers_either_side.sub(" ", norm))
        return not free_text and bool(self._opens_with_verb.match(norm) or weighs)
