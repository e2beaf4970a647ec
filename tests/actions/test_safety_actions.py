from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import text

from actions.context import store
from actions.safety import ActionCrisisResponse, ActionCrisisUnsafe
from reflection.messages import message
from tests.actions.conftest import said, slot_events


def tracker_after(user_text: str, intent: str, slots: dict | None = None, bot_text: str = "") -> Tracker:
    events = []
    if bot_text:
        events.append({"event": "bot", "text": bot_text})
    events.append(
        {"event": "user", "text": user_text, "parse_data": {"intent": {"name": intent, "confidence": 1.0}}}
    )
    return Tracker(
        sender_id="client-1",
        slots={"reflection_status": "in_progress", "consent": True, **(slots or {})},
        latest_message={"text": user_text, "intent": {"name": intent, "confidence": 1.0}},
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
        dispatcher, tracker_after("i want to kill myself", "disclose_self_harm"), {}
    )
    assert "988" in said(dispatcher) and "Are you safe right now?" in said(dispatcher)
    assert {"event": "active_loop", "name": None} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]
    assert slot_events(events)["reflection_status"] == "paused"
    assert flags() == [("self_harm", False)]


async def test_a_minor_disclosing_abuse_gets_youth_resources() -> None:
    dispatcher = CollectingDispatcher()
    await ActionCrisisResponse().run(
        dispatcher, tracker_after("im 13 and my dad hits me", "disclose_abuse"), {}
    )
    assert "Childhelp" in said(dispatcher)
    assert flags() == [("abuse", True)]


async def test_a_classifier_only_guess_asks_first_and_flags_nothing() -> None:
    dispatcher = CollectingDispatcher()
    await ActionCrisisResponse().run(
        dispatcher, tracker_after("the dark thoughts are louder today", "disclose_self_harm"), {}
    )
    assert said(dispatcher) == message("risk_check_in").text
    assert flags() == []
    unsafe = CollectingDispatcher()
    check_in = message("risk_check_in").text
    await ActionCrisisUnsafe().run(unsafe, tracker_after("/not_safe", "not_safe", bot_text=check_in), {})
    assert "911" in said(unsafe)
    assert flags() == [("self_harm", False)]


async def test_without_consent_a_flag_keeps_no_client_id() -> None:
    declined = tracker_after("i want to kill myself", "disclose_self_harm", {"consent": False})
    await ActionCrisisResponse().run(CollectingDispatcher(), declined, {})
    with store()._engine.connect() as connection:  # noqa: SLF001 - reading the audit table
        rows = connection.execute(text("SELECT client_id, category FROM risk_flags")).all()
    assert [tuple(row) for row in rows] == [(None, "self_harm")]
