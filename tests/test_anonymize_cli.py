"""`reflect anonymize`: the JSON-lines filter contract (stdin to stdout, ids and keys kept, bad lines)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reflection.cli import main

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_filter(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data: bytes, *args: str
) -> tuple[int, list[str], str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code = main(["anonymize", *args])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def jsonl(*records: object) -> bytes:
    return "".join(json.dumps(record) + "\n" for record in records).encode("utf-8")


def test_lines_come_back_in_order_with_ids_keys_and_placeholders(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    records = [
        {"id": 7, "text": "my therapist dr. priya raman, call 617-555-0142", "clinic": "c1"},
        {"text": "every tuesday after 6pm we do cbt", "id": "b-2", "meta": {"turn": 3}},
        {"id": None, "text": ""},
    ]

    code, lines, _ = run_filter(monkeypatch, capsys, jsonl(*records), "--batch-size", "2")

    assert code == 0
    out = [json.loads(line) for line in lines]
    assert [record["id"] for record in out] == [7, "b-2", None]
    assert [list(record) for record in out] == [list(record) for record in records]
    assert out[0] == {"id": 7, "text": "my therapist dr. <PERSON>, call <PHONE_NUMBER>", "clinic": "c1"}
    assert out[1] == records[1]
    assert out[2]["text"] == ""


def test_bad_lines_are_reported_by_number_without_their_text_and_the_rest_still_flows(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = b"".join(
        [
            jsonl({"id": 1, "text": "my sister becca"}),
            b"{not json, my sister becca\n",
            jsonl({"id": 3, "text": 42}),
            jsonl(["a", "list"]),
            jsonl({"text": "no id for priya"}),
            b"\xff\xfe invalid utf-8 becca\n",
            b"\n",
            jsonl({"id": 8, "text": "call 07700 900123"}),
        ]
    )

    code, lines, err = run_filter(monkeypatch, capsys, data)

    assert code == 1
    assert [json.loads(line) for line in lines] == [
        {"id": 1, "text": "my sister <PERSON>"},
        {"id": 8, "text": "call <PHONE_NUMBER>"},
    ]
    for number in (2, 3, 4, 5, 6):
        assert f"line {number}:" in err
    assert "line 7" not in err
    assert "becca" not in err and "priya" not in err
    assert "2 line(s); 5 bad line(s) skipped" in err


def test_non_ascii_stays_readable_and_lone_surrogates_do_not_break_output(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = b'{"id": 1, "text": "\\ud800 \xf0\x9f\x98\x94 my sister becca", "note": "\\udfff"}\n'

    code, lines, _ = run_filter(monkeypatch, capsys, data)

    assert code == 0
    [record] = [json.loads(line) for line in lines]
    assert record["text"] == "\ufffd 😔 my sister <PERSON>"
    assert record["note"] == "\udfff"


def test_batch_size_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["anonymize", "--batch-size", "0"]) == 2
    assert "must be 1 or more" in capsys.readouterr().err


def test_the_installed_command_filters_a_real_pipe() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    reflect = Path(sys.executable).with_name("reflect")
    command = [str(reflect)] if reflect.exists() else [sys.executable, "-m", "reflection.cli"]

    completed = subprocess.run(
        [*command, "anonymize"],
        input=jsonl({"id": "x", "text": "email me at jess.m@yahoo.co.uk on monday"}),
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr.decode()
    assert json.loads(completed.stdout) == {"id": "x", "text": "email me at <EMAIL_ADDRESS> on monday"}
