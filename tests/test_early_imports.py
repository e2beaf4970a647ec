"""Rasa imports skops before its own imports (components/early_imports.py): the same trusted types, faster."""

import json
import subprocess

from tests.live import ROOT

TRUSTED_TYPES = """
import json
from skops.io import _trusted_types as trusted
names = ["PRIMITIVE_TYPE_NAMES", "SKLEARN_ESTIMATOR_TYPE_NAMES", "SCIPY_UFUNC_TYPE_NAMES",
         "NUMPY_UFUNC_TYPE_NAMES", "NUMPY_DTYPE_TYPE_NAMES"]
print(json.dumps({name: getattr(trusted, name) for name in names}))
"""
RASA_FIRST = "import rasa.core.run\nimport skops.io\n" + TRUSTED_TYPES
SKOPS_FIRST = (
    "from components.early_imports import prepare\nprepare()\nimport rasa.core.run\n"
    "import tensorflow.lite\n" + TRUSTED_TYPES
)
SERVE_RASA_ORDER = """
import sys, types
def main():
    assert "skops.io" in sys.modules and "tensorflow" not in sys.modules, "skops was not imported first"
    print("ok")
fake = types.ModuleType("rasa.__main__")
fake.main = main
sys.modules["rasa.__main__"] = fake
sys.argv = ["serve_rasa.py", "--port", "5999"]
import runpy
runpy.run_path("scripts/serve_rasa.py", run_name="__main__")
"""


def _run(script: str) -> str:
    result = subprocess.run(
        [str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", script], cwd=ROOT, capture_output=True, text=True,
        timeout=600,
        env={
            "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin",
            "RASA_TOKEN": "r" * 32, "SOCKETIO_JWT_SECRET": "s" * 32, "ACTION_SERVER_TOKEN": "a" * 32,
        },
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


def test_skops_trusts_the_same_types_when_imported_before_rasa() -> None:
    """The classifier loads only when every type in its file is trusted: the lists must not change."""
    assert json.loads(_run(SKOPS_FIRST)) == json.loads(_run(RASA_FIRST))


def test_serve_rasa_imports_skops_before_rasa_imports_tensorflow() -> None:
    assert _run(SERVE_RASA_ORDER) == "ok"
