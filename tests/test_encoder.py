"""The sentence encoder: pinned files, unit vectors, meaning-based similarity, batch = one by one."""

from __future__ import annotations

import numpy as np
import pytest

from reflection import encoder
from reflection.encoder import DIMENSION, EncoderUnavailable, shared_encoder


def test_vectors_are_unit_length_and_empty_text_is_zero() -> None:
    vectors = shared_encoder().encode(["I felt heard today", "", "   ", "🙂"])
    assert vectors.shape == (4, DIMENSION) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[[0, 3]], axis=1), 1.0, atol=1e-5)
    assert not vectors[1].any() and not vectors[2].any()


def test_similar_meanings_are_closer_than_shared_words() -> None:
    anchor, paraphrase, same_word = shared_encoder().encode(
        ["I don't want to be alive anymore", "I wish I could stop existing", "this worksheet is killing me"]
    )
    assert float(anchor @ paraphrase) > float(anchor @ same_word) + 0.2


def test_a_batch_gives_the_same_vectors_as_one_at_a_time() -> None:
    texts = ["ok", "she listens but never remembers what I said last week", "no homework"]
    batch = shared_encoder().encode(texts)
    single = np.stack([shared_encoder().encode_one(text) for text in texts])
    assert np.allclose(batch, single, atol=1e-4)


def test_long_text_is_read_up_to_the_token_limit() -> None:
    vector = shared_encoder().encode_one("word " * 5000)
    assert np.isclose(np.linalg.norm(vector), 1.0, atol=1e-5)


def test_a_file_that_is_not_the_pinned_one_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoder, "MODEL_SHA256", "0" * 64)
    with pytest.raises(EncoderUnavailable, match="sha256"):
        encoder.model_bytes()


def test_a_missing_package_says_how_to_fix_it() -> None:
    with pytest.raises(EncoderUnavailable, match="make setup"):
        encoder._package_dir("no_such_encoder_package")


def test_markup_is_read_as_the_words_it_wraps() -> None:
    """"to trust myself <b>more</b>" once scored in the risk check-in band because of its tags."""
    from reflection.encoder import shared_encoder, without_markup

    assert without_markup("to trust myself <b>more</b>").split() == ["to", "trust", "myself", "more"]
    assert without_markup("i <3 my therapist, a < b") == "i <3 my therapist, a < b"
    encoder = shared_encoder()
    tagged, plain = encoder.encode(["to trust myself <b>more</b>", "to trust myself more"])
    assert float(tagged @ plain) > 0.999
