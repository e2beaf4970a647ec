"""Small patches to Rasa 3.6 itself (loaded by components/tracker_store.py, which every `rasa run` of this
project loads before the model, and by scripts/serve_rasa.py before Rasa starts).

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

4. ``TrackerStore.create`` imports MongoDB's client (pymongo) and botocore only to name their connection
errors among those it turns into a ConnectionException: about 10 MB resident in each Rasa process that uses
neither (docs/PERFORMANCE.md, round 11; ``components/early_imports.py`` stands in for the two names
``rasa.core.tracker_store`` takes from pymongo and boto3). Patched, it names their errors only once they are
imported, which any error of theirs is: every tracker store is created as before, and the same errors
become a ConnectionException.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import Any

import sqlalchemy.exc
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core import tracker_store
from rasa.core.actions.action import RemoteAction
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import TrackerStore
from rasa.plugin import plugin_manager
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.domain import Domain
from rasa.shared.exceptions import ConnectionException
from rasa.utils.endpoints import EndpointConfig

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


def _connection_errors() -> tuple[type[BaseException], ...]:
    """The errors Rasa's ``TrackerStore.create`` turns into a ConnectionException, of the clients imported."""
    errors: list[type[BaseException]] = [sqlalchemy.exc.OperationalError, ConnectionError]
    if "botocore.exceptions" in sys.modules:
        errors.append(sys.modules["botocore.exceptions"].BotoCoreError)
    if "pymongo.errors" in sys.modules:
        pymongo_errors = sys.modules["pymongo.errors"]
        errors += [pymongo_errors.ConnectionFailure, pymongo_errors.OperationFailure]
    return tuple(errors)


def _create_tracker_store(
    obj: TrackerStore | EndpointConfig | None,
    domain: Domain | None = None,
    event_broker: EventBroker | None = None,
) -> TrackerStore:
    """Rasa 3.6.21's ``TrackerStore.create``, without importing pymongo and botocore to name their errors."""
    if isinstance(obj, TrackerStore):
        return obj
    try:
        created = plugin_manager().hook.create_tracker_store(
            endpoint_config=obj, domain=domain, event_broker=event_broker
        )
        return created if created else tracker_store.create_tracker_store(obj, domain, event_broker)
    except Exception as error:
        if isinstance(error, _connection_errors()):
            raise ConnectionException("Cannot connect to tracker store." + str(error)) from error
        raise


TrackerStore.create = staticmethod(_create_tracker_store)  # type: ignore[method-assign]
