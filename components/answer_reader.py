"""The second answer reader in the NLU pipeline (runs in .venv-rasa), after ``SentenceFeatures``.

It reads the sentence vector that ``components/sentence_features.py`` left on the message with the answer
model (``reflection/answer_model.py``, trained by ``make train`` into ``models/answer_reader.npz``) for every
question at once, and leaves the readings in the parse data under ``answer_readings``:
{slot: {"kind", "value", "confidence"}}. The action server's form (``actions/reflection_form.py``) weighs
them against the rule reader (``reflection/agreement.py``) and never loads the encoder itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.sentence_features import SENTENCE_VECTOR
from reflection.answer_model import MODEL_PATH, AnswerModel

ANSWER_READINGS = "answer_readings"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class AnswerReaderComponent(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> AnswerReaderComponent:
        return cls(AnswerModel.load(Path(config.get("model_path") or MODEL_PATH)))  # missing: "make train"

    def __init__(self, model: AnswerModel) -> None:
        self._model = model

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            vector = message.get(SENTENCE_VECTOR)
            if vector is None or not (message.get(TEXT) or "").strip():
                continue  # nothing to read: the form then has the rule reader alone
            readings = self._model.read_all(vector)
            message.set(
                ANSWER_READINGS,
                {slot: reading.as_dict() for slot, reading in readings.items()},
                add_to_output=True,
            )
        return messages
