"""The response to a disclosure of risk: crisis resources at once, a flag, and the clinic's webhook."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import Conversation, escalation_queue, fail_soft, say, store
from reflection.messages import message
from reflection.safety import detect_risk
from reflection.storage.outbox import STORAGE_ERRORS

logger = logging.getLogger(__name__)


def _flag(conversation: Conversation, category: str, minor: bool) -> None:
    """Records the flag (never the text) and queues it for the clinic's webhook, if it has one.

    Without consent the flag keeps no client id: only what safeguarding needs (category, age group, clinic,
    time) so the clinic can be told, with nothing that links it to the person or their words."""
    deliver = conversation.clinic.webhook_target() is not None
    client_id = conversation.client_id if conversation.consented else None
    try:
        store().flag_risk(client_id, category, minor, conversation.clinic_id, deliver=deliver)
    except STORAGE_ERRORS as error:  # the client already has the resources; a storage fault can't hide them
        logger.error("Could not record a risk flag: %s", str(error).splitlines()[0])
        return
    if deliver:
        escalation_queue().wake()


class ActionCrisisResponse(Action):
    """Gives the right crisis resources, asks whether the client is safe and pauses the reflection.

    The disclosure is never stored as an answer: the form rejected the turn before this runs. When only
    the classifier (not the deterministic net) saw a risk, the client is asked first.
    """

    def name(self) -> str:
        return "action_crisis_response"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        signal = detect_risk(conversation.latest_text)
        pause_events: list[EventType] = [ActiveLoop(None)]
        if tracker.get_slot("reflection_status") == "in_progress":
            pause_events.append(SlotSet("reflection_status", "paused"))
            conversation.write({"op": "pause"})
        if signal is None:
            # Only the classifier saw a risk, in words the net does not know: ask, rather than alarm or flag.
            say(dispatcher, conversation, "risk_check_in")
            return pause_events
        category, minor = signal.category, signal.minor
        clinic = conversation.clinic

        resources_category = "youth" if minor and category != "medical_emergency" else category
        resources = "\n".join(f"• {line}" for line in clinic.crisis_lines(resources_category))
        say(dispatcher, conversation, f"crisis_{resources_category}", resources=resources)
        say(dispatcher, conversation, "ask_safe")

        _flag(conversation, category, minor)

        return pause_events


def _latest_disclosure_category(tracker: Tracker) -> str | None:
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = (event.get("parse_data") or {}).get("intent", {}).get("name", "")
        if intent.startswith("disclose_"):
            return intent.removeprefix("disclose_")
    return None


class ActionCrisisUnsafe(Action):
    """The emergency number and crisis line at once; flagged when it answers a check-in."""

    def name(self) -> str:
        return "action_crisis_unsafe"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        say(dispatcher, conversation, "crisis_unsafe")
        last_bot_text = next(
            (event.get("text") or "" for event in reversed(tracker.events) if event.get("event") == "bot"), ""
        )
        if last_bot_text.startswith(message("risk_check_in").text):
            _flag(conversation, _latest_disclosure_category(tracker) or "self_harm", minor=False)
        return []
