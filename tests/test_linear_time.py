"""Every reading of a client's text takes time in proportion to its length, whatever the text.

A quadratic pattern once let a 12,000-space answer stall the action server for everyone. Each adversarial
input is read at two sizes eight times apart: linear work grows about 8x, quadratic work about 64x."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from reflection.answer_parsing import is_skip, parse_answer
from reflection.items import load_item_bank
from reflection.safety import mentions_risk_language
from reflection.turns import FormState, Message, plan_turn

SMALL, LARGE = 2_000, 16_000
MAX_GROWTH = 24  # well above linear (8) and well below quadratic (64), to stay clear of timing noise
MAX_SECONDS_AT_LARGE = 5.0

PATTERNS: dict[str, str] = {
    "spaces": " ",
    "tabs and newlines": "\t\n",
    "words and spaces": "a ",
    "spaced dashes": " - ",
    "dashes": "-",
    "em dashes between letters": "a\u2014",
    "hyphens between letters": "a-",
    "one letter": "a",
    "digits": "1",
    "numbers and spaces": "1 ",
    "fractions": "9/",
    "dots": ".",
    "angle brackets": "<",
    "emoji": "\U0001f614",
    "apostrophes": "a'",
    "negations and commas": "not, ",
    "sql words": "select ",
    "risk words": "kill ",
    "out of": "3 out of ",
    "and a half": "a and a half ",
    "a real clause": "sometimes she listens but ",
}


def _readers() -> dict[str, Callable[[str], object]]:
    # plan_turn reads the message against the asked question and every later one.
    readers: dict[str, Callable[[str], object]] = {
        "mentions_risk_language": mentions_risk_language,
        "is_skip": is_skip,
        "parse_answer (uncapped)": lambda text: parse_answer("felt_heard", text),
    }
    slots = load_item_bank().slots
    for position, slot in enumerate(slots):
        state = FormState(requested=slot, open_items=slots[position:], answered={})
        readers[f"plan_turn {slot}"] = lambda text, state=state: plan_turn(Message(text=text), state)
    return readers


def _seconds(reader: Callable[[str], object], text: str) -> float:
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        reader(text)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("pattern", PATTERNS.values(), ids=PATTERNS.keys())
def test_reading_time_grows_linearly_with_the_text(pattern: str) -> None:
    small = (pattern * (SMALL // len(pattern) + 1))[:SMALL]
    large = (pattern * (LARGE // len(pattern) + 1))[:LARGE]
    for name, reader in _readers().items():
        small_seconds, large_seconds = _seconds(reader, small), _seconds(reader, large)
        assert large_seconds < MAX_SECONDS_AT_LARGE, f"{name} took {large_seconds:.1f}s on {LARGE} chars"
        growth = large_seconds / max(small_seconds, 1e-3)
        assert growth < MAX_GROWTH, f"{name}: 8x the text took {growth:.0f}x the time"
