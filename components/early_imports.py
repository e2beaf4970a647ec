"""Imports that cost less before Rasa's own; ``scripts/serve_rasa.py`` calls ``prepare()`` first (.venv-rasa).

Imports nothing from Rasa, so it can run before Rasa imports TensorFlow:

- **skops.io**, which Rasa's LogisticRegressionClassifier loads with, lists the types it trusts when it is
  imported: for each of some 300 numpy and scipy ufuncs it searches every module in ``sys.modules`` for the
  one that holds it. After Rasa's imports (TensorFlow among them: 6,000 modules) that took 12 s of CPU on a
  busy machine, about half of Rasa's start-up; imported first, 2.7 s. The lists come out the same
  (tests/test_early_imports.py). Its import also resets the root logger's level (``numpy.distutils``),
  which is put back. To list the estimators it imports every module of scikit-learn (``all_estimators()``):
  about 11 MB resident in each Rasa process that a turn never uses. The lists depend only on the installed
  versions, so the first start keeps them in the Rasa venv (``skops-trusted-types.json``) and a later start
  with the same versions of skops, scikit-learn, scipy and numpy hands skops the same lists instead of
  having it walk scikit-learn again (docs/PERFORMANCE.md, round 11).
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
- **The SDKs of channels this project does not use, matplotlib, and MongoDB's and DynamoDB's clients**, when
  serving (``defer_what_a_turn_never_uses()``, serve_rasa.py only): ``rasa.core.channels`` imports every
  built-in channel to list them by name, and with them questionary and prompt_toolkit (the console),
  slack_sdk, aiogram (Telegram), twilio, webexteamssdk and Google's auth (Hangouts); ``rasa.server`` imports
  Rasa's test code, which imports ``rasa.utils.plotting`` and matplotlib; ``rasa.core.tracker_store`` takes
  a name each from pymongo and boto3. About 40 MB resident in each Rasa process (docs/PERFORMANCE.md, round
  11). The same way: those modules are stood in for, each stand-in channel answers ``name()`` as the real
  one does, a stand-in module hands any other name over to the real module, and the first import of one of
  the SDKs, matplotlib, pymongo or boto3 by anything (a credentials file naming such a channel, ``rasa
  test``'s plots, a MongoDB or DynamoDB tracker store) puts the real modules back, with a warning.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import logging
import os
import sys
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
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
# Built-in channels whose modules import an SDK at their top, with the name each answers (rasa.core.channels
# builds its table of channels from these names when it is imported).
CHANNELS_WITH_SDKS = {
    "rasa.core.channels.console": {"CmdlineInput": "cmdline"},
    "rasa.core.channels.slack": {"SlackInput": "slack"},
    "rasa.core.channels.telegram": {"TelegramInput": "telegram"},
    "rasa.core.channels.twilio": {"TwilioInput": "twilio"},
    "rasa.core.channels.twilio_voice": {"TwilioVoiceInput": "twilio_voice"},
    "rasa.core.channels.webexteams": {"WebexTeamsInput": "webexteams"},
    "rasa.core.channels.hangouts": {"HangoutsInput": "hangouts"},
}
CHANNEL_SDKS = (
    "questionary", "prompt_toolkit", "slack_sdk", "aiogram", "twilio", "webexteamssdk", "google.auth",
    "google.oauth2",
)


@dataclass(frozen=True)
class Deferred:
    """Modules stood in for while serving: the classes other modules take from them at import, and the imports
    that put the real modules back."""

    cost: str  # for the warning
    stand_ins: dict[str, dict[str, dict[str, Any]]]  # module -> class -> the attributes it answers itself
    needed_by: tuple[str, ...]


def _answering_name(name: str) -> dict[str, Any]:
    return {"name": classmethod(lambda cls: name)}


TENSORFLOW = Deferred(
    cost="TensorFlow adds about 280 MB to each Rasa process",
    stand_ins={module: {name: {} for name in names} for module, names in TRAINING_ONLY.items()},
    needed_by=NEED_THE_REAL_MODULES,
)
CHANNELS = Deferred(
    cost="the channels' SDKs add about 20 MB to each Rasa process",
    stand_ins={
        module: {name: _answering_name(channel) for name, channel in classes.items()}
        for module, classes in CHANNELS_WITH_SDKS.items()
    },
    needed_by=CHANNEL_SDKS,
)
PLOTTING = Deferred(
    cost="matplotlib adds about 10 MB to each Rasa process",
    stand_ins={"rasa.utils.plotting": {}},
    needed_by=("matplotlib",),
)
# rasa.core.tracker_store takes Collection (for annotations) and Key (for DynamoDB's queries) at its top;
# components/rasa_patches.py keeps TrackerStore.create from importing pymongo to name its errors.
TRACKER_STORE_CLIENTS = Deferred(
    cost="MongoDB's and DynamoDB's clients add about 10 MB to each Rasa process",
    stand_ins={"pymongo.collection": {"Collection": {}}, "boto3.dynamodb.conditions": {"Key": {}}},
    needed_by=("pymongo", "boto3"),
)
DEFERRED = (TENSORFLOW, CHANNELS, PLOTTING, TRACKER_STORE_CLIENTS)


TRUSTED_TYPES_CACHE = Path(sys.prefix) / "skops-trusted-types.json"
TRUSTED_TYPE_LISTS = (
    "PRIMITIVE_TYPE_NAMES",
    "SKLEARN_ESTIMATOR_TYPE_NAMES",
    "SCIPY_UFUNC_TYPE_NAMES",
    "NUMPY_UFUNC_TYPE_NAMES",
    "NUMPY_DTYPE_TYPE_NAMES",
)
TRUSTED_TYPES_LISTED_BY = ("skops", "scikit-learn", "scipy", "numpy")


def _listing_versions() -> dict[str, str]:
    return {name: importlib.metadata.version(name) for name in TRUSTED_TYPES_LISTED_BY}


def trusted_types_kept(cache: Path) -> types.ModuleType | None:
    """``skops.io._trusted_types`` with the lists skops made for these versions, if they were kept."""
    try:
        kept = json.loads(cache.read_text())
        if kept["versions"] != _listing_versions():
            return None
        lists = {name: kept["lists"][name] for name in TRUSTED_TYPE_LISTS}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    module = types.ModuleType("skops.io._trusted_types", f"The lists skops made, kept in {cache}.")
    module.PRIMITIVES_TYPES = [int, float, str, bool]  # type: ignore[attr-defined]
    for name, names in lists.items():
        setattr(module, name, names)
    return module


def keep_trusted_types(cache: Path) -> None:
    from skops.io import _trusted_types as listed  # noqa: PLC0415

    lists = {name: getattr(listed, name) for name in TRUSTED_TYPE_LISTS}
    kept = {"versions": _listing_versions(), "lists": lists}
    try:
        partial = cache.with_name(f"{cache.name}.{os.getpid()}")
        partial.write_text(json.dumps(kept))
        partial.replace(cache)  # whole or not at all, whoever reads it meanwhile
    except OSError:
        pass  # a read-only venv (an image): skops lists them at every start, as before


def import_skops_keeping_the_log_level(trusted_types_cache: Path = TRUSTED_TYPES_CACHE) -> None:
    if "skops.io" in sys.modules:
        return
    root = logging.getLogger()
    level = root.level
    kept = trusted_types_kept(trusted_types_cache)
    if kept is not None:
        sys.modules[kept.__name__] = kept
    import skops.io  # noqa: PLC0415  (its import is what resets the root logger's level)

    root.setLevel(level)
    if kept is None:
        keep_trusted_types(trusted_types_cache)
    else:
        skops.io._trusted_types = kept  # type: ignore[attr-defined]  (as an import would have set it)


def prepare(trusted_types_cache: Path = TRUSTED_TYPES_CACHE) -> None:
    sys.modules.setdefault("jax", None)  # type: ignore[arg-type]  (None: `import jax` raises ImportError)
    import_skops_keeping_the_log_level(trusted_types_cache)


def _group_of(module_name: str) -> Deferred:
    return next(group for group in DEFERRED if module_name in group.stand_ins)


def put_back_the_real_modules(group: Deferred, because: str) -> None:
    """Takes the group's stand-ins out of ``sys.modules``: every later import gets the real modules."""
    stood_in = [name for name in group.stand_ins if hasattr(sys.modules.get(name), "__stand_in__")]
    for name in stood_in:
        del sys.modules[name]
    if stood_in:
        logger.warning(
            "This Rasa server imports %s: %s (components/early_imports.py).", because, group.cost
        )


class RealModulesWhenNeeded:
    """Watches the imports: the first import of a module that needs a group's real modules (TensorFlow, Rasa's
    training, a channel's SDK, matplotlib) takes that group's stand-ins out of ``sys.modules``."""

    def find_spec(self, fullname: str, path: Sequence[str] | None = None, target: Any = None) -> None:
        # Stays in sys.meta_path (removing itself here would make the import skip the next finder).
        for group in DEFERRED:
            if fullname in group.needed_by:
                put_back_the_real_modules(group, fullname)
        return None  # the ordinary finders import it


class ImportsTheRealClassWhenUsed(type):
    """The stand-ins' type: calling one, or reading an attribute it lacks, hands over to the real class."""

    def __init__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> None:
        if bases:  # a subclass would hand over to itself: import the real module before subclassing
            raise TypeError(f"{bases[0].__qualname__} stands in for {bases[0].__module__}: import it first")
        super().__init__(name, bases, namespace)

    def real_class(cls) -> type:
        put_back_the_real_modules(_group_of(cls.__module__), f"{cls.__module__}.{cls.__name__}")
        return getattr(importlib.import_module(cls.__module__), cls.__name__)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls.real_class()(*args, **kwargs)

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__"):  # looked for by typing, inspect, copy…: absent, as on a plain class
            raise AttributeError(name)
        return getattr(cls.real_class(), name)


def _real_attribute(module_name: str) -> Callable[[str], Any]:
    """A stand-in module's ``__getattr__``: any name it does not hold is the real module's."""

    def real_attribute(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        put_back_the_real_modules(_group_of(module_name), f"{module_name}.{name}")
        return getattr(importlib.import_module(module_name), name)

    return real_attribute


def defer(group: Deferred) -> None:
    """Until something needs them, the group's modules are stood in for."""
    if any(name in sys.modules for name in (*group.needed_by, *group.stand_ins)):
        return  # too late to stand in: keep what is imported
    for module_name, classes in group.stand_ins.items():
        module = types.ModuleType(module_name, f"Stands in for {module_name} (components/early_imports.py).")
        module.__stand_in__ = True  # type: ignore[attr-defined]
        module.__getattr__ = _real_attribute(module_name)  # type: ignore[method-assign]
        for class_name, answers in classes.items():
            attributes = {"__module__": module_name, "__qualname__": class_name, "__doc__": module.__doc__}
            stand_in = ImportsTheRealClassWhenUsed(class_name, (), {**attributes, **answers})
            setattr(module, class_name, stand_in)
        sys.modules[module_name] = module
    if not any(isinstance(finder, RealModulesWhenNeeded) for finder in sys.meta_path):
        sys.meta_path.insert(0, RealModulesWhenNeeded())


def defer_tensorflow() -> None:
    """Until something needs TensorFlow, Rasa's training-only modules that import it are stood in for."""
    defer(TENSORFLOW)


def defer_what_a_turn_never_uses() -> None:
    """Until needed: the channels that import an SDK, Rasa's plots, other tracker stores' clients."""
    defer(CHANNELS)
    defer(PLOTTING)
    defer(TRACKER_STORE_CLIENTS)
