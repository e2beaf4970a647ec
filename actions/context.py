"""What every action needs from a conversation: who the client is (as a pseudonym), their clinic, their
consent and their answers, plus the shared store. Actions stay thin; the logic is in ``reflection``."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from reflection.clinics import Clinic, clinic_for
from reflection.escalation import EscalationQueue, WebhookTarget
from reflection.flow import INTAKE_MODE, REFLECTION_MODE, question_slots
from reflection.items import Button
from reflection.messages import message
from reflection.pseudonym import pseudonymize
from reflection.risk_verdict import RiskVerdict
from reflection.settings import settings
from reflection.storage.outbox import STORAGE_ERRORS, DurableWriter, Outbox, Write
from reflection.storage.repository import ReflectionRecord, ReflectionStore

logger = logging.getLogger(__name__)

ANSWER_SLOTS: tuple[str, ...] = tuple(slot for slot in question_slots() if slot != "consent")
CONTRACT_RESET_SLOTS: tuple[str, ...] = (*ANSWER_SLOTS, "next_steps")
# Picks up a paused reflection with the message that came back as its answer (actions/reflection_form.py).
RESUME_WITH_ANSWER = "action_resume_with_answer"


@cache
def store() -> ReflectionStore:
    return ReflectionStore.from_url(settings().database_url)


@cache
def writer() -> DurableWriter:
    """Every write goes through here: to the database at once, or through the outbox if it is down."""
    return DurableWriter(store, Outbox(settings().outbox_dir))


def _webhook_target(clinic_id: str | None) -> WebhookTarget | None:
    return clinic_for(clinic_id).webhook_target()


@cache
def escalation_queue() -> EscalationQueue:
    return EscalationQueue(store(), _webhook_target, allow_private=settings().allow_private_webhooks)


def read_or_none(read: Callable[[ReflectionStore], ReflectionRecord | None]) -> ReflectionRecord | None:
    """A read that may fail softly: with the database down, the client goes on as if nothing was stored."""
    try:
        return read(store())
    except STORAGE_ERRORS as error:
        logger.error("Could not read stored reflections: %s", str(error).splitlines()[0])
        return None


ActionRun = TypeVar("ActionRun", bound=Callable[..., Awaitable[list[Any]]])


def fail_soft(run: ActionRun) -> ActionRun:
    """An action that fails tells the client so, in a word, and logs one line with no conversation in it.

    Without this, rasa-sdk answers Rasa with an error, Rasa drops the turn's events and the client hears
    nothing. A form that was asking a question keeps asking it."""

    @functools.wraps(run)
    async def guarded(
        self: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[Any]:
        try:
            return await run(self, dispatcher, tracker, domain)
        except Exception as error:
            logger.error("Action %s failed: %s", self.name(), type(error).__name__)
            dispatcher.utter_message(text=message("something_went_wrong").text)
            requested = tracker.get_slot("requested_slot")
            return [SlotSet("requested_slot", requested)] if requested else []

    return guarded  # type: ignore[return-value]


@dataclass(frozen=True)
class Conversation:
    """A read-only view of the tracker in the terms of this project."""

    tracker: Tracker

    @property
    def client_id(self) -> str:
        settings().require("PSEUDONYM_SECRET")
        return pseudonymize(self.tracker.sender_id, settings().pseudonym_secret)

    @property
    def clinic(self) -> Clinic:
        return clinic_for(self.tracker.get_slot("clinic_id"), self.tracker.get_slot("locale"))

    @property
    def clinic_id(self) -> str | None:
        return self.tracker.get_slot("clinic_id")

    @property
    def mode(self) -> str:
        """How the answers are stored: ``clinic_intake`` for a clinic's intake, else ``self`` (a reflection).

        The session start sets the ``mode`` slot from the signed session (only ``intake`` for a clinic that
        runs intake); the client's own words can't change it."""
        return INTAKE_MODE if self.tracker.get_slot("mode") == "intake" else REFLECTION_MODE

    @property
    def intake(self) -> bool:
        return self.mode == INTAKE_MODE

    @property
    def consented(self) -> bool:
        return self.tracker.get_slot("consent") is True

    def write(self, operation: Write) -> bool:
        """Store a change to this client's reflection, only with consent; False if it had to be queued."""
        if not self.consented:
            return True
        return writer().write(self.client_id, {"clinic": self.clinic_id, "mode": self.mode, **operation})

    def answers(self) -> dict[str, Any]:
        return {slot: self.tracker.get_slot(slot) for slot in ANSWER_SLOTS}

    def previous_answers(self) -> dict[str, Any]:
        previous = self.tracker.get_slot("previous_answers") or {}
        return dict(previous.get("answers", {})) if isinstance(previous, dict) else {}

    @property
    def latest_text(self) -> str:
        return self.tracker.latest_message.get("text") or ""

    @property
    def recent_bot_texts(self) -> list[str]:
        """What the assistant said since the client's message before this one: this turn and the last."""
        said: list[str] = []
        users = 0
        for event in reversed(self.tracker.events):
            if event.get("event") == "user":
                users += 1
                if users == 2:
                    break
            elif event.get("event") == "bot" and event.get("text"):
                said.append(str(event["text"]))
        return said

    @property
    def risk(self) -> RiskVerdict:
        """This turn's risk verdict, made once in the NLU pipeline and carried in the parse data."""
        return RiskVerdict.from_parse_data(self.tracker.latest_message)

    @property
    def latest_intent(self) -> tuple[str, float]:
        intent = self.tracker.latest_message.get("intent") or {}
        return str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)


def in_words(minutes: int) -> str:
    """A retention period as a person would say it: "an hour", "30 minutes", "2 hours"."""
    if minutes == 60:
        return "an hour"
    if minutes % 60 == 0:
        return f"{minutes // 60} hours"
    return f"{minutes} minutes" if minutes != 1 else "a minute"


def button_payloads(buttons: tuple[Button, ...] | list[Button]) -> list[dict[str, str]]:
    return [{"title": button.title, "payload": button.payload} for button in buttons]


def raw_words_kept(clinic: Clinic) -> str:
    """How long the clinic keeps clients' exact words, as the consent message says it."""
    if clinic.retention_days is None:
        return message("raw_words_kept_until_deleted").text
    return message("raw_words_kept_days", days=clinic.retention_days).text


def say(dispatcher: CollectingDispatcher, conversation: Conversation, name: str, **values: object) -> None:
    """Send one of the assistant's messages, filled in with this client's clinic settings and ``values``."""
    clinic = conversation.clinic
    filled = message(
        name,
        clinic_name=clinic.name,
        crisis_line=clinic.crisis_line,
        crisis_helpline=clinic.crisis_helpline,
        emergency=clinic.emergency_number,
        no_consent_retention=in_words(settings().no_consent_retention_minutes),
        raw_words_kept=raw_words_kept(clinic),
        break_glass_note=message("break_glass_note").text if clinic.break_glass else "",
        **values,
    )
    dispatcher.utter_message(text=filled.text, buttons=button_payloads(filled.buttons))
