"""Irony: a glowing answer that may mean the opposite ("oh yeah, SO heard, she checked her phone the whole
time", "great advice, 'just relax' 🙄"). It is never stored as said: the form checks it in one tap.

Its words are data (``irony`` in ``content/answers/<lang>.yml``): eye-rolling emoji, ironic openers ("oh
yeah", "yeah right"), praise followed by words in quotes, and a stressing word in capitals after an opener.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reflection.answers.language import Language, alternation

# A span in quotes: 'just relax', "be positive", “breathe”.
_QUOTED = re.compile(
    r"(?:^|[\s,(])(?:'[^'\n]{2,60}'|\"[^\"\n]{2,60}\"|\u2018[^\u2019\n]{2,60}\u2019|\u201c[^\u201d\n]{2,60}\u201d)"
)
_CAPITAL_WORD = re.compile(r"\b[A-Z]{2,}\b")


class IronyReader:
    def __init__(self, language: Language) -> None:
        irony = language.section("irony")
        self._emoji = frozenset(str(irony["emoji"]).split())
        self._lead = re.compile(rf"^{alternation(irony['lead'])}\b")
        self._anywhere = re.compile(rf"\b{alternation(irony['anywhere'])}(?=$|\W)")
        self._praise = re.compile(rf"^{alternation(irony['praise'])}\b")
        self._stressed = frozenset(word.strip() for word in str(irony["stressed"]).split(" | "))

    def sounds_ironic(self, text: str, normalize: Callable[[str], str]) -> bool:
        """True when ``text`` may mean the opposite of what it says."""
        if any(mark in text for mark in self._emoji):
            return True
        norm = normalize(text).strip()
        if self._anywhere.search(norm):
            return True
        if self._praise.match(norm) and _QUOTED.search(text):
            return True
        if not self._lead.match(norm):
            return False
        # "oh yes, she listens" is a plain yes: ironic with a stressing word in capitals or words in quotes
        stressed = any(word.lower() in self._stressed for word in _CAPITAL_WORD.findall(text))
        return stressed or bool(_QUOTED.search(text))
