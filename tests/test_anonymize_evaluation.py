"""De-identification measured on the annotated splits; writes reports/anonymization.txt.

tests/anonymization/tuning.yml is what the recognizers were tuned on; test.yml was written blind by someone
else and is the measure. Targets on the test split: PII recall >= 0.98 and therapy words kept >= 0.97. The
first run missed the recall target (FIRST_RUN below), so that test is an expected failure, and floors at the
first-run figures catch any regression; the split must not be tuned on.
Run `python -m tests.test_anonymize_evaluation` to print the report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reflection.anonymize import get_anonymizer
from reflection.anonymize.engine import RedactedSpan, Redaction
from reflection.anonymize.evaluation import (
    DEFINITIONS,
    Example,
    Identifier,
    Scores,
    evaluate,
    format_table,
    load_split,
    presidio_baseline,
    score,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
SPLIT_DIR = REPO_ROOT / "tests" / "anonymization"
REPORT_PATH = REPO_ROOT / "reports" / "anonymization.txt"
TEST_SPLIT = "test"
RECALL_TARGET = 0.98
KEPT_TARGET = 0.97
# The blind test split's figures from the first run after the pipeline was final, kept as they were.
FIRST_RUN = (
    "First run on the blind test split (2026-12-02; pipeline final at d21b506, test.yml merged in 7b3ff30): "
    "PII recall 0.956 (215/225), kept 0.977 (426/436), F2 0.960, type accuracy 0.898. Recall target 0.98 "
    "MISSED, kept target 0.97 met. Presidio's defaults on the same split: recall 0.840, kept 0.823, F2 0.837."
)
# Floors at the first-run figures: a change that makes the blind split worse fails here.
TEST_SPLIT_RECALL_FLOOR = 0.955
TEST_SPLIT_KEPT_FLOOR = 0.975


def build_report() -> tuple[str, dict[str, Scores]]:
    anonymizer = get_anonymizer()
    baseline = presidio_baseline()
    sections = [
        "# " + FIRST_RUN,
        "De-identification (reflection/anonymize) on the annotated splits in tests/anonymization/.",
        f"Targets on the {TEST_SPLIT} split: PII recall >= {RECALL_TARGET}, kept >= {KEPT_TARGET}.",
        DEFINITIONS,
    ]
    scores: dict[str, Scores] = {}
    for path in sorted(SPLIT_DIR.glob("*.yml")):
        examples = load_split(path)
        scores[path.stem] = evaluate(examples, anonymizer.redact_many)
        ours = format_table(f"{path.stem} ({len(examples)} texts), this pipeline", scores[path.stem])
        theirs = format_table(
            f"{path.stem}, baseline: Presidio's default recognizers, same spaCy model",
            evaluate(examples, baseline),
            details=False,
        )
        sections += [ours, theirs]
    return "\n\n".join(sections) + "\n", scores


@pytest.fixture(scope="module")
def report() -> dict[str, Scores]:
    text, scores = build_report()
    REPORT_PATH.parent.mkdir(parents=True, exist_ok=True)
    REPORT_PATH.write_text(text, encoding="utf-8")
    return scores


def test_the_report_covers_every_split(report: dict[str, Scores]) -> None:
    text = REPORT_PATH.read_text(encoding="utf-8")

    assert "tuning" in report
    for split in report:
        assert f"{split}, baseline" in text


@pytest.mark.xfail(
    reason="recall target missed on the blind split's first run (0.956 < 0.98); see FIRST_RUN", strict=False
)
def test_targets_on_the_blind_test_split(report: dict[str, Scores]) -> None:
    if TEST_SPLIT not in report:
        pytest.skip("tests/anonymization/test.yml is not merged yet")
    scores = report[TEST_SPLIT]

    assert scores.recall >= RECALL_TARGET, format_table(TEST_SPLIT, scores)
    assert scores.kept_share >= KEPT_TARGET, format_table(TEST_SPLIT, scores)


def test_no_regression_on_the_blind_test_split(report: dict[str, Scores]) -> None:
    if TEST_SPLIT not in report:
        pytest.skip("tests/anonymization/test.yml is not merged yet")
    scores = report[TEST_SPLIT]

    assert scores.identifiers >= 50
    assert scores.recall >= TEST_SPLIT_RECALL_FLOOR, format_table(TEST_SPLIT, scores)
    assert scores.kept_share >= TEST_SPLIT_KEPT_FLOOR, format_table(TEST_SPLIT, scores)


def test_no_regression_on_the_tuning_split(report: dict[str, Scores]) -> None:
    # Tuned on, so not a result: this only catches a change that breaks what used to work.
    scores = report["tuning"]

    assert scores.recall >= RECALL_TARGET and scores.kept_share >= KEPT_TARGET, format_table("tuning", scores)


def test_the_tuning_split_is_big_enough() -> None:
    assert len(load_split(SPLIT_DIR / "tuning.yml")) >= 80


def test_scoring_counts_partial_redaction_as_a_miss_and_checks_keep_words() -> None:
    example = Example(
        "x1",
        "dr priya raman on tuesday, call 617-555-0142",
        (Identifier("priya raman", "PERSON"), Identifier("617-555-0142", "PHONE_NUMBER")),
        ("tuesday", "dr"),
    )
    text = example.text
    partly = Redaction("", text, (RedactedSpan(3, 8, "PERSON"), RedactedSpan(32, 44, "ID_NUMBER")))
    greedy = Redaction("", text, (RedactedSpan(0, 25, "PERSON"), RedactedSpan(32, 44, "PHONE_NUMBER")))

    partial = score([example], [partly])
    over = score([example], [greedy])

    assert (partial.caught, partial.identifiers, partial.kept, partial.typed) == (1, 2, 2, 0)
    assert (over.caught, over.kept, over.typed) == (2, 0, 2)
    assert over.recall == 1.0 and over.kept_share == 0.0 and over.f2 == 0.0
    assert partial.f2 == pytest.approx(5 * 1.0 * 0.5 / (4 * 1.0 + 0.5))


if __name__ == "__main__":
    print(build_report()[0])
