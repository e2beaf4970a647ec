"""What one message does to the reflection: plan_turn, decided once per turn."""

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from reflection.answer_parsing import Reading, ReadingKind, sounds_ironic
from reflection.items import load_item_bank
from reflection.messages import message
from reflection.turns import (
    CONSENT_SLOT,
    Confirmation,
    FormState,
    Message,
    TurnPlan,
    change_after_the_end,
    plan_turn,
    refuses,
    says_yes,
    signs_off,
)

QUESTIONS = (
    "sessions_so_far",
    "felt_heard",
    "depth",
    "advice_fit",
    "homework_fit",
    "goals_shared",
    "approach_fit",
    "tell_more",
    "raised_needs",
    "hopes",
    "missing",
)


def at(requested: str, answered: dict[str, object] | None = None, **state: object) -> FormState:
    """The form asking ``requested``, with ``answered`` already given and every later question open."""
    answered = answered or {}
    open_items = tuple(q for q in QUESTIONS if q not in answered and q != requested)
    return FormState(requested=requested, open_items=(requested, *open_items), answered=answered, **state)


def plan(
    text: str, state: FormState, intent: str = "answer", confidence: float = 0.9, **message: object
) -> TurnPlan:
    return plan_turn(Message(text=text, intent=intent, confidence=confidence, **message), state)


def test_an_answer_is_read_whatever_the_classifier_thought() -> None:
    planned = plan("not really, she seems distracted", at("felt_heard"), intent="deny")
    assert planned.values == {"felt_heard": 2}


@pytest.mark.parametrize("tier", ["crisis", "check_in"])
def test_the_nlu_verdict_on_risk_interrupts_and_nothing_is_stored(tier: str) -> None:
    planned = plan("about a 2, and honestly I'm not safe", at("depth"), risk_tier=tier)
    assert planned.interrupt == "risk" and planned.values == {}


@pytest.mark.parametrize(
    ("text", "intent", "value"),
    [
        ("yes", "affirm", True),
        ("ya", "pause", True),
        ("k", "nlu_fallback", True),
        ("yep!", "goodbye", True),
        ("no thanks", "deny", False),
        ("nah", "nlu_fallback", False),
    ],
)
def test_consent_in_a_word_never_ends_the_conversation(text: str, intent: str, value: bool) -> None:
    assert plan(text, at("consent"), intent=intent).values == {"consent": value}


def test_a_question_at_consent_is_answered_by_the_rules() -> None:
    assert plan("will my therapist see this?", at("consent"), intent="ask_data").interrupt == "ask_data"


def test_skip_settles_the_question_without_a_value() -> None:
    assert plan("skip this one", at("depth"), intent="skip").notes == {"depth": "skipped"}


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("why do you ask?", "ask_why"),
        ("delete my data", "delete_data"),
        ("will my therapist see this?", "ask_data"),
    ],
)
def test_side_requests_interrupt_and_store_nothing(text: str, intent: str) -> None:
    planned = plan(text, at("felt_heard"), intent=intent, confidence=0.97)
    assert planned.interrupt == intent and planned.values == {} and planned.notes == {}


def test_a_question_the_classifier_missed_is_still_never_stored() -> None:
    planned = plan("can I change my answer?", at("goals_shared"), intent="answer")
    assert planned.values == {} and planned.notes == {}


def test_free_text_that_looks_like_a_side_request_is_kept_when_the_classifier_is_unsure() -> None:
    planned = plan("to stop feeling so stuck", at("hopes"), intent="pause", confidence=0.55)
    assert planned.values == {"hopes": "to stop feeling so stuck"}


def test_go_on_words_just_ask_again() -> None:
    assert plan("continue", at("depth"), intent="resume", confidence=0.98).nudge


def test_unreadable_text_is_a_miss() -> None:
    assert plan("hmm, purple", at("felt_heard"), intent="nlu_fallback", confidence=0.3).missed


def test_one_message_answers_two_questions() -> None:
    state = at("approach_fit", {"sessions_so_far": "established", "felt_heard": 2})
    planned = plan("she never adapts, I told her twice and nothing changed", state)
    assert planned.values["raised_needs"] == "yes_no_change"
    assert planned.also_answered == ["raised_needs"]
    assert "approach_fit" in planned.values or planned.confirm is not None


def test_dont_know_and_doesnt_apply_store_no_number() -> None:
    assert plan("she doesn't give advice", at("advice_fit")).notes == {"advice_fit": "not_applicable"}
    assert plan("no. none", at("homework_fit")).values == {"homework_fit": "none"}
    unsure = plan("I don't know if she would adapt, I never gave feedback", at("approach_fit"))
    assert unsure.values == {}
    said_so = unsure.notes == {"approach_fit": "dont_know"}
    assert said_so or (unsure.confirm is not None and unsure.confirm.proposed.kind == ReadingKind.DONT_KNOW)


def test_an_unsure_reading_is_confirmed_in_one_tap() -> None:
    model = {"depth": Reading(ReadingKind.VALUE, 2, 0.7)}  # the second reader disagrees
    planned = plan("yes, we go deep", at("depth"), model_readings=model)
    assert planned.confirm is not None and planned.confirm.item == "depth" and planned.values == {}


@pytest.mark.parametrize(
    ("reply", "intent", "expected"),
    [
        ("Yes", "affirm", TurnPlan(values={"depth": 3})),
        ("/affirm", "affirm", TurnPlan(values={"depth": 3})),
        ("ya", "nlu_fallback", TurnPlan(values={"depth": 3})),
        ("2", "answer", TurnPlan(values={"depth": 2})),
        ("Not sure", "answer", TurnPlan(notes={"depth": "dont_know"})),
        ("no", "deny", TurnPlan(nudge=True)),
        ("/deny", "deny", TurnPlan(nudge=True)),  # the "No, let me fix it" button: the question again
        ("Yes, that's right", "affirm", TurnPlan(values={"depth": 3})),
    ],
)
def test_the_reply_to_is_that_right(reply: str, intent: str, expected: TurnPlan) -> None:
    state = at("depth", pending_confirmation=Confirmation("depth", Reading(ReadingKind.VALUE, 3, 0.7)))
    assert plan(reply, state, intent=intent) == expected


def test_a_new_answer_instead_of_a_tap_is_read_afresh() -> None:
    state = at("depth", pending_confirmation=Confirmation("depth", Reading(ReadingKind.VALUE, 3, 0.7)))
    afresh = plan("we really never go deep", state)
    confirmed_one = afresh.confirm is not None and afresh.confirm.proposed.value == 1
    assert afresh.values == {"depth": 1} or confirmed_one


def test_the_last_answer_can_be_corrected_in_the_same_breath() -> None:
    state = at("depth", {"sessions_so_far": "established", "felt_heard": 4}, last_answered="felt_heard")
    planned = plan("wait, I was being sarcastic, it's a 1", state)
    assert planned.corrected == ["felt_heard"] and planned.values == {"felt_heard": 1}


def test_a_correction_naming_a_question_asks_for_its_new_value() -> None:
    state = at("approach_fit", {"felt_heard": 4, "goals_shared": 4}, last_answered="goals_shared")
    planned = plan("change my answer about goals", state, intent="correct_answer")
    assert planned.correction_prompt == "goals_shared" and planned.values == {}
    waiting = at("approach_fit", {"felt_heard": 4, "goals_shared": 4}, pending_correction="goals_shared")
    then = plan("2", waiting)
    assert then.corrected == ["goals_shared"] and then.values == {"goals_shared": 2}


def test_can_i_change_my_answer_asks_which_one() -> None:
    state = at("depth", {"felt_heard": 4})
    asked = plan("can I change my answer?", state, intent="correct_answer")
    assert asked.correction_prompt in ("which", "felt_heard")
    answered = {"felt_heard": 4, "sessions_so_far": "early"}
    which = plan("feeling heard", at("depth", answered, pending_correction="which"))
    assert which.correction_prompt == "felt_heard"


@pytest.mark.parametrize("item", ["advice_fit", "homework_fit", "hopes", "missing"])
def test_a_tap_on_which_answer_names_it_and_gives_it_no_value(item: str) -> None:
    # the buttons of "which one?" carry the question's name: "Homework that fits your situation" is no 4
    answered = {"felt_heard": 4, "advice_fit": 2, "homework_fit": 2, "hopes": "calm", "missing": "structure"}
    area = load_item_bank().item(item).area
    which = plan(area[:1].upper() + area[1:], at("goals_shared", answered, pending_correction="which"))
    assert which.correction_prompt == item and which.values == {} and which.corrected == []


def test_idk_to_what_should_it_be_is_the_new_answer_dont_know() -> None:
    # a tester's "idk" to "what would you like your answer to be?" changed nothing and said nothing
    state = at("goals_shared", {"felt_heard": 4, "approach_fit": 1}, pending_correction="approach_fit")
    planned = plan("idk", state)
    assert planned.corrected == ["approach_fit"] and planned.notes == {"approach_fit": "dont_know"}
    which = plan("not sure", at("goals_shared", {"felt_heard": 4}, pending_correction="which"))
    assert which.nudge and which.corrected == []


AFTER_THE_END = {"felt_heard": 4, "goals_shared": 4, "homework_fit": 3, "hopes": "calm", "missing": "x"}


@pytest.mark.parametrize(
    ("text", "intent", "changed", "prompt"),
    [
        ("also change the goals one to somewhat", "nlu_fallback", {"goals_shared": 3}, None),
        ("No! This is wrong. My hope is: to sleep better", "deny", {"hopes": "to sleep better"}, None),
        ("Please change my hope answer to: sleep", "correct_answer", {"hopes": "sleep"}, None),
        ("and the one about feeling heard is wrong too", "nlu_fallback", {}, "felt_heard"),
        ("what I hope", "correct_answer", {}, "hopes"),
        ("no thanks", "deny", {}, None),
        ("that was really helpful, thanks", "answer", {}, None),
    ],
)
def test_after_the_summary_a_message_naming_an_answer_as_wrong_changes_it(
    text: str, intent: str, changed: dict[str, object], prompt: str | None
) -> None:
    state = FormState(requested=None, open_items=(), answered=AFTER_THE_END, last_answered="missing")
    planned = change_after_the_end(Message(text=text, intent=intent, confidence=0.8), state)
    assert planned.values == changed and planned.correction_prompt == prompt


def test_after_a_change_past_the_summary_make_that_a_2_changes_it_again() -> None:
    state = FormState(requested=None, open_items=(), answered=AFTER_THE_END, last_answered="goals_shared")
    planned = change_after_the_end(Message(text="make that a 2", intent="answer", confidence=0.8), state)
    assert planned.values == {"goals_shared": 2}


@pytest.mark.parametrize("text", ["more structure. Is that normal btw?", "more structure, is that normal?"])
def test_is_that_normal_after_an_answer_in_words_is_no_part_of_it(text: str) -> None:
    planned = plan(text, at("missing", {"felt_heard": 3, "hopes": "calm"}))
    assert planned.explain == "normal" and planned.values == {"missing": "more structure"}


def test_an_unsure_skip_gives_way_to_a_clear_answer_but_not_in_words() -> None:
    # a guard client's "I did not need to say something to her" (not yet) was skipped on a 0.48 "skip"
    state = at("raised_needs", {"felt_heard": 4})
    model = {"raised_needs": Reading(ReadingKind.VALUE, "not_yet", 0.9)}
    planned = plan("I did not need to say something to her", state, intent="skip", confidence=0.48,
                   model_readings=model)
    assert planned.values == {"raised_needs": "not_yet"} and planned.notes == {}
    assert plan("pass on this one", state, intent="skip", confidence=0.6).notes == {"raised_needs": "skipped"}
    # at a question asked in words any words read as the answer: there "skip" is taken as it is
    unsure = plan("I'd rather not go there", at("hopes", {"felt_heard": 4}), intent="skip", confidence=0.5)
    assert unsure.notes == {"hopes": "skipped"}


def test_nah_youre_good_is_nothing_missing() -> None:
    assert plan("nah ur good", at("missing", {"felt_heard": 3})).notes == {"missing": "not_applicable"}


def test_a_request_to_change_is_never_the_new_words_of_the_answer_just_given() -> None:
    # after the hope, "I'd like to change an answer" asks which one; it does not become the hope
    answered = {"felt_heard": 4, "hopes": "to feel calmer"}
    state = at("missing", answered, last_answered="hopes")
    asked = plan("I'd like to change an answer", state, intent="correct_answer")
    assert asked.correction_prompt == "which" and asked.values == {}


def test_short_yeses() -> None:
    assert all(says_yes(word) for word in ("ya", "yep", "k", "Yes!", "ok 👍", "sure go on"))
    assert all(says_yes(word) for word in ("yh", "yeh", "yesss", "yeahh", "aye", "yh sure"))
    assert not any(says_yes(word) for word in ("yes, but only sometimes", "yesterday", "yeast", "you"))


def test_a_yes_in_text_speak_at_consent_is_a_yes() -> None:
    assert plan("yh u can keep wat i rite", at("consent")).values == {"consent": True}


def test_a_tap_is_taken_as_it_is_whatever_the_model_reads() -> None:
    """The "3 sessions or fewer" button was once checked as "4 to 12" because the model read it so."""
    model = {"sessions_so_far": Reading(ReadingKind.VALUE, "established", 0.97)}
    planned = plan("3 sessions or fewer", at("sessions_so_far"), model_readings=model)
    assert planned.values == {"sessions_so_far": "early"} and planned.confirm is None
    assert plan(
        "4", at("felt_heard"), model_readings={"felt_heard": Reading(ReadingKind.VALUE, 1, 0.99)}
    ).values == {"felt_heard": 4}


@pytest.mark.parametrize(
    ("text", "values", "nudge"),
    [
        ("yes 2 is right", {"homework_fit": 2}, False),
        ("yep that's it", {"homework_fit": 2}, False),
        ("no, more like a 4", {"homework_fit": 4}, False),
        ("No, still not.", {}, True),
        ("nah", {}, True),
        ("5", {"homework_fit": 5}, False),
    ],
)
def test_a_reply_to_is_that_right_is_read_for_yes_no_and_a_different_number(
    text: str, values: dict[str, object], nudge: bool
) -> None:
    pending = Confirmation("homework_fit", Reading(ReadingKind.VALUE, 2, 0.7))
    planned = plan(text, at("homework_fit", pending_confirmation=pending), intent="answer")
    assert planned.values == values and planned.nudge is nudge


@pytest.mark.parametrize(
    "text", ["change my answer about deep sessions", "I want change my answer about feeling heard"]
)
def test_naming_the_question_to_change_is_no_new_answer(text: str) -> None:
    planned = plan(
        text, at("advice_fit", {"felt_heard": 2, "depth": 2}, last_answered="depth"), "correct_answer"
    )
    assert not planned.values and planned.correction_prompt in ("felt_heard", "depth")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yea thats fne", True),
        ("I think that's okay? yes", True),
        ("I guess... no, not this time", False),
        ("yes, but don't keep it", False),  # go on, but nothing kept: a no to saving (round 6)
        ("not sure that's okay", None),
        ("right, is that ok?", None),
        ("no idea what this is tbh", None),
    ],
)
def test_consent_in_a_sentence(text: str, value: bool | None) -> None:
    """A mixed answer ("not sure that's okay") is asked again: nothing is kept on a guess."""
    assert plan(text, at("consent"), intent="answer").values.get("consent") == value


@pytest.mark.parametrize(
    "text", ["hmm okay, I'll think about it for a minute", "one sec, still deciding",
             "ok hang on, before I agree", "wait i haven't said yes yet"]
)
def test_still_deciding_at_consent_is_no_yes(text: str) -> None:
    """Tester, round 5: "hmm ok. let me think about it for a sec" was taken as a yes to saving."""
    planned = plan(text, at("consent"), intent="affirm", confidence=0.8)
    assert planned.values == {} and planned.missed


def test_unsure_at_consent_is_asked_again_not_taken_as_a_no() -> None:
    planned = plan(
        "hmm I'm not sure... what would you do with them exactly?", at("consent"), intent="nlu_fallback"
    )
    assert "consent" not in planned.values


@pytest.mark.parametrize(
    "text",
    [
        "They go pretty deep, 4. The advice is kind of generic, maybe a 2",
        "they go pretty deep, 4. the advice, maybe a 2",
    ],
)
def test_two_ratings_in_one_message_go_each_to_the_question_its_clause_is_about(text: str) -> None:
    """Issue 8, item 1: 'depth 2, advice 1' was once stored; each clause's number is its own question's."""
    state = at("depth", {"sessions_so_far": "established", "felt_heard": 3})
    model = {"depth": Reading(ReadingKind.VALUE, 2, 0.93)}  # the model read the whole message
    planned = plan(text, state, model_readings=model)
    assert planned.values == {"depth": 4, "advice_fit": 2}
    assert planned.also_answered == ["advice_fit"]


def test_a_number_after_no_homework_stays_with_the_asked_question() -> None:
    planned = plan("the advice is ok but she never gives homework, so 3", at("advice_fit"))
    assert planned.values == {"advice_fit": 3, "homework_fit": "none"}


def test_a_message_only_about_another_question_rates_that_one_and_asks_again() -> None:
    planned = plan("the goals are vague, maybe a 2", at("depth", {"felt_heard": 3}))
    assert planned.values == {"goals_shared": 2} and planned.missed


ANSWERED_FIVE = {
    "sessions_so_far": "established", "felt_heard": 3, "depth": 4, "advice_fit": 2, "homework_fit": 3
}


@pytest.mark.parametrize(
    ("text", "item", "value"),
    [
        ("for the first question I meant 3", "sessions_so_far", "early"),
        ("the question before, I'd say mostly", "homework_fit", 4),
        ("change my last answer to 2", "depth", 2),
        ("the second one should be a 5", "depth", 5),  # the second rating given
        ("oh and the previous question, make it 1", "homework_fit", 1),
        ("about the one before this one, I meant 2", "homework_fit", 2),
    ],
)
def test_a_correction_pointing_at_an_earlier_answer_by_its_place_changes_that_answer(
    text: str, item: str, value: object
) -> None:
    """Issue 8, item 2: such corrections went to the wrong question or were stored as the current answer."""
    state = at("goals_shared", ANSWERED_FIVE, last_answered="depth")
    planned = plan(text, state)
    assert planned.corrected == [item] and planned.values == {item: value}


@pytest.mark.parametrize(
    "text",
    ["the one before last should be a 1", "my second-to-last answer, make it 1", "the penultimate one is 1"],
)
def test_the_one_before_last_is_the_answer_given_before_the_last(text: str) -> None:
    """'The one before last' is not 'the one before': it skips the last answer."""
    planned = plan(text, at("goals_shared", ANSWERED_FIVE, last_answered="homework_fit"))
    # that answer changes, or its new value is asked for; nothing else changes
    assert planned.values in ({"advice_fit": 1}, {}) and "goals_shared" not in planned.values
    assert planned.corrected == ["advice_fit"] or planned.correction_prompt == "advice_fit"


def test_a_question_named_beats_a_place() -> None:
    """'Change the one before, the one about the advice' names the question: the name wins over the place."""
    state = at("goals_shared", ANSWERED_FIVE, last_answered="homework_fit")
    planned = plan("can I change the one before? the one about feeling heard. 2", state)
    assert planned.corrected == ["felt_heard"] and planned.values == {"felt_heard": 2}


def test_the_first_one_is_the_first_question_answered() -> None:
    answered = {"felt_heard": 2, "depth": 4}  # how long was skipped
    planned = plan("for the first one I meant 3", at("advice_fit", answered, last_answered="depth"))
    assert planned.values == {"felt_heard": 3} and planned.corrected == ["felt_heard"]


def test_a_place_without_a_value_asks_for_that_answers_new_value() -> None:
    planned = plan("the question before was wrong", at("goals_shared", ANSWERED_FIVE, last_answered="depth"))
    assert planned.correction_prompt == "homework_fit" and planned.values == {}
    which = plan("the first one", at("goals_shared", ANSWERED_FIVE, pending_correction="which"))
    assert which.correction_prompt == "sessions_so_far"


@pytest.mark.parametrize(
    ("text", "item", "model"),
    [
        ("oh yeah, SO heard, she checked her phone the whole time", "felt_heard", 5),
        ("great advice, 'just relax' 🙄", "advice_fit", 4),
        ("sooo deep 🙄", "depth", 5),
    ],
)
def test_a_glowing_answer_said_with_irony_is_checked_not_stored(text: str, item: str, model: int) -> None:
    """Issue 8, item 3: sarcasm was stored at face value. Even when both readers read it high, the opposite
    is checked in one tap."""
    readings = {item: Reading(ReadingKind.VALUE, model, 0.95)}
    planned = plan(text, at(item, {"sessions_so_far": "established"}), model_readings=readings)
    assert planned.values == {}
    assert planned.confirm is not None and planned.confirm.ironic and planned.confirm.item == item
    assert planned.confirm.proposed.value <= 2


@pytest.mark.parametrize(
    ("text", "value"), [("oh yes, she really listens", 5), ("mostly yes", 4), ("5", 5), ("she's great, 4", 4)]
)
def test_a_plain_high_answer_is_taken(text: str, value: int) -> None:
    readings = {"felt_heard": Reading(ReadingKind.VALUE, value, 0.95)}
    planned = plan(text, at("felt_heard", {"sessions_so_far": "established"}), model_readings=readings)
    assert planned.confirm is None and planned.values["felt_heard"] >= 4


@pytest.mark.parametrize(
    "text", ["what happens to what I type?", "what happens to what I type", "will my therapist find out?"]
)
def test_a_data_question_the_classifier_took_for_an_answer_is_answered_not_stored(text: str) -> None:
    """Issue 8, item 6: such a question was read as an answer, or counted as a miss."""
    model = {"felt_heard": Reading(ReadingKind.VALUE, 3, 0.6)}
    planned = plan(text, at("felt_heard", {"sessions_so_far": "early"}), intent="answer", confidence=0.52,
                   model_readings=model)
    assert planned.explain == "data" and planned.nudge
    assert planned.values == {} and planned.notes == {} and not planned.missed and planned.confirm is None


def test_an_answer_naming_the_therapist_is_still_an_answer() -> None:
    planned = plan("my therapist sees me weekly, about 8 sessions", at("sessions_so_far"))
    assert planned.explain is None and planned.values == {"sessions_so_far": "established"}


@pytest.mark.parametrize(
    ("text", "no"),
    [
        ("no keep it", True), ("No, keep it", True), ("don't delete anything", True), ("nope", True),
        ("yes delete it", False), ("yes please, delete everything", False), ("yeah go ahead", False),
        ("/affirm", False),
    ],
)
def test_a_no_to_deleting_is_told_from_a_yes(text: str, no: bool) -> None:
    assert refuses(text) is no


@pytest.mark.parametrize(
    "text", ["more often than not", "some days i feel heard, some days not", "absolutely not", "🤷"]
)
def test_a_plain_mixed_or_negative_answer_is_not_taken_for_irony(text: str) -> None:
    assert not sounds_ironic(text)


@pytest.mark.parametrize("text", ["yes go ahead, sorry in advance for my long messages", "yeah ok, hi again"])
def test_a_yes_to_saving_taken_for_a_greeting_is_still_a_yes(text: str) -> None:
    """The classifier read such a yes as a greeting, and the consent question came round again."""
    assert plan(text, at(CONSENT_SLOT), intent="greet").values == {CONSENT_SLOT: True}


def test_a_greeting_at_the_consent_question_is_still_a_greeting() -> None:
    assert plan("hello again", at(CONSENT_SLOT), intent="greet").interrupt == "greet"


DEPTH_3 = Confirmation("depth", Reading(ReadingKind.VALUE, 3, 0.7), words="we sort of get into it")
RATED_THREE = {"sessions_so_far": "long_term", "felt_heard": 4}


def checking(pending: Confirmation, answered: dict[str, object] | None = None, **state: object) -> FormState:
    """The form waiting for a yes to ``pending``, the question it checks still open."""
    return at(pending.item, answered or RATED_THREE, pending_confirmation=pending, **state)


@pytest.mark.parametrize(
    "reply",
    ["yep, roughly", "hmm I suppose so", "near enough", "basically yeah", "sort of, yes", "about right"],
)
def test_a_hedged_yes_to_is_that_right_confirms_the_reading(reply: str) -> None:
    """A yes with a hedge was read afresh as a new answer ("pretty much" -> 4) or missed ("close enough")."""
    planned = plan(reply, checking(DEPTH_3), intent="nlu_fallback", confidence=0.4)
    assert planned.values == {"depth": 3} and planned.confirm is None and not planned.missed
    assert planned.words == {"depth": "we sort of get into it"}  # the answer checked stays in their words


@pytest.mark.parametrize(
    ("reply", "value"),
    [
        ("a little lower", 2),
        ("hmm, sort of... less maybe", 2),
        ("not that high", 2),
        ("worse, honestly", 2),
        ("a notch up", 4),
        ("bit better than that", 4),
    ],
)
def test_a_reply_that_moves_the_reading_a_step_stores_the_next_value_and_says_so(
    reply: str, value: int
) -> None:
    planned = plan(reply, checking(DEPTH_3), intent="nlu_fallback", confidence=0.4)
    assert planned.values == {"depth": value} and planned.corrected == ["depth"]  # "corrected" is said back


def test_a_direction_inside_an_answer_is_no_step() -> None:
    """"Less" in a sentence of its own is read for what it says, not as "one lower"."""
    planned = plan("I'd like to worry less about what she thinks", checking(DEPTH_3), intent="answer")
    assert planned.values.get("depth") != 2 or planned.corrected != ["depth"]


@pytest.mark.parametrize(("reply", "value"), [("nope, it's a 1", 1), ("nah, more of a 4 really", 4)])
def test_a_no_with_a_number_is_that_number(reply: str, value: int) -> None:
    """"nah it's a N" once stored N's neighbour: the "nah" was read as part of the rating."""
    planned = plan(reply, checking(DEPTH_3), intent="deny")
    assert planned.values == {"depth": value}


@pytest.mark.parametrize(
    "reply", ["yeah right, SO deep lol", "oh yeah. super deep 🙄", "nope, not even close"]
)
def test_doubt_or_a_contradiction_of_a_high_reading_never_stores_it(reply: str) -> None:
    pending = Confirmation("depth", Reading(ReadingKind.VALUE, 5, 0.7), words="deep? sure")
    planned = plan(reply, checking(pending), intent="affirm", confidence=0.6)
    assert planned.values.get("depth") != 5


THROUGH_NEEDS = {
    "sessions_so_far": "established", "felt_heard": 2, "depth": 2, "advice_fit": 2, "homework_fit": "none",
    "goals_shared": 3, "approach_fit": 2, "tell_more": "she rushes",
}
NEEDS_CHECK = Confirmation("raised_needs", Reading(ReadingKind.VALUE, "yes_no_change", 0.7), words="kinda")


def test_a_hope_typed_instead_of_a_tap_goes_to_hopes_and_the_check_waits() -> None:
    """A hope typed after a check of raised_needs was stored as raised_needs "yes, and it helped"."""
    model = {"raised_needs": Reading(ReadingKind.VALUE, "yes_helped", 0.93)}
    hope = "learning to set boundaries with my mum without feeling guilty"
    planned = plan(hope, checking(NEEDS_CHECK, THROUGH_NEEDS), intent="answer", model_readings=model)
    assert planned.values == {"hopes": hope} and "raised_needs" not in planned.values
    assert planned.confirm is not None and planned.confirm.item == "raised_needs"  # asked once more
    again = plan(hope, checking(planned.confirm, THROUGH_NEEDS), intent="answer", model_readings=model)
    assert again.notes == {"raised_needs": "dont_know"} and again.confirm is None  # then left without a value


def test_a_yes_then_a_hope_confirms_and_keeps_the_hope() -> None:
    planned = plan(
        "yes. mostly I want to stop dreading every session", checking(NEEDS_CHECK, THROUGH_NEEDS), "affirm"
    )
    hope = "mostly I want to stop dreading every session"
    assert planned.values == {"raised_needs": "yes_no_change", "hopes": hope}


def test_a_yes_with_a_different_reading_after_it_is_that_reading() -> None:
    helped = Confirmation("raised_needs", Reading(ReadingKind.VALUE, "yes_helped", 0.7))
    planned = plan("yes, though it made no difference", checking(helped, THROUGH_NEEDS), intent="affirm")
    assert planned.values == {"raised_needs": "yes_no_change"}


@pytest.mark.parametrize(
    ("text", "intent"), [("could we pause here", "pause"), ("why do you need that?", "ask_why")]
)
def test_a_side_request_instead_of_a_tap_leaves_the_check_waiting(text: str, intent: str) -> None:
    planned = plan(text, checking(DEPTH_3), intent=intent)
    assert planned.interrupt == intent and planned.values == {}  # the form rejects the turn: the check stays


def test_a_correction_of_another_answer_instead_of_a_tap_changes_it_and_the_check_waits() -> None:
    answered = {**RATED_THREE, "advice_fit": 2}
    pending = Confirmation("homework_fit", Reading(ReadingKind.VALUE, 3, 0.7))
    planned = plan("actually switch the advice one to 4", checking(pending, answered), intent="answer")
    assert planned.values == {"advice_fit": 4} and planned.corrected == ["advice_fit"]
    assert planned.confirm is not None and planned.confirm.item == "homework_fit"


CHECKED = "some days I just want to vanish"  # a message that got "are you safe right now?", no answer in it


@pytest.mark.parametrize(
    "reply", ["yes im safe haha", "I'm ok, thanks", "/im_safe", "yeah I'm fine"]
)
def test_the_reply_to_a_safety_check_in_is_never_an_answer(reply: str) -> None:
    """After "are you safe right now?", "yes I'm safe lol" overwrote a free-text answer being corrected."""
    intent = "im_safe" if reply.startswith("/") else "affirm"
    answered = THROUGH_NEEDS | {"raised_needs": "not_yet", "missing": "more structure"}
    waiting = at("hopes", answered, pending_correction="missing", checked_text=CHECKED)
    planned = plan(reply, waiting, intent=intent)
    assert planned.values == {} and planned.notes == {} and planned.corrected == []
    assert planned.nudge and planned.correction_prompt == "missing"  # what was waiting still waits
    checked = plan(reply, checking(DEPTH_3, checked_text=CHECKED), intent=intent)
    assert checked.values == {} and checked.confirm == DEPTH_3


def test_an_answer_after_a_check_in_is_still_an_answer() -> None:
    planned = plan("maybe a 2", at("depth", RATED_THREE, checked_text=CHECKED))
    assert planned.values == {"depth": 2}


SEVERAL_RATINGS = {"sessions_so_far": "established", "felt_heard": 4, "depth": 4, "advice_fit": 3}


@pytest.mark.parametrize(
    ("text", "item", "value"),
    [
        ("the first one should've been 2 honestly", "felt_heard", 2),
        ("oh my first rating, make it 1", "felt_heard", 1),
        ("my second one, I meant 2", "depth", 2),
        ("the first question, I meant fewer than 3 sessions", "sessions_so_far", "early"),
        ("my second answer should be 1", "felt_heard", 1),
        ("for the first one I meant over a year", "sessions_so_far", "long_term"),
    ],
)
def test_the_first_one_means_the_first_rating_and_the_first_question_the_first_question(
    text: str, item: str, value: object
) -> None:
    """A client who gave several ratings means the first rating by "the first one", not how long they've been
    going; "the first question" still counts the questions, and a value only the first question takes goes
    there."""
    planned = plan(text, at("homework_fit", SEVERAL_RATINGS, last_answered="advice_fit"))
    assert planned.corrected == [item] and planned.values == {item: value}


@pytest.mark.parametrize(
    ("text", "requested"),
    [("change the advice one to 4", "goals_shared"), ("switch my goals answer to 1", "approach_fit")],
)
def test_a_change_naming_an_earlier_answer_at_another_question_corrects_that_one(
    text: str, requested: str
) -> None:
    """"Change the advice one to 3" at the goals question was read as the goals answer."""
    answered = {**SEVERAL_RATINGS, "homework_fit": 3, "goals_shared": 3}
    answered.pop(requested, None)
    named = "advice_fit" if "advice" in text else "goals_shared"
    planned = plan(text, at(requested, answered, last_answered="homework_fit"), intent="answer")
    assert planned.corrected == [named] and list(planned.values) == [named]
    assert requested not in planned.values and not planned.missed  # the question asked is asked again


def test_a_hope_that_names_an_earlier_question_is_a_hope() -> None:
    answered = {**SEVERAL_RATINGS, "homework_fit": 3, "goals_shared": 3, "approach_fit": 2}
    answered["raised_needs"] = "not_yet"
    hope = "that she would change the advice into something I can actually use"
    planned = plan(hope, at("hopes", answered, last_answered="raised_needs"), intent="answer")
    assert planned.values == {"hopes": hope} and planned.corrected == []


def test_a_plain_sincere_yes_to_a_high_reading_confirms_it() -> None:
    pending = Confirmation("felt_heard", Reading(ReadingKind.VALUE, 5, 0.7))
    for reply in ("totally", "yes, absolutely", "yep that's right"):
        assert plan(reply, checking(pending), intent="affirm").values == {"felt_heard": 5}, reply


@pytest.mark.parametrize(
    ("reply", "item", "value"),
    [
        ("no, pretty shallow honestly", "depth", 2),
        ("nah more like surface level stuff", "depth", 2),
        ("no - it actually helped", "raised_needs", "yes_helped"),
    ],
)
def test_a_no_with_a_rating_in_words_is_that_rating(reply: str, item: str, value: object) -> None:
    proposed = {"depth": 3, "raised_needs": "yes_no_change"}[item]
    pending = Confirmation(item, Reading(ReadingKind.VALUE, proposed, 0.7))
    answered = THROUGH_NEEDS if item == "raised_needs" else RATED_THREE
    assert plan(reply, checking(pending, answered), intent="deny").values == {item: value}


@pytest.mark.parametrize("reply", ["nope, not even close", "no", "no, still not"])
def test_a_no_that_gives_no_answer_asks_again(reply: str) -> None:
    """"No" folded into a rating ("no" -> 1) once; a no says only that the reading is wrong."""
    planned = plan(reply, checking(DEPTH_3), intent="deny")
    assert planned.values == {} and planned.nudge


def test_a_question_back_at_a_check_is_no_answer_and_the_check_waits() -> None:
    """"Is that bad?" at a check was read afresh and proposed as a rating of its own."""
    planned = plan("hmm would that be a bad thing?", checking(DEPTH_3), intent="nlu_fallback", confidence=0.3)
    assert planned.values == {} and planned.confirm == DEPTH_3 and not planned.missed


def test_a_correction_at_a_check_naming_nothing_else_is_about_the_answer_checked() -> None:
    """"Oops I meant 2" at a check of depth went to the answer given before it."""
    state = checking(DEPTH_3, last_answered="felt_heard")
    planned = plan("oops, I meant 2", state, intent="correct_answer")
    assert planned.values == {"depth": 2} and planned.corrected == []


def test_a_yes_and_more_words_about_a_rating_is_the_yes_to_that_rating() -> None:
    """Words after a yes to a rating's check are about that rating: no "tell me more", no other number."""
    pending = Confirmation("approach_fit", Reading(ReadingKind.VALUE, 4, 0.7))
    answered = {**SEVERAL_RATINGS, "homework_fit": 3, "goals_shared": 3}
    planned = plan("yes, she switched things up when I asked her to", checking(pending, answered), "affirm")
    assert planned.values == {"approach_fit": 4}


@pytest.mark.parametrize("pending", [None, DEPTH_3])
def test_a_change_naming_a_question_not_yet_answered_answers_that_one(pending: Confirmation | None) -> None:
    """"Change the advice one to 3" before advice was asked went to the answer checked or given last."""
    state = at("depth", RATED_THREE, last_answered="felt_heard", pending_confirmation=pending)
    planned = plan("put the advice one down as 2", state, intent="correct_answer")
    assert planned.values == {"advice_fit": 2} and planned.also_answered == ["advice_fit"]
    assert planned.confirm == (None if pending is None else replace(DEPTH_3, asked_again=True))


@pytest.mark.parametrize(
    "text", ["to make sense of why my panic attacks started", "cope better with my depression at work",
             "get my OCD to stop running my evenings"]
)
def test_a_hope_that_names_a_condition_is_a_hope_not_a_medical_question(text: str) -> None:
    """Tester, round 3: such a hope got the medical refusal, however sure the classifier was."""
    planned = plan(text, at("hopes", {"sessions_so_far": "early"}), intent="ask_medical", confidence=0.99)
    assert planned.interrupt is None and planned.values == {"hopes": text}


@pytest.mark.parametrize(
    "text", ["should I come off my antidepressants?", "could I have an anxiety disorder?",
             "what dose of sertraline is best for me"]
)
def test_a_real_request_for_medical_advice_at_a_free_text_question_is_declined(text: str) -> None:
    planned = plan(text, at("missing", {"sessions_so_far": "early"}), intent="ask_medical", confidence=0.9)
    assert planned.interrupt == "ask_medical" and planned.values == {} and planned.notes == {}


@pytest.mark.parametrize("question", ["hopes", "tell_more", "approach_fit", "sessions_so_far"])
@pytest.mark.parametrize(
    "text", ["who are the reviewers, are they part of my therapist's practice?",
             "the team at the clinic, do they talk to my counsellor about this",
             "who is on your staff and do they share with my therapist"]
)
def test_a_question_about_the_staff_is_answered_as_a_data_question(text: str, question: str) -> None:
    """Tester, round 3: "who is the staff ...?" was stored as an answer."""
    for intent in ("out_of_scope", "answer"):
        planned = plan(text, at(question, {"felt_heard": 3}), intent=intent, confidence=0.6)
        assert planned.explain == "data" and planned.nudge
        assert planned.values == {} and planned.notes == {} and planned.confirm is None


@pytest.mark.parametrize("question", ["hopes", "missing", "tell_more", "goals_shared"])
@pytest.mark.parametrize(
    "text", ["oh and will my psychologist be able to read what i put here?",
             "so does the clinic get a copy of my answers?", "is this tied to my email?",
             "could any of this be traced back to me?", "right, will my GP get sent all this?",
             "does my employer get to see any of this?", "if I wipe this chat afterwards, is it all deleted?",
             "and is what I put here kept anywhere?"]
)
def test_a_data_question_at_a_free_text_question_is_answered_not_stored(text: str, question: str) -> None:
    """Round 5: asked as the hope or what is missing, such a question was kept as the client's words."""
    for intent in ("out_of_scope", "answer", "ask_data"):
        planned = plan(text, at(question, {"felt_heard": 3}), intent=intent, confidence=0.6)
        assert (planned.explain == "data" and planned.nudge) or planned.interrupt == "ask_data"
        assert planned.values == {} and planned.notes == {} and planned.confirm is None


@pytest.mark.parametrize("text", ["I hope my therapist would see this and change things",
                                  "to feel connected to my family again",
                                  "that my psychologist reads what i write in my diary"])
def test_a_hope_that_mentions_reading_or_seeing_is_still_a_hope(text: str) -> None:
    assert plan(text, at("hopes", {"felt_heard": 3})).values == {"hopes": text}


@pytest.mark.parametrize("text", ["more time with the clinic team between sessions",
                                  "i'd like the staff and my therapist to be on the same page"])
def test_a_hope_that_mentions_the_staff_is_still_a_hope(text: str) -> None:
    assert plan(text, at("hopes", {"felt_heard": 3}), intent="answer").values == {"hopes": text}


RATED_THROUGH_DEPTH = {"sessions_so_far": "long_term", "felt_heard": 4, "depth": 3}


@pytest.mark.parametrize(
    ("reply", "intent", "value"),
    [
        ("yeah I'm ok, the homework just felt pointless. 2", "im_safe", 2),
        ("I'm safe, sorry for the scare - 4", "affirm", 4),
        ("all good, really. it's a 1", "im_safe", 1),
    ],
)
def test_a_rating_given_with_the_reply_to_a_check_in_is_stored(reply: str, intent: str, value: int) -> None:
    planned = plan(reply, at("approach_fit", RATED_THROUGH_DEPTH, checked_text=CHECKED), intent=intent)
    assert planned.values == {"approach_fit": value} and planned.explain == "safe" and not planned.nudge


@pytest.mark.parametrize("reply", ["yeah I'm ok haha", "I'm safe, thanks for asking", "all good, really"])
def test_a_bare_safe_reply_to_a_check_in_still_stores_nothing_at_a_rating(reply: str) -> None:
    planned = plan(reply, at("approach_fit", RATED_THROUGH_DEPTH, checked_text=CHECKED), intent="im_safe")
    assert planned.values == {} and planned.nudge


def test_a_safe_reply_with_words_after_it_never_fills_a_question_asked_in_words() -> None:
    answered = THROUGH_NEEDS | {"raised_needs": "not_yet"}
    waiting = at("hopes", answered, checked_text=CHECKED)
    planned = plan("yes I'm fine, I want more structure 3", waiting, intent="im_safe")
    assert planned.values == {} and planned.nudge


THROUGH_RAISED = THROUGH_NEEDS | {"raised_needs": "yes_helped"}


@pytest.mark.parametrize(
    ("text", "item", "value"),
    [
        ("back to the depth question, 4 not 2", "depth", 4),
        ("on the approach question earlier, honestly 5", "approach_fit", 5),
        ("regarding the homework question before: 2", "homework_fit", 2),
    ],
)
@pytest.mark.parametrize("asked", ["hopes", "missing"])
def test_a_named_rating_changed_at_a_question_in_words_is_a_correction(
    text: str, item: str, value: int, asked: str
) -> None:
    answered = THROUGH_RAISED | ({"hopes": "less rushing"} if asked == "missing" else {})
    planned = plan(text, at(asked, answered))
    assert planned.values == {item: value} and planned.corrected == [item]
    assert asked not in planned.values


def test_a_named_rating_changed_at_tell_more_is_a_correction() -> None:
    answered = {k: v for k, v in THROUGH_NEEDS.items() if k != "tell_more"}
    planned = plan("go back to the advice one please, it's 4", at("tell_more", answered))
    assert planned.values == {"advice_fit": 4} and planned.corrected == ["advice_fit"]


def test_raised_needs_corrected_in_words_at_a_question_in_words() -> None:
    waiting = at("missing", THROUGH_RAISED | {"hopes": "x"})
    planned = plan("oh wait, I never actually told him about it", waiting)
    assert planned.values == {"raised_needs": "not_yet"} and planned.corrected == ["raised_needs"]


@pytest.mark.parametrize(
    "text",
    [
        "to feel heard, maybe 2 sessions a month of real listening",
        "I never told her, I want to feel less stuck",
    ],
)
def test_hopes_that_mention_another_question_are_still_hopes(text: str) -> None:
    planned = plan(text, at("hopes", THROUGH_RAISED))
    assert planned.values == {"hopes": text} and planned.corrected == []


@pytest.mark.parametrize(
    "text", ["could we call it a day? I'm drained", "I'd like to finish for now", "ok let's pause, it's late"]
)
@pytest.mark.parametrize("asked", ["hopes", "missing", "tell_more"])
def test_a_request_to_stop_at_a_question_in_words_is_a_pause(text: str, asked: str) -> None:
    planned = plan(text, at(asked, RATED_THREE), intent="pause", confidence=0.6)
    assert planned.interrupt == "pause" and planned.values == {}


def test_a_hope_about_stopping_is_still_a_hope_even_when_the_classifier_says_pause() -> None:
    hope = "for her to stop checking the clock"
    planned = plan(hope, at("hopes", RATED_THREE), intent="pause", confidence=0.7)
    assert planned.values == {"hopes": hope}


@pytest.mark.parametrize(
    ("checked", "item", "value"),
    [
        ("ugh her tips are so generic, 'just breathe' lol. 2", "advice_fit", 2),
        ("honestly the sheets feel pointless, I'd give them a 1", "homework_fit", 1),
    ],
)
def test_an_answer_in_the_message_that_got_a_check_in_is_kept_once_the_client_is_safe(
    checked: str, item: str, value: int
) -> None:
    """Tester, round 4: a complaint got a check-in, "yes I'm fine" followed, and the rating in it was lost."""
    answered = {"sessions_so_far": "established", "felt_heard": 3, "depth": 3, "advice_fit": 3}
    answered = {slot: v for slot, v in answered.items() if slot != item}
    planned = plan("yes im fine", at(item, answered, checked_text=checked), intent="im_safe")
    assert planned.values == {item: value} and planned.explain == "safe"


def test_a_number_in_the_checked_message_that_is_no_rating_is_not_taken() -> None:
    answered = {"sessions_so_far": "established", "felt_heard": 3}
    waiting = at("depth", answered, checked_text="these thoughts came back 3 times this week")
    assert plan("yeah I'm ok", waiting, intent="im_safe").values == {}


def test_nothing_is_taken_from_the_checked_message_for_a_question_asked_in_words() -> None:
    waiting = at("hopes", THROUGH_NEEDS | {"raised_needs": "not_yet"}, checked_text="to not feel so alone. 2")
    planned = plan("yes I'm ok", waiting, intent="im_safe")
    assert planned.values == {} and planned.nudge


# --------------------------------------------------------------------------------------------------------
# Tester, round 4 (2): two answers in one message; (4): a hope typed at "have you told your therapist?"
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "text", "other", "value"),
    [
        ("sessions_so_far", "roughly 9 sessions so far and she really listens", "felt_heard", 5),
        ("sessions_so_far", "maybe fifteen sessions now, and honestly I feel understood", "felt_heard", 4),
        ("felt_heard", "heard: 4, but the sessions feel pretty shallow", "depth", 2),
        ("felt_heard", "a 4, though her approach is very rigid", "approach_fit", 1),
    ],
)
def test_a_second_answer_naming_its_question_is_stored_and_noted(
    asked: str, text: str, other: str, value: int
) -> None:
    planned = plan(text, at(asked))
    assert planned.values[other] == value and planned.also_answered == [other]
    assert asked in planned.values  # the asked question keeps its own answer


@pytest.mark.parametrize(
    ("asked", "text", "values"),
    [
        ("depth", "depth would be 2, advice 5", {"depth": 2, "advice_fit": 5}),
        ("depth", "depth around 2, tips a 4", {"depth": 2, "advice_fit": 4}),
        ("advice_fit", "advice gets a 2, worksheets about 4", {"advice_fit": 2, "homework_fit": 4}),
        ("goals_shared", "goals 3, the approach maybe a 5", {"goals_shared": 3, "approach_fit": 5}),
        ("felt_heard", "listened to: 4, style: 2", {"felt_heard": 4, "approach_fit": 2}),
        ("felt_heard", "heard a 5, depth more like 2", {"felt_heard": 5, "depth": 2}),
    ],
)
def test_a_number_after_another_questions_name_is_never_the_asked_questions(
    asked: str, text: str, values: dict[str, int]
) -> None:
    planned = plan(text, at(asked))
    assert planned.values == values and planned.confirm is None


def test_an_unsure_second_answer_is_not_stored() -> None:
    planned = plan("about a 4, the depth is kind of ok I guess", at("felt_heard"))
    assert planned.values == {"felt_heard": 4} and planned.also_answered == []


@pytest.mark.parametrize(
    "text",
    [
        "about 5 sessions, I've heard it takes a while",
        "10 sessions, old memories are starting to surface",
        "7 sessions, she taught me deep breathing",
    ],
)
def test_words_that_only_look_like_another_questions_name_answer_nothing_else(text: str) -> None:
    assert plan(text, at("sessions_so_far")).values == {"sessions_so_far": "established"}


HOPE_AT_NEEDS = [
    "sleep through the night again", "honestly just to feel less stuck", "I'd love to feel calmer",
]
FOOLED_MODEL = {"raised_needs": Reading(ReadingKind.VALUE, "yes_helped", 0.95)}  # it reads hopes as "helped"


@pytest.mark.parametrize("hope", HOPE_AT_NEEDS)
def test_a_hope_typed_at_raised_needs_goes_to_hopes_and_the_question_is_asked_again(hope: str) -> None:
    planned = plan(hope, at("raised_needs", THROUGH_NEEDS), model_readings=FOOLED_MODEL)
    assert planned.values == {"hopes": hope} and planned.also_answered == ["hopes"]
    assert planned.nudge and not planned.missed and planned.confirm is None


@pytest.mark.parametrize("hope", HOPE_AT_NEEDS)
def test_a_hope_typed_at_raised_needs_once_hopes_are_answered_is_asked_again(hope: str) -> None:
    answered = THROUGH_NEEDS | {"hopes": "to trust people again"}
    state = FormState(requested="raised_needs", open_items=("raised_needs", "missing"), answered=answered)
    planned = plan(hope, state, model_readings=FOOLED_MODEL)
    assert planned.values == {} and planned.confirm is None and planned.missed


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yep, brought it up and sessions improved", "yes_helped"),
        ("I said so last week, she carried on as usual", "yes_no_change"),
        ("spoke up once, things got better", "yes_helped"),
    ],
)
def test_real_answers_to_raised_needs_are_still_stored(text: str, value: str) -> None:
    assert plan(text, at("raised_needs", THROUGH_NEEDS)).values == {"raised_needs": value}


ADVICE_CHECK = Confirmation("advice_fit", Reading(ReadingKind.VALUE, 3, 0.7), words="some of it helps")
HEDGED_VALUE_STATE = {"sessions_so_far": "established", "felt_heard": 4, "depth": 4}


@pytest.mark.parametrize(
    ("reply", "intent"),
    [
        ("hmm maybe? probably a 2 tbh", "deny"),
        ("idk... a 2 out of 5 i suppose", "correct_answer"),
        ("dunno, 2ish i think", "nlu_fallback"),
        ("i mean... like 2? not sure", "affirm"),
    ],
)
def test_a_hedged_reply_with_a_value_to_is_that_right_is_that_value_for_the_answer_checked(
    reply: str, intent: str
) -> None:
    """Tester, round 4: "i guess so? idk like a 3" to "is that right?" was taken as a change of an answer."""
    state = checking(ADVICE_CHECK, HEDGED_VALUE_STATE, last_answered="depth")
    planned = plan(reply, state, intent=intent, confidence=0.9)
    assert planned.values == {"advice_fit": 2} and planned.corrected == ["advice_fit"]  # said back briefly
    assert planned.correction_prompt is None and not planned.nudge and planned.confirm is None
    assert planned.words == {"advice_fit": "some of it helps"}


@pytest.mark.parametrize("intent", ["deny", "correct_answer", "nlu_fallback"])
def test_a_hedged_reply_naming_the_value_proposed_confirms_it(intent: str) -> None:
    state = checking(ADVICE_CHECK, HEDGED_VALUE_STATE, last_answered="depth")
    planned = plan("i suppose? yeah like a 3 idk", state, intent=intent, confidence=0.9)
    assert planned.values == {"advice_fit": 3} and planned.corrected == [] and not planned.nudge
    assert planned.words == {"advice_fit": "some of it helps"}


@pytest.mark.parametrize(
    ("reply", "intent"),
    [("i suppose so? dunno", "correct_answer"), ("idk i guess", "deny"), ("probably? idk", "nlu_fallback")],
)
def test_a_hedged_yes_without_a_value_confirms_whatever_the_classifier_read(reply: str, intent: str) -> None:
    state = checking(ADVICE_CHECK, HEDGED_VALUE_STATE, last_answered="depth")
    planned = plan(reply, state, intent=intent, confidence=0.9)
    assert planned.values == {"advice_fit": 3} and planned.corrected == [] and planned.confirm is None



@pytest.mark.parametrize(
    ("item", "proposed", "reply", "value"),
    [
        ("sessions_so_far", "established", "nah nah, loads more than that, like forty", "long_term"),
        ("sessions_so_far", "long_term", "no, nearer to 6 I think", "established"),
        ("felt_heard", 4, "no, more like not often", 2),
        ("depth", 4, "no, more like not really", 2),
        ("advice_fit", 2, "no, I put mostly", 4),
    ],
)
def test_a_no_that_restates_the_answer_stores_it(
    item: str, proposed: object, reply: str, value: object
) -> None:
    """Tester, round 5: "no no, it's way more than that, like thirty", "no, I said somewhat" were dropped and
    the question asked from the top."""
    pending = Confirmation(item, Reading(ReadingKind.VALUE, proposed, 0.6), words="something vague")
    answered = {} if item == "sessions_so_far" else {"sessions_so_far": "established"}
    planned = plan(reply, at(item, answered, pending_confirmation=pending), intent="deny", confidence=0.8)
    assert planned.values == {item: value}


@pytest.mark.parametrize("reply", ["no, not even close", "nope", "no, not that"])
def test_a_bare_no_still_asks_again(reply: str) -> None:
    pending = Confirmation("depth", Reading(ReadingKind.VALUE, 4, 0.6), words="hmm")
    planned = plan(reply, at("depth", {"sessions_so_far": "established"}, pending_confirmation=pending),
                   intent="deny", confidence=0.8)
    assert planned.values == {} and planned.nudge


# --------------------------------------------------------------------------------------------------------
# Taking back the yes to saving, in the middle of the reflection
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("no, I don't want my answers saved", "deny"),
        ("actually can u stop storing what i say", "delete_data"),
        ("hmm I changed my mind about saving", "answer"),
        ("I'd rather my answers weren't kept", "ask_data"),
        ("hmm, I'd prefer you didn't keep any of it", "delete_data"),
        ("could you not store my answers after all", "answer"),
    ],
)
def test_taking_back_the_yes_to_saving_is_no_answer_and_gets_the_offer(text: str, intent: str) -> None:
    planned = plan(text, at("depth", {"felt_heard": 3}, saving=True), intent=intent)
    assert planned.saving == "offer" and planned.values == {} and planned.interrupt is None
    assert not planned.missed and not planned.corrected


def test_without_saving_already_the_client_is_told_nothing_is_saved() -> None:
    planned = plan("please don't save this", at("depth", saving=False))
    assert planned.saving == "unsaved" and planned.values == {}


@pytest.mark.parametrize("intent", ["answer", "affirm"])
def test_at_the_consent_question_not_wanting_it_saved_is_a_no(intent: str) -> None:
    assert plan("i dont want any of this stored", at("consent"), intent=intent).values == {"consent": False}


@pytest.mark.parametrize(
    ("text", "intent", "choice"),
    [
        ("carry on without saving", "answer", "stop"),
        ("yes", "affirm", "stop"),
        ("yeah just dont save it", "affirm", "stop"),
        ("keep saving", "answer", "keep"),
        ("no", "deny", "keep"),
        ("never mind, it's fine, save them", "answer", "keep"),
    ],
)
def test_the_reply_to_the_offer_decides_about_saving(text: str, intent: str, choice: str) -> None:
    planned = plan(text, at("depth", saving=True, saving_offer=True), intent=intent)
    assert planned.saving == choice and planned.values == {}


def test_answering_the_question_instead_of_choosing_stops_the_saving_and_keeps_the_answer() -> None:
    planned = plan("pretty surface level tbh, 2", at("depth", saving=True, saving_offer=True))
    assert planned.saving == "stop" and planned.values == {"depth": 2}
    unclear = plan("hmm", at("depth", saving=True, saving_offer=True), intent="nlu_fallback")
    assert unclear.saving == "stop" and unclear.values == {}


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Is it possible to do this without saving anything?", "affirm"),
        ("ok but will any of this be recorded?", "affirm"),
        ("yes, is it anonymous?", "affirm"),
    ],
)
def test_a_question_about_saving_at_consent_is_answered_not_taken_as_a_yes(text: str, intent: str) -> None:
    planned = plan(text, at("consent"), intent=intent)
    assert planned.explain == "data" and planned.values == {}


def test_delete_everything_at_the_offer_goes_to_the_deletion() -> None:
    state = at("depth", saving=True, saving_offer=True)
    assert plan("/delete_data", state, intent="delete_data", confidence=1.0).interrupt == "delete_data"


@pytest.mark.parametrize(
    "text",
    [
        "I don't want to keep going if nothing changes",
        "she records nothing, I don't like the idea of recording sessions anyway",
        "to stop storing up anger until I snap",
        "I'd like to stop keeping secrets from her",
    ],
)
def test_answers_that_mention_keeping_or_recording_are_still_answers(text: str) -> None:
    planned = plan(text, at("hopes", saving=True))
    assert planned.saving is None


@pytest.mark.parametrize("text", ["yes is right", "yep, nailed it", "ya thats rite", "yes that is correct"])
def test_a_worded_yes_to_a_low_reading_confirms_it_and_is_not_read_as_a_high_answer(text: str) -> None:
    checked = Confirmation(
        item="approach_fit", proposed=Reading(kind=ReadingKind.VALUE, value=1, confidence=0.7), words="never"
    )
    planned = plan(text, at("approach_fit", {"felt_heard": 3}, pending_confirmation=checked), intent="affirm")
    assert planned.values == {"approach_fit": 1}


# --------------------------------------------------------------------------------------------------------
# Round 7 (tester after round 6): a reply to "is that right?" that answers another question
# --------------------------------------------------------------------------------------------------------

HEARD_CHECK = Confirmation("felt_heard", Reading(ReadingKind.VALUE, 3, 0.6), words="she sort of gets it")


@pytest.mark.parametrize(
    ("reply", "item", "value"),
    [
        ("the suggestions she makes are alright I guess, 4", "advice_fit", 4),
        ("mostly generic advice tbh. 2", "advice_fit", 2),
        ("1, the homework never fits my week", "homework_fit", 1),
        ("we go quite deep actually, so a 4", "depth", 4),
        ("goals? 2, we never really agreed any", "goals_shared", 2),
    ],
)
def test_a_reply_to_a_check_that_rates_another_question_leaves_the_checked_reading_alone(
    reply: str, item: str, value: int
) -> None:
    """Tester, round 6: a check waiting on one question, answered with the next question's answer, changed
    the checked one."""
    planned = plan(reply, checking(HEARD_CHECK, {"sessions_so_far": "established"}), intent="answer")
    assert "felt_heard" not in planned.values and "felt_heard" not in planned.notes
    assert planned.values.get(item) == value and item in planned.also_answered
    assert planned.confirm is not None and planned.confirm.proposed.value == 3  # the check waits, unchanged


@pytest.mark.parametrize(
    "reply", ["advice? pretty pointless honestly", "as for the homework, it's fine", "the tips, meh"]
)
def test_a_vague_word_about_another_question_at_a_check_changes_nothing(reply: str) -> None:
    planned = plan(reply, checking(HEARD_CHECK, {"sessions_so_far": "established"}), intent="answer")
    assert "felt_heard" not in planned.values and "felt_heard" not in planned.notes
    assert planned.confirm is not None and planned.confirm.item == "felt_heard"
    assert planned.confirm.proposed.value == 3


def test_a_yes_with_another_answer_confirms_the_check_and_keeps_the_other() -> None:
    planned = plan("yes that's right, and the advice is a 2", checking(HEARD_CHECK), intent="affirm")
    assert planned.values == {"felt_heard": 3, "advice_fit": 2} and planned.confirm is None


# Corrections in plain words go to the answer they name, or the last rating; never to the question asked
THROUGH_APPROACH = {
    "sessions_so_far": "established", "felt_heard": 4, "depth": 3, "advice_fit": 2, "homework_fit": 3,
    "goals_shared": 2, "approach_fit": 3,
}


@pytest.mark.parametrize(
    ("text", "item", "value"),
    [
        ("I got it wrong about the tips before... put it at 4", "advice_fit", 4),
        ("I was a bit too harsh on the homework earlier, more like a 4", "homework_fit", 4),
        ("scratch what I said about the worksheets, they deserve a 1", "homework_fit", 1),
        ("looking back, the one about being listened to deserves a 3", "felt_heard", 3),
        ("on second thoughts the suggestions were better than I said, 3", "advice_fit", 3),
        ("I underrated the depth of our sessions, call it a 5", "depth", 5),
        ("I was a bit unfair about her guidance before, more like 4", "advice_fit", 4),
        ("I was too harsh about how shallow it gets earlier, 4 really", "depth", 4),
    ],
)
@pytest.mark.parametrize("asked", ["raised_needs", "hopes"])
def test_a_correction_in_plain_words_goes_to_the_answer_it_names(
    text: str, item: str, value: int, asked: str
) -> None:
    """Tester, round 6: "I was wrong about the advice earlier... call it a 4" was stored as goals."""
    answered = dict(THROUGH_APPROACH, tell_more="she rushes") if asked == "raised_needs" else THROUGH_NEEDS
    state = at(asked, answered, last_answered="approach_fit")
    planned = plan(text, state, intent="answer", confidence=0.7)
    assert planned.values == {item: value} and planned.corrected == [item]


@pytest.mark.parametrize(
    "text",
    ["I was too hard on it before, call it a 4", "I undersold that earlier tbh, more like 4",
     "ok I was being harsh a minute ago, 4 is fairer"],
)
def test_a_correction_naming_no_answer_goes_to_the_last_rating(text: str) -> None:
    state = at("goals_shared", {k: v for k, v in THROUGH_APPROACH.items() if k in QUESTIONS[:5]},
               last_answered="homework_fit")
    planned = plan(text, state, intent="answer", confidence=0.7)
    assert planned.values == {"homework_fit": 4} and planned.corrected == ["homework_fit"]


@pytest.mark.parametrize("text", ["hmm I think I was too harsh earlier", "I was wrong before, sorry"])
def test_a_correction_with_neither_a_name_nor_a_value_asks_which_answer(text: str) -> None:
    state = at("hopes", THROUGH_NEEDS, last_answered="raised_needs")
    planned = plan(text, state, intent="answer", confidence=0.7)
    assert planned.values == {} and planned.correction_prompt == "which"


@pytest.mark.parametrize(
    "text", ["thinking about it more, it's a 3", "looking back, we mostly agree on them, 4"]
)
def test_rethinking_out_loud_is_still_the_answer_to_the_question_asked(text: str) -> None:
    state = at("goals_shared", {k: v for k, v in THROUGH_APPROACH.items() if k in QUESTIONS[:5]},
               last_answered="homework_fit")
    planned = plan(text, state, intent="answer", confidence=0.7)
    assert "goals_shared" in planned.values and planned.corrected == []


@pytest.mark.parametrize(
    ("item", "text"),
    [
        ("depth", "hmm, hard to say. no idea what deep is meant to feel like"),
        ("advice_fit", "I don't know what good advice would even look like"),
        ("felt_heard", "nothing to compare it to really"),
    ],
)
def test_doubt_about_the_question_is_settled_as_not_sure_whatever_the_model_reads(
    item: str, text: str
) -> None:
    """The model reads the question's own word ("deep") as a rating; the client said they can't tell."""
    model = {item: Reading(ReadingKind.VALUE, 4, 0.96)}
    planned = plan(text, at(item, {"sessions_so_far": "established"}), model_readings=model)
    assert planned.values == {} and planned.notes == {item: "dont_know"} and planned.confirm is None


@pytest.mark.parametrize(
    ("item", "text"),
    [
        ("depth", "about as deep as a kiddie pool lol"),
        ("felt_heard", "feels like talking to a brick wall tbh"),
        ("advice_fit", "about as useful as a chocolate kettle"),
    ],
)
def test_a_figure_that_rates_low_is_not_outvoted_by_the_model_reading_its_words(item: str, text: str) -> None:
    model = {item: Reading(ReadingKind.VALUE, 4, 0.95)}
    planned = plan(text, at(item, {"sessions_so_far": "established"}), model_readings=model)
    assert planned.values == {item: 1} and planned.confirm is None


# A question about the client's data inside a longer answer: answered, and the answer still taken
@pytest.mark.parametrize(
    ("text", "intent", "value"),
    [
        ("mostly she does listen, a 4 I'd say. does my counsellor get to read this?", "answer", 4),
        ("can my therapist see what I type here? anyway she listens, most weeks. 4", "ask_data", 4),
        ("not really, she cuts me off a lot. who gets to see these answers btw", "answer", 2),
        ("3 I suppose. will she read this?", "ask_data", 3),
    ],
)
def test_a_data_question_inside_an_answer_is_answered_and_the_answer_taken(
    text: str, intent: str, value: int
) -> None:
    """Tester, round 6: a question inside a longer message ("…will my therapist see this?…") was ignored."""
    planned = plan(text, at("felt_heard", {"sessions_so_far": "established"}), intent=intent, confidence=0.9)
    assert planned.explain == "data" and planned.interrupt is None
    assert planned.values == {"felt_heard": value}
    assert "?" not in planned.words["felt_heard"]  # the question is not kept as their answer's words


@pytest.mark.parametrize(
    "text",
    ["to feel less on edge at work. will my therapist see this?",
     "does anyone at the clinic read what I write? I'd like to stop dreading Mondays"],
)
def test_a_hope_said_around_a_data_question_is_kept_without_the_question(text: str) -> None:
    planned = plan(text, at("hopes", THROUGH_NEEDS), intent="ask_data", confidence=0.9)
    assert planned.explain == "data" and set(planned.values) == {"hopes"}
    assert "?" not in planned.values["hopes"]


def test_a_data_question_with_no_answer_around_it_is_answered_and_the_question_asked_again() -> None:
    text = "hmm, will my therapist see this? I'd rather she didn't"
    planned = plan(text, at("felt_heard"), intent="answer")
    assert planned.explain == "data" and planned.values == {} and planned.nudge


@pytest.mark.parametrize(
    ("item", "text", "value"),
    [
        ("felt_heard", 'you said "{bot}" - yes I\'m fine, she mostly listens. 4', 4),
        ("hopes", "{bot} yes im ok. to feel less on edge at work", "to feel less on edge at work"),
    ],
)
def test_the_assistants_words_copied_into_an_answer_are_not_kept_as_the_clients(
    item: str, text: str, value: object
) -> None:
    """Tester, round 6: a safety reply quoted back as part of an answer was stored as the answer's words."""
    bot = message("risk_check_in").text
    answered = THROUGH_NEEDS if item == "hopes" else {"sessions_so_far": "established"}
    planned = plan(text.format(bot=bot), at(item, answered), intent="answer")
    assert planned.values.get(item) == value or bot not in str(planned.values.get(item))
    assert bot not in planned.words[item] and "check in with you" not in planned.words[item]
    assert "check in with you" not in str(planned.values.get(item))


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("she gets into the hard stuff, 4. why do you even need to know?", "answer"),
        ("what are these questions for? we go fairly deep I guess, a 4", "ask_why"),
    ],
)
def test_asking_why_inside_an_answer_gets_the_reason_and_the_answer_is_taken(text: str, intent: str) -> None:
    planned = plan(text, at("depth", {"sessions_so_far": "established"}), intent=intent, confidence=0.9)
    assert planned.explain == "why" and planned.values == {"depth": 4} and planned.interrupt is None


@pytest.mark.parametrize(
    "reply",
    ["we've never really agreed on anything", "she never sets anything to do between sessions"],
)
def test_words_about_another_question_at_a_check_leave_the_checked_reading_alone_whatever_the_model_reads(
    reply: str,
) -> None:
    """No name, but another question's own words: the model's reading of them is no new answer to depth."""
    model = {"depth": Reading(ReadingKind.VALUE, 1, 0.95)}
    planned = plan(reply, checking(DEPTH_3, {"sessions_so_far": "established"}), model_readings=model)
    assert "depth" not in planned.values and "depth" not in planned.notes
    assert planned.confirm is not None and planned.confirm.proposed.value == 3


def test_a_yes_at_a_check_that_mentions_an_answer_given_still_confirms() -> None:
    state = checking(DEPTH_3, {"sessions_so_far": "established", "felt_heard": 4, "advice_fit": 2})
    planned = plan("yep that's right, unlike the advice", state, intent="affirm")
    assert planned.values == {"depth": 3} and planned.confirm is None and planned.corrected == []


CHECKED_CHOICE = Confirmation("raised_needs", Reading(ReadingKind.VALUE, "yes_no_change", 0.6), words="I did")
AFTER_TELL_MORE = {
    "sessions_so_far": "established", "felt_heard": 3, "depth": 2, "advice_fit": 3, "homework_fit": 3,
    "goals_shared": 4, "approach_fit": 3, "tell_more": "it stays shallow",
}


@pytest.mark.parametrize(
    "reply",
    ["bingo!", "Spot on", "yes that's what I said", "you got it", "100%", "exactly.", "yep, dead on",
     "a hundred percent", "that's what I meant"],
)
@pytest.mark.parametrize("intent", ["nlu_fallback", "answer", "affirm"])
def test_a_reply_that_only_confirms_the_check_confirms_it_and_answers_nothing_else(
    reply: str, intent: str
) -> None:
    state = at("raised_needs", AFTER_TELL_MORE, pending_confirmation=CHECKED_CHOICE)
    planned = plan(reply, state, intent=intent)
    assert planned.values == {"raised_needs": "yes_no_change"}
    assert "hopes" not in planned.values and "missing" not in planned.values and planned.confirm is None


@pytest.mark.parametrize("question", ["hopes", "missing", "tell_more"])
@pytest.mark.parametrize("reply", ["bingo", "spot on!", "yes that's what I said", "100 %", "you got it"])
def test_a_confirmation_at_a_question_asked_in_words_is_never_its_answer(question: str, reply: str) -> None:
    answered = {k: v for k, v in {**AFTER_TELL_MORE, "raised_needs": "not_yet", "hopes": "calm"}.items()}
    order = list(QUESTIONS)
    answered = {k: v for k, v in answered.items() if order.index(k) < order.index(question)}
    planned = plan(reply, at(question, answered), intent="affirm")
    assert question not in planned.values and question not in planned.notes


@pytest.mark.parametrize(
    "text",
    ["go on so, save away", "yep no worries, save 'em", "grand, go ahead and save them",
     "sure thing, save it all", "no problem, you can save them", "fine by me, save away"],
)
@pytest.mark.parametrize("intent", ["nlu_fallback", "greet", "answer"])
def test_consent_given_in_plain_words_about_saving_is_a_yes(text: str, intent: str) -> None:
    assert plan(text, at("consent"), intent=intent, confidence=0.5).values == {"consent": True}


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [("keep them, it's fine", "nlu_fallback", 0.4), ("Keep it, I don't care either way", "delete_data", 0.45),
     ("yes, keep my answers, I don't mind", "affirm", 0.6), ("keep everything, go on", "nlu_fallback", 0.3)],
)
def test_keep_them_at_consent_is_a_yes_even_with_a_not_that_refuses_nothing(
    text: str, intent: str, confidence: float
) -> None:
    # an unsure guess at "delete my data" gives way to the plain words; "don't mind" refuses nothing
    assert plan(text, at("consent"), intent=intent, confidence=confidence).values == {"consent": True}


@pytest.mark.parametrize(
    ("text", "value"),
    [("don't keep them", False), ("please don't keep it", False), ("keep it private", None)],
)
def test_not_keeping_at_consent_is_no_yes(text: str, value: bool | None) -> None:
    planned = plan(text, at("consent"), intent="nlu_fallback", confidence=0.4)
    assert planned.values.get("consent") is value


@pytest.mark.parametrize(
    "text",
    ["Before I say yes, my therapist will see this what I write?",
     "hang on, before I agree: can my counsellor read these answers?",
     "wait, does the clinic see what I write here?"],
)
@pytest.mark.parametrize("intent", ["ask_data", "nlu_fallback", "affirm"])
def test_a_privacy_question_at_consent_gets_the_data_answer_not_no_rush(text: str, intent: str) -> None:
    planned = plan(text, at("consent"), intent=intent)
    assert planned.explain == "data" or planned.interrupt == "ask_data"
    assert not planned.missed and "consent" not in planned.values


@pytest.mark.parametrize(
    "text",
    ["Yes. One question: the people in clinic can see my name from this?",
     "ok! but will my therapist read what I write?",
     "Yeah. Is this linked to my name?"],
)
@pytest.mark.parametrize("intent", ["ask_data", "affirm", "nlu_fallback"])
def test_a_yes_followed_by_a_privacy_question_is_taken_and_the_question_answered(
    text: str, intent: str
) -> None:
    planned = plan(text, at("consent"), intent=intent)
    assert planned.explain == "data" and planned.values == {"consent": True}


BEFORE_APPROACH = {
    "sessions_so_far": "established", "felt_heard": 4, "depth": 3, "advice_fit": 3, "homework_fit": 2,
    "goals_shared": 4,
}


@pytest.mark.parametrize(
    "text",
    [
        "somewhat? I mean with the handouts clearly not, but he did switch our sessions to video calls",
        "mostly. the worksheets never fit, but she changed to seeing me online when I asked",
        "kind of, I mean the exercises are hopeless, but they switched to shorter sessions for me",
        "a 3 I mean, homework aside. he did update how we do check-ins after I said",
    ],
)
def test_naming_another_topic_while_answering_the_question_is_no_correction(text: str) -> None:
    planned = plan(text, at("approach_fit", BEFORE_APPROACH))
    assert "homework_fit" not in planned.values and not planned.corrected
    assert planned.correction_prompt is None
    assert "approach_fit" in planned.values or planned.confirm is not None


@pytest.mark.parametrize(
    "text",
    ["change the homework one to 4", "homework should be 4", "can you switch homework to 4 please",
     "the worksheets, I meant 4"],
)
def test_a_change_asked_for_by_name_is_still_a_correction(text: str) -> None:
    planned = plan(text, at("approach_fit", BEFORE_APPROACH))
    assert planned.values == {"homework_fit": 4} and planned.corrected == ["homework_fit"]


ALL_RATED = {**BEFORE_APPROACH, "approach_fit": 2}


@pytest.mark.parametrize(
    ("text", "item", "value"),
    [
        ("the adapting question should be a 3, not a 2", "approach_fit", 3),
        ("the adapting one, I meant 4", "approach_fit", 4),
        ("that feedback one should be a 4", "approach_fit", 4),
        ("the concrete one should have been 4", "advice_fit", 4),
        ("make the agreeing together one a 2", "goals_shared", 2),
        ("the understood question should be 2", "felt_heard", 2),
        ("change the situation question to 4", "homework_fit", 4),
    ],
)
@pytest.mark.parametrize("requested", ["raised_needs", "hopes"])
def test_a_question_is_named_by_the_words_of_its_own_question(
    text: str, item: str, value: int, requested: str
) -> None:
    answered = {**ALL_RATED, "tell_more": "it feels rushed"}
    if requested == "hopes":
        answered["raised_needs"] = "not_yet"
    planned = plan(text, at(requested, answered), intent="answer")
    assert planned.values == {item: value} and planned.corrected == [item]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Please change homework to 4 and the adapting one to 3", {"homework_fit": 4, "approach_fit": 3}),
        ("can you make depth a 2, and advice a 4", {"depth": 2, "advice_fit": 4}),
        ("switch the goals one to 2 and also feeling heard to 5", {"goals_shared": 2, "felt_heard": 5}),
    ],
)
@pytest.mark.parametrize("intent", ["correct_answer", "answer"])
def test_two_corrections_in_one_message_are_both_applied(text: str, values: dict, intent: str) -> None:
    planned = plan(text, at("raised_needs", {**ALL_RATED, "tell_more": "x"}), intent=intent)
    assert planned.values == values and sorted(planned.corrected) == sorted(values)


@pytest.mark.parametrize(
    ("text", "item", "value"),
    [("ugh. homework: 4", "homework_fit", 4), ("depth: 1", "depth", 1), ("advice = 5 btw", "advice_fit", 5),
     ("oh, goals: 2", "goals_shared", 2)],
)
@pytest.mark.parametrize("requested", ["approach_fit", "raised_needs"])
def test_a_name_and_a_value_said_as_a_label_correct_that_answer(
    text: str, item: str, value: int, requested: str
) -> None:
    answered = dict(ALL_RATED) if requested == "raised_needs" else dict(BEFORE_APPROACH)
    if requested == "raised_needs":
        answered["tell_more"] = "x"
    planned = plan(text, at(requested, answered), intent="answer")
    assert planned.values == {item: value} and planned.corrected == [item]


BEFORE_HOPES = {**ALL_RATED, "tell_more": "it feels rushed", "raised_needs": "not_yet"}


@pytest.mark.parametrize(
    ("text", "hope"),
    [
        ("maybe more about my family? Oh and sorry, the adapting question, I meant a 3 not a 2",
         "maybe more about my family?"),
        ("To feel less on edge at work. Also, the adapting one should be a 3.",
         "To feel less on edge at work."),
        ("being able to say no to people! oops, the feedback question should have been 3",
         "being able to say no to people!"),
    ],
)
def test_an_answer_and_a_correction_in_one_message_are_both_kept(text: str, hope: str) -> None:
    planned = plan(text, at("hopes", BEFORE_HOPES), intent="answer")
    assert planned.values == {"approach_fit": 3, "hopes": hope} and planned.corrected == ["approach_fit"]


@pytest.mark.parametrize(
    "text",
    ["oh wait, the adapting question should be a 3", "sorry, the feedback one, I meant 3 not 2"],
)
def test_a_correction_alone_at_a_question_asked_in_words_is_not_its_answer(text: str) -> None:
    planned = plan(text, at("hopes", BEFORE_HOPES), intent="answer")
    assert planned.values == {"approach_fit": 3} and "hopes" not in planned.values


AFTER_HOPES = {**BEFORE_HOPES, "hopes": "the adapting question, I meant a 3 not a 2"}


@pytest.mark.parametrize(
    "text",
    ["no, that's not my hopes at all", "no that's not what I hope for!", "hey you changed the wrong one",
     "nope, that's not what I said", "why did you change my hopes?"],
)
@pytest.mark.parametrize("intent", ["answer", "deny", "nlu_fallback"])
def test_a_complaint_about_the_last_change_asks_about_that_answer_and_is_no_answer(
    text: str, intent: str
) -> None:
    planned = plan(text, at("missing", AFTER_HOPES, last_answered="hopes"), intent=intent)
    assert "missing" not in planned.values and "missing" not in planned.notes
    assert planned.correction_prompt == "hopes" and not planned.values


@pytest.mark.parametrize(
    ("text", "requested"),
    [
        ("no, that's not my experience at all", "felt_heard"),
        ("nah that's not my style, it stays shallow", "depth"),
    ],
)
def test_not_my_without_naming_an_answer_is_still_an_answer(text: str, requested: str) -> None:
    answered: dict[str, object] = {"sessions_so_far": "established"}
    if requested == "depth":
        answered["felt_heard"] = 4
    planned = plan(text, at(requested, answered, last_answered=list(answered)[-1]))
    assert planned.correction_prompt is None


@pytest.mark.parametrize(
    ("text", "requested", "value"),
    [
        ("Only 3 sittings till now", "sessions_so_far", "early"),
        ("around 30 sittings I think", "sessions_so_far", "long_term"),
        ("I say already, yes and it help", "raised_needs", "yes_helped"),
        ("yes, twice. I told her to stop interrupting me. she interrupted me to say she'd work on it",
         "raised_needs", "yes_no_change"),
    ],
)
def test_plain_or_non_native_answers_are_read_not_asked_again(text: str, requested: str, value: str) -> None:
    answered = {} if requested == "sessions_so_far" else {**ALL_RATED, "tell_more": "x"}
    planned = plan(text, at(requested, answered))
    assert planned.values == {requested: value} and not planned.missed


# "about 3 of 5, is that right?" waiting for the depth question
CHECKING_DEPTH = Confirmation("depth", Reading(ReadingKind.VALUE, 3, 0.7), words="kinda deep i guess")


def test_after_stop_asking_me_to_confirm_a_reading_is_taken_not_checked() -> None:
    model = {"depth": Reading(ReadingKind.VALUE, 2, 0.7)}  # the second reader disagrees, as above
    planned = plan("yes, we go deep", at("depth", confirm_less=True), model_readings=model)
    assert planned.confirm is None and planned.values == {"depth": 4}


@pytest.mark.parametrize(
    "text",
    [
        "stop asking me to confirm everything",
        "can you stop checking everything I say",
        "no more confirmations please!!",
        "you dont need to double check, just take what i say",
        "ugh stop asking if that's right",
    ],
)
def test_stop_asking_me_to_confirm_takes_the_reading_being_checked_and_lasts(text: str) -> None:
    planned = plan(text, at("depth", pending_confirmation=CHECKING_DEPTH), intent="nlu_fallback")
    assert planned.confirm_less and planned.values == {"depth": 3}
    assert planned.words == {"depth": "kinda deep i guess"}


def test_stop_asking_me_to_confirm_with_an_answer_reads_the_answer() -> None:
    planned = plan("stop asking me to confirm, it's a 2", at("depth", pending_confirmation=CHECKING_DEPTH))
    assert planned.confirm_less and planned.values == {"depth": 2}
    at_a_question = plan("stop checking everything with me. not really deep", at("depth"))
    assert at_a_question.confirm_less and at_a_question.values == {"depth": 2}


@pytest.mark.parametrize(
    "text", ["she doesn't check my homework", "we stopped doing check-ins", "no, stop", "I confirm it's a 3"]
)
def test_words_near_confirming_are_no_request_to_stop(text: str) -> None:
    assert not plan(text, at("homework_fit")).confirm_less


def test_every_way_the_classifier_learns_to_ask_not_to_confirm_is_read_by_the_turn_words() -> None:
    nlu = yaml.safe_load((Path(__file__).resolve().parent.parent / "data/nlu/conversation.yml").read_text())
    block = next(b for b in nlu["nlu"] if b.get("intent") == "confirm_less")
    examples = [line.strip()[2:] for line in block["examples"].splitlines() if line.strip()]
    assert examples and all(plan(text, at("depth"), intent="answer").confirm_less for text in examples)


def test_the_classifier_alone_can_ask_not_to_confirm() -> None:
    assert plan("pls no more of that", at("depth"), intent="confirm_less", confidence=0.9).confirm_less


@pytest.mark.parametrize(
    "text",
    [
        "hang on, the phone is ringing, back in a bit",
        "my mother is calling me, I will come back",
        "brb",
        "one sec, someone's at the door",
        "sorry, I'll be back in a minute",
    ],
)
def test_stepping_away_reads_nothing_and_keeps_the_place(text: str) -> None:
    for state in (at("goals_shared"), at("depth", pending_confirmation=CHECKING_DEPTH)):
        planned = plan(text, state)
        assert planned.explain == "away" and planned.nudge and not planned.values and not planned.notes
        assert planned.confirm == state.pending_confirmation


@pytest.mark.parametrize("text", ["ok im back", "I'm back, sorry", "back", "sorry about that"])
def test_coming_back_reads_nothing(text: str) -> None:
    planned = plan(text, at("goals_shared"))
    assert planned.explain == "back" and planned.nudge and not planned.values


@pytest.mark.parametrize(
    "text",
    [
        "she calls me out when I avoid things, 4",
        "we never come back to the goals",
        "a bit, yeah",
        "I'll be honest, 2",
    ],
)
def test_answers_that_look_like_stepping_away_are_still_read(text: str) -> None:
    assert plan(text, at("goals_shared")).explain is None


@pytest.mark.parametrize(
    "text",
    [
        "is that normal?",
        "Is this normal tho",
        "is it just me?",
        "do other people feel this way?",
        "is that bad?",
    ],
)
def test_is_that_normal_gets_a_word_and_the_question_again(text: str) -> None:
    planned = plan(text, at("homework_fit"))
    assert planned.explain == "normal" and planned.nudge and not planned.values and not planned.missed


@pytest.mark.parametrize(
    "text", ["it's normal, I guess, a 3", "normal amount of homework, it fits", "is that a 3? yes"]
)
def test_answers_with_normal_in_them_are_still_read(text: str) -> None:
    assert plan(text, at("homework_fit")).explain != "normal"


@pytest.mark.parametrize(
    "text",
    [
        "wat do u mean by deep",
        "ok but wat does deep even mean",
        "Sorry, what means 'on the surface'? My English is not so perfect.",
        "I don't understand the question, can you explain with other words please?",
        "what are you asking",
    ],
)
def test_asking_what_the_question_means_reads_nothing(text: str) -> None:
    planned = plan(text, at("depth"), model_readings={"depth": Reading(ReadingKind.VALUE, 4, 0.9)})
    assert planned.explain == "meaning" and planned.nudge and not planned.values and planned.confirm is None


def test_a_rating_with_a_word_about_meaning_is_still_read() -> None:
    assert plan("I mean, it's a 2", at("depth")).values == {"depth": 2}


def test_every_question_the_form_asks_can_be_put_in_other_words() -> None:
    from reflection.items import load_item_bank

    bank = load_item_bank()
    assert all(bank.item(slot).explain for slot in QUESTIONS)


@pytest.mark.parametrize(
    "text", ["change my homework answer to: no homework", "change my homework answer to no homework"]
)
def test_a_correction_to_no_homework_is_none_not_a_rating(text: str) -> None:
    planned = plan(text, at("goals_shared", {"homework_fit": 4}, last_answered="homework_fit"))
    assert planned.corrected == ["homework_fit"] and planned.values == {"homework_fit": "none"}


def test_the_example_the_assistant_gives_for_a_change_works() -> None:
    example = message("confirm_less").text.split('"')[1]
    planned = plan(example, at("goals_shared", {"homework_fit": 4}, last_answered="homework_fit"))
    assert planned.corrected == ["homework_fit"] and planned.values == {"homework_fit": 2}


def test_is_that_normal_inside_an_answer_keeps_the_answer_and_gets_its_word() -> None:
    planned = plan("mostly surface, 2. is that normal this early on?", at("depth"))
    assert planned.values == {"depth": 2} and planned.explain == "normal"
    asked_again = plan("you didn't answer me. is it normal that it's still shallow?", at("advice_fit"))
    assert asked_again.explain == "normal"


@pytest.mark.parametrize(
    "text", ["no it didn't make a difference, I said nothing changed", "no, nothing changed"]
)
def test_disputing_the_answer_just_taken_at_a_question_in_words_changes_it(text: str) -> None:
    planned = plan(text, at("hopes", {"raised_needs": "yes_helped"}, last_answered="raised_needs"))
    assert planned.corrected == ["raised_needs"] and planned.values == {"raised_needs": "yes_no_change"}


@pytest.mark.parametrize("text", ["no idea, just to feel better", "wait, actually I want more structure"])
def test_a_hope_that_opens_with_no_is_still_a_hope(text: str) -> None:
    planned = plan(text, at("hopes", {"raised_needs": "yes_helped"}, last_answered="raised_needs"))
    assert planned.values == {"hopes": text} and not planned.corrected


def test_no_to_tell_me_more_changes_nothing() -> None:
    planned = plan("nah", at("tell_more", {"felt_heard": 3}, last_answered="felt_heard"))
    assert not planned.corrected


@pytest.mark.parametrize(
    "text",
    [
        "we talk about the meaning of life a lot, so yes, deep",
        "she helps me rephrase my thoughts, it goes deep",
        "can you explain why my sessions feel shallow? they do",
    ],
)
def test_answers_with_words_about_meaning_are_still_answers(text: str) -> None:
    assert plan(text, at("depth")).explain != "meaning"


# Round 12 (live conversations): a question about what the question means, weighing two readings or asking
# what counts, gets the question in other words; stepping away in a few words keeps the place. Neither is read
# as an answer. Said at a free-text question, a question that weighs two things may be the client's hope.
@pytest.mark.parametrize(
    ("requested", "text"),
    [
        ("depth", "is 'deep' about my feelings or about my childhood?"),
        ("felt_heard", "listened to as in actually listened, or as in agreed with me?"),
        ("goals_shared", "goals for the therapy or for life in general?"),
        ("advice_fit", "what counts as advice here?"),
        ("approach_fit", "what would adapting look like, changing the worksheets?"),
    ],
)
def test_a_question_about_the_question_gets_it_in_other_words(requested: str, text: str) -> None:
    planned = plan(text, at(requested))
    assert planned.explain == "meaning" and not planned.values, planned


@pytest.mark.parametrize("text", ["hang on, door again", "sorry, phone", "hold on, my son needs me"])
def test_stepping_away_in_a_few_words_keeps_the_place(text: str) -> None:
    planned = plan(text, at("approach_fit"), intent="pause", confidence=0.9)
    assert planned.explain == "away" and not planned.values and planned.interrupt is None, planned


def test_a_hope_that_weighs_two_things_is_still_a_hope() -> None:
    planned = plan("more support in sessions or between them?", at("hopes"))
    assert planned.explain != "meaning"


@pytest.mark.parametrize(
    ("requested", "text"),
    [
        ("depth", "sorry, my daughter needs help with her spelling, 5 mins"),
        ("advice_fit", "my 3 dogs are barking at the postman lol one sec"),
        ("hopes", "my 2 boys are fighting again, back in 10"),
        ("missing", "hold on, my mum's just come in"),
    ],
)
def test_a_count_or_a_time_away_is_no_rating(requested: str, text: str) -> None:
    planned = plan(text, at(requested))
    assert planned.explain == "away" and not planned.values, planned


@pytest.mark.parametrize(
    ("requested", "text"),
    [
        ("hopes", "in the sessions, or in my life overall?"),
        ("missing", "missing from therapy, or from this chat here?"),
    ],
)
def test_therapy_or_life_in_general_asks_what_a_free_text_question_means(requested: str, text: str) -> None:
    planned = plan(text, at(requested))
    assert planned.explain == "meaning" and not planned.values, planned


def test_a_rating_beside_a_time_away_is_still_the_answer() -> None:
    assert plan("4, back in 5", at("depth")).values == {"depth": 4}


# Round 13 (issue 8): what live conversations found. A bare "hang on" keeps the place; a new count of
# sessions said at a later question changes that answer and nothing else.
@pytest.mark.parametrize(
    "text", ["hang on", "ok hang on a sec", "one moment", "hold on please", "bear with me"]
)
def test_only_hang_on_keeps_the_place(text: str) -> None:
    planned = plan(text, at("depth"), intent="nlu_fallback", confidence=0.4)
    assert planned.explain == "away" and not planned.values and not planned.missed, planned


@pytest.mark.parametrize(
    ("requested", "text", "value"),
    [
        ("depth", "sorry, it's more like 20 sessions actually", "long_term"),
        ("approach_fit", "wait, it's been 2 years with her actually", "long_term"),
        ("goals_shared", "oops, only 2 sessions so far", "early"),
        ("hopes", "sorry, it's more like 20 sessions actually", "long_term"),
    ],
)
def test_a_new_count_of_sessions_at_a_later_question_changes_that_answer(
    requested: str, text: str, value: str
) -> None:
    planned = plan(text, at(requested, {"sessions_so_far": "established", "felt_heard": 4}))
    assert planned.corrected == ["sessions_so_far"] and planned.values == {"sessions_so_far": value}, planned


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("I meant 20 sessions not 8", "long_term"),
        ("sorry, I put 2 sessions before, it's 9 sessions", "established"),
        ("actually I said 9 sessions earlier but it's more like 25, forgot last year's", "long_term"),
        ("hang on, the sessions should be 30, not 6", "long_term"),
    ],
)
def test_a_correction_of_the_count_takes_the_number_not_taken_back(text: str, value: str) -> None:
    planned = plan(text, at("homework_fit", {"sessions_so_far": "established", "felt_heard": 4}))
    assert planned.corrected == ["sessions_so_far"] and planned.values == {"sessions_so_far": value}, planned


@pytest.mark.parametrize(
    "text", ["sorry, the sessions: 9 sessions with her, 25 in all", "wait, 9 sessions, or 25 sessions"]
)
def test_a_correction_of_the_count_with_two_numbers_asks_which_is_meant(text: str) -> None:
    planned = plan(text, at("homework_fit", {"sessions_so_far": "established", "felt_heard": 4}))
    assert planned.correction_prompt == "sessions_so_far" and not planned.values, planned


@pytest.mark.parametrize(
    ("text", "value", "count"),
    [
        ("oh wait, it's more like 25 sessions, not 9. the goals, a 2", 2, "long_term"),
        ("sorry, I said 9 sessions before but it's nearer 25. goals are a 4", 4, "long_term"),
        ("oh and the sessions should be 2. goals: 5", 5, "early"),
    ],
)
def test_a_count_changed_beside_an_answer_to_the_question_asked_takes_both(
    text: str, value: int, count: str
) -> None:
    planned = plan(text, at("goals_shared", {"sessions_so_far": "established", "felt_heard": 4}))
    assert planned.corrected == ["sessions_so_far"], planned
    assert planned.values == {"sessions_so_far": count, "goals_shared": value}, planned


@pytest.mark.parametrize(
    ("requested", "text", "stored"),
    [
        ("depth", "we've had 20 sessions and it never goes deep", "depth"),
        ("hopes", "to get through 20 sessions without crying", "hopes"),
        ("hopes", "actually I'd love to get through 20 sessions without crying", "hopes"),
        ("approach_fit", "only been 3 times so it hasn't really come up yet", "approach_fit"),
    ],
)
def test_a_count_of_sessions_inside_an_answer_is_no_correction(
    requested: str, text: str, stored: str
) -> None:
    planned = plan(text, at(requested, {"sessions_so_far": "established", "felt_heard": 4}))
    assert not planned.corrected and "sessions_so_far" not in planned.values, planned


@pytest.mark.parametrize("intent", ["ask_data", "answer", "nlu_fallback"])
def test_why_a_question_is_asked_gets_why_whatever_the_classifier_thought(intent: str) -> None:
    """Round 13: "why do you want to know what I hope for?" got the data answer (the classifier's
    ask_data)."""
    for text, requested in [
        ("why do you want to know what I hope for?", "hopes"),
        ("why you need to know that, my therapist knows it already", "hopes"),
        ("why u want that", "missing"),
    ]:
        planned = plan(text, at(requested), intent=intent)
        assert planned.explain == "why" and planned.nudge and not planned.values, (text, planned)
    assert plan("to sleep better. why do you ask?", at("hopes")).values == {"hopes": "to sleep better."}


@pytest.mark.parametrize(
    "text",
    ["my partner wants to know if she can see this", "can my husband read this later?",
     "my mum keeps asking if she'll get to read what I write"],
)
def test_a_family_member_asking_to_see_it_is_a_question_about_the_data(text: str) -> None:
    for requested in ("hopes", "missing", "felt_heard"):
        planned = plan(text, at(requested))
        assert planned.explain == "data" and not planned.values, (requested, planned)


@pytest.mark.parametrize(
    "text", ["I want my family to see it's not my fault", "for my kids to see me happy again"]
)
def test_a_hope_about_family_seeing_something_is_still_a_hope(text: str) -> None:
    assert plan(text, at("hopes")).values == {"hopes": text}


# Round 13, after answers_v14's first run: leaving, stepping out, someone at home asking to read it, and the
# count of sessions named and corrected, each said at a question answered in words, are never the answer.
@pytest.mark.parametrize(
    ("text", "intent", "expect"),
    [
        ("thank you, that's all from me, bye now", "goodbye", {"interrupt": "goodbye"}),
        ("cheers, I'm off, bye", "pause", {"interrupt": "pause"}),
        ("many thanks, that's me finished, goodbye", "thanks", {"interrupt": "thanks"}),
        ("sorry, I need to pop out for twenty minutes", "pause", {"explain": "away"}),
        ("sorry, one moment, the kettle", "pause", {"explain": "away"}),
        ("my wife wants to see what I put for this one, is that ok?", "ask_data", {"explain": "data"}),
        ("my boyfriend wants to read all of this, can he?", "answer", {"explain": "data"}),
        ("hang on, the sessions should be different, let me check", "answer",
         {"correction_prompt": "sessions_so_far"}),
        ("hang on, the sessions answer is wrong", "answer", {"correction_prompt": "sessions_so_far"}),
    ],
)
def test_leaving_or_asking_at_a_question_in_words_is_no_answer(
    text: str, intent: str, expect: dict[str, str]
) -> None:
    for requested in ("hopes", "missing"):
        planned = plan(text, at(requested, {"sessions_so_far": "established"}), intent=intent, confidence=0.6)
        assert not planned.values, (requested, planned)
        assert {key: getattr(planned, key) for key in expect} == expect, (requested, planned)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("to be able to say goodbye to my dad properly", "goodbye"),
        ("I need to step away from work for a bit", "pause"),
        ("I want my family to see what I write in my journal", "ask_data"),
    ],
)
def test_hopes_that_share_those_words_are_still_hopes(text: str, intent: str) -> None:
    assert plan(text, at("hopes"), intent=intent, confidence=0.6).values == {"hopes": text}


@pytest.mark.parametrize(
    ("text", "closes"),
    [
        ("Thank you. That's everything. Good night.", True),
        ("Siyabonga, bye", True),
        ("Dziękuję, thank you", True),
        ("have a lovely evening", True),
        ("hello again", False),
        ("I'd like to change the homework one", False),
    ],
)
def test_thanks_or_a_goodbye_in_any_words_signs_off(text: str, closes: bool) -> None:
    assert signs_off(text) is closes


def test_a_goodbye_with_thanks_at_a_rated_question_is_no_rating() -> None:
    planned = plan("brilliant, thanks, I'll say bye for now", at("depth"), intent="thanks", confidence=0.6)
    assert planned.interrupt == "thanks" and not planned.values, planned
    rated = plan("she always says goodbye warmly, 4", at("felt_heard"), intent="thanks")
    assert rated.values == {"felt_heard": 4}


@pytest.mark.parametrize(
    "text",
    [
        "yeah I told her I wanted us to go deeper, weeks ago, and nothing has really changed",
        "I brought up the goals thing in March, honestly nothing changed",
        "asked him for homework that fits my shifts, it hasn't changed at all",
    ],
)
def test_a_raised_need_naming_another_question_changes_nothing_else(text: str) -> None:
    """Tester, round 13: a need told of ("go deeper") changed the depth answer."""
    answered = {item: 2 for item in ("felt_heard", "depth", "advice_fit", "homework_fit", "goals_shared")}
    planned = plan(text, at("raised_needs", {"sessions_so_far": "established", **answered}))
    assert not planned.corrected and planned.values.get("raised_needs", "yes_no_change") == "yes_no_change"
    assert set(planned.values) <= {"raised_needs"}, planned


def test_a_change_asked_for_at_raised_needs_still_changes_the_answer() -> None:
    state = at("raised_needs", {"sessions_so_far": "established", "depth": 2})
    planned = plan("change depth to 4 please", state)
    assert planned.corrected == ["depth"] and planned.values == {"depth": 4}


@pytest.mark.parametrize("text", ["hang on, right I'm back - about a 4", "ok back — 4"])
def test_an_answer_after_a_dash_on_return_is_the_answer(text: str) -> None:
    state = at("depth", {"sessions_so_far": "established", "felt_heard": 2}, last_answered="felt_heard")
    planned = plan(text, state)
    assert planned.values == {"depth": 4} and not planned.corrected, planned


@pytest.mark.parametrize(
    ("text", "closes"),
    [
        ("Ngā mihi, take care", True),
        ("so long, and thanks", True),
        ("have a blessed week", False),
        ("I need to take care of myself more", False),
        ("so long as she listens I'm happy", False),
    ],
)
def test_more_goodbyes_close_after_the_summary(text: str, closes: bool) -> None:
    assert signs_off(text) is closes


@pytest.mark.parametrize(
    "text",
    [
        "cheers, I'm going to call it a night there",
        "ok signing off now, thank you",
        "that's me for tonight, nite all",
        "hold on ten minutes, the dog needs out",
        "right, I'm done for tonight, nite all",
    ],
)
def test_leaving_for_now_in_plain_words_keeps_the_place(text: str) -> None:
    for requested in ("hopes", "missing", "homework_fit"):
        planned = plan(text, at(requested, {"sessions_so_far": "established"}), intent="answer")
        assert planned.explain == "away" and not planned.values, (requested, planned)


def test_a_hope_that_names_a_night_off_is_still_the_hope() -> None:
    text = "to be able to switch off and call it a night without panicking"
    assert plan(text, at("hopes", {"sessions_so_far": "established"})).values == {"hopes": text}


@pytest.mark.parametrize(
    ("text", "item", "value"),
    [
        ("back to goals — put 4, I was too harsh", "goals_shared", 4),
        ("the advice one — change it to 3, I was being unfair", "advice_fit", 3),
    ],
)
def test_a_change_after_a_dash_changes_the_answer_it_names(text: str, item: str, value: int) -> None:
    state = at("hopes", {"sessions_so_far": "established", "goals_shared": 2, "advice_fit": 1})
    planned = plan(text, state)
    assert planned.corrected == [item] and planned.values == {item: value}, planned


@pytest.mark.parametrize("intent", ["correct_answer", "answer"])
def test_back_from_a_pause_with_an_answer_answers_the_open_question(intent: str) -> None:
    """Tester, round 14: "ok back - about a 3" was taken as a change of the answer before it."""
    state = at("depth", {"sessions_so_far": "established", "felt_heard": 5}, last_answered="felt_heard")
    planned = plan("right, I'm back - probably a 2", state, intent=intent)
    assert planned.values == {"depth": 2} and not planned.corrected, planned


def test_back_from_a_pause_with_a_change_named_still_changes_it() -> None:
    state = at("depth", {"sessions_so_far": "established", "felt_heard": 5}, last_answered="felt_heard")
    planned = plan("ok back. change felt heard to 4 please", state, intent="correct_answer")
    assert planned.corrected == ["felt_heard"] and planned.values == {"felt_heard": 4}, planned


@pytest.mark.parametrize("intent", ["affirm", "nlu_fallback"])
def test_a_question_about_a_shared_device_at_consent_is_no_yes(intent: str) -> None:
    """Tester, round 14: a question about a shared laptop, opened with "ok.", was taken as consent."""
    text = "ok. my brother uses this computer too and I don't want him reading it. will it stay on here?"
    planned = plan(text, FormState(requested="consent", open_items=("consent",), answered={}), intent=intent)
    assert planned.explain == "data" and "consent" not in planned.values, planned


def test_a_number_of_times_beside_a_rating_is_no_new_count_of_sessions() -> None:
    """conversations_v2, after round 14's count corrections: "… twice. call it a 2" changed the sessions."""
    text = "oh sure, she really listens, she mixed up my kids' names. twice. call it a 2"
    planned = plan(text, at("felt_heard", {"sessions_so_far": "established"}))
    assert planned.values == {"felt_heard": 2} and not planned.corrected, planned


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("sorry, earlier I meant 3 years, not 3 sessions", "long_term"),
        ("the sessions one: roughly two years of fortnightly sessions", "long_term"),
        ("the sessions one should be 2, not 20", "early"),
    ],
)
def test_a_corrected_count_keeps_its_own_unit(text: str, value: str) -> None:
    """conversations_v3, after round 14's count corrections: "2 years, not 2 sessions" became 2 sessions."""
    planned = plan(text, at("depth", {"sessions_so_far": "established", "felt_heard": 5}))
    assert planned.corrected == ["sessions_so_far"] and planned.values == {"sessions_so_far": value}, planned


def test_back_to_a_question_is_still_a_change_of_it() -> None:
    answered = {"sessions_so_far": "established", "homework_fit": 4}
    state = at("goals_shared", answered, last_answered="homework_fit")
    text = "sorry, back to the homework: I said great but it's more like a 2"
    planned = plan(text, state, intent="correct_answer")
    assert planned.corrected == ["homework_fit"] and planned.values == {"homework_fit": 2}, planned
