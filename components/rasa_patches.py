"""One small, measured patch to Rasa 3.6 itself (loaded by components/tracker_store.py, which every `rasa run`
of this project loads).

Rasa checks every response from the action server against a JSON schema with ``jsonschema.validate``, which
first checks the (large) schema itself, on every call: profiled under 10 clients, that was 52% of Rasa's CPU
(docs/PERFORMANCE.md). The same check with a validator built once takes about a thirteenth of the time. The
response is still checked in full, with the same error as before.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


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
