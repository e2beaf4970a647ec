"""The benchmark's clients say things the assistant reads as answers, and follow the questions it asks."""

import pytest

from bench.conversation import UNKNOWN, answers, asked_for, question_fragments
from reflection.answer_parsing import is_skip, parse_answer
from reflection.flow import question_slots
from reflection.items import load_item_bank
from reflection.safety import detect_risk

ANSWERED = [
    (slot, text) for slot, texts in answers().items() if slot in load_item_bank().slots for text in texts
]


@pytest.mark.parametrize(("slot", "text"), ANSWERED)
def test_every_benchmark_answer_is_read_as_an_answer_or_a_skip(slot: str, text: str) -> None:
    assert is_skip(text) or parse_answer(slot, text) is not None
    assert detect_risk(text) is None  # a disclosure would take the client out of the reflection


def test_the_benchmark_has_answers_for_every_question() -> None:
    assert set(question_slots()) <= set(answers())


@pytest.mark.parametrize("item", load_item_bank().items, ids=lambda item: item.slot)
def test_each_question_is_recognised_in_every_wording(item) -> None:  # noqa: ANN001
    for wording in item.question.values():
        filled = wording.replace("{last}", "3").replace("{area}", "depth")
        assert asked_for(["Thanks.", filled]) == item.slot


def test_an_unknown_reply_is_not_taken_for_a_question() -> None:
    assert asked_for(["Take care of yourself."]) == UNKNOWN
    assert all(len(fragment) >= 12 for fragment, _ in question_fragments())
