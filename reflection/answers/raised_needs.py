"""Whether the client has told their therapist what they need: ``yes_helped``, ``yes_no_change``, ``not_yet``.

Each cue phrase is evidence for its value. Evidence of having raised it wins over "not yet" ("no, it didn't
help" -> yes_no_change). Between "helped" and "no change" the later phrase wins ("it helped at first but
then went back to the same" -> yes_no_change). After words that say the client raised it ("I told her",
"asked her to ..."), weaker signs count too ("same old stuff", "and now we ..."). A bare "yes" or "I told
her" is not placed: it does not say whether anything changed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reflection.answers.language import alternation, compile_any, pattern

YES_HELPED, YES_NO_CHANGE, NOT_YET = "yes_helped", "yes_no_change", "not_yet"


@dataclass(frozen=True)
class RaisedNeedsReading:
    value: str | None
    raised: bool = False  # the answer says, in so many words, that the client raised it


class RaisedNeedsReader:
    def __init__(self, cues: Mapping[str, Any]) -> None:
        fragments = dict(cues.get("fragments", {}))
        self._no_change = compile_any(cues[YES_NO_CHANGE], fragments)
        self._helped = compile_any(cues[YES_HELPED], fragments)
        self._not_yet = compile_any(cues[NOT_YET], fragments)
        self._raised_it = re.compile(pattern(cues["raised_it"], fragments))
        self._no_change_if_raised = compile_any(cues["no_change_if_raised"], fragments)
        self._helped_if_raised = compile_any(cues["helped_if_raised"], fragments)
        self._negation_near = re.compile(rf"\b{alternation(cues['negations'])}\b")
        self._clause_boundary = re.compile(rf"[,.;:!?]|\b{alternation(cues['clause_breaks'])}\b")
        self._subordinate_clause = re.compile(rf"\s*{alternation(cues['subordinate_openers'])}\b")
        self._conditional_near = re.compile(rf"\b{alternation(cues['conditionals'])}\b")
        self._therapist_subject = re.compile(r"(?:she|he|they) ")
        self._about_telling = re.compile(pattern(cues["about_telling"], fragments))

    def about_telling(self, norm: str) -> bool:
        """The answer says something about telling the therapist ("I mentioned it", "not yet", "she ...")."""
        return bool(self._about_telling.search(norm))

    def read(self, norm: str) -> RaisedNeedsReading:
        no_change, helped_after_raising = [self._no_change], []
        raised = bool(self._raised_it.search(norm))
        if raised:
            no_change.append(self._no_change_if_raised)
            helped_after_raising.append(self._helped_if_raised)
        evidence: list[tuple[int, str]] = [
            (m.start(), YES_NO_CHANGE) for found in no_change for m in found.finditer(norm)
        ]
        masked = norm
        for found in no_change:  # "nothing changed" is not "changed"
            masked = found.sub(lambda m: " " * len(m.group()), masked)
        evidence += [(m.start(), YES_HELPED) for p in helped_after_raising for m in p.finditer(masked)]
        for match in self._helped.finditer(masked):
            boundaries = self._clause_boundary.finditer(masked, 0, match.start())
            clause_start = max((b.end() for b in boundaries), default=0)
            window = masked[clause_start : match.start()]
            if self._conditional_near.search(" ".join(window.split()[-2:])):
                continue  # "too soon to know if it helped": asked, not told
            negated = self._negation_near.search(" ".join(window.split()[-3:])) and not (
                self._therapist_subject.match(match.group()) and self._subordinate_clause.match(window)
            )
            evidence.append((match.start(), YES_NO_CHANGE if negated else YES_HELPED))
        if evidence:
            return RaisedNeedsReading(max(evidence)[1], raised=raised)  # the latest phrase wins
        if self._not_yet.search(masked.strip()):
            return RaisedNeedsReading(NOT_YET)
        return RaisedNeedsReading(None, raised=raised)
