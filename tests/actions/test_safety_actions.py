import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import text

from actions.context import store
from actions.reflection_form import AskForConsent
from actions.safety import ActionCrisisResponse, ActionCrisisUnsafe, ActionRiskCheckIn, ActionSafetyReply
from reflection.messages import message
from tests.actions.conftest import said, slot_events


def verdict(tier: str, category: str | None, minor: bool = False, source: str | None = "net") -> dict:
    return {"tier": tier, "category": category, "minor": minor, "source": source}


NO_RISK = verdict("none", None, source=None)
MODEL_CHECK_IN = verdict("check_in", "self_harm", source="model")


def user_turn(text: str, risk: dict, intent: str = "answer") -> dict:
    """A user message as Rasa records it in the tracker's events."""
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "risk": risk}}


def tracker_after(
    user_text: str,
    intent: str,
    risk: dict | None = None,
    slots: dict | None = None,
    earlier: list[dict] | None = None,
) -> Tracker:
    parse_data = {"text": user_text, "intent": {"name": intent, "confidence": 1.0}, "risk": risk or NO_RISK}
    events = [*(earlier or []), {"event": "user", "text": user_text, "parse_data": parse_data}]
    return Tracker(
        sender_id="client-1",
        slots={"reflection_status": "in_progress", "consent": True, **(slots or {})},
        latest_message=parse_data,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "reflection_form"},
        latest_action_name="action_listen",
    )


def flags() -> list[tuple[str, bool]]:
    with store()._engine.connect() as connection:  # noqa: SLF001 - reading the audit table
        return [tuple(row) for row in connection.execute(text("SELECT category, minor FROM risk_flags"))]


async def test_a_disclosure_gets_resources_a_flag_and_pauses() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionCrisisResponse().run(
        dispatcher,
        tracker_after("i want to kill myself", "disclose_self_harm", verdict("crisis", "self_harm")),
        {},
    )
    assert "988" in said(dispatcher) and "Are you safe right now?" in said(dispatcher)
    assert {"event": "active_loop", "name": None} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]
    assert slot_events(events)["reflection_status"] == "paused"
    assert flags() == [("self_harm", False)]


async def test_the_action_reads_the_verdict_and_never_judges_the_text() -> None:
    # the words alone would fire the net for self-harm; the verdict of the turn says abuse, minor
    dispatcher = CollectingDispatcher()
    risk = verdict("crisis", "abuse", minor=True, source="model")
    await ActionCrisisResponse().run(dispatcher, tracker_after("i want to die", "disclose_abuse", risk), {})
    assert "Childhelp" in said(dispatcher)
    assert flags() == [("abuse", True)]


async def test_harm_to_others_gets_its_own_resources_and_flag() -> None:
    dispatcher = CollectingDispatcher()
    risk = verdict("crisis", "harm_to_others")
    await ActionCrisisResponse().run(
        dispatcher, tracker_after("I'm going to hurt him", "disclose_harm_to_others", risk), {}
    )
    assert "Having these thoughts doesn't make you a bad person" in said(dispatcher) and "911" in said(
        dispatcher
    )
    assert flags() == [("harm_to_others", False)]


async def test_a_check_in_asks_gently_flags_nothing_and_pauses_nothing() -> None:
    dispatcher = CollectingDispatcher()
    risk = verdict("check_in", "self_harm", source="model")
    events = await ActionRiskCheckIn().run(
        dispatcher, tracker_after("the dark thoughts are louder today", "risk_check_in", risk), {}
    )
    assert said(dispatcher) == message("risk_check_in").text
    assert "988" not in said(dispatcher)
    assert events == [] and flags() == []


async def test_not_safe_after_a_check_in_gives_resources_flags_and_pauses() -> None:
    check_in_turn = user_turn("the dark thoughts are louder today", MODEL_CHECK_IN, "risk_check_in")
    dispatcher = CollectingDispatcher()
    events = await ActionCrisisUnsafe().run(
        dispatcher, tracker_after("/not_safe", "not_safe", earlier=[check_in_turn]), {}
    )
    assert "988" in said(dispatcher) and "911" in said(dispatcher)
    assert slot_events(events)["reflection_status"] == "paused"
    assert flags() == [("self_harm", False)]


async def test_not_safe_out_of_the_blue_gives_the_emergency_number_without_a_second_flag() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionCrisisUnsafe().run(dispatcher, tracker_after("/not_safe", "not_safe"), {})
    assert "911" in said(dispatcher)
    assert events == [] and flags() == []


async def test_without_consent_a_flag_keeps_no_client_id() -> None:
    declined = tracker_after(
        "i want to kill myself", "disclose_self_harm", verdict("crisis", "self_harm"), {"consent": False}
    )
    await ActionCrisisResponse().run(CollectingDispatcher(), declined, {})
    with store()._engine.connect() as connection:  # noqa: SLF001 - reading the audit table
        rows = connection.execute(text("SELECT client_id, category FROM risk_flags")).all()
    assert [tuple(row) for row in rows] == [(None, "self_harm")]


async def test_in_the_reflection_a_check_in_right_after_im_safe_is_not_asked_again() -> None:
    earlier = [
        user_turn("the worksheets, don't get me started", MODEL_CHECK_IN),
        user_turn("yes I'm safe", NO_RISK, "im_safe"),
    ]
    dispatcher = CollectingDispatcher()
    tracker = tracker_after("so not great honestly", "risk_check_in", MODEL_CHECK_IN, earlier=earlier)
    events = await ActionRiskCheckIn().run(dispatcher, tracker, {})
    assert said(dispatcher) == "" and events == [] and flags() == []


async def test_outside_the_reflection_a_check_in_is_always_asked() -> None:
    safe = user_turn("yes I'm safe", NO_RISK, "im_safe")
    earlier = [user_turn("everything is heavy", MODEL_CHECK_IN), safe]
    tracker = tracker_after("so heavy", "risk_check_in", MODEL_CHECK_IN, earlier=earlier)
    tracker.active_loop = {}
    dispatcher = CollectingDispatcher()
    await ActionRiskCheckIn().run(dispatcher, tracker, {})
    assert said(dispatcher) == message("risk_check_in").text


PILLS = "i've been saving my tablets and i think i'll swallow them all on saturday"


def disclosure_then_safety_question(category: str = "self_harm", text: str = PILLS) -> list[dict]:
    """A disclosure and the crisis response that asked "Are you safe right now?", as Rasa records them."""
    parse_data = {"intent": {"name": f"disclose_{category}"}, "risk": verdict("crisis", category)}
    return [
        {"event": "user", "text": text, "parse_data": parse_data},
        {"event": "action", "name": "action_crisis_response"},
        {"event": "action", "name": "action_listen"},
    ]


async def test_a_typed_im_not_safe_after_a_disclosure_is_the_not_safe_reply_not_the_question_again() -> None:
    await ActionCrisisResponse().run(
        CollectingDispatcher(), tracker_after(PILLS, "disclose_self_harm", verdict("crisis", "self_harm")), {}
    )
    dispatcher = CollectingDispatcher()
    reply = tracker_after(
        "nope. i am not safe",
        "disclose_self_harm",
        verdict("crisis", "self_harm"),
        earlier=disclosure_then_safety_question(),
    )
    await ActionCrisisResponse().run(dispatcher, reply, {})
    assert "Are you safe right now?" not in said(dispatcher)
    assert (
        said(dispatcher)
        == message(
            "crisis_unsafe", emergency="911", crisis_helpline="call or text 988 (Suicide & Crisis Lifeline)"
        ).text
    )
    assert flags() == [("self_harm", False)]  # one disclosure, its follow-up: one flag


async def test_a_fresh_disclosure_after_the_question_gets_resources_and_a_flag_but_not_the_question() -> None:
    dispatcher = CollectingDispatcher()
    again = tracker_after(
        "my partner hit me again last night",
        "disclose_abuse",
        verdict("crisis", "abuse"),
        earlier=disclosure_then_safety_question(),
    )
    await ActionCrisisResponse().run(dispatcher, again, {})
    assert "1-800-799-7233" in said(dispatcher) and "Are you safe right now?" not in said(dispatcher)
    assert flags() == [("abuse", False)]


async def test_a_repeated_disclosure_that_answers_nothing_is_flagged_again() -> None:
    dispatcher = CollectingDispatcher()
    again = tracker_after(
        "i still want to end it all",
        "disclose_self_harm",
        verdict("crisis", "self_harm"),
        earlier=disclosure_then_safety_question(),
    )
    await ActionCrisisResponse().run(dispatcher, again, {})
    assert "988" in said(dispatcher) and "Are you safe right now?" not in said(dispatcher)
    assert flags() == [("self_harm", False)]


@pytest.mark.parametrize(
    "reply", ["i dont know.. prob not", "NOT SURE", "nah", "i dont think so tbh", "maybe not"]
)
async def test_an_unsure_typed_reply_after_a_disclosure_gets_the_not_safe_reply(reply: str) -> None:
    dispatcher = CollectingDispatcher()
    typed = tracker_after(reply, "answer", earlier=disclosure_then_safety_question())
    events = await ActionSafetyReply().run(dispatcher, typed, {})
    button = CollectingDispatcher()
    await ActionCrisisUnsafe().run(
        button, tracker_after("/not_safe", "not_safe", earlier=disclosure_then_safety_question()), {}
    )
    assert said(dispatcher) == said(button) and "911" in said(dispatcher)
    assert events == [] and flags() == []


async def test_a_clear_typed_yes_after_a_disclosure_is_the_safe_button() -> None:
    dispatcher = CollectingDispatcher()
    await ActionSafetyReply().run(
        dispatcher, tracker_after("yep im safe", "answer", earlier=disclosure_then_safety_question()), {}
    )
    assert dispatcher.messages == [{**dispatcher.messages[0], "response": "utter_glad_safe"}]


async def test_an_unsure_reply_to_a_check_in_is_not_safe_with_resources_once_and_one_flag() -> None:
    check_in_turn = user_turn("everything feels pointless lately", MODEL_CHECK_IN, "risk_check_in")
    dispatcher = CollectingDispatcher()
    events = await ActionSafetyReply().run(
        dispatcher, tracker_after("idk honestly", "answer", earlier=[check_in_turn]), {}
    )
    assert "988" in said(dispatcher)
    assert said(dispatcher).count("911") == 1  # the resources give it; the reply does not repeat it
    assert slot_events(events)["reflection_status"] == "paused"
    assert flags() == [("self_harm", False)]


ASKED_FOR_CONSENT = {"event": "slot", "name": "requested_slot", "value": "consent"}


async def test_after_a_check_in_at_consent_the_consent_question_is_one_line() -> None:
    check_in_turn = user_turn("everything feels pointless lately", MODEL_CHECK_IN, "risk_check_in")
    for latest in (
        tracker_after(
            check_in_turn["text"],
            "risk_check_in",
            MODEL_CHECK_IN,
            slots={"consent": None, "requested_slot": "consent"},
            earlier=[user_turn("hi", NO_RISK, "greet"), ASKED_FOR_CONSENT],
        ),
        tracker_after(
            "I'm safe",
            "im_safe",
            slots={"consent": None, "requested_slot": "consent"},
            earlier=[user_turn("hi", NO_RISK, "greet"), ASKED_FOR_CONSENT, check_in_turn],
        ),
    ):
        dispatcher = CollectingDispatcher()
        await AskForConsent().run(dispatcher, latest, {})
        assert said(dispatcher) == message("ask_consent_again").text


def before_anything_started(reply: str, intent: str = "answer", status: str | None = None) -> Tracker:
    """A reply to a check-in that the client's very first message got, before any reflection started."""
    check_in_turn = user_turn("hey ths is for my councelor rite", MODEL_CHECK_IN, "risk_check_in")
    parse_data = {"text": reply, "intent": {"name": intent, "confidence": 1.0}, "risk": NO_RISK}
    return Tracker(
        sender_id="client-1",
        slots={"reflection_status": status, "consent": None},
        latest_message=parse_data,
        events=[check_in_turn, {"event": "user", "text": reply, "parse_data": parse_data}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


@pytest.mark.parametrize("reply", ["yh u can keep wat i rite", "ok so how does this work", "yes im safe"])
async def test_a_reply_to_a_check_in_on_a_first_message_goes_on_to_the_reflection(reply: str) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionSafetyReply().run(dispatcher, before_anything_started(reply), {})
    assert slot_events(events)["reflection_status"] == "in_progress"
    assert {"event": "followup", "name": "reflection_form"} in [
        {key: event.get(key) for key in ("event", "name")} for event in events
    ]
    responses = [m.get("response") for m in dispatcher.messages]
    assert "utter_default" not in responses and "utter_glad_safe" not in responses
    assert (message("glad_safe_begin").text in said(dispatcher)) == (reply == "yes im safe")
    assert flags() == []


async def test_the_whole_opening_comes_after_a_check_in_on_a_first_message() -> None:
    check_in_turn = user_turn("hey ths is for my councelor rite", MODEL_CHECK_IN, "risk_check_in")
    latest = tracker_after(
        "yh u can keep wat i rite",
        "answer",
        slots={"consent": None, "requested_slot": "consent"},
        earlier=[check_in_turn],
    )
    latest.events.append(ASKED_FOR_CONSENT)  # asked now, in the form's first run
    dispatcher = CollectingDispatcher()
    await AskForConsent().run(dispatcher, latest, {})
    assert "not for emergencies" in said(dispatcher) and said(dispatcher) != message("ask_consent_again").text


@pytest.mark.parametrize("reply", ["no", "not sure", "idk"])
async def test_an_unsure_reply_to_a_check_in_on_a_first_message_is_still_not_safe(reply: str) -> None:
    dispatcher = CollectingDispatcher()
    await ActionSafetyReply().run(dispatcher, before_anything_started(reply), {})
    assert "988" in said(dispatcher) and flags() == [("self_harm", False)]


async def test_a_reply_to_a_check_in_after_a_paused_reflection_gets_the_options() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionSafetyReply().run(dispatcher, before_anything_started("hmm ok", status="paused"), {})
    assert events == [] and dispatcher.messages[0]["response"] == "utter_default"


async def test_a_safe_reply_in_the_check_in_band_is_not_asked_the_same_question_again() -> None:
    reply = "Yes I am safe. Why you ask this? I only say what I hope."
    earlier = [
        user_turn("I hope to be less worried, and a good daughter", verdict("crisis", "self_harm"), "answer"),
        {"event": "action", "name": "action_crisis_response"},
        {"event": "action", "name": "action_listen"},
    ]
    latest = tracker_after(
        reply, "risk_check_in", MODEL_CHECK_IN, slots={"reflection_status": "paused"}, earlier=earlier
    )
    latest.active_loop = {}
    dispatcher = CollectingDispatcher()
    await ActionRiskCheckIn().run(dispatcher, latest, {})
    assert [m.get("response") for m in dispatcher.messages] == ["utter_glad_safe"]
