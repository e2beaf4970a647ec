"""Helpers that walk a client through the reflection on the live assistant."""

from __future__ import annotations

from typing import Any

from reflection.pseudonym import pseudonymize
from tests.live import Assistant, texts

# A client who feels unheard, says so in their own words, and already raised it without change.
UNHAPPY_ANSWERS: list[tuple[str, str]] = [
    ("sessions_so_far", "about six sessions"),
    ("felt_heard", "not really, she seems distracted"),
    ("depth", "rarely, we stay on the surface"),
    ("advice_fit", "3/5"),
    ("homework_fit", "kind of, some days yes some days no"),
    ("goals_shared", "2"),
    ("approach_fit", "4 out of 5"),
    ("tell_more", "she checks the clock a lot and forgets what I told her"),
    ("raised_needs", "I brought it up twice and nothing changed"),
    ("hopes", "to stop feeling like a case number 😔"),
    ("missing", "someone who remembers my story"),
]

HAPPY_ANSWERS: list[tuple[str, str]] = [
    ("sessions_so_far", "over a year now"),
    ("felt_heard", "mostly yes"),
    ("depth", "yes, we go deep"),
    ("advice_fit", "4"),
    ("homework_fit", "she doesn't give homework"),
    ("goals_shared", "5"),
    ("approach_fit", "mostly yes"),
    ("tell_more", "skip"),
    ("raised_needs", "yes, and it helped"),
    ("hopes", "keep building confidence"),
    ("missing", "nothing"),
]


def start(
    assistant: Assistant, sender: str, consent: str = "yes", metadata: dict[str, Any] | None = None
) -> str:
    """Greets and answers the consent question; returns everything the bot said."""
    said = texts(assistant.say(sender, "hi, I'd like to think about how my therapy is going", metadata))
    said += "\n" + texts(assistant.say(sender, consent))
    return said


def answer_all(assistant: Assistant, sender: str, answers: list[tuple[str, str]]) -> list[str]:
    """Answers question after question, checking each one is the question the bot is waiting on.

    When the assistant checks a reading ("I read that as mostly. Is that right?"), the client taps Yes, as
    these scripts' answers mean what they say; the reply to the tap counts as the answer's reply."""
    replies = []
    for slot, text in answers:
        slots = assistant.slots(sender)
        if slots["requested_slot"] is None:
            break
        if slots["requested_slot"] != slot:
            continue  # adapted away (e.g. homework already known); the caller checks the outcome
        reply = texts(assistant.say(sender, text))
        if assistant.slots(sender).get("pending_confirmation"):
            reply += "\n" + texts(assistant.say(sender, "yes"))
        replies.append(reply)
    return replies


def client_id(assistant: Assistant, sender: str) -> str:
    return pseudonymize(sender, assistant.pseudonym_secret)
