"""The `reflect` commands around the console: create-staff, ingest, exports (FHIR included), purge by
retention, the audit log and candidate cases."""

import io
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select, update

from reflection.audit import AuditLog
from reflection.cli import main
from reflection.clinics import load_clinics
from reflection.pseudonym import pseudonymize
from reflection.staff import StaffDirectory
from reflection.storage.database import make_engine, upgrade
from reflection.storage.models import AnonymizationCandidate, Answer, TranscriptTurn
from reflection.storage.repository import ReflectionStore
from tests.tracker_events import TrackerDatabase, bot, session_started, slot, user

SECRET = "a-pseudonym-secret-for-cli-tests"
ROOT = Path(__file__).resolve().parent.parent
DAY = 86400.0


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    clinics = tmp_path / "clinics"
    clinics.mkdir()
    (clinics / "default.yml").write_text("id: default\nname: Reflection\nretention_days: 30\n")
    (clinics / "north.yml").write_text("id: north\nname: North Clinic\nretention_days: 7\n")
    (clinics / "south.yml").write_text("id: south\nname: South Clinic\n")
    monkeypatch.setenv("CLINICS_DIR", str(clinics))
    monkeypatch.setenv("PSEUDONYM_SECRET", SECRET)
    load_clinics.cache_clear()
    database_url = f"sqlite:///{tmp_path / 'reflection.db'}"
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    upgrade(database_url)
    yield {"database_url": database_url, "tracker_url": tracker_url}
    load_clinics.cache_clear()


def test_create_staff_reads_the_password_from_standard_input(
    setup: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    url = setup["database_url"]

    assert (
        main(
            [
                "create-staff",
                "--username",
                "Ada",
                "--clinic",
                "north",
                "--role",
                "admin",
                "--database-url",
                url,
            ]
        )
        == 0
    )

    engine = make_engine(url)
    directory = StaffDirectory(engine)
    assert directory.sign_in("ada", "a long enough password", "127.0.0.1") is not None
    [entry] = AuditLog(engine).entries("north")
    assert (entry.actor, entry.action) == ("cli", "staff.create")
    engine.dispose()
    assert "Created admin 'ada' for clinic 'north'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "password", "message"),
    [
        (
            ["--clinic", "nowhere", "--role", "admin"],
            "a long enough password",
            "There is no clinic 'nowhere'",
        ),
        (["--clinic", "north", "--role", "reviewer"], "short", "at least 12 characters"),
    ],
)
def test_create_staff_refuses_with_a_clear_message(
    setup: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    password: str,
    message: str,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))

    assert main(["create-staff", "--username", "bo", *argv, "--database-url", setup["database_url"]]) == 1
    assert message in capsys.readouterr().err


def test_the_same_username_twice_is_refused(setup: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    argv = ["create-staff", "--username", "bo", "--clinic", "north", "--role", "reviewer"]
    for expected in (0, 1):
        monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
        assert main([*argv, "--database-url", setup["database_url"]]) == expected


def reflections(url: str) -> None:
    store = ReflectionStore.from_url(url)
    store.record_answer(
        "client-north",
        "felt_heard",
        2,
        "not really, Dr. Priya Raman talks over me",
        clinic="north",
        mode="clinic_intake",
    )
    store.record_answer(
        "client-north",
        "hopes",
        "to feel heard by Priya Raman",
        "to feel heard",
        clinic="north",
        mode="clinic_intake",
    )
    store.complete("client-north", ["talk_to_therapist"], clinic="north", mode="clinic_intake")
    store.record_answer("client-self", "felt_heard", 5, "yes")
    store.record_answer("client-self", "homework_fit", "none", "there is no homework")
    store.complete("client-self", ["keep_going"])
    store.close()


def test_fhir_export_is_a_valid_bundle_with_anonymized_words_and_is_audited(
    setup: dict[str, str], tmp_path: Path
) -> None:
    url = setup["database_url"]
    reflections(url)
    output = tmp_path / "bundle.json"

    assert (
        main(
            [
                "export",
                "--format",
                "fhir",
                "--clinic",
                "north",
                "--output",
                str(output),
                "--database-url",
                url,
            ]
        )
        == 0
    )

    text = output.read_text(encoding="utf-8")
    bundle = Bundle.model_validate_json(text)
    assert bundle.type == "collection"
    kinds = [entry.resource.__resource_type__ for entry in bundle.entry]
    assert kinds == ["Questionnaire", "Questionnaire", "QuestionnaireResponse"]
    response = json.loads(text)["entry"][2]["resource"]
    assert response["questionnaire"].endswith("/Questionnaire/intake|1")  # it came through a clinic
    assert response["status"] == "completed"
    answers = {item["linkId"]: item["answer"][0] for item in response["item"]}
    assert answers["felt-heard"]["valueCoding"]["code"] == "2"
    assert "<PERSON>" in answers["hopes"]["valueString"]
    assert "Priya" not in text and "Raman" not in text
    engine = make_engine(url)
    [entry] = [entry for entry in AuditLog(engine).entries(None) if entry.action == "export"]
    engine.dispose()
    assert entry.target == "fhir" and entry.clinic == "north" and entry.detail["reflections"] == 1


def test_export_by_clinic_and_date(setup: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    url = setup["database_url"]
    reflections(url)

    assert main(["export", "--format", "jsonl", "--clinic", "default", "--database-url", url]) == 0
    assert [json.loads(line)["clinic"] for line in capsys.readouterr().out.splitlines()] == [None]

    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).date().isoformat()
    assert main(["export", "--format", "csv", "--since", tomorrow, "--database-url", url]) == 0
    assert capsys.readouterr().out.count("\n") == 1  # the header only

    assert main(["export", "--format", "csv", "--since", "yesterday", "--database-url", url]) == 2


def test_ingest_anonymizes_consented_conversations_with_the_real_engine(
    setup: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    tracker = TrackerDatabase(setup["tracker_url"])
    tracker.save("sender-a", [session_started(), slot("clinic_id", "north"), slot("consent", True)])
    tracker.save(
        "sender-a", [user("my therapist Dr. Priya Raman in Boston never listens"), bot("I'm sorry.")]
    )
    tracker.save("sender-b", [session_started(), user("I'm Priya Raman"), bot("Hi.")])
    tracker.close()
    argv = ["ingest", "--database-url", setup["database_url"], "--tracker-db-url", setup["tracker_url"]]

    assert main(argv) == 0
    assert main(argv) == 0

    engine = make_engine(setup["database_url"])
    with engine.connect() as connection:
        turns = connection.execute(select(TranscriptTurn.client_id, TranscriptTurn.text_anonymized)).all()
    engine.dispose()
    assert {client for client, _ in turns} == {pseudonymize("sender-a", SECRET)}
    assert len(turns) == 2
    assert "Priya" not in turns[0][1] and "Boston" not in turns[0][1] and "<PERSON>" in turns[0][1]
    assert "2 transcript turn(s)" in capsys.readouterr().err


def test_ingest_watch_keeps_anonymizing_until_stopped(setup: dict[str, str]) -> None:
    """The production shape's ingest process: passes every few seconds, new words copied, SIGTERM ends it."""
    tracker = TrackerDatabase(setup["tracker_url"])
    tracker.save("sender-a", [session_started(), slot("clinic_id", "north"), slot("consent", True)])
    tracker.save("sender-a", [user("my therapist Dr. Priya Raman never listens"), bot("I'm sorry.")])
    command = [
        sys.executable,
        "-m",
        "reflection.cli",
        "ingest",
        "--watch",
        "--every",
        "0.2",
        "--database-url",
        setup["database_url"],
        "--tracker-db-url",
        setup["tracker_url"],
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )

    def copies(count: int) -> list[str]:
        deadline = time.monotonic() + 120  # the first pass loads spaCy
        while time.monotonic() < deadline and process.poll() is None:
            engine = make_engine(setup["database_url"])
            with engine.connect() as connection:
                texts = list(connection.scalars(select(TranscriptTurn.text_anonymized)))
            engine.dispose()
            if len(texts) >= count:
                return texts
            time.sleep(0.3)
        raise AssertionError(f"not {count} copies in time; the process said: {process.stdout.read()}")

    try:
        assert "Priya" not in copies(2)[0]
        tracker.save("sender-a", [user("and in Boston it is the same"), bot("Thanks.")])
        later = copies(4)
        assert any("<LOCATION>" in text for text in later) and not any("Boston" in text for text in later)
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        tracker.close()
    assert process.returncode == 0
    assert "Ingest process running" in output and "Ingest process stopped after" in output


def age(url: str, days: float) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            update(Answer).values(answered_at=datetime.now(timezone.utc) - timedelta(days=days))
        )
    engine.dispose()


def test_purge_removes_exact_words_past_each_clinics_retention_and_keeps_the_copies(
    setup: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    url, tracker_url = setup["database_url"], setup["tracker_url"]
    tracker = TrackerDatabase(tracker_url)
    old = time.time() - 10 * DAY
    for sender, clinic in (("sender-north", "north"), ("sender-south", "south")):
        tracker.save(sender, [session_started(), slot("clinic_id", clinic), slot("consent", True)], at=old)
        tracker.save(sender, [user("an old message about Priya"), bot("Thanks.")], at=old)
        tracker.save(sender, [session_started(), slot("clinic_id", clinic), slot("consent", True)])
        tracker.save(sender, [user("a message from today"), bot("Thanks.")])
    reflections(url)
    assert main(["ingest", "--database-url", url, "--tracker-db-url", tracker_url]) == 0
    tracker.save("sender-north", [user("said after the ingest ran")], at=old)  # not copied yet: kept
    age(url, 10)

    assert main(["purge", "--database-url", url, "--tracker-db-url", tracker_url]) == 0

    report = capsys.readouterr().err
    north_texts = [event.get("text") for event in tracker.events("sender-north")]
    assert "an old message about Priya" not in north_texts  # past north's 7 days
    assert "a message from today" in north_texts  # the current session stays whole
    assert "said after the ingest ran" in north_texts  # never removed before it is anonymized
    assert "an old message about Priya" in [event.get("text") for event in tracker.events("sender-south")]
    assert "Removed 5 raw conversation event(s) past north's retention." in report
    assert "not anonymized yet" in report
    store = ReflectionStore.from_url(url)
    north = store.latest_completed("client-north").answers
    assert north["felt_heard"].raw_text is None and north["felt_heard"].raw_text_anonymized
    assert "Priya" not in north["hopes"].value and "<PERSON>" in north["hopes"].value
    assert store.latest_completed("client-self").answers["felt_heard"].raw_text == "yes"  # 30 days there
    store.close()
    engine = make_engine(url)
    with engine.connect() as connection:
        texts = [row[0] for row in connection.execute(select(TranscriptTurn.text_anonymized))]
    engine.dispose()
    assert "an old message about <PERSON>" in texts  # the anonymized copy stays
    tracker.close()

    assert main(["purge", "--database-url", url, "--tracker-db-url", tracker_url]) == 0  # again: a no-op
    assert "Removed" not in capsys.readouterr().err.split("without consent")[1].split("not anonymized")[0]


def test_candidates_leave_only_with_a_surrogate(setup: dict[str, str], tmp_path: Path) -> None:
    url = setup["database_url"]
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            AnonymizationCandidate.__table__.insert().values(
                client_id="c",
                clinic="north",
                entity_type="PERSON",
                identifier="Morag",
                context="I told Morag about <PERSON> on Tuesday",
                created_by="rev",
                created_at=datetime.now(timezone.utc),
            )
        )
    engine.dispose()
    output = tmp_path / "candidates.yml"

    assert main(["candidates", "--output", str(output), "--database-url", url]) == 0

    [case] = yaml.safe_load(output.read_text(encoding="utf-8"))["texts"]
    assert "Morag" not in output.read_text(encoding="utf-8")
    surrogate = case["pii"][0]["text"]
    assert len(surrogate) == 5 and surrogate[0].isupper() and surrogate in case["text"]
    assert case["text"].startswith("I told ") and case["text"].endswith(" about <PERSON> on Tuesday")
