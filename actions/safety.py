"""The response to the turn's risk verdict (docs/SAFETY.md): crisis resources, or a gentle check-in."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import Conversation, escalation_queue, fail_soft, say, store
from actions.lifecycle import ActionStartReflection
from reflection.risk_verdict import RiskVerdict
from reflection.safety_reply import read_safety_reply
from reflection.storage.outbox import STORAGE_ERRORS
from reflection.turns import Message, answers_check_in

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


def _pause(tracker: Tracker, conversation: Conversation) -> list[EventType]:
    events: list[EventType] = [ActiveLoop(None)]
    status = tracker.get_slot("reflection_status")
    if status == "in_progress":
        events.append(SlotSet("reflection_status", "paused"))
        conversation.write({"op": "pause"})
    elif status is None:  # nothing started: an unclear reply now gets the options, not a reflection
        events.append(SlotSet("reflection_status", "paused"))
    return events


def _resources_category(risk: RiskVerdict) -> str:
    category = risk.category or "self_harm"
    # An under-18 gets youth services, except in a medical emergency, where the emergency number comes first.
    return "youth" if risk.minor and category != "medical_emergency" else category


def _give_resources(dispatcher: CollectingDispatcher, conversation: Conversation, risk: RiskVerdict) -> None:
    resources_category = _resources_category(risk)
    resources = "\n".join(f"• {line}" for line in conversation.clinic.crisis_lines(resources_category))
    say(dispatcher, conversation, f"crisis_{resources_category}", resources=resources)


class ActionCrisisResponse(Action):
    """Crisis tier: the right crisis resources at once, "are you safe?", a flag, and the reflection paused.

    It reads the turn's verdict (``risk`` in the parse data) and never judges the text again. The
    disclosure is never stored as an answer: the form rejected the turn before this runs.
    """

    def name(self) -> str:
        return "action_crisis_response"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        conversation = Conversation(tracker)
        verdict = conversation.risk
        if verdict.tier != "crisis":
            # a disclose_* intent without a crisis verdict (a test story, an old event) is still one
            intent, _ = conversation.latest_intent
            category = intent.removeprefix("disclose_") if intent.startswith("disclose_") else "self_harm"
            verdict = RiskVerdict(tier="crisis", category=category, minor=False, source=None)
        if asked_if_safe(tracker) or check_in_answered(tracker) is not None:
            return _after_the_safety_question(dispatcher, tracker, conversation, verdict)
        events = _pause(tracker, conversation)
        _give_resources(dispatcher, conversation, verdict)
        say(dispatcher, conversation, "ask_safe")
        _flag(conversation, verdict.category or "self_harm", verdict.minor)
        return events


def _after_the_safety_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, conversation: Conversation, verdict: RiskVerdict
) -> list[EventType]:
    """A disclosure that came in reply to "Are you safe right now?". Saying "no, I'm not safe" is the
    not-safe reply, as the button gives it, and no second flag for the disclosure just flagged; anything
    else (or another kind of risk) is a fresh disclosure: its resources and a flag, never the same question
    again."""
    reply = read_safety_reply(str(tracker.latest_message.get("text") or ""))
    if reply == "not_safe" and check_in_answered(tracker) is not None:
        return _not_safe(dispatcher, tracker, conversation, verdict)
    category = verdict.category or "self_harm"
    events = _pause(tracker, conversation)
    if reply == "not_safe" and category == _episode_category(tracker):
        _say_not_safe(dispatcher, conversation)  # the same episode, flagged already
        return events
    _give_resources(dispatcher, conversation, verdict)
    say(dispatcher, conversation, "crisis_stay_with_someone")
    _flag(conversation, category, verdict.minor)
    return events


class ActionRiskCheckIn(Action):
    """Check-in tier: a warm "are you safe right now?" with buttons. No alarm, no flag, nothing paused.

    In the reflection the form then asks its open question again, so the client can simply go on; only
    "I'm not safe" (``action_crisis_unsafe``) leads to resources and a flag. In the reflection, a client who
    has just said they are safe is not asked again (``check_in_waived``): the form reads the answer.
    """

    def name(self) -> str:
        return "action_risk_check_in"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if check_in_waived(tracker) and (tracker.active_loop or {}).get("name") == "reflection_form":
            return []
        users = _user_events(tracker)
        if asked_if_safe(tracker) and users and _says_safe(users[-1]):
            # "Yes I am safe. Why you ask this?" answers the question just asked: never that question again
            dispatcher.utter_message(response="utter_glad_safe")
            return []
        say(dispatcher, Conversation(tracker), "risk_check_in")
        return []


# After "I'm safe", a check-in-band message among the next few (the reply itself included) is not asked about
# again: "im safe lol. i just want to stop panicking before exams" would otherwise loop on the same question.
# The crisis tier and the deterministic net are never waived.
SAFE_REPLY_WINDOW = 3


def _user_events(tracker: Tracker) -> list[dict]:
    return [event for event in tracker.events if event.get("event") == "user"]


def _message_before(tracker: Tracker) -> dict | None:
    users = _user_events(tracker)
    return users[-2] if len(users) >= 2 else None


def _says_safe(event: dict) -> bool:
    parse_data = event.get("parse_data") or {}
    if RiskVerdict.from_parse_data(parse_data).tier == "crisis":
        return False
    intent = parse_data.get("intent") or {}
    text = str(event.get("text") or "")
    message = Message(
        text=text, intent=str(intent.get("name") or ""), confidence=float(intent.get("confidence") or 0.0)
    )
    return answers_check_in(message, text)


def _check_ins(users: list[dict]) -> tuple[list[bool], list[bool]]:
    """For each user message: whether it got "are you safe right now?", and whether that was waived."""
    asked: list[bool] = []
    waived: list[bool] = []
    last_safe: int | None = None
    for i, event in enumerate(users):
        if i >= 1 and asked[i - 1] and _says_safe(event):
            last_safe = i
        check_in = RiskVerdict.from_parse_data(event.get("parse_data")).tier == "check_in"
        waive = check_in and last_safe is not None and i - last_safe < SAFE_REPLY_WINDOW
        waived.append(waive)
        asked.append(check_in and not waive)
    return asked, waived


def check_in_waived(tracker: Tracker) -> bool:
    """The latest message is in the check-in band, but the client has just said they are safe."""
    users = _user_events(tracker)
    return bool(users) and _check_ins(users)[1][-1]


SAFETY_QUESTION_ACTIONS = frozenset({"action_crisis_response", "action_risk_check_in"})


def _last_action_before_this_message(tracker: Tracker) -> str | None:
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name")
    return None


def asked_if_safe(tracker: Tracker) -> bool:
    """The assistant's last words before this message asked "Are you safe right now?"."""
    return _last_action_before_this_message(tracker) in SAFETY_QUESTION_ACTIONS


def _episode_category(tracker: Tracker) -> str | None:
    """The category of the disclosure the safety question was about (flagged then), if it was a crisis."""
    before = _message_before(tracker)
    if before is None:
        return None
    verdict = RiskVerdict.from_parse_data(before.get("parse_data"))
    if verdict.tier == "crisis":
        return verdict.category
    intent = str(((before.get("parse_data") or {}).get("intent") or {}).get("name") or "")
    return intent.removeprefix("disclose_") if intent.startswith("disclose_") else None


def check_in_answered(tracker: Tracker) -> RiskVerdict | None:
    """The check-in verdict of the message before this one, when this message answers that check-in."""
    users = _user_events(tracker)
    if len(users) < 2 or not _check_ins(users)[0][-2]:
        return None
    return RiskVerdict.from_parse_data(users[-2].get("parse_data"))


def check_in_context(tracker: Tracker) -> tuple[str, bool]:
    """In one pass over the conversation: what the client said that got the check-in this message answers
    ("" when it answers none), and whether this message's own check-in is waived (``check_in_waived``)."""
    users = _user_events(tracker)
    if not users:
        return "", False
    asked, waived = _check_ins(users)
    checked = str(users[-2].get("text") or "") if len(users) >= 2 and asked[-2] else ""
    return checked, waived[-1]


def _say_not_safe(dispatcher: CollectingDispatcher, conversation: Conversation) -> None:
    """The emergency number and the crisis line, each named once."""
    clinic = conversation.clinic
    own_line = clinic.names_emergency(clinic.crisis_helpline)
    say(dispatcher, conversation, "crisis_unsafe_own_line" if own_line else "crisis_unsafe")


def _not_safe(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    conversation: Conversation,
    verdict: RiskVerdict | None = None,
) -> list[EventType]:
    """ "I'm not safe". After a disclosure (already flagged): the emergency number and crisis line. Answering
    a check-in, it is the client's "yes": the resources for what it was about, one flag, the reflection
    paused; the emergency number follows only if those resources do not already give it."""
    check_in = check_in_answered(tracker)
    if check_in is None:
        _say_not_safe(dispatcher, conversation)
        return []
    about = verdict or check_in
    events = _pause(tracker, conversation)
    _give_resources(dispatcher, conversation, about)
    category = about.category or "self_harm"
    lines = conversation.clinic.crisis_lines(_resources_category(about))
    if conversation.clinic.names_emergency(lines):
        say(dispatcher, conversation, "crisis_stay_with_someone")
    else:
        _say_not_safe(dispatcher, conversation)
    _flag(conversation, category, about.minor)
    return events


class ActionCrisisUnsafe(Action):
    """The not-safe reply, the same whether tapped or typed (see ``_not_safe``)."""

    def name(self) -> str:
        return "action_crisis_unsafe"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        return _not_safe(dispatcher, tracker, Conversation(tracker))


def _nothing_started(tracker: Tracker) -> bool:
    return tracker.get_slot("reflection_status") is None and not (tracker.active_loop or {}).get("name")


class ActionSafetyReply(Action):
    """A reply in words to "Are you safe right now?": unsure or no is not safe (never a fallback), a clear yes
    is the "I'm safe" button, and anything else gets the usual options.

    When the check-in came before anything had started (a first message such as "hey is this for my
    counsellor?"), a yes or a reply about something else goes on to the reflection, as a greeting would:
    the client is not left with a menu they never asked for."""

    def name(self) -> str:
        return "action_safety_reply"

    @fail_soft
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        reply = read_safety_reply(str(tracker.latest_message.get("text") or ""))
        if reply == "not_safe":
            return _not_safe(dispatcher, tracker, Conversation(tracker))
        if _nothing_started(tracker):
            if reply == "safe":
                say(dispatcher, Conversation(tracker), "glad_safe_begin")
            events = await ActionStartReflection().run(dispatcher, tracker, domain)
            return [*events, FollowupAction("reflection_form")]
        dispatcher.utter_message(response="utter_glad_safe" if reply == "safe" else "utter_default")
        return []
