"""Small typos of the words the reader knows are corrected: "somtimes" -> "sometimes"."""

from __future__ import annotations

from collections.abc import Iterable

MIN_TYPO_LENGTH = 5


def one_edit_apart(word: str, target: str) -> bool:
    """One letter added, dropped, changed, or two neighbours swapped; the first letter always agrees."""
    if not word or word[0] != target[0] or abs(len(word) - len(target)) > 1:
        return False
    if len(word) == len(target):
        diffs = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        if len(diffs) == 1:
            return True
        return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and word[diffs[0]] == target[diffs[1]] \
            and word[diffs[1]] == target[diffs[0]]
    shorter, longer = (word, target) if len(word) < len(target) else (target, word)
    return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


class TypoCorrector:
    def __init__(self, targets: Iterable[str], known_words: frozenset[str]) -> None:
        self._targets = tuple(targets)
        self._known = known_words

    def correct(self, word: str) -> str:
        if len(word) >= MIN_TYPO_LENGTH and word not in self._known:
            for target in self._targets:
                if one_edit_apart(word, target):
                    return target
        return word
