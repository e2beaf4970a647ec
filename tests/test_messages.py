import re
from pathlib import Path

import pytest

from reflection.messages import message, message_names

ROOT = Path(__file__).resolve().parent.parent


def test_every_message_the_actions_send_exists() -> None:
    code = "\n".join(path.read_text() for path in (ROOT / "actions").glob("*.py"))
    used = set(re.findall(r'say\(\s*dispatcher,\s*[^,]+,\s*"([a-z_]+)"', code))
    used |= {f"crisis_{category}" for category in ("self_harm", "abuse", "medical_emergency", "youth")}
    used |= {
        "ask_consent_clinic",
        "consent_given",
        "consent_declined",
        "data_consented_clinic",
        "data_not_consented",
        "data_undecided",
    }
    assert used <= message_names(), used - message_names()


def test_placeholders_are_filled() -> None:
    filled = message(
        "human_contact", clinic_name="Example", contact="call 123", crisis_line="x", emergency="y"
    )
    assert filled.text == "You can reach a person at Example: call 123"


def test_a_missing_value_is_an_error_not_a_blank() -> None:
    with pytest.raises(KeyError):
        message("human_contact", clinic_name="Example")


FILLED = {"clinic_name": "Northside", "crisis_line": "call 988", "no_consent_retention": "an hour"}


@pytest.mark.parametrize(
    "name", ["ask_consent", "ask_consent_clinic", "data_consented", "data_consented_clinic"]
)
def test_what_the_client_is_told_about_their_words_is_true_today(name: str) -> None:
    """Nothing removes names yet, so nothing may promise it; the client hears where, who and how long."""
    text = message(name, **FILLED).text
    assert "removed" not in text
    assert "word for word" in text  # who can read them, and that nothing is taken out
    assert "delete my data" in text  # how long: until the client erases them
    assert "code instead of your name" in text


def test_without_consent_the_client_hears_when_the_chat_is_erased() -> None:
    for name in ("ask_consent", "consent_declined", "data_not_consented", "data_undecided"):
        text = message(name, **FILLED).text
        assert "erased an hour after your last message" in text, name
