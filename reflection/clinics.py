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
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from reflection.settings import WEBHOOK_SECRET_PREFIX, load_settings
from reflection.webhooks import WebhookAddressError, WebhookTarget, check_webhook_url

CRISIS_RESOURCES_PATH = Path(__file__).parent / "content" / "crisis_resources.yml"
DEFAULT_CLINIC_ID = "default"
CrisisCategory = Literal["self_harm", "abuse", "medical_emergency", "harm_to_others", "youth"]
CRISIS_CATEGORIES: tuple[str, ...] = ("self_harm", "abuse", "medical_emergency", "harm_to_others", "youth")
ORIGIN = re.compile(r"https?://[a-z0-9.-]+(:[0-9]{1,5})?")
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
MIN_CONTRAST = 4.5


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio between two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


class ClinicConfigError(ValueError):
    """A clinic file is missing or invalid; the message names the file."""


class Colours(BaseModel):
    """The widget's colours: ``primary`` backs the header, buttons and the client's messages, with
    ``on_primary`` text on it; primary is also used as text on white. Both pairs must meet WCAG AA (4.5:1)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    primary: str = "#1f4e79"
    on_primary: str = "#ffffff"

    @field_validator("primary", "on_primary")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not HEX_COLOUR.fullmatch(value):
            raise ValueError(f"{value!r} is not a colour like #1f4e79")
        return value.lower()

    @model_validator(mode="after")
    def _readable(self) -> Colours:
        for first, second, what in (
            (self.primary, self.on_primary, "on_primary text on primary"),
            (self.primary, "#ffffff", "primary text on white"),
        ):
            ratio = contrast_ratio(first, second)
            if ratio < MIN_CONTRAST:
                raise ValueError(f"{what} has contrast {ratio:.1f}:1; WCAG AA needs {MIN_CONTRAST}:1")
        return self


class IntakeQuestion(BaseModel):
    """A clinic's own extra question in intake mode, asked after the standard ones."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    text: str
    # How the answer is named in the client's summary ("Language: English"); the id in words if not given.
    label: str | None = None
    buttons: tuple[str, ...] = ()
    # Other words that name a button's choice ({"Online": ["video", "zoom"]}), so an answer given in passing
    # ("evenings, on zoom") is not asked for again (reflection/intake.py).
    cues: dict[str, tuple[str, ...]] = {}

    def __hash__(self) -> int:
        return hash((self.id, self.text, self.buttons))

    @property
    def summary_label(self) -> str:
        return self.label or self.id.replace("_", " ").capitalize()


class Intake(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    questions: tuple[IntakeQuestion, ...] = ()


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
    # Clients' exact words (the conversation in Rasa's store, the raw text of answers) are kept this many
    # days, then only their anonymized copies (`reflect purge`); None keeps them until the client erases them.
    retention_days: int | None = Field(default=None, gt=0)
    # Lets two admins together open one reflection's raw words in the console (audited); off by default.
    break_glass: bool = False
    # Whether a client whose fit looks low (reflection/alliance.py) is told that staff can see it.
    tell_clients_about_alliance_concern: bool = False
    colours: Colours = Colours()
    logo: str | None = None  # an image file beside the clinic files, e.g. "logos/northside.svg"
    # "Leave quickly" replaces the page with this neutral site.
    quick_exit_url: str = "https://www.google.com/"
    intake: Intake = Intake()

    @field_validator("id")
    @classmethod
    def _safe_id(cls, value: str) -> str:
        if not value.replace("-", "").replace("_", "").isalnum():
            raise ValueError("id may hold only letters, digits, '-' and '_'")
        return value

    @field_validator("quick_exit_url")
    @classmethod
    def _https_url(cls, value: str) -> str:
        if not value.startswith("https://"):
            raise ValueError("must be an https:// URL")
        return value

    @field_validator("logo")
    @classmethod
    def _relative_file(cls, value: str | None) -> str | None:
        if value is not None and (value.startswith("/") or ".." in Path(value).parts):
            raise ValueError("must be a file name inside the clinics folder, e.g. logos/clinic.svg")
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

    @property
    def crisis_helpline(self) -> str:
        """The crisis line to name beside the emergency number: the clinic's own line, else the locale's line
        without the emergency number, so "call 911, or ..." never names 911 twice."""
        return self.crisis_short or str(_locale_resources()[self.locale]["helpline"])

    def names_emergency(self, lines: list[str] | str) -> bool:
        """Whether these words already give the emergency number (a clinic's line may: "... or 999")."""
        text = " ".join([lines] if isinstance(lines, str) else lines)
        return re.search(rf"(?<!\d){re.escape(self.emergency_number)}(?!\d)", text) is not None


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


def logo_path(clinic: Clinic, directory: Path | None = None) -> Path | None:
    return (directory or clinics_dir()) / clinic.logo if clinic.logo else None


def check_logos(directory: Path | None = None) -> None:
    """Every clinic's logo file exists (checked by the web app, the only process that serves them)."""
    folder = directory or clinics_dir()
    for clinic in load_clinics(directory).values():
        path = logo_path(clinic, folder)
        if path is not None and not path.is_file():
            raise ClinicConfigError(f"{folder / clinic.id}.yml names logo {clinic.logo!r}, which is missing")


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
