"""Free-text answers (``hopes``, ``missing``, ``tell_more``): the client's own words, kept verbatim.

Kept whole (surrounding whitespace and control characters removed), emoji included, capped at 1000
characters; stored text may contain markup, so escape it when rendering. Not placed: empty or pure
punctuation, "I don't know" answers, and for hopes a bare yes / no / ok / nothing. For an optional question
"nothing", "no", "nah, all good" say there is nothing to add, unless the answer goes on ("not really, but
more structure would help" is kept).
"""

from __future__ import annotations

import re

from reflection.answers.language import Language, alternation, phrases
from reflection.answers.text import TOKEN

_CLAUSE_MARKS = frozenset(".,;:!?\u2026\u2014'\"()[]{}*_~#-\u2013")


class UnsureReader:
    """Answers that only say "I don't know" ("idk", "not sure yet", "🤷")."""

    def __init__(self, language: Language) -> None:
        u = language.section("unsure_only")
        self._pattern = re.compile(
            rf"^(?:{alternation(u['lead'])} )?{alternation(u['phrases'])}(?: {alternation(u['tail'])})*$"
        )

    def only_unsure(self, norm: str) -> bool:
        return bool(self._pattern.match(norm.strip(" .!?,") or "?"))


class FreeTextReader:
    def __init__(self, language: Language) -> None:
        f = language.section("free_text")
        self._not_a_hope = re.compile(rf"^{alternation(f['not_a_hope'])}$")
        self._nothing = re.compile(
            rf"^(?:{alternation(f['nothing_lead'])} |){alternation(f['nothing'])}(?=\s*(?:[,.;:!\-]|$))"
        )
        self._nothing_only = frozenset(tuple(phrase.split()) for phrase in phrases(f["nothing_only"]))
        self._longest_nothing = max(len(phrase) for phrase in self._nothing_only)
        self._goes_on = re.compile(rf"\b{alternation(f['goes_on'])}\b")

    def is_a_hope(self, norm: str) -> bool:
        return not self._not_a_hope.match(norm)

    def says_nothing_to_add(self, norm: str) -> bool:
        """"nothing", "nah, all good", "no thanks": nothing is missing (but not "no, more structure")."""
        if self._says_only_nothing(norm):
            return True
        nothing = self._nothing.match(norm)
        return bool(nothing) and not self._goes_on.search(norm[nothing.end():])

    def _says_only_nothing(self, norm: str) -> bool:
        tokens = [t for t in TOKEN.findall(norm) if t not in _CLAUSE_MARKS]
        i = 0
        while i < len(tokens):
            lengths = range(self._longest_nothing, 0, -1)
            length = next((n for n in lengths if tuple(tokens[i:i + n]) in self._nothing_only), 0)
            if not length:
                return False
            i += length
        return bool(tokens)
