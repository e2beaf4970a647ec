import pytest

from reflection.turns import Accept, Interrupt, NotPlaced, Nudge, Skip, interpret_turn


def test_an_answer_is_placed_whatever_the_classifier_thought() -> None:
    assert interpret_turn("felt_heard", "not really, she seems distracted", "deny", 0.9) == Accept(
        2, "not really, she seems distracted"
    )


@pytest.mark.parametrize("slot", ["felt_heard", "hopes", "raised_needs", "consent"])
@pytest.mark.parametrize("tier", ["crisis", "check_in"])
def test_a_risk_verdict_interrupts_and_is_never_an_answer(slot: str, tier: str) -> None:
    outcome = interpret_turn(slot, "2, she never listens and honestly I want to die", "answer", 0.9, tier)
    assert outcome == Interrupt(reason="risk")


def test_the_turn_reads_the_verdict_and_does_not_judge_the_text_again() -> None:
    # the verdict (made once in the NLU pipeline) said no risk: the words alone do not interrupt
    outcome = interpret_turn("felt_heard", "2, she never listens and honestly I want to die", "answer", 0.9)
    assert outcome != Interrupt(reason="risk")


def test_the_classifiers_risk_intent_interrupts_even_without_the_lexicon() -> None:
    assert interpret_turn("depth", "3", "disclose_self_harm", 0.95) == Interrupt(reason="risk")
    assert interpret_turn("depth", "3", "risk_check_in", 1.0) == Interrupt(reason="risk")


def test_skip_settles_the_question() -> None:
    assert interpret_turn("depth", "skip this one", "skip", 0.99) == Skip()


@pytest.mark.parametrize(
    ("text", "intent"),
    [("why do you ask?", "ask_why"), ("delete my data", "delete_data"), ("are you a bot", "bot_challenge")],
)
def test_side_requests_interrupt(text: str, intent: str) -> None:
    assert interpret_turn("felt_heard", text, intent, 0.97) == Interrupt(reason=intent)


def test_free_text_that_looks_like_a_side_request_is_kept_when_the_classifier_is_unsure() -> None:
    outcome = interpret_turn("hopes", "to stop feeling so stuck", "pause", 0.55)
    assert outcome == Accept("to stop feeling so stuck", "to stop feeling so stuck")


def test_go_on_words_just_ask_again() -> None:
    assert interpret_turn("depth", "continue", "resume", 0.98) == Nudge()


def test_unplaceable_text_is_not_placed() -> None:
    assert interpret_turn("felt_heard", "hmm, purple", "nlu_fallback", 0.3) == NotPlaced()


@pytest.mark.parametrize(
    ("text", "intent", "value"),
    [("yes", "affirm", True), ("no thanks", "deny", False), ("ok", "nlu_fallback", True)],
)
def test_consent(text: str, intent: str, value: bool) -> None:
    assert interpret_turn("consent", text, intent, 0.9) == Accept(value, text)
