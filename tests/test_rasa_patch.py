"""The patches to Rasa (components/rasa_patches.py): the action-response check checks exactly as before, the
log level survives loading the model, and tracker stores are created as before without importing pymongo."""

import json
import subprocess
from pathlib import Path

import pytest

from tests.live import MODEL, ROOT

SCRIPT = """
import components.rasa_patches
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
action = RemoteAction("action_x", None)
good = {"events": [{"event": "slot", "name": "depth", "value": 3}],
        "responses": [{"text": "hi", "buttons": []}]}
assert action._validate_action_result(good)
try:
    action._validate_action_result({"events": [{"event": 7}], "responses": "not a list"})
except ValidationError as error:
    assert "Failed to validate Action server response" in error.message
else:
    raise SystemExit("a bad response passed")
print("ok")
"""


def test_the_patched_check_accepts_good_responses_and_refuses_bad_ones() -> None:
    python = ROOT / ".venv-rasa" / "bin" / "python"
    result = subprocess.run(
        [str(python), "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-2000:]


LOGGING_SCRIPT = f"""
import asyncio, logging
logging.getLogger().setLevel(logging.INFO)  # as `rasa run` configures it
import components.rasa_patches
from rasa.core.agent import load_agent
asyncio.run(load_agent(model_path="{MODEL}"))  # its logistic regression classifier loads through skops
assert logging.getLogger().level == logging.INFO, logging.getLogger().level
print("ok")
"""


def test_loading_the_classifier_leaves_rasas_log_level_alone() -> None:
    """Without the patch, loading the model set the root logger to WARNING: "Rasa server is up and running."
    (which deploy/stack.py waits for) and every later INFO line disappeared."""
    python = ROOT / ".venv-rasa" / "bin" / "python"
    result = subprocess.run(
        [str(python), "-c", LOGGING_SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-2000:]


EVENT_SCHEMA_SCRIPT = """
from unittest import mock
import components.rasa_patches as patches
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.core import events as e

schema = RemoteAction.action_response_format_spec()
whole = validator_for(schema)(schema)
good = [event.as_dict() for event in [
    e.UserUttered("hi", {"name": "greet", "confidence": 0.9}, []), e.BotUttered("hello", {"buttons": []}),
    e.SlotSet("depth", 3), e.SlotSet("hopes", None), e.ActionExecuted("action_listen"), e.ActiveLoop("form"),
    e.ActiveLoop(None), e.FollowupAction("action_x"), e.SessionStarted(), e.Restarted(), e.AllSlotsReset(),
    e.ReminderCancelled(name="r"), e.ActionReverted(), e.UserUtteranceReverted(), e.ConversationPaused(),
    e.ConversationResumed(), e.StoryExported(), e.LoopInterrupted(True), e.ActionExecutionRejected("a"),
    e.EntitiesAdded([{"entity": "x", "value": "y"}]), e.DefinePrevUserUtteredFeaturization(False),
    e.AgentUttered("hi"),
]]
bad = [
    {"event": "slot", "name": 5, "value": 1}, {"event": "slot"}, {"event": "unknown"}, {"event": 7}, {},
    {"event": "bot", "timestamp": "noon"}, {"event": "user", "text": 5}, {"event": "action"},
    {"event": "active_loop", "name": 3}, {"event": "followup"}, {"event": "bot", "metadata": "x"},
    "slot", None,
]
responses = [{"events": good, "responses": [{"text": "hi"}]}, {}, {"responses": []}]
responses += [{"events": [event]} for event in good + bad]
responses += [{"events": good + [event]} for event in bad]
responses += [{"events": "slot"}, {"events": None}, {"responses": "text"}, {"responses": [1]}, [], "x", None]
for response in responses:
    assert patches._accepted_by_its_event_schemas(response) == whole.is_valid(response), response
assert all(whole.is_valid({"events": [event]}) for event in good)
assert sum(not whole.is_valid({"events": [event]}) for event in bad) >= 10  # both verdicts are compared
with mock.patch.object(patches, "_response_validator", side_effect=AssertionError("the whole schema ran")):
    assert RemoteAction("action_x", None)._validate_action_result({"events": good, "responses": []})
print("ok")
"""


def test_each_event_is_checked_against_its_own_schema_with_the_whole_schemas_verdict() -> None:
    """A response is accepted exactly when Rasa's whole schema accepts it, and a valid one without running the
    whole schema's 23-way ``oneOf`` per event (8.7% of Rasa's busy samples)."""
    python = ROOT / ".venv-rasa" / "bin" / "python"
    result = subprocess.run(
        [str(python), "-c", EVENT_SCHEMA_SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-2000:]


# Tracker stores made through TrackerStore.create, as Rasa ships it or patched in a process where
# serve_rasa.py's deferrals ran: the same stores, and the same errors turned into a ConnectionException.
TRACKER_STORES = """
import json, sys
DEFERRALS
from rasa.core.tracker_store import TrackerStore
from rasa.utils.endpoints import EndpointConfig

def made(config):
    try:
        return type(TrackerStore.create(config)).__name__
    except Exception as error:
        return f"{type(error).__name__} from {type(error.__cause__).__name__}"

sql = made(EndpointConfig(type="sql", dialect="sqlite", db=sys.argv[1]))
clients = sorted(name for name in ("pymongo", "boto3", "botocore") if name in sys.modules)
nowhere = "mongodb://127.0.0.1:" + sys.argv[2] + "/?serverSelectionTimeoutMS=300"
mongo = made(EndpointConfig(type="mongod", url=nowhere))
print(json.dumps({"sql": sql, "clients before": clients, "mongo": mongo, "none": made(None)}))
"""
DEFERRALS = """
from components.early_imports import defer_tensorflow, defer_what_a_turn_never_uses, prepare
prepare()
defer_tensorflow()
defer_what_a_turn_never_uses()
import components.rasa_patches
"""


@pytest.mark.parametrize("patched", [True, False])
def test_tracker_stores_are_made_as_before_and_fail_the_same_way(patched: bool, tmp_path: Path) -> None:
    from deploy.services import free_port  # noqa: PLC0415  (a port nothing listens on: no MongoDB there)

    script = TRACKER_STORES.replace("DEFERRALS", DEFERRALS if patched else "")
    result = subprocess.run(
        [str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", script, str(tmp_path / "t.db"), str(free_port())],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    made = json.loads(result.stdout.strip().splitlines()[-1])
    assert made.pop("clients before") == ([] if patched else ["boto3", "botocore", "pymongo"])
    assert made == {
        "sql": "SQLTrackerStore",
        "mongo": "ConnectionException from ServerSelectionTimeoutError",  # pymongo imported when needed
        "none": "InMemoryTrackerStore",
    }
