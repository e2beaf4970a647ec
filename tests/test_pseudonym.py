import re

import pytest

from reflection.pseudonym import pseudonymize


def test_pseudonym_is_64_hex_characters_and_stable() -> None:
    pseudonym = pseudonymize("telegram:12345", "server-secret")

    assert re.fullmatch(r"[0-9a-f]{64}", pseudonym)
    assert pseudonymize("telegram:12345", "server-secret") == pseudonym
    assert "12345" not in pseudonym


def test_pseudonym_depends_on_sender_and_secret() -> None:
    pseudonym = pseudonymize("telegram:12345", "server-secret")

    assert pseudonymize("telegram:12346", "server-secret") != pseudonym
    assert pseudonymize("telegram:12345", "other-secret") != pseudonym


def test_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="secret"):
        pseudonymize("telegram:12345", "")
