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
