"""De-identification measured on the annotated splits; writes reports/anonymization.txt.

tests/anonymization/tuning.yml is what the recognizers are tuned on. Each blind split was written blind by
someone else; its result is its FIRST run after the pipeline was final, recorded in BLIND_SPLITS and never
re-taken. The newest blind split is the measure: targets PII recall >= 0.98 and therapy words kept >= 0.97
(an expected failure if its first run missed them), and floors at its first-run figures catch a regression.
An older blind split is used up: once the next round tunes on it, it is only a regression guard.
Run `python -m tests.test_anonymize_evaluation` to print the report.
"""

from __future__ import annotations

from dataclasses import dataclass
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
RECALL_TARGET = 0.98
KEPT_TARGET = 0.97


@dataclass(frozen=True)
class BlindSplit:
    name: str
    # The figures of the first run after the pipeline was final, kept as they were.
    first_run: str
    # A later round tuned on this split: its figures are no longer a result, only a regression guard.
    tuned_on: bool
    recall_floor: float
    kept_floor: float
    target_missed: bool


BLIND_SPLITS = (
    BlindSplit(
        name="test",
        first_run=(
            "First run on the blind split test.yml (2026-12-02; pipeline final at d21b506, test.yml merged "
            "in 7b3ff30): PII recall 0.956 (215/225), kept 0.977 (426/436), F2 0.960, type accuracy 0.898. "
            "Recall target 0.98 MISSED, kept target 0.97 met. Presidio's defaults on the same split: recall "
            "0.840, kept 0.823, F2 0.837. Tuned on from the second round (branch anon2): no longer a result."
        ),
        tuned_on=True,
        recall_floor=RECALL_TARGET,
        kept_floor=KEPT_TARGET,
        target_missed=True,
    ),
    BlindSplit(
        name="test_v2",
        first_run=(
            "First run on the blind split test_v2.yml (2026-12-02; pipeline final at 1c6e451, test_v2.yml "
            "merged in 4ce43f6): PII recall 0.980 (295/301), kept 0.989 (462/467), F2 0.982, type accuracy "
            "0.868. Recall target 0.98 met, by one identifier (294/301 would have missed it); kept target "
            "0.97 met. Presidio's defaults on the same split: recall 0.771, kept 0.758, F2 0.768."
        ),
        tuned_on=False,
        recall_floor=0.98,
        kept_floor=0.988,
        target_missed=False,
    ),
)
# The newest blind split is the measure.
MEASURE = BLIND_SPLITS[-1]


def build_report() -> tuple[str, dict[str, Scores]]:
    anonymizer = get_anonymizer()
    baseline = presidio_baseline()
    tuned = ["tuning", *(split.name for split in BLIND_SPLITS if split.tuned_on)]
    sections = [
        *("# " + split.first_run for split in reversed(BLIND_SPLITS)),
        "De-identification (reflection/anonymize) on the annotated splits in tests/anonymization/.",
        f"Targets on the newest blind split, {MEASURE.name}: PII recall >= {RECALL_TARGET}, kept >= "
        f"{KEPT_TARGET}. Tuned on (figures that are no result): {', '.join(tuned)}.",
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
    for blind in BLIND_SPLITS:
        assert blind.first_run in text


@pytest.mark.xfail(
    condition=MEASURE.target_missed,
    reason=f"a target was missed on the first run of the newest blind split, {MEASURE.name} (BLIND_SPLITS)",
    strict=False,
)
def test_targets_on_the_newest_blind_split(report: dict[str, Scores]) -> None:
    if MEASURE.name not in report:
        pytest.skip(f"tests/anonymization/{MEASURE.name}.yml is not merged yet")
    scores = report[MEASURE.name]

    assert scores.recall >= RECALL_TARGET, format_table(MEASURE.name, scores)
    assert scores.kept_share >= KEPT_TARGET, format_table(MEASURE.name, scores)


@pytest.mark.parametrize("blind", BLIND_SPLITS, ids=lambda blind: blind.name)
def test_no_regression_on_a_blind_split(report: dict[str, Scores], blind: BlindSplit) -> None:
    if blind.name not in report:
        pytest.skip(f"tests/anonymization/{blind.name}.yml is not merged yet")
    scores = report[blind.name]

    assert scores.identifiers >= 50
    assert scores.recall >= blind.recall_floor, format_table(blind.name, scores)
    assert scores.kept_share >= blind.kept_floor, format_table(blind.name, scores)


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
