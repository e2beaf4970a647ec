"""Side requests that depend on the client or their clinic: their data, a person to talk to, deletion."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import Conversation, fail_soft, say, writer

logger = logging.getLogger(__name__)
# Rasa's tracker store erases the conversation when it saves the turn that sets this slot
# (components/tracker_store.py): after this action, so nothing the action did can come back.
ERASE_SLOT = "conversation_erased"


class ActionExplainData(Action):
    def name(self) -> str:
        return "action_explain_data"

    @fail_soft
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

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        if conversation.clinic.contact:
            say(dispatcher, conversation, "human_contact", contact=conversation.clinic.contact)
        else:
            say(dispatcher, conversation, "human_no_contact")
        return []


class ActionDeleteData(Action):
    """Erases the client's answers and flags now, and their conversation when Rasa saves this turn."""

    def name(self) -> str:
        return "action_delete_data"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        erased = writer().erase(conversation.client_id)
        say(dispatcher, conversation, "deleted" if erased else "deleted_answers_pending")
        return [ActiveLoop(None), AllSlotsReset(), SlotSet(ERASE_SLOT, True)]
