"""Two readers of one answer: take it when they agree, or ask the client in one tap when they don't.

The rule reader (``reflection/answers/``) and the model on the sentence encoder (when its readings come with
the message) each give a ``Reading``. ``decide`` turns the pair into what the form does:

* ``Take``: they agree, or one is very confident and the other has no reading;
* ``Confirm``: they disagree, or the only reading is not confident: "I read that as about 3 of 5. Right?";
* ``Nothing``: neither reader found an answer (the form re-asks).

A "don't know" or "doesn't apply" is taken as said: there is no number to confirm.
"""

from __future__ import annotations

from dataclasses import dataclass

from reflection.answers.readings import Reading, ReadingKind

SURE = 0.85  # a reading this confident stands alone when the other reader found nothing
MODEL_SURE = 0.9  # the model alone must be surer: it never saw the client's exact words before


@dataclass(frozen=True)
class Take:
    reading: Reading


@dataclass(frozen=True)
class Confirm:
    value: int | str


@dataclass(frozen=True)
class Nothing:
    pass


Decision = Take | Confirm | Nothing


def _found(reading: Reading | None) -> bool:
    return reading is not None and reading.is_answer


def decide(rule: Reading, model: Reading | None = None) -> Decision:
    if not _found(rule) and not _found(model):
        return Nothing()
    if _found(rule) and rule.kind != ReadingKind.VALUE:
        return Take(rule)  # "don't know", "doesn't apply": nothing to confirm
    if not _found(model):
        return Take(rule) if rule.confidence >= SURE else Confirm(rule.value)  # type: ignore[arg-type]
    assert model is not None
    if not _found(rule):
        if model.kind != ReadingKind.VALUE:
            return Take(model) if model.confidence >= MODEL_SURE else Nothing()
        return Take(model) if model.confidence >= MODEL_SURE else Confirm(model.value)  # type: ignore[arg-type]
    if model.kind == rule.kind and model.value == rule.value:
        return Take(rule)
    surer = rule if rule.confidence >= model.confidence else model
    if surer.kind != ReadingKind.VALUE:
        return Confirm(rule.value)  # type: ignore[arg-type]
    return Confirm(surer.value)  # type: ignore[arg-type]
