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
