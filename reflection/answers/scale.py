"""Scale rules 2-3: ratings given in words, read against a lexicon of terms with roles.

The answer is cut into clauses at punctuation and at "but / though / however". Each clause is read left to
right against one lexicon (longest phrase first): the shared terms of the language (``scale.terms``), the
words about fit shared by every rated question (``scale.shared_cues``) and the question's own cues (its
``cues`` in the item bank); later tables win. Every clause that says something gives one or more signals;
the answer is **the mean of the signals**, ties rounded toward 3. Signals that say less give way first:

* a **plain yes** ("yes", "she does") is 4: it says which side, not how far; any other signal above 3
  replaces it ("yes, totally" -> 5).
* a **lone hedge** ("maybe") counts only when nothing else does.
* an **unqualified 2 or 4** ("rigid", "helpful") gives way to a 1 or 5 on its side ("never adapts, rigid"
  -> 1); a 5 reached only through "very" / "really" is too weak for this.
* a **summary** ("mostly X") already weighs the exceptions, so an unqualified signal on the other side
  gives way to it ("she asks me, but mostly steers it herself" -> 2).
* a **topic word** ("goals") counts only when nothing else does ("we never set any goals" -> 1).

The direct answer (the shared terms) then sets the value; cues around it change it only when they pull the
other way. Modifiers act on the next head: negators ("doesn't listen" -> 2), frequencies ("always listens"
5, "always talks over me" 1), intensifiers ("really gets me" 5), softeners ("a bit generic" 3), hedges
("probably" pulls a 5 to 4), "at all" ("doesn't listen at all" 1), "get past" (what is left behind is the
bad thing). A negation or frequency carries into a "that ..." part after its head ("never suggests anything
that fits my situation" -> 1). Evaluative words that could be about anything ("good", "bad") count only
in a clause about the therapy or holding no other words; a modifier alone ("always") counts only in a
clause with at most one other word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, NamedTuple

from reflection.answers.language import AnswerWordsError, Language, pattern, phrases, words
from reflection.answers.numbers import SCALE_MAX, SCALE_MID, SCALE_MIN, round_toward_middle
from reflection.answers.text import TOKEN


class Role(Enum):
    HEAD = "head"  # carries a value and takes modifiers
    ANSWER = "answer"  # a fixed value that takes no modifiers
    FREQUENCY = "frequency"  # gives the next head its own value
    NEGATOR = "negator"  # negates the next head
    INTENSIFIER = "intensifier"  # moves the next head away from 3
    SOFTENER = "softener"  # moves the next head toward 3
    AT_ALL = "at_all"  # makes the previous negated head extreme
    LEFT_BEHIND = "left_behind"  # turns the next head around: "get past the small talk" is depth
    HEDGE = "hedge"  # pulls a 5 to 4 and a 1 to 2
    NO_VALUE = "no_value"  # carries no value ("I don't know", "thanks")


DEFAULT_NEGATION = {5: 2, 4: 2, 3: 2, 2: 4, 1: 3}
_COUNTS_ALONE_AT = ("anywhere", "end", "start_or_end")
_DEFAULT_REACH = 6


@dataclass(frozen=True)
class Term:
    role: Role
    value: int | None = None  # heads and answers; for modifiers, the value when used on their own
    negated: int | None = None  # heads: value after a negation; frequencies: "not always" etc.
    generic: bool = False  # heads that could be about anything ("good")
    reach: int = _DEFAULT_REACH  # negators: how many words may stand between them and the head
    stops_at_subject: bool = False  # negators: "not really, she listens" must not negate "listens"
    counts_alone_at: str = "anywhere"  # "anywhere", "end" or "start_or_end" of the clause
    from_cue: bool = False  # a cue ("talks over me") rather than a direct answer ("yes", "mostly")
    plain_yes: bool = False  # "yes", "she does": says which side, not how far
    extreme: bool = False  # negators: "zero", "not even a little" take the head to the end of the scale
    summary: bool = False  # frequencies: "mostly", "usually" sum up the whole answer, exceptions included
    topic: bool = False  # heads that only name the subject ("goals"): they count when nothing else does
    about_topic: bool = False  # heads that count only next to a topic head ("goals ... never came up")
    core: bool = False  # the question's own word ("heard" for feeling heard): it counts twice
    flips_previous: bool = False  # "no" right after a word answers that word: "heard no" is "not heard"


def term_from_spec(spec: Mapping[str, Any]) -> Term:
    """A lexicon entry (``role``, ``value``, ...) from a words file, checked."""
    role_name = spec.get("role", "head")
    plain_yes = role_name == "plain_yes"
    topical = role_name in ("topic", "about_topic")
    try:
        role = Role.HEAD if plain_yes or topical else Role(role_name)
    except ValueError:
        raise AnswerWordsError(f"unknown role {role_name!r} for {spec.get('words')!r}") from None
    value = 4 if plain_yes else spec.get("value")
    if role in (Role.HEAD, Role.ANSWER) and value not in (1, 2, 3, 4, 5):
        raise AnswerWordsError(f"a {role_name} needs a value 1-5: {spec.get('words')!r}")
    negated = spec.get("negated")
    if role is Role.HEAD and negated is None:
        negated = DEFAULT_NEGATION[value]
    if role is Role.FREQUENCY and negated is None:
        raise AnswerWordsError(f"a frequency needs `negated`: {spec.get('words')!r}")
    counts_alone_at = spec.get("counts_alone_at", "anywhere")
    if counts_alone_at not in _COUNTS_ALONE_AT:
        raise AnswerWordsError(f"counts_alone_at must be one of {_COUNTS_ALONE_AT}: {spec.get('words')!r}")
    return Term(
        role=role,
        value=value,
        negated=negated,
        generic=bool(spec.get("generic", False)),
        reach=int(spec.get("reach", _DEFAULT_REACH)),
        stops_at_subject=bool(spec.get("stops_at_subject", False)),
        counts_alone_at=counts_alone_at,
        plain_yes=plain_yes,
        extreme=bool(spec.get("extreme", False)),
        summary=bool(spec.get("summary", False)),
        topic=role_name == "topic",
        about_topic=role_name == "about_topic",
        core=bool(spec.get("core", False)),
        flips_previous=bool(spec.get("flips_previous", False)),
    )


class Signal(NamedTuple):
    value: int
    from_cue: bool
    plain_yes: bool = False  # gives way to any other signal above 3 ("yes, totally" -> 5)
    lone_hedge: bool = False  # "maybe" on its own: gives way to any other signal ("yes, I guess" -> 4)
    side_only: bool = False  # an unqualified 2 or 4 ("rigid", "helpful"): gives way to a 1 or 5 on its side
    boosted: bool = False  # a 1 or 5 reached only through "very" / "really": too weak to outweigh others
    summary: bool = False  # "mostly X": outweighs unqualified signals on the other side
    topic: bool = False  # "goals": dropped when the answer says anything else
    about_topic: bool = False  # "never came up": dropped unless the answer names the topic
    core: bool = False  # about the question's own word: counts twice
    generic: bool = False  # a word that could be about anything ("good")


@dataclass(frozen=True)
class ScaleWords:
    """The language's words that steer the reading of a clause."""

    clause_break_words: frozenset[str]
    subjects: frozenset[str]
    referents: frozenset[str]
    negation_stops: frozenset[str]
    fillers: frozenset[str]
    function_words: frozenset[str]
    scope_links: frozenset[str]
    relative_pronouns: frozenset[str]
    conjunctions: frozenset[str]
    baseline_words: frozenset[str]
    baseline_fillers: frozenset[str]
    negating_first_words: frozenset[str]
    mixed: re.Pattern[str]
    mixed_word: str
    past_markers: PhraseSet
    later_markers: PhraseSet
    reported_speech: PhraseSet
    reported_until: frozenset[str]
    clause_joins: frozenset[str]

    @classmethod
    def from_language(cls, language: Language) -> ScaleWords:
        s = language.section("scale")
        n = language.section("numbers")
        fillers = words(s["fillers"])
        return cls(
            clause_break_words=words(s["clause_break_words"]),
            subjects=words(s["subjects"]),
            referents=words(s["referents"]),
            negation_stops=words(s["negation_stops"]),
            fillers=fillers,
            function_words=fillers | words(n["lead"]) | words(n["tail"]),
            scope_links=words(s["scope_links"]),
            relative_pronouns=words(s["relative_pronouns"]),
            conjunctions=words(s["conjunctions"]),
            baseline_words=words(s["baseline_words"]),
            baseline_fillers=words(s["baseline_fillers"]),
            negating_first_words=words(s["negating_first_words"]),
            mixed=re.compile(pattern(s["mixed"])),
            mixed_word=str(s["mixed_word"]),
            past_markers=PhraseSet(s["past_markers"]),
            later_markers=PhraseSet(s["later_markers"]),
            reported_speech=PhraseSet(s["reported_speech"]),
            reported_until=words(s["reported_until"]),
            clause_joins=words(s["clause_joins"]),
        )


class PhraseSet:
    """Phrases looked up by their first word, longest first."""

    def __init__(self, spec: str) -> None:
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in {tuple(found.split()) for found in phrases(spec)}:
            by_first.setdefault(phrase[0], []).append(phrase)
        self._by_first = {first: sorted(group, key=len, reverse=True) for first, group in by_first.items()}

    def length_at(self, tokens: list[str], at: int) -> int:
        """The length of the longest phrase starting at ``tokens[at]``, or 0."""
        for phrase in self._by_first.get(tokens[at], ()):
            if tuple(tokens[at:at + len(phrase)]) == phrase:
                return len(phrase)
        return 0

    def found_in(self, tokens: list[str]) -> bool:
        return any(self.length_at(tokens, i) for i in range(len(tokens)))


_CLAUSE_BREAK_MARKS = frozenset(".,;:!?\u2026\u2014")
_IGNORED_MARKS = frozenset("'\"()[]{}*_~#-\u2013")
_MAX_RELATIVE_GAP = 4


@dataclass(frozen=True)
class Lexicon:
    phrases_by_first_word: Mapping[str, tuple[tuple[tuple[str, ...], Term], ...]]

    def known_words(self) -> frozenset[str]:
        return frozenset(word for entries in self.phrases_by_first_word.values() for found, _ in entries
                         for word in found)


def build_lexicon(general: Sequence[Mapping[str, Any]], *cue_tables: Sequence[Mapping[str, Any]]) -> Lexicon:
    terms: dict[tuple[str, ...], Term] = {}
    tables = ((general, False), *((table, True) for table in cue_tables))
    for table, from_cue in tables:
        for spec in table:  # later tables override earlier ones: cues beat general words
            term = replace(term_from_spec(spec), from_cue=from_cue)
            for phrase in phrases(spec.get("words")):
                terms[tuple(phrase.split())] = term
    by_first: dict[str, list[tuple[tuple[str, ...], Term]]] = {}
    for found, term in terms.items():
        by_first.setdefault(found[0], []).append((found, term))
    return Lexicon({first: tuple(sorted(group, key=_longest_first)) for first, group in by_first.items()})


def _longest_first(entry: tuple[tuple[str, ...], Term]) -> int:
    return -len(entry[0])


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    term: Term


def _find_terms(tokens: list[str], lexicon: Lexicon) -> list[_Match]:
    matches: list[_Match] = []
    i = 0
    while i < len(tokens):
        for found, term in lexicon.phrases_by_first_word.get(tokens[i], ()):
            if tuple(tokens[i:i + len(found)]) == found:
                matches.append(_Match(i, i + len(found), term))
                i += len(found)
                break
        else:
            i += 1
    return matches


def intensify(value: int) -> int:
    if value > SCALE_MID:
        return min(value + 1, SCALE_MAX)
    return max(value - 1, SCALE_MIN) if value < SCALE_MID else value


def soften(value: int) -> int:
    return value - 1 if value > SCALE_MID else value + 1 if value < SCALE_MID else value


def _with_frequency(frequency: int, head_value: int) -> int:
    """'always listens' -> 5, 'always talks over me' -> 1, 'sometimes ...' -> 3."""
    if head_value > SCALE_MID:
        return frequency
    if head_value < SCALE_MID:
        return SCALE_MAX + SCALE_MIN - frequency
    return SCALE_MID


def _within_reach(modifier: _Match | None, head: _Match) -> bool:
    return modifier is not None and head.start - modifier.end <= modifier.term.reach


def side_of_middle(value: float) -> int:
    return (value > SCALE_MID) - (value < SCALE_MID)


class _Scope(NamedTuple):
    end: int  # where the head ended
    signal_index: int
    negated: bool
    extreme: bool
    frequency: int | None


class _ClauseReading:
    """Reads one clause left to right; modifiers wait for the next head."""

    def __init__(self, tokens: list[str], w: ScaleWords, generic_allowed: bool,
                 modifiers_alone_allowed: bool) -> None:
        self.tokens = tokens
        self.w = w
        self.generic_allowed = generic_allowed  # generic heads ("good") count
        self.modifiers_alone_allowed = modifiers_alone_allowed  # a modifier with no head ("always") counts
        self.signals: list[Signal] = []
        self.hedged = False
        self.waiting: list[_Match] = []
        self.negator: _Match | None = None
        self.frequency: int | None = None
        self.summary = False  # the waiting frequency is a summary word ("mostly")
        self.negate_next_head = False  # "often doesn't listen": a negation after a frequency word
        self.intensifier: _Match | None = None
        self.soften = False
        self.left_behind: _Match | None = None  # "get past": the next head is what the client leaves behind
        self.last_head: tuple[int, Term] | None = None  # a head read without prefix modifiers
        self.last_negated = False
        self.last_head_end: int | None = None  # where the last head ended, and its signal
        self.last_signal_index: int | None = None
        self.scope: _Scope | None = None  # the last head's negation or frequency, for a "that ..." after it

    def read(self, matches: list[_Match]) -> list[Signal]:
        handlers: dict[Role, Callable[[_Match], None]] = {
            Role.HEAD: self._on_head,
            Role.ANSWER: self._on_answer,
            Role.FREQUENCY: self._on_frequency,
            Role.NEGATOR: self._on_negator,
            Role.INTENSIFIER: self._on_intensifier,
            Role.SOFTENER: self._on_softener,
            Role.AT_ALL: self._on_at_all,
            Role.LEFT_BEHIND: self._on_left_behind,
            Role.HEDGE: self._on_hedge,
            Role.NO_VALUE: lambda match: None,
        }
        for match in matches:
            handlers[match.term.role](match)
        self._finish()
        return self.signals

    def _relative_link(self, between: list[str]) -> int | None:
        """Index of a "that" / "which" that opens a relative clause after a noun ("no advice that ...")."""
        for i, word in enumerate(between[1:4], start=1):
            previous = between[i - 1]
            if word in self.w.relative_pronouns and previous not in self.w.subjects \
                    and previous not in self.w.fillers:
                return i
        return None

    def _negator_reaches(self, head_start: int) -> bool:
        if self.negator is None:
            return False
        between = self.tokens[self.negator.end:head_start]
        link = self._relative_link(between)  # "no advice that fits my life": the "that ..." part is negated
        reach = self.negator.term.reach + (_MAX_RELATIVE_GAP if link is not None else 0)
        # "not so deep": a stop word read as the head's intensifier only says how much
        degree = range(0)
        if self.intensifier is not None:
            degree = range(self.intensifier.start, self.intensifier.end)
        stopped = any(
            t in self.w.negation_stops for i, t in enumerate(between, start=self.negator.end)
            if i - self.negator.end != link and i not in degree
        )
        if len(between) > reach or stopped:
            return False
        pairs = zip(between, between[1:], strict=False)
        if any(word in self.w.conjunctions and nxt in self.w.subjects for word, nxt in pairs):
            return False  # "... and she kept doing the same thing": a new subject starts
        subjects = [t for i, t in enumerate(between) if t in self.w.subjects and i != link]
        return not (self.negator.term.stops_at_subject and subjects)

    def _counts_alone(self, match: _Match) -> bool:
        after_is_filler = all(t in self.w.fillers for t in self.tokens[match.end:])
        if match.term.counts_alone_at == "end":
            return after_is_filler
        if match.term.counts_alone_at == "start_or_end":  # "no, ..." / "no she doesn't", not "no homework"
            following = self.tokens[match.end:match.end + 1]
            opens_clause = match.start == 0 and all(
                t in self.w.subjects or t in self.w.fillers for t in following
            )
            return opens_clause or after_is_filler
        return True

    def _reset(self) -> None:
        self.waiting, self.negator, self.frequency = [], None, None
        self.negate_next_head = self.soften = self.summary = False
        self.intensifier = self.left_behind = None

    def _is_baseline(self, match: _Match) -> bool:
        """'deeper than small talk': the words after "than" are what is compared against."""
        before = [
            t for t in self.tokens[max(match.start - 3, 0):match.start] if t not in self.w.baseline_fillers
        ]
        return bool(before) and before[-1] in self.w.baseline_words

    def _continues_scope(self, match: _Match) -> bool:
        """'never gives advice that fits my life': the "that ..." part is still under "never"."""
        if self.scope is None or self.negator is not None or self.frequency is not None \
                or self.negate_next_head:
            return False
        gap = self.tokens[self.scope.end:match.start]
        return len(gap) <= _MAX_RELATIVE_GAP and any(t in self.w.scope_links for t in gap) \
            and not any(t in self.w.negation_stops for t in gap)

    def _on_left_behind(self, match: _Match) -> None:
        self.left_behind = match
        self.waiting.append(match)

    def _on_hedge(self, match: _Match) -> None:
        self.hedged = True
        self.waiting.append(match)

    def _on_answer(self, match: _Match) -> None:
        assert match.term.value is not None
        self.signals.append(Signal(match.term.value, match.term.from_cue))

    def _on_negator(self, match: _Match) -> None:
        if match.term.flips_previous and self._answers_previous_head(match):
            index = self.last_signal_index
            assert index is not None
            last = self.signals[index]
            alone = match.term.value if match.term.value is not None else SCALE_MIN
            flipped = alone if last.value > SCALE_MID else DEFAULT_NEGATION.get(last.value, last.value)
            self.signals[index] = last._replace(value=flipped, side_only=False, plain_yes=False)
            self.last_head = None
            return
        if self.frequency is not None:
            self.negate_next_head = True
        else:
            self.negator = match
            self.waiting.append(match)

    def _on_frequency(self, match: _Match) -> None:
        negated = self._negator_reaches(match.start)
        value = match.term.negated if negated else match.term.value
        if negated:
            self.waiting.remove(self.negator)  # type: ignore[arg-type]
            self.negator = None
        self.frequency = value
        self.summary = match.term.summary and not negated
        # Wait with the value it has after any negation: "not always" on its own is 3.
        self.waiting.append(_Match(match.start, match.end, Term(Role.FREQUENCY, value)))

    def _answers_previous_head(self, match: _Match) -> bool:
        """'heard no': a "no" right after a head, ending the clause, answers that head."""
        if self.last_head_end is None or self.last_signal_index is None or self.waiting:
            return False
        between_and_after = self.tokens[self.last_head_end:match.start] + self.tokens[match.end:]
        return all(t in self.w.fillers for t in between_and_after)

    def _on_intensifier(self, match: _Match) -> None:
        self.intensifier = match
        self.waiting.append(match)

    def _on_softener(self, match: _Match) -> None:
        self.soften = True
        self.waiting.append(match)

    def _on_at_all(self, match: _Match) -> None:
        if self.signals and self.last_negated:
            last = self.signals[-1]
            self.signals[-1] = last._replace(value=intensify(last.value), side_only=False)

    def _on_head(self, match: _Match) -> None:
        term = match.term
        assert term.value is not None and term.negated is not None
        if self._is_baseline(match):
            return
        if (term.generic and not self.generic_allowed) or not self._counts_alone(match):
            self._reset()
            return
        if _within_reach(self.left_behind, match):
            turned = SCALE_MAX + SCALE_MIN - term.value
            term = replace(term, value=turned, negated=DEFAULT_NEGATION[turned])
        continued = self._continues_scope(match)
        if continued and self.scope is not None:
            negated, extreme, self.frequency = self.scope.negated, self.scope.extreme, self.scope.frequency
            self.summary = False
        else:
            negated = self.negate_next_head or self._negator_reaches(match.start)
            extreme = negated and self.negator is not None and self.negator.term.extreme
        value = term.negated if negated else term.value
        assert value is not None
        if extreme:
            value = intensify(value)
        if self.frequency is not None:
            value = _with_frequency(self.frequency, value)
        intensify_it = _within_reach(self.intensifier, match)
        intensified = intensify_it and not negated and self.frequency is None  # "usually very good" stays 4
        if intensified:
            value = intensify(value)
        if self.soften:
            value = soften(value)
        for waiting in self.waiting:  # a "no" that did not reach this head is still an answer
            applied = waiting is self.negator and negated
            if waiting.term.role is Role.NEGATOR and not applied and waiting.term.value is not None \
                    and self._counts_alone(waiting):
                self.signals.append(Signal(waiting.term.value, from_cue=False))
        prefixed = negated or self.frequency is not None or intensify_it or self.soften
        signal = Signal(
            value,
            term.from_cue,
            plain_yes=term.plain_yes and not prefixed,
            side_only=not prefixed and value in (SCALE_MID - 1, SCALE_MID + 1),
            summary=self.summary,
            topic=term.topic and not prefixed,
            about_topic=term.about_topic,
            boosted=intensified and self.intensifier is not None and self.intensifier.term.value is None,
            core=term.core,
            generic=term.generic,
        )
        if continued and self.scope is not None:
            index = self.scope.signal_index
            self.signals[index] = signal  # the "that ..." part says what was meant
        else:
            index = len(self.signals)
            self.signals.append(signal)
        scoped = negated or self.frequency is not None
        self.scope = _Scope(match.end, index, negated, extreme, self.frequency) if scoped else None
        self.last_head_end, self.last_signal_index = match.end, index
        self.last_head = None if prefixed else (index, term)
        # "no say at all": a head that is itself a negation
        self.last_negated = negated or self.tokens[match.start] in self.w.negating_first_words
        self._reset()

    def _finish(self) -> None:
        strong = any(m.term.role is Role.INTENSIFIER and m.term.value == SCALE_MAX for m in self.waiting)
        if self.last_head is not None and (self.frequency is not None or self.soften or strong):
            index, term = self.last_head  # "talks over me sometimes", "fits perfectly": a trailing modifier
            assert term.value is not None
            value = term.value if self.frequency is None else _with_frequency(self.frequency, term.value)
            value = soften(value) if self.soften else intensify(value) if strong else value
            self.signals[index] = Signal(value, term.from_cue, summary=self.summary, core=term.core)
        elif not self.signals:
            if self.frequency is not None and self.negate_next_head:  # "mostly no", "sometimes she doesn't"
                self.signals.append(Signal(SCALE_MAX + SCALE_MIN - self.frequency, from_cue=False))
            elif self.modifiers_alone_allowed:
                alone = [m for m in self.waiting if m.term.value is not None and self._counts_alone(m)]
                unhedged = [m for m in alone if m.term.role is not Role.HEDGE]  # "maybe a little" -> 2
                self.signals.extend(
                    Signal(m.term.value, from_cue=False, lone_hedge=not unhedged)  # type: ignore[arg-type]
                    for m in unhedged or alone
                )


def _clauses(tokens: list[str], w: ScaleWords) -> Iterator[list[str]]:
    clause: list[str] = []
    for token in tokens:
        if token in _CLAUSE_BREAK_MARKS or token in w.clause_break_words:
            if clause:
                yield clause
            clause = []
        elif token not in _IGNORED_MARKS:
            clause.append(token)
    if clause:
        yield clause


def _stronger_signals(signals: list[Signal]) -> list[Signal]:
    """Signals that say less give way to signals that say more (see the module docstring)."""
    kept = [s for s in signals if not s.lone_hedge] or signals
    named = any(s.topic for s in kept)  # "goals never came up" is about goals; "it never came up" may not be
    kept = [s for s in kept if not s.about_topic or named]
    kept = [s for s in kept if not s.topic] or kept  # "we never set any goals": "goals" names the subject
    if any(s.value > SCALE_MID and not s.plain_yes for s in kept):
        kept = [s for s in kept if not s.plain_yes]
    summary_sides = {side_of_middle(s.value) for s in kept if s.summary} - {0}
    extreme_sides = {
        side_of_middle(s.value) for s in kept if s.value in (SCALE_MIN, SCALE_MAX) and not s.boosted
    }
    outweighed = extreme_sides | ({-side for side in summary_sides} if len(summary_sides) == 1 else set())
    return [s for s in kept if not (s.side_only and side_of_middle(s.value) in outweighed)]


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _counted(signals: list[Signal]) -> list[Signal]:
    """The direct answer sets the value; the cues around it move it only when they pull the other way.

    "yes, she listens" -> 5 (the cue agrees); "mostly, but she sometimes interrupts" -> 4 (a mixed cue
    next to an answer that is already qualified); "yes, but she sometimes talks over me" -> 4 and
    "mostly, but it's all surface level" -> 3 (the mean).
    """
    direct = [s for s in signals if not s.from_cue]
    cues = [s for s in signals if s.from_cue]
    if not direct or not cues:
        return direct + cues
    direct_mean, cue_mean = _mean([s.value for s in direct]), _mean([s.value for s in cues])
    answer_side, cue_side = side_of_middle(direct_mean), side_of_middle(cue_mean)
    already_qualified = abs(direct_mean - SCALE_MID) <= 1
    if cue_side == answer_side != 0 or (cue_side == 0 and already_qualified):
        return direct
    return direct + cues


_CORE_WEIGHT = 2


def _weighted_mean(signals: list[Signal]) -> float:
    weights = [_CORE_WEIGHT if s.core else 1 for s in signals]
    return sum(s.value * w for s, w in zip(signals, weights, strict=True)) / sum(weights)


CONFIDENCE_DIRECT = 0.9  # "mostly yes", "sometimes", "never"
CONFIDENCE_CUES = 0.85  # only the question's own words: "she talks over me"
CONFIDENCE_GENERIC = 0.75  # only words that could be about anything: "good", "fine"
CONFIDENCE_MIXED = 0.6  # signals on both sides of the middle
CONFIDENCE_HEDGE_ONLY = 0.5  # "maybe"
HEDGE_PENALTY = 0.1


def _confidence(counted: list[Signal], hedged: bool, subject_named: bool) -> float:
    sides = {side_of_middle(s.value) for s in counted} - {0}
    if all(s.lone_hedge for s in counted):
        confidence = CONFIDENCE_HEDGE_ONLY
    elif len(sides) > 1:
        confidence = CONFIDENCE_MIXED
    elif all(s.generic for s in counted) and not subject_named:
        confidence = CONFIDENCE_GENERIC
    elif any(not s.from_cue for s in counted):
        confidence = CONFIDENCE_DIRECT
    else:
        confidence = CONFIDENCE_CUES
    return confidence - HEDGE_PENALTY if hedged else confidence


@dataclass(frozen=True)
class WordsReading:
    value: int | None
    confidence: float = 0.0


_MAX_REPORTED = 10  # words skipped after "when I said"
_RESTATED_FILLER = frozenset({"a", "it", "it's", "its", "was", "is", "like", "that", "so"})


def _turned(signal: Signal) -> Signal:
    """What was true before and is not now: a 4 becomes a 2, a 2 a 4."""
    return signal._replace(value=DEFAULT_NEGATION[signal.value] if signal.value != SCALE_MID else SCALE_MID,
                           side_only=False, plain_yes=False)


class WordReader:
    """Reads a rating given in words, for one question's lexicon."""

    def __init__(self, w: ScaleWords, lexicon: Lexicon) -> None:
        self.w = w
        self.lexicon = lexicon

    def rating(self, norm: str) -> int | None:
        return self.read(norm).value

    def read(self, norm: str, subject_named: bool = False) -> WordsReading:
        """The rating in words; ``subject_named``: the text names what "good" or "bad" is about."""
        tokens = TOKEN.findall(self.w.mixed.sub(f" {self.w.mixed_word} ", norm))
        clauses = [self._without_reported_speech(c) for c in self._split_past(_clauses(tokens, self.w))]
        by_clause: list[list[Signal]] = []
        hedged = False
        for clause in clauses:
            matches = _find_terms(clause, self.lexicon)
            covered = {i for match in matches for i in range(match.start, match.end)}
            other_words = sum(
                1 for i, word in enumerate(clause)
                if word[0].isalnum() and i not in covered and word not in self.w.function_words
            )
            reading = _ClauseReading(
                clause,
                self.w,
                generic_allowed=other_words == 0 or any(t in self.w.referents for t in clause),
                modifiers_alone_allowed=other_words <= 1,
            )
            by_clause.append(reading.read(matches))
            hedged = hedged or reading.hedged
        signals = [signal for signals in self._now_over_before(clauses, by_clause) for signal in signals]
        signals = _stronger_signals(signals)
        if not signals:  # only "it never came up", with nothing to say what "it" is
            return WordsReading(None)
        counted = _counted(signals)
        value = round_toward_middle(_weighted_mean(counted))
        if hedged and value in (SCALE_MIN, SCALE_MAX):
            value = soften(value)
        return WordsReading(value, _confidence(counted, hedged, subject_named))

    def _split_past(self, clauses: Iterator[list[str]]) -> Iterator[list[str]]:
        """'in the first month we set goals and never looked at them again': two clauses, before and now."""
        for clause in clauses:
            if not self.w.past_markers.found_in(clause):
                yield clause
                continue
            part: list[str] = []
            for token in clause:
                if token in self.w.clause_joins and part:
                    yield part
                    part = []
                else:
                    part.append(token)
            if part:
                yield part

    def _now_over_before(self, clauses: list[list[str]], by_clause: list[list[Signal]]) -> list[list[Signal]]:
        """What was true at first gives way to what the client says about later ("at first ..., now ...").

        A later part that says only "now ..." with nothing to read turns the earlier part around: "at first
        we agreed on goals, now we just drift".
        """
        past = [self.w.past_markers.found_in(clause) for clause in clauses]
        if not any(past):
            return by_clause
        pairs = list(zip(by_clause, past, strict=True))
        if any(signals and not was for signals, was in pairs):
            return [[] if was else signals for signals, was in pairs]
        turned = any(
            not was and self.w.later_markers.found_in(clause)
            for clause, was in zip(clauses, past, strict=True)
        )
        if not turned:
            return by_clause
        return [[_turned(s) for s in signals] if was else signals for signals, was in pairs]

    def without_reported_speech(self, norm: str) -> str:
        """The text without what the client reports having said ("when I said <...> she switched")."""
        tokens = TOKEN.findall(norm)
        kept = self._without_reported_speech(tokens)
        return norm if len(kept) == len(tokens) else " ".join(kept)

    def _without_reported_speech(self, clause: list[str]) -> list[str]:
        """'when I said it wasn't for me she switched': what the client said is not the rating."""
        kept: list[str] = []
        i = 0
        while i < len(clause):
            length = self.w.reported_speech.length_at(clause, i)
            if not length:
                kept.append(clause[i])
                i += 1
                continue
            kept.extend(clause[i:i + length])
            i += length
            start, skipped = i, 0
            while i < len(clause) and skipped < _MAX_REPORTED and clause[i] not in self.w.reported_until \
                    and clause[i] not in _CLAUSE_BREAK_MARKS:
                i += 1
                skipped += 1
            said = [token for token in clause[start:i] if token not in _RESTATED_FILLER]
            if len(said) == 1 and said[0].isdigit():  # "no, I said 4": the client restates their own rating
                kept.extend(clause[start:i])
        return kept
