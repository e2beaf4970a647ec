"""Readings: a value, "don't know", "doesn't apply", not an answer, or nothing; and every message read against
every open question (issue 8). The phrasings are written for these tests; none comes from tests/heldout/."""

from __future__ import annotations

import pytest

from reflection.answer_parsing import parse_answer, read_all, read_answer
from reflection.answers.readings import NOTHING, Reading, ReadingKind
from reflection.items import load_item_bank

VALUE, DONT_KNOW, NOT_APPLICABLE = ReadingKind.VALUE, ReadingKind.DONT_KNOW, ReadingKind.NOT_APPLICABLE
NOT_AN_ANSWER, NOTHING_KIND = ReadingKind.NOT_AN_ANSWER, ReadingKind.NOTHING


def reading(slot: str, text: str) -> tuple[ReadingKind, object]:
    found = read_answer(slot, text)
    return found.kind, found.value


# --------------------------------------------------------------------------------------------------------
# 1. "Not yet" and split answers are not read as positive
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slot", "text", "expected"),
    [
        ("goals_shared", "we set goals in the first month, never looked at them again", 1),
        ("goals_shared", "we made a plan at the start but haven't looked at it since", 2),
        ("goals_shared", "at first we agreed on goals, now we just drift", 2),
        ("goals_shared", "we did in the beginning, not anymore", 2),
        ("felt_heard", "she used to really listen, these days she's on her phone", 2),
        ("felt_heard", "she used to listen, not anymore", 2),
        ("depth", "initially it was deep, now it's mostly small talk", 2),
        ("felt_heard", "at first no, but now she really gets me", 5),
        ("goals_shared", "not yet", 1),
        ("goals_shared", "not yet, we're still getting to know each other", 1),
        ("approach_fit", "not yet", 2),
        ("felt_heard", "respected yes, heard no", 2),
        ("felt_heard", "respected yes, listened to no", 2),
        ("felt_heard", "understood yes, respected not really", 3),
    ],
)
def test_not_yet_and_split_answers_are_not_read_as_positive(slot: str, text: str, expected: int) -> None:
    assert reading(slot, text) == (VALUE, expected)


# --------------------------------------------------------------------------------------------------------
# 2. "Don't know" and "doesn't apply" are answers that store no number
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slot", "text"),
    [
        ("approach_fit", "I don't know if she would adapt, I never gave feedback"),
        ("approach_fit", "I've never really given her feedback so no idea"),
        ("approach_fit", "no clue, I haven't asked for changes"),
        ("approach_fit", "haven't tested that yet"),
        ("felt_heard", "too early to tell"),
        ("felt_heard", "idk"),
        ("depth", "I don't know, we've only had two sessions"),
        ("depth", "hard to say yet, it's only been two sessions"),
        ("felt_heard", "I don't know if she'd notice if I left"),
        ("sessions_so_far", "no idea"),
        ("raised_needs", "not sure"),
        ("hopes", "idk yet"),
        ("hopes", "still figuring that out tbh"),
        ("hopes", "not yet"),
        ("missing", "dunno"),
        ("homework_fit", "there's homework, I just never get round to doing it"),
        ("homework_fit", "tbh i dont really open them"),
        ("homework_fit", "she sets stuff but I hardly ever do it haha"),
        ("advice_fit", "tricky to judge that one"),
        ("goals_shared", "honestly I don't know how to answer this"),
        ("hopes", "dont know what im looking for"),
        ("missing", "can't put my finger on it"),
    ],
)
def test_dont_know_is_an_answer_without_a_number(slot: str, text: str) -> None:
    found = read_answer(slot, text)
    assert found.kind is DONT_KNOW and found.is_answer and found.stored_value is None


def test_a_value_beats_dont_know() -> None:
    assert reading("felt_heard", "idk, maybe a 3") == (VALUE, 3)
    assert reading("felt_heard", "I'm not sure she listens") == (VALUE, 2)


@pytest.mark.parametrize(
    ("slot", "text", "stored"),
    [
        ("advice_fit", "she doesn't give advice", None),
        ("advice_fit", "she doesn't offer advice", None),
        ("advice_fit", "doesn't really suggest things", None),
        ("advice_fit", "there isn't really advice, it's more talking", None),
        ("advice_fit", "she never really gives advice, she mostly asks questions", None),
        ("homework_fit", "no. none", "none"),
        ("homework_fit", "nope, none", "none"),
        ("homework_fit", "no, none at all", "none"),
        ("homework_fit", "nah nothing like that", "none"),
        ("missing", "nah I'm good", None),
    ],
)
def test_doesnt_apply_is_an_answer_without_a_number(slot: str, text: str, stored: object) -> None:
    found = read_answer(slot, text)
    assert found.kind is NOT_APPLICABLE and found.is_answer and found.stored_value == stored


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("she doesn't give advice that fits my life", 2),
        ("doesn't give much advice, and what she gives is vague", 2),
        ("she gives advice but it's generic", 2),
        ("she never gives advice that fits", 1),
    ],
)
def test_advice_that_is_there_is_still_rated(text: str, expected: int) -> None:
    assert reading("advice_fit", text) == (VALUE, expected)


# --------------------------------------------------------------------------------------------------------
# 3. Clear positives are not marked down
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slot", "text", "expected"),
    [
        ("advice_fit", "fine, maybe a 4", 4),
        ("advice_fit", "honestly good, I'd say a 4", 4),
        ("felt_heard", "ok, probably a 4", 4),
        ("felt_heard", "3, maybe 4", 3),  # a range is still a range
        ("approach_fit", "yes, when I said X wasn't for me she switched", 4),
        ("approach_fit", "yes, after I told her the breathing stuff didn't work she tried something else", 4),
        ("approach_fit", "when I said I hated the worksheets she changed them", 4),
        ("approach_fit", "I told her I wasn't comfortable and she adjusted", 4),
        ("approach_fit", "I told her it wasn't working and nothing changed", 2),
    ],
)
def test_clear_answers_are_not_marked_down(slot: str, text: str, expected: int) -> None:
    assert reading(slot, text) == (VALUE, expected)


# --------------------------------------------------------------------------------------------------------
# Questions, corrections and requests are never an answer
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "can I change my answer?",
        "wait, I was being sarcastic, it's a 1",
        "I got the last one wrong, it's a 1",
        "change my answer about goals",
        "actually I got the previous one wrong, should be a 2",
        "can we go back to the last question?",
        "what do you mean by deep?",
        "does that mean like emotionally deep?",
        "will my therapist see this?",
        "should I keep seeing my therapist?",
        "is it normal to feel this way?",
        "delete my data please",
        "start over",
        "can we stop for now",
        "i need a break",
        "could I talk to someone at the clinic about switching?",
        "skip",
    ],
)
@pytest.mark.parametrize("slot", ["felt_heard", "homework_fit", "sessions_so_far", "raised_needs", "hopes"])
def test_questions_corrections_and_requests_are_not_answers(slot: str, text: str) -> None:
    found = read_answer(slot, text)
    assert found.kind is NOT_AN_ANSWER and not found.is_answer and found.stored_value is None
    assert parse_answer(slot, text) is None


@pytest.mark.parametrize(
    ("slot", "text", "expected"),
    [
        ("sessions_so_far", "how long? about two months", "established"),
        ("felt_heard", "kinda?", 3),
        ("felt_heard", "maybe 3?", 3),
        ("sessions_so_far", "maybe 20 sessions?", "long_term"),
        ("hopes", "to feel less anxious at work?", "to feel less anxious at work?"),
        ("missing", "would more structure help?", "would more structure help?"),
        ("depth", "we start over every session and get nowhere", 1),
    ],
)
def test_answers_that_look_like_questions_or_requests_are_answers(
    slot: str, text: str, expected: object
) -> None:
    assert reading(slot, text) == (VALUE, expected)


@pytest.mark.parametrize("text", ["hmm", "?", "um", ""])
def test_a_hesitation_is_nothing_yet(text: str) -> None:
    assert read_answer("felt_heard", text).kind is NOTHING_KIND


@pytest.mark.parametrize("text", ["k", "ok", "yes", "lol"])
def test_an_acknowledgement_is_not_what_is_missing(text: str) -> None:
    assert read_answer("missing", text).kind is NOTHING_KIND


# --------------------------------------------------------------------------------------------------------
# Confidence
# --------------------------------------------------------------------------------------------------------


def test_confidence_follows_how_clear_the_answer_is() -> None:
    number = read_answer("felt_heard", "4").confidence
    direct = read_answer("felt_heard", "mostly yes").confidence
    mixed = read_answer("felt_heard", "respected yes, heard no").confidence
    hedge = read_answer("felt_heard", "maybe").confidence
    assert number > direct > mixed > hedge > 0


# --------------------------------------------------------------------------------------------------------
# Every message against every open question
# --------------------------------------------------------------------------------------------------------

SLOTS = list(load_item_bank().slots)


def open_from(slot: str) -> list[str]:
    return SLOTS[SLOTS.index(slot):]


def answered(readings: dict[str, Reading]) -> dict[str, object]:
    return {
        slot: (found.kind.value, found.stored_value) for slot, found in readings.items() if found.is_answer
    }


def test_a_later_question_answered_early_is_found() -> None:
    readings = read_all("I raised it twice and nothing changed", open_from("approach_fit"))
    assert answered(readings) == {"approach_fit": ("value", 2), "raised_needs": ("value", "yes_no_change")}


def test_several_answers_in_one_message() -> None:
    readings = read_all("we just chat, no homework either, and we never set any goals", open_from("depth"))
    assert answered(readings) == {
        "depth": ("value", 2),
        "homework_fit": ("not_applicable", "none"),
        "goals_shared": ("value", 1),
    }


def test_a_session_count_is_found_from_any_question() -> None:
    readings = read_all("8 sessions in and she still talks over me", ["felt_heard", "sessions_so_far"])
    assert answered(readings) == {"felt_heard": ("value", 2), "sessions_so_far": ("value", "established")}


def test_only_clear_answers_to_other_questions_count() -> None:
    readings = read_all("yes mostly, 4", open_from("felt_heard"))
    assert answered(readings) == {"felt_heard": ("value", 4)}
    readings = read_all("I've had anxiety for years, she helps a bit", ["felt_heard", "sessions_so_far"])
    assert "sessions_so_far" not in answered(readings)
    readings = read_all("no", open_from("depth"))
    assert answered(readings) == {"depth": ("value", 1)}


def test_a_clause_about_another_question_is_read_for_that_question() -> None:
    readings = read_all("the advice is ok but the worksheets are pointless", open_from("advice_fit"))
    assert answered(readings) == {"advice_fit": ("value", 3), "homework_fit": ("value", 1)}


def test_raised_needs_from_another_question_needs_the_client_to_say_so() -> None:
    readings = read_all("I haven't told her any of this", open_from("approach_fit"))
    assert readings["raised_needs"].stored_value == "not_yet"
    readings = read_all("no, it didn't help", open_from("approach_fit"))
    assert readings["raised_needs"] is NOTHING


def test_not_an_answer_is_not_an_answer_for_any_question() -> None:
    readings = read_all("can I change my answer? it's a 1", open_from("depth"))
    assert {found.kind for found in readings.values()} == {NOT_AN_ANSWER}


def test_the_asked_question_defaults_to_the_first_open_one() -> None:
    assert read_all("mostly", ["depth", "advice_fit"])["depth"].stored_value == 4
    assert read_all("mostly", ["advice_fit"], asked="depth")["depth"].stored_value == 4


def test_unknown_slots_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown slot"):
        read_all("yes", ["favourite_colour"])
    with pytest.raises(ValueError, match="unknown slot"):
        read_answer("favourite_colour", "yes")


# --------------------------------------------------------------------------------------------------------
# The Reading type
# --------------------------------------------------------------------------------------------------------


def test_a_reading_travels_as_a_dict() -> None:
    found = read_answer("homework_fit", "she doesn't give homework")
    assert Reading.from_dict(found.as_dict()) == found
    assert found.as_dict() == {"kind": "not_applicable", "value": "none", "confidence": found.confidence}
    assert Reading.from_dict({"kind": "value", "value": True}).value is None  # a bool is never a rating
    assert Reading.from_dict({}).kind is NOTHING_KIND


# --------------------------------------------------------------------------------------------------------
# Tester, round 4: a second answer in one message, and a hope typed at "have you told your therapist?"
# --------------------------------------------------------------------------------------------------------


def test_a_second_answer_is_read_when_the_message_names_its_question() -> None:
    readings = read_all("since march, she's a good listener", open_from("sessions_so_far"))
    assert answered(readings)["felt_heard"] == ("value", 5)
    readings = read_all("heard: 4, but the sessions feel pretty shallow", open_from("felt_heard"))
    assert answered(readings) == {"felt_heard": ("value", 4), "depth": ("value", 2)}


def test_a_clause_naming_two_questions_answers_neither_in_passing() -> None:
    readings = read_all("the advice is surface level, 2", open_from("advice_fit"))
    assert answered(readings) == {"advice_fit": ("value", 2)}


@pytest.mark.parametrize(
    ("slot", "text", "expected"),
    [
        ("depth", "depth is probably a 2", 2),
        ("advice_fit", "tips are about a 3", 3),
        ("felt_heard", "heard a 5", 5),
        ("approach_fit", "her style gets a 2", 2),
    ],
)
def test_a_number_said_after_the_questions_own_name_is_its_rating(
    slot: str, text: str, expected: int
) -> None:
    assert reading(slot, text) == (VALUE, expected)


@pytest.mark.parametrize(
    "text",
    [
        "sleep through the night again",
        "to stop second-guessing myself",
        "be kinder to myself",
        "more confidence at work",
        "not feel so on edge",
        "I'd love to feel calmer",
    ],
)
def test_a_hope_is_no_answer_to_raised_needs(text: str) -> None:
    assert read_answer("raised_needs", text).kind is NOT_AN_ANSWER


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nah not yet", "not_yet"),
        ("too nervous to, honestly", "not_yet"),
        ("I want to but keep chickening out", "not_yet"),
        ("to be honest, not yet", "not_yet"),
        ("helped a lot", "yes_helped"),
        ("nothing really changed", "yes_no_change"),
    ],
)
def test_answers_to_raised_needs_without_a_hope_in_them_still_read(text: str, expected: str) -> None:
    assert reading("raised_needs", text) == (VALUE, expected)


def test_homework_never_done_is_rated_when_the_fit_is_said_too() -> None:
    assert reading("homework_fit", "I never do them because they're irrelevant to me") == (VALUE, 2)
    assert reading("homework_fit", "we don't do homework")[0] is not VALUE
