"""\"I don't know\" as an answer: it settles the question and stores no number.

An answer that is only "idk", "not sure", "too early to tell" is a ``dont_know`` reading; so is one whose
only content is a doubt about something that has not happened ("I don't know if she would adapt, I never
gave feedback") or about the question itself ("I don't know what deep is supposed to feel like"). "hmm" or
"?" alone is a hesitation: nothing to read yet. When the answer also gives a value ("idk, maybe a 3"), the
value wins.
"""

from __future__ import annotations

import re

from reflection.answers.language import Language, alternation, choices, pattern


class DontKnowReader:
    def __init__(self, language: Language) -> None:
        u = language.section("unsure_only")
        d = language.section("dont_know")
        lead, tail = alternation(u["lead"]), alternation(u["tail"])
        either = alternation(f"{u['phrases']} | {u['hesitations']}")
        self._unsure = re.compile(rf"^(?:{lead} )?{either}(?: {tail})*$")
        self._dont_know_only = re.compile(rf"^(?:{lead} )?{alternation(u['phrases'])}(?: {tail})*$")
        # "I don't know, we've only had two sessions": a clause that is only "I don't know"
        standalone = rf"(?:^|(?<=[,.;!?] ))(?:{lead} )?{alternation(u['phrases'])}(?=\s*(?:[,.;!?]|$))"
        about_the_question = pattern(d["about_the_question"])
        self._about_the_question = re.compile(rf"\b(?:{about_the_question})")
        self._said = re.compile(
            rf"\b(?:{pattern(d['hypothetical'])}|{about_the_question}|{choices(d['phrases'])})|{standalone}"
        )
        self._phrases_only = re.compile(rf"^(?:{lead} )?{alternation(d['phrases'])}(?: {tail})*$")
        self.marker = str(d["marker"])

    def only_unsure(self, norm: str) -> bool:
        """Only "I don't know" or a hesitation ("hmm", "?"): nothing to place."""
        return bool(self._unsure.match(norm.strip(" .!?,") or "?"))

    def only_dont_know(self, norm: str) -> bool:
        """Only "I don't know" / "too early to tell": an answer with no number."""
        bare = norm.strip(" .!?,")
        return bool(self._dont_know_only.match(bare) or self._phrases_only.match(bare))

    def marked(self, norm: str) -> tuple[str, bool]:
        """The text with its "I can't tell" parts replaced by the marker word, and whether there were any."""
        marked, count = self._said.subn(f" {self.marker} ", norm)
        return marked, count > 0

    def doubts_the_question(self, norm: str) -> bool:
        """"I don't know what deep is supposed to feel like": unsure what the question asks, not how it
        went."""
        return bool(self._about_the_question.search(norm))
