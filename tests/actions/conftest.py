"""Action tests: real rasa-sdk trackers and dispatchers, a real (SQLite) answers database, no Rasa."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.context as context
from reflection.storage import upgrade

FORM = "reflection_form"


@pytest.fixture(autouse=True)
def answers_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'answers.db'}"
    upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("TRACKER_DB_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    monkeypatch.setenv("PSEUDONYM_SECRET", "a-test-secret-of-enough-length")
    monkeypatch.setenv("OUTBOX_DIR", str(tmp_path / "outbox"))
    caches = (context.settings, context.store, context.writer, context.escalation_queue)
    for cached in caches:
        cached.cache_clear()
    yield url
    context.store().close()
    for cached in caches:
        cached.cache_clear()


def make_tracker(
    slots: dict[str, Any] | None = None,
    text: str = "",
    intent: str = "answer",
    confidence: float = 0.95,
    fresh: bool = True,
    sender: str = "client-1",
    risk: dict[str, Any] | None = None,
) -> Tracker:
    """A tracker as Rasa sends it to the form's validation action (``fresh``: the client just spoke).

    ``risk`` is the turn's verdict as the NLU pipeline puts it in the parse data (none by default)."""
    previous = "action_listen" if fresh else "utter_why"
    parse_data = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "risk": risk or {"tier": "none", "category": None, "minor": False, "source": None},
    }
    events = [
        {"event": "action", "name": previous},
        {"event": "user", "text": text, "parse_data": parse_data},
        {"event": "action", "name": FORM},
    ]
    return Tracker(
        sender_id=sender,
        slots={"items_without_value": [], "missed_answers": {}, **(slots or {})},
        latest_message=parse_data,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": FORM},
        latest_action_name=FORM,
    )


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def said(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(message.get("text") or "" for message in dispatcher.messages)




def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}
