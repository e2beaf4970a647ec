import pytest

from reflection.wording import acknowledgement, question_for, without_repeated_thanks


def test_a_returning_client_hears_last_times_answer() -> None:
    question = question_for("felt_heard", {}, previous={"felt_heard": 2})
    assert question.text == "Last time, feeling heard was 2 of 5. How is it now?"
    homework = question_for("homework_fit", {}, previous={"homework_fit": "none"})
    assert "no homework" in homework.text


def test_the_next_question_follows_a_low_answer() -> None:
    after_low = question_for("depth", {"felt_heard": 1}, just_answered="felt_heard").text
    after_high = question_for("depth", {"felt_heard": 5}, just_answered="felt_heard").text
    assert after_low != after_high
    assert after_low.startswith("Thanks for being honest")


def test_tell_more_names_the_lowest_area() -> None:
    text = question_for("tell_more", {"felt_heard": 4, "depth": 1, "advice_fit": 2}).text
    assert text.startswith("You rated going deep enough lowest")


def test_tell_more_does_not_call_a_tied_rating_the_lowest() -> None:
    text = question_for("tell_more", {"felt_heard": 4, "depth": 2, "advice_fit": 2}).text
    assert "You rated" not in text and "going deep enough" in text and "lowest ratings" in text
    in_words = question_for("tell_more", {"depth": 2, "advice_fit": 2}, gave_numbers=False).text
    assert "one of the harder parts" in in_words and "lowest" not in in_words


@pytest.mark.parametrize(
    "ratings", [{"felt_heard": 4, "depth": 3}, {"felt_heard": 5, "depth": 4}, {"depth": 3}]
)
def test_tell_more_names_no_area_when_nothing_was_rated_low(ratings: dict[str, int]) -> None:
    for gave_numbers in (True, False):
        text = question_for("tell_more", ratings, gave_numbers=gave_numbers).text
        assert "lowest" not in text and "hardest" not in text and "going deep enough" not in text
        assert text.endswith('Or say "skip".')


def test_scale_questions_offer_buttons_one_to_five() -> None:
    assert [b.payload for b in question_for("felt_heard", {}).buttons] == ["1", "2", "3", "4", "5"]
    assert "there is no homework" in [b.payload for b in question_for("homework_fit", {}).buttons]


def test_a_low_answer_in_the_clients_words_is_given_back() -> None:
    ack = acknowledgement("felt_heard", 2, "not really, she seems distracted")
    assert ack is not None and ack.startswith("You said: “not really, she seems distracted”.")
    assert (
        acknowledgement("felt_heard", 2, "2") == "I'm sorry. Not feeling heard can make it hard to open up."
    )
    assert acknowledgement("felt_heard", 5, "yes totally, she is great") == "I'm glad you feel listened to."


def test_choice_and_text_answers_get_their_own_acknowledgement() -> None:
    assert "frustrating" in (acknowledgement("raised_needs", "yes_no_change", "tried") or "")
    assert acknowledgement("missing", None, "nothing") == "Okay."
    assert (
        acknowledgement("homework_fit", "none", "no homework")
        == "Okay, no homework. I'll leave that one out."
    )


def test_a_thank_you_is_not_said_twice_in_a_row() -> None:
    thanked = ["Thanks. So it's a mix.", "Do your sessions get to the things that matter?"]
    assert without_repeated_thanks("Thanks. That's a good stretch of time together.", thanked) == (
        "That's a good stretch of time together."
    )
    assert without_repeated_thanks("Thank you for sharing that.", thanked) is None
    assert without_repeated_thanks("Thank you, that helps.", thanked) == "That helps."
    not_thanked = ["I'm glad you feel listened to.", "How deep do your sessions go?"]
    assert without_repeated_thanks("Thanks. So it's a mix.", not_thanked) == "Thanks. So it's a mix."
    assert without_repeated_thanks("I'm sorry. That sounds hard.", thanked) == "I'm sorry. That sounds hard."
