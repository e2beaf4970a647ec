"""Imports that cost less before Rasa's own; ``scripts/serve_rasa.py`` calls ``prepare()`` first (.venv-rasa).

Imports nothing from Rasa, so it can run before Rasa imports TensorFlow:

- **skops.io**, which Rasa's LogisticRegressionClassifier loads with, lists the types it trusts when it is
  imported: for each of some 300 numpy and scipy ufuncs it searches every module in ``sys.modules`` for the
  one that holds it. After Rasa's imports (TensorFlow among them: 6,000 modules) that took 12 s of CPU on a
  busy machine, about half of Rasa's start-up; imported first, 2.7 s. The lists come out the same
  (tests/test_early_imports.py). Its import also resets the root logger's level (``numpy.distutils``),
  which is put back.
- **jax** is not imported: TensorFlow imports it only to convert JAX models for TensorFlow Lite (and carries
  on without it), and nothing here uses either.
"""

from __future__ import annotations

import logging
import sys


def import_skops_keeping_the_log_level() -> None:
    root = logging.getLogger()
    level = root.level
    import skops.io  # noqa: F401, PLC0415  (its import is what resets the root logger's level)

    root.setLevel(level)


def prepare() -> None:
    sys.modules.setdefault("jax", None)  # type: ignore[arg-type]  (None: `import jax` raises ImportError)
    import_skops_keeping_the_log_level()
