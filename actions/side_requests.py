"""Side requests that depend on the client or their clinic: their data, a person to talk to, deletion."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import Conversation, fail_soft, say, writer
from reflection.turns import asks_about_therapist, asks_why_saving, refuses, shares_a_device

logger = logging.getLogger(__name__)
# Rasa's tracker store erases the conversation when it saves the turn that sets this slot
# (components/tracker_store.py): after this action, so nothing the action did can come back.
ERASE_SLOT = "conversation_erased"


def explain_data(dispatcher: CollectingDispatcher, conversation: Conversation, tracker: Tracker) -> None:
    """Who sees the client's words, as things stand for them; a question about the therapist gets the
    answer about the therapist first."""
    consent = tracker.get_slot("consent")
    if consent is True:
        name = "data_consented_clinic" if conversation.clinic_id else "data_consented"
    else:
        name = "data_not_consented" if consent is False else "data_undecided"
    if asks_about_therapist(conversation.latest_text):
        name = name.replace("data_", "data_therapist_")
    if asks_why_saving(conversation.latest_text):
        say(dispatcher, conversation, "why_saving")
    say(dispatcher, conversation, name)
    if shares_a_device(conversation.latest_text):
        say(dispatcher, conversation, "shared_device")


class ActionExplainData(Action):
    def name(self) -> str:
        return "action_explain_data"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        explain_data(dispatcher, Conversation(tracker), tracker)
        return []


def hand_over(dispatcher: CollectingDispatcher, conversation: Conversation) -> None:
    """How to reach a person at the client's clinic, or who to talk to where there is none."""
    if conversation.clinic.contact:
        say(dispatcher, conversation, "human_contact", contact=conversation.clinic.contact)
    else:
        say(dispatcher, conversation, "human_no_contact")


class ActionHumanHandoff(Action):
    def name(self) -> str:
        return "action_human_handoff"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        hand_over(dispatcher, Conversation(tracker))
        return []


class ActionDeleteData(Action):
    """Erases the client's answers and flags now, and their conversation when Rasa saves this turn."""

    def name(self) -> str:
        return "action_delete_data"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        if refuses(conversation.latest_text):
            # "no, don't delete it" read as a request to delete: nothing is erased on a no
            dispatcher.utter_message(response="utter_delete_cancelled")
            in_reflection = tracker.get_slot("reflection_status") == "in_progress"
            return [FollowupAction("reflection_form")] if in_reflection else []
        erased = writer().erase(conversation.client_id)
        say(dispatcher, conversation, "deleted" if erased else "deleted_answers_pending")
        return [ActiveLoop(None), AllSlotsReset(), SlotSet(ERASE_SLOT, True)]
