"""The outbox: writes the database refused wait on local disk, in order, until they can be made."""

import stat
from pathlib import Path

import pytest

from reflection.storage.database import DatabaseUnavailableError
from reflection.storage.outbox import DurableWriter, Outbox
from reflection.storage.repository import ReflectionStore

CLIENT = "a" * 64


class FlakyStore:
    """A store whose database can be switched off; every call passes through when it is on."""

    def __init__(self, store: ReflectionStore) -> None:
        self.store = store
        self.up = True

    def __call__(self) -> ReflectionStore:
        if not self.up:
            raise DatabaseUnavailableError("the database is down")
        return self.store


def answer(item: str, value: object, words: str) -> dict[str, object]:
    return {"op": "answer", "item": item, "value": value, "raw_text": words, "clinic": None, "mode": "self"}


@pytest.fixture
def flaky(store: ReflectionStore) -> FlakyStore:
    return FlakyStore(store)


def test_writes_wait_in_order_and_are_made_before_the_next_one(
    flaky: FlakyStore, store: ReflectionStore, tmp_path: Path
) -> None:
    writer = DurableWriter(flaky, Outbox(tmp_path / "outbox"))
    flaky.up = False
    assert writer.write(CLIENT, answer("depth", 2, "first")) is False
    assert writer.write(CLIENT, answer("depth", 3, "second")) is False
    [queued] = list((tmp_path / "outbox").glob("*.jsonl"))
    assert stat.S_IMODE(queued.stat().st_mode) == 0o600

    flaky.up = True
    assert writer.write(CLIENT, answer("felt_heard", 4, "third")) is True

    stored = store.current_reflection(CLIENT)
    assert stored is not None
    assert stored.answers["depth"].raw_text == "second"  # applied in order: the later answer wins
    assert stored.answers["felt_heard"].value == 4
    assert not queued.exists()


def test_the_drain_saves_what_waits_without_a_new_write(
    flaky: FlakyStore, store: ReflectionStore, tmp_path: Path
) -> None:
    outbox = Outbox(tmp_path / "outbox")
    writer = DurableWriter(flaky, outbox)
    flaky.up = False
    writer.write(CLIENT, answer("depth", 2, "waiting"))

    assert outbox.drain(store) == 1
    assert store.current_reflection(CLIENT).answers["depth"].value == 2  # type: ignore[union-attr]
    assert outbox.clients() == []


def test_a_change_after_the_summary_waits_behind_the_completion_and_amends_it(
    flaky: FlakyStore, store: ReflectionStore, tmp_path: Path
) -> None:
    outbox = Outbox(tmp_path / "outbox")
    writer = DurableWriter(flaky, outbox)
    flaky.up = False
    done = {"clinic": None, "mode": "self", "answers": {"depth": [4, "deep"]}, "completion_key": "k-1"}
    writer.write(CLIENT, {"op": "complete", "next_steps": ["keep_going"], **done})
    changed = {"clinic": None, "mode": "self", "answers": {"depth": [2, "make it a 2"]}}
    writer.write(CLIENT, {"op": "amend", "next_steps": ["talk_to_therapist"], **changed})

    assert outbox.drain(store) == 1
    [reflection] = list(store.iter_reflections())
    assert reflection.status == "complete" and reflection.next_steps == ["talk_to_therapist"]
    assert reflection.answers["depth"].value == 2


def test_erasing_forgets_what_waits_too(flaky: FlakyStore, store: ReflectionStore, tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox")
    writer = DurableWriter(flaky, outbox)
    flaky.up = False
    writer.write(CLIENT, answer("hopes", "words never to be stored", "words never to be stored"))

    flaky.up = True
    assert writer.erase(CLIENT) is True
    outbox.drain(store)

    assert store.current_reflection(CLIENT) is None
    assert b"never to be stored" not in b"".join(p.read_bytes() for p in (tmp_path / "outbox").iterdir())


def test_a_client_id_never_becomes_a_path(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="alphanumeric"):
        Outbox(tmp_path).pending("../../etc/passwd")
