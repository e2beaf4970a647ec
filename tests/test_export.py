import csv
import io
import json
from datetime import datetime, timezone

from reflection.export import csv_safe, write_csv, write_jsonl
from reflection.items import load_item_bank
from reflection.storage.repository import AnswerRecord, ReflectionRecord
from tests.contract import CONTRACT_SLOTS

# The column order the exports promise; the item bank may add items between them.
PROMISED_ITEM_ORDER = list(CONTRACT_SLOTS)
STARTED = datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc)
COMPLETED = datetime(2026, 3, 1, 9, 42, tzinfo=timezone.utc)


def answer(item: str, value: int | str, raw_text: str | None = None) -> AnswerRecord:
    return AnswerRecord(item=item, value=value, raw_text=raw_text, answered_at=STARTED)


def reflection(record_id: int = 1, **answers: AnswerRecord) -> ReflectionRecord:
    return ReflectionRecord(
        id=record_id,
        client_id="a" * 64,
        clinic="north-clinic",
        mode="self",
        status="complete",
        started_at=STARTED,
        updated_at=COMPLETED,
        completed_at=COMPLETED,
        answers=dict(answers),
        next_steps=["ask_for_depth", "share_goals"],
    )


def csv_rows(*records: ReflectionRecord, include_raw_text: bool = False) -> list[dict[str, str]]:
    output = io.StringIO()
    write_csv(records, output, include_raw_text=include_raw_text)
    return list(csv.DictReader(io.StringIO(output.getvalue())))


def test_jsonl_has_one_object_per_reflection_with_nested_answers_and_words() -> None:
    output = io.StringIO()
    words = 'We talk about the week. "Homework" feels generic 😕\nSecond line'

    count = write_jsonl(
        [
            reflection(1, depth=answer("depth", 2, words)),
            reflection(2, sessions_so_far=answer("sessions_so_far", "early")),
        ],
        output,
        include_raw_text=True,
    )

    lines = output.getvalue().splitlines()
    assert count == 2 and len(lines) == 2
    first = json.loads(lines[0])
    assert first["answers"] == {"depth": {"value": 2, "raw_text": words, "answered_at": STARTED.isoformat()}}
    assert first["next_steps"] == ["ask_for_depth", "share_goals"]
    assert first["completed_at"] == "2026-03-01T09:42:00+00:00"
    assert json.loads(lines[1])["answers"]["sessions_so_far"]["value"] == "early"
    assert "😕" in lines[0]


def test_jsonl_leaves_out_the_clients_words_by_default() -> None:
    output = io.StringIO()
    hopes = answer("hopes", "to talk to Morag about my dad", "to talk to Morag about my dad")

    write_jsonl([reflection(depth=answer("depth", 2, "private"), hopes=hopes)], output)

    answers = json.loads(output.getvalue())["answers"]
    assert answers["depth"] == {"value": 2, "answered_at": STARTED.isoformat()}
    assert answers["hopes"] == {"value": None, "answered_at": STARTED.isoformat(), "words_withheld": True}
    assert "private" not in output.getvalue() and "Morag" not in output.getvalue()


def test_csv_leaves_free_text_answers_empty_unless_asked() -> None:
    hopes = answer("hopes", "to talk to Morag", "to talk to Morag")
    withheld, included = io.StringIO(), io.StringIO()

    write_csv([reflection(hopes=hopes)], withheld)
    write_csv([reflection(hopes=hopes)], included, include_raw_text=True)

    assert "Morag" not in withheld.getvalue() and "Morag" in included.getvalue()


def test_csv_has_a_column_per_item_in_item_bank_order_then_next_steps() -> None:
    output = io.StringIO()

    write_csv([], output)

    header = next(csv.reader(io.StringIO(output.getvalue())))
    item_columns = header[header.index("sessions_so_far") : header.index("next_steps")]
    assert header[:2] == ["id", "client_id"] and header[-1] == "next_steps"
    assert item_columns == list(load_item_bank().slots)
    assert [column for column in item_columns if column in PROMISED_ITEM_ORDER] == PROMISED_ITEM_ORDER


def test_csv_row_holds_values_blanks_and_joined_next_steps() -> None:
    [row] = csv_rows(
        reflection(felt_heard=answer("felt_heard", 4, "mostly"), hopes=answer("hopes", "given")),
        include_raw_text=True,
    )

    assert row["felt_heard"] == "4"
    assert row["hopes"] == "given"
    assert row["depth"] == ""
    assert row["next_steps"] == "ask_for_depth;share_goals"
    assert row["completed_at"] == "2026-03-01T09:42:00+00:00"
    assert "mostly" not in row.values()


def test_csv_cells_that_look_like_formulas_are_defused() -> None:
    [row] = csv_rows(
        reflection(
            hopes=answer("hopes", '=HYPERLINK("http://evil.example","click")'),
            missing=answer("missing", "+1 more session"),
            sessions_so_far=answer("sessions_so_far", "@SUM(A1)"),
            raised_needs=answer("raised_needs", "-2"),
        ),
        include_raw_text=True,
    )

    assert row["hopes"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["missing"] == "'+1 more session"
    assert row["sessions_so_far"] == "'@SUM(A1)"
    assert row["raised_needs"] == "'-2"


def test_csv_safe_leaves_ordinary_text_alone() -> None:
    assert csv_safe("a = b") == "a = b"
    assert csv_safe(None) == ""
    assert csv_safe(5) == "5"
    assert csv_safe("\tindent") == "'\tindent"
