"""Scale rule 1: ratings given as numbers ("4", "a solid 4", "4/5", "7 out of 10", "80%", "3 or 4").

* A number counts only where it opens a clause (after fillers such as "I'd say", "probably", "a solid") or
  follows a rating verb ("rate", "give", "say") or "put ... at / as / for"; "2 sessions in" is not a rating.
  A negated number ("not a 5") is ignored. 0 -> 1. If a clause holds several, the last one counts.
* "4/5", "4 out of 5", "4 stars", "⭐⭐⭐⭐" -> 4 (clamped to 1-5).
* 0-10 answers become half their value, an exact half rounded up, never below 1 ("7/10" -> 4, "8" -> 4);
  percentages are read as tenths the same way ("80%" -> 4).
* Ranges and decimals take the middle value; an exact half is rounded toward 3 ("3.5" -> 3, "1.5" -> 2):
  a client torn between two values is giving a hedged answer, so it is read as the less extreme one.
"""

from __future__ import annotations

import math
import re

from reflection.answers.language import Language, alternation, choices

SCALE_MIN, SCALE_MID, SCALE_MAX = 1, 3, 5
_STAR_EMOJI = re.compile(r"^[\u2b50\u2605\u2606\s]+$")


def round_toward_middle(value: float) -> int:
    """Nearest whole point; an exact half goes toward 3 (3.5 -> 3, 1.5 -> 2, 4.5 -> 4)."""
    lower = math.floor(value)
    if abs(value - lower - 0.5) < 1e-9:
        rounded = lower if value > SCALE_MID else lower + 1
    else:
        rounded = round(value)
    return min(SCALE_MAX, max(SCALE_MIN, rounded))


class NumberReader:
    def __init__(self, language: Language) -> None:
        n = language.section("numbers")
        self._number_words = {str(word): int(value) for word, value in n["words"].items()}
        half = alternation(n["and_a_half"], any_spaces=True)
        words = "|".join(self._number_words)
        num = rf"(?:\d+(?:\.\d+)?(?:\s+{half})?|(?:{words})(?:\s+{half})?)"
        article = alternation(n["articles"], any_spaces=True)
        hedges = alternation(n["range_hedges"])
        alternative = alternation(n["alternative"])
        range_ = (
            rf"(?P<a>{num})(?:\s*(?:-|\u2013|\u2014|{choices(n['range_words'])}|/|,?\s*"
            rf"(?:{alternative}\s+)?{hedges})\s*(?:{article}\s+)?(?P<b>{num}))?"
        )
        lead = r"(?:" + alternation(n["lead"]) + r"\s+)*"
        suffix = alternation(n["suffix"])
        tail = rf"(?=\s*$|\s*[)\]]|\s*-?\s*{suffix}\b|\s+{alternation(n['tail'])}\b)"
        self._denominators = {" ".join(str(k).split()): int(v) for k, v in n["denominators"].items()}
        denominators = alternation([str(k) for k in n["denominators"]], any_spaces=True)
        out_of = "/|" + choices(n["out_of"], any_spaces=True)
        self._out_of = re.compile(
            rf"(?P<a>{num})(?:\s*(?:-|\u2013|{choices(n['range_words'])})\s*"
            rf"(?P<b>{num}))?\s*\(?\s*(?:{out_of})\s*(?P<den>{denominators})\b"
        )
        self._stars = re.compile(rf"\b{range_}\s*{alternation(n['stars'])}\b")
        percent = alternation(n["percent"], any_spaces=True)
        self._percent = re.compile(rf"(?P<a>\d+(?:\.\d+)?)\s*(?:%|{percent}\b)")
        self._opening = re.compile(rf"^\s*{lead}{range_}{tail}")
        verbs = alternation(n["rating_verbs"])
        self._cued = re.compile(
            rf"\b(?:{verbs}\b(?:\s+[a-z']+){{0,4}}?"
            rf"|{alternation(n['placing_verbs'])}\b(?:\s+[a-z']+){{0,3}}?\s+{alternation(n['placing_words'])})"
            rf"\s+(?:{article}\s+)?{range_}{tail}"
        )
        # "3, maybe 4" is one range, but "fine, maybe a 4" is two clauses
        self._clause_split = re.compile(
            rf"(?<!\d)(?<!\d )[,;:!?]|[,;:!?](?!\s*(?:{alternative}\s+)?{hedges}\s+(?:{article}\s+)?\d)"
            rf"|\.(?!\d)|\b{alternation(n['clause_breaks'])}\b"
            # a spaced dash (normalised to an em dash) after a word: "ok back - about a 3"; "3 - 4" is a range
            r"|(?<!\d)(?<!\d )\u2014|\u2014(?!\s*\d)"
        )
        self._negated_before = re.compile(rf"\b{alternation(n['negations'])}\b")
        up_front = n["up_front"]
        self._up_front = re.compile(
            rf"(?:{alternation(up_front['lead'])} )?(?:{alternation(n['articles'])} )?([1-5])"
            rf"(?:\s*(?:/|{choices(n['out_of'])})\s*5)?"
            rf"(?:\s*[-\u2013\u2014,.:;!)](?!\s*\d)|\s*$|\s+{alternation(up_front['tail'])})"
        )

    def _value(self, token: str) -> float:
        parts = token.split()
        half = 0.5 if len(parts) > 1 else 0.0  # "two and a half"
        core = parts[0]
        return (self._number_words[core] if core in self._number_words else float(core)) + half

    def _rating(self, match: re.Match[str], denominator: float | None) -> float | None:
        numbers = [self._value(match.group(g)) for g in ("a", "b") if match.group(g)]
        return on_one_to_five(numbers, denominator)

    def _in_clause(self, clause: str) -> list[tuple[int, float]]:
        found: list[tuple[int, float | None]] = []
        for match in self._out_of.finditer(clause):
            denominator = self._denominators[" ".join(match.group("den").split())]
            found.append((match.start(), self._rating(match, denominator)))
        for match in self._stars.finditer(clause):
            found.append((match.start(), self._rating(match, 5)))
        for match in self._percent.finditer(clause):
            found.append((match.start(), on_one_to_five([float(match.group("a"))], 100)))
        for pattern in (self._opening, self._cued):
            for match in pattern.finditer(clause):
                if all(start != match.start("a") for start, _ in found):  # "4/5" is already read as 4 of 5
                    found.append((match.start("a"), self._rating(match, None)))
        return [
            (start, value) for start, value in found
            if value is not None and not self._negated_before.search(" ".join(clause[:start].split()[-4:]))
        ]

    def rating(self, norm: str) -> int | None:
        """The rating a normalised answer gives in numbers, or None."""
        if _STAR_EMOJI.match(norm):
            stars = sum(ch in "\u2b50\u2605" for ch in norm)
            return min(stars, SCALE_MAX) if stars else None
        latest: float | None = None
        for clause in self._clause_split.split(norm):
            found = self._in_clause(_REPLY_NO.sub("", clause).lstrip())
            if found:
                latest = max(found)[1]
        return None if latest is None else round_toward_middle(latest)

    def stated_up_front(self, lowered: str) -> int | None:
        """A 1-5 rating the answer opens with ("1 - generic as it gets", "a 4 from me")."""
        match = self._up_front.match(lowered)
        return int(match.group(1)) if match else None


# A "no" that opens the clause answers the assistant ("no i said 4"); it negates no number after it.
_REPLY_NO = re.compile(
    r"^\s*(?:no|nope|nah)\b(?=\s+(?:i|i'm|im|it's|its|it|that's|thats|more like|like|more|its more)\b)"
)


def on_one_to_five(numbers: list[float], denominator: float | None) -> float | None:
    """Map one rating (or the middle of a range) onto 1-5, or None when it is not a rating."""
    if denominator is None:
        if max(numbers) > 10:
            return None
        denominator = 10 if max(numbers) > 5 else 5
    middle = sum(min(n, denominator) for n in numbers) / len(numbers)
    if denominator == 5:
        return max(middle, SCALE_MIN)
    out_of_ten = middle * 10 / denominator
    return float(max(SCALE_MIN, math.floor(out_of_ten / 2 + 0.5 + 1e-9)))  # half of it, halves rounded up
