"""Side requests that depend on the client or their clinic: their data, a person to talk to, deletion."""

from __future__ import annotations

import logging
import threading
import time

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import Conversation, say, settings, store
from reflection.storage.tracker_events import erase_conversation_events

logger = logging.getLogger(__name__)
# Rasa saves this turn's events after the action returns, so the conversation is erased again after that.
ERASE_CONVERSATION_AFTER_SECONDS = (1.0, 4.0)


class ActionExplainData(Action):
    def name(self) -> str:
        return "action_explain_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        consent = tracker.get_slot("consent")
        if consent is True:
            name = "data_consented_clinic" if conversation.mode == "clinic_intake" else "data_consented"
        else:
            name = "data_not_consented" if consent is False else "data_undecided"
        say(dispatcher, conversation, name)
        return []


class ActionHumanHandoff(Action):
    def name(self) -> str:
        return "action_human_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        if conversation.clinic.contact:
            say(dispatcher, conversation, "human_contact", contact=conversation.clinic.contact)
        else:
            say(dispatcher, conversation, "human_no_contact")
        return []


def _erase_conversation_later(tracker_db_url: str, sender_id: str) -> None:
    def erase() -> None:
        for delay in ERASE_CONVERSATION_AFTER_SECONDS:
            time.sleep(delay)
            try:
                erase_conversation_events(tracker_db_url, sender_id)
            except Exception:  # a background thread must log, not die silently
                logger.exception("Could not erase the conversation events of a client who asked for it.")

    threading.Thread(target=erase, name="erase-conversation", daemon=True).start()


class ActionDeleteData(Action):
    """Erases the client's answers, flags and conversation events, after they confirmed."""

    def name(self) -> str:
        return "action_delete_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        deleted = store().erase_client(conversation.client_id)
        erase_conversation_events(settings().tracker_db_url, tracker.sender_id)
        _erase_conversation_later(settings().tracker_db_url, tracker.sender_id)
        logger.info("Erased %s stored rows for a client on request.", deleted)
        say(dispatcher, conversation, "deleted")
        keep = ("clinic_id", "locale")
        return [
            ActiveLoop(None),
            AllSlotsReset(),
            *(SlotSet(name, tracker.get_slot(name)) for name in keep),
            SlotSet("next_steps", []),
            SlotSet("items_without_value", []),
        ]
