"""The patch to Rasa's action-response check (components/rasa_patches.py) checks exactly as before."""

import subprocess

from tests.live import ROOT

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


LOGGING_SCRIPT = """
import logging
logging.getLogger().setLevel(logging.INFO)  # as `rasa run` configures it
import components.rasa_patches
import skops.io  # what the logistic regression classifier's loading imports
from sklearn.utils import all_estimators
all_estimators()  # walks scikit-learn, as skops does when a model loads
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
