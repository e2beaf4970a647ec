"""Two readers of one answer, and what to do with what they read: take it, confirm it once, or nothing.

The rule reader (``reflection/answer_parsing.py``) and the model reader (``reflection/answer_model.py``, run
inside Rasa's NLU pipeline) each give a ``Reading``. ``decide(rule, model)``:

* a question, correction or request (``not_an_answer`` from the rules) -> ``Nothing``: never stored;
* both read the same answer (the same value, or both "don't know", or both "doesn't apply") -> ``Take``;
* one is very confident and the other has no reading -> ``Take`` what the confident one read;
* the rule reader read a value and the model, though it read no answer, found that same value likeliest
  (its ``leaning``: "usually it fits") -> ``Take``: the two agree, the model is only unsure it is an answer;
* the client stated it ("5", "about eight sessions": the rule reader's ``STATED`` confidence) and the model
  is not strongly against it (very confident of something else, or two or more points away) -> ``Take`` the
  stated answer: asking "is 5 right?" of someone who just typed 5 is the robotic echo issue 8 is about;
* the model alone reads something it does not even prefer to all other readings together (below 0.5) ->
  ``Nothing``: the caller re-asks (on the blind answers v4 a floor of 0.75 re-asked too many real answers,
  "we're at 7 i think" among them, and 0.5 kept nearly all of them);
* neither has a reading -> ``Nothing`` (the caller re-asks);
* otherwise -> ``Confirm`` the more confident reading once, with one tap ("I read that as about 3 of 5,
  *somewhat*. Is that right?"); a tap on another number or "Not sure" is the answer. A stated answer the
  model is strongly against is the one checked: "6 months weekly, way more than 3" is counted, not guessed.

Free-text questions have no model reading: the rule reader's reading is taken when it is very confident.
``confirmation(slot, proposed)`` gives the message to ask with; its words are in ``content/messages.yml``.
"""

from __future__ import annotations

from dataclasses import dataclass

from reflection.answers.readings import Reading, ReadingKind
from reflection.items import Button, ItemBank, load_item_bank
from reflection.messages import Message, message

VERY_CONFIDENT = 0.9
STATED = 0.95  # the rule reader's confidence for a number or a session count the client stated
MODEL_ALONE_FLOOR = 0.5  # below this, a reading by the model alone is no reading (it prefers another)


@dataclass(frozen=True)
class Take:
    """Store this reading: ``reading.stored_value`` (a value, a code like "none", or None for no number)."""

    reading: Reading

    @property
    def value(self) -> int | str | None:
        return self.reading.stored_value


@dataclass(frozen=True)
class Confirm:
    """Ask once whether ``proposed`` is what the client meant (see ``confirmation``)."""

    proposed: Reading


@dataclass(frozen=True)
class Nothing:
    """Store nothing: not an answer, or nothing read."""

    reason: str


Decision = Take | Confirm | Nothing


def same_answer(first: Reading, second: Reading) -> bool:
    """Both read the same answer: the same value, or both "don't know", or both the same "doesn't apply"."""
    return first.is_answer and second.is_answer and first.kind is second.kind and first.value == second.value


def _strongly_against(stated: Reading, model: Reading | None) -> bool:
    """The model reads something else with confidence: a different answer, or a rating two or more away."""
    if model is None or not model.is_answer or model.confidence < VERY_CONFIDENT:
        return False
    if same_answer(stated, model):
        return False
    if isinstance(stated.value, int) and isinstance(model.value, int) and model.kind is ReadingKind.VALUE:
        return abs(stated.value - model.value) >= 2
    return True


def decide(rule: Reading, model: Reading | None, very_confident: float = VERY_CONFIDENT) -> Decision:
    """What to do with one answer, given what the rule reader and the model reader read."""
    if rule.kind is ReadingKind.NOT_AN_ANSWER:
        return Nothing("not an answer")
    model_read = model is not None and model.is_answer
    if rule.is_answer and model_read and same_answer(rule, model):  # type: ignore[arg-type]
        return Take(rule)
    if rule.kind is ReadingKind.VALUE and rule.confidence >= STATED and not _strongly_against(rule, model):
        return Take(rule)
    if rule.is_answer and not model_read:
        leans_the_same = model is not None and rule.kind is ReadingKind.VALUE and model.leaning == rule.value
        return Take(rule) if rule.confidence >= very_confident or leans_the_same else Confirm(rule)
    if model_read and not rule.is_answer:
        assert model is not None
        if model.confidence < MODEL_ALONE_FLOOR:
            return Nothing("nothing read")
        return Take(model) if model.confidence >= very_confident else Confirm(model)
    if not rule.is_answer:
        return Nothing("nothing read")
    assert model is not None
    if rule.confidence >= STATED:  # "6 months weekly, way more than 3": what they stated is what is checked
        return Confirm(rule)
    return Confirm(model if model.confidence > rule.confidence else rule)


def confirmation(
    slot: str,
    proposed: Reading,
    gave_numbers: bool = True,
    bank: ItemBank | None = None,
    ironic: bool = False,
) -> Message:
    """The one-tap question that checks a reading: "I read that as about 3 of 5, *somewhat*. Is that right?"

    Buttons: "Yes, that's right", then the question's own answers (1-5, or its choices), then "Not sure" and
    "No, let me fix it". ``gave_numbers``: without numbers, a rating is checked in words only. ``ironic``: the
    rating proposed is the opposite of a glowing answer that didn't sound meant.
    """
    bank = bank or load_item_bank()
    item = bank.item(slot)
    if item.kind == "scale":  # 1-5, and the question's own extra answers ("No homework")
        answers = tuple(Button(title=str(n), payload=str(n)) for n in bank.scale_labels) + item.buttons
    else:
        answers = bank.buttons_for(item)
    if proposed.kind is ReadingKind.DONT_KNOW:
        checked = message("confirm_dont_know")
    elif proposed.kind is ReadingKind.NOT_APPLICABLE:
        said = (item.not_applicable or {}).get("said") or message("not_applicable_said").text
        checked = message("confirm_not_applicable", said=said)
    elif item.kind == "scale" and isinstance(proposed.value, int):
        words = bank.scale_words.get(proposed.value, "")
        name = "confirm_scale" if gave_numbers else "confirm_scale_in_words"
        name = name.replace("confirm_scale", "confirm_scale_ironic") if ironic else name
        checked = message(name, value=proposed.value, words=words)
    else:
        checked = message("confirm_choice", words=item.describe(proposed.value))
    yes, *rest = checked.buttons
    return Message(text=checked.text, buttons=(yes, *answers, *rest))
