"""The client's own words given back like a person would: short, meaningful, cleanly cut (issue 8)."""

from __future__ import annotations

import re

import pytest
import yaml

from reflection.bot_wording import WORDING_PATHS
from reflection.messages import message
from reflection.own_words import gave_numbers, own_words, quote_of, said_for_choice
from reflection.summary import build_summary, conversation_starters
from reflection.wording import acknowledgement, question_for

LONG_LOW = (
    "she talks over me constantly and I never get to finish a sentence, it is like she has a script and "
    "she just runs through it every single week no matter what I bring"
)
LONG_HOPES = (
    "I want to stop feeling so anxious all the time. Also I want to sleep better, and be able to go to "
    "work without panicking every morning, and honestly I would like to understand why I keep ending up "
    "in the same kind of relationships over and over, because it has been going on for years now."
)


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("not really, she seems distracted", "not really, she seems distracted"),
        ("no. she interrupts me.", "she interrupts me"),
        ("Nope. She looks at the clock when I talk.", "She looks at the clock when I talk"),
        (LONG_LOW, "she talks over me constantly"),
        ("not really tbh", None),
        ("no not at all", None),
        ("2", None),
        ("she is ok i guess", None),
    ],
)
def test_only_short_meaningful_words_are_quoted_cut_at_a_clause(text: str, quote: str | None) -> None:
    assert quote_of(text) == quote


def test_a_long_answer_without_clauses_is_cut_at_a_word_with_an_ellipsis() -> None:
    words = "everything feels so rushed every single week with her never slowing down for me at any point"
    quote = quote_of(words)
    assert quote == "everything feels so rushed every single week with her never slowing down…"


def test_a_quote_has_no_doubled_punctuation() -> None:
    ack = acknowledgement("felt_heard", 1, "She never listens to me.")
    assert ack is not None and ack.startswith("You said: “She never listens to me”. ")
    assert ".”." not in ack and "”.." not in ack
    plain = "I'm sorry. Not feeling heard can make it hard to open up."
    assert acknowledgement("felt_heard", 1, "no not at all") == plain


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("to feel like she knows me 😔", "to feel like she knows me 😔"),
        ("I don't know, maybe to understand myself better", "to understand myself better"),
        ("Honestly? To feel less alone.", "To feel less alone"),
        (LONG_HOPES, "to stop feeling so anxious all the time"),
        ("I'm hoping to trust my own judgement again", "to trust my own judgement again"),
        ("I hope she pushes me a bit more", "I hope she pushes me a bit more"),
        ("idk", None),
        ("not yet", None),
        ("still figuring that out tbh", None),
        ("k", None),
        ("", None),
        (None, None),
    ],
)
def test_hopes_are_given_back_cleaned(text: str | None, cleaned: str | None) -> None:
    assert own_words(text, "hopes") == cleaned


@pytest.mark.parametrize(
    ("text", "cleaned"), [("k", None), ("nothing", None), ("more structure", "more structure")]
)
def test_what_is_missing_is_given_back_cleaned(text: str, cleaned: str | None) -> None:
    assert own_words(text, "missing") == cleaned


def test_starters_and_summary_use_the_cleaned_hopes() -> None:
    answers = {"felt_heard": 2, "depth": 2, "hopes": LONG_HOPES, "missing": "k"}
    starters = conversation_starters(answers)
    assert any("to stop feeling so anxious all the time" in line for line in starters)
    assert not any("relationships" in line for line in starters)
    text = build_summary(answers, ["talk_to_therapist"]).as_text()
    assert "relationships" not in text and '"k"' not in text
    assert 'hope for: "I want' not in text  # tester, round 5: "you hope for: 'I hope to ...'" said it twice
    for hopes in ("idk", "not yet"):
        assert not any(hopes in line for line in conversation_starters({"depth": 1, "hopes": hopes}))
        summary = build_summary({"depth": 1, "hopes": hopes}, ["talk_to_therapist"]).as_text()
        assert f'"{hopes}"' not in summary


def test_numbers_only_for_a_client_who_gave_numbers() -> None:
    answers = {"felt_heard": 2, "depth": 4, "advice_fit": 3}
    in_words = build_summary(answers, ["talk_to_therapist"], gave_numbers=False).as_text()
    assert "of 5" not in in_words
    assert "What's hardest right now: feeling heard and respected." in in_words
    with_numbers = build_summary(answers, ["talk_to_therapist"]).as_text()
    assert "feeling heard and respected (2 of 5)" in with_numbers
    change = build_summary(answers, ["keep_going"], previous={"felt_heard": 4}, gave_numbers=False).as_text()
    assert "Feeling heard and respected is harder than last time." in change
    assert "You rated" not in question_for("tell_more", answers, gave_numbers=False).text
    assert question_for("tell_more", answers).text.startswith("You rated feeling heard and respected lowest")
    returning = question_for("felt_heard", {}, previous={"felt_heard": 2}, gave_numbers=False).text
    assert "of 5" not in returning and "not really" in returning


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (["mostly yes", "not really", "she doesn't give homework"], False),
        (["4", "mostly"], True),
        (["a solid 3 I guess"], True),
        (["7/10"], True),
        (["about 6 sessions"], False),
        ([None, ""], False),
    ],
)
def test_whether_the_client_gave_numbers(answers: list[str | None], expected: bool) -> None:
    assert gave_numbers(answers) is expected


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("about two and a half years now", "about two and a half years now"),
        ("since roughly last spring.", "since roughly last spring"),
        ("More than 12", None),  # the button
        ("/inform", None),
        ("14", None),
        ("yes", None),
    ],
)
def test_a_choice_answered_in_words_keeps_them(text: str, said: str | None) -> None:
    assert said_for_choice(text, not_these=["More than 12", "more than 12 sessions"]) == said


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("uh yeah so, he mostly just repeats what I said", "he mostly just repeats what I said"),
        ("erm basically he forgets my partner's name every time", "he forgets my partner's name every time"),
        # too long to quote whole: from the first clause that says something, not the filler before it
        ("I mean, it's okay I guess, but the worksheets have nothing to do with my actual job at all",
         "the worksheets have nothing to do with my actual job at all"),
        ("so like, anyway, ok, the sessions end before we ever get to the real stuff honestly",
         "the sessions end before we ever get to the real stuff honestly"),
        ("no, I guess, whatever", None),  # nothing meaningful to quote
    ],
)
def test_a_quote_is_the_meaningful_clause_never_the_filler(text: str, quote: str | None) -> None:
    assert quote_of(text) == quote


@pytest.mark.parametrize(
    ("slot", "value", "text", "quote"),
    [
        ("felt_heard", 2, "She's really friendly, but I never feel listened to", "I never feel listened to"),
        (
            "depth", 1, "lovely person honestly. we stay on small talk every week",
            "we stay on small talk every week",
        ),
        (
            "approach_fit", 1, "she means well i think, but it is the same plan every single week",
            "it is the same plan every single week",
        ),
        (
            "depth", 2, "we never get past the surface, even though she is sweet",
            "we never get past the surface",
        ),
        ("felt_heard", 5, "the homework is a drag, but she really gets me", "she really gets me"),
    ],
)
def test_a_mixed_answer_is_quoted_by_the_clause_that_carries_its_rating(
    slot: str, value: int, text: str, quote: str
) -> None:
    """Tester, round 4: "He was kind" was quoted back for a 2 of 5."""
    assert quote_of(text, slot=slot, value=value) == quote


@pytest.mark.parametrize(
    ("slot", "text"),
    [("depth", "such a caring person, honestly. 2"), ("felt_heard", "so warm and caring, 1 i guess")],
)
def test_praise_alone_is_never_quoted_for_a_low_rating(slot: str, text: str) -> None:
    ack = acknowledgement(slot, 2, text)
    assert ack is not None and "You said" not in ack


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("oh wait, actually make that a 2", None),
        ("3. scratch that, 2. her tips never fit my shifts", "her tips never fit my shifts"),
        ("no wait make it 2, we never talk about what I want", "we never talk about what I want"),
        ("hmm 4... sorry, i meant 2", None),
    ],
)
def test_a_correction_or_a_bare_number_is_never_quoted(text: str, quote: str | None) -> None:
    """Tester, round 4: "no wait make it 2" was quoted back as what the client said."""
    assert quote_of(text, slot="advice_fit", value=2) == quote
    ack = acknowledgement("advice_fit", 2, text)
    assert ack is not None and "wait" not in ack and "meant" not in ack



# Round 7 (tester after round 6): the assistant's own wording, quoted back by the client, is never theirs
def _run_of_six(quote: str | None, bot: str) -> bool:
    """True when the quote shares six words in a row with the assistant's wording."""
    said = re.findall(r"[a-z0-9']+", bot.lower())
    quoted = " ".join(re.findall(r"[a-z0-9']+", (quote or "").lower()))
    return any(" ".join(said[i:i + 6]) in quoted for i in range(len(said) - 5))


@pytest.mark.parametrize(
    ("name", "text", "slot", "value"),
    [
        ("ask_safe", 'you asked "{bot}" and yes I am, anyway she rarely listens to me', "felt_heard", 2),
        ("risk_check_in", "{bot} -- yeah fine. the sessions go pretty deep these days", "depth", 4),
        ("ask_safe", "lol '{bot}' ok calm down. her advice never fits my shifts", "advice_fit", 1),
    ],
)
def test_a_quote_never_gives_back_the_assistants_own_wording(
    name: str, text: str, slot: str, value: int
) -> None:
    """Tester, round 6: a safety reply the client quoted back was quoted as their words."""
    bot = message(name).text
    quote = quote_of(text.format(bot=bot), slot=slot, value=value)
    assert quote is not None and not _run_of_six(quote, bot)


@pytest.mark.parametrize(
    "text",
    [
        "{bot} yes im safe, I just want to stop dreading every monday",
        '"{bot}" - I hope to get my confidence back at work',
    ],
)
def test_a_hope_said_after_a_copied_safety_reply_is_kept_without_it(text: str) -> None:
    bot = message("risk_check_in").text
    kept = own_words(text.format(bot=bot))
    assert kept is not None and not _run_of_six(kept, bot)
    assert "monday" in kept.lower() or "confidence" in kept.lower()


def test_the_crisis_lines_quoted_back_are_not_the_clients_words() -> None:
    with WORDING_PATHS[2].open(encoding="utf-8") as handle:
        line = yaml.safe_load(handle)["US"]["self_harm"][0]
    text = f"they said '{line}' which is fine, but she never listens to me"
    quote = quote_of(text, slot="felt_heard", value=1)
    assert quote is not None and not _run_of_six(quote, line)


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("'have you tried a bubble bath' she says. useless", None),  # someone else's words
        ('she said "just breathe" again', None),
        ("I JUST told you, she never listens", "she never listens"),  # the complaint is not the answer
    ],
)
def test_no_quote_of_someone_elses_words_or_of_a_complaint(text: str, quote: str | None) -> None:
    assert quote_of(text, slot="felt_heard", value=1) == quote
