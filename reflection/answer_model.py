"""The second reader: a small model that reads an answer from its sentence vector (``reflection/encoder.py``).

For each question it gives the probability of each answer: 1-5 or the question's choices, ``dont_know``,
``not_applicable`` (where the question has it) and ``no_value`` (not an answer to this question). It is a
softmax regression per question over the 384-number sentence vector, trained on ``data/answers/train.yml``
(never on tests/heldout/) by ``make train``, deterministically: the same phrasings give the same weights.

It runs where the encoder runs, inside Rasa's NLU pipeline (``components/answer_reader.py``), and leaves its
readings in the parse data under ``answer_readings``; the action server never loads the encoder. Standard
library and numpy only, Python 3.10 compatible, so both venvs can load it.

    python -m reflection.answer_model train   # data/answers/train.yml -> models/answer_reader.npz
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from reflection.answers.readings import (
    NOTHING,
    Reading,
    ReadingKind,
    dont_know,
    not_applicable,
    value_reading,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
TRAINING_PATH = REPO_ROOT / "data" / "answers" / "train.yml"
MODEL_PATH = REPO_ROOT / "models" / "answer_reader.npz"
EVERY_RATING = "every_rating"
DONT_KNOW, NOT_APPLICABLE, NO_VALUE = "dont_know", "not_applicable", "no_value"
SCALE_LABELS = ("1", "2", "3", "4", "5")
L2 = 1e-3
ITERATIONS = 1500
LEARNING_RATE = 0.5
MOMENTUM = 0.9
INPUT_SCALE = 8.0  # unit vectors: spread them so the weights need not grow large
# A value the model gives at least this probability, though it prefers "no answer", is its leaning. Taking
# the rule reader's answer when the model leans the same way cut confirmations on the held-out answer sets
# v1-v3 (600 answers) from 19.7% to 18.3%, and in 4-fold cross-validation on data/answers/train.yml from
# 50.5% to 48.2%, exactness unchanged on both (97.0%, 95.7%); a floor of 0.05 cut more (17.2%, 43.7%) but
# stored 5 more wrong in cross-validation.
LEANING_FLOOR = 0.2

Encode = Callable[[list[str]], np.ndarray]


class AnswerModelError(RuntimeError):
    """The model file is missing or malformed; the message says how to rebuild it."""


@dataclass(frozen=True)
class ItemModel:
    slot: str
    labels: tuple[str, ...]
    weights: np.ndarray  # (dimension + 1, len(labels)); the last row is the bias
    not_applicable_code: str | None = None  # what "doesn't apply" stores ("none" for homework)

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        return _softmax(_with_bias(vectors) @ self.weights)

    def reading(self, probabilities: np.ndarray) -> Reading:
        best = int(np.argmax(probabilities))
        label, confidence = self.labels[best], float(probabilities[best])
        if label == NO_VALUE:
            return self._leaning(probabilities)
        if label == DONT_KNOW:
            return dont_know(confidence)
        if label == NOT_APPLICABLE:
            return not_applicable(self.not_applicable_code, confidence)
        return value_reading(int(label) if label in SCALE_LABELS else label, confidence)


    def _leaning(self, probabilities: np.ndarray) -> Reading:
        """No answer, but the value the model finds likeliest if it has some weight (``LEANING_FLOOR``)."""
        not_values = (DONT_KNOW, NOT_APPLICABLE, NO_VALUE)
        values = [i for i, label in enumerate(self.labels) if label not in not_values]
        likeliest = max(values, key=lambda i: probabilities[i])
        if probabilities[likeliest] < LEANING_FLOOR:
            return NOTHING
        label = self.labels[likeliest]
        return Reading(ReadingKind.NOTHING, leaning=int(label) if label in SCALE_LABELS else label)


class AnswerModel:
    """Every question's model; ``read_all(vector)`` reads one message for all of them at once."""

    def __init__(self, items: Mapping[str, ItemModel]) -> None:
        self.items = dict(items)

    def read(self, slot: str, vector: np.ndarray) -> Reading:
        model = self.items[slot]
        return model.reading(model.probabilities(vector.reshape(1, -1))[0])

    def read_all(self, vector: np.ndarray) -> dict[str, Reading]:
        if not np.any(vector):
            return dict.fromkeys(self.items, NOTHING)  # the encoder gives an empty text a zero vector
        return {slot: self.read(slot, vector) for slot in self.items}

    def save(self, path: Path = MODEL_PATH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            slot: {"labels": list(model.labels), "not_applicable_code": model.not_applicable_code}
            for slot, model in self.items.items()
        }
        arrays = {f"weights__{slot}": model.weights for slot, model in self.items.items()}
        with path.open("wb") as handle:
            np.savez(handle, meta=np.array(json.dumps(meta, sort_keys=True)), **arrays)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> AnswerModel:
        if not path.is_file():
            raise AnswerModelError(f"No answer model at {path}; run `make train` to build it.")
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                items = {
                    slot: ItemModel(
                        slot=slot,
                        labels=tuple(entry["labels"]),
                        weights=np.array(data[f"weights__{slot}"], dtype=np.float64),
                        not_applicable_code=entry.get("not_applicable_code"),
                    )
                    for slot, entry in meta.items()
                }
        except (KeyError, ValueError, OSError) as error:
            message = f"The answer model at {path} is unreadable ({error}); run `make train`."
            raise AnswerModelError(message) from error
        return cls(items)


def _with_bias(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float64) * INPUT_SCALE
    return np.hstack([vectors, np.ones((vectors.shape[0], 1))])


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def fit_softmax(vectors: np.ndarray, targets: np.ndarray, classes: int) -> np.ndarray:
    """Softmax regression with L2, by full-batch gradient descent with momentum from zero: deterministic.

    Each class weighs the same in the loss, however many phrasings it has.
    """
    inputs = _with_bias(vectors)
    onehot = np.eye(classes)[targets]
    counts = np.maximum(onehot.sum(axis=0), 1.0)
    sample_weight = (1.0 / counts)[targets] * (len(targets) / classes)
    weights = np.zeros((inputs.shape[1], classes))
    velocity = np.zeros_like(weights)
    regulariser = np.ones_like(weights)
    regulariser[-1] = 0.0  # the bias is not shrunk
    for _ in range(ITERATIONS):
        error = (_softmax(inputs @ weights) - onehot) * sample_weight[:, None]
        gradient = inputs.T @ error / len(targets) + L2 * regulariser * weights
        velocity = MOMENTUM * velocity - LEARNING_RATE * gradient
        weights = weights + velocity
    return weights


# --------------------------------------------------------------------------------------------------------
# Training data
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    """What the model needs to know of a question: its slot, its answers, and what "doesn't apply" stores."""

    slot: str
    values: tuple[str, ...]  # 1-5, or the choice codes
    not_applicable: bool = False
    not_applicable_code: str | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        extra = (NOT_APPLICABLE,) if self.not_applicable else ()
        return (*self.values, DONT_KNOW, *extra, NO_VALUE)


def item_specs() -> list[ItemSpec]:
    """The questions the model reads: the rated items and the choice items of the item bank."""
    from reflection.items import load_item_bank  # the item bank is only needed to train

    specs = []
    for item in load_item_bank().items:
        if item.kind == "scale":
            code = (item.not_applicable or {}).get("value")
            specs.append(ItemSpec(item.slot, SCALE_LABELS, item.not_applicable is not None, code))
        elif item.kind == "choice":
            specs.append(ItemSpec(item.slot, tuple(item.values)))
    return specs


def load_training(path: Path = TRAINING_PATH) -> dict[str, dict[str, list[str]]]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return {str(section): {str(label): [str(t) for t in texts] for label, texts in entries.items()}
            for section, entries in data.items()}


def examples_for(spec: ItemSpec, data: Mapping[str, Mapping[str, Sequence[str]]]) -> list[tuple[str, str]]:
    """(text, label) pairs for one question: its own phrasings, the shared rating phrasings for a rated
    question, and every other question's own phrasings as ``no_value``."""
    labels = set(spec.labels)
    found: dict[str, str] = {}
    own = dict(data.get(spec.slot, {}))
    rated = spec.values == SCALE_LABELS
    shared = data.get(EVERY_RATING, {})
    for label, texts in shared.items():
        for text in texts:
            # for a choice question, a rating ("mostly", "4") is not an answer; "I don't know" still is
            found[text] = label if rated or label in (DONT_KNOW, NO_VALUE) else NO_VALUE
    for section, entries in data.items():
        if section in (spec.slot, EVERY_RATING):
            continue
        for label, texts in entries.items():
            for text in texts:
                if label not in (DONT_KNOW, NO_VALUE):
                    found.setdefault(text, NO_VALUE)
    for label, texts in own.items():
        if label not in labels:
            expected = sorted(labels)
            raise AnswerModelError(f"{spec.slot}: unknown training label {label!r}; use one of {expected}")
        for text in texts:
            found[text] = label  # a question's own label wins
    return sorted(found.items())


def train(
    data: Mapping[str, Mapping[str, Sequence[str]]], specs: Sequence[ItemSpec], encode: Encode
) -> AnswerModel:
    texts = sorted({text for entries in data.values() for texts in entries.values() for text in texts})
    vectors = dict(zip(texts, encode(texts), strict=True))
    items = {}
    for spec in specs:
        examples = examples_for(spec, data)
        matrix = np.vstack([vectors[text] for text, _ in examples])
        targets = np.array([spec.labels.index(label) for _, label in examples])
        weights = fit_softmax(matrix, targets, len(spec.labels))
        items[spec.slot] = ItemModel(spec.slot, spec.labels, weights, spec.not_applicable_code)
    return AnswerModel(items)


def _encoder() -> Encode:
    from reflection.encoder import training_encoder  # loaded only to train or to evaluate

    return training_encoder().encode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the answer model on data/answers/train.yml.")
    parser.add_argument("command", choices=["train"])
    parser.add_argument("--data", type=Path, default=TRAINING_PATH)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    model = train(load_training(args.data), item_specs(), _encoder())
    model.save(args.out)
    print(f"Answer model for {len(model.items)} questions -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
