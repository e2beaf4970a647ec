"""What a message says about one question: a ``Reading``.

A reading is one of

* ``value``: an answer with a value (1-5, a choice code, the client's own words);
* ``dont_know``: "I don't know", "I've never given her feedback, so I can't say": an answer, no number;
* ``not_applicable``: the question does not apply ("she doesn't give homework" -> stored as ``none``;
  "she doesn't give advice"; "nothing" to an optional question): an answer, no number;
* ``not_an_answer``: a question, a correction or a request ("can I change my answer?"): never stored;
* ``nothing``: the message says nothing about this question.

with a confidence from 0 to 1 (how sure the reader is of this reading).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ReadingKind(str, Enum):
    VALUE = "value"
    DONT_KNOW = "dont_know"
    NOT_APPLICABLE = "not_applicable"
    NOT_AN_ANSWER = "not_an_answer"
    NOTHING = "nothing"


ANSWER_KINDS = frozenset({ReadingKind.VALUE, ReadingKind.DONT_KNOW, ReadingKind.NOT_APPLICABLE})


@dataclass(frozen=True)
class Reading:
    kind: ReadingKind
    # VALUE: the value; NOT_APPLICABLE: the code stored for it ("none" for homework) or None; else None
    value: int | str | None = None
    confidence: float = 0.0
    # The model's NOTHING only: the value it found likeliest all the same ("usually it fits" -> 4), when it
    # gave that value some weight; the rule reader's reading of the same value then counts as agreed.
    leaning: int | str | None = None

    @property
    def is_answer(self) -> bool:
        """True for a value, "don't know" and "doesn't apply": the question is settled."""
        return self.kind in ANSWER_KINDS

    @property
    def stored_value(self) -> int | str | None:
        """What the slot holds after this reading: a value, a "not applicable" code, or None (no number)."""
        return self.value if self.kind in (ReadingKind.VALUE, ReadingKind.NOT_APPLICABLE) else None

    def as_dict(self) -> dict[str, object]:
        leaning = {"leaning": self.leaning} if self.leaning is not None else {}
        confidence = round(self.confidence, 3)
        return {"kind": self.kind.value, "value": self.value, "confidence": confidence, **leaning}

    @classmethod
    def from_dict(cls, raw: dict[str, object]) -> Reading:
        value, leaning = raw.get("value"), raw.get("leaning")
        confidence = raw.get("confidence", 0.0)
        return cls(
            kind=ReadingKind(str(raw.get("kind", ReadingKind.NOTHING.value))),
            value=value if isinstance(value, (int, str)) and not isinstance(value, bool) else None,
            confidence=float(confidence) if isinstance(confidence, (int, float)) else 0.0,
            leaning=leaning if isinstance(leaning, (int, str)) and not isinstance(leaning, bool) else None,
        )


NOTHING = Reading(ReadingKind.NOTHING)


def value_reading(value: int | str, confidence: float) -> Reading:
    return Reading(ReadingKind.VALUE, value, confidence)


def dont_know(confidence: float) -> Reading:
    return Reading(ReadingKind.DONT_KNOW, None, confidence)


def not_applicable(code: str | None, confidence: float) -> Reading:
    return Reading(ReadingKind.NOT_APPLICABLE, code, confidence)


def not_an_answer(confidence: float) -> Reading:
    return Reading(ReadingKind.NOT_AN_ANSWER, None, confidence)
