"""How long someone has been seeing their therapist: ``early`` (3 sessions or fewer), ``established``
(4-12) or ``long_term`` (more).

Assumes roughly weekly sessions: a week = 1 session, a month = 4, a year = 48; "twice a week" doubles, "every
other week" halves. Counts beat durations ("10 sessions over 3 months" -> 10); ranges take the middle; "over
N" counts as N + 1, "almost N" as N - 1, a sum that closes a story ("…, so about eight") beats the spans told
before it, and a span beats a count that is only a lower bound below it, "less than N" is early when N is at
most a month, otherwise unknown. Spans of the calendar ("since last summer", "most of this year") are read
against today's date and placed only when surely long. Words without a number ("just started", "years") come
from the item's cues.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from reflection.answers.language import Language, alternation, choices, compile_any, pattern, phrases
from reflection.answers.text import SPACES

_QTY = r"\d+(?:\.\d+)?"
_DAYS_PER_MONTH = 30.44
_HALF_A_SEASON_MONTHS = 1.5  # the best guess for "since last summer" is its middle
_LONG_TERM_MIN_SESSIONS = 16  # about four months: clearly past the 12 of "established"
_LATEST_START_MIN_SESSIONS = 8  # and even the latest start it allows is two months back
_EARLY_MAX, _ESTABLISHED_MAX = 3, 12
_UNKNOWN_COUNT = math.nan  # "less than a year": a bound that does not settle the category
_MAX_PLAUSIBLE_SESSIONS = 2500
_MONTH_UNIT = "month"
_MID_MONTH_DAY = 15
_MONTH_ORDER = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
COUNT_UNIT = "count"


def sessions_category(count: float) -> str:
    if count <= _EARLY_MAX:
        return "early"
    return "established" if count <= _ESTABLISHED_MAX else "long_term"


@dataclass(frozen=True)
class SessionsReading:
    category: str | None
    # what gave it: "sessions" (a count of sessions: "8 sessions", "session 11", "my third"), "time" (a
    # length of time: "a year", "since last summer"), "number" (a bare number: "10"), "words" ("years")
    source: str = ""


class SessionsReader:
    def __init__(self, language: Language, cues: Mapping[str, Any]) -> None:
        d = language.section("durations")
        self._units: dict[str, tuple[str, float]] = {}
        for kind, unit in d["units"].items():
            for word in phrases(unit["words"]):
                self._units[word] = (str(kind), float(unit["sessions"]))
        self._sessions_per_month = float(d["units"][_MONTH_UNIT]["sessions"])
        self._prices = re.compile(str(d["prices"]).strip())
        unit_re = alternation(list(self._units), longest_first=True)
        self._rates = tuple((re.compile(rf"\b(?:{pattern(r['pattern'])})\b"), float(r["per_week"]))
                            for r in d["rates"])
        self._small_numbers = phrases(d["small_numbers"])
        self._tens = {str(k): int(v) for k, v in d["tens"].items()}
        self._tens_words = re.compile(
            rf"\b({choices(list(self._tens))})(?: ({choices(self._small_numbers[1:10])}))?\b"
        )
        self._small_number_words = re.compile(rf"\b({choices(self._small_numbers)})\b")
        self._quantity_words = tuple(
            (re.compile(rf"\b(?:{q['pattern']})\b ?"), f"{q['number']} ") for q in d["quantity_words"]
        )
        self._ordinals = {word: number for number, word in enumerate(phrases(d["ordinals"]), start=1)}
        self._ordinal = re.compile(
            rf"\b(?P<ord>{choices(list(self._ordinals))}|\d+{alternation(d['ordinal_suffixes'])})\b"
            rf"(?:\s+(?:{choices(d['ordinal_filler'])}\s+)?(?P<after>[a-z]+))?"
        )
        self._ordinal_nouns = frozenset(phrases(d["ordinal_nouns"]))
        self._one_of = re.compile(rf"\b{alternation(d['one_of'], any_spaces=True)}\s+(?={unit_re}\b)")
        half = alternation(d["and_a_half"], any_spaces=True)
        self._and_a_half = re.compile(rf"\b({_QTY})\s+{half}\b")
        self._unit_and_a_half = re.compile(rf"\b({_QTY})\s+({unit_re})\s+{half}\b")
        self._more_than = frozenset(phrases(d["more_than"]))
        self._almost = frozenset(phrases(d["almost"]))
        self._less_than = frozenset(phrases(d["less_than"]))
        modifiers = choices(
            [*phrases(d["more_than"]), *phrases(d["less_than"]), *phrases(d["almost"]),
             *phrases(d["other_modifiers"])],
            longest_first=True, any_spaces=True,
        )
        range_words = choices(d["range_words"])
        or_so = alternation(d["or_so"], any_spaces=True)
        or_more = choices(d["or_more"], any_spaces=True)
        self._quantity_with_unit = re.compile(
            rf"(?:\b(?P<mod>{modifiers})\s+)?(?P<q>{_QTY})(?:\s*(?:-|\u2013|{range_words})\s*(?P<q2>{_QTY}))?"
            rf"\s*(?P<plus>\+)?\s*(?:{or_so}\s+)?(?P<unit>{unit_re})\b(?:\s+(?:{range_words})\s+(?P<q3>{_QTY})\b)?"
            rf"(?P<more>\s+(?:{or_more})\b)?"
        )
        self._bare_quantity = re.compile(
            rf"^(?:{alternation(d['bare_lead'], any_spaces=True)}[\s,]+)*"
            rf"(?:(?P<mod>{modifiers})\s+)?(?P<q>{_QTY})"
            rf"(?:\s*(?:-|\u2013|{range_words})\s*(?P<q2>{_QTY}))?(?P<more>\s*\+|\s+(?:{or_more}))?"
            rf"(?:[\s,;-]*{alternation(d['bare_tail'], any_spaces=True)})*\s*[.!?]*$"
        )
        not_a_count = choices(d["not_a_count_after"], any_spaces=True)
        self._numbered = re.compile(
            rf"\b(?P<unit>{choices(d['numbered'])})\s+(?:(?:{choices(d['number_markers'])})\s*)?(?P<q>{_QTY})\b"
            rf"(?!\s*(?:{unit_re}|{not_a_count})\b)"
        )
        since = {
            "since": f"(?:{pattern(d['since_words'])})",
            "fillers": alternation(d["since_fillers"], longest_first=True),
        }
        self._since_year = re.compile(pattern(d["since_year"], since))
        self._season_starts = {str(k): int(v) for k, v in d["seasons"].items()}
        seasons = {**since, "seasons": choices(list(self._season_starts))}
        self._since_season = re.compile(pattern(d["since_season"], seasons))
        self._last_season_word = str(d["last_season_word"])
        month_names = phrases(d["months"])
        self._month_numbers = {name: _MONTH_ORDER.index(name[:3]) + 1 for name in month_names}
        self._holidays = {str(name): (int(month), int(day)) for name, (month, day) in d["holidays"].items()}
        month_names = [*month_names, *self._holidays]
        self._month_parts = {str(part): int(day) for part, day in d["month_parts"].items()}
        self._since_month = re.compile(pattern(d["since_month"], {**since, "months": choices(month_names)}))
        self._since_last_year = re.compile(pattern(d["since_last_year"]))
        self._this_year = re.compile(pattern(d["this_year"]))
        self._early = compile_any(cues["early"])
        self._long_term = compile_any(cues["long_term"])

    def read(self, norm: str, today: date) -> SessionsReading:
        norm = self._prices.sub(" ", norm)
        since = self._since_year.search(norm)
        if since:
            years = today.year - int(since.group("year"))
            return SessionsReading("long_term" if years >= 2 else None, "time")
        per_week = 1.0
        for rate_pattern, rate in self._rates:
            found = rate_pattern.search(norm)
            if found:
                per_week = rate
                norm = norm[:found.start()] + " " + norm[found.end():]
                break
        counted = self._count(self._words_to_digits(norm), per_week)
        if counted is not None:
            count, source = counted
            in_range = 0 <= count <= _MAX_PLAUSIBLE_SESSIONS
            return SessionsReading(sessions_category(count) if in_range else None, source)
        months = self._months_since_month(norm, today)
        if months is not None:  # "since March"
            return SessionsReading(sessions_category(months * self._sessions_per_month * per_week), "time")
        span = self._calendar_span(norm, today)
        if span is not None:  # only a span that is surely long is placed: the start of a season is vague
            latest, best_guess = (months * self._sessions_per_month * per_week for months in span)
            long_ago = latest >= _LATEST_START_MIN_SESSIONS and best_guess >= _LONG_TERM_MIN_SESSIONS
            return SessionsReading("long_term" if long_ago else None, "time")
        early, long_term = self._early.search(norm), self._long_term.search(norm)
        if early and not long_term:
            return SessionsReading("early", "words")
        if long_term and not early:
            return SessionsReading("long_term", "words")
        return SessionsReading(None)

    def _words_to_digits(self, norm: str) -> str:
        def tens(match: re.Match[str]) -> str:
            unit = match.group(2)
            return str(self._tens[match.group(1)] + (self._small_numbers.index(unit) if unit else 0))

        norm = self._tens_words.sub(tens, norm)
        norm = self._small_number_words.sub(lambda m: str(self._small_numbers.index(m.group(1))), norm)
        for quantity_pattern, digits in self._quantity_words:
            norm = quantity_pattern.sub(digits, norm)
        norm = self._one_of.sub("1 ", norm)
        norm = self._and_a_half.sub(lambda m: str(float(m.group(1)) + 0.5), norm)
        norm = self._unit_and_a_half.sub(lambda m: f"{float(m.group(1)) + 0.5} {m.group(2)}", norm)
        return SPACES.sub(" ", norm).strip()

    def _adjusted(self, count: float, modifier: str | None, bound_is_more: bool) -> float:
        """'over a year' -> 49; 'almost a year' -> 47; 'less than N' is only known to be early when N <= 4."""
        modifier = " ".join(modifier.split()) if modifier else None
        if bound_is_more or modifier in self._more_than:
            return count + 1
        if modifier in self._almost:
            return max(count - 1, 0)
        if modifier in self._less_than:
            return count - 1 if count <= _EARLY_MAX + 1 else _UNKNOWN_COUNT
        return count

    def _count(self, norm: str, per_week: float) -> tuple[float, str] | None:
        """The session count the answer states (_UNKNOWN_COUNT if it gives only a bound) and its source."""
        # a story that ends in its sum ("I began in September, skipped a week for a holiday, so about eight")
        concluded = _CONCLUSION.search(norm)
        total = self._bare_quantity.match(concluded.group("sum")) if concluded else None
        if total:
            return self._adjusted(_quantity(total), total.group("mod"), bool(total.group("more"))), "number"
        counts: list[float] = []
        durations: list[float] = []
        lower_bound = False  # the last count is only "more than N"
        for match in self._quantity_with_unit.finditer(norm):
            kind, factor = self._units[match.group("unit")]
            more = bool(match.group("plus") or match.group("more"))
            if kind == COUNT_UNIT:
                counts.append(self._adjusted(_quantity(match), match.group("mod"), more))
                modifier = " ".join((match.group("mod") or "").split())
                lower_bound = more or modifier in self._more_than
            else:
                sessions = _quantity(match) * factor * per_week
                durations.append(self._adjusted(sessions, match.group("mod"), more))
        if counts and lower_bound and durations and durations[-1] > counts[-1]:
            return durations[-1], "time"  # "6 months, weekly, so way more than 3 sessions": the months count
        if counts:
            return counts[-1], "sessions"
        if durations:
            return durations[-1], "time"
        numbered = self._numbered.search(norm)
        if numbered:
            kind, factor = self._units[numbered.group("unit")]
            if kind == COUNT_UNIT:
                return float(numbered.group("q")) * factor, "sessions"
            return float(numbered.group("q")) * factor * per_week, "time"
        # a bare count alone, or closing a longer answer ("I started in September, so maybe 11 or 12?")
        last_clause = _LAST_CLAUSE.split(norm)[-1].strip()
        bare = self._bare_quantity.match(norm) or self._bare_quantity.match(last_clause)
        if bare:
            return self._adjusted(_quantity(bare), bare.group("mod"), bool(bare.group("more"))), "number"
        for match in self._ordinal.finditer(norm):
            after = match.group("after")
            if after is None or after in self._ordinal_nouns:
                ordinal = match.group("ord")
                source = "number" if after is None else "sessions"
                return float(self._ordinals.get(ordinal) or int(re.sub(r"\D", "", ordinal))), source
        return None

    def _months_since_month(self, norm: str, today: date) -> float | None:
        """Months since a named month began ("since March", "since late September 2025"), or None."""
        found = self._since_month.search(norm)
        if not found:
            return None
        name = found.group("month")
        if name in self._holidays:  # "since Christmas": that very day
            month, day = self._holidays[name]
            first = day
        else:
            month, first = self._month_numbers[name], 1
            day = self._month_parts.get(found.group("part") or "", _MID_MONTH_DAY)
        year = int(found.group("year")) if found.group("year") else today.year
        if not found.group("year") and date(year, month, first) > today:
            year -= 1  # "since March" said in January: last March
        return max(_months_between(date(year, month, day), today), 0.0)

    def _calendar_span(self, norm: str, today: date) -> tuple[float, float] | None:
        """How many months ago a calendar span began: (at the latest, at a best guess), or None."""
        season = self._since_season.search(norm)
        if season:
            start_month = self._season_starts[season.group("season")]
            must_have_ended = (season.group("last") or "").strip() == self._last_season_word
            recent = (_season(year, start_month) for year in range(today.year, today.year - 3, -1))
            start, end = next(
                (start, end) for start, end in recent if (end if must_have_ended else start) <= today
            )
            return _months_between(end, today), _months_between(start, today) - _HALF_A_SEASON_MONTHS
        if self._since_last_year.search(norm):
            mid_last_year = date(today.year - 1, 7, 1)
            return _months_between(date(today.year, 1, 1), today), _months_between(mid_last_year, today)
        this_year = self._this_year.search(norm)
        if this_year:
            elapsed = _months_between(date(today.year, 1, 1), today)
            return (elapsed / 2, elapsed * 0.75) if this_year.group("most") else (elapsed, elapsed)
        return None


_CONCLUSION = re.compile(r"(?:[,;:]\s*|\s)(?:and\s+)?so\s+(?P<sum>[^,;:]+)$")
_LAST_CLAUSE = re.compile(r"[,;:]\s*(?:(?:and|but)\s+)?(?:so\s+)?|\s(?:so|and)\s")


def _quantity(match: re.Match[str]) -> float:
    numbers = [float(match.group(g)) for g in ("q", "q2", "q3") if match.groupdict().get(g)]
    return sum(numbers) / len(numbers)


def _months_between(earlier: date, later: date) -> float:
    return (later - earlier).days / _DAYS_PER_MONTH


def _season(year: int, start_month: int) -> tuple[date, date]:
    """First day of the season and first day after it (winter runs into the next year)."""
    return date(year, start_month, 1), date(year + (start_month > 9), start_month % 12 + 3, 1)
