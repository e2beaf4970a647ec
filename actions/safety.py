"""The response to a disclosure of risk: crisis resources at once, a flag, and the clinic's webhook."""

from __future__ import annotations

import logging
import threading

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import Conversation, say, store
from reflection.escalation import EscalationPayload, send_escalation
from reflection.safety import detect_risk

logger = logging.getLogger(__name__)
CATEGORY_BY_INTENT = {
    "disclose_self_harm": "self_harm",
    "disclose_abuse": "abuse",
    "disclose_medical_emergency": "medical_emergency",
}


def _escalate_in_background(webhook_url: str, flag_id: int) -> None:
    def deliver() -> None:
        flag = store().risk_flag(flag_id)
        if flag is not None:
            send_escalation(webhook_url, EscalationPayload.from_risk_flag(flag), store())

    threading.Thread(target=deliver, name=f"escalate-{flag_id}", daemon=True).start()


class ActionCrisisResponse(Action):
    """Gives the right crisis resources, asks whether the client is safe and pauses the reflection.

    The disclosure is never stored as an answer: the form rejected the turn before this runs.
    """

    def name(self) -> str:
        return "action_crisis_response"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        signal = detect_risk(conversation.latest_text)
        intent, _ = conversation.latest_intent
        category = signal.category if signal else CATEGORY_BY_INTENT.get(intent, "self_harm")
        minor = bool(signal and signal.minor)
        clinic = conversation.clinic

        resources_category = "youth" if minor and category != "medical_emergency" else category
        resources = "\n".join(f"• {line}" for line in clinic.crisis_lines(resources_category))
        say(dispatcher, conversation, f"crisis_{resources_category}", resources=resources)
        say(dispatcher, conversation, "ask_safe")

        try:
            flag_id = store().flag_risk(conversation.client_id, category, minor, conversation.clinic_id)
            if clinic.escalation_webhook:
                _escalate_in_background(clinic.escalation_webhook, flag_id)
            if conversation.consented and tracker.get_slot("reflection_status") == "in_progress":
                store().pause(conversation.client_id)
        except Exception:  # the client already has the resources; a storage fault must not hide them
            logger.exception("Could not record a risk flag.")

        events: list[EventType] = [ActiveLoop(None)]
        if tracker.get_slot("reflection_status") == "in_progress":
            events.append(SlotSet("reflection_status", "paused"))
        return events


class ActionCrisisUnsafe(Action):
    def name(self) -> str:
        return "action_crisis_unsafe"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        say(dispatcher, Conversation(tracker), "crisis_unsafe")
        return []
