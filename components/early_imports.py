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
- **TensorFlow**, when serving (``defer_tensorflow()``, called by serve_rasa.py only; training imports it as
  before). No component or policy in config.yml runs a TensorFlow model, yet Rasa's serving imported it
  (about 280 MB resident in every Rasa process) through three training-only modules:
  ``rasa.utils.train_utils`` imports ``rasa.utils.tensorflow.callback`` (Keras callbacks) and
  ``rasa.utils.tensorflow.data_generator`` (a Keras ``Sequence``) at its top, and loading a model resolves
  every class of its training graph, among them ``DefaultV1RecipeValidator``, whose module imports DIET, TED
  and the ResponseSelector to compare configurations with. Each is stood in for by a module holding a class
  of the same name; calling it, or reading an attribute it lacks, imports TensorFlow and the real class and
  hands over to it (while serving, nothing does). The first import of TensorFlow by anything (a model with
  a TensorFlow component, loaded at start or through the HTTP API), or of ``rasa.model_training`` (the HTTP
  API's ``/model/train``), takes the stand-ins out of ``sys.modules`` first, with a warning in the log:
  every later import gets the real modules, and such a model or training works as before, with
  TensorFlow's memory. tests/test_early_imports.py checks both ways.
"""

from __future__ import annotations

import importlib
import logging
import sys
import types
from collections.abc import Sequence
from typing import Any

logger = logging.getLogger(__name__)

# Rasa's training-only modules that its serving imports, and the classes other modules take from them.
TRAINING_ONLY = {
    "rasa.utils.tensorflow.callback": ("RasaTrainingLogger", "RasaModelCheckpoint"),
    "rasa.utils.tensorflow.data_generator": ("RasaBatchDataGenerator",),
    "rasa.graph_components.validators.default_recipe_validator": ("DefaultV1RecipeValidator",),
}
# Imported first by a model that runs TensorFlow, and by every training (the CLI's and the HTTP API's).
NEED_THE_REAL_MODULES = ("tensorflow", "rasa.model_training")


def import_skops_keeping_the_log_level() -> None:
    root = logging.getLogger()
    level = root.level
    import skops.io  # noqa: F401, PLC0415  (its import is what resets the root logger's level)

    root.setLevel(level)


def prepare() -> None:
    sys.modules.setdefault("jax", None)  # type: ignore[arg-type]  (None: `import jax` raises ImportError)
    import_skops_keeping_the_log_level()


class RealModulesWhenNeeded:
    """Watches the imports: the first import of TensorFlow, or of Rasa's training, takes the stand-ins out of
    ``sys.modules``, so that every later import gets the real modules."""

    def find_spec(self, fullname: str, path: Sequence[str] | None = None, target: Any = None) -> None:
        # Stays in sys.meta_path (removing itself here would make the import skip the next finder).
        if fullname in NEED_THE_REAL_MODULES:
            stood_in = [name for name in TRAINING_ONLY if hasattr(sys.modules.get(name), "__stand_in__")]
            for name in stood_in:
                del sys.modules[name]
            if stood_in:
                logger.warning(
                    "This Rasa server imports %s (a model with a TensorFlow component, or training): "
                    "TensorFlow adds about 280 MB to each Rasa process (components/early_imports.py).",
                    fullname,
                )
        return None  # the ordinary finders import it


class ImportsTheRealClassWhenUsed(type):
    """The stand-ins' type: calling one, or reading an attribute it lacks, hands over to the real class."""

    def __init__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> None:
        if bases:  # a subclass would hand over to itself: import TensorFlow before subclassing
            raise TypeError(f"{bases[0].__qualname__} stands in for a class that needs TensorFlow")
        super().__init__(name, bases, namespace)

    def real_class(cls) -> type:
        import tensorflow  # noqa: F401, PLC0415  (first: puts the real modules back, RealModulesWhenNeeded)

        return getattr(importlib.import_module(cls.__module__), cls.__name__)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls.real_class()(*args, **kwargs)

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__"):  # looked for by typing, inspect, copy…: absent, as on a plain class
            raise AttributeError(name)
        return getattr(cls.real_class(), name)


def defer_tensorflow() -> None:
    """Until something needs TensorFlow, Rasa's training-only modules that import it are stood in for."""
    if "tensorflow" in sys.modules or any(name in sys.modules for name in TRAINING_ONLY):
        return  # too late to stand in: keep what is imported
    for module_name, class_names in TRAINING_ONLY.items():
        module = types.ModuleType(module_name, f"Stands in for {module_name} (components/early_imports.py).")
        module.__stand_in__ = True  # type: ignore[attr-defined]
        for class_name in class_names:
            attributes = {"__module__": module_name, "__qualname__": class_name, "__doc__": module.__doc__}
            setattr(module, class_name, ImportsTheRealClassWhenUsed(class_name, (), attributes))
        sys.modules[module_name] = module
    sys.meta_path.insert(0, RealModulesWhenNeeded())
