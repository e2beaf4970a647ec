"""Layer 2 of the safety design: a semantic risk classifier on sentence-encoder vectors.

Plain numpy, so it loads in both venvs. Two views of the same sentence vector, averaged into one score:

- a multinomial logistic regression on standardised vectors over five classes, ``none`` and the four risk
  categories: 1 - P(none), and the category (the most likely risk class);
- the nearest training examples: the mean similarity to the 3 nearest disclosures minus that to the 3 nearest
  non-disclosures, squashed to 0..1. It keeps close paraphrases of a known phrasing apart from a line that
  merely shares its topic.

On the validation split the average ranked disclosures above hard negatives better than either alone
(docs/SAFETY.md).
Two thresholds, chosen on the validation split when the model is trained, turn the score into a tier:
at or above ``crisis_threshold`` the full crisis response, at or above ``check_in_threshold`` a gentle
check-in, below it nothing. Trained by ``scripts/train_risk_classifier.py`` (``make train``); the artefact is
``models/risk_classifier.npz``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

CLASSES = ("none", "self_harm", "abuse", "medical_emergency", "harm_to_others")
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "models" / "risk_classifier.npz"


class RiskModelMissing(FileNotFoundError):
    """The trained classifier is not there; the message says how to build it."""


@dataclass(frozen=True)
class RiskScore:
    score: float  # 1 - P(none)
    category: str  # the most likely risk category, whatever the score


NEIGHBOURS = 3
NEIGHBOUR_SHARPNESS = 20.0  # a similarity margin of 0.1 maps to about 0.88


@dataclass(frozen=True)
class RiskModel:
    weights: np.ndarray  # (dimension, classes), on standardised vectors
    bias: np.ndarray  # (classes,)
    mean: np.ndarray  # (dimension,) standardisation learned on the training vectors
    scale: np.ndarray  # (dimension,)
    examples: np.ndarray  # (examples, dimension) the training vectors, unit length
    is_disclosure: np.ndarray  # (examples,) bool
    check_in_threshold: float
    crisis_threshold: float

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        standardised = (np.atleast_2d(vectors).astype(np.float64) - self.mean) / self.scale
        logits = standardised @ self.weights + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def neighbour_scores(self, vectors: np.ndarray) -> np.ndarray:
        similarities = np.atleast_2d(vectors).astype(np.float32) @ self.examples.T
        near_disclosure = _top_mean(similarities[:, self.is_disclosure])
        near_other = _top_mean(similarities[:, ~self.is_disclosure])
        return 1.0 / (1.0 + np.exp(-NEIGHBOUR_SHARPNESS * (near_disclosure - near_other)))

    def scores(self, vectors: np.ndarray) -> list[RiskScore]:
        probabilities = self.probabilities(vectors)
        combined = 0.5 * (1.0 - probabilities[:, 0]) + 0.5 * self.neighbour_scores(vectors)
        return [
            RiskScore(score=float(score), category=CLASSES[1 + int(np.argmax(row[1:]))])
            for score, row in zip(combined, probabilities, strict=True)
        ]

    def score(self, vector: np.ndarray) -> RiskScore:
        return self.scores(vector)[0]

    def with_thresholds(self, check_in: float, crisis: float) -> RiskModel:
        return replace(self, check_in_threshold=check_in, crisis_threshold=crisis)

    def save(self, path: Path = DEFAULT_PATH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(
            path,
            weights=self.weights,
            bias=self.bias,
            mean=self.mean,
            scale=self.scale,
            examples=self.examples,
            is_disclosure=self.is_disclosure,
            thresholds=np.array([self.check_in_threshold, self.crisis_threshold]),
            classes=np.array(CLASSES),
        )

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> RiskModel:
        if not path.is_file():
            raise RiskModelMissing(f"The risk classifier {path} is missing; run `make train` to build it.")
        with np.load(path, allow_pickle=False) as data:
            if tuple(str(name) for name in data["classes"]) != CLASSES:
                raise RiskModelMissing(f"{path} was trained for other classes; run `make train` again.")
            check_in, crisis = (float(value) for value in data["thresholds"])
            return cls(
                weights=data["weights"],
                bias=data["bias"],
                mean=data["mean"],
                scale=data["scale"],
                examples=data["examples"].astype(np.float32),
                is_disclosure=data["is_disclosure"].astype(bool),
                check_in_threshold=check_in,
                crisis_threshold=crisis,
            )


def train(vectors: np.ndarray, labels: np.ndarray) -> RiskModel:
    """The model for these vectors and class indices, with thresholds still to choose (both 1.0)."""
    mean = vectors.mean(axis=0).astype(np.float64)
    scale = vectors.std(axis=0).astype(np.float64) + 1e-6
    weights, bias = fit((vectors - mean) / scale, labels)
    return RiskModel(
        weights=weights,
        bias=bias,
        mean=mean,
        scale=scale,
        examples=vectors.astype(np.float32),
        is_disclosure=labels > 0,
        check_in_threshold=1.0,
        crisis_threshold=1.0,
    )


def _top_mean(similarities: np.ndarray) -> np.ndarray:
    """The mean of each row's NEIGHBOURS largest values (a partial sort: linear, not n log n)."""
    return np.partition(similarities, -NEIGHBOURS, axis=1)[:, -NEIGHBOURS:].mean(axis=1)


def fit(
    vectors: np.ndarray,
    labels: np.ndarray,
    *,
    l2: float = 1e-2,
    epochs: int = 3000,
    learning_rate: float = 0.5,
) -> tuple[np.ndarray, np.ndarray]:
    """Softmax regression by full-batch gradient descent from zeros: the same data gives the same model.

    Classes are weighted by inverse frequency so the many ordinary messages do not drown the disclosures.
    """
    samples, dimension = vectors.shape
    classes = len(CLASSES)
    onehot = np.eye(classes)[labels]
    counts = np.bincount(labels, minlength=classes).astype(np.float64)
    sample_weights = (samples / (classes * np.maximum(counts, 1.0)))[labels][:, None]
    weights = np.zeros((dimension, classes))
    bias = np.zeros(classes)
    x = vectors.astype(np.float64)
    total = sample_weights.sum()
    for _ in range(epochs):
        logits = x @ weights + bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        probabilities = exp / exp.sum(axis=1, keepdims=True)
        error = (probabilities - onehot) * sample_weights / total
        weights -= learning_rate * (x.T @ error + l2 * weights)
        bias -= learning_rate * error.sum(axis=0)
    return weights, bias
