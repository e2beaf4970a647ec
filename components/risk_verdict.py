"""The turn's one risk verdict, made in the NLU pipeline after the classifier (runs in .venv-rasa).

For every message it asks ``reflection.risk_verdict.decide`` (the deterministic net, then the semantic
classifier on the sentence vector that ``components/sentence_features.py`` left on the message and, for a
message of several sentences, on each sentence too: at most four, encoded in one batch, and only
when the net has not decided) and:

- puts the verdict in the parse data under ``risk``: {"tier", "category", "minor", "source"}; the action
  server reads it from ``tracker.latest_message["risk"]`` and never judges again;
- crisis tier: sets the intent ``disclose_<category>`` with confidence 1.0, whatever DIET guessed, so a
  slip of DIET never hides a disclosure;
- check-in tier: sets the intent ``risk_check_in`` (a warm "Are you safe right now?");
- no risk: a risk intent that only DIET guessed gives way to DIET's best other intent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.sentence_features import SENTENCE_VECTOR
from reflection.encoder import shared_encoder
from reflection.risk_model import DEFAULT_PATH, RiskModel
from reflection.risk_verdict import RISK_KEY, decide

CHECK_IN_INTENT = "risk_check_in"
RISK_INTENTS = frozenset(
    {
        "disclose_self_harm",
        "disclose_abuse",
        "disclose_medical_emergency",
        "disclose_harm_to_others",
        CHECK_IN_INTENT,
    }
)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RiskVerdictComponent(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RiskVerdictComponent:
        return cls(Path(config.get("model_path") or DEFAULT_PATH))

    def __init__(self, model_path: Path) -> None:
        self._model = RiskModel.load(model_path)  # a missing model is an error that says "run make train"

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            vector = message.get(SENTENCE_VECTOR)
            if vector is None and text.strip():  # only when the pipeline has no SentenceFeatures before this
                vector = shared_encoder().encode_one(text)
            verdict = decide(text, vector, self._model, lambda texts: shared_encoder().encode(texts))
            message.set(RISK_KEY, verdict.as_dict(), add_to_output=True)
            if verdict.tier == "crisis":
                self._set_intent(message, f"disclose_{verdict.category}")
            elif verdict.tier == "check_in":
                self._set_intent(message, CHECK_IN_INTENT)
            else:
                self._drop_a_risk_guess(message)
        return messages

    @staticmethod
    def _set_intent(message: Message, name: str) -> None:
        intent = {"name": name, "confidence": 1.0}
        ranking = [ranked for ranked in message.get(INTENT_RANKING_KEY) or [] if ranked.get("name") != name]
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)

    @staticmethod
    def _drop_a_risk_guess(message: Message) -> None:
        guessed = message.get(INTENT) or {}
        if guessed.get("name") not in RISK_INTENTS:
            return
        ranking = message.get(INTENT_RANKING_KEY) or []
        fallback = next((ranked for ranked in ranking if ranked.get("name") not in RISK_INTENTS), None)
        intent = fallback or {"name": "nlu_fallback", "confidence": 1.0}
        message.set(INTENT, {"name": intent["name"], "confidence": intent["confidence"]}, add_to_output=True)
