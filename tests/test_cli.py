import csv
import io
import json
import stat
from pathlib import Path

import pytest

from reflection.cli import main
from reflection.storage.database import upgrade
from reflection.storage.repository import ReflectionStore


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'var' / 'reflection.db'}"
    upgrade(url)
    store = ReflectionStore.from_url(url)
    store.record_answer("client-a", "depth", 2, "=we stay on the surface")
    store.complete("client-a", ["ask_for_depth", "share_goals"])
    store.record_answer("client-b", "felt_heard", 4, "mostly")
    store.pause("client-b")
    store.close()
    return url


def test_db_upgrade_creates_the_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database_file = tmp_path / "new" / "reflection.db"

    assert main(["db", "upgrade", "--database-url", f"sqlite:///{database_file}"]) == 0
    assert main(["db", "upgrade", "--database-url", f"sqlite:///{database_file}"]) == 0

    assert database_file.exists()
    assert "up to date" in capsys.readouterr().err


def test_database_url_comes_from_the_environment(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)

    assert main(["export", "--format", "jsonl"]) == 0

    assert json.loads(capsys.readouterr().out)["client_id"] == "client-a"


def test_export_jsonl_to_a_private_file(database_url: str, tmp_path: Path) -> None:
    output = tmp_path / "export.jsonl"

    exit_code = main(["export", "--format", "jsonl", "--output", str(output), "--database-url", database_url])

    assert exit_code == 0
    [exported] = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert exported["status"] == "complete"
    assert "raw_text" not in exported["answers"]["depth"]  # the client's words only when asked for
    assert "surface" not in output.read_text(encoding="utf-8")
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert [path.name for path in tmp_path.iterdir() if path.name.endswith(".partial")] == []


def test_export_holds_the_clients_words_only_when_asked(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--format", "jsonl", "--include-raw-text", "--database-url", database_url]) == 0

    captured = capsys.readouterr()
    assert json.loads(captured.out)["answers"]["depth"]["raw_text"] == "=we stay on the surface"
    assert "own words" in captured.err


def test_export_csv_to_standard_output_by_status(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--format", "csv", "--status", "all", "--database-url", database_url]) == 0

    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(row["client_id"], row["status"]) for row in rows] == [
        ("client-a", "complete"),
        ("client-b", "partial"),
    ]
    assert rows[0]["depth"] == "2" and rows[0]["next_steps"] == "ask_for_depth;share_goals"
    assert rows[1]["felt_heard"] == "4"


@pytest.mark.parametrize(("status", "clients"), [("complete", ["client-a"]), ("partial", ["client-b"])])
def test_export_filters_by_status(
    database_url: str, capsys: pytest.CaptureFixture[str], status: str, clients: list[str]
) -> None:
    assert main(["export", "--format", "jsonl", "--status", status, "--database-url", database_url]) == 0

    assert [json.loads(line)["client_id"] for line in capsys.readouterr().out.splitlines()] == clients


def test_export_from_a_database_never_upgraded_fails_with_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code = main(["export", "--format", "csv", "--database-url", f"sqlite:///{tmp_path / 'empty.db'}"])

    assert exit_code == 1
    assert "reflect db upgrade" in capsys.readouterr().err


def test_unreachable_database_fails_without_showing_the_password(capsys: pytest.CaptureFixture[str]) -> None:
    exit_code = main(
        ["db", "upgrade", "--database-url", "postgresql://someone:hunter2@127.0.0.1:1/reflection"]
    )

    error = capsys.readouterr().err
    assert exit_code == 1
    assert "DATABASE_URL points to an unreachable database" in error
    assert "hunter2" not in error


def test_export_to_a_missing_folder_fails_cleanly(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "missing" / "export.csv"

    exit_code = main(["export", "--format", "csv", "--output", str(output), "--database-url", database_url])

    assert exit_code == 1
    assert f"cannot write {output}" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [[], ["export"], ["export", "--format", "xml"], ["db"], ["db", "downgrade"], ["frobnicate"]]
)
def test_bad_usage_exits_with_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "usage:" in capsys.readouterr().err


def test_help_exits_with_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--help"]) == 0
    assert "--format" in capsys.readouterr().out
