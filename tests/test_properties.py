"""Property-based tests (hypothesis) of the answer parser and the safety net, on any text a client can send:
no exception, the same result every time, and a bound on the time each message takes."""

from __future__ import annotations

import gc
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflection.answer_parsing import parse_answer
from reflection.flow import question_slots
from reflection.safety import detect_risk
from reflection.settings import Settings

SLOTS = [slot for slot in question_slots() if slot != "consent"]
MAX_CHARS = Settings().max_message_chars  # the channels refuse anything longer before it gets here
# CPU time of this thread, not wall time, so other work on the machine doesn't make the test flaky.
BOUND_SECONDS = 0.05

# Words the readers look for, mixed with anything at all: emoji, right-to-left scripts, HTML, SQL, digits.
CUES = [
    "not really",
    "mostly",
    "yes",
    "no",
    "never",
    "always",
    "3/5",
    "4 out of 5",
    "homework",
    "skip",
    "nothing",
    "die",
    "kill",
    "hurt",
    "hit me",
    "sessions",
    "year",
    "weeks",
    "😔",
    "🙂",
    "שלום",
    "مرحبا",
    "<script>alert(1)</script>",
    "'; DROP TABLE answers; --",
    "\u200f",
    "\u0000",
    "  ",
    "\n",
    "-",
    "—",
]
messages = st.one_of(
    st.text(max_size=MAX_CHARS),
    st.lists(st.one_of(st.sampled_from(CUES), st.text(max_size=20)), max_size=60).map(" ".join),
    st.text(alphabet=st.sampled_from(list("-–— ./0123456789abcnotyes")), max_size=MAX_CHARS),
).map(lambda text: text[:MAX_CHARS])

PROPERTY_SETTINGS = settings(
    max_examples=250, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@pytest.fixture(scope="module", autouse=True)
def _built_once() -> None:
    """Readers and rules are built on first use: build them before anything is timed."""
    for slot in SLOTS:
        for text in ("about 4, I think", "mabye a 3, hmm", "x?", "😔", "no idea"):  # numbers, typos, odd text
            parse_answer(slot, text)
    detect_risk("warming up")


def timed(call, *arguments):  # noqa: ANN001, ANN002, ANN202
    """CPU time of one call, without a garbage collection of the whole test process landing inside it."""
    gc.disable()
    try:
        started = time.thread_time()
        result = call(*arguments)
        return result, time.thread_time() - started
    finally:
        gc.enable()


@pytest.mark.parametrize("slot", SLOTS)
@PROPERTY_SETTINGS
@given(text=messages)
def test_the_answer_parser_reads_any_text_the_same_way_every_time_and_fast(slot: str, text: str) -> None:
    first, seconds = timed(parse_answer, slot, text)
    assert parse_answer(slot, text) == first
    assert seconds < BOUND_SECONDS, f"{seconds * 1000:.1f} ms for {len(text)} characters"


@PROPERTY_SETTINGS
@given(text=messages)
def test_the_safety_net_reads_any_text_the_same_way_every_time_and_fast(text: str) -> None:
    first, seconds = timed(detect_risk, text)
    assert detect_risk(text) == first
    assert seconds < BOUND_SECONDS, f"{seconds * 1000:.1f} ms for {len(text)} characters"
