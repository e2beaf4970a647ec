"""Stored reflections as JSON Lines (everything, nested) or CSV (one row per reflection, for spreadsheets).

Only anonymized text leaves the system: a free-text answer is exported as its anonymized copy and the words
around a rated answer as theirs. An answer whose copy is not made yet is exported without words and marked
``words_pending``; `reflect export` makes the missing copies first, so the CLI's exports are complete."""

import csv
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TextIO

from reflection.items import load_item_bank
from reflection.storage.repository import AnswerRecord, ReflectionRecord

# Spreadsheets run cells starting with these as formulas (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_LEADING_COLUMNS = (
    "id",
    "client_id",
    "clinic",
    "mode",
    "status",
    "started_at",
    "updated_at",
    "completed_at",
)
NEXT_STEP_SEPARATOR = ";"


def words_items() -> frozenset[str]:
    """Items whose value is the client's own words (free text): exported only as anonymized copies."""
    return frozenset(item.slot for item in load_item_bank().items if item.kind == "text")


def exported_value(answer: AnswerRecord, words_items: frozenset[str]) -> int | str | None:
    """The value as it may leave the system: a free-text value only as its anonymized copy."""
    if answer.item in words_items:
        return answer.value_anonymized
    return answer.value


def is_pending(answer: AnswerRecord, words_items: frozenset[str]) -> bool:
    """The answer holds words whose anonymized copy is not made yet."""
    if answer.item in words_items and answer.value_anonymized is None:
        return True
    return bool(answer.raw_text) and answer.raw_text_anonymized is None


def reflection_to_dict(record: ReflectionRecord) -> dict[str, Any]:
    """One reflection, with anonymized words only."""
    text_items = words_items()
    answers: dict[str, dict[str, Any]] = {}
    for item, answer in record.answers.items():
        pending = is_pending(answer, text_items)
        answers[item] = {
            "value": exported_value(answer, text_items),
            "words": answer.raw_text_anonymized,
            "answered_at": _iso(answer.answered_at),
        }
        if pending:
            answers[item]["words_pending"] = True
    return {
        "id": record.id,
        "client_id": record.client_id,
        "clinic": record.clinic,
        "mode": record.mode,
        "status": record.status,
        "started_at": _iso(record.started_at),
        "updated_at": _iso(record.updated_at),
        "completed_at": _iso(record.completed_at),
        "answers": answers,
        "next_steps": list(record.next_steps),
    }


def write_jsonl(records: Iterable[ReflectionRecord], output: TextIO) -> int:
    """One JSON object per reflection and line; returns how many were written."""
    count = 0
    for record in records:
        output.write(json.dumps(reflection_to_dict(record), ensure_ascii=False))
        output.write("\n")
        count += 1
    return count


def write_csv(
    records: Iterable[ReflectionRecord], output: TextIO, *, items: Sequence[str] | None = None
) -> int:
    """One row per reflection with a column per item's value (free text as its anonymized copy).

    Columns follow the item bank's order unless `items` is given; answers to other items are left out."""
    item_columns = tuple(items) if items is not None else load_item_bank().slots
    text_items = words_items()
    writer = csv.writer(output)
    writer.writerow([*CSV_LEADING_COLUMNS, *item_columns, "next_steps"])
    count = 0
    for record in records:
        leading = (
            record.id,
            record.client_id,
            record.clinic,
            record.mode,
            record.status,
            _iso(record.started_at),
            _iso(record.updated_at),
            _iso(record.completed_at),
        )
        values = (
            exported_value(record.answers[item], text_items) if item in record.answers else None
            for item in item_columns
        )
        row = [*leading, *values, NEXT_STEP_SEPARATOR.join(record.next_steps)]
        writer.writerow([csv_safe(cell) for cell in row])
        count += 1
    return count


def csv_safe(cell: object) -> str:
    """The cell as text, with a leading ' if a spreadsheet would otherwise read it as a formula."""
    if cell is None:
        return ""
    text = str(cell)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
