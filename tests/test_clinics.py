from pathlib import Path

import pytest

from reflection.clinics import ClinicConfigError, clinic_for, load_clinic_file, load_clinics


def test_default_clinic_is_us_with_988() -> None:
    clinic = clinic_for(None)
    assert clinic.locale == "US"
    assert "988" in clinic.crisis_line
    assert any("988" in line for line in clinic.crisis_lines("self_harm"))
    assert any("1-800-799-7233" in line for line in clinic.crisis_lines("abuse"))
    assert clinic.emergency_number == "911"


def test_an_unknown_clinic_falls_back_to_the_default_and_a_locale_picks_resources() -> None:
    assert clinic_for("no-such-clinic").id == "default"
    uk = clinic_for(None, "UK")
    assert "116 123" in uk.crisis_line and uk.emergency_number == "999"
    assert any("Childline" in line for line in uk.crisis_lines("youth"))


def test_the_example_clinic_has_its_contact_and_referral_link() -> None:
    clinic = clinic_for("example-clinic")
    assert clinic.contact and clinic.referral_link and clinic.locale == "UK"


def test_every_shipped_clinic_file_is_valid() -> None:
    assert "default" in load_clinics()


def test_a_bad_clinic_file_fails_with_its_name(tmp_path: Path) -> None:
    bad = tmp_path / "oops.yml"
    bad.write_text("id: oops\nname: Oops\nlocale: FR\n")
    with pytest.raises(ClinicConfigError, match="oops.yml"):
        load_clinic_file(bad)
    mismatch = tmp_path / "a.yml"
    mismatch.write_text("id: b\nname: B\n")
    with pytest.raises(ClinicConfigError, match="must match the file name"):
        load_clinic_file(mismatch)


def test_a_clinic_can_replace_its_crisis_lines(tmp_path: Path) -> None:
    own = tmp_path / "own.yml"
    own.write_text("id: own\nname: Own\ncrisis_resources:\n  self_harm: ['Our line: 0100']\n")
    clinic = load_clinic_file(own)
    assert clinic.crisis_lines("self_harm") == ["Our line: 0100"]
    assert any("988" in line for line in clinic.crisis_lines("youth"))


@pytest.mark.parametrize(
    ("webhook", "problem"),
    [
        ("http://clinic.example/hook", "https://"),
        ("https://169.254.169.254/latest", "link-local"),
        ("https://127.0.0.1:9000/hook", "loopback"),
    ],
)
def test_a_clinic_webhook_must_be_a_public_https_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, webhook: str, problem: str
) -> None:
    monkeypatch.setenv("WEBHOOK_SECRET_NORTH", "a-long-enough-signing-secret")
    clinic = tmp_path / "north.yml"
    clinic.write_text(
        f"id: north\nname: North\nescalation_webhook: {webhook}\nescalation_secret: WEBHOOK_SECRET_NORTH\n"
    )
    with pytest.raises(ClinicConfigError, match=problem):
        load_clinic_file(clinic)


def test_a_clinic_webhook_needs_its_signing_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clinic = tmp_path / "north.yml"
    clinic.write_text(
        "id: north\nname: North\nescalation_webhook: https://clinic.example/hook\n"
        "escalation_secret: WEBHOOK_SECRET_NORTH\n"
    )
    with pytest.raises(ClinicConfigError, match="escalation_secret"):
        load_clinic_file(clinic)  # the variable is not set

    monkeypatch.setenv("WEBHOOK_SECRET_NORTH", "a-long-enough-signing-secret")
    target = load_clinic_file(clinic).webhook_target()
    assert target is not None and target.secret == "a-long-enough-signing-secret"


def test_local_testing_may_allow_a_private_http_webhook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALLOW_PRIVATE_WEBHOOKS", "true")
    monkeypatch.setenv("WEBHOOK_SECRET_LOCAL", "a-long-enough-signing-secret")
    clinic = tmp_path / "local.yml"
    clinic.write_text(
        "id: local\nname: Local\nescalation_webhook: http://127.0.0.1:9000/hook\n"
        "escalation_secret: WEBHOOK_SECRET_LOCAL\n"
    )
    assert load_clinic_file(clinic).webhook_target() is not None
