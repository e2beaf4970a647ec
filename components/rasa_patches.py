"""Two small patches to Rasa 3.6 itself (loaded by components/tracker_store.py, which every `rasa run` of this
project loads before the model).

1. Logging that survives loading the model. Rasa's LogisticRegressionClassifier loads through skops, whose
   import walks every scikit-learn module; one of them imports ``numpy.distutils``, which sets the root
   logger to WARNING. After that, nothing Rasa logs at INFO appears, "Rasa server is up and running." among
   it (deploy/stack.py waits for that line). skops is imported here, once, and the level put back
   (``scripts/serve_rasa.py`` has already imported it, before Rasa: components/early_imports.py).

2. Rasa checks every response from the action server against a JSON schema with ``jsonschema.validate``, which
first checks the (large) schema itself, on every call: profiled under 10 clients, that was 52% of Rasa's CPU
(docs/PERFORMANCE.md). The same check with a validator built once takes about a thirteenth of the time. The
response is still checked in full, with the same error as before.

3. The schema says an event is valid when exactly one of 23 event schemas (``oneOf``) accepts it, so
jsonschema tries all 23 for every event. Each of them requires its own ``event`` name, so only the one named
by the event can accept it: checking the event against that one alone gives the same verdict, about ten
times faster (profiled: 8.7% of Rasa's busy samples with the validator built once). A response this check
does not accept goes through the whole schema, which decides, and raises its error as before.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

from components.early_imports import import_skops_keeping_the_log_level

import_skops_keeping_the_log_level()


@cache
def _response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    return validator_for(schema)(schema)


@cache
def _event_validators() -> tuple[Any, dict[str, Any]] | None:
    """A validator of the response without its events' schema, and one per event name of that schema."""
    schema = RemoteAction.action_response_format_spec()
    event_schema = schema["properties"]["events"]["items"]
    options = event_schema["oneOf"]
    names = [option.get("properties", {}).get("event", {}).get("const") for option in options]
    if None in names or len(set(names)) != len(names):
        return None  # not one event name per schema (another Rasa): every response takes the whole check
    shape = {**schema, "properties": {**schema["properties"], "events": {"type": "array"}}}
    common = {key: value for key, value in event_schema.items() if key != "oneOf"}
    pairs = zip(names, options, strict=True)
    by_name = {name: validator_for(schema)({**common, "allOf": [option]}) for name, option in pairs}
    return validator_for(schema)(shape), by_name


def _accepted_by_its_event_schemas(result: Any) -> bool:
    validators = _event_validators()
    if validators is None:
        return False
    shape, by_name = validators
    if not shape.is_valid(result):
        return False
    for event in result.get("events") or []:
        name = event.get("event") if isinstance(event, dict) else None
        validator = by_name.get(name) if isinstance(name, str) else None
        if validator is None or not validator.is_valid(event):
            return False
    return True


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    if _accepted_by_its_event_schemas(result):
        return True
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
