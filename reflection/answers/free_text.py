"""Free-text answers (``hopes``, ``missing``, ``tell_more``): the client's own words, kept verbatim.

Kept whole (surrounding whitespace and control characters removed), emoji included, capped at 1000
characters; stored text may contain markup, so escape it when rendering. Not placed: empty or pure
punctuation, "I don't know" answers, and for hopes a bare yes / no / ok / nothing. For an optional question
"nothing", "no", "nah, all good" say there is nothing to add, unless the answer goes on ("not really, but
more structure would help" is kept).
"""

from __future__ import annotations

import re

from reflection.answers.language import Language, alternation, pattern, phrases
from reflection.answers.text import TOKEN

_CLAUSE_MARKS = frozenset(".,;:!?\u2026\u2014'\"()[]{}*_~#-\u2013")


class FreeTextReader:
    def __init__(self, language: Language) -> None:
        f = language.section("free_text")
        self._not_a_hope = re.compile(rf"^{alternation(f['not_a_hope'])}$")
        self._nothing = re.compile(
            rf"^(?:{alternation(f['nothing_lead'])} |){alternation(f['nothing'])}(?=\s*(?:[,.;:!\-]|$))"
        )
        self._nothing_only = frozenset(tuple(phrase.split()) for phrase in phrases(f["nothing_only"]))
        self._nothing_fillers = frozenset(tuple(phrase.split()) for phrase in phrases(f["nothing_fillers"]))
        self._longest_nothing = max(len(phrase) for phrase in self._nothing_only | self._nothing_fillers)
        self._goes_on = re.compile(rf"\b{alternation(f['goes_on'])}\b")
        self._hope_shaped = re.compile(pattern(f["hope_shaped"]))
        self._undecided = re.compile(
            rf"^(?:{alternation(f['undecided_lead'])} )?{alternation(f['undecided'])}"
            rf"(?: {alternation(f['undecided_tail'])})*$"
        )

    def undecided(self, norm: str) -> bool:
        """"not yet", "still figuring that out": the client does not know yet."""
        return bool(self._undecided.match(norm))

    def is_a_hope(self, norm: str) -> bool:
        return not self._not_a_hope.match(norm)

    def hope_shaped(self, norm: str) -> bool:
        """Said the way a hope is: "feel better", "to sleep again", "I just want things to get better"."""
        return bool(self._hope_shaped.search(norm))

    def says_nothing_to_add(self, norm: str) -> bool:
        """"nothing", "nah, all good", "no thanks": nothing is missing (but not "no, more structure")."""
        if self._says_only_nothing(norm):
            return True
        nothing = self._nothing.match(norm)
        return bool(nothing) and not self._goes_on.search(norm[nothing.end():])

    def _says_only_nothing(self, norm: str) -> bool:
        tokens = [t for t in TOKEN.findall(norm) if t not in _CLAUSE_MARKS]
        i = 0
        said_nothing = False
        while i < len(tokens):
            lengths = range(self._longest_nothing, 0, -1)
            length = next((n for n in lengths if self._is_nothing_word(tuple(tokens[i:i + n]))), 0)
            if not length:
                return False
            said_nothing = said_nothing or tuple(tokens[i:i + length]) in self._nothing_only
            i += length
        return said_nothing

    def _is_nothing_word(self, phrase: tuple[str, ...]) -> bool:
        return phrase in self._nothing_only or phrase in self._nothing_fillers
