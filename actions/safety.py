"""The response to a disclosure of risk: crisis resources at once, a flag, and the clinic's webhook."""

from __future__ import annotations

import logging
import threading

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import Conversation, say, store
from reflection.escalation import EscalationPayload, send_escalation
from reflection.messages import message
from reflection.safety import detect_risk

logger = logging.getLogger(__name__)


def _escalate_in_background(webhook_url: str, flag_id: int) -> None:
    def deliver() -> None:
        flag = store().risk_flag(flag_id)
        if flag is not None:
            send_escalation(webhook_url, EscalationPayload.from_risk_flag(flag), store())

    threading.Thread(target=deliver, name=f"escalate-{flag_id}", daemon=True).start()


def _flag(conversation: Conversation, category: str, minor: bool) -> None:
    """Records the flag (never the text) and tells the clinic's webhook, if it has one."""
    try:
        flag_id = store().flag_risk(conversation.client_id, category, minor, conversation.clinic_id)
    except Exception:  # the client already has the resources; a storage fault must not hide them
        logger.exception("Could not record a risk flag.")
        return
    if conversation.clinic.escalation_webhook:
        _escalate_in_background(conversation.clinic.escalation_webhook, flag_id)


def _pause_stored_reflection(conversation: Conversation) -> None:
    if not conversation.consented:
        return
    try:
        store().pause(conversation.client_id)
    except Exception:  # the reply to the client matters more than the status row
        logger.exception("Could not pause a reflection after a disclosure.")


class ActionCrisisResponse(Action):
    """Gives the right crisis resources, asks whether the client is safe and pauses the reflection.

    The disclosure is never stored as an answer: the form rejected the turn before this runs. When only
    the classifier (not the deterministic net) saw a risk, the client is asked first.
    """

    def name(self) -> str:
        return "action_crisis_response"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        signal = detect_risk(conversation.latest_text)
        pause_events: list[EventType] = [ActiveLoop(None)]
        if tracker.get_slot("reflection_status") == "in_progress":
            pause_events.append(SlotSet("reflection_status", "paused"))
            _pause_stored_reflection(conversation)
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

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        say(dispatcher, conversation, "crisis_unsafe")
        last_bot_text = next(
            (event.get("text") or "" for event in reversed(tracker.events) if event.get("event") == "bot"), ""
        )
        if last_bot_text.startswith(message("risk_check_in").text):
            _flag(conversation, _latest_disclosure_category(tracker) or "self_harm", minor=False)
        return []
