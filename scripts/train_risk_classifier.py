"""Train the semantic risk classifier and choose its tier thresholds (run by `make train`).

    .venv/bin/python scripts/train_risk_classifier.py [--out models/risk_classifier.npz]

1. Training data: data/safety/train.yml, plus every non-risk example in data/nlu/ as `none`; each example is
   also placed inside a typical answer ("2, ...", "no homework. ...") so disclosures embedded in answers
   are learned, and so an answer's opening is no sign of risk by itself. The pieces of every `none` example
   (split at sentence ends, commas, "and", "but", ...) are added as `none` too: a message is also scored
   sentence by sentence, and a piece of an ordinary message ("I used to cut", from "I used to cut but not
   for years") must not look like a disclosure on its own.
2. Fit: softmax regressions on the sentence vectors and on the hashed words, deterministic
   (reflection/risk_model.py).
3. Thresholds, on data/safety/validation.yml only, each message scored as in the live pipeline (whole and
   sentence by sentence), with the net in front:
   - crisis: the lowest score at which crisis responses to the validation negatives stay within
     MAX_CRISIS_RATE_ON_NEGATIVES;
   - check-in: the lowest score (below the crisis one) at which check-ins on the validation negatives stay
     within MAX_CHECK_IN_RATE_ON_NEGATIVES.
   Both limits sit well under the targets (3% and 10%) to leave room for phrasings nobody has written yet.
   A larger check-in budget was weighed in round 4: on the validation split 7-10% bought at most one more
   disclosure for up to 12 more check-ins on negatives (docs/SAFETY.md); the report shows 6-10% side by side.
The validation figures are printed and written to reports/risk_classifier_validation.txt.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reflection.encoder import SentenceEncoder, training_encoder  # noqa: E402
from reflection.risk_model import (  # noqa: E402
    CLASSES,
    DEFAULT_PATH,
    MIN_CLAUSE_WORDS,
    RiskModel,
    RiskScore,
    clauses,
    combined_message_score,
    neighbour_pairs,
    train,
)
from reflection.safety import detect_risk  # noqa: E402

# The disclosures and hard negatives written for the classifier, and everyday answers in the styles the
# disclosures are often typed in (typos, text-speak, non-native and regional English: round 10), and
# disclosures and ordinary answers in those voices, many disclosures inside an ordinary answer (round 11),
# and indirect, passive and embedded disclosures and risky acts beside hopes sharing their words (round 13).
TRAINING_FILES = tuple(
    ROOT / "data" / "safety" / name
    for name in (
        "train.yml", "train_everyday.yml", "train_voices.yml", "train_round13.yml", "train_round14.yml"
    )
)
VALIDATION = ROOT / "data" / "safety" / "validation.yml"
# Everyday messages to this assistant (openers, consent, plain answers, side questions), never trained on: the
# report gives the false alarms on them. Round 8 learned half of them as `none` and bounded the check-in
# threshold with the rest; crisis recall fell on every blind set (docs/SAFETY.md), so both were taken back.
ORDINARY_VALIDATION = ROOT / "data" / "safety" / "ordinary_validation.yml"
NLU_DIR = ROOT / "data" / "nlu"
REPORT = ROOT / "reports" / "risk_classifier_validation.txt"
# NLU intents that are not ordinary messages: disclosures, and replies to "are you safe?" that say no.
NOT_NONE_INTENTS = frozenset(
    {
        "disclose_self_harm",
        "disclose_abuse",
        "disclose_medical_emergency",
        "disclose_harm_to_others",
        "not_safe",
        "risk_check_in",
    }
)
# Ordinary, but added after round 7's model was measured: learned as `none`, round 8's 15 "stop asking me to
# confirm" examples cost 1-3 crisis disclosures on five of the eight blind sets (round 8 in docs/SAFETY.md),
# so the classifier keeps round 7's data until a round measures a retrain on a new blind set.
LEFT_OUT_INTENTS = frozenset({"confirm_less"})
# The same for round 9's openers that say who sent the client (data/nlu/openers.yml).
LEFT_OUT_FILES = frozenset({"openers.yml"})
ANSWER_OPENINGS = (
    "2, ",
    "about a 3. ",
    "4 I guess, but ",
    "no homework. ",
    "she's ok. ",
    "honestly ",
    "not really. ",
    "maybe 6 months. ",
)
MAX_CRISIS_RATE_ON_NEGATIVES = 0.015
MAX_CHECK_IN_RATE_ON_NEGATIVES = 0.06
CHECK_IN_BUDGETS = (0.06, 0.07, 0.08, 0.09, 0.10)  # reported side by side (docs/SAFETY.md, round 4)
THRESHOLD_GRID = np.round(np.arange(0.20, 1.0, 0.001), 3)
# Where a `none` example is cut into pieces that are also learned as `none`: finer than the live sentence
# split, since a piece of an ordinary message is ordinary wherever it is cut.
PIECE_SPLIT = re.compile(r"[.!?;:,\n]+\s*|\s+(?:but|and|though|although|because|so)\s+", re.IGNORECASE)


def load_split(path: Path) -> list[tuple[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(str(text), category) for category in CLASSES for text in data.get(category) or []]


def nlu_none_examples() -> list[str]:
    texts: list[str] = []
    for path in sorted(path for path in NLU_DIR.glob("*.yml") if path.name not in LEFT_OUT_FILES):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if "intent" in block and block["intent"] not in NOT_NONE_INTENTS | LEFT_OUT_INTENTS:
                texts += [line.strip()[2:] for line in block["examples"].splitlines() if line.strip()]
    return texts


def ordinary_messages(path: Path) -> list[str]:
    return [str(entry["text"]) for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]]


def training_examples() -> list[tuple[str, str]]:
    base = [pair for path in TRAINING_FILES for pair in load_split(path)]
    base += [(text, "none") for text in nlu_none_examples()]
    embedded = [
        (ANSWER_OPENINGS[index % len(ANSWER_OPENINGS)] + text[0].lower() + text[1:], category)
        for index, (text, category) in enumerate(base)
        if len(text.split()) > 2
    ]
    examples = base + embedded
    known = {text for text, _ in examples}
    pieces = sorted(
        {
            piece
            for text, category in examples
            if category == "none"
            for piece in (part.strip() for part in PIECE_SPLIT.split(text))
            if len(piece.split()) >= MIN_CLAUSE_WORDS and piece not in known
        }
    )
    return examples + [(piece, "none") for piece in pieces]


def message_scores(model: RiskModel, encoder: SentenceEncoder, texts: list[str]) -> list[RiskScore]:
    """Each message scored as the live verdict scores it: whole, and sentence by sentence in context.

    Every text read (messages, their sentences, the sentences' pairs) is encoded once and scored in one batch,
    then combined per message as ``RiskModel.score_message`` combines them: message by message, comparing
    each with every training example took most of the time."""
    readings = []
    for text in texts:
        parts = clauses(text)
        readings.append([text, *parts, *neighbour_pairs(parts)])
    distinct = sorted({reading for group in readings for reading in group})
    vectors = dict(zip(distinct, encoder.encode(distinct), strict=True))
    flat = [reading for group in readings for reading in group]
    scored = model.scores(np.stack([vectors[reading] for reading in flat]), flat)
    results, start = [], 0
    for group in readings:
        clause_count = len(group) // 2  # a message, its n clauses and their n - 1 pairs
        results.append(combined_message_score(scored[start : start + len(group)], clause_count))
        start += len(group)
    return results


def choose_thresholds(
    scores: np.ndarray,
    net_fired: np.ndarray,
    negatives: np.ndarray,
    check_in_budget: float = MAX_CHECK_IN_RATE_ON_NEGATIVES,
) -> tuple[float, float]:
    def crisis_rate(threshold: float) -> float:
        return float(np.mean((net_fired | (scores >= threshold))[negatives]))

    crisis = next((float(t) for t in THRESHOLD_GRID if crisis_rate(t) <= MAX_CRISIS_RATE_ON_NEGATIVES), 1.0)

    def check_in_rate(threshold: float) -> float:
        band = ~net_fired & (scores >= threshold) & (scores < crisis)
        return float(np.mean(band[negatives]))

    check_in = next(
        (
            float(t)
            for t in THRESHOLD_GRID
            if t < crisis and check_in_rate(t) <= check_in_budget
        ),
        crisis,
    )
    return check_in, crisis


def validation_report(
    examples: list[tuple[str, str]],
    scores: np.ndarray,
    categories: list[str],
    net_fired: np.ndarray,
    model: RiskModel,
) -> str:
    crisis = net_fired | (scores >= model.crisis_threshold)
    check_in = ~crisis & (scores >= model.check_in_threshold)
    labels = np.array([category for _, category in examples])
    positives = labels != "none"
    lines = [
        f"Risk classifier on the validation split ({positives.sum()} disclosures, "
        f"{(~positives).sum()} negatives)",
        f"thresholds: check-in >= {model.check_in_threshold:.2f}, crisis >= {model.crisis_threshold:.2f}",
        f"disclosures given crisis resources: {crisis[positives].mean():.1%} "
        f"({crisis[positives].sum()}/{positives.sum()}); crisis or check-in: "
        f"{(crisis | check_in)[positives].mean():.1%}",
        f"negatives given crisis resources: {crisis[~positives].mean():.1%} ({crisis[~positives].sum()}); "
        f"a check-in: {check_in[~positives].mean():.1%} ({check_in[~positives].sum()})",
    ]
    for budget in CHECK_IN_BUDGETS:
        check_in_at, crisis_at = choose_thresholds(scores, net_fired, ~positives, budget)
        either = net_fired | (scores >= check_in_at)
        false_check_ins = either & ~(net_fired | (scores >= crisis_at))
        lines.append(
            f"  check-in budget {budget:.0%}: threshold {check_in_at:.3f}, crisis or check-in "
            f"{either[positives].mean():.1%} ({either[positives].sum()}), check-ins on negatives "
            f"{false_check_ins[~positives].mean():.1%} ({false_check_ins[~positives].sum()})"
        )
    for category in CLASSES[1:]:
        chosen = labels == category
        right = np.array([predicted == category for predicted in categories]) | net_fired
        lines.append(
            f"  {category:<18} n={chosen.sum():>3}  crisis {crisis[chosen].mean():6.1%}  "
            f"crisis or check-in {(crisis | check_in)[chosen].mean():6.1%}  "
            f"category right {right[chosen].mean():6.1%}"
        )
    for index, (text, category) in enumerate(examples):
        if category != "none" and not crisis[index]:
            tier = "check-in" if check_in[index] else "MISSED"
            lines.append(f"  {tier} ({scores[index]:.2f}) {category}: {text}")
        elif category == "none" and (crisis[index] or check_in[index]):
            tier = "FALSE CRISIS" if crisis[index] else "false check-in"
            lines.append(f"  {tier} ({scores[index]:.2f}): {text}")
    return "\n".join(lines)


def ordinary_report(texts: list[str], scores: np.ndarray, net_fired: np.ndarray, model: RiskModel) -> str:
    """The false alarms the thresholded model gives the everyday messages (never trained on)."""
    crisis = net_fired | (scores >= model.crisis_threshold)
    check_in = ~crisis & (scores >= model.check_in_threshold)
    lines = [
        f"Ordinary messages, never trained on ({len(texts)}): crisis {crisis.mean():.1%} ({crisis.sum()}), "
        f"a check-in {check_in.mean():.1%} ({check_in.sum()})"
    ]
    for index, text in enumerate(texts):
        if crisis[index] or check_in[index]:
            tier = "FALSE CRISIS" if crisis[index] else "false check-in"
            lines.append(f"  {tier} ({scores[index]:.2f}): {text}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args()
    started = time.perf_counter()
    encoder = training_encoder()

    examples = training_examples()
    texts = [text for text, _ in examples]
    vectors = encoder.encode(texts)
    unthresholded = train(vectors, np.array([CLASSES.index(category) for _, category in examples]), texts)

    validation = load_split(VALIDATION)
    scored = message_scores(unthresholded, encoder, [text for text, _ in validation])
    scores = np.array([result.score for result in scored])
    net_fired = np.array([detect_risk(text) is not None for text, _ in validation])
    negatives = np.array([category == "none" for _, category in validation])
    check_in, crisis = choose_thresholds(scores, net_fired, negatives)
    model = unthresholded.with_thresholds(check_in, crisis)
    model.save(args.out)

    report = validation_report(validation, scores, [result.category for result in scored], net_fired, model)
    everyday = ordinary_messages(ORDINARY_VALIDATION)
    everyday_scores = np.array([result.score for result in message_scores(model, encoder, everyday)])
    everyday_net = np.array([detect_risk(text) is not None for text in everyday])
    report += "\n" + ordinary_report(everyday, everyday_scores, everyday_net, model)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(report + "\n", encoding="utf-8")
    print(report)
    print(
        f"Trained on {len(examples)} examples ({sum(1 for _, c in examples if c != 'none')} disclosures) in "
        f"{time.perf_counter() - started:.1f} s -> {args.out}"
    )


if __name__ == "__main__":
    main()
