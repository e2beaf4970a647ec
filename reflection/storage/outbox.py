"""Writes that could not reach the database, kept on local disk until they can.

A client's answer must never be lost because the database was down for a moment. ``DurableWriter`` tries
each write at once; if the database fails, the write goes to this client's outbox file (``OUTBOX_DIR``,
readable by the owner only) and is replayed, in order, before the client's next write and by a background
drain every few seconds. A client's writes are applied in the order they were made, so a queued answer is
never overtaken by a later one. Erasing a client removes their outbox too.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from reflection.storage.database import StorageError
from reflection.storage.repository import ReflectionStore

logger = logging.getLogger(__name__)
DRAIN_EVERY_SECONDS = 5.0
STORAGE_ERRORS = (StorageError, SQLAlchemyError)

Write = dict[str, Any]


def apply(store: ReflectionStore, client_id: str, write: Write) -> None:
    """Carry out one write; raises a storage error if the database fails."""
    kind = write["op"]
    if kind == "answer":
        store.record_answer(
            client_id,
            write["item"],
            write["value"],
            write["raw_text"],
            clinic=write["clinic"],
            mode=write["mode"],
        )
    elif kind == "remove_answer":
        store.remove_answer(client_id, write["item"])
    elif kind == "open":
        store.open_reflection(client_id, write["clinic"], write["mode"])
    elif kind == "pause":
        store.pause(client_id)
    elif kind == "complete":
        store.complete(
            client_id,
            write["next_steps"],
            answers={item: (value, raw) for item, (value, raw) in write["answers"].items()},
            clinic=write["clinic"],
            mode=write["mode"],
            completion_key=write.get("completion_key"),
        )
    elif kind == "amend":
        store.amend_completed(
            client_id,
            write["next_steps"],
            answers={item: (value, raw) for item, (value, raw) in write["answers"].items()},
        )
    elif kind == "erase":
        store.erase_client(client_id)
    else:
        raise ValueError(f"Unknown outbox write {kind!r}.")


class Outbox:
    """One append-only file of pending writes per client, locked while it is read or written."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory

    def _path(self, client_id: str) -> Path:
        if not client_id.isalnum():  # client ids are hex pseudonyms; anything else must not become a path
            raise ValueError("A client id for the outbox must be alphanumeric.")
        return self._directory / f"{client_id}.jsonl"

    @contextmanager
    def _locked(self, client_id: str) -> Iterator[Path]:
        self._directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock_path = self._directory / f".{client_id}.lock"
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield self._path(client_id)
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
            os.close(descriptor)

    def clients(self) -> list[str]:
        if not self._directory.exists():
            return []
        return sorted(path.stem for path in self._directory.glob("*.jsonl"))

    def pending(self, client_id: str) -> list[Write]:
        path = self._path(client_id)
        if not path.exists():
            return []
        with path.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]

    def write_or_queue(self, client_id: str, write: Write, attempt: Callable[[Write], None]) -> bool:
        """Replay the client's queued writes and then this one; queue what the database refuses.

        Returns True when everything reached the database, False when something is waiting in the outbox."""
        with self._locked(client_id) as path:
            queued = self.pending(client_id)
            writes = [*queued, write]
            for done, pending_write in enumerate(writes):
                try:
                    attempt(pending_write)
                except STORAGE_ERRORS as error:
                    logger.warning("A write is waiting in the outbox: %s", str(error).splitlines()[0])
                    self._rewrite(path, writes[done:])
                    return False
            path.unlink(missing_ok=True)
            return True

    def drain(self, store: ReflectionStore) -> int:
        """Replay every client's queued writes; returns how many clients were cleared."""
        cleared = 0
        for client_id in self.clients():
            with self._locked(client_id) as path:
                writes = self.pending(client_id)
                for done, write in enumerate(writes):
                    try:
                        apply(store, client_id, write)
                    except STORAGE_ERRORS:
                        self._rewrite(path, writes[done:])
                        break
                else:
                    path.unlink(missing_ok=True)
                    cleared += 1
        return cleared

    def discard(self, client_id: str) -> None:
        """Forget the client's queued writes (they asked for their data to be erased)."""
        with self._locked(client_id) as path:
            path.unlink(missing_ok=True)

    @staticmethod
    def _rewrite(path: Path, writes: list[Write]) -> None:
        partial = path.with_suffix(".partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(descriptor, "w", encoding="utf-8") as handle:
            for write in writes:
                handle.write(json.dumps(write, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)


class DurableWriter:
    """The action server's way to write: at once when it can, through the outbox when it can't."""

    def __init__(self, store_factory: Callable[[], ReflectionStore], outbox: Outbox) -> None:
        self._store_factory = store_factory
        self._outbox = outbox
        self._drain_started = False
        self._lock = threading.Lock()

    def write(self, client_id: str, write: Write) -> bool:
        """True when the write reached the database; False when it waits in the outbox (and is retried)."""
        saved = self._outbox.write_or_queue(
            client_id, write, lambda queued: apply(self._store_factory(), client_id, queued)
        )
        if not saved:
            self.start_draining()
        return saved

    def erase(self, client_id: str) -> bool:
        """Erase everything about the client: their queued writes, then their rows.

        True when it is done; False when the database is down and the erase waits in the outbox."""
        self._outbox.discard(client_id)
        return self.write(client_id, {"op": "erase"})

    def start_draining(self) -> None:
        with self._lock:
            if self._drain_started:
                return
            self._drain_started = True
        threading.Thread(target=self._drain_forever, name="outbox-drain", daemon=True).start()

    def _drain_forever(self) -> None:
        while True:
            time.sleep(DRAIN_EVERY_SECONDS)
            try:
                if self._outbox.clients():
                    self._outbox.drain(self._store_factory())
            except STORAGE_ERRORS as error:
                logger.warning("The outbox could not be drained yet: %s", str(error).splitlines()[0])
            except Exception:  # keep draining later; the writes stay on disk
                logger.exception("Draining the outbox failed; the writes stay queued.")
