"""What every action needs from a conversation: who the client is (as a pseudonym), their clinic, their
consent and their answers, plus the shared store. Actions stay thin; the logic is in ``reflection``."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from reflection.clinics import Clinic, clinic_for
from reflection.flow import question_slots
from reflection.items import Button
from reflection.messages import message
from reflection.pseudonym import pseudonymize
from reflection.settings import settings
from reflection.storage.repository import ReflectionStore

logger = logging.getLogger(__name__)

ANSWER_SLOTS: tuple[str, ...] = tuple(slot for slot in question_slots() if slot != "consent")
CONTRACT_RESET_SLOTS: tuple[str, ...] = (*ANSWER_SLOTS, "next_steps")


@cache
def store() -> ReflectionStore:
    return ReflectionStore.from_url(settings().database_url)


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
        # clinic_id is only set for a clinic that exists, so it alone tells how the client came.
        return "clinic_intake" if self.clinic_id else "self"

    @property
    def consented(self) -> bool:
        return self.tracker.get_slot("consent") is True

    def answers(self) -> dict[str, Any]:
        return {slot: self.tracker.get_slot(slot) for slot in ANSWER_SLOTS}

    def previous_answers(self) -> dict[str, Any]:
        previous = self.tracker.get_slot("previous_answers") or {}
        return dict(previous.get("answers", {})) if isinstance(previous, dict) else {}

    @property
    def latest_text(self) -> str:
        return self.tracker.latest_message.get("text") or ""

    @property
    def latest_intent(self) -> tuple[str, float]:
        intent = self.tracker.latest_message.get("intent") or {}
        return str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)


def button_payloads(buttons: tuple[Button, ...] | list[Button]) -> list[dict[str, str]]:
    return [{"title": button.title, "payload": button.payload} for button in buttons]


def say(dispatcher: CollectingDispatcher, conversation: Conversation, name: str, **values: object) -> None:
    """Send one of the assistant's messages, filled in with this client's clinic settings and ``values``."""
    clinic = conversation.clinic
    filled = message(
        name,
        clinic_name=clinic.name,
        crisis_line=clinic.crisis_line,
        emergency=clinic.emergency_number,
        **values,
    )
    dispatcher.utter_message(text=filled.text, buttons=button_payloads(filled.buttons))
