"""Presidio recognizers built from the data files.

Pattern recognizers come straight from recognizers.yml. The token recognizers read spaCy tokens to find what
the NER model misses in chat: lower-case names after a cue ("my sister becca"), organisations named by a
suffix ("harbor view clinic") or an employer cue ("i work at tesco"), places from a gazetteer, and
capitalised words in otherwise well-cased text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from presidio_analyzer import (
    AnalysisExplanation,
    LocalRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Token

from reflection.anonymize.data import AnonymizeData, RecognizerSpec
from reflection.anonymize.validators import VALIDATORS

WORD_SHAPE = re.compile(r"[^\W\d_](?:[^\W\d_]|['’\-.](?=[^\W\d_]))*\.?", re.UNICODE)
# Parts of speech that never start or continue a name in these heuristics.
NOT_NAME_POS = {"VERB", "AUX", "ADP", "ADV", "PRON", "DET", "CCONJ", "SCONJ", "PART", "NUM", "PUNCT", "SYM"}
# Finite verbs ("marcus started couples therapy") never belong to a name; "wellspring" (VBG) may.
FINITE_VERB_TAGS = {"VBD", "VBZ", "VBP", "MD"}
CONNECTORS = {"'s", "’s", "&", "of", "and", "-", "'", "’"}
DETERMINERS = {"the", "a", "an", "my", "our"}
SENTENCE_END = {".", "!", "?", "\n", ":", ";", '"', "“", "”", "(", ")", "…"}


class DataPatternRecognizer(PatternRecognizer):
    """A Presidio pattern recognizer whose patterns, context and validator come from recognizers.yml."""

    def __init__(self, spec: RecognizerSpec, patterns: dict[str, str]) -> None:
        self._validator = VALIDATORS[spec.validator] if spec.validator else None
        super().__init__(
            supported_entity=spec.entity,
            name=spec.name,
            patterns=[
                Pattern(pattern.name, patterns[pattern.name], pattern.score) for pattern in spec.patterns
            ],
            context=spec.context or None,
            supported_language="en",
        )

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        if self._validator is None:
            return results
        kept = []
        for result in results:
            change = self._validator(text[result.start : result.end])
            if change is None:
                continue
            result.score = min(1.0, result.score + change)
            kept.append(result)
        return kept


class TokenRecognizer(LocalRecognizer):
    """Shared helpers for recognizers that walk spaCy tokens."""

    ENTITIES: tuple[str, ...] = ()

    def __init__(self, data: AnonymizeData) -> None:
        self.data = data
        self.lexicon = data.lexicon
        super().__init__(
            supported_entities=list(self.ENTITIES), name=type(self).__name__, supported_language="en"
        )

    def load(self) -> None:
        """Nothing to load: the lexicons come with the data."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        found = self.find(nlp_artifacts.tokens)
        return [
            self._result(start, end, entity, score, why)
            for start, end, entity, score, why in found
            if entity in entities or not entities
        ]

    def find(self, doc: Doc) -> Iterable[tuple[int, int, str, float, str]]:
        """Yield (start char, end char, entity, score, reason)."""
        raise NotImplementedError

    def _result(self, start: int, end: int, entity: str, score: float, why: str) -> RecognizerResult:
        explanation = AnalysisExplanation(recognizer=self.name, original_score=score, textual_explanation=why)
        return RecognizerResult(
            entity_type=entity,
            start=start,
            end=end,
            score=score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )

    @staticmethod
    def chars(doc: Doc, start: int, end: int) -> tuple[int, int]:
        return doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)


def norm(token: Token) -> str:
    return token.lower_.replace("’", "'")


def is_word(token: Token) -> bool:
    return bool(WORD_SHAPE.fullmatch(token.text)) and len(token.text.rstrip(".")) >= 2


def is_capitalised(token: Token) -> bool:
    text = token.text
    return text[:1].isupper() and not (len(text) > 1 and text.isupper())


def starts_sentence(doc: Doc, index: int) -> bool:
    if index == 0:
        return True
    previous = doc[index - 1]
    if previous.text in SENTENCE_END or "\n" in previous.text or "\n" in previous.whitespace_:
        return True
    return bool(doc.has_annotation("SENT_START") and doc[index].is_sent_start)


def matches_before(doc: Doc, end: int, words: Sequence[str]) -> bool:
    """True when the tokens ending just before `end` are `words` (lower case)."""
    start = end - len(words)
    return start >= 0 and all(norm(doc[start + offset]) == word for offset, word in enumerate(words))


class Cues:
    """Word sequences looked up by their last word, so checking each token costs one dictionary lookup."""

    def __init__(self, cues: Iterable[Sequence[str]]) -> None:
        self.by_last: dict[str, list[tuple[str, ...]]] = {}
        for cue in cues:
            self.by_last.setdefault(cue[-1], []).append(tuple(cue))

    def before(self, doc: Doc, end: int) -> tuple[str, ...] | None:
        """The cue whose last word is the token just before `end`, if any."""
        if end <= 0:
            return None
        for cue in self.by_last.get(norm(doc[end - 1]), ()):
            if matches_before(doc, end, cue):
                return cue
        return None


class PersonRecognizer(TokenRecognizer):
    """People's names: after a title, a relation noun or an introduction, and known first names anywhere."""

    ENTITIES = ("PERSON",)

    def __init__(self, data: AnonymizeData) -> None:
        super().__init__(data)
        cues = data.context.person
        self.titles = {title.rstrip(".") for title in cues.titles}
        self.relations = set(cues.relations)
        self.following_words = set(cues.following_words)
        self.preceding_words = set(cues.preceding_words)
        self.introductions = Cues(cues.introductions)
        self.greetings = Cues(cues.greetings)

    def find(self, doc: Doc) -> Iterable[tuple[int, int, str, float, str]]:
        for index, token in enumerate(doc):
            word = norm(token).rstrip(".")
            start = None
            score = 0.0
            reason = ""
            if word in self.titles and index + 1 < len(doc):
                start = index + 2 if doc[index + 1].text == "." and index + 2 < len(doc) else index + 1
                if self._after_title(doc, start):
                    score, reason = 0.9, "after a title"
                else:
                    start = None
            if start is None and self._is_relation(doc, index):
                start = index + 1
                if start < len(doc) and doc[start].text in {",", "(", "-", ":"}:
                    start += 1
                if start < len(doc) and self._name_after_cue(doc, start):
                    score, reason = 0.85, "after a relation word"
                else:
                    start = None
            candidate = index + 1
            if start is None and candidate < len(doc):
                cue = self.introductions.before(doc, candidate)
                # "called" is also the phone verb ("i called work"): then only a name-like word counts.
                if cue and self._name_after_cue(doc, candidate, any_word=cue[0] != "called"):
                    start, score, reason = candidate, 0.85, "after an introduction"
                elif (
                    self.greetings.before(doc, candidate) and norm(doc[candidate]) in self.lexicon.first_names
                ):
                    start, score, reason = candidate, 0.8, "after a greeting"
            if start is not None:
                end = self._extend(doc, start + 1, is_capitalised(doc[start]))
                yield (*self.chars(doc, start, end), "PERSON", score, reason)
        yield from self._known_names(doc)

    def _known_names(self, doc: Doc) -> Iterable[tuple[int, int, str, float, str]]:
        for index, token in enumerate(doc):
            word = norm(token)
            if not is_word(token):
                continue
            if word in self.lexicon.first_names:
                score, reason = 0.6, "a known first name"
            elif (
                word in self.lexicon.ambiguous_first_names
                and is_capitalised(token)
                and not starts_sentence(doc, index)
                and token.pos_ not in NOT_NAME_POS
            ):
                score, reason = 0.5, "a capitalised first name"
            elif (
                word in self.lexicon.ambiguous_first_names
                and 0 < index < len(doc) - 1
                and norm(doc[index - 1]) in self.preceding_words
                and norm(doc[index + 1]) in self.following_words
            ):
                score, reason = 0.5, "a first name between name cues ('told bill and')"
            else:
                continue
            end = self._extend(doc, index + 1, is_capitalised(token))
            yield (*self.chars(doc, index, end), "PERSON", score, reason)

    def _is_relation(self, doc: Doc, index: int) -> bool:
        word = norm(doc[index])
        if word == "law":
            return matches_before(doc, index, ["in", "-"])
        return word in self.relations

    def _after_title(self, doc: Doc, index: int) -> bool:
        if index >= len(doc):
            return False
        token = doc[index]
        word = norm(token)
        return (
            is_word(token)
            and word not in self.lexicon.never_names
            and token.pos_
            not in {"VERB", "AUX"}
            | (set() if is_capitalised(token) else {"ADP", "PRON", "DET", "CCONJ", "SCONJ", "PART"})
        )

    def _name_after_cue(self, doc: Doc, index: int, any_word: bool = False) -> bool:
        token = doc[index]
        word = norm(token)
        if not is_word(token):
            return False
        if word in self.lexicon.first_names or word in self.lexicon.surnames:
            return True
        # "my daughter summer", "her name is june": a name that is also a kept word, after a cue.
        if word in self.lexicon.cue_only_names or word in self.lexicon.ambiguous_first_names:
            return token.pos_ not in NOT_NAME_POS
        if word in self.lexicon.never_names:
            return False
        if token.pos_ == "PROPN" or (is_capitalised(token) and not starts_sentence(doc, index)):
            return token.pos_ not in NOT_NAME_POS
        return any_word and token.pos_ not in NOT_NAME_POS

    def _extend(self, doc: Doc, index: int, capitalised: bool, limit: int = 2) -> int:
        """The end of a name whose first word ends at `index`: surnames and capitalised words after it."""
        end = index
        while end < len(doc) and end - index < limit:
            token = doc[end]
            if token.text in {"-", "'"} and not doc[end - 1].whitespace_ and end + 1 < len(doc):
                if is_word(doc[end + 1]) and norm(doc[end + 1]) not in self.lexicon.never_names:
                    end += 2
                    continue
                break
            word = norm(token)
            if not is_word(token) or word in self.lexicon.never_names:
                break
            next_is_boundary = end + 1 >= len(doc) or not is_word(doc[end + 1])
            if (
                word in self.lexicon.surnames
                or word in self.lexicon.first_names
                or (capitalised and is_capitalised(token))
                or (
                    word in self.lexicon.ambiguous_surnames
                    and (token.pos_ in {"PROPN", "NOUN", "ADJ"} or next_is_boundary)
                )
            ):
                end += 1
                continue
            break
        return end


class OrganizationRecognizer(TokenRecognizer):
    """Organisations: a name before a suffix ("harbor view clinic"), "university of exeter", saints'
    names ("st. luke's"), the words after an employer cue ("i work at tesco") and known employers."""

    ENTITIES = ("ORGANIZATION",)

    def __init__(self, data: AnonymizeData) -> None:
        super().__init__(data)
        cues = data.context.organization
        self.suffixes = set(cues.suffixes)
        self.weak_suffixes = set(cues.weak_suffixes)
        self.descriptors = set(cues.descriptors)
        self.of_heads = set(cues.of_heads)
        self.saints = {saint.rstrip(".") for saint in cues.saints}
        self.not_employers = set(cues.not_employers)
        self.known = set(cues.known) - set(cues.known_ambiguous)
        self.known_ambiguous = set(cues.known_ambiguous)
        self.employer_cues = Cues(cues.employer_cues)
        self.employer_words = set(cues.employer_words)

    def _name_like(self, token: Token) -> bool:
        word = norm(token)
        return (
            is_word(token)
            and word not in self.descriptors
            and word not in self.lexicon.never_names
            and word not in self.suffixes
            and (is_capitalised(token) or token.tag_ not in FINITE_VERB_TAGS)
        )

    def find(self, doc: Doc) -> Iterable[tuple[int, int, str, float, str]]:
        yield from self._by_suffix(doc)
        yield from self._of_names(doc)
        yield from self._saints(doc)
        yield from self._after_employer_cue(doc)
        yield from self._known(doc)

    def _by_suffix(self, doc: Doc) -> Iterable[tuple[int, int, str, float, str]]:
        for index, token in enumerate(doc):
            word = norm(token)
            if word not in self.suffixes:
                continue
            # Swallow a run of suffix words ("medical practice", "counselling centre").
            end = index + 1
            while end < len(doc) and norm(doc[end]) in self.suffixes and end - index < 3:
                end += 1
            start = index
            names: list[Token] = []
            cursor = index - 1
            while cursor >= 0 and index - cursor <= 5:
                previous = doc[cursor]
                previous_word = norm(previous)
                # "guy's hospital", "st thomas' hospital"; an opening quote ("saying 'trust") links nothing.
                attached = cursor > 0 and not doc[cursor - 1].whitespace_
                if (previous_word in CONNECTORS and attached) or previous.text == ".":
                    cursor -= 1
                    continue
                if self._name_like(previous):
                    names.append(previous)
                    start = cursor
                elif previous_word in self.descriptors and previous_word not in DETERMINERS:
                    pass
                elif previous_word in self.saints:
                    start = cursor
                else:
                    break
                cursor -= 1
            if not names:
                continue
            if word in self.weak_suffixes and not any(
                is_capitalised(name) or name.pos_ in {"NOUN", "PROPN"} or name.tag_ == "VBG" for name in names
            ):
                continue
            # Start the span at the first name word, not at a descriptor before it.
            while start < index and not (self._name_like(doc[start]) or norm(doc[start]) in self.saints):
                start += 1
            yield (*self.chars(doc, start, end), "ORGANIZATION", 0.75, f"a name before '{word}'")

    def _of_names(self, doc: Doc) -> Iterable[tuple[int, int, str, float, str]]:
        for index in range(len(doc) - 2):
            if norm(doc[index]) in self.of_heads and norm(doc[index + 1]) == "of":
                end = index + 2
                while (
                    end < len(doc)
                    and end - index < 5
                    and self._name_like(doc[end])
                    and (doc[end].pos_ not in NOT_NAME_POS or is_capitalised(doc[end]))
                ):
                    end += 1
                if end > index + 2:
                    yield (*self.chars(doc, index, end), "ORGANIZATION", 0.75, "an '<institution> of' name")

    def _saints(self, doc: Doc) -> Iterable[tuple[int, int, str, float, str]]:
        for index, token in enumerate(doc):
            if norm(token).rstrip(".") not in self.saints:
                continue
            # "elm st" is a street, "st. luke's" a saint.
            if index > 0 and is_word(doc[index - 1]) and norm(doc[index - 1]) not in self.lexicon.never_names:
                continue
            cursor = index + 1
            if cursor < len(doc) and doc[cursor].text == ".":
                cursor += 1
            if cursor >= len(doc) or not self._name_like(doc[cursor]):
                continue
            end = cursor + 1
            if end < len(doc) and norm(doc[end]) in {"'s", "'"}:
                end += 1
            while end < len(doc) and norm(doc[end]) in self.suffixes and end - cursor < 4:
                end += 1
            yield (*self.chars(doc, index, end), "ORGANIZATION", 0.6, "a saint's name")

    def _after_employer_cue(self, doc: Doc) -> Iterable[tuple[int, int, str, float, str]]:
        for index in range(1, len(doc)):
            if self.employer_cues.before(doc, index) or self._near_employer_word(doc, index):
                end = index
                while end < len(doc) and end - index < 3:
                    token = doc[end]
                    word = norm(token)
                    if (
                        not is_word(token)
                        or word in self.not_employers
                        or word in self.lexicon.never_names
                        or (token.pos_ in NOT_NAME_POS and not is_capitalised(token))
                        or word in self.descriptors
                    ):
                        break
                    end += 1
                if end > index:
                    yield (*self.chars(doc, index, end), "ORGANIZATION", 0.8, "after an employer cue")

    def _near_employer_word(self, doc: Doc, index: int) -> bool:
        """True for "at" or "for" just before `index` with a work word shortly before ("i work nights at")."""
        if norm(doc[index - 1]) not in {"at", "for"}:
            return False
        window = doc[max(0, index - 6) : index - 1]
        return any(norm(token) in self.employer_words for token in window)

    def _known(self, doc: Doc) -> Iterable[tuple[int, int, str, float, str]]:
        for index, token in enumerate(doc):
            word = norm(token)
            if word in self.known:
                yield (*self.chars(doc, index, index + 1), "ORGANIZATION", 0.6, "a known organisation")
            elif word in self.known_ambiguous and (
                (is_capitalised(token) and not starts_sentence(doc, index))
                or (index > 0 and norm(doc[index - 1]) in {"at", "with", "through", "from", "for"})
            ):
                yield (*self.chars(doc, index, index + 1), "ORGANIZATION", 0.5, "a known organisation")
        for size in (2, 3):
            for index in range(len(doc) - size + 1):
                phrase = " ".join(norm(token) for token in doc[index : index + size])
                if phrase in self.known:
                    yield (*self.chars(doc, index, index + size), "ORGANIZATION", 0.6, "a known organisation")


class LocationRecognizer(TokenRecognizer):
    """Towns, cities and districts from the gazetteer, with cues for names that are also words."""

    ENTITIES = ("LOCATION",)

    def __init__(self, data: AnonymizeData, tokenizer: Tokenizer) -> None:
        super().__init__(data)
        self.cues = Cues(data.context.location.cues)
        self.strong_cues = Cues(data.context.location.strong_cues)
        self.matcher = PhraseMatcher(tokenizer.vocab, attr="LOWER")
        for label, names in (
            ("PLACE", self.lexicon.places),
            ("NAMED", self.lexicon.named_places),
            ("AMBIGUOUS", self.lexicon.ambiguous_places),
        ):
            self.matcher.add(label, list(tokenizer.pipe(sorted(names))))

    @staticmethod
    def _stands_alone(doc: Doc, start: int, end: int) -> bool:
        """True when the match is a noun on its own: "in cork," names a place, "in bath water" does not."""
        if any(token.pos_ not in {"NOUN", "PROPN"} for token in doc[start:end]):
            return False
        return end >= len(doc) or doc[end].pos_ not in {"NOUN", "PROPN", "ADJ"}

    def find(self, doc: Doc) -> Iterable[tuple[int, int, str, float, str]]:
        for match_id, start, end in self.matcher(doc):
            label = doc.vocab.strings[match_id]
            cued = self.cues.before(doc, start) is not None
            capitalised = all(is_capitalised(token) for token in doc[start:end] if is_word(token))
            if label == "PLACE":
                yield (*self.chars(doc, start, end), "LOCATION", 0.75 if cued else 0.6, "a known place")
            elif label == "NAMED" and (cued or (capitalised and not starts_sentence(doc, start))):
                yield (*self.chars(doc, start, end), "LOCATION", 0.75, "a known place after a cue")
            elif label == "AMBIGUOUS" and (
                self.strong_cues.before(doc, start) is not None
                or (capitalised and (cued or not starts_sentence(doc, start)))
                or (cued and self._stands_alone(doc, start, end))
            ):
                yield (*self.chars(doc, start, end), "LOCATION", 0.7, "a known place, capitalised or cued")


class ProperNounRecognizer(TokenRecognizer):
    """Capitalised words inside a sentence of well-cased text: names the NER model and lexicons missed."""

    ENTITIES = ("PERSON", "ORGANIZATION", "LOCATION")

    def __init__(self, data: AnonymizeData) -> None:
        super().__init__(data)
        self.location_cues = Cues(data.context.location.cues)
        self.organization_cues = Cues([*data.context.organization.employer_cues, ["at"], ["with"]])
        self.suffixes = set(data.context.organization.suffixes)

    def find(self, doc: Doc) -> Iterable[tuple[int, int, str, float, str]]:
        words = [token for token in doc if is_word(token)]
        capitalised = [token for token in words if token.text[:1].isupper()]
        # In ALL-CAPS or Title Case text capitals say nothing; in all-lower-case text there are none.
        if not words or len(capitalised) > 0.5 * len(words):
            return
        index = 0
        while index < len(doc):
            if not self._candidate(doc, index):
                index += 1
                continue
            end = index + 1
            while end < len(doc) and (
                self._candidate(doc, end, inside=True)
                or (
                    norm(doc[end]) in CONNECTORS
                    and end + 1 < len(doc)
                    and self._candidate(doc, end + 1, inside=True)
                )
            ):
                end += 1
            yield (*self.chars(doc, index, end), self._entity(doc, index, end), 0.45, "a capitalised word")
            index = end

    def _candidate(self, doc: Doc, index: int, inside: bool = False) -> bool:
        token = doc[index]
        word = norm(token)
        if not is_word(token) or not token.text[:1].isupper() or word in self.lexicon.never_names:
            return False
        if word in self.lexicon.keep_tokens or (not inside and starts_sentence(doc, index)):
            return False
        return not (token.text.isupper() and len(token.text) > 6)

    def _entity(self, doc: Doc, start: int, end: int) -> str:
        if any(norm(token) in self.suffixes for token in doc[start:end]):
            return "ORGANIZATION"
        if self.location_cues.before(doc, start):
            return "LOCATION"
        if self.organization_cues.before(doc, start) or doc[start].text.isupper():
            return "ORGANIZATION"
        return "PERSON"
