"""Settings come from one object; .env gains new variables without losing the old values."""

from pathlib import Path

import pytest

from reflection.settings import SettingsError, load_settings
from scripts.create_env import main as create_env


def test_defaults_bind_to_loopback_and_cap_messages() -> None:
    settings = load_settings({})
    assert settings.bind_host == "127.0.0.1"
    assert settings.max_message_chars == 2000
    assert settings.no_consent_retention_minutes == 60
    assert settings.allow_private_webhooks is False


def test_a_missing_secret_is_named_where_it_is_needed() -> None:
    settings = load_settings({"PSEUDONYM_SECRET": "short"})
    with pytest.raises(SettingsError, match="PSEUDONYM_SECRET"):
        settings.require("PSEUDONYM_SECRET")
    load_settings({"ACTION_SERVER_TOKEN": "x" * 32}).require("ACTION_SERVER_TOKEN")


@pytest.mark.parametrize(
    ("variable", "value"),
    [("MAX_MESSAGE_CHARS", "lots"), ("MAX_MESSAGE_CHARS", "0"), ("ALLOW_PRIVATE_WEBHOOKS", "maybe")],
)
def test_a_bad_value_is_refused_with_its_name(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        load_settings({variable: value})


def test_webhook_secrets_are_read_by_their_prefix() -> None:
    settings = load_settings({"WEBHOOK_SECRET_NORTH": "s3cret", "OTHER": "x"})
    assert dict(settings.webhook_secrets) == {"WEBHOOK_SECRET_NORTH": "s3cret"}


def test_env_file_is_created_private_and_later_gains_new_settings(tmp_path: Path) -> None:
    (tmp_path / ".env.example").write_text("OLD_SECRET=__random__  # a comment\nPLAIN=value\n")
    create_env(tmp_path)
    env_file = tmp_path / ".env"
    first = env_file.read_text()
    assert env_file.stat().st_mode & 0o077 == 0
    old_secret = first.split("OLD_SECRET=")[1].split()[0]
    assert len(old_secret) > 30

    (tmp_path / ".env.example").write_text(
        "OLD_SECRET=__random__\nPLAIN=value\nNEW_SECRET=__random__\nNEW_PLAIN=7\n"
    )
    create_env(tmp_path)
    second = env_file.read_text()
    assert f"OLD_SECRET={old_secret}" in second  # kept
    assert "NEW_PLAIN=7" in second and "NEW_SECRET=__random__" not in second
    assert len(second.split("NEW_SECRET=")[1].split()[0]) > 30
