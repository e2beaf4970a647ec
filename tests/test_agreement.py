"""Two readers must agree, or one tap confirms (issue 8): the pure-Python policy and its one-tap question."""

from __future__ import annotations

import pytest

from reflection.agreement import Confirm, Nothing, Take, confirmation, decide
from reflection.answer_parsing import read_answer
from reflection.answers.readings import (
    NOTHING,
    Reading,
    ReadingKind,
    dont_know,
    not_an_answer,
    not_applicable,
    value_reading,
)


def test_readers_that_agree_take_the_value() -> None:
    assert decide(value_reading(4, 0.6), value_reading(4, 0.55)) == Take(value_reading(4, 0.6))
    assert decide(dont_know(0.8), dont_know(0.7)).value is None
    assert decide(not_applicable("none", 0.9), not_applicable("none", 0.6)).value == "none"


def test_one_very_confident_reader_and_no_other_reading_takes_the_value() -> None:
    assert decide(value_reading(4, 0.95), NOTHING) == Take(value_reading(4, 0.95))
    assert decide(value_reading(4, 0.95), None) == Take(value_reading(4, 0.95))  # no model reading at all
    assert decide(NOTHING, value_reading(2, 0.93)) == Take(value_reading(2, 0.93))


def test_one_unsure_reader_alone_is_confirmed() -> None:
    assert decide(value_reading(3, 0.6), NOTHING) == Confirm(value_reading(3, 0.6))
    assert decide(NOTHING, value_reading(2, 0.8)) == Confirm(value_reading(2, 0.8))


def test_a_weak_reading_by_the_model_alone_is_no_reading() -> None:
    """A reading the model does not prefer to all the others together is not worth a question."""
    assert decide(NOTHING, value_reading(5, 0.45)) == Nothing("nothing read")
    assert decide(NOTHING, dont_know(0.4)) == Nothing("nothing read")


def test_a_stated_number_is_taken_unless_the_model_is_strongly_against_it() -> None:
    assert decide(value_reading(5, 0.95), value_reading(4, 0.95)) == Take(value_reading(5, 0.95))  # one apart
    assert decide(value_reading(5, 0.95), value_reading(2, 0.6)) == Take(value_reading(5, 0.95))
    assert decide(value_reading(5, 0.95), value_reading(2, 0.93)) == Confirm(value_reading(5, 0.95))
    assert decide(value_reading("early", 0.95), value_reading("long_term", 0.92)) == Confirm(
        value_reading("early", 0.95)
    )
    # even when the model is surer: "6 months weekly, way more than 3" is checked as counted (more than 12),
    # not as the model's "4 to 12" (a live conversation, round 13)
    counted = read_answer("sessions_so_far", "6 months weekly, way more than 3")
    assert counted.value == "long_term"
    assert decide(counted, value_reading("established", 0.96)) == Confirm(counted)


def test_readers_that_disagree_confirm_the_more_confident_reading() -> None:
    assert decide(value_reading(4, 0.9), value_reading(3, 0.7)) == Confirm(value_reading(4, 0.9))
    assert decide(value_reading(4, 0.6), value_reading(3, 0.8)) == Confirm(value_reading(3, 0.8))
    assert decide(dont_know(0.8), value_reading(3, 0.7)) == Confirm(dont_know(0.8))


def test_nothing_is_stored_from_a_message_that_is_not_an_answer() -> None:
    assert decide(not_an_answer(0.9), value_reading(1, 0.99)) == Nothing("not an answer")
    correction = read_answer("depth", "wait, I meant a 1 for the last one")
    assert isinstance(decide(correction, value_reading(1, 0.99)), Nothing)


def test_nothing_read_by_either_reader_is_nothing() -> None:
    assert decide(NOTHING, NOTHING) == Nothing("nothing read")
    assert decide(NOTHING, None) == Nothing("nothing read")


def test_free_text_is_taken_from_the_rules_alone() -> None:
    hopes = read_answer("hopes", "to feel less stuck")
    assert decide(hopes, None) == Take(hopes)


NO = "No, let me fix it"


@pytest.mark.parametrize(
    ("slot", "proposed", "text", "buttons"),
    [
        (
            "felt_heard",
            value_reading(3, 0.7),
            "I read that as about 3 of 5, somewhat. Is that right?",
            ["Yes, that's right", "1", "2", "3", "4", "5", "Not sure", NO],
        ),
        (
            "homework_fit",
            not_applicable("none", 0.7),
            "I read that as: there's no homework. Is that right?",
            ["Yes, that's right", "1", "2", "3", "4", "5", "No homework", "Not sure", NO],
        ),
        (
            "sessions_so_far",
            value_reading("early", 0.7),
            "I read that as \"3 sessions or fewer\". Is that right?",
            ["Yes, that's right", "3 sessions or fewer", "4 to 12 sessions", "More than 12", "Not sure", NO],
        ),
        (
            "depth",
            dont_know(0.7),
            "I read that as: you're not sure yet. Is that right?",
            ["Yes, that's right", "1", "2", "3", "4", "5", "Not sure", NO],
        ),
    ],
)
def test_the_one_tap_confirmation(slot: str, proposed: object, text: str, buttons: list[str]) -> None:
    asked = confirmation(slot, proposed)  # type: ignore[arg-type]
    assert asked.text == text
    assert [button.title for button in asked.buttons] == buttons


def test_a_confirmation_in_words_for_a_client_who_gave_no_numbers() -> None:
    assert confirmation("depth", value_reading(2, 0.7), gave_numbers=False).text == (
        "I read that as \"not really\". Is that right?"
    )


def test_every_confirmation_tap_is_read_as_the_answer_it_shows() -> None:
    cases = [("felt_heard", value_reading(3, 0.7)), ("sessions_so_far", value_reading("early", 0.7))]
    for slot, proposed in cases:
        for button in confirmation(slot, proposed).buttons[1:-2]:
            assert read_answer(slot, button.payload).is_answer
        assert read_answer(slot, confirmation(slot, proposed).buttons[-2].payload).kind.value == "dont_know"


def test_the_yes_and_no_of_a_confirmation_cannot_be_mistaken_for_an_answer() -> None:
    """Issue 8, item 10: a bare "Yes" sat next to "Yes, and it helped"; payloads stay /affirm and /deny."""
    asked = confirmation("raised_needs", value_reading("yes_no_change", 0.7))
    titles = [button.title for button in asked.buttons]
    assert "Yes" not in titles and "No" not in titles
    assert titles[0] == "Yes, that's right" and asked.buttons[0].payload == "/affirm"
    assert titles[-1] == NO and asked.buttons[-1].payload == "/deny"
    assert "Yes, and it helped" in titles


def test_an_ironic_confirmation_says_why_it_checks() -> None:
    asked = confirmation("felt_heard", value_reading(1, 0.85), ironic=True)
    assert "didn't sound like a real yes" in asked.text and "1 of 5" in asked.text


def test_a_word_answer_the_model_leans_to_is_taken_without_a_check() -> None:
    """The model read no answer but found the rule reader's value likeliest: the readers agree."""
    rule = value_reading(4, 0.85)
    leaning = Reading(ReadingKind.NOTHING, leaning=4)
    assert decide(rule, leaning) == Take(rule)
    assert decide(rule, Reading(ReadingKind.NOTHING, leaning=2)) == Confirm(rule)
    assert decide(rule, NOTHING) == Confirm(rule)
    assert Reading.from_dict(leaning.as_dict()) == leaning
