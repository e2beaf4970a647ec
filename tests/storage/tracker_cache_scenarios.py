"""Run by Rasa's interpreter (.venv-rasa) from test_tracker_store_cache.py: two instances of the project's
tracker store on one database play two Rasa workers; each scenario checks what one serves against Rasa's own
``SQLTrackerStore`` reading the same database. Prints ``ok <scenario>`` per scenario passed."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from components.tracker_store import ErasingSQLTrackerStore
from reflection.tracker_retention import erase_conversations

URL = sys.argv[1]
DOMAIN = Domain.load("domain.yml")
worker_a = ErasingSQLTrackerStore(DOMAIN, host=URL, sweep=False)
worker_b = ErasingSQLTrackerStore(DOMAIN, host=URL, sweep=False)
rasa_store = SQLTrackerStore(DOMAIN, host=URL)


def new_conversation(sender_id: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender_id, DOMAIN.slots)
    for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")):
        tracker.update(event)
    return tracker


def turn(tracker: DialogueStateTracker, text: str, **slots: object) -> None:
    tracker.update(UserUttered(text, {"name": "inform", "confidence": 1.0}, []))
    for name, value in slots.items():
        tracker.update(SlotSet(name, value))
    tracker.update(BotUttered(f"you said {text}"))
    tracker.update(ActionExecuted("action_listen"))


async def state(store: SQLTrackerStore, sender_id: str) -> dict | None:
    tracker = await store.retrieve(sender_id)
    return None if tracker is None else tracker.current_state(EventVerbosity.ALL)


async def same_as_rasa(sender_id: str) -> None:
    expected = await state(rasa_store, sender_id)
    assert await state(worker_a, sender_id) == expected, "worker A differs from Rasa's own store"
    assert await state(worker_b, sender_id) == expected, "worker B differs from Rasa's own store"


async def a_change_by_another_worker_is_seen() -> None:
    tracker = new_conversation("s1")
    turn(tracker, "hi", consent=True)
    await worker_a.save(tracker)
    await same_as_rasa("s1")  # both workers now hold it
    tracker = await worker_b.retrieve("s1")
    turn(tracker, "3", depth=3)
    await worker_b.save(tracker)
    seen = await worker_a.retrieve("s1")
    assert seen.get_slot("depth") == 3 and seen.latest_message.text == "3", "A served its stale tracker"
    await same_as_rasa("s1")


async def a_served_tracker_is_a_copy() -> None:
    tracker = new_conversation("s2")
    turn(tracker, "hi", consent=True)
    await worker_a.save(tracker)
    served = await worker_a.retrieve("s2")
    stored_events = len(served.events)
    turn(served, "not saved", depth=1)  # Rasa changes the tracker it is given; this turn is never saved
    again = await worker_a.retrieve("s2")
    assert again.get_slot("depth") is None and len(again.events) == stored_events
    await same_as_rasa("s2")


async def erased_on_request_by_another_worker() -> None:
    tracker = new_conversation("s3")
    turn(tracker, "hi", consent=True)
    await worker_a.save(tracker)
    assert await worker_a.retrieve("s3") is not None
    tracker = await worker_b.retrieve("s3")
    turn(tracker, "delete my data", conversation_erased=True)
    await worker_b.save(tracker)
    assert await worker_a.retrieve("s3") is None, "A served an erased conversation from memory"
    assert await worker_b.retrieve("s3") is None
    await same_as_rasa("s3")


async def erased_by_retention_then_begun_again_alike() -> None:
    tracker = new_conversation("s4")
    turn(tracker, "hi", consent=False)
    await worker_a.save(tracker)
    assert (await worker_a.retrieve("s4")).get_slot("consent") is False
    erase_conversations(worker_b.engine, ["s4"])  # what the sweep and `reflect purge` run
    assert await worker_a.retrieve("s4") is None, "A served a conversation erased by retention"
    await same_as_rasa("s4")
    tracker = new_conversation("s10")
    turn(tracker, "hi", consent=False)
    await worker_a.save(tracker)
    assert (await worker_a.retrieve("s10")).get_slot("consent") is False
    erase_conversations(worker_b.engine, ["s10"])
    again = new_conversation("s10")  # as many events as before: SQLite gives them the erased rows' ids
    turn(again, "hello again", consent=True)
    await worker_b.save(again)
    served = await worker_a.retrieve("s10")
    assert served.get_slot("consent") is True and served.latest_message.text == "hello again", "stale"
    await same_as_rasa("s10")


async def a_sweep_in_this_worker_forgets() -> None:
    tracker = new_conversation("s5")
    turn(tracker, "hi", consent=False)
    await worker_a.save(tracker)
    assert await worker_a.retrieve("s5") is not None
    assert worker_a.erase_expired(now=time.time() + 10 * 24 * 3600) >= 1
    assert worker_a.trackers.get("s5") is None
    assert await worker_a.retrieve("s5") is None
    await same_as_rasa("s5")


async def a_new_session_by_another_worker() -> None:
    tracker = new_conversation("s6")
    turn(tracker, "hi", consent=True, depth=2)
    await worker_a.save(tracker)
    await same_as_rasa("s6")
    time.sleep(0.01)
    tracker = await worker_b.retrieve("s6")
    for event in (ActionExecuted("action_session_start"), SessionStarted(), SlotSet("consent", True)):
        tracker.update(event)
    tracker.update(ActionExecuted("action_listen"))
    turn(tracker, "back again")
    await worker_b.save(tracker)
    served = await worker_a.retrieve("s6")
    assert served.get_slot("depth") is None and served.get_slot("consent") is True
    await same_as_rasa("s6")


async def older_events_purged_by_another_process() -> None:
    tracker = new_conversation("s7")
    turn(tracker, "hi", consent=True)
    turn(tracker, "4", depth=4)
    await worker_a.save(tracker)
    await same_as_rasa("s7")
    with worker_b.engine.begin() as connection:  # `reflect purge` removes words past a clinic's retention
        connection.execute(sa.text("DELETE FROM events WHERE sender_id = 's7' AND type_name = 'user'"))
    served = await worker_a.retrieve("s7")
    assert not [event for event in served.events if isinstance(event, UserUttered)], "purged words served"
    await same_as_rasa("s7")


async def an_unchanged_conversation_is_not_rebuilt() -> None:
    tracker = new_conversation("s8")
    turn(tracker, "hi", consent=True)
    await worker_a.save(tracker)
    await worker_a.retrieve("s8")
    rebuilt = []
    original = DialogueStateTracker.from_dict
    DialogueStateTracker.from_dict = lambda *args, **kwargs: rebuilt.append(1) or original(*args, **kwargs)
    try:
        served = await worker_a.retrieve("s8")
        turn(served, "5", depth=5)
        await worker_a.save(served)
        await worker_a.retrieve("s8")
    finally:
        DialogueStateTracker.from_dict = original
    assert rebuilt == [], "the unchanged conversation was rebuilt from all its events"
    await same_as_rasa("s8")


async def a_save_is_one_transaction() -> None:
    tracker = new_conversation("s9")
    turn(tracker, "hi", consent=True)
    transactions = []

    def count(connection: object) -> None:
        transactions.append(connection)

    sa.event.listen(worker_a.engine, "begin", count)
    try:
        await worker_a.save(tracker)
    finally:
        sa.event.remove(worker_a.engine, "begin", count)
    assert len(transactions) == 1, f"a save took {len(transactions)} transactions"
    await same_as_rasa("s9")


SCENARIOS: list[Callable[[], Awaitable[None]]] = [
    a_change_by_another_worker_is_seen,
    a_served_tracker_is_a_copy,
    erased_on_request_by_another_worker,
    erased_by_retention_then_begun_again_alike,
    a_sweep_in_this_worker_forgets,
    a_new_session_by_another_worker,
    older_events_purged_by_another_process,
    an_unchanged_conversation_is_not_rebuilt,
    a_save_is_one_transaction,
]


async def main() -> None:
    for scenario in SCENARIOS:
        await scenario()
        print("ok", scenario.__name__, flush=True)


asyncio.run(main())
