"""A reply in words to "Are you safe right now?": unsure or no is not safe; only a clear yes is safe."""

import re

import pytest

from reflection.clinics import Clinic
from reflection.messages import message
from reflection.safety_reply import read_safety_reply


@pytest.mark.parametrize(
    "reply",
    [
        "I don't know. probably not",
        "not sure",
        "Not sure tbh",
        "idk",
        "IDK",
        "probably not",
        "prolly not",
        "maybe not",
        "maybe",
        "no",
        "Nope.",
        "nah",
        "not really",
        "not rly",
        "I don't think so",
        "i dont thinks so",
        "i dont knw",
        "dunno",
        "no. I'm not safe",
        "im not safe",
        "not ok",
    ],
)
def test_an_unsure_or_negative_reply_is_not_safe(reply: str) -> None:
    assert read_safety_reply(reply) == "not_safe"


@pytest.mark.parametrize(
    "reply",
    ["yes I'm safe", "Yes, I'm safe", "yeah im safe", "yes", "i'm ok", "I'm not going to hurt myself"],
)
def test_a_clear_yes_is_safe(reply: str) -> None:
    assert read_safety_reply(reply) == "safe"


@pytest.mark.parametrize(
    "reply", ["Oh! No, I'm completely fine, I'm safe.", "no im safe", "nah im good", "No, I'm fine honestly"]
)
def test_a_no_that_denies_the_worry_before_i_am_safe_is_safe(reply: str) -> None:
    # a tester's happy client was told to call 911 for "Oh! No, I'm completely fine… I'm safe."
    assert read_safety_reply(reply) == "safe"


@pytest.mark.parametrize(
    "reply", ["no I'm not safe", "no im not ok", "no, im fine. actually not sure", "I'm safe but idk", "no"]
)
def test_a_no_with_anything_unsure_is_still_not_safe(reply: str) -> None:
    assert read_safety_reply(reply) == "not_safe"


@pytest.mark.parametrize("reply", ["hmm, purple", "carry on", ""])
def test_anything_else_is_neither(reply: str) -> None:
    assert read_safety_reply(reply) is None


@pytest.mark.parametrize(
    "clinic",
    [
        Clinic(id="us", name="US clinic", locale="US"),
        Clinic(id="uk", name="UK clinic", locale="UK"),
        Clinic(id="own", name="Own line", locale="US", crisis_short="call our line on 555 0100"),
        Clinic(
            id="own999",
            name="Own line",
            locale="UK",
            crisis_short="call 020 7946 0999, or 999 in an emergency",
        ),
    ],
)
def test_the_not_safe_reply_names_each_number_once(clinic: Clinic) -> None:
    own_line = clinic.names_emergency(clinic.crisis_helpline)
    reply = message(
        "crisis_unsafe_own_line" if own_line else "crisis_unsafe",
        emergency=clinic.emergency_number,
        crisis_helpline=clinic.crisis_helpline,
    ).text

    def times(number: str) -> int:
        return len(re.findall(rf"(?<!\d)(?<!\d ){re.escape(number)}(?!\d)", reply))

    assert times(clinic.emergency_number) == 1, reply
    assert all(times(number) <= 1 for number in ("988", "116 123", "555 0100")), reply


# Round 12: a formal or friendly yes ("Yes, I am perfectly safe, thank you. Do go on.") is safe, and "no
# worries" or "no problem" beside it refuses nothing. The form's own reading of the reply (which waives the
# next check-in) agrees with the safety reply's, for these and for the plain ones.
SAFE_IN_MANY_WORDS = [
    "Yes, I am perfectly safe, thank you. Do go on.",
    "yes im safe no worries",
    "I'm safe, no problem, it was just a saying",
    "Yes I'm fine, nothing to worry about",
    "yeah i fine, keep going",
    "yes I'm safe",
    "I'm ok",
    # a no that denies the worry, before the statement (found by live conversations, round 12)
    "gosh no, sorry, just a turn of phrase! I'm completely safe",
    "Heavens, no, I am quite all right, I only meant the garden",
    "hold on, no, I'm safe, honestly. can we go on?",
    "I'm safe. Nothing wrong at all, it's not an emergency",
]


@pytest.mark.parametrize("reply", SAFE_IN_MANY_WORDS)
def test_a_yes_in_many_words_is_safe_and_the_form_reads_it_alike(reply: str) -> None:
    from reflection.turns import Message, answers_check_in

    assert read_safety_reply(reply) == "safe"
    assert answers_check_in(Message(text=reply, intent="", confidence=0.0), reply)


@pytest.mark.parametrize(
    "reply",
    [
        "not really, no worries",
        "no, not safe, no",
        "I'm not ok, no problem",
        "no, I'm not safe",
        "no, I'm fine... not really",
        "I'm safe, no",
        "no im not ok but im safe",
    ],
)
def test_no_worries_does_not_hide_a_no(reply: str) -> None:
    assert read_safety_reply(reply) == "not_safe"


@pytest.mark.parametrize(
    ("payload", "reading"), [("/not_safe", "not_safe"), ("/im_safe", "safe"), ("/resume", None)]
)
def test_a_button_reads_as_what_it_says(payload: str, reading: str | None) -> None:
    from reflection.turns import Message, answers_check_in

    assert read_safety_reply(payload) == reading
    # the form reads "/not_safe" as no "I'm safe", whatever the intent classifier made of it
    assert answers_check_in(Message(text=payload, intent="", confidence=0.0), payload) is (reading == "safe")
