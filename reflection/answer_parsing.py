"""Turn a client's free-text answer into the value of the slot that was asked about.

``parse_answer(slot, text)`` returns ``Parsed(value)`` or ``None`` when the answer cannot be placed (the bot
then re-asks). It never guesses: an answer that does not clearly say something about the question is not
placed. Stdlib only and Python 3.10 compatible (the Rasa components import it); about 0.1 ms per answer.

Slots and values
================
* ``sessions_so_far``: ``"early"`` (3 sessions or fewer), ``"established"`` (4-12), ``"long_term"`` (more).
* ``felt_heard``, ``depth``, ``advice_fit``, ``homework_fit``, ``goals_shared``, ``approach_fit``: an int
  1-5 (1 not at all ... 5 completely). ``homework_fit`` may also be ``"none"`` (no homework is given).
* ``raised_needs``: ``"yes_helped"``, ``"yes_no_change"``, ``"not_yet"``.
* ``hopes``: the client's own words. ``missing`` and ``tell_more`` (both optional): their own words, or
  ``Parsed(None)`` when they say there is nothing to add.

Before any slot: text that looks like code or markup (``<script>``, SQL, URLs) and structured answers longer
than 500 characters are not placed; ``is_skip`` phrases are not placed either (the caller skips instead).
Text is normalised first: lower case, curly quotes, emoji variation marks and skin tones removed, letters
stretched for emphasis shortened ("sooo" -> "soo" -> "so"), common chat spellings ("dont", "prolly", "defo",
"tho"), and one-letter typos of core words ("somtimes", "alwasy", "usally"). A dash between words ("no,
never - she talks over me", "never—rigid") ends a clause like a comma; a hyphen inside a word does not.

Scale answers (1-5): the rules, in order
========================================
1. **Numbers** (the first rule that finds one wins; if a clause holds several, the last one counts, so
   "not a 5, more like a 3" -> 3):

   * "4", "four", "a solid 4", "I'd give her a 4", "3ish", "4, mostly" -> that number. A number counts only
     where it opens a clause (after fillers such as "I'd say", "probably", "a solid") or follows "rate",
     "give", "say", "score", or "put ... at / as / for" ("I'd put her at four", "put me down for a 2");
     "2 sessions in", "a 10 minute walk", "she put 2 and 2 together" are not ratings. A negated number
     ("not a 5") is ignored. 0 -> 1.
   * "4/5", "4 out of 5", "4 of 5", "4 (out of 5)", "4 stars", "⭐⭐⭐⭐" -> 4 (clamped to 1-5).
   * 0-10 answers ("7 out of 10", "7/10", a bare 6-10 such as "8") become half their value, an exact half
     rounded up, never below 1: 0-2 -> 1, 3-4 -> 2, 5-6 -> 3, 7-8 -> 4, 9-10 -> 5 ("7.5/10" -> 4).
     Percentages are read as tenths the same way ("80%" -> 4, "100%" -> 5, "50%" -> 3, "40%" -> 2).
   * Ranges and decimals ("between 3 and 4", "3-4", "3 or 4", "3, maybe 4", "3.5") take the middle value;
     an exact half is **rounded toward 3**, the middle of the scale: 3.5 -> 3, 2.5 -> 3, 4.5 -> 4, 1.5 -> 2.
     A client torn between two values is giving a hedged answer, so it is read as the less extreme one.

2. **Words.** The answer is cut into clauses at punctuation and at "but / though / although / however /
   except". Each clause is read left to right against one lexicon (longest phrase first); every clause that
   says something gives one or more signals, and the answer is **the mean of the signals**, ties rounded
   toward 3 as above ("no, not really" -> 1 and 2 -> 2). Signals that say less give way first:

   * a **plain yes** ("yes", "yeah", "yep", "sure", "yes she does", "we do") is 4: it says which side,
     not how far. Any other signal above 3 replaces it, so "yes, totally" -> 5, "yes, she always
     listens" -> 5, "yes, mostly" -> 4, while "yes, but she rushes me" -> 4 and 2 -> 3.
   * a **lone hedge** ("maybe", "I guess" with nothing to act on) counts only when nothing else does:
     "yeah, I guess" -> 4, "maybe a little" -> 2, "maybe" -> 3.
   * an **unqualified 2 or 4** (a head with no modifier: "rigid", "helpful", "I chose them") also only
     says which side. A 1 or 5 on the same side replaces it: "never adapts, rigid" -> 1, "absolutely, I
     chose them and she helped" -> 5, "she listens, never judges" -> 5. A 5 reached only through "very" /
     "really" is too weak for this ("she's very kind and understanding" -> 4).
   * a **summary** ("mostly X", "usually X", "for the most part X") already weighs the exceptions, so
     an unqualified signal on the other side gives way to it: "she asks me, but mostly steers it herself"
     -> 2, "she interrupts, but usually listens" -> 4 (but "she listens but often interrupts" -> 3).
   * a **topic word** ("goals") counts only when nothing else does: "we never set any goals" -> 1.

   The direct answer (words from the table below) then sets the value; slot cues around it (rule 3) change
   it only when they pull the other way, that is a cue on the other side of 3, or a mixed cue next to a 5 or
   a 1:

   * "yes, she listens" -> 4 and "no, she talks over me" -> 1 (the cue agrees);
   * "mostly, but she sometimes interrupts" -> 4 (a mixed cue next to an already qualified answer);
   * "yes, but she sometimes talks over me" -> 4 and "mostly, but it's all surface level" -> 3 (the mean).

   "yes" is 4 and a bare "no" is 1: the top of the scale needs a word of degree ("completely", "always"),
   but a flat "no" to "did you feel heard?" already says "not at all". A softer no is 2 ("not really",
   "I don't think so", "no, not really").

   Stand-alone answers:

   ====  ============================================================================================
   1     no, nope, nah, never, not at all, definitely not, no way, "she doesn't", "I don't",
         strongly disagree, 😭 😡 💔
   2     not really, not much, not very, rarely, hardly, a bit, a little, only a little bit, slightly,
         probably not, I don't think so, could be better, not enough, disagree, once in a blue moon,
         few and far between, 👎 🙁 😕
   3     sometimes, kind of, sort of, somewhat, partly, maybe, I guess, ok, fine, meh, so-so, it depends,
         yes and no, some days yes some days no, hit or miss, on and off, 50/50, not always,
         not completely, could be worse, half, about half, half of them, a bit of both, a mix, 😐
   4     yes, yeah, yep, sure, "yes she does", "we do", mostly, mostly yes, usually, often, most of the
         time, generally, pretty much, probably, I think so, not bad, can't complain, good, agree, 👍 🙂 😊
   5     always, every time, absolutely, definitely, completely, totally, of course, for sure, yes totally,
         100%, great, amazing, perfect, strongly agree, 😀 ❤️ 💯 🙌
   ====  ============================================================================================

   Modifiers act on the next word that carries a value (a *head*: "good", "yes", or a slot cue below):

   * negation ("not", "don't", "nobody", "no one", "lacks", "avoids", "I wish ..."):
     positive heads drop to 2 ("doesn't listen" -> 2), negative heads rise to 4 ("not bad",
     "doesn't judge" -> 4), very negative heads to 3 ("not terrible"). A bare "no" only negates the word
     right after it ("no depth"), or a "that / which ..." part about the noun after it ("no advice that
     fits my life" -> 2); "no, she talks over me" is a "no" plus a cue. "at all" after a negated head, or
     after a head that is itself a "no" ("no say", "no input"), makes it extreme ("doesn't listen at all",
     "no input from me at all", "no tips that suit me at all" -> 1), and so do the strong negations "zero",
     "not even a little", "not one bit" ("zero say in it" -> 1; alone, "not even a bit" -> 1).
   * frequency words give the head their own value: "always listens" 5, "usually listens" 4, "sometimes
     listens" 3, "rarely listens" 2, "never listens" 1 ("no one ever asks" is a "never": 1). They are
     mirrored only for heads that are the bad thing itself ("always talks over me" 1, "rarely interrupts"
     4, "never generic" 5). "doesn't always listen" -> 3. Trailing ones too ("talks over me sometimes"
     -> 3). A frequency sets the value on its own: "usually very helpful" -> 4, not 5.
   * the frequency or negation of a head carries into a "that ..." / "about ..." part after it, which
     then says what the client meant: "never suggests anything that fits my situation" -> 1, "never asked me
     about my goals" -> 1, "doesn't give tips that are generic" -> 4.
   * "get past / go beyond / move past / get out of" turn the next head around: what is left behind is
     the bad thing, so "we get beyond the catching up" is a positive head (4) and "we never move past
     surface stuff" -> 1, "we rarely get beyond small talk" -> 2. Words after "than" are only a baseline and
     say nothing ("never goes deeper than small talk" -> 1).
   * intensifiers ("really", "very", "so", "totally", "way too"; right before the head also "total",
     "complete", "utter", "real") move a head one step away from 3 ("really gets me" 5, "very generic" 1,
     "total busywork" 1, "a real partnership" 5); ignored after a negation ("not really deep" -> 2).
     The strong ones also work after the head ("fit my situation perfectly", "understood me completely" -> 5).
   * softeners ("a bit", "kind of", "slightly", "some of it") move it one step toward 3 ("a bit generic"
     -> 3, "some of it fits" -> 3).
   * hedges ("I guess", "probably", "maybe", "I suppose") pull a word-based 5 to 4 and 1 to 2.
   * "I don't know", "no idea", "hmm", "thanks", 🤷 carry no value; if nothing else does, the answer is not
     placed. "Not sure" alone is not placed either, but "I'm not sure she listens" reads as a negation (2).

   Guarding against unrelated text: evaluative words that could be about anything ("good", "great", "bad",
   "fine", "terrible") count only in a clause that mentions the therapist or the therapy ("she", "it",
   "sessions", "advice", ...) or holds no word outside the lexicon ("pretty good so far" counts, "the weather
   is good today" and "my dog is great" do not). A frequency or degree word with nothing to act on
   ("always", "mostly", "no") counts alone only if its clause has at most one such other word ("always",
   "sometimes when I push" count; "I always eat breakfast", "she never gives homework" are not answers).

3. **Slot cues** (heads; they take the modifiers above). Positive cues are 4, negative cues 2, unless noted.

   * all scale slots: tailored, personalised, made for me / specific to me (5) vs. generic, cookie-cutter,
     one-size-fits-all, formulaic, scripted, by the book, textbook, canned, robotic.
   * ``felt_heard``: listens, heard, understood, gets me, respects, validates, takes me seriously, remembers,
     registers / takes in what I say, notices, caring, supportive, non-judgmental, safe, "great listener"
     (5) vs. talks over me, interrupts, cuts me
     off, distracted, dismissive, brushes me off, ignores, judges, condescending, lectures, rushed, on her
     phone, checks the clock, bored, cold, robotic, forgets, invalidates, minimises.
   * ``depth``: deep, in depth, depth, digs into, gets to the root, underlying, core issues, the real stuff,
     meaningful, breakthrough, insight, explores, challenging vs. surface, surface level, superficial,
     shallow, small talk, chit-chat, catching up, scratching the surface, going in circles, repetitive,
     getting nowhere, venting, stuck; "could go deeper", "want more depth" -> 2. "we never move past
     the catching up" -> 1 (see "get past" above).
   * ``advice_fit``: concrete, specific, practical, actionable, realistic, doable, relevant, fits my life,
     applies to me, suits me, makes sense, tools, strategies, steps, works for me, "stuff I can (actually)
     do / try / use" vs. generic, vague, general, cliché, platitudes, abstract, unrealistic, impractical,
     obvious, common sense, wishy-washy, buzzwords, "off the internet", "just breathe", out of touch, "I
     can't actually do".
   * ``homework_fit``: relevant, useful, helpful, adapted, fits, makes sense, practical, my situation vs.
     irrelevant, busywork, photocopied, printouts, childish, patronising, boring, tedious, overwhelming,
     too much, random, "meant for someone else", off the shelf.
   * ``goals_shared``: together, agreed, collaborative, team, same page, mutual, asked me what I want, my
     goals, I chose, my input, a say, involved, clear plan; together, jointly, "we decided together" (5) vs.
     she decided, she / the therapist picked, chose or came up with them, "set them herself", on her own,
     steers, runs the show, her own thing, the final say, went along with, her agenda, imposed, told me
     what to work on, her goals, no say, no plan, no direction, aimless, unclear; "I didn't have much
     input" -> 2. Goals that are not there, or that the client was left out of, are 1: "no goals", "we
     never set any goals", "we don't have any goals", "goals never came up / don't exist" (these verbs
     count only in an answer that names the goals), "we never talked about goals", "I wasn't asked",
     "without asking me", "no one ever asks what I want". "Goals" itself is a topic word (4 alone).
   * ``approach_fit``: adapts, adjusts, flexible, tailors, tweaks, changed things, switched, tried something
     else, open to feedback, takes my feedback / suggestions on board, asks for feedback, checks in,
     responsive, flexibility, "when I said ..." vs. rigid,
     inflexible, stubborn, the same every time, sticks to the script, protocol, formula, defensive,
     ignores feedback, set in her ways.

``homework_fit`` = ``"none"`` when the answer says no homework is given: "no homework", "she doesn't give
homework", "she doesn't set anything (to do) between sessions", "we don't do worksheets", "I never get any
worksheets", "never been given homework", "never had a single handout", "zero / not one worksheet",
"she doesn't believe in homework", "he isn't into / a fan of worksheets", "nothing set between
appointments", "there isn't any", an answer that is only "we just talk / chat" (not "we just talk about the
homework"), a bare "none", "n/a", "not applicable", or one of those followed by punctuation ("n/a, she's
not into that"). ("I don't do the homework", "she doesn't give me anything useful" and "no task fits my
life" are not "none".) A bare "no" is not
placed: to "how well does it fit? If there isn't any, just say so" it could mean either. Otherwise it is a
scale answer.

``sessions_so_far``
===================
Assumes roughly weekly sessions: **a week = 1 session, a month = 4, a year = 48**; "twice a week" doubles,
"every other week" / "twice a month" halves, "monthly" quarters. Then 3 or fewer -> early, 4-12 ->
established, more than 12 -> long_term. So "a few weeks" (3) -> early, "a month" (4) and "two/three months"
(8/12) -> established, "four months" (16), "six months", "over a year", "years" -> long_term.

* Counts: "3", "two sessions", "a couple" (2), "a few" (3), "several" / "a handful" (5), "a dozen" (12),
  "15 sessions", "once", "twice", "first session" / "my third" (ordinals), "we're on session 11" / "this
  is appointment number 9" (the one they are at), "week 6"; "25+ at this point", "30 by now". A session
  count beats a duration ("10 sessions over 3 months" -> 10). A fortnight is two weeks.
* Ranges take the middle ("3 or 4 sessions" -> 3.5 -> established, "a month or two" -> 6).
* "over / more than N" counts as N + 1 ("more than 12" -> long_term, "over a year"); "almost / nearly N"
  as N - 1; "less than N" is early when N is at most a month (4), otherwise unknown (not placed).
* Words: "just started", "started this / last week", "new to this", "first time", "not long", "just had
  the intake / the initial assessment / consultation" -> early; "years", "months" (unquantified), "ages",
  "a long time", "since I was a teenager", "lots of sessions", "most of last year", "since 2019" (two or
  more calendar years ago) -> long_term. "a while", "weeks" and "since January" are not placed.
* Spans of the calendar are read against today's date, and only a span that is surely long is placed
  (long_term): its best-guess start at least 4 months (16 sessions) back and its latest possible start at
  least 2 months back. "since last spring / summer / autumn / winter" (the last one that has ended; seasons
  of the northern hemisphere, best guess their middle), "since the summer" (this one if it has begun),
  "since last year" (best guess its middle), "all of this year", "most of this year" (half to all of it).
  So in late November "since last summer" -> long_term, while in early February "since last autumn" and
  "most of this year" are not placed.

``raised_needs``
================
Each phrase is found in the answer; evidence of having raised it wins over "not yet" ("no, it didn't help"
-> yes_no_change). Between "helped" and "no change" the later phrase wins ("it helped at first but then went
back to the same" -> yes_no_change; "nothing changed at first, now it's better" -> yes_helped).

* yes_no_change: nothing changed, no change, didn't help / change / improve / work / listen, not better,
  still the same, went back to, brushed it off, ignored, dismissed, got defensive, nothing came of it,
  "said she would but didn't"; a "helped" phrase right after a negation also counts here ("haven't seen
  any improvement").
* yes_helped: helped, got better, improved, (a big) improvement, changed, adjusted, listened, took it on
  board, made a difference, worked, was receptive, better now.
* not_yet: no, not yet, I haven't, never, nope, not really, I'm scared / afraid / nervous to, not ready,
  planning to, thinking about it, next session.
* After words that say the client raised it ("I did", "I told her", "I've said", "I asked", "asked her
  to / for", "raised it", "brought it up", "mentioned it", "I tried", "she agreed / promised", or an answer
  that opens with such a verb: "asked a few times ..."; not after a negation: "never raised it"), weaker
  signs count too: "same thing / same old / same stuff", "keeps giving / kept doing", "but she / it /
  nothing ... didn't / isn't / never", "... and she didn't", "didn't seem to land / stick", "nothing yet",
  "still waiting", "we still spend / do / go over ...", "she forgets", "carried on as normal", "business as
  usual" -> yes_no_change; "and now", "so now", "now we / she / it's", "we've been trying", "she's
  trying", "we've started using ...", "she has been great", an answer that ends on an echo of the request
  ("... and she did", "... and we have been") -> yes_helped. The latest phrase still wins, so "she was
  receptive but nothing's changed" -> yes_no_change and "I asked for more structure and now we ..." ->
  yes_helped. Without such words they do not count ("it's the same thing but I haven't said anything" ->
  not_yet; "still waiting for the right moment" is not_yet).
* A bare "yes", "I told her" or "I tried" is **not placed**: it does not say whether anything changed, so
  the bot asks which.

Free text (``hopes``, ``missing``, ``tell_more``)
=================================================
Kept verbatim (only surrounding whitespace and control characters removed), emoji included, capped at 1000
characters. Stored text may contain markup: escape it when rendering. Not placed: empty or pure punctuation,
"I don't know" / "hmm" style answers, and for ``hopes`` a bare yes / no / ok / nothing. For ``missing`` and
``tell_more``, "nothing", "no", "not really", "nope", "all good", "no, she's great" -> ``Parsed(None)``, and
so is an answer made only of such phrases and fillers ("nah, all good", "I'm all set", "nope I'm fine thanks",
"can't think of anything else, thanks"). An answer that goes on ("not really, but more structure would
help") is kept as text, and so is real content that starts with "no" ("no check-ins on how I'm doing").
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from functools import lru_cache
from typing import NamedTuple

__all__ = ["SCALE_SLOTS", "Parsed", "is_skip", "parse_answer"]


@dataclass(frozen=True)
class Parsed:
    value: int | str | None  # None only for an optional free-text slot answered with "nothing"


SCALE_SLOTS: tuple[str, ...] = (
    "felt_heard",
    "depth",
    "advice_fit",
    "homework_fit",
    "goals_shared",
    "approach_fit",
)

_MAX_STRUCTURED_ANSWER_CHARS = 500
_MAX_FREE_TEXT_CHARS = 1000
_SCALE_MIN, _SCALE_MID, _SCALE_MAX = 1, 3, 5

# --------------------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------------------

_INVISIBLES = re.compile("[\ufe0e\ufe0f\u200b-\u200d\u2060\U0001f3fb-\U0001f3ff]")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'", "\u201c": '"', "\u201d": '"'})
_HYPHEN_BETWEEN_LETTERS = re.compile(r"(?<=[a-z])[-\u2010\u2011](?=[a-z])")
# A dash between words ends a clause, like a comma: "no, never - she talks over me".
# Matched after runs of whitespace are collapsed: "\s+" on both sides backtracks quadratically on long runs.
_DASH_BETWEEN_WORDS = re.compile(r"(?:(?<=[a-z])[\u2013\u2014]+(?=[a-z])| [-\u2013\u2014]+ )")
_STRETCHED_LETTERS = re.compile(r"([a-z])\1{2,}")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")
_SPACES = re.compile(r"\s+")

_CHAT_SPELLINGS = {
    **{w.replace("'", ""): w for w in (
        "don't", "doesn't", "didn't", "isn't", "wasn't", "aren't", "weren't", "can't", "couldn't", "won't",
        "wouldn't", "shouldn't", "haven't", "hasn't", "hadn't", "ain't", "i'm", "i've", "i'd", "it's",
        "that's", "she's", "they're", "you're", "there's", "what's",
    )},
    "yess": "yes", "yesh": "yes", "yas": "yes", "ye": "yes", "yeh": "yeah", "yea": "yeah", "ya": "yeah",
    "yah": "yeah", "yeahh": "yeah", "noo": "no", "nahh": "nah", "soo": "so", "okk": "ok", "k": "ok",
    "kk": "ok", "okey": "okay", "alot": "a lot", "abit": "a bit", "alittle": "a little", "prolly": "probably",
    "probs": "probably", "defo": "definitely", "deffo": "definitely", "def": "definitely",
    "definately": "definitely", "definetly": "definitely", "absolutly": "absolutely", "rly": "really",
    "realy": "really", "tho": "though", "bc": "because", "cuz": "because", "coz": "because",
    "cos": "because", "u": "you", "nvr": "never", "sumtimes": "sometimes", "smtimes": "sometimes",
    "usualy": "usually", "allways": "always", "alwys": "always", "nothin": "nothing",
}

# One-letter typos of these words are corrected (same first letter, so "costly" never becomes "mostly").
_TYPO_TARGETS = (
    "always", "sometimes", "usually", "rarely", "mostly", "definitely", "absolutely", "generally",
    "occasionally", "completely", "totally", "somewhat", "probably", "really", "seldom", "frequently",
    "constantly", "normally", "typically", "understood", "understands", "listening", "superficial",
    "together", "personalised", "personalized",
)


def _one_edit_apart(word: str, target: str) -> bool:
    if word[0] != target[0] or abs(len(word) - len(target)) > 1:
        return False
    if len(word) == len(target):
        diffs = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        if len(diffs) == 1:
            return True
        return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and word[diffs[0]] == target[diffs[1]] \
            and word[diffs[1]] == target[diffs[0]]
    shorter, longer = (word, target) if len(word) < len(target) else (target, word)
    return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLES.sub("", text).lower().translate(_QUOTES)
    text = _SPACES.sub(" ", text)
    text = _HYPHEN_BETWEEN_LETTERS.sub(" ", text)
    text = _DASH_BETWEEN_WORDS.sub(" \u2014 ", text)
    text = _STRETCHED_LETTERS.sub(r"\1\1", text)
    text = _WORD.sub(lambda m: _respell(m.group()), text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=4096)  # the typo check is the slowest step, and answers repeat words
def _respell(word: str) -> str:
    if word in _CHAT_SPELLINGS:
        return _CHAT_SPELLINGS[word]
    if len(word) >= 5 and word not in _KNOWN_WORDS:
        for target in _TYPO_TARGETS:
            if _one_edit_apart(word, target):
                return target
    return word


# --------------------------------------------------------------------------------------------------------
# Guards shared by every structured slot
# --------------------------------------------------------------------------------------------------------

_CODE_LIKE = re.compile(
    r"<\s*/?\s*[a-z!][^>]*>|javascript\s*:|https?://|www\.|\{\{|\$\{|;\s*--|/\*|\*/"
    r"|\b(?:select|insert|delete|update|drop|union|alter|truncate)\b[^.?!]{0,40}\b(?:from|into|table|set"
    r"|select|database)\b"
)
_QUESTION_BACK = re.compile(
    r"^(?:what|why|how|who|which|where|when|huh|sorry|pardon|do you|does that|can you|could you|would you"
    r"|is it|is that|are you|what's|whats|what do you)\b.*\?$"
)


def _placeable(norm: str) -> bool:
    return bool(norm) and len(norm) <= _MAX_STRUCTURED_ANSWER_CHARS and not _CODE_LIKE.search(norm) \
        and not _QUESTION_BACK.match(norm)


# --------------------------------------------------------------------------------------------------------
# Rounding shared by the scale rules
# --------------------------------------------------------------------------------------------------------


def _round_toward_middle(value: float) -> int:
    """Nearest whole point; an exact half goes toward 3 (3.5 -> 3, 1.5 -> 2, 4.5 -> 4)."""
    lower = math.floor(value)
    if abs(value - lower - 0.5) < 1e-9:
        rounded = lower if value > _SCALE_MID else lower + 1
    else:
        rounded = round(value)
    return min(_SCALE_MAX, max(_SCALE_MIN, rounded))


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values)


# --------------------------------------------------------------------------------------------------------
# Scale rule 1: numbers
# --------------------------------------------------------------------------------------------------------

_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}
_NUM = r"(?:\d+(?:\.\d+)?(?:\s+and\s+a\s+half)?|(?:" + "|".join(_NUMBER_WORDS) + r")(?:\s+and\s+a\s+half)?)"
_RANGE = (
    rf"(?P<a>{_NUM})(?:\s*(?:-|\u2013|\u2014|to|or|and|/|,?\s*(?:or\s+)?(?:maybe|possibly|perhaps))\s*(?:a\s+"
    rf"|an\s+)?(?P<b>{_NUM}))?"
)
# Words that may stand before a rating that opens a clause ("I'd say a solid 4", "honestly she's a 3").
_RATING_LEAD = (
    "i'd", "i", "i'll", "would", "will", "say", "give", "gave", "rate", "rating", "score", "it", "it's",
    "is", "was", "her", "him", "them", "that", "that's", "this", "she", "she's", "he", "he's", "they",
    "they're", "a", "an", "solid", "strong", "good", "low", "high", "weak", "easy", "easily", "firm",
    "hard", "maybe", "probably", "like", "about", "around", "roughly", "approximately", "honestly",
    "definitely", "hmm", "um", "umm", "uh", "er", "well", "oh", "ok", "okay", "so", "guess", "think", "at",
    "least", "most", "just", "only", "barely", "really", "more", "pretty", "much", "now", "today",
    "currently", "overall", "generally", "usually", "mostly", "between", "somewhere", "lately", "yeah",
    "yes", "right", "solidly", "tbh", "go", "with", "for", "me", "my", "answer", "call", "its", "id",
    "idk", "dunno",
)
# Words that may follow a rating ("4 I guess", "3 on a good day", "4 because she listens").
_RATING_TAIL = (
    "ish", "i", "i'd", "maybe", "probably", "honestly", "tbh", "really", "for", "overall", "at", "on",
    "most", "because", "since", "as", "but", "and", "though", "mostly", "now", "lately", "these", "today",
    "right", "if", "lol", "haha", "imo", "tops", "max", "stars", "star", "points", "out", "then",
    "generally", "usually", "so", "with", "when", "she", "he", "they", "it", "we", "or",
)
_LEAD_RE = r"(?:(?:" + "|".join(re.escape(w) for w in _RATING_LEAD) + r")\s+)*"
_TAIL_RE = r"(?=\s*$|\s*[)\]]|\s*-?\s*ish\b|\s+(?:" + "|".join(re.escape(w) for w in _RATING_TAIL) + r")\b)"
_OUT_OF = re.compile(
    rf"(?P<a>{_NUM})(?:\s*(?:-|\u2013|to|or)\s*(?P<b>{_NUM}))?\s*\(?\s*(?:/|out\s+of|outta|of)\s*"
    r"(?P<den>5|10|100|five|ten|a\s+hundred)\b"
)
_STARS = re.compile(rf"\b{_RANGE}\s*stars?\b")
_PERCENT = re.compile(r"(?P<a>\d+(?:\.\d+)?)\s*(?:%|percent\b|per\s+cent\b)")
_OPENING_RATING = re.compile(rf"^\s*{_LEAD_RE}{_RANGE}{_TAIL_RE}")
_CUED_RATING = re.compile(
    rf"\b(?:(?:rate|rating|give|gave|giving|say|score|call)\b(?:\s+[a-z']+){{0,4}}?"
    # "I'd put it at three", "put me down for a 2" (not "she put 2 and 2 together")
    rf"|put\b(?:\s+[a-z']+){{0,3}}?\s+(?:at|as|for))\s+(?:a\s+|an\s+)?{_RANGE}{_TAIL_RE}"
)
# Clauses for numbers; "3, maybe 4" stays one clause (a range).
_NUMBER_CLAUSE_SPLIT = re.compile(
    r"[,;:!?](?!\s*(?:or\s+)?(?:maybe|possibly|perhaps)\s+(?:a\s+)?\d)|\.(?!\d)|\bbut\b"
)
_NEGATED_BEFORE = re.compile(
    r"\b(?:not|never|no|isn't|wasn't|wouldn't|couldn't|don't|doesn't|didn't|won't|can't)\b"
)
_DENOMINATORS = {"5": 5, "five": 5, "10": 10, "ten": 10, "100": 100, "a hundred": 100}
_STAR_EMOJI = re.compile(r"^[\u2b50\u2605\u2606\s]+$")


def _number_value(token: str) -> float:
    half = 0.5 if token.endswith("half") else 0.0
    core = token.split()[0]
    return (_NUMBER_WORDS[core] if core in _NUMBER_WORDS else float(core)) + half


def _on_one_to_five(numbers: list[float], denominator: float | None) -> float | None:
    """Map one rating (or the middle of a range) onto 1-5, or None when it is not a rating."""
    if denominator is None:
        if max(numbers) > 10:
            return None
        denominator = 10 if max(numbers) > 5 else 5
    middle = _mean(min(n, denominator) for n in numbers)
    if denominator == 5:
        return max(middle, _SCALE_MIN)
    out_of_ten = middle * 10 / denominator
    return float(max(_SCALE_MIN, math.floor(out_of_ten / 2 + 0.5 + 1e-9)))  # half of it, halves rounded up


def _rating_from_match(match: re.Match[str], denominator: float | None) -> float | None:
    numbers = [_number_value(match.group(g)) for g in ("a", "b") if match.group(g)]
    return _on_one_to_five(numbers, denominator)


def _numbers_in_clause(clause: str) -> list[tuple[int, float]]:
    found: list[tuple[int, float]] = []
    for match in _OUT_OF.finditer(clause):
        denominator = _DENOMINATORS[" ".join(match.group("den").split())]
        found.append((match.start(), _rating_from_match(match, denominator)))
    for match in _STARS.finditer(clause):
        found.append((match.start(), _rating_from_match(match, 5)))
    for match in _PERCENT.finditer(clause):
        found.append((match.start(), _on_one_to_five([float(match.group("a"))], 100)))
    for pattern in (_OPENING_RATING, _CUED_RATING):
        for match in pattern.finditer(clause):
            if all(start != match.start("a") for start, _ in found):  # "4/5" is already read as 4 of 5
                found.append((match.start("a"), _rating_from_match(match, None)))
    return [
        (start, value) for start, value in found
        if value is not None and not _NEGATED_BEFORE.search(" ".join(clause[:start].split()[-4:]))
    ]


def _scale_from_numbers(norm: str) -> int | None:
    if _STAR_EMOJI.match(norm):
        stars = sum(ch in "\u2b50\u2605" for ch in norm)
        return min(stars, _SCALE_MAX) if stars else None
    latest: float | None = None
    for clause in _NUMBER_CLAUSE_SPLIT.split(norm):
        found = _numbers_in_clause(clause)
        if found:
            latest = max(found)[1]
    return None if latest is None else _round_toward_middle(latest)


# --------------------------------------------------------------------------------------------------------
# Scale rules 2-3: the lexicon
# --------------------------------------------------------------------------------------------------------


class _Role(Enum):
    HEAD = "carries a value and takes modifiers"
    ANSWER = "a fixed value that takes no modifiers"
    FREQUENCY = "gives the next head its own value"
    NEGATOR = "negates the next head"
    INTENSIFIER = "moves the next head away from 3"
    SOFTENER = "moves the next head toward 3"
    AT_ALL = "makes the previous negated head extreme"
    LEFT_BEHIND = "turns the next head around: \"get past the small talk\" is depth"
    HEDGE = "pulls a 5 to 4 and a 1 to 2"
    NO_VALUE = "carries no value (\"I don't know\", \"thanks\")"


@dataclass(frozen=True)
class _Term:
    role: _Role
    value: int | None = None  # heads and answers; for modifiers, the value when used on their own
    negated: int | None = None  # heads: value after a negation; frequencies: "not always" etc.
    generic: bool = False  # heads that could be about anything ("good"): see _scale_from_words
    reach: int = 6  # negators: how many words may stand between them and the head
    stops_at_subject: bool = False  # negators: "not really, she listens" must not negate "listens"
    counts_alone_at: str = "anywhere"  # "anywhere", "end" or "start_or_end" of the clause
    from_cue: bool = False  # a slot cue ("talks over me") rather than a direct answer ("yes", "mostly")
    plain_yes: bool = False  # "yes", "she does": says which side, not how far, so a stronger yes wins
    extreme: bool = False  # negators: "zero", "not even a little" take the head to the end of the scale
    summary: bool = False  # frequencies: "mostly", "usually" sum up the whole answer, exceptions included
    topic: bool = False  # heads that only name the subject ("goals"): they count when nothing else does
    about_topic: bool = False  # heads that count only next to a topic head ("goals ... never came up")


class _Signal(NamedTuple):
    value: int
    from_cue: bool
    plain_yes: bool = False  # gives way to any other signal above 3 ("yes, totally" -> 5)
    lone_hedge: bool = False  # "maybe" on its own: gives way to any other signal ("yes, I guess" -> 4)
    side_only: bool = False  # an unqualified 2 or 4 ("rigid", "helpful"): gives way to a 1 or 5 on its side
    boosted: bool = False  # a 1 or 5 reached only through "very" / "really": too weak to outweigh others
    summary: bool = False  # "mostly X": outweighs unqualified signals on the other side
    topic: bool = False  # "goals": dropped when the answer says anything else
    about_topic: bool = False  # "never came up": dropped unless the answer names the topic


_DEFAULT_NEGATION = {5: 2, 4: 2, 3: 2, 2: 4, 1: 3}


def _head(value: int, negated: int | None = None, generic: bool = False, only_at_end: bool = False) -> _Term:
    """A word that carries a value. `only_at_end`: "she does" is a yes, but says nothing in "she does X"."""
    return _Term(
        _Role.HEAD,
        value,
        _DEFAULT_NEGATION[value] if negated is None else negated,
        generic=generic,
        counts_alone_at="end" if only_at_end else "anywhere",
    )


def _plain_yes(only_at_end: bool = False) -> _Term:
    return replace(_head(4, only_at_end=only_at_end), plain_yes=True)


def _answer(value: int) -> _Term:
    return _Term(_Role.ANSWER, value)


def _frequency(value: int, negated: int, summary: bool = False) -> _Term:
    return _Term(_Role.FREQUENCY, value, negated, summary=summary)


def _topic(value: int, negated: int | None = None) -> _Term:
    return replace(_head(value, negated), topic=True)


def _about_topic(value: int, negated: int | None = None) -> _Term:
    return replace(_head(value, negated), about_topic=True)


def _negator(alone: int | None = None, reach: int = 6, stops_at_subject: bool = False,
             where: str = "anywhere", extreme: bool = False) -> _Term:
    return _Term(_Role.NEGATOR, alone, reach=reach, stops_at_subject=stops_at_subject, counts_alone_at=where,
                 extreme=extreme)


def _modifier(role: _Role, alone: int | None = None, reach: int = 6) -> _Term:
    return _Term(role, alone, reach=reach)


_BRACES = re.compile(r"\{([^{}]*)\}")


def _expand(spec: str) -> Iterator[str]:
    """'talk{s,ed,} over {me,}' -> 'talks over me', 'talks over', 'talked over me', ..."""
    for alternative in spec.split("|"):
        match = _BRACES.search(alternative)
        if match is None:
            yield " ".join(alternative.split())
            continue
        for option in match.group(1).split(","):
            yield from _expand(alternative[:match.start()] + option + alternative[match.end():])


_Table = tuple[tuple[str, _Term], ...]

_GENERAL: _Table = (
    # yes / no
    ("yes|yeah|yep|yup|aye|sure|exactly|indeed|correct|yes she does|yes he does|yes they do|yes it does"
     "|yes i do|yes we do|yeah she does|yeah he does|yeah they do|yeah it does|yeah i do|yeah we do"
     "|yes she is|yes he is|yes they are|yes it is|yes i am|yes we are|yes i have|yes i did", _plain_yes()),
    ("of course|for sure|very much|very much so|without a doubt|no doubt|hell yes|absolutely yes"
     "|definitely yes|totally yes|yes definitely|yes absolutely|yes totally|yes completely|yes always"
     "|big yes|yes very much|yes 100 %", _head(5)),
    ("yes i think|yes i guess", _head(4)),
    ("i do|she does|he does|they do|it does|we do", _plain_yes(only_at_end=True)),
    ("as much as i'd like|as much as i would like|as much as i want|as often as i'd like|as much as i need"
     "|as deep as i'd like|as deep as i want", _head(4)),
    ("yes mostly|yeah mostly|yes usually|yeah usually|yes generally|yes for the most part"
     "|yeah for the most part|mostly yes|mostly yeah|pretty much|i think so|i guess so|i suppose so"
     "|i'd say so|i believe so|probably yes|probably yeah|probably so|likely|more or less|on the whole yes"
     "|overall yes|can't complain|cannot complain|no complaints|not bad at all|fairly well|pretty well"
     "|quite well|well enough", _answer(4)),
    ("really well|very well|so well|super well|extremely well|couldn't be better"
     "|could not be better", _answer(5)),
    ("mixed|mixed feelings|so so|meh|half and half|it depends|depends|yes and no|yes no|could be worse"
     "|room for improvement|not great not terrible|not bad not great|in between|somewhere in between"
     "|in the middle|middle|neutral|average|getting there|it varies|varies|maybe so|i hope so"
     "|not sure yes or no|{a,} {bit,little,little bit,mix,mixture,combination} of {both,each}|some of both"
     "|a mix|a mixture|both ways|both in a way", _answer(3)),
    ("could be better|i don't think so|don't think so|probably not|i guess not|i suppose not|i think not"
     "|maybe not|perhaps not|not that i know of|unlikely|not especially|not particularly|not so much"
     "|not that much|not exactly|barely at all|nah not really|nope not really|disagree|i disagree"
     "|somewhat disagree|slightly disagree|mostly disagree", _answer(2)),
    ("agree|i agree|somewhat agree|slightly agree|mostly agree", _answer(4)),
    ("strongly agree|totally agree|completely agree|fully agree|i completely agree", _answer(5)),
    ("strongly disagree|totally disagree|completely disagree", _answer(1)),
    ("neither agree nor disagree|eh", _answer(3)),
    ("nope|nah|absolutely not|definitely not|certainly not|of course not|hell no|no way|not in the slightest"
     "|not one bit|never ever|not at all no|no not at all|no never", _answer(1)),
    # evaluative words that could be about anything: see _scale_from_words
    ("great|excellent|amazing|fantastic|brilliant|wonderful|perfect|awesome|incredible|outstanding|superb"
     "|love it|love her|love him|love them|the best|top notch|spot on"
     "|couldn't be better", _head(5, generic=True)),
    ("good|helpful|useful|nice|solid|positive|better|valuable|worthwhile|effective|works well|working well"
     "|works for me|pretty good|really helps|helps|help|helped|lovely|sweet|friendly|goes well|going well"
     "|went well",
     _head(4, generic=True)),
    ("fine|ok|okay|alright|all right|decent|reasonable|fair|acceptable"
     "|not bad not good", _head(3, 2, generic=True)),
    ("bad|poor|unhelpful|disappointing|weak|frustrating|mediocre|worse|lacking|annoying|sucks"
     "|not good enough",
     _head(2, generic=True)),
    ("terrible|awful|horrible|useless|pointless|worst|waste of time|a waste|hate it|dreadful|rubbish|garbage"
     "|crap", _head(1, generic=True)),
    # frequency
    ("never|not ever|not once|at no point|never once|nobody ever|no one ever|nobody has ever|no one has ever"
     "|nobody's ever|nobody ever really|no one ever really", _frequency(1, 3)),
    ("rarely|seldom|hardly ever|almost never|barely ever|hardly|barely|not often|once in a while|occasionally"
     "|infrequently|not usually|not much of the time|every so often|{once,only} in a blue moon|in a blue moon"
     "|few and far between|not very often|not that often|not too often", _frequency(2, 3)),
    ("sometimes|at times|some days|some weeks|some sessions|some of the time|now and then|every now and then"
     "|from time to time|half the time|here and there|on occasion|not always|not every time|not consistently"
     "|not quite|not completely|not entirely|not fully|not totally|not 100 %|not a hundred percent"
     "|not one hundred percent|partly yes|part of the time|on and off|off and on|hit or miss|hit and miss"
     "|up and down|half|about half|around half|roughly half|maybe half|half of them|half of it"
     "|half of those|half of the time|about half of them|about half the time", _frequency(3, 2)),
    ("often|frequently|most times|most days|most weeks|most sessions|more often than not|regularly"
     "|a lot of the time|a lot|lots", _frequency(4, 2)),
    ("usually|generally|mostly|most of the time|normally|typically|mainly|largely|almost always|nearly always"
     "|pretty much always|for the most part|in general|on the whole|by and large|overall|mostly always",
     _frequency(4, 2, summary=True)),
    ("always|every time|every session|every single time|each time|all the time|constantly|consistently"
     "|without fail|every week|every single session|a hundred percent|one hundred percent|hundred percent",
     _frequency(5, 3)),
    # negators
    ("not|don't|doesn't|didn't|isn't|wasn't|aren't|weren't|can't|cannot|couldn't|won't|wouldn't|shouldn't"
     "|hasn't|haven't|hadn't|ain't|nobody|no one|nothing|none|neither|nor|without|lack|lacks|lack of|missing"
     "|fails to|failed to|refuses to|doubt|i doubt|not sure|not sure if|not sure that|not sure whether"
     "|don't know if|don't know whether|i'm not sure|i am not sure|wish|i wish|should|should be|needs to"
     "|need to|would be nice if|would be nice to|would be better if|could be|i'd like her to|i'd like him to"
     "|hard to|difficult to",
     _negator()),
    ("less", _negator(reach=2)),
    ("zero", _negator(reach=2, extreme=True)),
    ("not even a little|not even a bit|not even slightly|not one bit|not a bit|not the least bit"
     "|not in the least|not even close|not even a tiny bit|not the slightest bit",
     _negator(1, reach=3, extreme=True)),
    ("no", _negator(1, reach=2, stops_at_subject=True, where="start_or_end")),
    ("not really|not much|not a lot|not very|not enough|not really no|no not really|not that|not too much",
     _negator(2, reach=3, stops_at_subject=True)),
    ("not at all", _negator(1, reach=3, stops_at_subject=True)),
    ("need more|needs more|want more|would like more|could use more|could be more|wish there was more"
     "|should be more|wish it was more|more would help", _negator(2, reach=4)),
    ("i'd like it to|i would like it to|i'd like us to|i would like us to|i want it to|i want us to"
     "|i'd love it to|i'd love us to|i'd love it if|i'd like it if", _negator(reach=4)),
    ("she doesn't|he doesn't|they don't|it doesn't|i don't|she isn't|he isn't|it isn't|they aren't|it's not"
     "|she's not|he's not|they're not|i haven't|she hasn't|he hasn't|they haven't|i'm not",
     _negator(1, where="end")),
    # intensifiers, softeners, hedges
    ("totally|completely|absolutely|definitely|certainly|entirely|fully"
     "|100 %", _modifier(_Role.INTENSIFIER, 5)),
    ("perfectly", _modifier(_Role.INTENSIFIER, 5)),
    ("total|complete|utter|utterly|absolute|pure|real", _modifier(_Role.INTENSIFIER, reach=1)),
    ("very|really|so|super|extremely|incredibly|truly|genuinely|deeply|properly|hugely|massively|thoroughly"
     "|seriously|way too|far too|much too", _modifier(_Role.INTENSIFIER)),
    ("get{s,ting,} past|got past|go{es,ing,} past|went past|move{s,d,} past|moving past"
     "|get{s,ting,} beyond|got beyond|go{es,ing,} beyond|went beyond|move{s,d,} beyond|moving beyond"
     "|get{s,ting,} out of|got out of|break{s,ing,} out of|broke out of|get{s,ting,} away from|got away from"
     "|move{s,d,} on from|moving on from|rise{s,} above", _modifier(_Role.LEFT_BEHIND, reach=3)),
    ("some of it|some of them|parts of it|part of it|some things|some", _modifier(_Role.SOFTENER, 3)),
    ("a bit|a little|a little bit|slightly|a tad|just a bit|a touch|only a little"
     "|only slightly", _modifier(_Role.SOFTENER, 2)),
    ("somewhat|kind of|kinda|sort of|sorta|partly|partially|to some extent|to a degree|to an extent|in a way"
     "|in some ways|moderately|semi|fairly|reasonably|relatively", _modifier(_Role.SOFTENER, 3)),
    ("at all|whatsoever|in the slightest|one bit|at all really", _modifier(_Role.AT_ALL)),
    ("probably", _modifier(_Role.HEDGE, 4)),
    ("maybe|perhaps|possibly|i guess|i suppose|i'd guess", _modifier(_Role.HEDGE, 3)),
    ("i don't know|don't know|idk|dunno|no idea|no clue|unsure|hard to say|hard to tell|can't say|cannot say"
     "|couldn't say|can't tell|who knows|good question|beats me|not certain|i'm not certain|hmm|hm|um|umm|uh"
     "|er|erm|i have no idea|not sure yet|no comment|\U0001f937|\U0001f914|thanks|thank you|ok thanks"
     "|okay thanks|ok thank you|okay thank you|got it|ok got it", _modifier(_Role.NO_VALUE)),
    # emoji
    ("\U0001f600|\U0001f603|\U0001f604|\U0001f601|\U0001f60d|\U0001f970|\u2764|\U0001f4af|\U0001f64c"
     "|\U0001f44f|\U0001f929|\U0001f496|\U0001f497", _answer(5)),
    ("\U0001f44d|\U0001f44c|\U0001f642|\U0001f60a|\u263a|\u2705|\U0001f603\U0001f44d", _answer(4)),
    ("\U0001f610|\U0001f611|\U0001f636|\U0001f937\u2640|\U0001f612\U0001f610|\u3030", _answer(3)),
    ("\U0001f44e|\U0001f641|\u2639|\U0001f615|\U0001f61e|\U0001f614|\U0001f612|\U0001f622|\U0001f61f"
     "|\U0001f644", _answer(2)),
    ("\U0001f62d|\U0001f621|\U0001f620|\U0001f92c|\U0001f494|\u274c", _answer(1)),
)

_ALL_SCALE_CUES: _Table = (
    ("tailored|tailor made|personalised|personalized|individualised|individualized|custom|customised"
     "|customized|made for me|specific to me|just for me|designed for me"
     "|suit{s,ed,} {me,my life,my situation,my needs,}|suited to me|suitable", _head(4)),
    ("made for me|specific to me|just for me|designed for me|tailored to me|tailored for me", _head(5)),
    ("generic|cookie cutter|one size fits all|formulaic|scripted|like a script|by the book|textbook|canned"
     "|boilerplate|robotic|script|from a script|reading from a script|same for everyone|paint by numbers"
     "|copy and paste|copy paste|off the shelf",
     _head(2)),
)

_SLOT_CUES: dict[str, _Table] = {
    "felt_heard": (
        ("listen{s,ed,ing,}|listen{s,ed,} to me|heard|hear{s,} me|hears me out|feel heard|understood"
         "|understand{s,ing,}|understands me|get{s,} me|get{s,} it|respect{s,ed,ful,}|valued"
         "|validat{es,ed,ing,e}|seen|take{s,} me seriously|took me seriously|attentive|pay{s,} attention"
         "|paying attention|remember{s,ed}|care{s,}|caring|cares about me|kind|warm|empathetic|empathic"
         "|compassionate|supportive|non judgmental|non judgemental|nonjudgmental|safe|comfortable|patient"
         "|genuine|present|engaged|interested|on my side|believe{s,} me|lets me talk|lets me finish"
         "|gives me space|gives me room|makes me feel heard|makes time for me|curious about me"
         "|register{s,}|take{s,} in what i say|took in what i said|acknowledge{s,d,}|notices|pick{s,} up on"
         "|{she,he,they} {noticed,registered}", _head(4)),
        ("good listener|great listener|amazing listener|really listens|totally gets me", _head(5)),
        ("talk{s,ed,ing,} over me|talk{s,} at me|talks down to me|interrupt{s,ed,ing,}|cut{s,ting,} me off"
         "|distracted|dismissive|dismiss{es,ed,}|dismisses my feelings|brush{es,ed,} {me,} off"
         "|brush{es,ed,} it off|brush{es,ed,} things off|ignore{s,d,}|ignoring|judg{e,es,ed,ing}|judgmental"
         "|judgemental|condescending|patronizing|patronising|lecture{s,d,}|lectures me|preachy"
         "|rush{es,ed,ing}|hurried|on {her,his,their} phone"
         "|check{s,ing} {the,her,his,their} {clock,phone,watch,time}"
         "|look{s,ing} at {the,her,his,their} {clock,phone,watch}|clock watching|bored|zone{s,d} out"
         "|zoned out|tunes out|cold|distant|detached|forget{s,}|forgot|invalidat{e,es,ed,ing}"
         "|minimi{z,s}{e,es,ed,ing}|belittl{e,es,ed,ing}|rude|disrespectful|disrespect{s,ed,}|half listening"
         "|talk{s,} about {herself,himself,themselves}|make{s,} it about {her,him,them}|misunderstand{s,}"
         "|misunderstood|uncomfortable|unheard|invisible|like a number|like a case|like a checklist"
         "|make{s,} me feel {small,stupid,bad,judged,ashamed,silly}|feel {small,stupid}"
         "|talking to a {wall,brick wall}|not interested|doesn't care|does not care", _head(2)),
        ("be myself|open up|can talk to her|can talk to him|easy to talk to|feel comfortable", _head(4)),
        ("always talking over me|never listens|doesn't listen at all", _head(1)),
    ),
    "depth": (
        ("deep|deeper|deep enough|in depth|depth|go{es,} deep|dig{s,} deep|dig{s,ging,} into|dive{s,} into"
         "|dive{s,} deep|get{s,} to the {root,roots,bottom,heart,core}|root cause{s,}|underlying"
         "|core {issues,stuff,beliefs,problems}|real issues|real stuff|the real problem{s,}|meaningful"
         "|breakthrough{s,}|insight{s,}|insightful|explore{s,d,}|exploring|thorough|profound"
         "|{hard,difficult,tough,painful,big} {stuff,things,topics}|patterns|challeng{es,ed} me|challenging"
         "|push{es,ed} me|get{s,} into it|below the surface|beneath the surface|under the surface"
         "|beyond the surface|past the surface|what really matters|what matters"
         "|{things,stuff,anything,something} that matter{s,}", _head(4)),
        ("surface|surface level|on the surface|superficial|shallow|small talk|chit chat|chitchat|chat|chats"
         "|chatting|just chat|catch{es,ing} up|scratch{es,ed,ing,} the surface|skim{s,med,ming,}"
         "|{go,going,goes,went,run,running,talk,talking} {in,round in,around in,round} circles|repetitive"
         "|same {thing,stuff,conversation,conversations,topics} every {week,time,session}|same"
         "|go{es,ing,} nowhere|get{s,ting,} nowhere|vent{s,ing,}|basic|stuck|recap{s,}|talk about my week"
         "|what i did this week|box ticking|tick box|checklist|light", _head(2)),
        ("{barely,only,just,hardly} scratch{es,ed,ing,} the surface", _head(1)),
        ("could go deeper|could be deeper|could dig deeper|should go deeper|want to go deeper"
         "|need to go deeper|would like to go deeper|want more depth|need more depth"
         "|not deep enough", _answer(2)),
        ("avoid{s,ed,ing,}|skirt{s,ed,} around|steer{s,ed,} clear of|dodge{s,d,}", _negator(reach=4)),
    ),
    "advice_fit": (
        ("concrete|specific|practical|actionable|realistic|doable|relevant|fit{s,} my life|fit{s,} me|fit{s,}"
         "|appl{y,ies} to me|apply|applies|applicable|make{s,} sense|tools|strategies|clear steps|steps"
         "|real life|work{s,} for me|useful|helpful|clear|hands on|step by step|to the point|usable|i can use"
         "|i can actually use", _head(4)),
        ("vague|general|cliche{s,d,}|platitudes|abstract|unrealistic|impractical|from a book|out of a book"
         "|obvious|common sense|wishy washy|fluffy|airy fairy|buzzwords|off the internet|from the internet"
         "|google|googled|instagram|fortune cookie|pamphlet|leaflet|just breathe|out of touch|theoretical"
         "|doesn't fit|doesn't apply|not for me|generic tips|general tips|self help|self help book"
         "|already know|already knew|nothing new|in theory|on paper|could apply to anyone|for anyone"
         "|same advice|give anyone|would give anyone|everyone gets", _head(2)),
        ("put into practice|use in real life|use in my life|use day to day|use every day|give{s,} advice"
         "|give{s,} {me,} {advice,suggestions,tips,tools,ideas,strategies}", _head(4)),
        ("just listens|only listens|just nods|mostly listens|doesn't say much", _head(2)),
        ("i can {actually,really,realistically,} {do,try,manage,apply,follow,stick to,use}"
         "|{things,stuff,something,ideas} i can {do,try,use}", _head(4)),
        ("i {can't,cannot,couldn't} {actually,really,realistically,} {do,try,manage,apply,follow,use}",
         _head(2)),
    ),
    "homework_fit": (
        ("relevant|useful|helpful|adapt{s,ed,ing,}|fit{s,}|make{s,} sense|practical|real situations"
         "|{fit,fits,suit,suits,made for,designed for,right for} my situation|specific|apply|applies"
         "|appl{y,ies} to me|apply to my life|usable|works for me|connects", _head(4)),
        ("irrelevant|busywork|busy work|photocop{y,ied,ies}|printouts|print outs|printed off|off the internet"
         "|childish|babyish|patronizing|patronising|boring|tedious|overwhelming|too much|same as everyone"
         "|same ones everyone gets|meant for someone else|written for someone else|for someone else|random"
         "|textbook|silly|like school|school", _head(2)),
    ),
    "goals_shared": (
        ("agreed|agree{s,d,}|we {set,made,chose,picked,decided,agreed}|collaborat{e,ive,ion,ing}"
         "|team|teamwork|partnership|same page|mutual|checked with me|check{s,} with me|a choice|my choice"
         "|ask{s,ed,} {me,} what i {want,wanted,need,needed,would like}|ask{s,ed,} {me,} what i'd like"
         "|my goals"
         "|my priorities|i {chose,choose,picked,pick,decide,decided,set}|up to me|my call|clear goal{s,}"
         "|clear plan|a plan|treatment plan|plan together|set goals|review{s,ed} {our,my,the} goals"
         "|check{s,} in on {my,our,the} goals|asked|asks|on track|know what we're working on"
         "|know what we are working on|talked about goals|discussed goals|talked about {my,our} goals"
         "|discussed {my,our} goals|what we're working on|what we're working towards|we're working on"
         "|we are working on|we're working towards|talked about what i {want,wanted,need,needed}"
         "|what i want to work on|i set the agenda|i bring the topics|i choose what we talk about"
         "|revisit{s,ed,}|{set,agreed on,agree on,talked about,discussed} {any,them,some,it}|input|my input"
         "|input from me|a say|any say|much say|some say|my say|say in {it,them,the goals,that,what we do}"
         "|a voice|involved|included|consulted"
         "|part of the decision", _head(4)),
        ("goal{s,}|the goals|our goals|any goals", _topic(4)),
        # whether goals exist or were talked about at all: "we never set any", "goals don't exist" -> 1
        ("{have,had,got,set,made,agreed on,discussed,talked about} {any,some,real,actual,} goal{s,}",
         _head(4, negated=1)),
        ("discussed|talked about|been discussed|been talked about|came up|come up|exist{s,ed,}",
         _about_topic(4, negated=1)),
        ("no goals|no goals at all|no real goals|no actual goals|no set goals|non existent|nonexistent"
         "|{wasn't,was not,weren't,were not,was never,never was,haven't been,have never been,never been}"
         " asked"
         "|without {asking,consulting,checking with} {me,}|{nobody,no one} {asked,consulted,checked with} me"
         "|didn't even ask {me,}|never even asked {me,}", _head(1)),
        ("{wasn't,was not,weren't,were not,haven't been} asked {much,often,very much,that much,enough,a lot}",
         _head(2)),
        # the therapist leading alone (third person only: "I steer it" is the opposite)
        ("{decide{s,d},pick{s,ed},chose,choose{s},set{s,},write{s},wrote,came up with,comes up with"
         ",make{s},made,plan{s,ned},steers,did,does} {them,it,the goals,the plan,everything,those,our goals"
         ",my goals,the focus,} {herself,himself,themselves}"
         "|by herself|by himself|on her own|on his own|on their own"
         "|steers|calls the shots|runs the show|takes the lead|drives it"
         "|{she,he,they} {steered,called the shots,ran the show,took the lead,drove it,was in charge"
         ",is in charge,was in control,is in control,leads,led}|{she's,he's,they're} in {charge,control}",
         _head(2)),
        ("{we set,we made,we agreed on,we decided on,we chose,we picked,set,made,agreed on,decided on,chose}"
         " {the ,our ,my ,}{goals,plan,focus,priorities} together"
         "|{we set,we made,we chose,we picked,set,made,chose,picked} them together|fully agreed"
         "|completely agreed|together|jointly|joint decision|a joint effort|both of us|we both"
         "|{we ,}{decided,set,made,chose,picked,worked out,came up with,planned,agreed on}"
         " {them ,it ,the goals ,those ,our goals ,}together"
         "|{we both,both of us} {had,have} {a say,input,a voice}", _head(5)),
        ("{she,he,they,therapist,counsellor,counselor} {decided,decides,picked,picks,chose,chooses,set,sets"
         ",came up with,comes up with,wrote,writes} {the goals,what we work on,everything,the plan,them,it"
         ",those,that}|{she,he,they} {decided,decides}|{did,does,do} {her,his,their} own thing|own thing"
         "|final say|went along with|go along with|going along with|all her|all him|her call|his call"
         "|her decision|his decision"
         "|her agenda|his agenda|their agenda|own agenda|imposed|told me what to work on"
         "|tells me what to work on|her goals|his goals|their goals|no plan|no direction|directionless"
         "|aimless|unclear|not clear|no idea what we're working on|no idea what we are working on"
         "|her plan|his plan|their plan|her idea|his idea|their idea|what she thinks|what he thinks"
         "|what she wants|what he wants|her priorities|his priorities|hers|not mine|goals for me"
         "|go with the flow|wing it|winging it|no structure|unstructured|whatever comes up|whatever i bring"
         "|no real plan|no clear direction|{told,tells} me what|decided what|decides what|vague|no say"
         "|no input|no voice|left out", _head(2)),
        ("i don't know what|don't know what|not sure what|no idea what|i'm not sure what|unsure what"
         "|i don't really know what", _negator(reach=4)),
    ),
    "approach_fit": (
        ("adapt{s,ed,ing,}|adjust{s,ed,ing,}|flexible|tailor{s,ed,ing,}|tweak{s,ed,ing,}|change{s,d,}"
         "|change{s,d,} {things,it,the approach,course,tack,things up}|change{s,d,} {her,his,their} approach"
         "|switch{es,ed,ing,}|mix{es,ed,} it up|{try,tries,tried} {something,things} {else,different,new}"
         "|open to feedback|take{s,} feedback|took {my,} feedback|listen{s,ed,} to {my,} feedback"
         "|ask{s,ed} for {my,} feedback|ask{s,ed} {me,} what works|check{s,ed} in|responsive"
         "|when i {said,told,asked,mentioned}|after i {said,told,asked,mentioned}|take{s,} it on board"
         "|took it on board|take{s,} {my,} {feedback,suggestions,ideas,input,concerns,comments} on board"
         "|took {my,} {feedback,suggestions,ideas,input,concerns,comments} on board|flexibility|wiggle room"
         "|willing to change|open to change|different things|varies it|open to changing"
         "|open to trying|willing to try|changing things", _head(4)),
        ("rigid|inflexible|stubborn|same approach|same thing|same script|same way|same method|same exercises"
         "|same every time|same"
         "|stick{s,} to {her,his,their,the} {plan,script,method,approach,model,protocol,way}|stuck to"
         "|protocol|formula|manual|ignore{s,d,} {my,} feedback|defensive|set in {her,his,their} ways"
         "|{her,his,their} way or|carr{y,ies,ied} on regardless|kept going|won't budge|doesn't budge"
         "|keeps doing|keeps pushing|kept pushing|kept doing", _head(2)),
    ),
}

_CLAUSE_BREAK_WORDS = frozenset({"but", "though", "although", "however", "except", "whereas"})
_CLAUSE_BREAK_MARKS = frozenset(".,;:!?\u2026\u2014")
_IGNORED_MARKS = frozenset("'\"()[]{}*_~#-\u2013")
_SUBJECTS = frozenset({"she", "he", "they", "i", "it", "we", "you", "she's", "he's", "they're", "i'm", "it's",
                       "we're", "that", "this", "there", "there's", "my", "her", "his", "their"})
# Words that show a clause is about the therapy, so a generic word like "good" in it counts.
_REFERENTS = frozenset({
    "she", "he", "they", "her", "him", "them", "his", "their", "it", "it's", "its", "this", "that", "that's",
    "these", "those", "we", "us", "our", "therapist", "counselor", "counsellor", "session", "sessions",
    "therapy", "advice", "homework", "worksheets", "worksheet", "exercises", "goals", "approach", "things",
    "she's", "he's", "they're", "we're", "stuff", "everything", "overall", "tips", "suggestions",
})
# A negation does not reach past these ("wasn't working so she changed things").
_NEGATION_STOPS = frozenset(
    {"so", "because", "cause", "when", "if", "then", "until", "since", "after", "before", "while", "which"}
)
_FILLERS = frozenset({
    "really", "though", "tbh", "honestly", "lol", "haha", "i", "think", "guess", "much", "anymore", "yet",
    "to", "be", "honest", "so", "at", "all", "either", "sadly", "unfortunately", "now", "lately", "these",
    "days", "always", "ever", "that", "like", "not", "no", "sure", "well", "tho", "imo", "actually", "far",
    "quite", "rather", "feel", "felt", "feels", "been", "has", "have", "had", "was", "is", "are", "were",
    "am", "the", "a", "an", "of", "in", "for", "about", "asking", "say", "would", "i'd", "i'm", "me", "my",
    "too", "just", "only",
})
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)*|[^\s\w]")
_MIXED = re.compile(
    r"\b(?:some|other|certain) (?:days|weeks|times|sessions)\s*(?:yes|good|better|great|it does"
    r"|she does)\b[\s,;.]*(?:and |but )?(?:some|other|others|certain)(?: (?:days|weeks|times"
    r"|sessions))?\s*(?:no|not|bad|worse|less|it doesn't|she doesn't)\b|\b(?:some|other|certain) (?:days"
    r"|weeks|times|sessions)\s*(?:no|not|bad|worse)\b[\s,;.]*(?:and |but )?(?:some|other|others)(?: (?:days"
    r"|weeks|times|sessions))?\s*(?:yes|good|better)\b|\bsometimes (?:yes|good)[\s,;.]*(?:and "
    r"|but )?sometimes (?:no|not|bad)\b|\bsometimes (?:no|not)[\s,;.]*(?:and |but )?sometimes (?:yes|good)\b"
    r"|\byes(?:,| and|, and| or|/| but)? no\b(?! (?:one|homework|worksheets|change)\b)"
    r"|\bkind of yes[\s,]*kind of no\b|\b50 ?/ ?50\b|\bfifty fifty\b|\bswings and roundabouts\b"
    r"|\bgood days and bad days\b|\bgood and bad\b|\bhit (?:or|and) miss\b"
)


@dataclass(frozen=True)
class _Lexicon:
    phrases_by_first_word: dict[str, tuple[tuple[tuple[str, ...], _Term], ...]]


def _build_lexicon(general: _Table, *cue_tables: _Table) -> _Lexicon:
    terms: dict[tuple[str, ...], _Term] = {}
    for table, from_cue in ((general, False), *((table, True) for table in cue_tables)):
        for spec, term in table:  # later tables override earlier ones: slot cues beat general words
            for phrase in _expand(spec):
                terms[tuple(phrase.split())] = replace(term, from_cue=from_cue)
    by_first: dict[str, list[tuple[tuple[str, ...], _Term]]] = {}
    for words, term in terms.items():
        by_first.setdefault(words[0], []).append((words, term))
    return _Lexicon({first: tuple(sorted(group, key=_longest_first)) for first, group in by_first.items()})


def _longest_first(entry: tuple[tuple[str, ...], _Term]) -> int:
    return -len(entry[0])


_LEXICONS: dict[str, _Lexicon] = {
    slot: _build_lexicon(_GENERAL, _ALL_SCALE_CUES, _SLOT_CUES[slot]) for slot in SCALE_SLOTS
}
_KNOWN_WORDS = frozenset(
    word
    for lexicon in _LEXICONS.values()
    for first, entries in lexicon.phrases_by_first_word.items()
    for words, _ in entries
    for word in words
) | frozenset(_RATING_LEAD) | frozenset(_RATING_TAIL) | _FILLERS | _REFERENTS


# Words that say nothing about the topic of a clause ("I'd say", "to be honest", "she").
_FUNCTION_WORDS = _FILLERS | frozenset(_RATING_LEAD) | frozenset(_RATING_TAIL)


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    term: _Term


def _find_terms(tokens: list[str], lexicon: _Lexicon) -> list[_Match]:
    matches: list[_Match] = []
    i = 0
    while i < len(tokens):
        for words, term in lexicon.phrases_by_first_word.get(tokens[i], ()):
            if tuple(tokens[i:i + len(words)]) == words:
                matches.append(_Match(i, i + len(words), term))
                i += len(words)
                break
        else:
            i += 1
    return matches


def _intensify(value: int) -> int:
    if value > _SCALE_MID:
        return min(value + 1, _SCALE_MAX)
    return max(value - 1, _SCALE_MIN) if value < _SCALE_MID else value


def _soften(value: int) -> int:
    return value - 1 if value > _SCALE_MID else value + 1 if value < _SCALE_MID else value


def _with_frequency(frequency: int, head_value: int) -> int:
    """'always listens' -> 5, 'always talks over me' -> 1, 'sometimes ...' -> 3."""
    if head_value > _SCALE_MID:
        return frequency
    if head_value < _SCALE_MID:
        return _SCALE_MAX + _SCALE_MIN - frequency
    return _SCALE_MID


def _within_reach(modifier: _Match | None, head: _Match) -> bool:
    return modifier is not None and head.start - modifier.end <= modifier.term.reach


class _Scope(NamedTuple):
    end: int  # where the head ended
    signal_index: int
    negated: bool
    extreme: bool
    frequency: int | None


_SCOPE_LINKS = frozenset({"that", "which", "who", "about"})  # "never asked me about my goals"
_RELATIVE_PRONOUNS = frozenset({"that", "which", "who"})
_MAX_RELATIVE_GAP = 4
_BASELINE_FILLERS = frozenset({"the", "a", "just", "some", "my", "our", "usual", "basic"})
# A head that starts with one of these is a negation itself, so "at all" after it makes it extreme.
_NEGATING_FIRST_WORDS = frozenset({"no", "zero", "without", "nobody", "never"})


def _relative_link(between: list[str]) -> int | None:
    """Index of a "that" / "which" that opens a relative clause after a noun ("no advice that ...")."""
    for i, word in enumerate(between[1:4], start=1):
        if word in _RELATIVE_PRONOUNS and between[i - 1] not in _SUBJECTS and between[i - 1] not in _FILLERS:
            return i
    return None


class _ClauseReading:
    """Reads one clause left to right; modifiers wait for the next head."""

    def __init__(self, tokens: list[str], generic_allowed: bool, modifiers_alone_allowed: bool) -> None:
        self.tokens = tokens
        self.generic_allowed = generic_allowed  # generic heads ("good") count
        self.modifiers_alone_allowed = modifiers_alone_allowed  # a modifier with no head ("always") counts
        self.signals: list[_Signal] = []
        self.hedged = False
        self.waiting: list[_Match] = []
        self.negator: _Match | None = None
        self.frequency: int | None = None
        self.summary = False  # the waiting frequency is a summary word ("mostly")
        self.negate_next_head = False  # "often doesn't listen": a negation after a frequency word
        self.intensifier: _Match | None = None
        self.soften = False
        self.left_behind: _Match | None = None  # "get past": the next head is what the client leaves behind
        self.last_head: tuple[int, _Term] | None = None  # a head read without prefix modifiers
        self.last_negated = False
        self.scope: _Scope | None = None  # the last head's negation or frequency, for a "that ..." after it

    def read(self, matches: list[_Match]) -> list[_Signal]:
        handlers: dict[_Role, Callable[[_Match], None]] = {
            _Role.HEAD: self._on_head,
            _Role.ANSWER: self._on_answer,
            _Role.FREQUENCY: self._on_frequency,
            _Role.NEGATOR: self._on_negator,
            _Role.INTENSIFIER: self._on_intensifier,
            _Role.SOFTENER: self._on_softener,
            _Role.AT_ALL: self._on_at_all,
            _Role.LEFT_BEHIND: self._on_left_behind,
            _Role.HEDGE: self._on_hedge,
            _Role.NO_VALUE: lambda match: None,
        }
        for match in matches:
            handlers[match.term.role](match)
        self._finish()
        return self.signals

    def _negator_reaches(self, head_start: int) -> bool:
        if self.negator is None:
            return False
        between = self.tokens[self.negator.end:head_start]
        link = _relative_link(between)  # "no advice that fits my life": the "that ..." part is negated too
        reach = self.negator.term.reach + (_MAX_RELATIVE_GAP if link is not None else 0)
        if len(between) > reach or any(t in _NEGATION_STOPS for i, t in enumerate(between) if i != link):
            return False
        pairs = zip(between, between[1:], strict=False)
        if any(word in ("and", "or") and nxt in _SUBJECTS for word, nxt in pairs):
            return False  # "... and she kept doing the same thing": a new subject starts
        subjects = [t for i, t in enumerate(between) if t in _SUBJECTS and i != link]
        return not (self.negator.term.stops_at_subject and subjects)

    def _counts_alone(self, match: _Match) -> bool:
        after_is_filler = all(t in _FILLERS for t in self.tokens[match.end:])
        if match.term.counts_alone_at == "end":
            return after_is_filler
        if match.term.counts_alone_at == "start_or_end":  # "no, ..." / "no she doesn't", not "no homework"
            following = self.tokens[match.end:match.end + 1]
            opens_clause = match.start == 0 and all(t in _SUBJECTS or t in _FILLERS for t in following)
            return opens_clause or after_is_filler
        return True

    def _reset(self) -> None:
        self.waiting, self.negator, self.frequency = [], None, None
        self.negate_next_head = self.soften = self.summary = False
        self.intensifier = self.left_behind = None

    def _is_baseline(self, match: _Match) -> bool:
        """'deeper than small talk': the words after "than" are what is compared against."""
        before = [t for t in self.tokens[max(match.start - 3, 0):match.start] if t not in _BASELINE_FILLERS]
        return before[-1:] == ["than"]

    def _continues_scope(self, match: _Match) -> bool:
        """'never gives advice that fits my life': the "that ..." part is still under "never"."""
        if self.scope is None or self.negator is not None or self.frequency is not None \
                or self.negate_next_head:
            return False
        gap = self.tokens[self.scope.end:match.start]
        return len(gap) <= _MAX_RELATIVE_GAP and any(t in _SCOPE_LINKS for t in gap) \
            and not any(t in _NEGATION_STOPS for t in gap)

    def _on_left_behind(self, match: _Match) -> None:
        self.left_behind = match
        self.waiting.append(match)

    def _on_hedge(self, match: _Match) -> None:
        self.hedged = True
        self.waiting.append(match)

    def _on_answer(self, match: _Match) -> None:
        assert match.term.value is not None
        self.signals.append(_Signal(match.term.value, match.term.from_cue))

    def _on_negator(self, match: _Match) -> None:
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
        self.waiting.append(_Match(match.start, match.end, _Term(_Role.FREQUENCY, value)))

    def _on_intensifier(self, match: _Match) -> None:
        self.intensifier = match
        self.waiting.append(match)

    def _on_softener(self, match: _Match) -> None:
        self.soften = True
        self.waiting.append(match)

    def _on_at_all(self, match: _Match) -> None:
        if self.signals and self.last_negated:
            last = self.signals[-1]
            self.signals[-1] = last._replace(value=_intensify(last.value), side_only=False)

    def _on_head(self, match: _Match) -> None:
        term = match.term
        assert term.value is not None and term.negated is not None
        if self._is_baseline(match):
            return
        if (term.generic and not self.generic_allowed) or not self._counts_alone(match):
            self._reset()
            return
        if _within_reach(self.left_behind, match):
            turned = _SCALE_MAX + _SCALE_MIN - term.value
            term = replace(term, value=turned, negated=_DEFAULT_NEGATION[turned])
        continued = self._continues_scope(match)
        if continued and self.scope is not None:
            negated, extreme, self.frequency = self.scope.negated, self.scope.extreme, self.scope.frequency
            self.summary = False
        else:
            negated = self.negate_next_head or self._negator_reaches(match.start)
            extreme = negated and self.negator is not None and self.negator.term.extreme
        value = term.negated if negated else term.value
        if extreme:
            value = _intensify(value)
        if self.frequency is not None:
            value = _with_frequency(self.frequency, value)
        intensify = _within_reach(self.intensifier, match)
        intensified = intensify and not negated and self.frequency is None  # "usually very good" stays 4
        if intensified:
            value = _intensify(value)
        if self.soften:
            value = _soften(value)
        for waiting in self.waiting:  # a "no" that did not reach this head is still an answer
            applied = waiting is self.negator and negated
            if waiting.term.role is _Role.NEGATOR and not applied and waiting.term.value is not None \
                    and self._counts_alone(waiting):
                self.signals.append(_Signal(waiting.term.value, from_cue=False))
        prefixed = negated or self.frequency is not None or intensify or self.soften
        signal = _Signal(
            value,
            term.from_cue,
            plain_yes=term.plain_yes and not prefixed,
            side_only=not prefixed and value in (_SCALE_MID - 1, _SCALE_MID + 1),
            summary=self.summary,
            topic=term.topic and not prefixed,
            about_topic=term.about_topic,
            boosted=intensified and self.intensifier is not None and self.intensifier.term.value is None,
        )
        if continued and self.scope is not None:
            index = self.scope.signal_index
            self.signals[index] = signal  # the "that ..." part says what was meant
        else:
            index = len(self.signals)
            self.signals.append(signal)
        scoped = negated or self.frequency is not None
        self.scope = _Scope(match.end, index, negated, extreme, self.frequency) if scoped else None
        self.last_head = None if prefixed else (index, term)
        self.last_negated = negated or self.tokens[match.start] in _NEGATING_FIRST_WORDS  # "no say at all"
        self._reset()

    def _finish(self) -> None:
        strong = any(m.term.role is _Role.INTENSIFIER and m.term.value == _SCALE_MAX for m in self.waiting)
        if self.last_head is not None and (self.frequency is not None or self.soften or strong):
            index, term = self.last_head  # "talks over me sometimes", "fits perfectly": a trailing modifier
            assert term.value is not None
            value = term.value if self.frequency is None else _with_frequency(self.frequency, term.value)
            value = _soften(value) if self.soften else _intensify(value) if strong else value
            self.signals[index] = _Signal(value, term.from_cue, summary=self.summary)
        elif not self.signals:
            if self.frequency is not None and self.negate_next_head:  # "mostly no", "sometimes she doesn't"
                self.signals.append(_Signal(_SCALE_MAX + _SCALE_MIN - self.frequency, from_cue=False))
            elif self.modifiers_alone_allowed:
                alone = [m for m in self.waiting if m.term.value is not None and self._counts_alone(m)]
                unhedged = [m for m in alone if m.term.role is not _Role.HEDGE]  # "maybe a little" -> 2
                self.signals.extend(
                    _Signal(m.term.value, from_cue=False, lone_hedge=not unhedged)  # type: ignore[arg-type]
                    for m in unhedged or alone
                )


def _clauses(tokens: list[str]) -> Iterator[list[str]]:
    clause: list[str] = []
    for token in tokens:
        if token in _CLAUSE_BREAK_MARKS or token in _CLAUSE_BREAK_WORDS:
            if clause:
                yield clause
            clause = []
        elif token not in _IGNORED_MARKS:
            clause.append(token)
    if clause:
        yield clause


def _scale_from_words(slot: str, norm: str) -> int | None:
    tokens = _TOKEN.findall(_MIXED.sub(" mixed ", norm))
    lexicon = _LEXICONS[slot]
    signals: list[_Signal] = []
    hedged = False
    for clause in _clauses(tokens):
        matches = _find_terms(clause, lexicon)
        covered = {i for match in matches for i in range(match.start, match.end)}
        other_words = sum(
            1 for i, word in enumerate(clause)
            if word[0].isalnum() and i not in covered and word not in _FUNCTION_WORDS
        )
        reading = _ClauseReading(
            clause,
            generic_allowed=other_words == 0 or any(t in _REFERENTS for t in clause),
            modifiers_alone_allowed=other_words <= 1,
        )
        signals.extend(reading.read(matches))
        hedged = hedged or reading.hedged
    signals = _stronger_signals(signals)
    if not signals:  # only "it never came up", with nothing to say what "it" is
        return None
    value = _round_toward_middle(_mean(_combined(signals)))
    if hedged and value in (_SCALE_MIN, _SCALE_MAX):
        value = _soften(value)
    return value


def _stronger_signals(signals: list[_Signal]) -> list[_Signal]:
    """Signals that say less give way to signals that say more.

    A lone "maybe" gives way to any other signal, a topic word ("goals") too, a plain "yes" to any other
    signal above 3. An unqualified 2 or 4 ("rigid", "helpful") gives way to a 1 or 5 on its side ("never
    adapts, rigid" -> 1), and to a summary on the other side ("asks me, but mostly steers it herself" -> 2).
    """
    kept = [s for s in signals if not s.lone_hedge] or signals
    named = any(s.topic for s in kept)  # "goals never came up" is about goals; "it never came up" may not be
    kept = [s for s in kept if not s.about_topic or named]
    kept = [s for s in kept if not s.topic] or kept  # "we never set any goals": "goals" names the subject
    if any(s.value > _SCALE_MID and not s.plain_yes for s in kept):
        kept = [s for s in kept if not s.plain_yes]
    summary_sides = {_side_of_middle(s.value) for s in kept if s.summary} - {0}
    extreme_sides = {
        _side_of_middle(s.value) for s in kept if s.value in (_SCALE_MIN, _SCALE_MAX) and not s.boosted
    }
    outweighed = extreme_sides | ({-side for side in summary_sides} if len(summary_sides) == 1 else set())
    return [s for s in kept if not (s.side_only and _side_of_middle(s.value) in outweighed)]


def _combined(signals: list[_Signal]) -> list[int]:
    """The direct answer sets the value; the cues around it move it only when they pull the other way.

    "yes, she listens" -> 5 (the cue agrees); "mostly, but she sometimes interrupts" -> 4 (a mixed cue
    next to an answer that is already qualified); "yes, but she sometimes talks over me" -> 4 and
    "mostly, but it's all surface level" -> 3 (the mean).
    """
    direct = [s.value for s in signals if not s.from_cue]
    cues = [s.value for s in signals if s.from_cue]
    if not direct or not cues:
        return direct + cues
    answer_side, cue_side = _side_of_middle(_mean(direct)), _side_of_middle(_mean(cues))
    already_qualified = abs(_mean(direct) - _SCALE_MID) <= 1
    if cue_side == answer_side != 0 or (cue_side == 0 and already_qualified):
        return direct
    return direct + cues


def _side_of_middle(value: float) -> int:
    return (value > _SCALE_MID) - (value < _SCALE_MID)


def _parse_scale(slot: str, text: str) -> Parsed | None:
    norm = _normalize(text)
    if not _placeable(norm):
        return None
    value = _scale_from_numbers(norm)
    if value is None:
        value = _scale_from_words(slot, norm)
    return None if value is None else Parsed(value)


# --------------------------------------------------------------------------------------------------------
# homework_fit: "none"
# --------------------------------------------------------------------------------------------------------

_HOMEWORK_WORDS = (
    r"(?:homework|worksheets?|exercises?|assignments?|handouts?|tasks?|between session (?:work|tasks))"
)
_NOT = r"(?:don't|doesn't|didn't|never|hasn't|haven't|won't|do not|does not|did not|has not|have not|not)"
_GIVE_VERBS = (
    r"(?:give|gives|gave|given|assign|assigns|assigned|set|sets|do|does|did|done|use|uses|used|hand out"
    r"|hands out|have|had|send|sends|get|got|gotten|receive|received)"
)
# "no task fits my life" rates the homework there is; "no homework (that I know of)" says there is none
_NOT_A_RATING_AFTER = (
    r"(?! (?:is|are|was|were|fits?|feels?|felt|seems?|seemed|suits?|suited|really|ever|has|have|had|makes?"
    r"|made|which|that (?!i\b)))"
)
_GET_VERBS = r"(?:get|got|gotten|receive|received|have|had|been given|be given)"
# "she doesn't give anything (to do)", but not "she doesn't give anything useful"
_ANYTHING_AS_HOMEWORK = (
    r"anything(?=\s*$|\s*[,.;!?]| (?:to do|between|in between|for between|outside|after|at all|like that"
    r"|as homework|else|for (?:me|us) to do)\b)"
)
_NO_HOMEWORK_PATTERNS = (
    # "no homework", "no worksheets yet" (but "no task fits my life" is a rating)
    rf"\bno {_HOMEWORK_WORDS}\b{_NOT_A_RATING_AFTER}",
    # "she doesn't give homework", "we've never done worksheets" (but not "I don't do the homework")
    rf"\b(?:she|he|they|we|therapist|it)(?:'s|'ve)?(?: just| really)? {_NOT}(?: really| ever| actually"
    rf"| usually)? {_GIVE_VERBS}\b(?: me| us| out| any| much| those| that kind of)*(?: {_HOMEWORK_WORDS}\b"
    rf"| that\b| stuff\b| any\b| {_ANYTHING_AS_HOMEWORK})",
    rf"\bi(?:'ve)? {_NOT}(?: really| ever| actually)? {_GET_VERBS}(?: any| much)? (?:{_HOMEWORK_WORDS}"
    rf"\b|any\b|{_ANYTHING_AS_HOMEWORK})",
    r"\bthere(?:'s| is| are)(?: not| no|n't)(?: really)? (?:any|none|no|homework|worksheets)\b",
    r"\bthere (?:isn't|aren't)(?: any)?\b",
    rf"\b(?:never|haven't|have not|not once)(?: ever| really| actually)? (?:had|got|gotten|been given"
    rf"|been set|been assigned|received)(?: any| much| a single| one single| one| a)?"
    rf" (?:any|{_HOMEWORK_WORDS})\b",
    rf"\b(?:zero|not (?:a|one) single|not one|not any) {_HOMEWORK_WORDS}\b{_NOT_A_RATING_AFTER}",
    # "she doesn't believe in homework", "he's not a fan of worksheets", "not big on that"
    rf"\b(?:she|he|they|therapist|counsel+or)(?:'s|'re)?(?: just| really)? (?:{_NOT}|isn't|is not|aren't"
    rf"|are not)(?: really| much| a| much of a)? (?:believe in|believer in|into|fan of|big on|one for|keen on"
    rf"|a fan of|big fan of|do) (?:giving |setting |assigning )?(?:{_HOMEWORK_WORDS}|that sort of thing"
    rf"|that kind of thing|that stuff)\b",
    # "nothing to do between sessions", "nothing set in between appointments"
    r"\bnothing (?:to do |set |assigned |given |to work on |for me to do )?(?:in )?between (?:sessions"
    r"|appointments|visits)\b",
    r"\bnone (?:given|yet|so far|assigned|at all)\b",
    # "we just talk", "honestly we only chat" (not "we just talk about the homework")
    rf"^(?:(?:no|nope|nah|honestly|well|um|basically|tbh|n/a),? )*(?:we|she|he|they) (?:just|only|basically)"
    rf" (?:talk|chat)(?:s|ing)?\b(?!.*\b{_HOMEWORK_WORDS})",
    r"\bnot something (?:we|she|he|they) do\b",
    r"\b(?:nothing like that|nothing of the sort|not part of (?:our|my|the) sessions|not a thing (?:we do"
    r"|for us))\b",
    r"^(?:none|n/?a|na|not applicable|doesn't apply|does not apply|nada|zero homework|there is none"
    r"|none of that)$",
    # "n/a, she doesn't do that"
    r"^(?:none|n/a|not applicable|doesn't apply|does not apply)\s*[,.;:!\-\u2014]",
)
_NO_HOMEWORK = re.compile("|".join(_NO_HOMEWORK_PATTERNS))
_BARE_NO = re.compile(r"^(?:no|nope|nah|no no)$")


def _parse_homework(text: str) -> Parsed | None:
    norm = _normalize(text).rstrip(".!? ")
    if not _placeable(norm) or _BARE_NO.match(norm):
        return None  # "no" to "how well does the homework fit? If there isn't any, say so" is ambiguous
    if _NO_HOMEWORK.search(norm):
        return Parsed("none")
    return _parse_scale("homework_fit", text)


# --------------------------------------------------------------------------------------------------------
# sessions_so_far
# --------------------------------------------------------------------------------------------------------

_SESSIONS_PER = {"week": 1.0, "month": 4.0, "year": 48.0, "day": 1 / 7}
_SESSION_UNITS = {
    **dict.fromkeys(("session", "sessions", "appointment", "appointments", "visit", "visits", "meeting",
                     "meetings", "time", "times"), ("count", 1.0)),
    **dict.fromkeys(("week", "weeks", "wk", "wks"), ("duration", _SESSIONS_PER["week"])),
    **dict.fromkeys(("fortnight", "fortnights"), ("duration", 2 * _SESSIONS_PER["week"])),
    **dict.fromkeys(("month", "months", "mo", "mos", "mth", "mths"), ("duration", _SESSIONS_PER["month"])),
    **dict.fromkeys(("year", "years", "yr", "yrs"), ("duration", _SESSIONS_PER["year"])),
    **dict.fromkeys(("day", "days"), ("duration", _SESSIONS_PER["day"])),
}
_UNIT_RE = "(?:" + "|".join(sorted(_SESSION_UNITS, key=len, reverse=True)) + ")"
_RATES: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(rf"\b(?:{pattern})\b"), per_week) for pattern, per_week in (
        (r"(?:3|three) times (?:a|per|every) week", 3.0),
        (r"(?:twice|2 times|two times) (?:a|per|every) week|twice weekly", 2.0),
        (r"(?:once|1 time|one time) (?:a|per|every) week|once weekly|weekly|every week", 1.0),
        (r"every (?:other|second|2|two) weeks?|bi ?weekly|fortnightly|every fortnight|(?:twice|2 times"
         r"|two times) (?:a|per|every) month", 0.5),
        (r"every (?:3|three) weeks", 1 / 3),
        (r"(?:once|1 time|one time) (?:a|per|every) month|monthly|every month", 0.25),
    )
)
_SMALL_NUMBERS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_QUANTITY_WORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"\b(?:{pattern})\b ?"), digits + " ") for pattern, digits in (
        (r"half (?:a|an) ", "0.5"),
        (r"a couple of|a couple|couple of|couple", "2"),
        (r"a few|few", "3"),
        (r"a handful of|a handful|handful of|several", "5"),
        (r"a dozen|dozen", "12"),
        (r"once", "1 times"),
        (r"twice", "2 times"),
    )
)
_ORDINALS = {
    word: number
    for number, word in enumerate(
        (
            "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
            "eighteenth", "nineteenth", "twentieth",
        ),
        start=1,
    )
}
_QTY = r"\d+(?:\.\d+)?"
_TENS_WORDS = re.compile(r"\b(" + "|".join(_TENS) + r")(?: (" + "|".join(_SMALL_NUMBERS[1:10]) + r"))?\b")
_SMALL_NUMBER_WORDS = re.compile(r"\b(" + "|".join(_SMALL_NUMBERS) + r")\b")
_A_BEFORE_UNIT = re.compile(rf"\b(?:a|an|the past|the last|this past)\s+(?={_UNIT_RE}\b)")
_AND_A_HALF = re.compile(rf"\b({_QTY})\s+and\s+a\s+half\b")
_UNIT_AND_A_HALF = re.compile(rf"\b({_QTY})\s+({_UNIT_RE})\s+and\s+a\s+half\b")
_MODIFIERS = (
    r"just over|just under|more than|less than|fewer than|at least|upwards of|over|under|almost|nearly|about"
    r"|around|roughly|approximately|only|maybe|like|probably"
)
_QUANTITY_WITH_UNIT = re.compile(
    rf"(?:\b(?P<mod>{_MODIFIERS})\s+)?(?P<q>{_QTY})(?:\s*(?:-|\u2013|to"
    rf"|or)\s*(?P<q2>{_QTY}))?\s*(?P<plus>\+)?\s*(?:or so\s+)?(?P<unit>{_UNIT_RE})\b(?:\s+(?:or"
    rf"|to)\s+(?P<q3>{_QTY})\b)?(?P<more>\s+or more\b|\s+plus\b)?"
)
_ORDINAL = re.compile(
    r"\b(?P<ord>" + "|".join(_ORDINALS) + r"|\d+(?:st|nd|rd|th))\b(?:\s+(?:ever\s+)?(?P<after>[a-z]+))?"
)
_BARE_QUANTITY = re.compile(
    r"^(?:(?:i've had|we've had|i have had|had|been to|i've been|i've done|we've done|done|i think|i guess"
    r"|i'd say|um|uh|hmm|so far|just|only|ok|okay|well|honestly|roughly)\s+)*"
    rf"(?:(?P<mod>{_MODIFIERS})\s+)?(?P<q>{_QTY})(?:\s*(?:-|\u2013|to|or)\s*(?P<q2>{_QTY}))?"
    r"(?P<more>\s*\+|\s+or more|\s+plus)?(?:\s*(?:ish|or so|so far|now|i think|i guess|maybe|probably|total"
    r"|in total|altogether|or less|or fewer|of them|with her|with him|with them|at this point|by now"
    r"|at the moment|currently|to date|up to now|until now|give or take|or thereabouts))*\s*[.!?]*$"
)
# "we're on session 11", "this is appointment number 9", "week 6": the count so far.
_NUMBERED_SESSION = re.compile(
    rf"\b(?P<unit>session|appointment|visit|meeting|week)\s+(?:number\s+|no\s+|#\s*)?(?P<q>{_QTY})\b"
    rf"(?!\s*(?:{_UNIT_RE}|%|/|out of)\b)"
)
_SINCE_YEAR = re.compile(r"\bsince (?:about |around )?(?P<year>(?:19|20)\d\d)\b")
_EARLY_WORDS = re.compile(
    r"\b(?:just (?:started|began|begun|starting)|only just (?:started|begun)|recently started"
    r"|started recently|(?:i'm|i am|we're|we are) (?:new|just starting|only starting)|brand new"
    r"|new to (?:this|therapy|her|him|them|it)|(?:haven't|have not|not) (?:started|begun|really started)"
    r"|intake|not (?:very |that |too |so )?long|just the (?:1|one)|only the (?:1|one)|(?:only|just) (?:1"
    r"|one) so far|very new|pretty new|quite new|new client|still new|early days"
    r"|(?:started|began|begun|start|first (?:session|appointment|one) (?:was|is)) (?:only |just )?(?:this"
    r"|last) week|(?:started|began) (?:only |just )?(?:yesterday|today|the other day)"
    r"|initial (?:assessment|consultation|appointment|session|meeting)"
    r"|(?:just|only) (?:had |done |did )?(?:the |an |my |a )?(?:assessment|consultation))\b"
)
_LONG_WORDS = re.compile(
    r"\b(?:years|yrs|ages|forever|a (?:long|good long|very long|really long) (?:time|while)|long time"
    r"|decades?|since i was (?:a )?(?:kid|teen|teenager|child|student|little|young)|since (?:high school"
    r"|school|college|uni|university)|(?:lots|loads|tons|heaps) of (?:sessions|appointments|times)"
    r"|many (?:sessions|appointments|times)|countless|dozens|months|lots|loads|ages now|a lot"
    r"|most of (?:a|last) year|(?:all|all of|the whole of) last year|a whole year)\b"
)
# Spans of the calendar, read against today's date: "since last summer", "most of this year".
_SEASON_STARTS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}  # northern hemisphere
_SINCE_SEASON = re.compile(r"\bsince (?P<last>last |the )?(?P<season>spring|summer|autumn|fall|winter)\b")
_SINCE_LAST_YEAR = re.compile(r"\bsince last year\b")
_THIS_YEAR = re.compile(
    r"\b(?:(?P<most>most of)|all of|all|the whole of|this whole|this entire|the whole|the entire)"
    r" (?:this |the )?year\b(?! (?:and|or|\d))"
)
_DAYS_PER_MONTH = 30.44
_HALF_A_SEASON_MONTHS = 1.5  # the best guess for "since last summer" is its middle
_LONG_TERM_MIN_SESSIONS = 16  # about four months: clearly past the 12 of "established"
_LATEST_START_MIN_SESSIONS = 8  # and even the latest start it allows is two months back
_EARLY_MAX, _ESTABLISHED_MAX = 3, 12
_UNKNOWN_COUNT = math.nan  # "less than a year": a bound that does not settle the category
_MAX_PLAUSIBLE_SESSIONS = 2500


def _sessions_category(count: float) -> str:
    if count <= _EARLY_MAX:
        return "early"
    return "established" if count <= _ESTABLISHED_MAX else "long_term"


def _words_to_digits(norm: str) -> str:
    def tens(match: re.Match[str]) -> str:
        unit = match.group(2)
        return str(_TENS[match.group(1)] + (_SMALL_NUMBERS.index(unit) if unit else 0))

    norm = _TENS_WORDS.sub(tens, norm)
    norm = _SMALL_NUMBER_WORDS.sub(lambda m: str(_SMALL_NUMBERS.index(m.group(1))), norm)
    for pattern, digits in _QUANTITY_WORDS:
        norm = pattern.sub(digits, norm)
    norm = _A_BEFORE_UNIT.sub("1 ", norm)
    norm = _AND_A_HALF.sub(lambda m: str(float(m.group(1)) + 0.5), norm)
    norm = _UNIT_AND_A_HALF.sub(lambda m: f"{float(m.group(1)) + 0.5} {m.group(2)}", norm)
    return _SPACES.sub(" ", norm).strip()


def _adjusted_for_modifier(count: float, modifier: str | None, bound_is_more: bool) -> float:
    """'over a year' -> 49; 'almost a year' -> 47; 'less than N' is only known to be early when N <= 4."""
    if bound_is_more or modifier in ("over", "more than", "just over", "upwards of"):
        return count + 1
    if modifier in ("almost", "nearly"):
        return max(count - 1, 0)
    if modifier in ("less than", "under", "just under", "fewer than"):
        return count - 1 if count <= _EARLY_MAX + 1 else _UNKNOWN_COUNT
    return count


def _quantity(match: re.Match[str]) -> float:
    numbers = [float(match.group(g)) for g in ("q", "q2", "q3") if match.groupdict().get(g)]
    return _mean(numbers)


def _sessions_from_quantities(norm: str, per_week: float) -> float | None:
    """The session count the answer states (_UNKNOWN_COUNT if it gives only a bound), or None."""
    counts: list[float] = []
    durations: list[float] = []
    for match in _QUANTITY_WITH_UNIT.finditer(norm):
        kind, factor = _SESSION_UNITS[match.group("unit")]
        more = bool(match.group("plus") or match.group("more"))
        if kind == "count":
            counts.append(_adjusted_for_modifier(_quantity(match), match.group("mod"), more))
        else:
            sessions = _quantity(match) * factor * per_week
            durations.append(_adjusted_for_modifier(sessions, match.group("mod"), more))
    chosen = counts or durations
    if chosen:
        return chosen[-1]
    numbered = _NUMBERED_SESSION.search(norm)
    if numbered:
        factor = _SESSION_UNITS[numbered.group("unit")][1]
        return float(numbered.group("q")) * factor * (per_week if numbered.group("unit") == "week" else 1)
    bare = _BARE_QUANTITY.match(norm)
    if bare:
        return _adjusted_for_modifier(_quantity(bare), bare.group("mod"), bool(bare.group("more")))
    for match in _ORDINAL.finditer(norm):
        after = match.group("after")
        if after in (None, "session", "appointment", "visit", "meeting", "time", "one", "week", "so", "with"):
            ordinal = match.group("ord")
            return float(_ORDINALS.get(ordinal) or int(re.sub(r"\D", "", ordinal)))
    return None


def _today() -> date:
    return date.today()


def _months_between(earlier: date, later: date) -> float:
    return (later - earlier).days / _DAYS_PER_MONTH


def _season(year: int, start_month: int) -> tuple[date, date]:
    """First day of the season and first day after it (winter runs into the next year)."""
    return date(year, start_month, 1), date(year + (start_month > 9), start_month % 12 + 3, 1)


def _calendar_span(norm: str, today: date) -> tuple[float, float] | None:
    """How many months ago a calendar span began: (at the latest, at a best guess), or None."""
    season = _SINCE_SEASON.search(norm)
    if season:
        start_month = _SEASON_STARTS[season.group("season")]
        must_have_ended = season.group("last") == "last "  # "since the summer" may be this one
        start, end = next(
            (start, end)
            for start, end in (_season(year, start_month) for year in range(today.year, today.year - 3, -1))
            if (end if must_have_ended else start) <= today
        )
        return _months_between(end, today), _months_between(start, today) - _HALF_A_SEASON_MONTHS
    if _SINCE_LAST_YEAR.search(norm):
        mid_last_year = date(today.year - 1, 7, 1)
        return _months_between(date(today.year, 1, 1), today), _months_between(mid_last_year, today)
    this_year = _THIS_YEAR.search(norm)
    if this_year:
        elapsed = _months_between(date(today.year, 1, 1), today)
        return (elapsed / 2, elapsed * 0.75) if this_year.group("most") else (elapsed, elapsed)
    return None


def _parse_sessions(text: str) -> Parsed | None:
    norm = _normalize(text)
    if not _placeable(norm):
        return None
    since = _SINCE_YEAR.search(norm)
    if since:
        return Parsed("long_term") if _today().year - int(since.group("year")) >= 2 else None
    per_week = 1.0
    for pattern, rate in _RATES:
        found = pattern.search(norm)
        if found:
            per_week = rate
            norm = norm[:found.start()] + " " + norm[found.end():]
            break
    count = _sessions_from_quantities(_words_to_digits(norm), per_week)
    if count is not None:
        return Parsed(_sessions_category(count)) if 0 <= count <= _MAX_PLAUSIBLE_SESSIONS else None
    span = _calendar_span(norm, _today())
    if span is not None:  # only a span that is surely long is placed: the start of a season is vague
        latest, best_guess = (months * _SESSIONS_PER["month"] * per_week for months in span)
        return Parsed("long_term") if latest >= _LATEST_START_MIN_SESSIONS \
            and best_guess >= _LONG_TERM_MIN_SESSIONS else None
    early, long_term = _EARLY_WORDS.search(norm), _LONG_WORDS.search(norm)
    if early and not long_term:
        return Parsed("early")
    if long_term and not early:
        return Parsed("long_term")
    return None


# --------------------------------------------------------------------------------------------------------
# raised_needs
# --------------------------------------------------------------------------------------------------------

_NO_CHANGE_PHRASES = (
    r"nothing(?:'s| is| has| has been| really| much| at all)*(?: really)? (?:changed|change|happened"
    r"|came of it|came out of it|improved|is different|different|got better)",
    r"no (?:real |actual )?(?:change|difference|effect|improvement)",
    r"(?:didn't|did not|hasn't|has not|haven't|have not|wasn't|won't|doesn't|does not|never|not)(?: really"
    r"| much| seem to| actually)? (?:help|helped|change|changed|improve|improved|work|worked"
    r"|make a difference|made a difference|get better|got better|gotten better|listen|listened|do anything"
    r"|go anywhere|stick|last|take it on board|take it seriously|follow through|followed through|act on it"
    r"|do much|seen (?:any|much) (?:change|difference)|noticed (?:any|much) (?:change|difference))",
    r"not (?:much |any |really |)(?:better|different)",
    r"not much (?:changed|has changed|happened)",
    r"(?:still|stayed|stays|remained|remains) the same|same as (?:before|ever|always)",
    r"(?:went|gone|going|slipped|slid|drifted) back to|back to (?:normal|the same|how it was|old habits)",
    r"brush(?:ed|es)? (?:it |me |that )?off|ignored|dismissed|shrugged|got defensive|moved on",
    r"changed the subject|laughed it off|waved it off|fell on deaf ears|went nowhere|in one ear",
    r"said (?:she|he|they)(?:'d| would)[^.]*\bbut (?:she |he |they |it )?(?:didn't|never|hasn't|did not)",
    r"but (?:she |he |they |it )?(?:didn't|hasn't|never|did not|has not)(?! (?:help|change|matter) much)",
    r"only (?:for|lasted) a (?:week|bit|while|session|couple)|for a (?:week|bit|while) then",
)
_HELPED_PHRASES = (
    r"(?:it |that |things |she |he |they |sessions |it's |things are |everything )?(?:helped|helps|did help"
    r"|does help|got better|gotten better|getting better|improved|improving|changed|adjusted|adapted|listened"
    r"|switched|tweaked|made changes|made a change|made some changes"
    r"|made a few changes|took it on board|took it well|takes it on board|made a difference"
    r"|made a big difference|worked|was receptive|were receptive|receptive|responded well|took it seriously"
    r"|acted on it|followed through|was open|changed things|changed it|changed the|better"
    r"|(?:a |an |some |real |big |huge |massive |definite |noticeable |clear )?improvements?)",
    r"(?:was|been|is) (?:great|good|brilliant|amazing|lovely) about it|different now|more tailored now",
    r"we (?:changed|switched|tried)|(?:she|he|they) started|since then|went well|gone well|going well",
    r"(?:was|were|is|has been|been) (?:very |really |quite |so )?(?:open|receptive|responsive|supportive)",
)
_NOT_YET_PHRASES = (
    r"^(?:no(?! one| idea| clue)|nope|nah|not yet|not really|never|not exactly|no not yet|not at all"
    r"|not as such)",
    r"not yet|haven't|have not|hasn't come up|didn't|did not|never|i don't|i do not|not ready",
    r"scared|afraid|nervous|worried|anxious|frightened|shy|embarrassed|uncomfortable|awkward|terrified",
    r"don't want to|do not want to|planning to|plan to|going to|gonna|want to|intend to|will",
    r"next (?:session|time|week)|not sure how|don't know how|haven't had the (?:chance|courage|guts)",
    r"not brave enough|working up the courage|meaning to|been meaning|waiting for the right",
    r"thinking (?:about|of) (?:it|doing it|telling|saying|asking|bringing|raising)",
)


def _any_of(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b")


# Words that say the client raised it; after them, weaker signs of (no) change count too.
_RAISING_VERBS = r"(?:told|said|asked|raised|mentioned|brought|tried|explained|suggested|requested|pointed)"
_RAISED_IT = re.compile(
    # not after a negation: "I've never raised it", "haven't told her"
    rf"(?<!n't )(?<!not )(?<!never )\b(?:i (?:did|have|{_RAISING_VERBS}|let (?:her|him|them) know)"
    rf"|i(?:'ve| have| had) {_RAISING_VERBS}"
    r"|told (?:her|him|them)"
    r"|(?:raised|mentioned|brought up|asked about|talked about|discussed) (?:it|this|that)"
    r"|brought (?:it|this|that) up"
    # "asked for shorter tasks", "asked her to ..." (not "she asked me")
    r"|(?<!she )(?<!he )(?<!they )asked (?:her |him |them )?(?:to|for|about|if|whether)"
    r"|(?:she|he|they) (?:agreed|promised|said (?:she'd|he'd|they'd|she would|he would|they would|ok|okay"
    r"|yes|sure|fine)))\b"
    # an answer that opens with the act: "asked a few times", "mentioned it, ..."
    rf"|^(?:(?:yes|yeah|yep|well|so|um|ok|oh|honestly)[,!.]? )*{_RAISING_VERBS}\b"
)
_NO_CHANGE_AFTER_RAISING = (
    r"same (?:thing|things|old|stuff|way|as before|exercises|worksheets|approach|advice|routine|questions"
    r"|script)",
    r"(?:keeps?|kept) (?:on )?(?:giving|doing|going|assigning|using|pushing|talking|bringing|sending"
    r"|suggesting|telling)",
    r"but (?:then |still |honestly )?(?:she|he|they|it|things|nothing)\b[^.;]{0,30}?\b(?:didn't|doesn't"
    r"|hasn't|isn't|wasn't|won't|never|not)",
    r"(?<!i )(?<!we )(?:didn't|doesn't|hasn't|wasn't|isn't|won't)(?: seem to| really| quite)? (?:land|stick"
    r"|click|matter|last|go anywhere|get through|sink in)|nothing (?:yet|so far)",
    r"still waiting(?! for (?:the|a) (?:right|good|better))|waiting for (?:anything|something|things|a change"
    r"|change|changes) to",
    # "we still spend every session on it", "she still gives the same sheets"
    r"still (?:spend|spends|spending|do|does|doing|get|gets|getting|talk|talks|talking|focus|focuses"
    r"|focusing|go over|goes over|going over|give|gives|giving|use|uses|using|have|has|having|end up"
    r"|ends up|happens|happening|stuck|cover|covers|covering|stick|sticks|sticking)",
    r"forget(?:s|ting)?|forgot(?:ten)?|slips (?:her|his|their) mind",
    r"(?:and|but) (?:she|he|they) (?:didn't|hasn't|haven't|won't|wouldn't|did not|has not|never did)"
    r"\s*[.!]*$",
    r"carr(?:y|ies|ied|ying) on (?:as (?:normal|usual|before|always)|regardless|anyway|the same"
    r"|like (?:before|normal|nothing))|business as usual|as if nothing|like nothing (?:happened|was said)"
    r"|(?:went|goes|go|going|carried) on (?:as|like) (?:normal|usual|before)|as per usual|same as usual",
)
_HELPED_AFTER_RAISING = (
    r"(?:and|so) now|now (?:we|she|he|they|it's|it is|things|sessions|i get|i have)",
    r"(?:we've|we have|she's|he's|they've|she has|he has) been (?:doing|trying|working on|using|giving)"
    r"|(?:she's|he's|they're|she is|he is) trying|trying (?:new|different|other) things",
    r"(?:we|she|he|they)(?:'ve| have| has|'s| had)? (?:started|begun|began) (?:to|using|doing|trying|working"
    r"|adding|giving|including|with|on)",
    r"(?:she|he|they)(?:'s| has| have|'ve)? been (?:really |so |very )?(?:great|good|brilliant|amazing"
    r"|lovely)",
    # the answer ends on an echo of the request: "... and we have been", "... and she did"
    r"(?:and|so) (?:we|she|he|they)(?:'ve| have| has|'s)? (?:been|started|begun|done|did|does|do|have|has)"
    r"(?: so| it| that| too| since| ever since)?\s*[.!]*$",
)
_NO_CHANGE = _any_of(_NO_CHANGE_PHRASES)
_NO_CHANGE_IF_RAISED = _any_of(_NO_CHANGE_AFTER_RAISING)
_HELPED_IF_RAISED = _any_of(_HELPED_AFTER_RAISING)
_HELPED = _any_of(_HELPED_PHRASES)
_NOT_YET = _any_of(_NOT_YET_PHRASES)
_NEGATION_NEAR = re.compile(r"\b(?:not|no|never|nothing|hardly|barely|didn't|hasn't|haven't|wasn't|won't)\b")
_CLAUSE_BOUNDARY = re.compile(r"[,.;:!?]|\bbut\b|\bthough\b|\bhowever\b|\bthen\b")


def _parse_raised_needs(text: str) -> Parsed | None:
    norm = _normalize(text)
    if not _placeable(norm) or _only_unsure(norm):
        return None
    no_change, helped_after_raising = [_NO_CHANGE], []
    if _RAISED_IT.search(norm):
        no_change.append(_NO_CHANGE_IF_RAISED)
        helped_after_raising.append(_HELPED_IF_RAISED)
    evidence: list[tuple[int, str]] = [
        (m.start(), "yes_no_change") for pattern in no_change for m in pattern.finditer(norm)
    ]
    masked = norm
    for pattern in no_change:  # "nothing changed" is not "changed"
        masked = pattern.sub(lambda m: " " * len(m.group()), masked)
    evidence += [(m.start(), "yes_helped") for p in helped_after_raising for m in p.finditer(masked)]
    for match in _HELPED.finditer(masked):
        clause_start = max((b.end() for b in _CLAUSE_BOUNDARY.finditer(masked, 0, match.start())), default=0)
        negated = _NEGATION_NEAR.search(" ".join(masked[clause_start:match.start()].split()[-3:]))
        evidence.append((match.start(), "yes_no_change" if negated else "yes_helped"))
    if evidence:
        return Parsed(max(evidence)[1])  # the latest phrase wins: "it helped at first, then went back"
    return Parsed("not_yet") if _NOT_YET.search(masked.strip()) else None


# --------------------------------------------------------------------------------------------------------
# Free text: hopes, missing, tell_more
# --------------------------------------------------------------------------------------------------------

_UNSURE_ONLY = re.compile(
    r"^(?:i )?(?:don't know|do not know|dunno|idk|not sure|unsure|no idea|no clue|hmm|hm|um|umm|uh|er|erm|huh"
    r"|hard to say|can't say|who knows|not sure yet|i'm not sure|i have no idea|no comment|good question|\?"
    r"|\U0001f937|\U0001f914)(?: (?:really|yet|tbh|honestly|sorry|lol|to be honest|i guess))*$"
)
_NOT_A_HOPE = re.compile(
    r"^(?:yes|yeah|yep|no|nope|nah|ok|okay|sure|fine|nothing|none|n/?a|na|lol|k|whatever|maybe|idk|same|test"
    r"|asdf|asdfg|qwerty|hello|hi|hey|hi there|hello there|thanks|thank you|ok thanks|okay thanks|null"
    r"|undefined|nan)$"
)
_NOTHING_MISSING = re.compile(
    r"^(?:i think |i guess |honestly |)(?:no|nope|nah|nothing|none|not really|not much|nothing really"
    r"|nothing much|nothing at all|nothing else|no nothing|nothing missing|nothing is missing"
    r"|nothing's missing|nothing comes to mind|nothing i can think of|not that i can think of"
    r"|can't think of anything|i can't think of anything|all good|it's all good|i'm good|i'm fine|it's fine"
    r"|all fine|fine|n/?a|na|not at the moment|not right now|not at this time|no thanks|no thank you"
    r"|not really no|no not really|i don't think so|don't think so|that's all|that's it|no i'm good"
    r"|not anything|no that's all|all covered|nothing to add|no nothing else|not for now|nope all good"
    r"|it's good|it's good as it is|it's fine as it is|i'm happy|i'm happy with it|i'm satisfied|it's great"
    r"|all good thanks|\U0001f44d)(?=\s*(?:[,.;:!\-]|$))"
)
# An answer made only of these says "nothing" casually: "nah I'm good", "all good here", "nope, it's fine".
_NOTHING_ONLY_PHRASES = frozenset(
    tuple(phrase.split())
    for phrase in _expand(
        "no|nope|nah|nothing|none|not really|not much|not anything|nothing i can think of"
        "|nothing {really,much,else,more,at all,to add,more to add}|nothing {comes,springs} to mind"
        "|not that i can think of|{i ,}{can't,cannot} think of anything{ else,}"
        "|{it's ,that's ,we're ,i'm ,}all {good,fine,set,covered}"
        "|{i'm,we're,it's} {good,fine,ok,okay,great}|fine|n / a|not {at the moment,right now,for now}"
        "|no {thanks,thank you}|{i ,}don't think so|that's {all,it,everything}|i'm {happy,satisfied}"
        "|it's {good,fine} as it is|here|thanks|thank you|thx|ty|cheers|really|honestly|tbh|lol|haha"
        "|i think|i guess|for now|so far|to be honest|though|i'd say|just|\U0001f44d|\U0001f60a|\U0001f642"
    )
)
_LONGEST_NOTHING_PHRASE = max(len(phrase) for phrase in _NOTHING_ONLY_PHRASES)
_GOES_ON = re.compile(
    r"\b(?:but|except|maybe|apart|other than|besides|though|although|wish|more|less|want|would|could|should"
    r"|need|needs|if|only|just|missing|lack|lacks|hope|hoping|feel like|sometimes|still)\b"
)


def _says_only_nothing(norm: str) -> bool:
    tokens = [t for t in _TOKEN.findall(norm) if t not in _CLAUSE_BREAK_MARKS and t not in _IGNORED_MARKS]
    i = 0
    while i < len(tokens):
        lengths = range(_LONGEST_NOTHING_PHRASE, 0, -1)
        length = next((n for n in lengths if tuple(tokens[i:i + n]) in _NOTHING_ONLY_PHRASES), 0)
        if not length:
            return False
        i += length
    return bool(tokens)


def _only_unsure(norm: str) -> bool:
    return bool(_UNSURE_ONLY.match(norm.strip(" .!?,") or "?"))


def _verbatim(text: str) -> str | None:
    kept = _CONTROL_CHARS.sub("", text).strip()[:_MAX_FREE_TEXT_CHARS].strip()
    meaningful = any(ch.isalnum() or unicodedata.category(ch) == "So" for ch in kept)
    return kept if meaningful else None


def _parse_hopes(text: str) -> Parsed | None:
    kept = _verbatim(text)
    if kept is None:
        return None
    norm = _normalize(kept)
    if _QUESTION_BACK.match(norm):
        return None
    norm = norm.strip(" .!?,")
    if _only_unsure(norm) or _NOT_A_HOPE.match(norm):
        return None
    return Parsed(kept)


def _parse_optional_text(text: str) -> Parsed | None:
    kept = _verbatim(text)
    if kept is None:
        return None
    norm = _normalize(kept).strip(" .!?,")
    if _only_unsure(norm):
        return None
    if _says_only_nothing(norm):
        return Parsed(None)
    nothing = _NOTHING_MISSING.match(norm)
    if nothing and not _GOES_ON.search(norm[nothing.end():]):
        return Parsed(None)
    return Parsed(kept)


# --------------------------------------------------------------------------------------------------------
# Skips and the public entry point
# --------------------------------------------------------------------------------------------------------

_SKIP = re.compile(
    r"^(?:(?:can|could) (?:we|i) |let's |lets |i'd like to |i want to |i'll |i will |please |pls |just |ok "
    r"|okay )*(?:skip|pass|next|next question|next one|move on|go on|skip (?:this|that|it)(?: one| question)?"
    r"|skip question|pass (?:on )?(?:this|that|it)(?: one| question)?|/skip|i'll pass|i will pass|no comment"
    r"|not answering|(?:i'd |i would |id )?(?:rather|prefer) not(?: to)?(?: say| answer| share"
    r"| talk about (?:it|that|this)| go into (?:it|that))?(?: this one)?|prefer not to say|(?:i )?(?:don't"
    r"|do not) want to (?:answer|say|talk about (?:it|that|this)|share)(?: that| this| this one"
    r"| it)?)(?: please| pls| thanks| thank you| for now| this one| on this one| if that's ok"
    r"| if that's okay)*$"
)


def is_skip(text: str) -> bool:
    """True when the client asks to skip this question ("skip", "pass", "I'd rather not say", ...)."""
    if not isinstance(text, str):
        return False
    return bool(_SKIP.match(_normalize(text).strip(" .!?,")))


_PARSERS: dict[str, Callable[[str], Parsed | None]] = {
    **{slot: (lambda text, slot=slot: _parse_scale(slot, text)) for slot in SCALE_SLOTS},
    "homework_fit": _parse_homework,
    "sessions_so_far": _parse_sessions,
    "raised_needs": _parse_raised_needs,
    "hopes": _parse_hopes,
    "missing": _parse_optional_text,
    "tell_more": _parse_optional_text,
}


def parse_answer(slot: str, text: str) -> Parsed | None:
    """The slot value the client's answer gives, or None when it can't be placed (the caller re-asks)."""
    parser = _PARSERS.get(slot)
    if parser is None:
        known = ", ".join(sorted(_PARSERS))
        raise ValueError(f"parse_answer got unknown slot {slot!r}; expected one of: {known}")
    if not isinstance(text, str) or not text.strip() or is_skip(text):
        return None
    parsed = parser(text)
    if slot in SCALE_SLOTS and (parsed is None or parsed.value != "none"):
        stated = _LEADING_RATING.match(text.strip().lower())
        if stated and _placeable(text.strip().lower()):
            return Parsed(int(stated.group(1)))
    return parsed


# A rating the client states up front ("1 - generic as it gets", "a 4 from me", "3, it depends") is their
# answer; the words after it explain it and must not move it.
_LEADING_RATING = re.compile(
    r"(?:i'?d say |i'?d give it |i give it |maybe |probably |honestly |prob )?(?:an? )?([1-5])"
    r"(?:\s*(?:/|out of|of)\s*5)?"
    r"(?:\s*[-–—,.:;!)](?!\d)|\s*$|\s+(?:from me|because|cause|cos|since|as|but|and|tbh|honestly|i guess"
    r"|i think|i'?d say|maybe|probably|really|overall|tops|at best|at most|if that))"
)
