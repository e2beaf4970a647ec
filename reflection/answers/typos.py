"""Typos of the words the reader knows are corrected by edit distance: "sesions" -> "sessions",
"homwork" -> "homework", "somtimes" -> "sometimes".

The known words are every word the language file and the item bank use. A word the reader does not know
is corrected to the one known word within one edit (two for words of eight letters or more): a letter
added, dropped, changed, or two neighbours swapped. When several known words are as close, the ones the typo
drops letters from win ("gols" -> "goals", not "goes"; "talkd" -> "talked", not "talks"): fast typing drops
letters far more often than it adds or changes them. A chat abbreviation that leaves out the vowels ("abt",
"thrpst", "ppl") is read as the one known word with those consonants. The first letter must agree, the
correction must be unambiguous, and real words of the language that merely look like a known word
("listed", "cards") are never corrected: they are listed in ``content/answers/<lang>.real_words.txt``
(built by ``scripts/build_real_words.py`` from a dictionary). Lookups use a deletion index, so a word
is checked in time proportional to its length, not to the size of the lexicon.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from reflection.answers.language import phrases

MIN_TYPO_LENGTH = 4  # shorter words have too many neighbours to guess from
MIN_ABBREVIATION_LENGTH = 3  # "abt"; two consonants ("hw", "gd") say too little
TWO_EDITS_FROM_LENGTH = 8
_VOWELS = frozenset("aeiou")
_REGEX_MARKS = re.compile(r"[\\()\[\]?*+^$]")
# A whole word in a pattern: not a stem that a group completes ("carr(?:y|ies)", "counsel+or").
_PATTERN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*(?![a-z(\[{+])")
_ESCAPE = re.compile(r"\\[a-zA-Z]")  # \b, \s, \d: not letters of a word


def words_in(data: Any) -> Iterator[str]:
    """Every word a words file uses: phrase lists are expanded, patterns give their whole words."""
    if isinstance(data, str):
        if _REGEX_MARKS.search(data):
            yield from _PATTERN_WORD.findall(_ESCAPE.sub(" ", data.lower()))
        else:
            for phrase in phrases(data.lower()):
                yield from phrase.split()
    elif isinstance(data, Mapping):
        for key, value in data.items():
            yield from words_in(key)
            yield from words_in(value)
    elif isinstance(data, (list, tuple)):
        for value in data:
            yield from words_in(value)


def _deletes(word: str, depth: int) -> set[str]:
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(1, len(w))}  # the first letter stays
        found |= frontier
    return found


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count once), or limit + 1 when it is larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def is_subsequence(short: str, long: str) -> bool:
    """Every letter of ``short`` appears in ``long`` in order: ``short`` is ``long`` with letters dropped."""
    letters = iter(long)
    return all(letter in letters for letter in short)


def without_vowels(word: str) -> bool:
    return not _VOWELS.intersection(word[1:])


def consonant_skeletons(word: str) -> set[str]:
    """The ways a word is written without its vowels: "about" -> "abt", "really" -> "rlly" and "rly"."""
    skeleton = word[0] + "".join(letter for letter in word[1:] if letter not in _VOWELS)
    return {skeleton, re.sub(r"(.)\1+", r"\1", skeleton)}


class TypoCorrector:
    def __init__(self, known_words: Iterable[str], real_words: Iterable[str] = ()) -> None:
        self._known = frozenset(known_words)
        self._real = frozenset(real_words)
        self._index: dict[str, set[str]] = {}
        self._skeletons: dict[str, set[str]] = {}
        for word in self._known:
            if "'" in word or not word.isalpha():
                continue
            if len(word) >= MIN_TYPO_LENGTH:
                for deleted in _deletes(word, self._edits_for(word)):
                    self._index.setdefault(deleted, set()).add(word)
            if not without_vowels(word):
                for skeleton in consonant_skeletons(word):
                    if len(skeleton) >= MIN_ABBREVIATION_LENGTH:
                        self._skeletons.setdefault(skeleton, set()).add(word)

    @staticmethod
    def _edits_for(word: str) -> int:
        return 2 if len(word) >= TWO_EDITS_FROM_LENGTH else 1

    def correct(self, word: str) -> str:
        if word in self._known or word in self._real or "'" in word:
            return word
        if without_vowels(word) and len(word) >= MIN_ABBREVIATION_LENGTH:
            spelled_out = self._skeletons.get(word, set())
            if len(spelled_out) == 1:
                return next(iter(spelled_out))
        if len(word) < MIN_TYPO_LENGTH:
            return word
        edits = self._edits_for(word)
        candidates: set[str] = set()
        for deleted in _deletes(word, edits):
            candidates |= self._index.get(deleted, set())
        best: dict[int, set[str]] = {}
        for candidate in candidates:
            allowed = min(edits, self._edits_for(candidate))
            distance = edit_distance(word, candidate, allowed)
            if distance <= allowed:
                best.setdefault(distance, set()).add(candidate)
        if not best:
            return word
        closest = best[min(best)]
        if len(closest) > 1:  # equally close: the words the typo only drops letters from
            closest = {candidate for candidate in closest if is_subsequence(word, candidate)} or closest
        return next(iter(closest)) if len(closest) == 1 else word  # still two: no guess


def vocabulary(language_data: Mapping[str, Any], items: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """Every word the language file and the items' answer words use (chat misspellings excluded)."""
    data = {key: value for key, value in language_data.items() if key != "spellings"}
    found = set(words_in(data)) | set(words_in(list(language_data.get("spellings", {}).values())))
    for item in items:
        found |= set(words_in(item))
    return frozenset(found)


def load_real_words(path: Path) -> frozenset[str]:
    """Real words of the language that are never taken for typos (one per line; may be absent)."""
    if not path.is_file():
        return frozenset()
    return frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
