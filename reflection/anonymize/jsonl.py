"""The `reflect anonymize` filter: JSON lines in, the same lines out with identifiers replaced.

Contract: each input line is a JSON object with an "id" and a string "text". Each output line is the same
object (same keys in the same order, same id, other keys passed through untouched) with "text" anonymized.
A line that breaks the contract is reported on stderr by its line number, never by its content, and left
out; the other lines are still processed, and the run ends with a failure status.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO

DEFAULT_BATCH_SIZE = 64


@dataclass
class FilterReport:
    written: int = 0
    bad_lines: int = 0


def anonymize_jsonl(
    lines: Iterable[bytes],
    output: TextIO,
    errors: TextIO,
    anonymize_many: Callable[[Sequence[str]], list[str]],
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> FilterReport:
    report = FilterReport()
    batch: list[dict] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        record, problem = _parse(raw)
        if problem:
            report.bad_lines += 1
            print(f"reflect anonymize: line {number}: {problem}; line skipped", file=errors)
            continue
        batch.append(record)
        if len(batch) >= batch_size:
            report.written += _flush(batch, output, anonymize_many)
            batch = []
    if batch:
        report.written += _flush(batch, output, anonymize_many)
    return report


def _parse(raw: bytes) -> tuple[dict, str]:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        return {}, "not valid UTF-8"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        # The message says where the JSON broke; the doc (the client's words) is not repeated.
        return {}, f"not valid JSON ({error.msg} at column {error.colno})"
    except RecursionError:
        return {}, "not valid JSON (nested too deeply)"
    if not isinstance(record, dict):
        return {}, "expected a JSON object with an id and a text"
    if "id" not in record:
        return {}, 'the object has no "id"'
    if not isinstance(record.get("text"), str):
        return {}, '"text" is missing or not a string'
    return record, ""


def _flush(batch: list[dict], output: TextIO, anonymize_many: Callable[[Sequence[str]], list[str]]) -> int:
    texts = anonymize_many([record["text"] for record in batch])
    for record, text in zip(batch, texts, strict=True):
        record["text"] = text
        try:
            line = json.dumps(record, ensure_ascii=False)
            line.encode("utf-8")
        except UnicodeEncodeError:
            # A lone surrogate in a passed-through field cannot be written as UTF-8; escape it instead.
            line = json.dumps(record, ensure_ascii=True)
        output.write(line + "\n")
    output.flush()
    return len(batch)
