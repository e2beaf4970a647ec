import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.context import store
from actions.reflection_form import ASK_ACTIONS, AskForConsent, ValidateReflectionForm
from actions.side_requests import ActionExplainData
from reflection.pseudonym import pseudonymize
from tests.actions.conftest import make_tracker, said, slot_events

CONSENTED = {"consent": True, "sessions_so_far": "established"}


def client() -> str:
    return pseudonymize("client-1", "a-test-secret-of-enough-length")


async def validate(tracker, dispatcher: CollectingDispatcher) -> list[dict]:  # noqa: ANN001
    return await ValidateReflectionForm().run(dispatcher, tracker, {})


async def test_an_answer_is_placed_stored_with_the_clients_words_and_acknowledged(dispatcher) -> None:  # noqa: ANN001
    tracker = make_tracker({**CONSENTED, "requested_slot": "felt_heard"}, "not really, she seems distracted")
    events = slot_events(await validate(tracker, dispatcher))
    assert events["felt_heard"] == 2
    assert events["requested_slot"] == "depth"
    assert "she seems distracted" in said(dispatcher)
    stored = store().current_reflection(client())
    assert stored is not None
    assert stored.answers["felt_heard"].value == 2
    assert stored.answers["felt_heard"].raw_text == "not really, she seems distracted"


async def test_a_retried_turn_does_not_duplicate_the_answer(dispatcher) -> None:  # noqa: ANN001
    tracker = make_tracker({**CONSENTED, "requested_slot": "felt_heard"}, "4")
    await validate(tracker, dispatcher)
    await validate(tracker, CollectingDispatcher())
    stored = store().current_reflection(client())
    assert stored is not None and list(stored.answers) == ["felt_heard"]


async def test_without_consent_nothing_is_stored(dispatcher) -> None:  # noqa: ANN001
    tracker = make_tracker({"consent": False, "requested_slot": "felt_heard"}, "4")
    assert slot_events(await validate(tracker, dispatcher))["felt_heard"] == 4
    assert store().current_reflection(client()) is None


CRISIS = {"tier": "crisis", "category": "self_harm", "minor": False, "source": "net"}
CHECK_IN = {"tier": "check_in", "category": "self_harm", "minor": False, "source": "model"}


@pytest.mark.parametrize(
    "text,intent,risk",
    [
        ("why do you ask?", "ask_why", None),
        ("2, I want to die", "answer", CRISIS),
        ("3", "disclose_self_harm", None),
        ("3, the dark thoughts are louder today", "answer", CHECK_IN),
    ],
)
async def test_side_requests_and_risk_verdicts_reject_the_form_turn(
    dispatcher,  # noqa: ANN001
    text: str,
    intent: str,
    risk: dict | None,
) -> None:
    tracker = make_tracker({**CONSENTED, "requested_slot": "felt_heard"}, text, intent, risk=risk)
    assert await validate(tracker, dispatcher) == []
    assert store().current_reflection(client()) is None


async def test_a_message_already_handled_is_not_read_again(dispatcher) -> None:  # noqa: ANN001
    tracker = make_tracker(
        {**CONSENTED, "requested_slot": "felt_heard"}, "why do you ask?", "ask_why", fresh=False
    )
    events = slot_events(await validate(tracker, dispatcher))
    assert "felt_heard" not in events and events["requested_slot"] == "felt_heard"
    assert dispatcher.messages == []


async def test_three_misses_leave_the_question_empty_and_move_on(dispatcher) -> None:  # noqa: ANN001
    slots = {**CONSENTED, "requested_slot": "felt_heard"}
    for expected_misses in (1, 2):
        events = slot_events(await validate(make_tracker(slots, "banana", "nlu_fallback", 0.3), dispatcher))
        assert events["missed_answers"] == {"felt_heard": expected_misses}
        assert events["requested_slot"] == "felt_heard"
        slots["missed_answers"] = events["missed_answers"]
    events = slot_events(await validate(make_tracker(slots, "banana", "nlu_fallback", 0.3), dispatcher))
    assert events["requested_slot"] == "depth"
    assert "felt_heard" in events["items_without_value"]
    assert "felt_heard" not in events


async def test_skip_settles_without_a_value(dispatcher) -> None:  # noqa: ANN001
    events = slot_events(
        await validate(
            make_tracker({**CONSENTED, "felt_heard": 3, "requested_slot": "depth"}, "skip", "skip"),
            dispatcher,
        )
    )
    assert "depth" in events["items_without_value"] and events["requested_slot"] == "advice_fit"


async def test_no_homework_mentioned_early_skips_the_homework_question(dispatcher) -> None:  # noqa: ANN001
    tracker = make_tracker(
        {**CONSENTED, "felt_heard": 4, "depth": 4, "requested_slot": "advice_fit"},
        "3, and she doesn't give homework",
    )
    events = slot_events(await validate(tracker, dispatcher))
    assert events["advice_fit"] == 3 and events["homework_fit"] == "none"
    assert events["requested_slot"] == "goals_shared"


async def test_questions_adapt_and_reask_with_examples(dispatcher) -> None:  # noqa: ANN001
    ask_depth = ASK_ACTIONS["depth"]()
    await ask_depth.run(dispatcher, make_tracker({**CONSENTED, "felt_heard": 1}), {})
    assert said(dispatcher).startswith("Thanks for being honest")
    again = CollectingDispatcher()
    await ask_depth.run(again, make_tracker({**CONSENTED, "missed_answers": {"depth": 1}}), {})
    assert "For example" in said(again) or "You could say" in said(again)
    third = CollectingDispatcher()
    await ask_depth.run(third, make_tracker({**CONSENTED, "missed_answers": {"depth": 2}}), {})
    titles = [b["title"] for m in third.messages for b in m.get("buttons", [])]
    assert "Skip" in titles


async def test_the_opening_names_the_crisis_line_and_what_is_stored(dispatcher) -> None:  # noqa: ANN001
    await AskForConsent().run(dispatcher, make_tracker({}), {})
    text = said(dispatcher)
    assert "988" in text and "isn't therapy" in text and "save your answers" in text


async def test_one_message_can_answer_a_later_question_too(dispatcher) -> None:  # noqa: ANN001
    slots = {**CONSENTED, "felt_heard": 2, "depth": 2, "advice_fit": 3, "homework_fit": "none"}
    slots |= {"goals_shared": 2, "requested_slot": "approach_fit"}
    tracker = make_tracker(slots, "not at all, I told her twice and nothing changed")
    events = slot_events(await validate(tracker, dispatcher))
    assert events["approach_fit"] == 1 and events["raised_needs"] == "yes_no_change"
    assert "raised_needs" not in (events["requested_slot"] or "")  # not asked again
    assert "noted that too" in said(dispatcher)
    stored = store().current_reflection(client())
    assert stored is not None and stored.answers["raised_needs"].value == "yes_no_change"


async def test_an_unsure_reading_is_confirmed_before_it_is_stored(dispatcher) -> None:  # noqa: ANN001
    disagreeing = {"depth": {"kind": "value", "value": 2, "confidence": 0.7}}
    asked_depth = {**CONSENTED, "felt_heard": 3, "requested_slot": "depth"}
    tracker = make_tracker(asked_depth, "yes, we go deep")
    tracker.latest_message["answer_readings"] = disagreeing
    events = slot_events(await validate(tracker, dispatcher))
    assert events["pending_confirmation"]["item"] == "depth" and events.get("depth") is None
    assert events["requested_slot"] == "depth" and store().current_reflection(client()) is None

    ask = CollectingDispatcher()
    await ASK_ACTIONS["depth"]().run(ask, make_tracker({**asked_depth, **events}), {})
    assert "I read that as" in said(ask) and "Is that right?" in said(ask)
    titles = [b["title"] for m in ask.messages for b in m.get("buttons", [])]
    assert titles[0] == "Yes, that's right" and titles[-2:] == ["Not sure", "No, let me fix it"]
    assert len(titles) == 8

    confirmed = make_tracker({**asked_depth, **events}, "/affirm", intent="affirm")
    after = slot_events(await validate(confirmed, CollectingDispatcher()))
    assert after["depth"] == 4 and after["pending_confirmation"] is None
    assert after["requested_slot"] == "advice_fit"


async def test_a_correction_changes_the_earlier_answer_and_the_flow_goes_on(dispatcher) -> None:  # noqa: ANN001
    slots = {**CONSENTED, "felt_heard": 4, "last_answered": "felt_heard", "requested_slot": "depth"}
    sarcastic = make_tracker(slots, "wait, I was being sarcastic, it's a 1")
    events = slot_events(await validate(sarcastic, dispatcher))
    assert events["felt_heard"] == 1 and events.get("depth") is None and events["requested_slot"] == "depth"
    assert "changed your answer about feeling heard" in said(dispatcher)
    # the words asked for a change: they are not quoted back or acknowledged as an answer
    assert "You said" not in said(dispatcher) and "Not feeling heard" not in said(dispatcher)


async def test_dont_know_is_kept_as_an_answer_without_a_number(dispatcher) -> None:  # noqa: ANN001
    asked = {**CONSENTED, "requested_slot": "approach_fit"}
    tracker = make_tracker(asked, "idk")
    events = slot_events(await validate(tracker, dispatcher))
    assert events["approach_fit"] is None and "approach_fit" in events["items_without_value"]
    assert events["answer_notes"] == {"approach_fit": "dont_know"}
    stored = store().current_reflection(client())
    assert stored is not None and stored.answers["approach_fit"].value == "dont_know"


async def test_a_confirmed_answer_keeps_the_words_the_client_said_not_the_tap(dispatcher) -> None:  # noqa: ANN001
    asked = {**CONSENTED, "felt_heard": 3, "requested_slot": "depth"}
    first = make_tracker(asked, "yes, we go deep")
    first.latest_message["answer_readings"] = {"depth": {"kind": "value", "value": 2, "confidence": 0.7}}
    pending = slot_events(await validate(first, dispatcher))["pending_confirmation"]

    tap = make_tracker({**asked, "pending_confirmation": pending}, "Yes", intent="affirm")
    tapped = slot_events(await validate(tap, dispatcher))
    assert tapped["answer_words"]["depth"] == "yes, we go deep"
    stored = store().current_reflection(client())
    assert stored is not None and stored.answers["depth"].raw_text == "yes, we go deep"


@pytest.mark.parametrize(("text", "reply"), [("nothing", "Okay."), ("idk", "That's okay.")])
async def test_no_answer_in_words_gets_no_talk_of_numbers(dispatcher, text: str, reply: str) -> None:  # noqa: ANN001
    tracker = make_tracker({**CONSENTED, "requested_slot": "missing"}, text)
    await validate(tracker, dispatcher)
    assert reply in said(dispatcher) and "number" not in said(dispatcher)


def after_a_check_in(slots: dict, text: str, intent: str = "affirm"):  # noqa: ANN201
    """The form's tracker when ``text`` answers "are you safe right now?" asked about the message before."""
    tracker = make_tracker(slots, text, intent)
    check_in_turn = {
        "event": "user",
        "text": "some days I just feel like disappearing",
        "parse_data": {"intent": {"name": "answer"}, "risk": CHECK_IN},
    }
    tracker.events[:0] = [check_in_turn, {"event": "action", "name": "action_risk_check_in"}]
    return tracker


RATED_LOW = {
    "felt_heard": 2, "depth": 2, "advice_fit": 2, "homework_fit": "none", "goals_shared": 2,
    "approach_fit": 2, "tell_more": "she rushes",
}


async def test_yes_im_safe_after_a_check_in_changes_no_answer_and_the_question_waits(
    dispatcher,  # noqa: ANN001
) -> None:
    """A tester's free-text answer, waiting for its corrected words, became "yes I'm safe lol"."""
    slots = {
        **CONSENTED, **RATED_LOW, "raised_needs": "not_yet", "hopes": "more structure",
        "requested_slot": "missing", "pending_correction": "hopes",
    }
    events = slot_events(await validate(after_a_check_in(slots, "yep im safe lol"), dispatcher))
    assert "hopes" not in events and events.get("missing") is None
    assert events["pending_correction"] == "hopes" and events["requested_slot"] == "missing"
    assert "glad you're safe" in said(dispatcher)
    assert store().current_reflection(client()) is None  # nothing written


async def test_a_reply_one_step_lower_stores_that_value_and_says_so(dispatcher) -> None:  # noqa: ANN001
    pending = {
        "item": "depth", "words": "we sort of get into it", "kind": "value", "value": 3, "confidence": 0.7
    }
    slots = {**CONSENTED, "felt_heard": 4, "requested_slot": "depth", "pending_confirmation": pending}
    events = slot_events(await validate(make_tracker(slots, "hmm a bit lower"), dispatcher))
    assert events["depth"] == 2 and events["pending_confirmation"] is None
    assert events["requested_slot"] == "advice_fit"
    assert "changed your answer about" in said(dispatcher) and "2" in said(dispatcher)
    stored = store().current_reflection(client())
    assert stored is not None and stored.answers["depth"].value == 2
    assert stored.answers["depth"].raw_text == "we sort of get into it"


async def test_a_hope_typed_at_a_check_of_raised_needs_is_a_hope_and_the_check_is_asked_again(
    dispatcher,  # noqa: ANN001
) -> None:
    pending = {
        "item": "raised_needs", "words": "sort of", "kind": "value", "value": "yes_no_change",
        "confidence": 0.7,
    }
    slots = {**CONSENTED, **RATED_LOW, "requested_slot": "raised_needs", "pending_confirmation": pending}
    hope = "to finally feel like someone is in my corner"
    events = slot_events(await validate(make_tracker(slots, hope), dispatcher))
    assert events["hopes"] == hope and events.get("raised_needs") is None
    assert events["requested_slot"] == "raised_needs"
    waiting = events["pending_confirmation"]
    assert waiting["item"] == "raised_needs" and waiting["asked_again"]
    ask = CollectingDispatcher()
    await ASK_ACTIONS["raised_needs"]().run(ask, make_tracker({**slots, **events}), {})
    assert "Back to your answer about" in said(ask) and "Is that right?" in said(ask)


async def test_a_hope_typed_at_raised_needs_is_noted_as_a_hope_and_the_question_asked_again(
    dispatcher,  # noqa: ANN001
) -> None:
    """Tester, round 4: "feel better" at "have you told your therapist?" was stored as "yes, it helped"."""
    slots = {**CONSENTED, **RATED_LOW, "requested_slot": "raised_needs"}
    hope = "get my energy back"
    events = slot_events(await validate(make_tracker(slots, "to " + hope), dispatcher))
    assert events["hopes"] == "to " + hope and events.get("raised_needs") is None
    assert events["requested_slot"] == "raised_needs"
    assert "noted that too" in said(dispatcher) and hope in said(dispatcher)
    ask = CollectingDispatcher()
    await ASK_ACTIONS["raised_needs"]().run(ask, make_tracker({**slots, **events}), {})
    assert "told your therapist what you need" in said(ask)


async def test_consent_set_again_by_another_action_is_not_thanked_again(dispatcher) -> None:  # noqa: ANN001
    """Tester, round 4: "Thank you. You can say "delete my data" at any time." came again after "welcome
    back" and after a check-in, where another action set the consent slot again."""
    tracker = make_tracker({**CONSENTED, "requested_slot": "felt_heard"}, "hi, I'm back", intent="resume")
    tracker.events.append({"event": "slot", "name": "consent", "value": True})
    await validate(tracker, dispatcher)
    assert "delete my data" not in said(dispatcher)


async def test_consent_given_now_is_thanked(dispatcher) -> None:  # noqa: ANN001
    tracker = make_tracker({"requested_slot": "consent"}, "yes that's fine", intent="affirm")
    await validate(tracker, dispatcher)
    assert "delete my data" in said(dispatcher)


async def test_an_answer_right_after_a_thank_you_is_not_thanked_again(dispatcher) -> None:  # noqa: ANN001
    tracker = make_tracker({**CONSENTED, "requested_slot": "felt_heard"}, "3")
    tracker.events.insert(0, {"event": "bot", "text": "Thanks. That's long enough to have a sense of it."})
    tracker.events.insert(0, {"event": "user", "text": "about eight sessions"})
    await validate(tracker, dispatcher)
    assert said(dispatcher) == "So it's a mix."
    alone = make_tracker({**CONSENTED, "requested_slot": "felt_heard"}, "3")
    await validate(alone, second := CollectingDispatcher())
    assert said(second) == "Thanks. So it's a mix."


async def test_carrying_on_without_saving_erases_what_was_saved_and_saves_no_more(
    dispatcher,  # noqa: ANN001
) -> None:
    await validate(make_tracker({**CONSENTED, "requested_slot": "felt_heard"}, "4"), CollectingDispatcher())
    assert store().current_reflection(client()) is not None

    asked = {**CONSENTED, "felt_heard": 4, "requested_slot": "depth"}
    taking_back = make_tracker(asked, "wait, I don't want my answers saved")
    taken_back = slot_events(await validate(taking_back, dispatcher))
    assert taken_back["pending_saving_choice"] is True and taken_back.get("depth") is None
    offer = CollectingDispatcher()
    await ASK_ACTIONS["depth"]().run(offer, make_tracker({**asked, **taken_back}), {})
    assert "carry on without saving" in said(offer)
    assert [b["title"] for m in offer.messages for b in m.get("buttons", [])] == [
        "Yes, carry on without saving", "Delete everything and stop", "No, keep saving"
    ]
    assert store().current_reflection(client()) is not None  # nothing erased before the client chooses

    waiting = {**asked, "pending_saving_choice": True}
    chosen = make_tracker(waiting, "carry on without saving")
    stopped = slot_events(await validate(chosen, second := CollectingDispatcher()))
    assert stopped["consent"] is False and stopped["pending_saving_choice"] is None
    assert stopped["requested_slot"] == "depth" and "deleted" in said(second)
    assert store().current_reflection(client()) is None

    unsaved = {**asked, "consent": False}
    events = slot_events(await validate(make_tracker(unsaved, "2"), CollectingDispatcher()))
    assert events["depth"] == 2 and store().current_reflection(client()) is None


async def test_keeping_the_answers_saved_changes_nothing(dispatcher) -> None:  # noqa: ANN001
    await validate(make_tracker({**CONSENTED, "requested_slot": "felt_heard"}, "4"), CollectingDispatcher())
    waiting = {**CONSENTED, "felt_heard": 4, "requested_slot": "depth", "pending_saving_choice": True}
    kept = slot_events(await validate(make_tracker(waiting, "No, keep saving"), dispatcher))
    assert "consent" not in kept and kept["pending_saving_choice"] is None
    assert "keep saving your answers" in said(dispatcher)
    stored = store().current_reflection(client())
    assert stored is not None and stored.answers["felt_heard"].value == 4


async def test_answering_instead_of_choosing_stops_the_saving_before_the_answer_is_written(
    dispatcher,  # noqa: ANN001
) -> None:
    await validate(make_tracker({**CONSENTED, "requested_slot": "felt_heard"}, "4"), CollectingDispatcher())
    waiting = {**CONSENTED, "felt_heard": 4, "requested_slot": "approach_fit", "pending_saving_choice": True}
    events = slot_events(await validate(make_tracker(waiting, "idk"), dispatcher))
    assert events["consent"] is False and events["answer_notes"] == {"approach_fit": "dont_know"}
    assert "deleted" in said(dispatcher)
    assert store().current_reflection(client()) is None  # erased, and the "don't know" never written


async def test_a_data_question_inside_an_answer_gets_its_answer_and_the_answer_is_stored(dispatcher) -> None:  # noqa: ANN001
    """Tester, round 6: "…will my therapist see this?…" inside an answer went unanswered."""
    text = "she listens most weeks, so a 4. will my therapist see any of this?"
    tracker = make_tracker({**CONSENTED, "requested_slot": "felt_heard"}, text)
    events = slot_events(await validate(tracker, dispatcher))
    assert events["felt_heard"] == 4 and events["requested_slot"] == "depth"
    assert "Your therapist doesn't see your answers" in said(dispatcher)
    stored = store().current_reflection(client())
    assert stored is not None and stored.answers["felt_heard"].raw_text == "she listens most weeks, so a 4."


async def test_asking_why_inside_an_answer_gets_the_reason_and_the_answer_is_stored(dispatcher) -> None:  # noqa: ANN001
    text = "3 I suppose. why do you ask though?"
    tracker = make_tracker({**CONSENTED, "requested_slot": "felt_heard"}, text)
    events = slot_events(await validate(tracker, dispatcher))
    assert events["felt_heard"] == 3 and events["requested_slot"] == "depth"
    assert "utter_why" in [message.get("response") for message in dispatcher.messages]


def user_turn(text: str, risk: dict | None = None, intent: str = "answer") -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "risk": risk}}


def after_turns(  # noqa: ANN201
    slots: dict, earlier: list[dict], text: str, risk: dict | None = None, intent: str = "answer"
):
    tracker = make_tracker(slots, text, intent, risk=risk)
    tracker.events[:0] = earlier
    return tracker


HOPES_ASKED = {**CONSENTED, **RATED_LOW, "raised_needs": "not_yet", "requested_slot": "hopes"}
A_CHECK_IN = [user_turn("stop panicking before exams and sleep better", CHECK_IN)]


@pytest.mark.parametrize(
    "reply", ["im safe lol. i just want to stop paniking befor exams", "yes I'm safe, honestly. just exams"]
)
async def test_a_safe_reply_that_the_classifier_checks_in_on_again_is_a_safe_reply_not_a_second_check_in(
    dispatcher,  # noqa: ANN001
    reply: str,
) -> None:
    """A tester was asked "are you safe right now?" again and again: their "I'm safe" repeated the hope."""
    tracker = after_turns(HOPES_ASKED, A_CHECK_IN, reply, CHECK_IN, intent="risk_check_in")
    events = slot_events(await validate(tracker, dispatcher))
    assert events["requested_slot"] == "hopes"  # the form went on: the question waits for its answer
    assert "glad you're safe" in said(dispatcher)


async def test_after_im_safe_the_next_answer_in_the_check_in_band_is_read_not_asked_about(
    dispatcher,  # noqa: ANN001
) -> None:
    earlier = [*A_CHECK_IN, user_turn("yes I'm safe", intent="im_safe")]
    hope = "to stop panicking before exams and sleep better"
    events = slot_events(await validate(after_turns(HOPES_ASKED, earlier, hope, CHECK_IN), dispatcher))
    assert events["hopes"] == hope


async def test_a_check_in_band_answer_long_after_im_safe_is_asked_about_again(dispatcher) -> None:  # noqa: ANN001
    earlier = [
        *A_CHECK_IN, user_turn("yes I'm safe", intent="im_safe"), user_turn("4"), user_turn("3"),
    ]
    tracker = after_turns(HOPES_ASKED, earlier, "stop panicking before exams", CHECK_IN)
    assert await validate(tracker, dispatcher) == []


async def test_a_yes_after_a_waived_check_in_is_an_answer_not_a_reply_to_are_you_safe(
    dispatcher,  # noqa: ANN001
) -> None:
    waived = user_turn("a worksheet I hate", CHECK_IN)
    earlier = [*A_CHECK_IN, user_turn("I'm safe", intent="im_safe"), waived]
    slots = {**CONSENTED, **RATED_LOW, "requested_slot": "raised_needs"}
    tracker = after_turns(slots, earlier, "yes and it helped", intent="affirm")
    events = slot_events(await validate(tracker, dispatcher))
    assert "glad you're safe" not in said(dispatcher)
    assert events.get("raised_needs") == "yes_helped" or events.get("pending_confirmation")
RATED = {
    **CONSENTED, "felt_heard": 4, "depth": 3, "advice_fit": 3, "homework_fit": 4, "goals_shared": 4,
    "approach_fit": 2, "tell_more": "it feels rushed",
}


async def test_two_changes_in_one_message_both_change_and_the_question_waits(dispatcher) -> None:  # noqa: ANN001
    slots = {**RATED, "last_answered": "tell_more", "requested_slot": "raised_needs"}
    tracker = make_tracker(slots, "please change homework to 2 and the adapting one to 3")
    events = slot_events(await validate(tracker, dispatcher))
    assert events["homework_fit"] == 2 and events["approach_fit"] == 3
    assert events.get("raised_needs") is None and events["requested_slot"] == "raised_needs"


async def test_a_hope_said_with_a_correction_is_kept_and_the_correction_applied(dispatcher) -> None:  # noqa: ANN001
    slots = {**RATED, "raised_needs": "not_yet", "last_answered": "raised_needs", "requested_slot": "hopes"}
    text = "to trust people a bit more? oh and sorry, the adapting question, I meant a 3 not a 2"
    events = slot_events(await validate(make_tracker(slots, text), dispatcher))
    assert events["approach_fit"] == 3 and events["hopes"] == "to trust people a bit more?"
    assert events["requested_slot"] == "missing"


async def test_a_yes_with_a_privacy_question_at_consent_gets_the_data_answer_and_goes_on(dispatcher) -> None:  # noqa: ANN001
    tracker = make_tracker({"requested_slot": "consent"}, "Yes. Quick question: can the clinic see my name?")
    events = slot_events(await validate(tracker, dispatcher))
    assert events["consent"] is True and events["requested_slot"] != "consent"
    assert "No rush" not in said(dispatcher)


async def test_asking_why_saving_at_consent_says_what_saving_is_for_then_who_sees_what(dispatcher) -> None:  # noqa: ANN001
    """Tester, round 13: "why do you need to save it?" at consent got why the questions are asked."""
    tracker = make_tracker({"requested_slot": "consent"}, "what do you even want to keep my answers for?",
                           intent="ask_why")
    events = slot_events(await validate(tracker, dispatcher))
    assert "consent" not in events
    replies = said(dispatcher)
    assert "Saving lets me compare" in replies and "Nothing is saved unless you say yes" in replies


async def test_a_shared_device_gets_how_to_leave_quickly_and_erase_the_chat(dispatcher) -> None:  # noqa: ANN001
    """Tester, round 13: a client sharing a laptop got the general data answer only."""
    text = "my sister uses this computer too, can she read what I put here?"
    tracker = make_tracker({**CONSENTED, "requested_slot": "felt_heard"}, text, intent="ask_data")
    await ActionExplainData().run(dispatcher, tracker, {})
    replies = said(dispatcher)
    assert "staff of this service see them" in replies
    assert "Leave quickly" in replies and "Delete my conversation" in replies


async def test_a_data_question_without_a_shared_device_gets_no_word_about_one(dispatcher) -> None:  # noqa: ANN001
    tracker = make_tracker({**CONSENTED, "requested_slot": "depth"}, "who reads this?", intent="ask_data")
    await ActionExplainData().run(dispatcher, tracker, {})
    assert "staff of this service see them" in said(dispatcher) and "Leave quickly" not in said(dispatcher)
