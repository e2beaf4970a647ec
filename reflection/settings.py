"""Every setting, read once from the environment (``.env``; see ``.env.example`` for each variable).

Standard library only, so Rasa's own process (.venv-rasa) can read the same settings as the action server,
the web app and the CLI. Secrets are checked where they are needed (``require``), so a command that needs
none (``reflect export``) runs without them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'reflection.db'}"
DEFAULT_TRACKER_DB_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'tracker.db'}"
DEFAULT_CLINICS_DIR = PROJECT_ROOT / "config" / "clinics"
MIN_SECRET_LENGTH = 16
# A clinic's webhook secret lives in the environment under a name of this form, named in its clinic file.
WEBHOOK_SECRET_PREFIX = "WEBHOOK_SECRET_"


class SettingsError(ValueError):
    """A setting is missing or unusable; the message says which and what to do."""


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    tracker_db_url: str = DEFAULT_TRACKER_DB_URL
    clinics_dir: Path = DEFAULT_CLINICS_DIR
    # Writes that could not reach the database wait here (reflection/storage/outbox.py).
    outbox_dir: Path = PROJECT_ROOT / "var" / "outbox"
    # Where the servers listen: loopback unless a container deployment asks for more (BIND_HOST=0.0.0.0).
    bind_host: str = "127.0.0.1"
    rasa_url: str = "http://127.0.0.1:5005"
    pseudonym_secret: str = ""
    rasa_token: str = ""
    action_server_token: str = ""
    socketio_jwt_secret: str = ""
    # Signs the web app's session cookie and summary links (never shared with Rasa).
    web_session_secret: str = ""
    # How long a socket.io token is good for; the widget fetches a fresh one for each (re)connection.
    socketio_token_minutes: int = 10
    # How long the web app's session cookie lets a browser come back to its conversation.
    web_session_hours: int = 12
    # The longest message any channel passes on; longer ones get a clear reply and are not processed.
    max_message_chars: int = 2000
    # Without consent, a conversation is erased this long after its last message (the end of its session).
    no_consent_retention_minutes: int = 60
    # Escalation webhooks must be public https:// URLs; local tests may allow http:// and private addresses.
    allow_private_webhooks: bool = False
    webhook_secrets: Mapping[str, str] = field(default_factory=dict)

    def require(self, *names: str) -> None:
        """Raise SettingsError unless each named secret (e.g. "PSEUDONYM_SECRET") is set and long enough."""
        for name in names:
            value = getattr(self, name.lower())
            if len(value) < MIN_SECRET_LENGTH:
                raise SettingsError(
                    f"{name} is missing or shorter than {MIN_SECRET_LENGTH} characters; run `make run` once "
                    "to create .env with fresh secrets, or set it yourself."
                )


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    defaults = Settings()
    return Settings(
        database_url=env.get("DATABASE_URL") or defaults.database_url,
        tracker_db_url=env.get("TRACKER_DB_URL") or defaults.tracker_db_url,
        clinics_dir=Path(env.get("CLINICS_DIR") or defaults.clinics_dir),
        outbox_dir=Path(env.get("OUTBOX_DIR") or defaults.outbox_dir),
        bind_host=env.get("BIND_HOST") or defaults.bind_host,
        rasa_url=(env.get("RASA_URL") or defaults.rasa_url).rstrip("/"),
        pseudonym_secret=env.get("PSEUDONYM_SECRET", ""),
        rasa_token=env.get("RASA_TOKEN", ""),
        action_server_token=env.get("ACTION_SERVER_TOKEN", ""),
        socketio_jwt_secret=env.get("SOCKETIO_JWT_SECRET", ""),
        web_session_secret=env.get("WEB_SESSION_SECRET", ""),
        socketio_token_minutes=_positive_int(env, "SOCKETIO_TOKEN_MINUTES", defaults.socketio_token_minutes),
        web_session_hours=_positive_int(env, "WEB_SESSION_HOURS", defaults.web_session_hours),
        max_message_chars=_positive_int(env, "MAX_MESSAGE_CHARS", defaults.max_message_chars),
        no_consent_retention_minutes=_positive_int(
            env, "NO_CONSENT_RETENTION_MINUTES", defaults.no_consent_retention_minutes
        ),
        allow_private_webhooks=_flag(env, "ALLOW_PRIVATE_WEBHOOKS"),
        webhook_secrets={name: env[name] for name in env if name.startswith(WEBHOOK_SECRET_PREFIX)},
    )


@cache
def settings() -> Settings:
    """The process's settings, read once."""
    return load_settings()


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}.") from None
    if value <= 0:
        raise SettingsError(f"{name} must be greater than 0.")
    return value


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "no"):
        return False
    if raw in ("1", "true", "yes"):
        return True
    raise SettingsError(f"{name} must be true or false, not {raw!r}.")
