"""What a client's message means while a reflection question is open.

Decided in this order, so that safety always comes first and a side request is never stored as an answer:

1. a risk verdict (crisis or check-in, decided once in the NLU pipeline and passed in) -> ``Interrupt``;
   it is never stored;
2. "skip" -> ``Skip``;
3. words that only mean "go on" ("continue", "I'm ok") -> ``Nudge`` (ask the same question again);
4. a side request ("why do you ask?", "delete my data", ...) -> ``Interrupt`` when the answer can't be
   placed, or for free-text questions when the classifier is confident;
5. otherwise the answer parser places the value (``Accept``) or can't (``NotPlaced``).
"""

from __future__ import annotations

from dataclasses import dataclass

from reflection.answer_parsing import is_skip, parse_answer
from reflection.items import load_item_bank

RISK_INTENTS = frozenset(
    {
        "disclose_self_harm",
        "disclose_abuse",
        "disclose_medical_emergency",
        "disclose_harm_to_others",
        "risk_check_in",
    }
)
SIDE_REQUEST_INTENTS = frozenset(
    {
        "ask_why",
        "ask_data",
        "bot_challenge",
        "start_over",
        "pause",
        "out_of_scope",
        "ask_medical",
        "human_handoff",
        "delete_data",
        "request_copy",
        "thanks",
        "goodbye",
        "not_safe",
    }
)
NUDGE_INTENTS = frozenset({"resume", "im_safe", "greet", "start_reflection"})
FREE_TEXT_SLOTS = frozenset(load_item_bank().free_text_slots)
# A free-text answer ("to stop feeling stuck") may look like a side request; only a confident one interrupts.
FREE_TEXT_INTERRUPT_CONFIDENCE = 0.8
MAX_PARSED_CHARS = 2000  # a rating or choice never needs more; longer text is only read this far


@dataclass(frozen=True)
class Accept:
    value: object
    raw_text: str


@dataclass(frozen=True)
class Skip:
    pass


@dataclass(frozen=True)
class Nudge:
    pass


@dataclass(frozen=True)
class Interrupt:
    reason: str


@dataclass(frozen=True)
class NotPlaced:
    pass


TurnOutcome = Accept | Skip | Nudge | Interrupt | NotPlaced


def _consent_from(intent: str, text: str) -> bool | None:
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    words = text.strip().lower().rstrip(".!")
    if words in {"yes", "y", "yeah", "ok", "okay", "sure", "yep"}:
        return True
    if words in {"no", "n", "nope", "no thanks"}:
        return False
    return None


def interpret_turn(
    slot: str, text: str, intent: str, confidence: float, risk_tier: str = "none"
) -> TurnOutcome:
    """Decide what the client's message does to the open question ``slot``.

    ``risk_tier`` is the turn's verdict (``tracker.latest_message["risk"]["tier"]``); it is read, never
    judged again here."""
    text = text or ""
    if risk_tier != "none" or intent in RISK_INTENTS:
        return Interrupt(reason="risk")
    if slot == "consent":
        consent = _consent_from(intent, text)
        if consent is not None:
            return Accept(value=consent, raw_text=text)
    elif intent == "skip" or is_skip(text):
        return Skip()
    if intent in NUDGE_INTENTS and confidence >= FREE_TEXT_INTERRUPT_CONFIDENCE:
        return Nudge()
    side_request = intent in SIDE_REQUEST_INTENTS
    if slot in FREE_TEXT_SLOTS and side_request and confidence >= FREE_TEXT_INTERRUPT_CONFIDENCE:
        return Interrupt(reason=intent)
    placed = parse_answer(slot, text[:MAX_PARSED_CHARS]) if slot != "consent" else None
    if placed is not None:
        # Free text is kept whole and verbatim, however long: the client's own words are never cut.
        value = text.strip() if slot in FREE_TEXT_SLOTS and placed.value is not None else placed.value
        return Accept(value=value, raw_text=text)
    if side_request:
        return Interrupt(reason=intent)
    return NotPlaced()
