"""Changing an answer after the summary: read as a correction is during the questions; then the summary
again."""

from __future__ import annotations

import re

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import RESUME_WITH_ANSWER, Conversation, fail_soft, say
from actions.lifecycle import ActionStartReflection
from actions.reflection_form import ask_for_correction, correctable_answers, plan_events, turn_message
from reflection.items import load_item_bank
from reflection.turns import FormState, change_after_the_end

_COPY = re.compile(r"\b(?:copy|send (?:it|me it|that|me that)|email (?:it|me))\b")


class ActionChangeAnswer(Action):
    """A change of an answer asked for outside the questions. After the summary ("can I change my answer
    about goals? it's a 2", "the homework one should be a 1") it is read by the reflection's own turn logic
    (``reflection.turns.change_after_the_end``), as a correction during the questions is: the answer
    changes, and the summary comes again with the next steps worked out anew
    (``action_complete_reflection``, which then amends the completed reflection rather than storing a
    second one). With no answer or no value named it asks which answer, or what it should be, with
    buttons, and reads the reply here. A reply that changes nothing: after "which one?" the answers stay;
    right after the summary it closes kindly, as before, or sends the copy it asks for. Before a reflection
    is complete: a paused one is picked up at once and the form reads the change there; with nothing begun,
    the message (often an opener the classifier read as a change) starts the reflection."""

    def name(self) -> str:
        return "action_change_answer"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        status = tracker.get_slot("reflection_status")
        if status is None:  # nothing begun: a first message read as a change ("sorry, my English…") starts
            events = await ActionStartReflection().run(dispatcher, tracker, domain)
            return [*events, FollowupAction("reflection_form")]
        if status != "complete":  # paused: picked up, and the form reads the change where it was
            return [SlotSet("pending_correction", None), FollowupAction(RESUME_WITH_ANSWER)]
        answered = correctable_answers(tracker, conversation.answers())
        pending = tracker.get_slot("pending_correction")
        state = FormState(
            requested=None,
            open_items=(),
            answered=answered,
            last_answered=tracker.get_slot("last_answered"),  # "make that a 2" after a change
            pending_correction=pending,
            saving=conversation.consented,
        )
        message = turn_message(tracker.latest_message)
        plan = change_after_the_end(message, state)
        if plan.corrected:
            events = plan_events(dispatcher, conversation, tracker, plan, store_now=False)
            return [*events, FollowupAction("action_complete_reflection")]
        if plan.correction_prompt is not None:
            ask_for_correction(dispatcher, conversation, load_item_bank(), plan.correction_prompt)
            return [SlotSet("pending_correction", plan.correction_prompt)]
        if pending is not None:
            say(dispatcher, conversation, "change_kept")
        elif message.intent != "deny" and _COPY.search(message.text.lower()):
            # "…I really like her. But yes please send me a copy": the copy that was offered
            return [SlotSet("pending_correction", None), FollowupAction("action_send_summary_copy")]
        else:
            dispatcher.utter_message(response="utter_anything_else")
        return [SlotSet("pending_correction", None)]
