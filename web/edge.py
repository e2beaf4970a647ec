"""Checks made once, where a browser's input enters the web app, with answers that never quote the input."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from reflection.messages import message
from reflection.settings import Settings


class Refusal(ValueError):
    """Input the edge refuses; the text is for the person and never repeats what they sent."""

    def __init__(self, text: str, status: int = 422, code: str = "invalid") -> None:
        super().__init__(text)
        self.status = status
        self.code = code


def is_text(value: object) -> bool:
    """A str that can be stored, sent on and logged: a lone surrogate (JSON "\\ud800") is not text."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _valid_text(value: str) -> str:
    if not is_text(value):
        raise ValueError("must be valid text")
    return value


Text = Annotated[str, AfterValidator(_valid_text)]


def too_long_text(settings: Settings) -> str:
    return message("message_too_long", max_chars=settings.max_message_chars).text


def check_chat_message(text: object, settings: Settings) -> str:
    """A message fit to pass on to the assistant, or Refusal with a reply for the person."""
    if not is_text(text):
        raise Refusal(message("message_not_understood").text, code="message_not_text")
    if not text.strip():  # type: ignore[union-attr]
        raise Refusal("Please type a message first.", code="message_empty")
    if len(text) > settings.max_message_chars:  # type: ignore[arg-type]
        raise Refusal(too_long_text(settings), status=413, code="message_too_long")
    return text.strip()  # type: ignore[union-attr]
