"""The reflection form: reading each message and asking each question, wired to ``reflection``.

rasa-sdk's hooks do the per-question work: ``required_slots`` gives the questions still to ask, in the order
that fits this client (consent first, "tell me more" only after a rating, a question answered earlier in
passing is not asked); ``extract_<question>`` gives each open question its value from this turn's plan, so
one message can answer several; ``validate_<question>`` stores the value and acknowledges it.

What the whole turn means is decided once, in ``run``, by ``reflection.turns.plan_turn``, because rasa-sdk's
hooks are per question and Rasa 3.6 can't express the rest through them: a turn that is not an answer must
return no events at all (Rasa then lets the rules answer it and the form asks again); a correction changes a
question that is no longer open; and confirmations, skips and re-asks concern the turn, not one question.
"""

from __future__ import annotations

import contextvars
from abc import ABC, abstractmethod
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.context import RESUME_WITH_ANSWER, Conversation, button_payloads, fail_soft, say, writer
from actions.lifecycle import ActionResumeReflection
from actions.safety import check_in_answered, check_in_context
from actions.side_requests import explain_data
from reflection.agreement import confirmation as confirmation_prompt
from reflection.answer_parsing import Reading, is_skip
from reflection.flow import (
    CLINIC_EXTRA_SLOT,
    CLINIC_ITEM_PREFIX,
    MAX_MISSES,
    applicable_slots,
    question_slots,
    remaining_slots,
)
from reflection.intake import answered_in_passing
from reflection.items import Button, ItemBank, load_item_bank
from reflection.messages import message
from reflection.risk_verdict import RiskVerdict
from reflection.turns import (
    CONFIDENT_INTENT,
    CONSENT_SLOT,
    SIDE_REQUEST_INTENTS,
    Confirmation,
    FormState,
    Message,
    TurnPlan,
    plan_turn,
)
from reflection.wording import acknowledgement, question_for, without_repeated_thanks

FORM_NAME = "reflection_form"
SKIP_BUTTON = Button(title="Skip", payload="skip")
NOT_SURE_BUTTON = Button(title="Not sure", payload="not sure")
OPTIONAL_BUTTONS = {"missing": Button(title="Nothing", payload="nothing"), "tell_more": SKIP_BUTTON}
SAVING_OFFER_SLOT = "pending_saving_choice"  # "Shall I carry on without saving?" waits for the reply
CONFIRM_LESS_SLOT = "confirm_less"  # "stop asking me to confirm": readings are taken without a check
# This turn's plan, for the per-question hooks rasa-sdk calls within the same run.
_PLAN: contextvars.ContextVar[TurnPlan | None] = contextvars.ContextVar("turn_plan", default=None)


def _current_plan() -> TurnPlan:
    return _PLAN.get() or TurnPlan()


def answer_is_fresh(tracker: Tracker) -> bool:
    """True when the form runs right after the client spoke, i.e. the latest message is an answer to read.

    The form also runs after a side request was answered or when it is (re)activated; then the latest
    message was already handled and must not be read again. The one exception is a paused reflection picked
    up by an answer (``RESUME_WITH_ANSWER``): that message is read against the question left open.
    """
    actions = [event.get("name") for event in tracker.events if event.get("event") == "action"]
    actions = [name for name in actions if name != "action_extract_slots"]
    # The last action is this form's own run, inserted by Rasa before calling the validation action.
    read_now = ("action_listen", RESUME_WITH_ANSWER)
    return len(actions) >= 2 and actions[-1] == FORM_NAME and actions[-2] in read_now


def _settled(tracker: Tracker) -> list[str]:
    return list(tracker.get_slot("items_without_value") or [])


def _write_answer(
    conversation: Conversation,
    dispatcher: CollectingDispatcher,
    item: str,
    value: Any,
    words: str | None = None,
) -> None:
    """Saves an answer as it is given (with consent only): a value, or a note such as "dont_know" for an
    answer without one; None removes it. A write the database can't take now waits in the outbox, and the
    client is told in a word."""
    if item == CONSENT_SLOT:
        return
    text = words if words is not None else conversation.latest_text
    write = (
        {"op": "remove_answer", "item": item}
        if value is None
        else {"op": "answer", "item": item, "value": value, "raw_text": text}
    )
    if not conversation.write(write):
        say(dispatcher, conversation, "save_failed")


def turn_message(parse_data: Mapping[str, Any]) -> Message:
    """The message as the turn logic reads it, from the NLU's parse data (the tracker's latest message):
    the text, the intent, the risk verdict and the second reader's readings. Also used by the blind
    single-answer test, so it plays each answer through the same turn logic."""
    intent = parse_data.get("intent") or {}
    name, confidence = str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)
    raw = parse_data.get("answer_readings") or {}
    verdict = RiskVerdict.from_parse_data(parse_data)
    # a disclosure intent without a verdict (a button payload such as "/not_safe") counts as what it names
    tier = (
        verdict.tier
        if verdict.tier != "none"
        else ("crisis" if name.startswith("disclose_") else "check_in" if name == "risk_check_in" else "none")
    )
    return Message(
        text=parse_data.get("text") or "",
        intent=name,
        confidence=confidence,
        risk_tier=tier,
        model_readings={
            item: Reading.from_dict(reading) for item, reading in raw.items() if isinstance(reading, dict)
        },
    )


def correctable_answers(tracker: Tracker, slots: Mapping[str, Any]) -> dict[str, object]:
    """Answers that can be corrected: with a value, or settled as "don't know" / "doesn't apply". Also used
    after the summary (actions/changes.py)."""
    answered: dict[str, object] = dict(tracker.get_slot("answer_notes") or {})
    answered.update(
        (slot, value) for slot, value in slots.items() if slot != CONSENT_SLOT and value is not None
    )
    return answered


def form_state(tracker: Tracker, conversation: Conversation) -> FormState:
    """Where the reflection stands for the turn logic (``plan_turn``), read from the tracker. Also used when
    a paused reflection is picked up by an answer (``ActionResumeWithAnswer``)."""
    requested = tracker.get_slot("requested_slot")
    slots = {slot: tracker.get_slot(slot) for slot in question_slots()}
    open_items = remaining_slots(slots, _settled(tracker), mode=conversation.mode)
    checked_text, check_in_waived = check_in_context(tracker)
    return FormState(
        requested=requested,
        open_items=tuple([requested] if requested in open_items else [])
        + tuple(item for item in open_items if item not in (requested, CONSENT_SLOT)),
        answered=correctable_answers(tracker, slots),
        last_answered=tracker.get_slot("last_answered"),
        pending_confirmation=_pending_confirmation(tracker),
        pending_correction=tracker.get_slot("pending_correction"),
        checked_text=checked_text,
        check_in_waived=check_in_waived,
        saving=conversation.consented,
        saving_offer=tracker.get_slot(SAVING_OFFER_SLOT) is True,
        confirm_less=tracker.get_slot(CONFIRM_LESS_SLOT) is True,
    )


def _pending_confirmation(tracker: Tracker) -> Confirmation | None:
    return Confirmation.from_slot(tracker.get_slot("pending_confirmation"))


class ValidateReflectionForm(FormValidationAction):
    """Reads each message against every open question and decides what to ask next."""

    def name(self) -> str:
        return f"validate_{FORM_NAME}"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[str]:
        conversation = Conversation(tracker)
        slots = {slot: tracker.get_slot(slot) for slot in question_slots()}
        required = applicable_slots(slots, _settled(tracker), mode=conversation.mode)
        if conversation.intake and conversation.clinic.intake.questions:
            required.append(CLINIC_EXTRA_SLOT)
        return required

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if not answer_is_fresh(tracker):
            events = await super().run(dispatcher, tracker, domain)
            return [*events, SlotSet("reflection_status", "in_progress")]
        conversation = Conversation(tracker)
        if tracker.get_slot("requested_slot") == CLINIC_EXTRA_SLOT:
            return await self._clinic_question(dispatcher, conversation, tracker, domain)
        requested = tracker.get_slot("requested_slot")
        plan = plan_turn(turn_message(tracker.latest_message), form_state(tracker, conversation))
        if plan.interrupt is not None:
            return []  # not an answer: the rules answer it, then the form asks its question again
        if plan.explain == "data":
            explain_data(dispatcher, conversation, tracker)
        elif plan.explain == "why":
            dispatcher.utter_message(response="utter_why")  # the domain's answer, as the rules give it
        elif plan.explain == "safe":
            say(dispatcher, conversation, "glad_safe_go_on")
        elif plan.explain in ("away", "back"):
            say(dispatcher, conversation, f"stepping_{plan.explain}")
        elif plan.explain == "normal":
            say(dispatcher, conversation, "is_that_normal")
        elif plan.explain == "meaning" and requested in load_item_bank().slots:
            item = load_item_bank().item(requested)
            dispatcher.utter_message(text=item.explain or item.reask)
        turn_events = _saving_events(dispatcher, conversation, plan.saving)
        if plan.confirm_less:
            say(dispatcher, conversation, "confirm_less")
            turn_events.append(SlotSet(CONFIRM_LESS_SLOT, True))
        tracker.add_slots(turn_events)  # saving stopped now: nothing this turn writes may reach the database
        turn_events += plan_events(dispatcher, conversation, tracker, plan)
        turn_events += self._clinic_answers_in_passing(dispatcher, conversation, tracker, plan)
        tracker.add_slots(turn_events)
        token = _PLAN.set(plan)
        try:
            slot_events = await super().run(dispatcher, tracker, domain)
        finally:
            _PLAN.reset(token)
        if plan.also_answered:
            bank = load_item_bank()
            noted = "; ".join(
                f"{bank.item(item).area} ({bank.item(item).describe(plan.values[item])})"
                for item in plan.also_answered
            )
            say(dispatcher, conversation, "also_noted", noted=noted)
        return [*turn_events, *slot_events, SlotSet("reflection_status", "in_progress")]

    @staticmethod
    def _clinic_answers_in_passing(
        dispatcher: CollectingDispatcher, conversation: Conversation, tracker: Tracker, plan: TurnPlan
    ) -> list[EventType]:
        """In intake, an answer that already names a choice of one of the clinic's own questions ("evenings,
        online is fine") answers that question too: it is stored, said in a word, and not asked again."""
        questions = conversation.clinic.intake.questions
        if not (conversation.intake and questions and (plan.values or plan.notes)):
            return []
        answers = dict(tracker.get_slot("clinic_answers") or {})
        found = answered_in_passing(questions, answers, conversation.latest_text)
        if not found:
            return []
        for question_id, choice in found.items():
            answers[question_id] = choice
            _write_answer(conversation, dispatcher, f"{CLINIC_ITEM_PREFIX}{question_id}", choice)
        say(dispatcher, conversation, "clinic_answer_in_passing", answer=", ".join(found.values()).lower())
        if all(question.id in answers for question in questions):
            plan.values[CLINIC_EXTRA_SLOT] = "done"
        return [SlotSet("clinic_answers", answers)]

    async def _clinic_question(
        self, dispatcher: CollectingDispatcher, conversation: Conversation, tracker: Tracker, domain: dict
    ) -> list[EventType]:
        """The answer to one of the clinic's own intake questions: kept in the client's words, as asked."""
        intent, confidence = conversation.latest_intent
        side_request = intent in SIDE_REQUEST_INTENTS and confidence >= CONFIDENT_INTENT
        if turn_message(tracker.latest_message).risk_tier != "none" or side_request:
            return []
        answers = dict(tracker.get_slot("clinic_answers") or {})
        question = next(q for q in conversation.clinic.intake.questions if q.id not in answers)
        text = conversation.latest_text.strip()
        skipped = intent == "skip" or is_skip(text)
        answers[question.id] = None if skipped else text
        if not skipped:
            _write_answer(conversation, dispatcher, f"{CLINIC_ITEM_PREFIX}{question.id}", text)
        say(dispatcher, conversation, "skipped" if skipped else "clinic_answer_noted")
        done = all(q.id in answers for q in conversation.clinic.intake.questions)
        events = [SlotSet("clinic_answers", answers)]
        plan = TurnPlan(values={CLINIC_EXTRA_SLOT: "done"} if done else {})
        tracker.add_slots(events)
        token = _PLAN.set(plan)
        try:
            return [*events, *await super().run(dispatcher, tracker, domain)]
        finally:
            _PLAN.reset(token)

    def __getattr__(self, name: str) -> Callable[..., Coroutine[Any, Any, dict[str, Any]]]:
        """``extract_<question>`` and ``validate_<question>`` for every question of the item bank."""
        kind, _, slot = name.partition("_")
        if kind not in ("extract", "validate") or slot not in (*question_slots(), CLINIC_EXTRA_SLOT):
            raise AttributeError(name)
        return self._extractor(slot) if kind == "extract" else self._validator(slot)

    @staticmethod
    def _extractor(slot: str) -> Callable[..., Coroutine[Any, Any, dict[str, Any]]]:
        async def extract(dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict[str, Any]:
            plan = _current_plan()
            return {slot: plan.values[slot]} if slot in plan.values and slot not in plan.corrected else {}

        return extract

    @staticmethod
    def _validator(slot: str) -> Callable[..., Coroutine[Any, Any, dict[str, Any]]]:
        async def validate(
            value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
        ) -> dict[str, Any]:
            conversation = Conversation(tracker)
            if slot == CONSENT_SLOT:
                if slot in _current_plan().values:  # given now, not set again by a resume or a check-in
                    say(dispatcher, conversation, "consent_given" if value else "consent_declined")
                return {slot: value}
            if slot == CLINIC_EXTRA_SLOT:
                return {slot: value}
            plan = _current_plan()
            if slot not in plan.values or slot in plan.corrected:
                # filled before this turn (a resumed reflection), or a correction this turn has already
                # stored and said ("I've changed your answer…"): its words ask for a change, they are no
                # answer to quote back or acknowledge
                return {slot: value}
            _write_answer(conversation, dispatcher, slot, value, plan.words.get(slot))
            if slot not in plan.also_answered:
                ack = acknowledgement(slot, value, plan.words.get(slot, conversation.latest_text))
                ack = ack and without_repeated_thanks(ack, conversation.recent_bot_texts)
                if ack:
                    dispatcher.utter_message(text=ack)
            return {slot: value}

        return validate


def plan_events(
    dispatcher: CollectingDispatcher,
    conversation: Conversation,
    tracker: Tracker,
    plan: TurnPlan,
    store_now: bool = True,
) -> list[EventType]:
    """What the turn changes beyond the open questions' values: corrections, settled questions, misses,
    the prompts waiting for an answer, and the client's own words. Also used for a change of an answer
    after the summary (actions/changes.py), with ``store_now`` False: the completed reflection is then
    amended as a whole, and a single answer written would open a new one."""
    write = _write_answer if store_now else lambda *_args: None
    bank = load_item_bank()
    requested = tracker.get_slot("requested_slot")
    settled = _settled(tracker)
    notes = dict(tracker.get_slot("answer_notes") or {})
    misses = dict(tracker.get_slot("missed_answers") or {})
    words = dict(tracker.get_slot("answer_words") or {})
    events: list[EventType] = []
    for item in plan.corrected:
        if item in plan.values:
            value = plan.values[item]
            events.append(SlotSet(item, value))
            notes.pop(item, None)
            settled = [other for other in settled if other != item]
            write(conversation, dispatcher, item, value, plan.words.get(item))
            area, described = bank.item(item).area, bank.item(item).describe(value)
            say(dispatcher, conversation, "corrected", area=area, value=described)
    for item, note in plan.notes.items():
        settled.append(item)
        notes[item] = note
        events.append(SlotSet(item, None))
        stored = None if note == "skipped" else note
        write(conversation, dispatcher, item, stored, plan.words.get(item))
        if item in plan.corrected:
            say(dispatcher, conversation, "corrected_no_value", area=bank.item(item).area)
        elif note == "skipped":
            say(dispatcher, conversation, "skipped")
        elif item in bank.free_text_slots:  # "nothing", "idk" to a question in words: no number to miss
            nothing = bank.item(item).ack.get("nothing") if note == "not_applicable" else None
            if nothing:
                dispatcher.utter_message(text=nothing)
            else:
                say(dispatcher, conversation, "no_value_ok_text")
        else:
            say(dispatcher, conversation, "no_value_ok")
    if plan.missed and requested:
        misses[requested] = misses.get(requested, 0) + 1
        if misses[requested] >= MAX_MISSES:
            settled.append(requested)
            say(dispatcher, conversation, "leave_it")
    answered_now = [*plan.values, *plan.notes]
    for item in answered_now:
        if item != CONSENT_SLOT:
            words[item] = plan.words.get(item, conversation.latest_text)
            misses.pop(item, None)
    last = next((item for item in reversed(answered_now) if item != CONSENT_SLOT), None)
    confirm = plan.confirm
    return [
        *events,
        SlotSet("items_without_value", sorted(set(settled))),
        SlotSet("answer_notes", notes),
        SlotSet("missed_answers", misses),
        SlotSet("answer_words", words),
        SlotSet("pending_confirmation", confirm.as_slot() if confirm else None),
        SlotSet("pending_correction", plan.correction_prompt),
        *([SlotSet("last_answered", last)] if last else []),
        *([SlotSet("gave_numbers", True)] if _gave_a_number(conversation.latest_text, plan) else []),
    ]


def _saving_events(
    dispatcher: CollectingDispatcher, conversation: Conversation, saving: str | None
) -> list[EventType]:
    """The client took back their yes to saving: offer the choices (the ask action shows them), then act on
    the one made. Carrying on without saving erases what was saved, and nothing more is written."""
    if saving is None:
        return []
    if saving == "offer":
        return [SlotSet(SAVING_OFFER_SLOT, True)]
    if saving == "unsaved":
        say(dispatcher, conversation, "saving_already_off")
        return []
    if saving == "keep":
        say(dispatcher, conversation, "saving_kept")
        return [SlotSet(SAVING_OFFER_SLOT, None)]
    erased = writer().erase(conversation.client_id) if conversation.consented else True
    say(dispatcher, conversation, "saving_stopped" if erased else "saving_stopped_pending")
    return [SlotSet(CONSENT_SLOT, False), SlotSet(SAVING_OFFER_SLOT, None)]


def _gave_a_number(text: str, plan: TurnPlan) -> bool:
    rated = set(load_item_bank().scale_slots)
    return any(character.isdigit() for character in text) and any(item in rated for item in plan.values)


class AskReflectionQuestion(Action, ABC):
    """Asks one question, worded for this client; after a miss, re-asks with examples. While a reading
    waits for the client's yes, or a correction for its value, it asks for that instead."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot this action asks for."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        if tracker.get_slot(SAVING_OFFER_SLOT) is True:  # the choice about saving comes before the question
            say(dispatcher, conversation, "saving_offer")
            return []
        bank = load_item_bank()
        correction = tracker.get_slot("pending_correction")
        confirmation = _pending_confirmation(tracker)
        if correction:
            ask_for_correction(dispatcher, conversation, bank, correction)
        elif confirmation is not None and confirmation.item == self.slot:
            self._ask_to_confirm(dispatcher, tracker, confirmation)
        else:
            self._ask(dispatcher, conversation, tracker, bank)
        return []

    def _ask(
        self, dispatcher: CollectingDispatcher, conversation: Conversation, tracker: Tracker, bank: ItemBank
    ) -> None:
        item = bank.item(self.slot)
        misses = (tracker.get_slot("missed_answers") or {}).get(self.slot, 0)
        answers = conversation.answers()
        order = question_slots(bank)
        earlier = [slot for slot in order[: order.index(self.slot)] if answers.get(slot) is not None]
        question = question_for(
            self.slot,
            answers,
            previous=conversation.previous_answers(),
            just_answered=tracker.get_slot("last_answered") or (earlier[-1] if earlier else None),
            bank=bank,
            gave_numbers=bool(tracker.get_slot("gave_numbers")),
            intake=conversation.intake,
        )
        buttons = list(question.buttons)
        if self.slot in OPTIONAL_BUTTONS:
            buttons.append(OPTIONAL_BUTTONS[self.slot])
        if misses == 0:
            text = without_repeated_thanks(question.text, conversation.recent_bot_texts) or question.text
            dispatcher.utter_message(text=text, buttons=button_payloads(buttons))
        elif misses == 1:
            dispatcher.utter_message(text=item.reask, buttons=button_payloads(buttons))
        else:
            say(dispatcher, conversation, "second_miss")
            with_skip = buttons if SKIP_BUTTON in buttons else [*buttons, SKIP_BUTTON]
            dispatcher.utter_message(text=question.text, buttons=button_payloads(with_skip))

    def _ask_to_confirm(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, confirmation: Confirmation
    ) -> None:
        if confirmation.asked_again:  # the client went on to something else: say which answer this is about
            area = load_item_bank().item(self.slot).area
            say(dispatcher, Conversation(tracker), "confirm_again", area=area)
        gave_numbers = bool(tracker.get_slot("gave_numbers"))
        prompt = confirmation_prompt(
            self.slot, confirmation.proposed, gave_numbers=gave_numbers, ironic=confirmation.ironic
        )
        dispatcher.utter_message(text=prompt.text, buttons=button_payloads(prompt.buttons))


def ask_for_correction(
    dispatcher: CollectingDispatcher, conversation: Conversation, bank: ItemBank, correction: str
) -> None:
    """"Which answer would you like to change?" (``correction`` is "which") with a button per answer, or
    "What would you like your answer about … to be?" with that question's answers."""
    if correction == "which":
        answered = [slot for slot, value in conversation.answers().items() if value is not None]
        areas = [bank.item(slot).area for slot in answered]
        buttons = [Button(title=area[:1].upper() + area[1:], payload=area) for area in areas]
        text = message("correction_which").text
    else:
        item = bank.item(correction)
        buttons = [*bank.buttons_for(item), NOT_SURE_BUTTON]
        text = message("correction_value", area=item.area).text
    dispatcher.utter_message(text=text, buttons=button_payloads(buttons))


class AskClinicQuestion(Action):
    """Asks the next of the clinic's own intake questions (its clinic file), with its buttons if any."""

    def name(self) -> str:
        return f"action_ask_{CLINIC_EXTRA_SLOT}"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        answers = tracker.get_slot("clinic_answers") or {}
        question = next((q for q in conversation.clinic.intake.questions if q.id not in answers), None)
        if question is not None:
            buttons = [Button(title=title, payload=title) for title in question.buttons] + [SKIP_BUTTON]
            dispatcher.utter_message(text=question.text, buttons=button_payloads(buttons))
        return []


class AskForConsent(Action):
    """The opening: what this is, that it is not for emergencies, what is stored; then asks to save."""

    def name(self) -> str:
        return "action_ask_consent"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        missed = (tracker.get_slot("missed_answers") or {}).get("consent", 0)
        # around "are you safe right now?" the whole opening again would bury the question: one line instead,
        # once the client has seen the whole opening (a check-in on a first message comes before it)
        around_a_check_in = conversation.risk.tier == "check_in" or check_in_answered(tracker) is not None
        opening_shown, asked_now = False, False
        for event in tracker.events:  # asked for consent in this session, before the client's latest message
            kind = event.get("event")
            if kind == "session_started":
                opening_shown, asked_now = False, False
            elif kind == "user":
                opening_shown = opening_shown or asked_now
            elif kind == "slot" and event.get("name") == "requested_slot" and event.get("value") == "consent":
                asked_now = True
        if missed or (around_a_check_in and opening_shown):
            say(dispatcher, conversation, "ask_consent_again")
        else:
            say(
                dispatcher,
                conversation,
                "ask_consent_intake"
                if conversation.intake
                else "ask_consent_clinic"
                if conversation.clinic_id
                else "ask_consent",
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


class ActionResumeWithAnswer(ActionResumeReflection):
    """A paused reflection picked up by an answer ("ok I'm back. it's a 4"): as "continue", and the form then
    reads that message against the question left open (``answer_is_fresh``), so an answer given on return
    is not lost to "say continue first". A message that answers nothing there and changes nothing ("hmm,
    purple") leaves the reflection paused and gets the options, as before."""

    def name(self) -> str:
        return RESUME_WITH_ANSWER

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if not _answers_the_open_question(tracker):
            dispatcher.utter_message(response="utter_default")
            return [FollowupAction("action_listen")]
        return await super().run(dispatcher, tracker, domain)


def _answers_the_open_question(tracker: Tracker) -> bool:
    """The turn logic finds an answer in the message, to the question the pause left open or another one,
    or a change of an earlier answer."""
    if tracker.get_slot("requested_slot") not in load_item_bank().slots:
        return False
    plan = plan_turn(turn_message(tracker.latest_message), form_state(tracker, Conversation(tracker)))
    if plan.interrupt is not None:
        return False
    return bool(plan.values or plan.notes or plan.corrected or plan.confirm or plan.correction_prompt)
