"""The reflection form: reading each answer and asking each question, wired to ``reflection``."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.context import Conversation, button_payloads, fail_soft, say
from reflection.answer_parsing import parse_answer
from reflection.flow import MAX_MISSES, next_slot, question_slots
from reflection.items import Button, load_item_bank
from reflection.turns import Accept, Interrupt, Nudge, Skip, interpret_turn
from reflection.wording import acknowledgement, question_for

logger = logging.getLogger(__name__)
FORM_NAME = "reflection_form"
SKIP_BUTTON = Button(title="Skip", payload="skip")
ASKED_BEFORE_HOMEWORK = ("felt_heard", "depth", "advice_fit")
OPTIONAL_BUTTONS = {"missing": Button(title="Nothing", payload="nothing"), "tell_more": SKIP_BUTTON}


def answer_is_fresh(tracker: Tracker) -> bool:
    """True when the form runs right after the client spoke, i.e. the latest message is an answer to read.

    The form also runs after a side request was answered or when it is (re)activated; then the latest
    message was already handled and must not be read as an answer again.
    """
    actions = [event.get("name") for event in tracker.events if event.get("event") == "action"]
    actions = [name for name in actions if name != "action_extract_slots"]
    # The last action is this form's own run, inserted by Rasa before calling the validation action.
    return len(actions) >= 2 and actions[-1] == FORM_NAME and actions[-2] == "action_listen"


def _save_answer(
    dispatcher: CollectingDispatcher, conversation: Conversation, slot: str, value: Any, raw_text: str
) -> None:
    """Saves an answer as it is given, with consent only; None (skipped, "nothing") removes a saved one.

    If the database is down the answer waits in the outbox and is saved as soon as it can be."""
    if slot == "consent":
        return
    write = {"op": "remove_answer", "item": slot} if value is None else {
        "op": "answer", "item": slot, "value": value, "raw_text": raw_text
    }
    if not conversation.write(write):
        say(dispatcher, conversation, "save_failed")


class ValidateReflectionForm(FormValidationAction):
    """Reads the client's answer to the open question and decides the next question.

    Returning no events at all makes Rasa reject the form for this turn, so the rules can answer a side
    request or a disclosure of risk; the form then re-asks its question.
    """

    def name(self) -> str:
        return f"validate_{FORM_NAME}"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        slots = {slot: tracker.get_slot(slot) for slot in question_slots()}
        settled = list(tracker.get_slot("items_without_value") or [])
        misses = dict(tracker.get_slot("missed_answers") or {})
        # The client's own words per answer, kept with the values so the completion can store both again.
        words = dict(tracker.get_slot("answer_words") or {})
        requested = tracker.get_slot("requested_slot")
        events: list[EventType] = []

        if requested in slots and answer_is_fresh(tracker):
            intent, confidence = conversation.latest_intent
            outcome = interpret_turn(
                requested, conversation.latest_text, intent, confidence, conversation.risk.tier
            )
            if isinstance(outcome, Interrupt):
                return []
            if isinstance(outcome, Accept):
                misses.pop(requested, None)
                slots[requested] = outcome.value
                events.append(SlotSet(requested, outcome.value))
                events += self._accepted(dispatcher, conversation, requested, outcome, slots, settled, words)
            elif isinstance(outcome, Skip):
                misses.pop(requested, None)
                settled.append(requested)
                _save_answer(dispatcher, conversation, requested, None, conversation.latest_text)
                say(dispatcher, conversation, "skipped")
            elif not isinstance(outcome, Nudge):
                misses[requested] = misses.get(requested, 0) + 1
                if misses[requested] >= MAX_MISSES:
                    settled.append(requested)
                    say(dispatcher, conversation, "leave_it")

        return [
            *events,
            SlotSet("items_without_value", sorted(set(settled))),
            SlotSet("missed_answers", misses),
            SlotSet("answer_words", words),
            SlotSet("reflection_status", "in_progress"),
            SlotSet("requested_slot", next_slot(slots, settled)),
        ]

    @staticmethod
    def _accepted(
        dispatcher: CollectingDispatcher,
        conversation: Conversation,
        slot: str,
        outcome: Accept,
        slots: dict[str, Any],
        settled: list[str],
        words: dict[str, str],
    ) -> list[EventType]:
        if slot == "consent":
            say(dispatcher, conversation, "consent_given" if outcome.value else "consent_declined")
            return []
        words[slot] = outcome.raw_text
        _save_answer(dispatcher, conversation, slot, outcome.value, outcome.raw_text)
        if outcome.value is None:
            settled.append(slot)  # e.g. "nothing" is missing: answered, with no value to keep
        ack = acknowledgement(slot, outcome.value, outcome.raw_text)
        if ack:
            dispatcher.utter_message(text=ack)
        extra: list[EventType] = []
        # A client who mentions there is no homework is not asked about homework.
        if (
            slot in ASKED_BEFORE_HOMEWORK
            and slots.get("homework_fit") is None
            and "homework_fit" not in settled
        ):
            homework = parse_answer("homework_fit", outcome.raw_text)
            if homework is not None and homework.value == "none":
                slots["homework_fit"] = "none"
                words["homework_fit"] = outcome.raw_text
                extra.append(SlotSet("homework_fit", "none"))
                _save_answer(dispatcher, conversation, "homework_fit", "none", outcome.raw_text)
                dispatcher.utter_message(text=load_item_bank().item("homework_fit").ack["none"])
        return extra


class AskReflectionQuestion(Action, ABC):
    """Asks one question of the reflection, worded for this client; after a miss, re-asks with examples."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot this action asks for."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        bank = load_item_bank()
        item = bank.item(self.slot)
        misses = (tracker.get_slot("missed_answers") or {}).get(self.slot, 0)
        answers = conversation.answers()
        order = question_slots(bank)
        earlier = [slot for slot in order[: order.index(self.slot)] if answers.get(slot) is not None]
        question = question_for(
            self.slot,
            answers,
            previous=conversation.previous_answers(),
            just_answered=earlier[-1] if earlier else None,
            bank=bank,
        )
        buttons = list(question.buttons)
        if self.slot in OPTIONAL_BUTTONS:
            buttons.append(OPTIONAL_BUTTONS[self.slot])
        if misses == 0:
            dispatcher.utter_message(text=question.text, buttons=button_payloads(buttons))
        elif misses == 1:
            dispatcher.utter_message(text=item.reask, buttons=button_payloads(buttons))
        else:
            say(dispatcher, conversation, "second_miss")
            with_skip = buttons if SKIP_BUTTON in buttons else [*buttons, SKIP_BUTTON]
            dispatcher.utter_message(text=question.text, buttons=button_payloads(with_skip))
        return []


class AskForConsent(Action):
    """The opening: what this is, that it is not for emergencies, what is stored; then asks to save."""

    def name(self) -> str:
        return "action_ask_consent"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        missed = (tracker.get_slot("missed_answers") or {}).get("consent", 0)
        if missed:
            say(dispatcher, conversation, "ask_consent_again")
        else:
            say(
                dispatcher,
                conversation,
                "ask_consent_clinic" if conversation.mode == "clinic_intake" else "ask_consent",
            )
        return []


def _ask_action_class(slot: str) -> type[AskReflectionQuestion]:
    name = f"AskFor_{slot}"
    # Module-level and named, so the action server's worker processes can pickle it.
    cls = type(name, (AskReflectionQuestion,), {"slot": slot, "__module__": __name__, "__qualname__": name})
    globals()[name] = cls
    return cls


# One concrete action per question (action_ask_<slot>): rasa-sdk registers every concrete Action subclass.
ASK_ACTIONS = {slot: _ask_action_class(slot) for slot in load_item_bank().slots}
