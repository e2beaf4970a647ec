"""Two small patches to Rasa 3.6 itself (loaded by components/tracker_store.py, which every `rasa run` of this
project loads before the model).

1. Logging that survives loading the model. Rasa's LogisticRegressionClassifier loads through skops, whose
   import walks every scikit-learn module; one of them imports ``numpy.distutils``, which sets the root
   logger to WARNING. After that, nothing Rasa logs at INFO appears, "Rasa server is up and running." among
   it (deploy/stack.py waits for that line). skops is imported here, once, and the level put back.

2. Rasa checks every response from the action server against a JSON schema with ``jsonschema.validate``, which
first checks the (large) schema itself, on every call: profiled under 10 clients, that was 52% of Rasa's CPU
(docs/PERFORMANCE.md). The same check with a validator built once takes about a thirteenth of the time. The
response is still checked in full, with the same error as before.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


def _import_keeping_the_log_level() -> None:
    root = logging.getLogger()
    level = root.level
    import skops.io  # noqa: F401, PLC0415  (its import is what resets the root logger's level)

    root.setLevel(level)


_import_keeping_the_log_level()


@cache
def _response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    return validator_for(schema)(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    try:
        _response_validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the Action "
            f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise


RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
