"""The assistant's own messages (``content/messages.yml``), filled in for one client."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from reflection.items import Button

MESSAGES_PATH = Path(__file__).parent / "content" / "messages.yml"


@dataclass(frozen=True)
class Message:
    text: str
    buttons: tuple[Button, ...] = ()


@cache
def _messages() -> dict[str, dict[str, Any]]:
    with MESSAGES_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def message_names() -> frozenset[str]:
    return frozenset(_messages())


def message(name: str, **values: object) -> Message:
    """The message ``name`` with its {placeholders} filled; a missing value is a bug, so it raises."""
    raw = _messages()[name]
    buttons = tuple(Button(**button) for button in raw.get("buttons", []))
    return Message(text=raw["text"].format(**values), buttons=buttons)
