"""Sentence features for the NLU pipeline (runs in .venv-rasa): each message is encoded ONCE per turn.

The vector from ``reflection.encoder`` (all-MiniLM-L6-v2, 384 numbers) is

- given to DIET as a dense sentence feature, so intent classification generalises beyond the words it was
  trained on, and
- left on the message under ``SENTENCE_VECTOR`` (not in the parse data) for the later components of the
  same pipeline, ``components/risk_verdict.py``, so nothing encodes twice.

The action server never loads the encoder: it reads the verdict from the parse data (docs/SAFETY.md).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from reflection.encoder import shared_encoder

SENTENCE_VECTOR = "sentence_vector"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceFeatures(DenseFeaturizer, GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceFeatures:
        return cls(config, execution_context.node_name)

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self._encoder = shared_encoder()

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """The model and its files are pinned; only how the features are given to the classifier is set."""
        if float(config.get("feature_scale", 1.0)) <= 0:
            raise ValueError("SentenceFeatures: feature_scale must be greater than 0")

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # feature_scale: a classifier with fixed regularisation (Rasa's LogisticRegressionClassifier) is as
        # unsure on unit vectors as on noise; scaling the features it sees sharpens it. The vector kept on the
        # message for the risk verdict stays a unit vector.
        return {**DenseFeaturizer.get_default_config(), "use_as_dense_features": True, "feature_scale": 1.0}

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        examples = [message for message in training_data.training_examples if message.get(TEXT)]
        vectors = self._encoder.encode([message.get(TEXT) for message in examples])
        for message, vector in zip(examples, vectors, strict=True):
            self._attach(message, vector)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        texts = [message.get(TEXT) or "" for message in messages]
        for message, vector in zip(messages, self._encoder.encode(texts), strict=True):
            self._attach(message, vector)
        return messages

    def _attach(self, message: Message, vector: np.ndarray) -> None:
        message.set(SENTENCE_VECTOR, vector)
        if self._config["use_as_dense_features"]:
            scaled = vector[None, :] * float(self._config["feature_scale"])
            self.add_features_to_message(None, scaled, TEXT, message)
