from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import text

from actions.context import store
from actions.safety import ActionCrisisResponse, ActionCrisisUnsafe, ActionRiskCheckIn
from reflection.messages import message
from tests.actions.conftest import said, slot_events


def verdict(tier: str, category: str | None, minor: bool = False, source: str | None = "net") -> dict:
    return {"tier": tier, "category": category, "minor": minor, "source": source}


NO_RISK = verdict("none", None, source=None)


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
    check_in_turn = {
        "event": "user",
        "text": "the dark thoughts are louder today",
        "parse_data": {
            "intent": {"name": "risk_check_in"},
            "risk": verdict("check_in", "self_harm", source="model"),
        },
    }
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


def _turn(text: str, risk: dict, intent: str = "answer") -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "risk": risk}}


async def test_in_the_reflection_a_check_in_right_after_im_safe_is_not_asked_again() -> None:
    risk = verdict("check_in", "self_harm", source="model")
    earlier = [_turn("the worksheets, don't get me started", risk), _turn("yes I'm safe", NO_RISK, "im_safe")]
    dispatcher = CollectingDispatcher()
    events = await ActionRiskCheckIn().run(
        dispatcher, tracker_after("so not great honestly", "risk_check_in", risk, earlier=earlier), {}
    )
    assert said(dispatcher) == "" and events == [] and flags() == []


async def test_outside_the_reflection_a_check_in_is_always_asked() -> None:
    risk = verdict("check_in", "self_harm", source="model")
    earlier = [_turn("everything is heavy", risk), _turn("yes I'm safe", NO_RISK, "im_safe")]
    tracker = tracker_after("so heavy", "risk_check_in", risk, earlier=earlier)
    tracker.active_loop = {}
    dispatcher = CollectingDispatcher()
    await ActionRiskCheckIn().run(dispatcher, tracker, {})
    assert said(dispatcher) == message("risk_check_in").text
