"""Load and validate the de-identification data: patterns, cue words, keep lists and name lexicons.

Everything under reflection/content/anonymize/ is read once, checked (every regex compiles, every entity has
a placeholder, every validator exists) and frozen. A broken file stops start-up with a message naming it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import regex
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from spacy.lang.en.stop_words import STOP_WORDS

from reflection.anonymize.validators import VALIDATORS

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content" / "anonymize"
PLACEHOLDER_TYPES = (
    "PERSON",
    "ORGANIZATION",
    "LOCATION",
    "ADDRESS",
    "ZIP_CODE",
    "DATE",
    "AGE",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "URL",
    "US_SSN",
    "UK_NHS",
    "MEDICAL_RECORD_NUMBER",
    "ID_NUMBER",
    "IP_ADDRESS",
)
# Presidio's own flags for pattern recognizers: ignore case, multiline, dotall.
REGEX_FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE
FRAGMENT = regex.compile(r"<<(\w+)>>")


class AnonymizeDataError(ValueError):
    """A file under reflection/content/anonymize/ is missing or invalid; the message names it."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PatternSpec(_Strict):
    name: str
    score: float = Field(gt=0, le=1)
    regex: str


class RecognizerSpec(_Strict):
    name: str
    entity: str
    patterns: list[PatternSpec] = Field(min_length=1)
    context: list[str] = []
    validator: str | None = None


class EngineSettings(_Strict):
    score_threshold: float = Field(gt=0, le=1)
    context_similarity_factor: float = Field(ge=0, le=1)
    min_score_with_context_similarity: float = Field(ge=0, le=1)
    context_prefix_count: int = Field(ge=0, le=20)
    context_suffix_count: int = Field(ge=0, le=20)
    max_chunk_chars: int = Field(ge=200, le=100_000)
    spacy_batch_size: int = Field(ge=1, le=10_000)


class NerSpec(_Strict):
    score: float = Field(gt=0, le=1)
    labels: dict[str, str]


class PresidioSpec(_Strict):
    phone_regions: list[str]
    phone_context: list[str]


class RecognizerFile(_Strict):
    settings: EngineSettings
    placeholders: dict[str, str]
    tiers: list[list[str]]
    ner: NerSpec
    presidio: PresidioSpec
    fragments: dict[str, str]
    recognizers: list[RecognizerSpec]

    @model_validator(mode="after")
    def _consistent(self) -> RecognizerFile:
        unknown = sorted(set(self.placeholders.values()) - set(PLACEHOLDER_TYPES))
        if unknown:
            raise ValueError(f"placeholders map to unknown types {unknown}; allowed: {PLACEHOLDER_TYPES}")
        tiered = [entity for tier in self.tiers for entity in tier]
        entities = {spec.entity for spec in self.recognizers} | set(self.ner.labels.values()) | set(tiered)
        missing = sorted(entities - set(self.placeholders))
        if missing:
            raise ValueError(f"entities without a placeholder: {missing}")
        untiered = sorted(set(self.placeholders) - set(tiered))
        if untiered:
            raise ValueError(f"entities in no tier: {untiered}")
        for spec in self.recognizers:
            if spec.validator and spec.validator not in VALIDATORS:
                raise ValueError(
                    f"{spec.name}: unknown validator {spec.validator!r}; known: {sorted(VALIDATORS)}"
                )
        return self


class KeepFile(_Strict):
    therapies: list[str]
    medications: list[str]
    diagnoses: list[str]
    feelings: list[str]
    relations: list[str]
    time_words: list[str]
    proper_nouns: list[str]
    countries: list[str]
    us_states: list[str]
    public_numbers: list[str]


class PersonCues(_Strict):
    titles: list[str]
    relations: list[str]
    introductions: list[list[str]]
    greetings: list[list[str]]
    preceding_words: list[str]
    following_words: list[str]
    chat_words: list[str]
    common_names: list[str]
    extra_first_names: list[str]


class OrganizationCues(_Strict):
    suffixes: list[str]
    weak_suffixes: list[str]
    of_heads: list[str]
    descriptors: list[str]
    employer_cues: list[list[str]]
    not_employers: list[str]
    employer_words: list[str]
    saints: list[str]
    known: list[str]
    known_ambiguous: list[str]


class LocationCues(_Strict):
    extra_places: list[str]
    cues: list[list[str]]
    strong_cues: list[list[str]]


class AddressCues(_Strict):
    street_suffixes: list[str]
    not_street_words: list[str]
    unit_words: list[str]
    directions: list[str]


class ContextFile(_Strict):
    person: PersonCues
    organization: OrganizationCues
    location: LocationCues
    address: AddressCues


@dataclass(frozen=True)
class Lexicon:
    """Word sets the token recognizers look up, all lower case."""

    first_names: frozenset[str]
    ambiguous_first_names: frozenset[str]
    surnames: frozenset[str]
    ambiguous_surnames: frozenset[str]
    places: frozenset[str]
    # Places that are also first names ("austin", "florence"): a place after "in", "from", "to" and the like.
    named_places: frozenset[str]
    # Places that are also ordinary words ("reading", "bath"): places only when capitalised or cued.
    ambiguous_places: frozenset[str]
    # Tokens that are never part of a name, organisation or place: stop words, chat shorthand, therapy words.
    never_names: frozenset[str]
    # Names that are also kept words ("summer", "june"): names only right after a cue ("my daughter summer").
    cue_only_names: frozenset[str]
    # Whole lower-case phrases (one or more words) that must survive de-identification.
    keep_phrases: frozenset[str]
    keep_tokens: frozenset[str]


@dataclass(frozen=True)
class AnonymizeData:
    recognizers: RecognizerFile
    keep: KeepFile
    context: ContextFile
    lexicon: Lexicon
    # Pattern regexes with fragments expanded, by recognizer name then pattern name.
    expanded_patterns: dict[str, dict[str, str]]


@cache
def load_data(content_dir: Path = CONTENT_DIR) -> AnonymizeData:
    recognizers = _load_model(content_dir / "recognizers.yml", RecognizerFile)
    keep = _load_model(content_dir / "keep.yml", KeepFile)
    context = _load_model(content_dir / "context_en.yml", ContextFile)
    fragments = dict(recognizers.fragments)
    fragments["not_street_word"] = (
        "(?:"
        + "|".join(
            regex.escape(word) for word in sorted(context.address.not_street_words, key=len, reverse=True)
        )
        + ")"
    )
    expanded = {
        spec.name: {
            pattern.name: _expand(pattern.regex, fragments, f"recognizers.yml: {spec.name} / {pattern.name}")
            for pattern in spec.patterns
        }
        for spec in recognizers.recognizers
    }
    lexicon = _build_lexicon(content_dir / "lexicons", keep, context)
    return AnonymizeData(recognizers, keep, context, lexicon, expanded)


def _load_model(path: Path, model: type[BaseModel]) -> Any:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return model.model_validate(_lower_words(raw, path.name))
    except OSError as error:
        raise AnonymizeDataError(f"cannot read {path}: {error.strerror}") from error
    except (yaml.YAMLError, ValidationError) as error:
        raise AnonymizeDataError(f"{path} is invalid: {error}") from error


def _lower_words(raw: Any, file_name: str) -> Any:
    # Word lists are matched lower-case; recognizers.yml holds regexes and entity names, which keep case.
    if file_name == "recognizers.yml":
        return raw
    if isinstance(raw, dict):
        return {key: _lower_words(value, file_name) for key, value in raw.items()}
    if isinstance(raw, list):
        return [_lower_words(value, file_name) for value in raw]
    return str(raw).lower() if isinstance(raw, str | int) else raw


def _expand(pattern: str, fragments: dict[str, str], where: str) -> str:
    for _ in range(5):
        if "<<" not in pattern:
            break

        def replace(match: regex.Match[str]) -> str:
            name = match.group(1)
            if name not in fragments:
                raise AnonymizeDataError(f"{where}: unknown fragment <<{name}>>")
            return fragments[name]

        pattern = FRAGMENT.sub(replace, pattern)
    try:
        regex.compile(pattern, REGEX_FLAGS)
    except regex.error as error:
        raise AnonymizeDataError(f"{where}: the regex does not compile: {error}") from error
    return pattern


def _read_words(path: Path) -> set[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise AnonymizeDataError(f"cannot read {path}: {error.strerror}") from error
    return {line.strip().lower() for line in lines if line.strip() and not line.startswith("#")}


def _build_lexicon(folder: Path, keep: KeepFile, context: ContextFile) -> Lexicon:
    person = context.person
    keep_phrases = {
        phrase
        for group in (
            keep.therapies,
            keep.medications,
            keep.diagnoses,
            keep.feelings,
            keep.relations,
            keep.time_words,
            keep.proper_nouns,
            keep.countries,
            keep.us_states,
            keep.public_numbers,
        )
        for phrase in group
    }
    months = {
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    }
    never_names = (
        set(STOP_WORDS)
        | set(person.chat_words)
        # Countries and states stay out: "jordan" and "georgia" are names too; the keep check drops them.
        | {
            phrase
            for group in (
                keep.therapies,
                keep.medications,
                keep.diagnoses,
                keep.relations,
                keep.time_words,
                keep.proper_nouns,
            )
            for phrase in group
            if " " not in phrase
        }
        | set(person.titles)
        | set(person.relations)
    ) - set(person.common_names)
    # Words that can be a name but are often something else need a cue before they count as names.
    soft_words = set(keep.feelings) | months
    first = _read_words(folder / "first_names.txt") | set(person.common_names) | set(person.extra_first_names)
    ambiguous_first = _read_words(folder / "first_names_ambiguous.txt")
    ambiguous_first |= {name for name in first if len(name) <= 2 or name in soft_words}
    first = {name for name in first if name not in ambiguous_first or name in person.common_names}
    ambiguous_first -= set(person.common_names)
    surnames = _read_words(folder / "surnames.txt")
    ambiguous_surnames = _read_words(folder / "surnames_ambiguous.txt") | {s for s in surnames if len(s) <= 2}
    surnames -= ambiguous_surnames
    places = _read_words(folder / "places.txt") | set(context.location.extra_places)
    ambiguous_places = _read_words(folder / "places_ambiguous.txt")
    named_places = (places & (first | ambiguous_first)) - ambiguous_places
    places -= ambiguous_places | named_places
    keep_tokens = {word for phrase in keep_phrases for word in phrase.split()}
    # spaCy splits "Alzheimer's" into "Alzheimer" and "'s": the stem must be kept too.
    keep_tokens |= {word[:-2] for word in keep_tokens if word.endswith("'s")}
    return Lexicon(
        first_names=frozenset(first - never_names),
        ambiguous_first_names=frozenset(ambiguous_first - never_names),
        surnames=frozenset(surnames - never_names),
        ambiguous_surnames=frozenset(ambiguous_surnames - never_names),
        places=frozenset(places - never_names - keep_phrases),
        named_places=frozenset(named_places - never_names - keep_phrases),
        ambiguous_places=frozenset(ambiguous_places - never_names - keep_phrases),
        never_names=frozenset(never_names),
        cue_only_names=frozenset((first | ambiguous_first) & (set(keep.time_words) | soft_words)),
        keep_phrases=frozenset(keep_phrases),
        keep_tokens=frozenset(keep_tokens),
    )
