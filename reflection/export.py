"""Stored reflections as JSON Lines (everything, nested) or CSV (one row per reflection, for spreadsheets)."""

import csv
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TextIO

from reflection.items import load_item_bank
from reflection.storage.repository import ReflectionRecord

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


def _words_items() -> frozenset[str]:
    """Items whose value is the client's own words (free text), withheld like raw text."""
    return frozenset(item.slot for item in load_item_bank().items if item.kind == "text")


def reflection_to_dict(record: ReflectionRecord, *, include_raw_text: bool = False) -> dict[str, Any]:
    """One reflection; the client's own words (raw text and free-text values) only with include_raw_text."""
    words_items = _words_items()
    answers: dict[str, dict[str, Any]] = {}
    for item, answer in record.answers.items():
        withheld = item in words_items and not include_raw_text
        answers[item] = {"value": None if withheld else answer.value, "answered_at": _iso(answer.answered_at)}
        if withheld:
            answers[item]["words_withheld"] = True
        if include_raw_text:
            answers[item]["raw_text"] = answer.raw_text
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


def write_jsonl(
    records: Iterable[ReflectionRecord], output: TextIO, *, include_raw_text: bool = False
) -> int:
    """One JSON object per reflection and line; returns how many were written."""
    count = 0
    for record in records:
        output.write(
            json.dumps(reflection_to_dict(record, include_raw_text=include_raw_text), ensure_ascii=False)
        )
        output.write("\n")
        count += 1
    return count


def write_csv(
    records: Iterable[ReflectionRecord],
    output: TextIO,
    *,
    items: Sequence[str] | None = None,
    include_raw_text: bool = False,
) -> int:
    """One row per reflection with a column per item's value; free-text items are empty unless
    include_raw_text, since their value is the client's own words.

    Columns follow the item bank's order unless `items` is given; answers to other items are left out."""
    item_columns = tuple(items) if items is not None else load_item_bank().slots
    withheld = frozenset() if include_raw_text else _words_items()
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
            record.answers[item].value if item in record.answers and item not in withheld else None
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
