"""Starting, pausing, resuming, restarting and completing a reflection."""

from __future__ import annotations

import logging
import re
import uuid

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ActiveLoop, EventType, FollowupAction, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import ANSWER_SLOTS, CONTRACT_RESET_SLOTS, Conversation, fail_soft, read_or_none, say
from actions.side_requests import hand_over
from reflection.alliance import alliance_signal
from reflection.clinics import clinic_for, is_known_clinic
from reflection.flow import CLINIC_ITEM_PREFIX
from reflection.intake import clinic_answers_to_show
from reflection.items import load_item_bank
from reflection.next_steps import suggest_next_steps
from reflection.storage.repository import ReflectionRecord
from reflection.summary import Summary, build_summary
from reflection.turns import asks_for_a_person, signs_off

logger = logging.getLogger(__name__)


def _fresh_reflection_events() -> list[EventType]:
    """Clear the answers of an earlier reflection (slots carry over between sessions)."""
    return [
        *(SlotSet(slot, None) for slot in CONTRACT_RESET_SLOTS),
        SlotSet("next_steps", []),
        SlotSet("items_without_value", []),
        SlotSet("missed_answers", {}),
        SlotSet("answer_words", {}),
        SlotSet("answer_notes", {}),
        SlotSet("clinic_answers", {}),
        SlotSet("clinic_extra", None),
        SlotSet("pending_confirmation", None),
        SlotSet("pending_correction", None),
        SlotSet("last_answered", None),
        SlotSet("gave_numbers", False),
        SlotSet("requested_slot", None),
    ]


def _restore_events(record: ReflectionRecord) -> list[EventType]:
    """Slots for a partial reflection kept in the database, so a client can resume in a new session."""
    events = _fresh_reflection_events()
    events += [SlotSet(item, answer.value) for item, answer in record.answers.items() if item in ANSWER_SLOTS]
    return [*events, SlotSet("consent", True), SlotSet("reflection_status", "in_progress")]


def _has_progress(tracker: Tracker) -> bool:
    return tracker.get_slot("reflection_status") in ("in_progress", "paused") and (
        tracker.get_slot("consent") is not None
    )


def _previous_reflection_events(
    conversation: Conversation, dispatcher: CollectingDispatcher
) -> list[EventType]:
    """Greets, and for a returning client loads their last completed reflection to compare with."""
    if conversation.intake:
        say(dispatcher, conversation, "greet_intake")
        return [SlotSet("previous_answers", None)]
    previous = read_or_none(lambda store: store.latest_completed(conversation.client_id))
    if previous is None:
        say(dispatcher, conversation, "greet")
        return [SlotSet("previous_answers", None)]
    answers = {item: answer.value for item, answer in previous.answers.items()}
    last_date = (previous.completed_at or previous.updated_at).strftime("%B %-d, %Y")
    say(dispatcher, conversation, "welcome_back", last_date=last_date)
    # A client who rated with numbers last time hears numbers when compared with it.
    rated = set(load_item_bank().scale_slots)
    numbers = any(
        any(character.isdigit() for character in answer.raw_text or "")
        for item, answer in previous.answers.items()
        if item in rated
    )
    return [
        SlotSet("previous_answers", {"answers": answers, "completed_on": last_date}),
        SlotSet("gave_numbers", numbers),
    ]


class ActionSessionStart(Action):
    """Starts a session and reads which clinic (and locale) the widget says the client came through."""

    def name(self) -> str:
        return "action_session_start"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        metadata = tracker.get_slot("session_started_metadata") or {}
        carried = [
            SlotSet(name, value)
            for name, value in tracker.current_slot_values().items()
            if name != "session_started_metadata" and value is not None
        ]
        metadata = metadata if isinstance(metadata, dict) else {}
        # Metadata comes from outside: anything but a short string names no clinic or locale.
        clinic_id, locale = (
            value if isinstance(value, str) and len(value) <= 100 else None
            for value in (metadata.get("clinic"), metadata.get("locale"))
        )
        known = is_known_clinic(clinic_id)
        clinic = clinic_for(clinic_id if known else None, locale)
        # Intake only for a clinic that runs it (the web app's signed token says so too).
        intake = metadata.get("mode") == "intake" and known and clinic.intake.enabled
        return [
            SessionStarted(),
            *carried,
            SlotSet("clinic_id", clinic_id if known else None),
            SlotSet("locale", clinic.locale),
            SlotSet("mode", "intake" if intake else "reflection"),
            ActionExecuted("action_listen"),
        ]


_AGAIN = re.compile(r"\b(?:start|again|another|new one|redo|re-do|one more)\b", re.IGNORECASE)


class ActionStartReflection(Action):
    """Greets and sets up a reflection: resumes one in progress, else starts fresh (vs. last time). After
    the summary, thanks or a goodbye read as a greeting ("Thank you. That's everything. Good evening.") is a
    close: the finished reflection stays as it is."""

    def name(self) -> str:
        return "action_start_reflection"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        text = conversation.latest_text
        closing = signs_off(text) and not _AGAIN.search(text)
        complete = tracker.get_slot("reflection_status") == "complete"
        if complete and closing:
            dispatcher.utter_message(response="utter_goodbye")
            return [FollowupAction("action_listen")]
        if complete and asks_for_a_person(text):
            # "can I talk to somebody at the clinic about this?" read as a start: who to talk to, and the
            # finished reflection stays as it is
            hand_over(dispatcher, conversation)
            return [FollowupAction("action_listen")]
        if _has_progress(tracker):
            conversation.write({"op": "open"})
            say(dispatcher, conversation, "resuming")
            return [SlotSet("reflection_status", "in_progress")]
        partial = read_or_none(lambda store: store.current_reflection(conversation.client_id))
        if partial is not None and partial.answers:
            say(dispatcher, conversation, "resuming")
            return _restore_events(partial)
        return [
            *_fresh_reflection_events(),
            SlotSet("consent", None),
            *_previous_reflection_events(conversation, dispatcher),
            SlotSet("reflection_status", "in_progress"),
        ]


class ActionResumeReflection(ActionStartReflection):
    """ "Continue": picks up a paused reflection; with nothing to pick up it starts one."""

    def name(self) -> str:
        return "action_resume_reflection"


class ActionStartOver(Action):
    """ "Start over": clears this reflection's answers (keeping the consent choice) and asks from the top."""

    def name(self) -> str:
        return "action_start_over"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        for slot in ANSWER_SLOTS:
            conversation.write({"op": "remove_answer", "item": slot})
        say(dispatcher, conversation, "starting_over")
        return [*_fresh_reflection_events(), SlotSet("reflection_status", "in_progress")]


class ActionPauseReflection(Action):
    """ "Stop" or "pause": ends the reflection for now, keeping what was answered as a partial reflection."""

    def name(self) -> str:
        return "action_pause_reflection"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        if tracker.get_slot("reflection_status") not in ("in_progress", "paused"):
            say(dispatcher, conversation, "nothing_to_pause")
            return [ActiveLoop(None)]
        if conversation.consented:
            conversation.write({"op": "pause"})
            say(dispatcher, conversation, "paused_saved")
        else:
            say(dispatcher, conversation, "paused_not_saved")
        return [ActiveLoop(None), SlotSet("reflection_status", "paused")]


def _summary(conversation: Conversation, steps: list[str]) -> Summary:
    return build_summary(
        conversation.answers(),
        steps,
        previous=conversation.previous_answers(),
        referral_link=conversation.clinic.referral_link,
        saved=conversation.consented,
        gave_numbers=bool(conversation.tracker.get_slot("gave_numbers")),
        clinic_answers=clinic_answers_to_show(
            conversation.clinic.intake.questions, conversation.tracker.get_slot("clinic_answers") or {}
        ),
    )


class ActionCompleteReflection(Action):
    """Suggests next steps, stores them and closes with the personalized summary."""

    def name(self) -> str:
        return "action_complete_reflection"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        # Intake asks about past therapy for the clinic to match a new therapist: no steps for the client.
        steps = [] if conversation.intake else suggest_next_steps(conversation.answers())
        # Every answer is written again with the completion, in one transaction: a reflection is never
        # complete in the database with an answer missing, even if an earlier write failed.
        words = dict(tracker.get_slot("answer_words") or {})
        # "Don't know" and "doesn't apply" are kept as answers without a number.
        notes = tracker.get_slot("answer_notes") or {}
        answered = {slot: note for slot, note in notes.items() if note != "skipped"}
        answered.update((slot, value) for slot, value in conversation.answers().items() if value is not None)
        clinic_answers = {
            f"{CLINIC_ITEM_PREFIX}{key}": value
            for key, value in (tracker.get_slot("clinic_answers") or {}).items()
            if value
        }
        answered.update(clinic_answers)
        words.update(clinic_answers)
        answers = {slot: [value, words.get(slot)] for slot, value in answered.items()}
        # After an answer was changed past the summary (ActionChangeAnswer), the same reflection is amended
        amend = tracker.get_slot("reflection_status") == "complete"
        completion = {"op": "amend" if amend else "complete", "next_steps": steps, "answers": answers}
        if not amend:
            completion["completion_key"] = str(uuid.uuid4())
        if not conversation.write(completion):
            say(dispatcher, conversation, "save_failed_at_end")
        for section in _summary(conversation, steps).sections:
            dispatcher.utter_message(text=section)
        # Staff see the concern only in saved answers; the clinic decides whether the client hears of it.
        if (
            conversation.consented
            and conversation.clinic.tell_clients_about_alliance_concern
            and alliance_signal(conversation.answers()).concern
        ):
            say(dispatcher, conversation, "alliance_concern_told")
        if conversation.intake:
            closing = "intake_closing" if conversation.consented else "intake_closing_not_saved"
            say(dispatcher, conversation, closing)
        say(dispatcher, conversation, "offer_copy")
        # an amended reflection was already complete: the host page heard of it once (components/channels.py)
        return [SlotSet("next_steps", steps), *([] if amend else [SlotSet("reflection_status", "complete")])]


class ActionSendSummaryCopy(Action):
    """The summary again, as one message to keep; rebuilt from the answers rather than stored twice."""

    def name(self) -> str:
        return "action_send_summary_copy"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        steps = tracker.get_slot("next_steps") or []
        if tracker.get_slot("reflection_status") == "complete":
            dispatcher.utter_message(text=_summary(conversation, steps).as_text())
        else:
            say(dispatcher, conversation, "no_summary_yet")
        return []


class ActionUnclearAfterTheEnd(Action):
    """After the summary, a message the classifier could not place, or read as an answer: thanks or a
    goodbye in any words ("Siyabonga, bye") gets the goodbye; anything else the start-or-continue options."""

    def name(self) -> str:
        return "action_unclear_after_the_end"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        dispatcher.utter_message(response="utter_goodbye" if signs_off(text) else "utter_default")
        return []
