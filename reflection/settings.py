"""Settings read from the environment (``.env``; see ``.env.example`` for every variable)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'reflection.db'}"
DEFAULT_TRACKER_DB_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'tracker.db'}"


class SettingsError(ValueError):
    """A setting is missing or unusable; the message says which and what to do."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    tracker_db_url: str
    pseudonym_secret: str
    rasa_url: str
    rasa_token: str


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    secret = env.get("PSEUDONYM_SECRET", "")
    if len(secret) < 16:
        raise SettingsError(
            "PSEUDONYM_SECRET is missing or shorter than 16 characters; run `make run` once to create .env "
            "with fresh secrets, or set it yourself."
        )
    return Settings(
        database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        tracker_db_url=env.get("TRACKER_DB_URL") or DEFAULT_TRACKER_DB_URL,
        pseudonym_secret=secret,
        rasa_url=env.get("RASA_URL") or "http://127.0.0.1:5005",
        rasa_token=env.get("RASA_TOKEN", ""),
    )
