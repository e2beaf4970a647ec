"""Clinic settings (``config/clinics/<id>.yml``) and the crisis resources each clinic shows.

Clinic files are validated when they are loaded, so a typo fails at start-up with the file's name in the
message instead of in front of a client.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from reflection.settings import WEBHOOK_SECRET_PREFIX, load_settings
from reflection.webhooks import WebhookAddressError, WebhookTarget, check_webhook_url

CRISIS_RESOURCES_PATH = Path(__file__).parent / "content" / "crisis_resources.yml"
DEFAULT_CLINIC_ID = "default"
CrisisCategory = Literal["self_harm", "abuse", "medical_emergency", "harm_to_others", "youth"]
CRISIS_CATEGORIES: tuple[str, ...] = ("self_harm", "abuse", "medical_emergency", "harm_to_others", "youth")
ORIGIN = re.compile(r"https?://[a-z0-9.-]+(:[0-9]{1,5})?")


class ClinicConfigError(ValueError):
    """A clinic file is missing or invalid; the message names the file."""


class Clinic(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    locale: Literal["US", "UK"] = "US"
    contact: str | None = None
    referral_link: str | None = None
    escalation_webhook: str | None = None
    # The name of the environment variable (WEBHOOK_SECRET_...) holding the key that signs webhook requests.
    escalation_secret: str | None = None
    crisis_short: str | None = None  # the one-line mention in the greeting, e.g. "call or text 988"
    crisis_resources: dict[CrisisCategory, list[str]] = {}
    # Sites that may embed this clinic's widget and receive its events, e.g. "https://northside.example".
    allowed_origins: tuple[str, ...] = ()

    @field_validator("id")
    @classmethod
    def _safe_id(cls, value: str) -> str:
        if not value.replace("-", "").replace("_", "").isalnum():
            raise ValueError("id may hold only letters, digits, '-' and '_'")
        return value

    @field_validator("referral_link")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return value

    @model_validator(mode="after")
    def _webhook_is_callable_and_signed(self) -> Clinic:
        if self.escalation_webhook is None:
            return self
        current = load_settings()
        try:
            check_webhook_url(
                self.escalation_webhook, allow_private=current.allow_private_webhooks, resolve=False
            )
        except WebhookAddressError as error:
            raise ValueError(f"escalation_webhook: {error}") from None
        secret_name = self.escalation_secret or ""
        if not secret_name.startswith(WEBHOOK_SECRET_PREFIX) or not current.webhook_secrets.get(secret_name):
            raise ValueError(
                "escalation_webhook needs escalation_secret: the name of an environment variable starting "
                f"with {WEBHOOK_SECRET_PREFIX} (set in .env) that holds the key signing its requests"
            )
        return self

    def webhook_target(self) -> WebhookTarget | None:
        """Where and how to send this clinic's escalations, or None when it has no webhook."""
        if self.escalation_webhook is None or self.escalation_secret is None:
            return None
        secret = load_settings().webhook_secrets.get(self.escalation_secret, "")
        return WebhookTarget(url=self.escalation_webhook, secret=secret) if secret else None

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            if not ORIGIN.fullmatch(value):
                raise ValueError(f"{value!r} is not an origin like https://clinic.example (no path, no '*')")
        return values

    def crisis_lines(self, category: str) -> list[str]:
        """The lines to show for a risk category: the clinic's own, else its locale's defaults."""
        if category in self.crisis_resources:
            return list(self.crisis_resources[category])  # type: ignore[index]
        return list(_locale_resources()[self.locale][category])

    @property
    def emergency_number(self) -> str:
        return str(_locale_resources()[self.locale]["emergency"])

    @property
    def crisis_line(self) -> str:
        return self.crisis_short or str(_locale_resources()[self.locale]["short"])


@cache
def _locale_resources() -> dict[str, dict[str, object]]:
    with CRISIS_RESOURCES_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def clinics_dir() -> Path:
    return load_settings().clinics_dir


def load_clinic_file(path: Path) -> Clinic:
    try:
        with path.open(encoding="utf-8") as handle:
            raw = yaml.safe_load(handle) or {}
        clinic = Clinic.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise ClinicConfigError(f"clinic file {path} is invalid: {error}") from error
    if clinic.id != path.stem:
        raise ClinicConfigError(f"clinic file {path} has id {clinic.id!r}; the id must match the file name")
    return clinic


@cache
def load_clinics(directory: Path | None = None) -> dict[str, Clinic]:
    """Every clinic under the directory, validated. The ``default`` clinic must exist."""
    folder = directory or clinics_dir()
    clinics = {path.stem: load_clinic_file(path) for path in sorted(folder.glob("*.yml"))}
    if DEFAULT_CLINIC_ID not in clinics:
        raise ClinicConfigError(
            f"{folder} has no {DEFAULT_CLINIC_ID}.yml; it is used for clients without a clinic"
        )
    return clinics


def clinic_for(clinic_id: str | None, locale: str | None = None) -> Clinic:
    """The clinic a client came through; unknown or missing ids fall back to the default settings.

    A client without a clinic may bring a locale (from the widget), which picks that locale's resources.
    """
    clinics = load_clinics()
    clinic = clinics.get(clinic_id or DEFAULT_CLINIC_ID, clinics[DEFAULT_CLINIC_ID])
    if clinic.id == DEFAULT_CLINIC_ID and locale in ("US", "UK") and locale != clinic.locale:
        return clinic.model_copy(update={"locale": locale})
    return clinic


def is_known_clinic(clinic_id: str | None) -> bool:
    return bool(clinic_id) and clinic_id != DEFAULT_CLINIC_ID and clinic_id in load_clinics()
