"""De-identification of clients' free text: Presidio and spaCy, with the project's recognizers and data.

See engine.py for the API; the patterns, cue words and keep lists live in reflection/content/anonymize/.
"""

from reflection.anonymize.data import PLACEHOLDER_TYPES, AnonymizeDataError
from reflection.anonymize.engine import (
    Anonymizer,
    RedactedSpan,
    Redaction,
    anonymize,
    anonymize_many,
    get_anonymizer,
)

__all__ = [
    "PLACEHOLDER_TYPES",
    "AnonymizeDataError",
    "Anonymizer",
    "Redaction",
    "RedactedSpan",
    "anonymize",
    "anonymize_many",
    "get_anonymizer",
]
