"""Does DIET gain from the sentence encoder's features? Intent accuracy and NLU training time, per pipeline.

    .venv/bin/python -m bench.intent_features [--variants baseline,sentence,sentence_no_chars]

A held-out split of the NLU training data (every 5th example of each intent; never the tests/intents/ sets)
is kept out of training; each pipeline variant is trained with `rasa train nlu` on the rest and tested with
`rasa test nlu` on it. The risk verdict component is left out of every variant, so the figures are DIET's
own. Prints accuracy, weighted F1 and training seconds per variant and writes reports/intent_features.txt.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
REPORT = ROOT / "reports" / "intent_features.txt"
HELD_OUT_EVERY = 5

TOKENS = [
    {"name": "WhitespaceTokenizer"},
    {"name": "RegexFeaturizer"},
    {"name": "LexicalSyntacticFeaturizer"},
]
WORDS = {"name": "CountVectorsFeaturizer"}
CHARS = {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4}
SENTENCE = {"name": "components.sentence_features.SentenceFeatures"}
DIET = {"name": "DIETClassifier", "epochs": 80, "entity_recognition": False, "random_seed": 7}
LOGISTIC = {"name": "LogisticRegressionClassifier", "max_iter": 300, "random_state": 7}
VARIANTS = {
    "baseline": [*TOKENS, WORDS, CHARS, DIET],
    "sentence": [*TOKENS, WORDS, CHARS, SENTENCE, DIET],
    "sentence_no_chars": [*TOKENS, WORDS, SENTENCE, DIET],
    "sentence_logistic": [*TOKENS, WORDS, SENTENCE, LOGISTIC],
    "logistic_only_sentence": [*TOKENS, SENTENCE, LOGISTIC],
    "logistic_scaled_5": [*TOKENS, {**SENTENCE, "feature_scale": 5.0}, LOGISTIC],
    "logistic_scaled_10": [*TOKENS, {**SENTENCE, "feature_scale": 10.0}, LOGISTIC],
    "logistic_scaled_20": [*TOKENS, {**SENTENCE, "feature_scale": 20.0}, LOGISTIC],
    "logistic_scaled_40": [*TOKENS, {**SENTENCE, "feature_scale": 40.0}, LOGISTIC],
}


def split_nlu(train_dir: Path, test_file: Path) -> tuple[int, int]:
    train_blocks, test_blocks = [], []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if "intent" not in block:
                train_blocks.append(block)
                continue
            examples = [line.strip()[2:] for line in block["examples"].splitlines() if line.strip()]
            kept = [
                text for index, text in enumerate(examples) if index % HELD_OUT_EVERY != HELD_OUT_EVERY - 1
            ]
            held = [
                text for index, text in enumerate(examples) if index % HELD_OUT_EVERY == HELD_OUT_EVERY - 1
            ]
            train_blocks.append({"intent": block["intent"], "examples": "".join(f"- {t}\n" for t in kept)})
            if held:
                test_blocks.append({"intent": block["intent"], "examples": "".join(f"- {t}\n" for t in held)})
    train_dir.mkdir(parents=True)
    dump = {"Dumper": yaml.SafeDumper, "allow_unicode": True, "sort_keys": False}
    (train_dir / "nlu.yml").write_text(yaml.dump({"version": "3.1", "nlu": train_blocks}, **dump))
    test_file.write_text(yaml.dump({"version": "3.1", "nlu": test_blocks}, **dump))
    count = sum(block["examples"].count("\n") for block in test_blocks)
    return sum(block.get("examples", "").count("\n") for block in train_blocks), count


def run_variant(name: str, workdir: Path, train_dir: Path, test_file: Path) -> tuple[float, float, float]:
    config = workdir / f"{name}.yml"
    config.write_text(yaml.safe_dump({"recipe": "default.v1", "language": "en", "pipeline": VARIANTS[name]}))
    started = time.perf_counter()
    subprocess.run(
        [
            str(RASA),
            "train",
            "nlu",
            "--config",
            str(config),
            "--nlu",
            str(train_dir),
            "--out",
            str(workdir),
            "--fixed-model-name",
            name,
            "--quiet",
        ],
        check=True,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - started
    results = workdir / f"results-{name}"
    subprocess.run(
        [
            str(RASA),
            "test",
            "nlu",
            "--model",
            str(workdir / f"{name}.tar.gz"),
            "--nlu",
            str(test_file),
            "--out",
            str(results),
            "--quiet",
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    report = json.loads((results / "intent_report.json").read_text())
    return report["accuracy"], report["weighted avg"]["f1-score"], seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default=",".join(VARIANTS))
    args = parser.parse_args()
    lines = []
    with tempfile.TemporaryDirectory(prefix="intent-features-") as tmp:
        workdir = Path(tmp)
        trained, held = split_nlu(workdir / "train", workdir / "test.yml")
        lines.append(
            f"NLU data: {trained} examples to train on, {held} held out (every {HELD_OUT_EVERY}th per intent)"
        )
        for name in args.variants.split(","):
            accuracy, f1, seconds = run_variant(name, workdir, workdir / "train", workdir / "test.yml")
            lines.append(
                f"{name:<18} accuracy {accuracy:6.1%}  weighted F1 {f1:.3f}  NLU training {seconds:5.1f} s"
            )
            print(lines[-1], flush=True)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
