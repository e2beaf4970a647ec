"""Found by the load test (`make load`): what a client confirms with one tap is stored in its own words."""

from __future__ import annotations

import pytest

from tests.faults.conftest import FaultSystem, new_sender


@pytest.mark.xfail(
    strict=True,
    reason="When the form checks a reading ('I read that as … Is that right?') and the client taps Yes, "
    "actions/reflection_form.py stores the tap's text ('yes') as the client's own words for that answer "
    "(_write_answer and answer_words use conversation.latest_text), so the words they answered with are "
    "lost. Needed: the confirmation keeps the words it asks about and the write uses them.",
)
def test_an_answer_confirmed_with_a_tap_is_stored_in_the_words_the_client_answered_with(
    system: FaultSystem,
) -> None:
    sender = new_sender()
    system.replies(sender, "hi, I'd like to think about how my therapy is going")
    system.replies(sender, "yes")  # consent
    for _ in range(20):
        asked = system.slots(sender)["requested_slot"]
        if asked == "raised_needs":
            break
        system.replies(sender, {"tell_more": "skip", "sessions_so_far": "about six sessions"}.get(asked, "4"))
        if system.slots(sender).get("pending_confirmation"):
            system.replies(sender, "yes")
    system.replies(sender, "not yet")  # read, then checked with the client
    assert system.slots(sender).get("pending_confirmation"), "this answer is no longer checked with a tap"
    system.replies(sender, "yes")
    record = system.stored(sender)
    assert record is not None and record.answers["raised_needs"].raw_text == "not yet"
