"""Normalising a client's text before it is read, and the guards every structured answer passes first.

Normalisation: NFKC, lower case, curly quotes made straight, emoji variation marks and skin tones removed,
letters stretched for emphasis shortened ("sooo" -> "soo" -> "so"), chat spellings ("dont", "prolly") and
small typos fixed. A dash between words ends a clause like a comma; a hyphen inside a word does not.
Every step is linear in the length of the text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from reflection.answers.language import Language, alternation, phrases
from reflection.answers.typos import TypoCorrector

MAX_STRUCTURED_ANSWER_CHARS = 500
MAX_FREE_TEXT_CHARS = 1000

_INVISIBLES = re.compile("[\ufe0e\ufe0f\u200b-\u200d\u2060\U0001f3fb-\U0001f3ff]")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'", "\u201c": '"', "\u201d": '"'})
_HYPHEN_BETWEEN_LETTERS = re.compile(r"(?<=[a-z])[-\u2010\u2011](?=[a-z])")
# Matched after runs of whitespace are collapsed: "\s+" on both sides backtracks quadratically on long runs.
_DASH_BETWEEN_WORDS = re.compile(r"(?:(?<=[a-z])[\u2013\u2014]+(?=[a-z])| [-\u2013\u2014]+ )")
_STRETCHED_LETTERS = re.compile(r"([a-z])\1{2,}")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")
SPACES = re.compile(r"\s+")
TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)*|[^\s\w]")
# Markup, script and SQL are never an answer to a structured question.
_CODE_LIKE = re.compile(
    r"<\s*/?\s*[a-z!][^>]*>|javascript\s*:|https?://|www\.|\{\{|\$\{|;\s*--|/\*|\*/"
    r"|\b(?:select|insert|delete|update|drop|union|alter|truncate)\b[^.?!]{0,40}\b(?:from|into|table|set"
    r"|select|database)\b"
)


class TextReader:
    """Normalises text in one language and tells whether it can be read as a structured answer."""

    def __init__(self, language: Language, known_words: frozenset[str], real_words: frozenset[str]) -> None:
        spellings = {w.replace("'", ""): w for w in phrases(language.section("contractions"))}
        spellings.update({str(k): str(v) for k, v in language.section("spellings").items()})
        self._spellings = spellings
        self.known_words = known_words
        self._typos = TypoCorrector(known_words, real_words)
        openers = alternation(language.section("not_an_answer", "question_openers"))
        self._question_back = re.compile(rf"^{openers}\b.*\?$")
        self._respell = lru_cache(maxsize=4096)(self._respell_word)  # answers repeat words

    def normalize(self, text: str) -> str:
        text = unicodedata.normalize("NFKC", text)
        text = _INVISIBLES.sub("", text).lower().translate(_QUOTES)
        text = SPACES.sub(" ", text)
        text = _HYPHEN_BETWEEN_LETTERS.sub(" ", text)
        text = _DASH_BETWEEN_WORDS.sub(" \u2014 ", text)
        text = _STRETCHED_LETTERS.sub(r"\1\1", text)
        text = _WORD.sub(lambda m: self._respell(m.group()), text)
        return SPACES.sub(" ", text).strip()

    def _respell_word(self, word: str) -> str:
        if word in self._spellings:
            return self._spellings[word]
        return self._typos.correct(word)

    def is_question_back(self, norm: str) -> bool:
        return bool(self._question_back.match(norm))

    def placeable(self, norm: str) -> bool:
        """Text that may be read as a rating or a choice: not empty, not huge, not code, not a question."""
        return bool(norm) and len(norm) <= MAX_STRUCTURED_ANSWER_CHARS and not _CODE_LIKE.search(norm) \
            and not self.is_question_back(norm)


_BUTTON_PAYLOAD = re.compile(r"/[A-Za-z_]{1,64}(?:\{[^{}]{0,500}\})?")


def verbatim(text: str) -> str | None:
    """The client's own words, trimmed and capped, or None when they hold nothing meaningful."""
    kept = CONTROL_CHARS.sub("", text).strip()[:MAX_FREE_TEXT_CHARS].strip()
    if _BUTTON_PAYLOAD.fullmatch(kept):  # "/deny": a button's intent, never the client's words
        return None
    meaningful = any(ch.isalnum() or unicodedata.category(ch) == "So" for ch in kept)
    return kept if meaningful else None
