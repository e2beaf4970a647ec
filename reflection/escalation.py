"""Telling a clinic's webhook that a client disclosed a risk; never with what was said.

A flag that needs delivering waits in the ``risk_flags`` table, so a restart loses nothing: the
``EscalationQueue`` (a thread in the action server) claims due flags, posts each once per attempt, and on a
failure schedules the next attempt with a growing delay, for about a day. Each request is signed and each
address checked again before it is called (``webhooks.py``).
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from sqlalchemy.exc import SQLAlchemyError

from reflection.storage.database import StorageError
from reflection.storage.repository import ReflectionStore, RiskFlagRecord
from reflection.webhooks import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookAddressError,
    WebhookTarget,
    check_webhook_url,
    signature,
)

logger = logging.getLogger(__name__)

RETRYABLE_STATUS_CODES = frozenset({408, 425, 429})


@dataclass(frozen=True)
class EscalationPayload:
    flag_id: str
    client_id: str | None
    category: str
    minor: bool
    clinic: str | None
    flagged_at: datetime

    @classmethod
    def from_risk_flag(cls, flag: RiskFlagRecord) -> EscalationPayload:
        return cls(
            flag_id=flag.public_id,
            client_id=flag.client_id,
            category=flag.category,
            minor=flag.minor,
            clinic=flag.clinic,
            flagged_at=flag.created_at,
        )

    def to_json(self) -> dict[str, Any]:
        # flag_id lets the receiver drop a duplicate when a timed-out attempt had in fact arrived.
        return {
            "flag_id": self.flag_id,
            "client_id": self.client_id,
            "category": self.category,
            "minor": self.minor,
            "clinic": self.clinic,
            "flagged_at": self.flagged_at.isoformat(),
        }


def post_once(
    client: httpx.Client, target: WebhookTarget, payload: EscalationPayload, *, allow_private: bool
) -> tuple[int | None, str | None]:
    """One signed POST; returns (status code, None) or (None, what went wrong).

    Raises WebhookAddressError, before sending anything, when the address must not be called."""
    check_webhook_url(target.url, allow_private=allow_private)
    body = json.dumps(payload.to_json(), separators=(",", ":")).encode("utf-8")
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(target.secret, timestamp, body),
    }
    try:
        response = client.post(target.url, content=body, headers=headers)
    except httpx.TransportError as error:
        return None, f"{type(error).__name__}: {error}"
    return response.status_code, None


def worth_retrying(status_code: int | None) -> bool:
    return status_code is None or status_code >= 500 or status_code in RETRYABLE_STATUS_CODES


def backoff_delay(attempt: int, base_delay: float, max_delay: float) -> float:
    """Seconds to wait after `attempt`: doubling each time up to `max_delay`, randomised in its upper half
    so that many senders do not retry in step."""
    ceiling = min(base_delay * 2 ** (attempt - 1), max_delay)
    return ceiling / 2 + random.uniform(0, ceiling / 2)


class EscalationQueue:
    """Delivers waiting flags: call ``deliver_due()`` directly, or ``wake()`` to have a thread do it.

    ``target_for(clinic_id)`` gives the clinic's webhook and secret, or None when it has none (the flag is
    then given up with that reason). Several workers may run at once: each flag is claimed before sending."""

    def __init__(
        self,
        store: ReflectionStore,
        target_for: Callable[[str | None], WebhookTarget | None],
        *,
        allow_private: bool = False,
        max_attempts: int = 12,
        base_delay: float = 5.0,
        max_delay: float = 3600.0,
        timeout: float = 5.0,
        poll_seconds: float = 10.0,
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        self._store = store
        self._target_for = target_for
        self._allow_private = allow_private
        self._max_attempts = max_attempts
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._timeout = timeout
        self._poll_seconds = poll_seconds
        self._now = now
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def wake(self) -> None:
        """Deliver what is due now, in the background (starts the delivery thread on first use)."""
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run_forever, name="escalations", daemon=True)
                self._thread.start()
        self._wake.set()

    def deliver_due(self) -> int:
        """One attempt for every flag that is due; returns how many were attempted."""
        attempted = 0
        with httpx.Client(timeout=self._timeout, follow_redirects=False) as client:
            for flag_id in self._store.due_flags(self._now()):
                lease_until = self._now() + timedelta(seconds=self._timeout * 4)
                flag = self._store.claim_flag(flag_id, self._now(), lease_until)
                if flag is not None:
                    self._attempt(client, flag)
                    attempted += 1
        return attempted

    def _attempt(self, client: httpx.Client, flag: RiskFlagRecord) -> None:
        target = self._target_for(flag.clinic)
        retryable = target is not None
        if target is None:
            status_code, error = None, "The clinic has no escalation webhook any more."
        else:
            try:
                payload = EscalationPayload.from_risk_flag(flag)
                status_code, error = post_once(client, target, payload, allow_private=self._allow_private)
            except WebhookAddressError as refused:  # waiting won't make the address acceptable
                status_code, error, retryable = None, str(refused), False
        delivered = status_code is not None and 200 <= status_code < 300
        retry_at = None
        may_retry = retryable and flag.attempts < self._max_attempts and worth_retrying(status_code)
        if not delivered and may_retry:
            delay = backoff_delay(flag.attempts, self._base_delay, self._max_delay)
            retry_at = self._now() + timedelta(seconds=delay)
        self._store.record_delivery_attempt(
            flag.id, flag.attempts, status_code, error, delivered=delivered, retry_at=retry_at
        )
        outcome = "delivered" if delivered else ("will retry" if retry_at else "gave up")
        log = logger.info if delivered else (logger.warning if retry_at else logger.error)
        log(
            "Escalation of flag %s, attempt %s: %s (%s).",
            flag.public_id, flag.attempts, outcome, error or f"HTTP {status_code}",
        )

    def _seconds_until_next(self) -> float:
        next_at = self._store.next_delivery_at()
        if next_at is None:
            return self._poll_seconds
        return min(self._poll_seconds, max(0.1, (next_at - self._now()).total_seconds()))

    def _run_forever(self) -> None:
        while True:
            self._wake.clear()
            wait = self._poll_seconds
            try:
                self.deliver_due()
                wait = self._seconds_until_next()
            except (StorageError, SQLAlchemyError) as error:
                logger.error("Escalation delivery can't reach the database: %s", str(error).splitlines()[0])
            except Exception:  # the thread must outlive any one failure; flags stay queued in the table
                logger.exception("Escalation delivery failed; flags stay queued.")
            self._wake.wait(wait)
