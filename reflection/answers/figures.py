"""Figures of speech that rate low whatever their words say.

An ironic simile ("about as deep as a puddle", "as useful as a chocolate teapot") or a stock image ("like
talking to a brick wall", "fortune-cookie advice", "we just skim the surface") holds the very word that
would read high ("deep", "useful"). The figure is read first: it gives its own value and takes the clause it
is in; a "not" just before it turns it off ("it's not like talking to a brick wall").

Its words are data (``figures`` in ``content/answers/<lang>.yml``).
"""

from __future__ import annotations

import re

from reflection.answers.language import Language, pattern

VERY_LOW, LOW = 1, 2
_CLAUSE_END = re.compile(r"[,.;!?]|\b(?:but|though|although|however)\b")


class FigureReader:
    def __init__(self, language: Language) -> None:
        f = language.section("figures")
        lowly = "|".join(part.strip() for part in str(f["lowly_things"]).split(" | ") if part.strip())
        simile = pattern(str(f["simile"]), {"lowly_things": lowly})
        self._figures = (
            (re.compile(rf"(?:{simile})|(?:{pattern(f['very_low'])})"), VERY_LOW),
            (re.compile(pattern(f["low"])), LOW),
        )
        self._negated = re.compile(str(f["negated"]).strip())

    def read(self, norm: str) -> tuple[int, str] | None:
        """The value a figure in ``norm`` gives and the text without the clauses that hold one; None when
        there is none (or every one is negated)."""
        found: list[tuple[int, int, int]] = []
        for figure, value in self._figures:
            for match in figure.finditer(norm):
                if not self._negated.search(norm[max(0, match.start() - 30):match.start()]):
                    found.append((match.start(), match.end(), value))
        if not found:
            return None
        rest, cursor = [], 0
        for start, end, _ in sorted(found):
            if start < cursor:
                continue
            before = norm[cursor:start]
            opened = [m.end() for m in _CLAUSE_END.finditer(before)]
            rest.append(before[: opened[-1]] if opened else "")
            after = _CLAUSE_END.search(norm, end)
            cursor = after.start() if after else len(norm)
        rest.append(norm[cursor:])
        return min(value for _, _, value in found), " ".join("".join(rest).split())
