"""The deterministic safety net inside the Rasa NLU pipeline (runs in .venv-rasa).

It sees every message after the classifier and, when ``reflection.safety.detect_risk`` finds a disclosure,
sets the intent to ``disclose_<category>`` with confidence 1.0, so a misclassification can never drop one.
A disclosure intent that only the classifier guessed, with low confidence, is set back to the classifier's
next guess: a false alarm in the middle of a reflection is a failure too. A confident guess stands.
The detector itself is plain standard-library Python shared with the action server.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from reflection.safety import detect_risk, mentions_risk_language

DISCLOSURE_INTENTS = frozenset({"disclose_self_harm", "disclose_abuse", "disclose_medical_emergency"})
CLASSIFIER_ONLY_MIN_CONFIDENCE = 0.9

DISCLOSURE_INTENTS = frozenset({"disclose_self_harm", "disclose_abuse", "disclose_medical_emergency"})
CLASSIFIER_ONLY_MIN_CONFIDENCE = 0.9


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyNet(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNet:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            ranking = list(message.get(INTENT_RANKING_KEY) or [])
            signal = detect_risk(text)
            if signal is not None:
                intent = {"name": f"disclose_{signal.category}", "confidence": 1.0}
                ranking = [intent] + [ranked for ranked in ranking if ranked.get("name") != intent["name"]]
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
                continue
            guessed = message.get(INTENT) or {}
            if guessed.get("name") not in DISCLOSURE_INTENTS:
                continue
            unsure = guessed.get("confidence", 0.0) < CLASSIFIER_ONLY_MIN_CONFIDENCE
            if unsure or mentions_risk_language(text):
                fallback = next(
                    (ranked for ranked in ranking if ranked.get("name") not in DISCLOSURE_INTENTS), None
                )
                intent = fallback or {"name": "nlu_fallback", "confidence": 1.0}
                message.set(
                    INTENT, {"name": intent["name"], "confidence": intent["confidence"]}, add_to_output=True
                )
        return messages
