"""Telling a clinic's webhook that a client disclosed a risk, with retries; never with what was said."""

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy.exc import SQLAlchemyError

from reflection.storage.repository import ReflectionStore, RiskFlagRecord

logger = logging.getLogger(__name__)

RETRYABLE_STATUS_CODES = frozenset({429})


@dataclass(frozen=True)
class EscalationPayload:
    flag_id: int
    client_id: str
    category: str
    minor: bool
    clinic: str | None
    flagged_at: datetime

    @classmethod
    def from_risk_flag(cls, flag: RiskFlagRecord) -> "EscalationPayload":
        return cls(
            flag_id=flag.id,
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


def send_escalation(
    webhook_url: str,
    flag: EscalationPayload,
    store: ReflectionStore,
    *,
    attempts: int = 5,
    base_delay: float = 0.5,
    timeout: float = 5.0,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """POST the flag to the webhook until it answers 2xx; returns whether it did.

    Retries connection errors, timeouts, 429 and 5xx with exponential backoff and jitter; any other answer is
    final. Blocks for up to about base_delay * 2**attempts seconds: call it off the request path."""
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    if not webhook_url.startswith(("https://", "http://")):
        raise ValueError(
            "The escalation webhook URL must start with https:// (or http:// for local testing)."
        )
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        for attempt in range(1, attempts + 1):
            status_code, error = _post(client, webhook_url, flag)
            succeeded = status_code is not None and 200 <= status_code < 300
            _record_attempt(store, flag.flag_id, attempt, status_code, error, succeeded)
            if succeeded:
                logger.info("Escalation of risk flag %s delivered on attempt %s.", flag.flag_id, attempt)
                return True
            if not _worth_retrying(status_code):
                logger.error(
                    "Escalation of risk flag %s was refused with HTTP %s; not retrying.",
                    flag.flag_id,
                    status_code,
                )
                return False
            logger.warning(
                "Escalation of risk flag %s failed on attempt %s of %s (%s).",
                flag.flag_id,
                attempt,
                attempts,
                error or f"HTTP {status_code}",
            )
            if attempt < attempts:
                sleep(backoff_delay(attempt, base_delay))
    logger.error("Escalation of risk flag %s failed after %s attempts.", flag.flag_id, attempts)
    return False


def backoff_delay(attempt: int, base_delay: float) -> float:
    """Seconds to wait after `attempt`: doubling each time, randomised in its upper half so that many
    senders do not retry in step."""
    ceiling = base_delay * 2 ** (attempt - 1)
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def _post(client: httpx.Client, webhook_url: str, flag: EscalationPayload) -> tuple[int | None, str | None]:
    try:
        response = client.post(webhook_url, json=flag.to_json())
    except httpx.TransportError as error:
        return None, f"{type(error).__name__}: {error}"
    return response.status_code, None


def _worth_retrying(status_code: int | None) -> bool:
    return status_code is None or status_code >= 500 or status_code in RETRYABLE_STATUS_CODES


def _record_attempt(
    store: ReflectionStore,
    flag_id: int,
    attempt: int,
    status_code: int | None,
    error: str | None,
    succeeded: bool,
) -> None:
    try:
        store.record_escalation_attempt(flag_id, attempt, status_code, error, succeeded)
    except SQLAlchemyError:
        # Reaching the clinic matters more than the audit row; keep trying to deliver.
        logger.exception("Could not record escalation attempt %s of risk flag %s.", attempt, flag_id)
