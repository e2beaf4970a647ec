"""Found by the load test (`make load`): what a client confirms with one tap is stored in its own words."""

from __future__ import annotations

from tests.faults.conftest import FaultSystem, new_sender


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
    system.replies(sender, "no")  # read by the rules alone, not surely: checked with the client
    assert system.slots(sender).get("pending_confirmation"), "this answer is no longer checked with a tap"
    system.replies(sender, "yes")
    record = system.stored(sender)
    assert record is not None and record.answers["raised_needs"].raw_text == "no"
