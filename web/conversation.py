"""One conversation as the widget shows it, read from Rasa's tracker (HTTP API, loopback, RASA_TOKEN).

The widget restores its history from here after a reload, and the printable summary is rebuilt here from the
conversation's own slots with the same code the assistant uses (reflection.summary), so nothing is stored
twice and nothing is kept in the browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from reflection.flow import CONSENT_SLOT, question_slots
from reflection.settings import Settings

BOT_SPLIT = "\n\n"  # the socket.io channel sends each paragraph as its own bubble; history does the same


class AssistantUnavailable(RuntimeError):
    """Rasa's HTTP API did not answer."""


@dataclass(frozen=True)
class Conversation:
    events: list[dict[str, Any]]
    slots: dict[str, Any]

    @property
    def completed(self) -> bool:
        # Not "has next steps": an intake completes with none (they are for the clinic, not the client).
        return self.slots.get("reflection_status") == "complete"

    def answers(self) -> dict[str, Any]:
        return {slot: self.slots.get(slot) for slot in question_slots() if slot != CONSENT_SLOT}

    @property
    def consented(self) -> bool:
        return self.slots.get(CONSENT_SLOT) is True

    def clinic_answers(self) -> dict[str, Any]:
        answers = self.slots.get("clinic_answers") or {}
        return dict(answers) if isinstance(answers, dict) else {}

    def previous_answers(self) -> dict[str, Any]:
        previous = self.slots.get("previous_answers") or {}
        return dict(previous.get("answers", {})) if isinstance(previous, dict) else {}


async def fetch_conversation(session_id: str, settings: Settings) -> Conversation:
    url = f"{settings.rasa_url}/conversations/{session_id}/tracker"
    try:
        async with httpx.AsyncClient(timeout=15) as client:
            response = await client.get(url, params={"token": settings.rasa_token})
            response.raise_for_status()
    except httpx.HTTPError as error:
        raise AssistantUnavailable(type(error).__name__) from None
    tracker = response.json()
    return Conversation(events=tracker.get("events") or [], slots=tracker.get("slots") or {})


def shown_messages(conversation: Conversation) -> list[dict[str, Any]]:
    """The chat as the client saw it: bot bubbles with their buttons, and what the client said or chose.

    A payload the client sent by tapping a button shows as that button's title; any other payload (the
    widget's opening "/greet", its menu's "/start_over") comes as ``payload`` for the widget to label or hide.
    """
    shown: list[dict[str, Any]] = []
    offered: dict[str, str] = {}  # payload -> title of the buttons still open
    open_choice: dict[str, Any] | None = None
    for event in conversation.events:
        if event.get("event") == "bot" and event.get("text"):
            buttons = [
                {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                for b in (event.get("data") or {}).get("buttons") or []
            ]
            parts = [part for part in str(event["text"]).strip().split(BOT_SPLIT) if part]
            for index, part in enumerate(parts):
                message: dict[str, Any] = {"from": "bot", "text": part}
                if buttons and index == len(parts) - 1:
                    message |= {"buttons": buttons, "chosen": None, "answered": False}
                    open_choice, offered = message, {b["payload"]: b["title"] for b in buttons}
                shown.append(message)
        elif event.get("event") == "user":
            text = str(event.get("text") or "")
            title = offered.get(text)
            if open_choice is not None:
                open_choice["answered"], open_choice["chosen"] = True, title
                open_choice, offered = None, {}
            if title is not None:
                shown.append({"from": "user", "text": title})
            elif text.startswith("/"):
                shown.append({"from": "user", "payload": text})
            else:
                shown.append({"from": "user", "text": text})
    return shown
