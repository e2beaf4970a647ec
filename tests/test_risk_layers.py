"""Layer 2 and the verdict: data kept apart, deterministic training, tiers from thresholds, plain data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from reflection.encoder import DIMENSION, shared_encoder
from reflection.risk_model import (
    CLASSES,
    DEFAULT_PATH,
    LEXICAL_SCALE,
    MAX_CLAUSES,
    RiskModel,
    RiskModelMissing,
    SparseRows,
    clauses,
    fit_early_stopped,
    fit_hidden,
    lexical_features,
    neighbour_pairs,
    train,
)
from reflection.risk_verdict import NO_RISK, RiskVerdict, decide
from scripts.train_risk_classifier import TRAINING_FILES

ROOT = Path(__file__).resolve().parent.parent


def _texts(path: Path) -> set[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if "positives" in data:  # a test set
        return {
            str(case["text"]).lower()
            for key in ("positives", "negatives", "ambiguous")
            for case in data.get(key) or []
        }
    if "messages" in data:  # everyday messages (data/safety/ordinary_*.yml)
        return {str(entry["text"]).lower() for entry in data["messages"]}
    return {str(text).lower() for texts in data.values() for text in texts or []}


def test_training_tuning_and_test_sets_share_no_sentence() -> None:
    training = set().union(*(_texts(path) for path in TRAINING_FILES))
    tuning = _texts(ROOT / "data" / "safety" / "validation.yml") | _texts(
        ROOT / "data" / "safety" / "ordinary_validation.yml"
    )
    tests = set().union(*(_texts(path) for path in (ROOT / "tests" / "safety").glob("*.yml")))
    assert not training & tuning
    assert not training & tests
    assert not tuning & tests


def test_every_split_uses_only_known_classes_and_strings() -> None:
    for path in (*TRAINING_FILES, ROOT / "data" / "safety" / "validation.yml"):
        data, name = yaml.safe_load(path.read_text(encoding="utf-8")), path.name
        assert set(data) == ({"none"} if name == "train_everyday.yml" else set(CLASSES)), name
        assert all(isinstance(text, str) and text.strip() for texts in data.values() for text in texts), name


def test_training_is_deterministic() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(40, 8))
    labels = np.arange(40) % len(CLASSES)
    first, second = fit_hidden(vectors, labels, steps=50), fit_hidden(vectors, labels, steps=50)
    assert all(np.array_equal(one, other) for one, other in zip(first, second, strict=True))
    rows = SparseRows.of_texts([f"word{index % 7} other{index % 3}" for index in range(40)])
    first, second = fit_early_stopped(rows, labels, epochs=50), fit_early_stopped(rows, labels, epochs=50)
    assert np.array_equal(first[0], second[0]) and np.array_equal(first[1], second[1])


def test_the_hidden_layer_learns_what_no_straight_line_separates() -> None:
    """Disclosures on two opposite sides of the ordinary messages (an XOR-like layout): a linear view would
    have to call one side ordinary; the network reads both."""
    rng = np.random.default_rng(2)
    centres = np.array([[3.0, 0.0], [-3.0, 0.0], [0.0, 0.0]])
    labels = np.array([1, 1, 0] * 60)
    vectors = centres[labels * 0 + np.tile([0, 1, 2], 60)] + rng.normal(scale=0.5, size=(180, 2))
    hidden_weights, hidden_bias, weights, bias = fit_hidden(vectors, labels, units=8, steps=400, l2=1e-4)
    hidden = np.maximum(0.0, centres @ hidden_weights + hidden_bias)
    logits = hidden @ weights + bias
    assert list(logits.argmax(axis=1)) == [1, 1, 0]


def _unit(index: int) -> np.ndarray:
    vector = np.zeros(DIMENSION, dtype=np.float32)
    vector[index] = 1.0
    return vector


def _toy_model(check_in: float, crisis: float) -> RiskModel:
    """Disclosures near axis 0, ordinary messages near axis 1."""
    vectors = np.stack([_unit(0)] * 3 + [_unit(1)] * 3)
    labels = np.array([1, 1, 1, 0, 0, 0])
    return train(vectors, labels).with_thresholds(check_in, crisis)


def test_scores_fall_into_tiers_by_the_thresholds() -> None:
    model = _toy_model(check_in=0.3, crisis=0.85)
    near_disclosure, near_ordinary = model.score(_unit(0)), model.score(_unit(1))
    assert near_disclosure.score > 0.85 > near_ordinary.score
    assert decide("words the net has no rule for", _unit(0), model).tier == "crisis"
    middle = _toy_model(check_in=near_ordinary.score - 0.01, crisis=0.99)
    assert decide("words the net has no rule for", _unit(1), middle) == RiskVerdict(
        tier="check_in", category="self_harm", minor=False, source="model"
    )
    assert decide("words the net has no rule for", _unit(1), _toy_model(0.99, 0.999)) == NO_RISK


def test_the_net_decides_first_and_a_button_payload_is_never_judged() -> None:
    model = _toy_model(check_in=0.0, crisis=0.0)  # would call everything a crisis
    assert decide("I'm 15 and my dad hits me", None, None) == RiskVerdict("crisis", "abuse", True, "net")
    assert decide("/im_safe", _unit(0), model) == NO_RISK
    assert decide("   ", _unit(0), model) == NO_RISK


def test_the_model_round_trips_and_a_missing_one_says_how_to_build_it(tmp_path: Path) -> None:
    model = _toy_model(0.4, 0.8)
    model.save(tmp_path / "risk.npz")
    loaded = RiskModel.load(tmp_path / "risk.npz")
    assert (loaded.check_in_threshold, loaded.crisis_threshold) == (0.4, 0.8)
    assert loaded.score(_unit(0)) == model.score(_unit(0))
    with pytest.raises(RiskModelMissing, match="make train"):
        RiskModel.load(tmp_path / "nothing.npz")


def test_the_verdict_travels_as_plain_data() -> None:
    verdict = RiskVerdict("check_in", "harm_to_others", False, "model")
    parse_data = {"risk": verdict.as_dict()}
    assert RiskVerdict.from_parse_data(parse_data) == verdict
    assert RiskVerdict.from_parse_data({}) == NO_RISK
    assert RiskVerdict.from_parse_data({"risk": {"tier": "none"}}) == NO_RISK


def test_a_message_is_split_into_at_most_four_sentences_worth_scoring() -> None:
    assert clauses("I want to stop seeing her") == []
    assert clauses("2. she doesn't listen") == []  # "2" is too short to score on its own
    assert clauses("2. she doesn't listen. and honestly I've stopped eating on purpose") == [
        "she doesn't listen",
        "and honestly I've stopped eating on purpose",
    ]
    assert clauses("fine I guess\nI keep thinking about the bridge near work") == [
        "fine I guess",
        "I keep thinking about the bridge near work",
    ]
    # one long run-on answer is cut at its commas, so the disclosure in the middle is read on its own
    assert clauses(
        "work was busy, my sister called twice about the party, I've been saving my pills in a tin, "
        "and the dog is ill"
    ) == [
        "work was busy",
        "my sister called twice about the party",
        "I've been saving my pills in a tin",
        "the dog is ill",
    ]
    assert clauses("2, she doesn't listen, and I'm tired") == []  # a short sentence stays whole
    long = " ".join(f"this is sentence number {index}." for index in range(10))
    pieces = clauses(long)
    assert len(pieces) == MAX_CLAUSES
    assert " ".join(pieces).replace(".", "") == long.replace(".", "")  # merged, nothing dropped


def test_word_features_are_the_same_in_every_process() -> None:
    first, second = lexical_features(["I took ALL my pills"]), lexical_features(["i took all my pills"])
    assert np.array_equal(first, second)
    assert np.isclose(np.linalg.norm(first), LEXICAL_SCALE)
    assert not np.any(lexical_features([""]))


def _toy_texts_model() -> RiskModel:
    """As _toy_model, and it reads the words too."""
    vectors = np.stack([_unit(0)] * 3 + [_unit(1)] * 3)
    disclosures = ["i took all my pills", "i want to die", "i am not safe"]
    texts = [*disclosures, "hello", "2, she listens", "no homework"]
    return train(vectors, np.array([1, 1, 1, 0, 0, 0]), texts).with_thresholds(0.5, 0.8)


def test_a_long_message_gets_the_score_of_its_riskiest_sentence() -> None:
    model = _toy_texts_model()
    whole = model.score(_unit(1), "no homework. i want to die")
    pieces = ["no homework", "i want to die"]
    vectors = np.stack([_unit(1), _unit(0)])
    highest = model.score_message("no homework. i want to die", _unit(1), pieces, vectors)
    assert highest.score > model.crisis_threshold > whole.score
    with pytest.raises(ValueError, match="texts"):
        model.scores(np.stack([_unit(0)]))  # a model that reads words needs them


def test_the_sentences_are_encoded_only_when_the_model_has_to_read_them() -> None:
    model = _toy_texts_model()
    calls: list[list[str]] = []

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return np.stack([_unit(0) if "words" in text else _unit(1) for text in texts])

    # the toy model puts what the encoder maps to axis 0 among the disclosures
    message = "no homework this week. words the net has no rule for"
    assert decide(message, _unit(1), model, encode).tier == "crisis"
    # the sentences, then each one joined with the next, in one batch
    assert calls == [
        [
            "no homework this week",
            "words the net has no rule for",
            "no homework this week words the net has no rule for",
        ]
    ]
    decide("no homework this week", _unit(1), model, encode)  # one sentence
    decide("4. and I want to kill myself", _unit(1), model, encode)  # the net decides
    assert len(calls) == 1


def test_a_model_that_reads_words_round_trips(tmp_path: Path) -> None:
    model = _toy_texts_model()
    model.save(tmp_path / "risk.npz")
    loaded = RiskModel.load(tmp_path / "risk.npz")
    assert loaded.score(_unit(0), "i am not safe") == model.score(_unit(0), "i am not safe")


def test_a_sentence_is_read_with_its_neighbour() -> None:
    """A clause that looks like a disclosure alone but not beside its neighbours is damped; one whose
    pairings still look like one keeps a crisis score."""
    model = _toy_model(check_in=0.3, crisis=0.85)
    pieces = ["first part of an answer", "a clause cut out of it", "the last part"]
    assert neighbour_pairs(pieces) == [
        "first part of an answer a clause cut out of it",
        "a clause cut out of it the last part",
    ]
    clause_vectors = np.stack([_unit(1), _unit(0), _unit(1)])  # the middle clause alone reads as risk
    alone = model.score_message("the whole answer", _unit(1), pieces, clause_vectors)
    ordinary_pairs = np.stack([_unit(1), _unit(1)])
    in_context = model.score_message("the whole answer", _unit(1), pieces, clause_vectors, ordinary_pairs)
    risky_pairs = np.stack([_unit(0), _unit(1)])
    still_risky = model.score_message("the whole answer", _unit(1), pieces, clause_vectors, risky_pairs)
    assert alone.score >= model.crisis_threshold > in_context.score
    assert still_risky.score >= model.crisis_threshold


GOALS_ANSWER = (
    "honestly my goals are pretty simple right now, I want to get back into a routine, sleep and not "
    "snapping at my partner, and maybe feel less wiped out at work"
)
EMBEDDED_IN_LONG_ANSWERS = [
    "the sessions are fine and she's kind, but lately I've been standing at the edge of the platform "
    "longer than I should, and then I just go to work like normal",
    "not much to say about homework, my week was busy with the kids and the car, I've been hiding pills "
    "in my sock drawer for when it gets too much, and otherwise it's fine",
    "she does listen, we talked about my mum a lot, my husband shoved me down the stairs on friday, and "
    "then we ran out of time",
]


@pytest.mark.skipif(not DEFAULT_PATH.is_file(), reason="needs the trained classifier: make train")
def test_a_clause_of_an_ordinary_long_answer_gets_no_crisis() -> None:
    """Round 3's clause split once gave crisis resources to "sleep and not snapping at my partner", read
    alone from a long answer about goals (docs/SAFETY.md); read with its neighbours it was ordinary again.
    Round 10's classifier gave the whole answer crisis resources (0.641 against 0.635); round 11's not."""
    model, encoder = RiskModel.load(DEFAULT_PATH), shared_encoder()
    goals = decide(GOALS_ANSWER, encoder.encode_one(GOALS_ANSWER), model, encoder.encode)
    assert goals.tier != "crisis"


@pytest.mark.skipif(not DEFAULT_PATH.is_file(), reason="needs the trained classifier: make train")
def test_a_disclosure_embedded_in_a_long_answer_gets_crisis_resources() -> None:
    model, encoder = RiskModel.load(DEFAULT_PATH), shared_encoder()
    for text in EMBEDDED_IN_LONG_ANSWERS:
        assert decide(text, encoder.encode_one(text), model, encoder.encode).tier == "crisis", text
        # and the classifier alone, read in context, still says crisis (whether or not the net fired)
        pieces = clauses(text)
        vectors = encoder.encode([*pieces, *neighbour_pairs(pieces)])
        in_context = model.score_message(
            text, encoder.encode_one(text), pieces, vectors[: len(pieces)], vectors[len(pieces) :]
        )
        assert in_context.score >= model.crisis_threshold, text
