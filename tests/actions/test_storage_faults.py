"""What a client sees, and what is kept, when the answers database fails mid-reflection."""

from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.context as context
from actions.context import store, writer
from actions.lifecycle import ActionCompleteReflection
from actions.reflection_form import ValidateReflectionForm
from actions.side_requests import ActionDeleteData
from reflection.messages import message
from reflection.pseudonym import pseudonymize
from reflection.storage.database import DatabaseUnavailableError, SchemaNotReadyError
from reflection.storage.repository import ReflectionStore
from tests.actions.conftest import make_tracker, said, slot_events

CONSENTED = {"consent": True, "sessions_so_far": "established"}


def client() -> str:
    return pseudonymize("client-1", "a-test-secret-of-enough-length")


def database_down(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    def unavailable(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(ReflectionStore, "record_answer", unavailable)
    monkeypatch.setattr(ReflectionStore, "complete", unavailable)
    monkeypatch.setattr(ReflectionStore, "erase_client", unavailable)


@pytest.mark.parametrize(
    "error", [DatabaseUnavailableError("the server went away"), SchemaNotReadyError("run reflect db upgrade")]
)
async def test_an_answer_the_database_refuses_is_kept_and_saved_once_it_is_back(
    monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    with monkeypatch.context() as patch:
        database_down(patch, error)
        dispatcher = CollectingDispatcher()
        tracker = make_tracker({**CONSENTED, "requested_slot": "felt_heard"}, "not really")
        events = slot_events(await ValidateReflectionForm().run(dispatcher, tracker, {}))

    assert events["felt_heard"] == 2 and events["requested_slot"] == "depth"  # the conversation goes on
    assert message("save_failed").text in said(dispatcher)
    assert store().current_reflection(client()) is None
    outbox = Path(context.settings().outbox_dir)
    assert outbox.stat().st_mode & 0o077 == 0  # it holds the client's words while the database is down

    # The database is back: the next answer brings the queued one with it, in order.
    tracker = make_tracker({**CONSENTED, "felt_heard": 2, "requested_slot": "depth"}, "5, we go deep")
    await ValidateReflectionForm().run(CollectingDispatcher(), tracker, {})
    stored = store().current_reflection(client())
    assert stored is not None
    assert {item: answer.value for item, answer in stored.answers.items()} == {"felt_heard": 2, "depth": 5}
    assert not list(Path(context.settings().outbox_dir).glob("*.jsonl"))  # nothing left waiting
    assert stored.answers["felt_heard"].raw_text == "not really"


async def test_a_reflection_is_never_complete_with_an_answer_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = {"sessions_so_far": "established", "felt_heard": 2, "depth": 4, "hopes": "to feel heard"}
    words = {"sessions_so_far": "8 sessions", "felt_heard": "not really", "depth": "mostly"}
    words["hopes"] = "to feel heard"
    store().record_answer(client(), "sessions_so_far", "established", "8 sessions")  # the others were lost
    with monkeypatch.context() as patch:
        database_down(patch, DatabaseUnavailableError("down at the end"))
        dispatcher = CollectingDispatcher()
        tracker = make_tracker({**CONSENTED, **answers, "answer_words": words}, "missing answer", fresh=False)
        events = slot_events(await ActionCompleteReflection().run(dispatcher, tracker, {}))

    assert events["reflection_status"] == "complete"  # the client still gets the summary
    assert message("save_failed_at_end").text in said(dispatcher)
    assert store().latest_completed(client()) is None  # not complete while answers are missing

    writer()._outbox.drain(store())  # noqa: SLF001 - what the background drain does every few seconds
    completed = store().latest_completed(client())
    assert completed is not None
    assert {item: answer.value for item, answer in completed.answers.items()} == answers
    assert completed.answers["felt_heard"].raw_text == "not really"


async def test_deleting_while_the_database_is_down_erases_once_it_is_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store().record_answer(client(), "felt_heard", 2, "private words")
    with monkeypatch.context() as patch:
        database_down(patch, DatabaseUnavailableError("down"))
        dispatcher = CollectingDispatcher()
        events = await ActionDeleteData().run(dispatcher, make_tracker(CONSENTED, "yes", fresh=False), {})

    assert message("deleted_answers_pending").text.split(".")[0] in said(dispatcher)
    assert slot_events(events)["conversation_erased"] is True  # the conversation goes at once regardless
    writer()._outbox.drain(store())  # noqa: SLF001
    assert store().current_reflection(client()) is None


async def test_an_action_that_fails_tells_the_client_and_keeps_asking(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug, with private words in it")

    monkeypatch.setattr("actions.reflection_form.plan_turn", broken)
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({**CONSENTED, "requested_slot": "depth"}, "private words")

    events = await ValidateReflectionForm().run(dispatcher, tracker, {})

    assert said(dispatcher) == message("something_went_wrong").text
    assert slot_events(events) == {"requested_slot": "depth"}

