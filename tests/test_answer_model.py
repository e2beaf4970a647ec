"""The answer model's mechanics, on a stand-in encoder (character trigrams hashed to 384 numbers): training
is deterministic, labels become readings, and the model file round-trips. How well the real model reads on
the sentence encoder is measured in tests/test_heldout_accuracy.py."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from reflection.answer_model import (
    AnswerModel,
    AnswerModelError,
    ItemSpec,
    examples_for,
    item_specs,
    load_training,
    train,
)
from reflection.answers.readings import ReadingKind

DATA = {
    "every_rating": {
        "1": ["never ever", "not at all no", "no never"],
        "4": ["yes mostly", "mostly yes yeah", "usually yes"],
        "dont_know": ["no idea", "dunno really"],
        "no_value": ["what do you mean", "hello there"],
    },
    "homework_fit": {"not_applicable": ["no homework", "she gives no homework", "there is no homework"]},
    "sessions_so_far": {"early": ["just started", "first session"], "long_term": ["years now", "many years"]},
}
SPECS = [
    ItemSpec("homework_fit", ("1", "2", "3", "4", "5"), not_applicable=True, not_applicable_code="none"),
    ItemSpec("sessions_so_far", ("early", "established", "long_term")),
]


def trigram_encode(texts: list[str]) -> np.ndarray:
    vectors = np.zeros((len(texts), 384), dtype=np.float32)
    for row, text in enumerate(texts):
        padded = f"  {text.lower()}  "
        for i in range(len(padded) - 2):
            bucket = int(hashlib.md5(padded[i:i + 3].encode()).hexdigest(), 16) % 384
            vectors[row, bucket] += 1.0
        norm = np.linalg.norm(vectors[row])
        vectors[row] /= norm or 1.0
    return vectors


@pytest.fixture(scope="module")
def model() -> AnswerModel:
    return train(DATA, SPECS, trigram_encode)


def test_the_model_reads_what_it_was_taught(model: AnswerModel) -> None:
    def read(slot: str, text: str) -> tuple[ReadingKind, object]:
        found = model.read(slot, trigram_encode([text])[0])
        return found.kind, found.value

    assert read("homework_fit", "yes mostly") == (ReadingKind.VALUE, 4)
    assert read("homework_fit", "no homework") == (ReadingKind.NOT_APPLICABLE, "none")
    assert read("homework_fit", "no idea") == (ReadingKind.DONT_KNOW, None)
    assert read("homework_fit", "hello there") == (ReadingKind.NOTHING, None)
    assert read("sessions_so_far", "just started") == (ReadingKind.VALUE, "early")
    assert read("sessions_so_far", "yes mostly") == (ReadingKind.NOTHING, None)  # a rating is no length


def test_a_reading_has_the_models_confidence(model: AnswerModel) -> None:
    found = model.read("sessions_so_far", trigram_encode(["years now"])[0])
    assert 0.3 < found.confidence <= 1.0


def test_an_empty_message_reads_as_nothing(model: AnswerModel) -> None:
    readings = model.read_all(np.zeros(384, dtype=np.float32))
    assert {found.kind for found in readings.values()} == {ReadingKind.NOTHING}


def test_training_is_deterministic() -> None:
    first, second = train(DATA, SPECS, trigram_encode), train(DATA, SPECS, trigram_encode)
    for slot in first.items:
        assert np.array_equal(first.items[slot].weights, second.items[slot].weights)


def test_the_model_file_round_trips(model: AnswerModel, tmp_path: Path) -> None:
    path = tmp_path / "answer_reader.npz"
    model.save(path)
    loaded = AnswerModel.load(path)
    vector = trigram_encode(["no homework"])[0]
    assert loaded.read_all(vector) == model.read_all(vector)
    assert loaded.items["homework_fit"].labels == model.items["homework_fit"].labels


def test_a_missing_or_broken_model_file_says_how_to_rebuild_it(tmp_path: Path) -> None:
    with pytest.raises(AnswerModelError, match="make train"):
        AnswerModel.load(tmp_path / "nothing.npz")
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a model")
    with pytest.raises(AnswerModelError, match="make train"):
        AnswerModel.load(broken)


def test_each_question_learns_its_own_phrasings_and_not_the_others() -> None:
    homework = dict(examples_for(SPECS[0], DATA))
    sessions = dict(examples_for(SPECS[1], DATA))
    assert homework["no homework"] == "not_applicable" and sessions["no homework"] == "no_value"
    assert homework["yes mostly"] == "4" and sessions["yes mostly"] == "no_value"
    assert homework["no idea"] == sessions["no idea"] == "dont_know"


def test_the_training_file_covers_every_question_and_uses_known_labels() -> None:
    data = load_training()
    for spec in item_specs():
        labels = {label for _, label in examples_for(spec, data)}
        assert set(spec.values) <= labels, spec.slot
        assert {"dont_know", "no_value"} <= labels, spec.slot


def test_the_training_file_holds_no_held_out_phrasing() -> None:
    import yaml

    held = set()
    for path in Path("tests/heldout").glob("*.yml"):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entries in (document or {}).values() if isinstance(document, dict) else ():
            for entry in entries if isinstance(entries, list) else ():
                if isinstance(entry, dict) and "text" in entry:
                    held.add(" ".join(str(entry["text"]).lower().split()))
    training = {
        " ".join(text.lower().split()) for entries in load_training().values()
        for texts in entries.values() for text in texts
    }
    assert not training & held
