"""The deterministic safety net: finds disclosures of risk in a client's message.

Layer 1 of the safety design (docs/SAFETY.md): an explicit disclosure never depends on a model. Like
Presidio's recognizer registry, the engine here is small code and everything about a language is data:
``reflection/content/safety/registry.yml`` names the languages and the priority of the categories, and one
file per language (``en.yml``, ``es.yml``) holds its spellings, rules, idioms and context words.

Standard library plus PyYAML, Python 3.10-compatible: it runs inside the Rasa NLU pipeline
(``components/risk_verdict.py``, Python 3.10) and in the tests and tools of the project venv (Python 3.12).

It favours recall: a missed disclosure costs far more than a false alarm. A message is read in four steps,
once per language:

1. normalise: fold unicode and apostrophes, lower-case, undo leetspeak, fix common misspellings and short
   forms, and squeeze repeated letters, so "kil", "killl" and "kill" read the same;
2. blank out idioms of this domain ("this worksheet is killing me", "dying to find a therapist");
3. try every rule; a match counts unless it is negated ("I'm not suicidal"), plainly in the past ("I used to
   self-harm but I've been clean for years"), about someone else ("my dad was suicidal"), or a question
   about the assistant or a screening form ("what happens if I say I'm in crisis?");
4. the most urgent category wins (the registry's priority).

Past events are set aside only when the sentence says so and nothing in the message points to now ("again",
"lately", "still", "urges"...); a minor's disclosure is never set aside as past.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

RiskCategory = Literal["self_harm", "abuse", "medical_emergency", "harm_to_others"]
CONTENT_DIR = Path(__file__).resolve().parent / "content" / "safety"

_SENTENCE_END = frozenset({".", "!", "?"})
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_LEET = (  # letters typed as digits or symbols inside a word: "su1c1de", "k!ll", "$uicide"
    (re.compile(r"(?<=[a-z])[1!|](?=[a-z])"), "i"),
    (re.compile(r"(?<=[a-z])0(?=[a-z])"), "o"),
    (re.compile(r"(?<=[a-z])3(?=[a-z])"), "e"),
    (re.compile(r"(?<=[a-z])4(?=[a-z])"), "a"),
    (re.compile(r"(?<=[a-z])7(?=[a-z])"), "t"),
    (re.compile(r"\$(?=[a-z])|(?<=[a-z])5(?=[a-z])"), "s"),
    (re.compile(r"@(?=[a-z])"), "a"),
)
_BLOCK = re.compile(r"<([A-Z_]+)>")


@dataclass(frozen=True)
class RiskSignal:
    category: RiskCategory
    minor: bool  # the speaker says or implies they are under 18
    rule: str  # id of the rule that fired; never the user's text


def _squeeze(text: str) -> str:
    """Collapse runs of one letter ("diiie" -> "die", "kill" -> "kil"), leaving regex escapes (``\\bb``)."""
    return re.sub(r"(?<!\\)([a-z])\1+", r"\1", text)


def _joined(pattern: str | list[str]) -> str:
    """A pattern as written in the data: one string, or fragments joined with nothing between them."""
    return pattern if isinstance(pattern, str) else "".join(pattern)


@dataclass(frozen=True)
class _Rule:
    rule_id: str
    category: RiskCategory
    pattern: re.Pattern[str]
    check_speaker: bool  # the cue alone does not say whose it is ("suicidal"): rule out a third party


class LanguageNet:
    """One language's net, built from its data file."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.language: str = data["language"]
        self._blocks = {name: _joined(value) for name, value in (data.get("blocks") or {}).items()}
        self._spelling = {_squeeze(wrong): _squeeze(right) for wrong, right in data["spelling"].items()}
        self._short_forms = [
            (self._compile(pattern), _squeeze(short)) for pattern, short in data["short_forms"]
        ]
        spaced = data.get("spaced_apostrophe")
        self._spaced_apostrophe = re.compile(spaced) if spaced else None
        self.rules = tuple(
            _Rule(
                rule["id"],
                rule["category"],
                self._compile("|".join(self._expand(_joined(part)) for part in rule["patterns"])),
                bool(rule.get("check_speaker", False)),
            )
            for rule in data["rules"]
        )
        self._idioms = self._compile("|".join(self._expand(_joined(idiom)) for idiom in data["idioms"]))
        context = data["context"]
        self._boundaries = _SENTENCE_END | self._words(context["boundaries"])
        self._negators = self._words(context["negators"])
        self._subjects = self._words(context["subjects"])
        self._complement_words = self._words(context["complement_words"])
        self._neutral_phrases = self._compile(_joined(context["neutral_phrases"]))
        self._negation_window: int = context["negation_window"]
        self._speaker_window: int = context["speaker_window"]
        self._first_person = self._words(context["first_person"])
        self._third_party = self._words(context["third_party"])
        self._told_me = self._compile(_joined(context["told_me"]))
        self._reported_speech = self._compile(_joined(context["reported_speech"]))
        self._history = self._compile(_joined(context["history"]))
        self._history_when = self._compile(_joined(context["history_when"]))
        self._medical_history = self._compile(_joined(context["medical_history"]))
        self._now = self._compile(_joined(context["now"]))
        # "that feeling hasn't come back", "these days I'm fine": a word of now that says the risk is gone
        self._recovered = self._compile(_joined(context["recovered"])) if context.get("recovered") else None
        self._meta = self._compile(_joined(context["meta"]))
        self._screening = self._compile(_joined(context["screening"]))
        self._affirmed = self._compile(_joined(context["affirmed"]))
        self._minor = self._compile("|".join(self._expand(_joined(part)) for part in context["minor"]))
        self._risk_words = self._compile(_joined(data["risk_words"]))

    def _expand(self, pattern: str) -> str:
        for _ in range(3):  # blocks may contain blocks
            pattern = _BLOCK.sub(lambda found: self._blocks[found.group(1)], pattern)
        return pattern

    def _compile(self, pattern: str) -> re.Pattern[str]:
        return re.compile(_squeeze(self._expand(pattern)))

    @staticmethod
    def _words(words: list[str]) -> frozenset[str]:
        return frozenset(_squeeze(str(word)) for word in words)

    def normalize(self, text: str) -> str:
        """The form every rule is matched against: lower-case words and , . ! ? separated by single spaces."""
        text = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in text if not unicodedata.combining(char))
        text = text.lower().translate(_APOSTROPHES)
        for pattern, letter in _LEET:
            text = pattern.sub(letter, text)
        if self._spaced_apostrophe is not None:
            text = self._spaced_apostrophe.sub(r"\1t", text)
        text = text.replace("'", "")
        text = re.sub(r"[^a-z0-9,.!?]+", " ", text)
        text = re.sub(r"([,.!?])", r" \1 ", text)
        text = " ".join(self._spelling.get(word, word) for word in _squeeze(text).split())
        for pattern, short in self._short_forms:
            text = pattern.sub(short, text)
        return text

    def fired(self, text: str) -> tuple[dict[str, str], bool]:
        """The first rule id per category that fired, and whether the speaker seems under 18."""
        normalized = self.normalize(text)
        minor = bool(self._minor.search(normalized))
        cleaned = " ".join(self._idioms.sub(" _ ", normalized).split())
        fired: dict[str, str] = {}
        for rule in self.rules:
            if rule.category not in fired and self._live_match(rule, cleaned, minor):
                fired[rule.category] = rule.rule_id
        return fired, minor

    def is_minor(self, text: str) -> bool:
        return bool(self._minor.search(self.normalize(text)))

    def mentions_risk_language(self, text: str) -> bool:
        normalized = self.normalize(text)
        if self._risk_words.search(normalized) or self._idioms.search(normalized):
            return True
        return any(rule.pattern.search(normalized) for rule in self.rules)

    # A rule's match counts only when these checks find a live, first-hand disclosure.

    def _clause_tail(self, tokens: list[str], limit: int) -> list[str]:
        """The last ``limit`` words before a cue, stopping at punctuation or a conjunction."""
        tail: list[str] = []
        for token in reversed(tokens):
            if token in self._boundaries or len(tail) == limit:
                break
            tail.append(token)
        return tail[::-1]

    def _is_negated(self, before: list[str], first_word: str) -> bool:
        tail = " ".join(self._clause_tail(before, self._negation_window))
        window = self._neutral_phrases.sub(" ", tail).split()
        for index in range(len(window) - 1, -1, -1):
            if window[index] not in self._negators:
                continue
            previous = window[index]
            for word in [*window[index + 1 :], first_word]:
                if word in self._subjects and previous not in self._complement_words:
                    return False  # "I'm not ok i want to die": a new clause, beyond the negation's reach
                previous = word
            return True
        return False

    def _is_about_someone_else(self, before: list[str]) -> bool:
        tail = " ".join(self._clause_tail(before, self._speaker_window))
        told = self._told_me.search(tail)  # "a client told me about ...": who told, not the "me" told
        for word in reversed((tail[: told.start()] if told else tail).split()):
            if word in self._first_person:
                return False
            if word in self._third_party:
                return True
        return False

    def _is_reported_speech(self, before: list[str]) -> bool:
        """"my friend keeps saying kms": the cue straight after another person's saying it."""
        tail = " ".join(self._clause_tail(before, self._speaker_window))
        said = self._reported_speech.search(tail)
        return said is not None and self._is_about_someone_else(tail[: said.start()].split())

    @staticmethod
    def _sentence_around(text: str, start: int, end: int) -> tuple[str, str]:
        """The sentence holding a match: its part before the match, and all of it."""
        opening = max(text.rfind(f" {mark} ", 0, start) for mark in _SENTENCE_END)
        closings = [found for mark in _SENTENCE_END if (found := text.find(f" {mark} ", end)) != -1]
        sentence_start = opening + 2 if opening != -1 else 0
        return text[sentence_start:start], text[sentence_start : min(closings, default=len(text))]

    def _clause_around(self, text: str, start: int, end: int) -> str:
        """The clause holding a match: from the boundary word or mark before it to the one after it."""
        before, after = text[:start].split(), text[end:].split()
        opening = self._clause_tail(before, len(before))
        closing = next((i for i, word in enumerate(after) if word in self._boundaries), len(after))
        return " ".join([*opening, text[start:end], *after[:closing]])

    def _is_in_the_past(self, rule: _Rule, sentence: str, clause: str, text: str) -> bool:
        if self._recovered is not None:
            text = self._recovered.sub(" ", text)
        if rule.category == "medical_emergency":
            # An age or year dates only its own clause: "overdosed at 19 and he's not waking up" is live.
            dated = bool(self._history_when.search(clause)) and not self._now.search(text)
            return dated or bool(self._medical_history.search(sentence))
        past = self._history.search(sentence) or self._history_when.search(sentence)  # "at 19", "in 2009"
        return bool(past) and not self._now.search(text)

    def _is_a_question_about_it(self, prefix: str, text: str) -> bool:
        if self._meta.search(prefix):
            return True
        return bool(self._screening.search(prefix)) and not self._affirmed.search(text)

    def _live_match(self, rule: _Rule, text: str, minor: bool) -> bool:
        for match in rule.pattern.finditer(text):
            before = text[: match.start()].split()
            first_word = (match.group(0).split() or [""])[0]
            prefix, sentence = self._sentence_around(text, match.start(), match.end())
            if self._is_negated(before, first_word) or self._is_a_question_about_it(prefix, text):
                continue
            if rule.check_speaker and self._is_about_someone_else(before):
                continue
            if rule.category == "self_harm" and self._is_reported_speech(before):
                continue
            clause = self._clause_around(text, match.start(), match.end())
            if not minor and self._is_in_the_past(rule, sentence, clause, text):
                continue
            return True
        return False


@dataclass(frozen=True)
class _Registry:
    priority: tuple[RiskCategory, ...]
    nets: tuple[LanguageNet, ...]


def _load_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@cache
def registry() -> _Registry:
    """The registry and every language it names, read and compiled once per process."""
    data = _load_yaml(CONTENT_DIR / "registry.yml")
    nets = tuple(LanguageNet(_load_yaml(CONTENT_DIR / f"{language}.yml")) for language in data["languages"])
    return _Registry(priority=tuple(data["priority"]), nets=nets)


def detect_risk(text: str) -> RiskSignal | None:
    """The most urgent live disclosure in ``text``, in any registered language, or None."""
    if not text or not text.strip():
        return None
    fired: dict[str, str] = {}
    minor = False
    for net in registry().nets:
        found, net_minor = net.fired(text)
        minor = minor or net_minor
        for category, rule_id in found.items():
            fired.setdefault(category, rule_id)
    for category in registry().priority:
        if category in fired:
            return RiskSignal(category=category, minor=minor, rule=fired[category])
    return None


def mentions_risk_language(text: str) -> bool:
    """Whether the message holds words the net knows how to judge (a risk cue or one of this domain's idioms),
    whether or not it fired."""
    if not text or not text.strip():
        return False
    return any(net.mentions_risk_language(text) for net in registry().nets)


def detect_minor(text: str) -> bool:
    """Whether the speaker says or implies they are under 18, in any registered language."""
    return bool(text and text.strip()) and any(net.is_minor(text) for net in registry().nets)
