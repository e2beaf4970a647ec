"""One verdict about a message's risk, made once per turn and carried with the message.

Decided in Rasa's NLU pipeline (``components/risk_verdict.py``) from the deterministic net (layer 1) and the
semantic classifier's score (layer 2), then read by the action server from the parse data's ``risk`` key;
nothing downstream judges again (docs/SAFETY.md).

- the net fired -> ``crisis`` (source ``net``): an explicit disclosure never depends on a model;
- the classifier's score >= the crisis threshold -> ``crisis`` (source ``model``); a message of several
  sentences gets the highest score of the whole and of each sentence (``reflection.risk_model.clauses``),
  each sentence read together with its neighbours (``neighbour_pairs``);
- score >= the check-in threshold -> ``check_in``: a warm "Are you safe right now?", no alarm, no flag;
- otherwise -> ``none``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from reflection.encoder import without_markup
from reflection.risk_model import RiskModel, clauses, neighbour_pairs
from reflection.safety import detect_minor, detect_risk

Tier = Literal["crisis", "check_in", "none"]
RISK_KEY = "risk"  # the parse-data key that carries the verdict


@dataclass(frozen=True)
class RiskVerdict:
    tier: Tier
    category: str | None  # self_harm, abuse, medical_emergency or harm_to_others; None when tier is none
    minor: bool
    source: Literal["net", "model"] | None  # which layer decided; None when tier is none

    def as_dict(self) -> dict[str, Any]:
        return {"tier": self.tier, "category": self.category, "minor": self.minor, "source": self.source}

    @classmethod
    def from_parse_data(cls, parse_data: dict[str, Any] | None) -> RiskVerdict:
        """The verdict a message carries; one without (sent before the pipeline made verdicts) is none."""
        risk = (parse_data or {}).get(RISK_KEY) or {}
        tier = risk.get("tier")
        if tier not in ("crisis", "check_in"):
            return NO_RISK
        return cls(
            tier=tier, category=risk.get("category"), minor=bool(risk.get("minor")), source=risk.get("source")
        )


NO_RISK = RiskVerdict(tier="none", category=None, minor=False, source=None)


def decide(
    text: str,
    vector: np.ndarray | None,
    model: RiskModel | None,
    encode: Callable[[list[str]], np.ndarray] | None = None,
) -> RiskVerdict:
    """The verdict for ``text``, given its sentence vector and the trained classifier.

    ``encode`` (the sentence encoder's ``encode``) lets the classifier read a message of several sentences
    sentence by sentence too; it is called at most once, only when the net has not decided, and only for a
    message that has several sentences. Without it, only the whole message is scored.
    """
    if not text or not text.strip() or text.startswith("/"):  # a button's payload ("/im_safe") says nothing
        return NO_RISK
    signal = detect_risk(text)
    if signal is not None:
        return RiskVerdict(tier="crisis", category=signal.category, minor=signal.minor, source="net")
    if model is None or vector is None or not np.any(vector):
        return NO_RISK
    text = without_markup(text)  # the words, as the encoder read them
    pieces = clauses(text) if encode is not None else []
    if pieces:  # the sentences and each one joined with the next, in one encoder batch
        piece_vectors = encode([*pieces, *neighbour_pairs(pieces)])
        scored = model.score_message(
            text, vector, pieces, piece_vectors[: len(pieces)], piece_vectors[len(pieces) :]
        )
    else:
        scored = model.score_message(text, vector)
    if scored.score >= model.crisis_threshold:
        tier: Tier = "crisis"
    elif scored.score >= model.check_in_threshold:
        tier = "check_in"
    else:
        return NO_RISK
    return RiskVerdict(tier=tier, category=scored.category, minor=detect_minor(text), source="model")
