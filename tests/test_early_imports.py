"""components/early_imports.py: Rasa imports skops before its own imports (the same trusted types, faster),
and the served Rasa runs without TensorFlow, the SDKs of other channels and matplotlib, which a model, a
training, a channel or a plot that needs them still gets."""

import json
import subprocess
from pathlib import Path

import pytest

from tests.live import MODEL, ROOT

TRUSTED_TYPES = """
import json
from skops.io import _trusted_types as trusted
names = ["PRIMITIVE_TYPE_NAMES", "SKLEARN_ESTIMATOR_TYPE_NAMES", "SCIPY_UFUNC_TYPE_NAMES",
         "NUMPY_UFUNC_TYPE_NAMES", "NUMPY_DTYPE_TYPE_NAMES"]
print(json.dumps({name: getattr(trusted, name) for name in names}))
"""
RASA_FIRST = "import rasa.core.run\nimport skops.io\n" + TRUSTED_TYPES
SKOPS_FIRST = (
    "import sys\nfrom pathlib import Path\nfrom components.early_imports import prepare\n"
    "prepare(Path(sys.argv[1]))\nwalked = 'sklearn.ensemble' in sys.modules\nimport rasa.core.run\n"
    "import tensorflow.lite\n"
    + TRUSTED_TYPES.replace("print(json.dumps(", "print(json.dumps({'walked': walked} | ")
)
STARTS_RASA = """
import sys, types
def main():
    assert "skops.io" in sys.modules and "tensorflow" not in sys.modules, "skops was not imported first"
    stood_in = hasattr(sys.modules.get("rasa.utils.tensorflow.callback"), "__stand_in__")
    print("tensorflow deferred" if stood_in else "tensorflow as usual")
fake = types.ModuleType("rasa.__main__")
fake.main = main
sys.modules["rasa.__main__"] = fake
sys.argv = [SCRIPT, "--port", "5999"]
import runpy
runpy.run_path(SCRIPT, run_name="__main__")
"""
DEFERRED_PACKAGES = (
    "questionary", "prompt_toolkit", "slack_sdk", "aiogram", "twilio", "webexteamssdk", "google.auth",
    "matplotlib", "PIL", "pymongo", "boto3", "botocore",
)
# What serve_rasa.py then runs: the command line's and the server's imports, the model loaded, a message
# parsed and a turn predicted (no action server here: action_session_start fails softly, as in a live run).
SERVED_MODEL = f"""
import asyncio, json, sys
from components.early_imports import defer_what_a_turn_never_uses, defer_tensorflow, prepare
prepare()
defer_tensorflow()
defer_what_a_turn_never_uses()
import components.rasa_patches
import rasa.__main__, rasa.core.run
from rasa.core.agent import load_agent

async def serve():
    agent = await load_agent(model_path="{MODEL}")
    parsed = await agent.parse_message("I would like to think about how my therapy is going")
    replies = await agent.handle_text("hi", sender_id="early-imports-test")
    return {{"intent": parsed["intent"]["name"], "risk": "risk" in parsed, "replies": len(replies or []),
            "tensorflow": "tensorflow" in sys.modules,
            "deferred": sorted(name for name in {DEFERRED_PACKAGES!r} if name in sys.modules)}}

print(json.dumps(asyncio.run(serve())))
"""
# A model with DIET, trained through the HTTP API's entry point in a process whose imports bound the stand-ins
# (they hand over to the real classes), then loaded and run: TensorFlow is imported and all works as before.
TENSORFLOW_MODEL = f"""
import asyncio, json, sys
from components.early_imports import defer_tensorflow, prepare
prepare()
defer_tensorflow()
import rasa.core.run
from rasa.core.agent import load_agent
from rasa.engine.storage.local_model_storage import LocalModelStorage
LocalModelStorage.metadata_from_archive("{MODEL}")  # its training graph holds the stand-in validator
before = "tensorflow" in sys.modules
import rasa.model_training
project = sys.argv[1]
trained = rasa.model_training.train(
    domain=f"{{project}}/domain.yml", config=f"{{project}}/config.yml", training_files=f"{{project}}/data",
    output=f"{{project}}/models", fixed_model_name="diet")

async def parse():
    agent = await load_agent(model_path=trained.model)
    return await agent.parse_message("hello there")

parsed = asyncio.run(parse())
from rasa.utils.tensorflow import data_generator, models
print(json.dumps({{
    "tensorflow before": before, "tensorflow after": "tensorflow" in sys.modules, "code": trained.code,
    "intent": parsed["intent"]["name"],
    "real modules": models.RasaBatchDataGenerator is data_generator.RasaBatchDataGenerator,
}}))
"""
# In a process where serve_rasa.py's deferrals ran (DEFER) or not: the channels Rasa lists, then a Slack
# channel from its credentials, a Telegram class taken afterwards, the console and a plot.
CHANNELS_AND_PLOTS = """
import io, json, logging, sys
from components.early_imports import defer_what_a_turn_never_uses, defer_tensorflow, prepare
log = io.StringIO()
logging.getLogger().addHandler(logging.StreamHandler(log))
prepare()
if DEFER:
    defer_tensorflow()
    defer_what_a_turn_never_uses()
import rasa.core.run, rasa.nlu.test
from rasa.core.channels import BUILTIN_CHANNELS
from rasa.core.run import console
SDKS = ("questionary", "prompt_toolkit", "slack_sdk", "aiogram", "matplotlib")
before = sorted(name for name in SDKS if name in sys.modules)
channels = {name: channel.__name__ for name, channel in BUILTIN_CHANNELS.items() if channel.name() == name}
slack = BUILTIN_CHANNELS["slack"].from_credentials({"slack_token": "xoxb-test", "slack_signing_secret": "s"})
import rasa.core.channels.slack as slack_module
from rasa.core.channels.telegram import TelegramInput
import aiogram
plot = rasa.nlu.test.plot_utils.plot_curve
print(json.dumps({
    "channels": channels, "before": before,
    "slack": [type(slack).__module__, type(slack).__name__, isinstance(slack, slack_module.SlackInput),
              slack.slack_token],
    "telegram is real": type(TelegramInput).__name__ != "ImportsTheRealClassWhenUsed",
    "console": [console.record_messages.__module__, console.record_messages.__name__],
    "plot": [plot.__module__, plot.__name__],
    "after": sorted(name for name in SDKS if name in sys.modules and name != "aiogram"),
    "warnings": log.getvalue().count("components/early_imports.py"),
}))
"""
TINY_DIET_PROJECT = {
    "config.yml": """
recipe: default.v1
assistant_id: tiny_diet
language: en
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: DIETClassifier
    epochs: 1
policies:
  - name: RulePolicy
""",
    "domain.yml": """
version: "3.1"
intents: [greet, goodbye]
responses:
  utter_greet: [{text: "Hello"}]
  utter_goodbye: [{text: "Bye"}]
""",
    "data/nlu.yml": """
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hi
    - hello
- intent: goodbye
  examples: |
    - bye
    - goodbye
""",
    "data/rules.yml": """
version: "3.1"
rules:
- rule: greet
  steps:
  - intent: greet
  - action: utter_greet
""",
}


def _run(script: str, *arguments: str, cache: Path | None = None) -> str:
    result = subprocess.run(
        [str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", script, *arguments], cwd=ROOT,
        capture_output=True, text=True, timeout=600,
        env={
            "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin",
            "RASA_TOKEN": "r" * 32, "SOCKETIO_JWT_SECRET": "s" * 32, "ACTION_SERVER_TOKEN": "a" * 32,
            **({"RASA_CACHE_DIRECTORY": str(cache)} if cache else {}),
        },
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


def test_skops_trusts_the_same_types_when_imported_before_rasa_and_when_kept(tmp_path: Path) -> None:
    """The classifier loads only when every type in its file is trusted: the lists must not change, whether
    skops lists them (walking scikit-learn) or takes the lists it made at an earlier start."""
    as_rasa_does = json.loads(_run(RASA_FIRST))
    cache = tmp_path / "skops-trusted-types.json"
    first = json.loads(_run(SKOPS_FIRST, str(cache)))
    assert first.pop("walked") is True
    assert first == as_rasa_does
    kept = json.loads(cache.read_text())
    assert set(kept["versions"]) == {"skops", "scikit-learn", "scipy", "numpy"}
    later = json.loads(_run(SKOPS_FIRST, str(cache)))
    assert later.pop("walked") is False  # no module of scikit-learn that the model does not need
    assert later == as_rasa_does
    cache.write_text(json.dumps({**kept, "versions": {**kept["versions"], "scikit-learn": "0.0"}}))
    after_an_upgrade = json.loads(_run(SKOPS_FIRST, str(cache)))
    assert after_an_upgrade.pop("walked") is True  # other versions: listed again, and kept again
    assert after_an_upgrade == as_rasa_does
    assert json.loads(cache.read_text()) == kept


@pytest.mark.parametrize(
    ("script", "expected"),
    [("scripts/serve_rasa.py", "tensorflow deferred"), ("scripts/rasa_command.py", "tensorflow as usual")],
)
def test_skops_comes_before_rasa_and_only_serving_defers_tensorflow(script: str, expected: str) -> None:
    assert _run(f"SCRIPT = {script!r}\n" + STARTS_RASA) == expected


def test_the_served_model_answers_without_importing_tensorflow() -> None:
    """TensorFlow costs about 280 MB in each Rasa process; no component or policy of this model needs it."""
    served = json.loads(_run(SERVED_MODEL))
    assert served == {
        "intent": "start_reflection", "risk": True, "replies": 1, "tensorflow": False, "deferred": []
    }


@pytest.mark.parametrize("deferred", [True, False])
def test_channels_and_plots_that_need_an_sdk_still_work_where_they_are_deferred(deferred: bool) -> None:
    """The same channels by the same names, a channel with an SDK built from its credentials (the SDK and
    the real class imported, with a warning), the console's functions and Rasa's plots: as if not deferred."""
    result = json.loads(_run(CHANNELS_AND_PLOTS.replace("DEFER", str(deferred))))
    assert result.pop("warnings") == (2 if deferred else 0)  # once for the channels, once for the plots
    assert result.pop("before") == ([] if deferred else ["aiogram", *result["after"]])
    assert result == {
        "channels": {
            "botframework": "BotFrameworkInput", "callback": "CallbackInput", "cmdline": "CmdlineInput",
            "facebook": "FacebookInput", "hangouts": "HangoutsInput", "mattermost": "MattermostInput",
            "rasa": "RasaChatInput", "rest": "RestInput", "rocketchat": "RocketChatInput",
            "slack": "SlackInput", "socketio": "SocketIOInput", "telegram": "TelegramInput",
            "twilio": "TwilioInput", "twilio_voice": "TwilioVoiceInput", "webexteams": "WebexTeamsInput",
        },
        "slack": ["rasa.core.channels.slack", "SlackInput", True, "xoxb-test"],
        "telegram is real": True,
        "console": ["rasa.core.channels.console", "record_messages"],
        "plot": ["rasa.utils.plotting", "plot_curve"],
        "after": ["matplotlib", "prompt_toolkit", "questionary", "slack_sdk"],
    }


def test_a_model_that_needs_tensorflow_still_trains_and_runs_where_it_is_deferred(tmp_path: Path) -> None:
    for name, text in TINY_DIET_PROJECT.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    result = json.loads(_run(TENSORFLOW_MODEL, str(tmp_path), cache=tmp_path / "cache"))
    assert result.pop("intent") in {"greet", "goodbye"}
    assert result == {"tensorflow before": False, "tensorflow after": True, "code": 0, "real modules": True}
