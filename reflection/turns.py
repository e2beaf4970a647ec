"""What one client message does to the reflection, decided once per turn.

``plan_turn`` reads the message against every question not answered yet and returns a ``TurnPlan``: what to
store, what to confirm in one tap, what to correct, or that the turn is not an answer at all. In this order,
so that safety comes first and nothing is ever stored from a question, a request or a correction:

1. a disclosure of risk (the NLU's verdict for this turn) -> interrupt: the rules answer it, nothing stored;
   the reply to the check-in that followed ("yes I'm safe lol") -> nothing stored, what waited still waits;
2. an open "is that right?" or "which answer?" prompt -> its answer, read by meaning: a hedged yes, a step
   ("a bit lower"), a no with a new answer, or something else (a later answer, a change of another
   answer), which goes where it belongs while the check waits;
3. a request to change an earlier answer -> the correction (or a prompt for the missing part); the
   last answer given unless another is named ("the advice one") or pointed at ("the first one": the first
   rating);
4. "skip" -> the question is settled without a value;
5. words that only mean "go on" -> ask the same question again;
6. a side request ("why do you ask?", "delete my data"...) that is not also an answer -> interrupt;
7. otherwise the readings: the asked question's reading, taken, confirmed or missed by the agreement
   policy (``decide``), plus clear answers to later questions, stored too and noted in a word; a hope typed
   at a question asked for a choice ("feel better") goes to hopes, and the question is asked again.

The words steering 2-4 are data (``content/turns/<lang>.yml``); the answer readers are ``answer_parsing``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import yaml

from reflection.agreement import STATED, VERY_CONFIDENT, Confirm, Nothing, Take, decide
from reflection.answer_parsing import (
    Reading,
    ReadingKind,
    answer_part,
    asks_for_medical_advice,
    doubts_the_question,
    is_correction,
    is_skip,
    rates_in_a_figure,
    read_all,
    read_answer,
    read_correction,
    read_in_passing,
    sounds_ironic,
    sounds_like_a_hope,
)
from reflection.bot_wording import without_bot_wording
from reflection.items import load_item_bank

TURNS_CONTENT = Path(__file__).parent / "content" / "turns"
DEFAULT_LANGUAGE = "en"
CONSENT_SLOT = "consent"
HOPES_SLOT = "hopes"  # where a hope typed at another question belongs
TELL_MORE_SLOT = "tell_more"  # "could you tell me more?", asked after a low rating
SIDE_REQUEST_INTENTS = frozenset(
    {
        "ask_why",
        "ask_data",
        "bot_challenge",
        "start_over",
        "pause",
        "out_of_scope",
        "ask_medical",
        "human_handoff",
        "delete_data",
        "request_copy",
        "thanks",
        "goodbye",
        "not_safe",
    }
)
NUDGE_INTENTS = frozenset({"resume", "im_safe", "greet", "start_reflection"})
CONFIDENT_INTENT = 0.8
CERTAIN_INTENT = 0.97  # a free-text answer ("to stop feeling stuck") may look like a side request
CORRECTION_INTENT = "correct_answer"
MEDICAL_INTENT = "ask_medical"
OUT_OF_SCOPE_INTENT = "out_of_scope"
MAX_READ_CHARS = 2000  # the channels pass nothing longer; free text is still kept whole
NOT_SURE = "dont_know"
HIGH_RATING = 4
WORDS_AFTER_NO = 0.85  # "no, pretty shallow": a rating in words after a no, clear enough to take
MIN_WORDS_IN_PASSING = 3  # "yes. and to stop feeling stuck": words enough to be an answer of their own
SCALE_BOTTOM, SCALE_TOP = 1, 5
ELSEWHERE_CONFIDENCE = 0.85  # an answer to another question, said at a check: clear enough to store


@dataclass(frozen=True)
class Confirmation:
    """A reading the client is asked to confirm in one tap."""

    item: str
    proposed: Reading
    words: str = ""  # what the client said: kept as their words when they confirm with a tap
    ironic: bool = False  # a glowing answer that may mean the opposite: the opposite is proposed
    asked_again: bool = False  # the client moved on once without settling it: it is asked once more

    def as_slot(self) -> dict[str, object]:
        ironic = {"ironic": True} if self.ironic else {}
        again = {"asked_again": True} if self.asked_again else {}
        return {"item": self.item, "words": self.words, **self.proposed.as_dict(), **ironic, **again}

    @classmethod
    def from_slot(cls, raw: object) -> Confirmation | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("item"), str):
            return None
        words = raw.get("words") if isinstance(raw.get("words"), str) else ""
        return cls(
            item=raw["item"],
            proposed=Reading.from_dict(raw),
            words=words,
            ironic=raw.get("ironic") is True,
            asked_again=raw.get("asked_again") is True,
        )


@dataclass(frozen=True)
class FormState:
    """Where the reflection stands when the message arrives."""

    requested: str | None
    open_items: tuple[str, ...]  # questions not answered yet, the asked one first
    answered: Mapping[str, object]  # question -> stored value
    last_answered: str | None = None
    pending_confirmation: Confirmation | None = None
    pending_correction: str | None = None  # "which" (ask which answer) or the question awaiting a new value
    checked_text: str = ""  # the message before this one, when it got "are you safe right now?"
    check_in_waived: bool = False  # the client has just said they are safe: a check-in-band message is read
    saving: bool = False  # the client said yes to saving their answers
    saving_offer: bool = False  # "Shall I delete what's saved and carry on without saving?" waits
    confirm_less: bool = False  # the client asked not to be asked "is that right?": readings are taken

    @property
    def after_check_in(self) -> bool:
        return bool(self.checked_text)


@dataclass(frozen=True)
class Message:
    text: str
    intent: str = ""
    confidence: float = 0.0
    risk_tier: str = "none"  # the NLU's verdict for this turn: crisis, check_in or none
    model_readings: Mapping[str, Reading] = field(default_factory=dict)


@dataclass
class TurnPlan:
    interrupt: str | None = None  # not an answer: the rules answer it and the form asks again
    values: dict[str, object] = field(default_factory=dict)  # question -> value to store
    notes: dict[str, str] = field(default_factory=dict)  # question -> dont_know / not_applicable / skipped
    also_answered: list[str] = field(default_factory=list)  # later questions this message answered too
    corrected: list[str] = field(default_factory=list)  # earlier answers changed
    confirm: Confirmation | None = None  # ask "is that right?" before storing
    correction_prompt: str | None = None  # "which", or the question whose new value to ask for
    # The client's words per answer, when they are not this message (a tap confirming an earlier one).
    words: dict[str, str] = field(default_factory=dict)
    missed: bool = False  # the asked question got no reading: a friendly re-ask
    explain: str | None = None  # a question the form answers itself ("data", "why"), then asks its own again
    nudge: bool = False  # "go on": ask the same question again without counting a miss
    # Taking back the yes to saving: "offer" (carry on without saving, delete everything, or keep saving),
    # then "stop" (erase what was saved and save nothing more) or "keep"; "unsaved" when nothing is saved.
    saving: str | None = None
    confirm_less: bool = False  # the client asked, in this message, not to be asked "is that right?"


@dataclass(frozen=True)
class TurnWords:
    yes: re.Pattern[str]
    no: re.Pattern[str]
    not_sure: re.Pattern[str]
    yes_lead: re.Pattern[str]
    no_lead: re.Pattern[str]
    names: Mapping[str, re.Pattern[str]]
    positions: Mapping[str, re.Pattern[str]]
    correction_framing: re.Pattern[str]
    data_question: re.Pattern[str]
    family_sees: re.Pattern[str]
    therapist: re.Pattern[str]
    keep: re.Pattern[str]
    question_noun: re.Pattern[str]
    change_named: re.Pattern[str]
    hedged_yes: re.Pattern[str]
    hedged_value: re.Pattern[str]
    filler: re.Pattern[str]
    lower: re.Pattern[str]
    higher: re.Pattern[str]
    not_direction: re.Pattern[str]
    doubting_echo: re.Pattern[str]
    safe_reply: re.Pattern[str]
    not_safe_reply: re.Pattern[str]
    safe_despite_no: re.Pattern[str]
    safe_statement: re.Pattern[str]
    refers_back: re.Pattern[str]
    correction_lead: re.Pattern[str]
    stop_request: re.Pattern[str]
    goodbye_words: re.Pattern[str]
    thanks_words: re.Pattern[str]
    still_deciding: re.Pattern[str]
    restating_lead: re.Pattern[str]
    stop_saving: re.Pattern[str]
    stop_confirming: re.Pattern[str]
    stepping_away: re.Pattern[str]
    back_again: re.Pattern[str]
    is_that_normal: re.Pattern[str]
    asks_meaning: re.Pattern[str]
    which_meaning: re.Pattern[str]
    which_meaning_anywhere: re.Pattern[str]
    not_a_rating_number: re.Pattern[str]
    normal_anywhere: re.Pattern[str]
    disputes_lead: re.Pattern[str]
    carry_on_unsaved: re.Pattern[str]
    keep_saving: re.Pattern[str]
    saving_words: re.Pattern[str]
    revision: re.Pattern[str]
    points_back: re.Pattern[str]
    why_question: re.Pattern[str]
    confirm_words: re.Pattern[str]
    consent_yes: re.Pattern[str]
    complaint: re.Pattern[str]
    consent_not_a_no: re.Pattern[str]
    why_saving: re.Pattern[str]
    asks_for_a_person: re.Pattern[str]
    leaving_now: re.Pattern[str]
    stepping_away_home: re.Pattern[str]
    shared_device: re.Pattern[str]


def _whole(alternatives: str) -> re.Pattern[str]:
    return re.compile(rf"(?:{_alternation(alternatives)})")


def _alternation(raw: str) -> str:
    return "|".join(part.strip() for part in raw.split("|") if part.strip())


_SPACES_IN_PATTERN = re.compile(r"\s*(?:\n|(?=\|)|(?<=\|))\s*")  # a folded pattern's breaks are no part of it


@cache
def _turns_raw(language: str = DEFAULT_LANGUAGE) -> dict[str, object]:
    with (TURNS_CONTENT / f"{language}.yml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@cache
def turn_words(language: str = DEFAULT_LANGUAGE) -> TurnWords:
    raw = _turns_raw(language)
    return TurnWords(
        yes=_whole(raw["yes_words"]),
        no=_whole(raw["no_words"]),
        not_sure=_whole(raw["not_sure_words"]),
        yes_lead=re.compile(rf"(?:{_alternation(raw['yes_lead'])})\b"),
        no_lead=re.compile(rf"(?:{_alternation(raw['no_lead'])})\b"),
        names={slot: re.compile(rf"\b(?:{_alternation(words)})\b") for slot, words in raw["names"].items()},
        positions={place: re.compile(str(words).strip()) for place, words in raw["positions"].items()},
        correction_framing=re.compile(rf"\b(?:{_alternation(raw['correction_framing'])})\b"),
        data_question=re.compile(str(raw["data_question"]).strip()),
        family_sees=re.compile(str(raw["family_sees"]).strip()),
        therapist=re.compile(rf"\b(?:{raw['therapist_words']})\b"),
        keep=re.compile(str(raw["keep_words"]).strip()),
        question_noun=re.compile(rf"\b(?:{_alternation(raw['question_noun'])})\b"),
        change_named=re.compile(rf"\b(?:{_alternation(raw['change_named'])})\b"),
        hedged_yes=re.compile(rf"\b(?:{_alternation(raw['hedged_yes'])})\b"),
        hedged_value=re.compile(rf"(?:^|\b)(?:{_alternation(raw['hedged_value'])})(?:\b|$)"),
        filler=re.compile(rf"\b(?:{_alternation(raw['filler'])})\b"),
        lower=re.compile(rf"\b(?:{_alternation(raw['lower'])})\b"),
        higher=re.compile(rf"\b(?:{_alternation(raw['higher'])})\b"),
        not_direction=re.compile(rf"\b(?:{_alternation(raw['not_direction'])})\b"),
        doubting_echo=re.compile(rf"(?:^|\b)(?:{_alternation(raw['doubting_echo'])})\b"),
        safe_reply=re.compile(rf"(?:{_alternation(raw['safe_reply'])})\b"),
        not_safe_reply=re.compile(rf"\b(?:{_alternation(raw['not_safe_reply'])})\b"),
        safe_despite_no=re.compile(rf"\b(?:{_alternation(raw['safe_despite_no'])})\b"),
        safe_statement=re.compile(rf"\b(?:{_alternation(raw['safe_statement'])})\b"),
        refers_back=re.compile(rf"\b(?:{_alternation(raw['refers_back'])})\b"),
        correction_lead=re.compile(rf"(?:{_alternation(raw['correction_lead'])})\b"),
        stop_request=re.compile(str(raw["stop_request"]).strip()),
        goodbye_words=re.compile(str(raw["goodbye_words"]).strip()),
        thanks_words=re.compile(str(raw["thanks_words"]).strip()),
        still_deciding=re.compile(str(raw["still_deciding"]).strip()),
        restating_lead=re.compile(rf"^(?:{_alternation(raw['restating_lead'])})\b[\s,:]*"),
        stop_saving=re.compile(str(raw["stop_saving"]).strip()),
        stop_confirming=re.compile(str(raw["stop_confirming"]).strip()),
        stepping_away=re.compile(str(raw["stepping_away"]).strip()),
        back_again=re.compile(str(raw["back_again"]).strip()),
        is_that_normal=re.compile(str(raw["is_that_normal"]).strip()),
        asks_meaning=re.compile(str(raw["asks_meaning"]).strip()),
        which_meaning=re.compile(str(raw["which_meaning"]).strip()),
        which_meaning_anywhere=re.compile(str(raw["which_meaning_anywhere"]).strip()),
        not_a_rating_number=re.compile(str(raw["not_a_rating_number"]).strip()),
        normal_anywhere=re.compile(str(raw["normal_anywhere"]).strip()),
        disputes_lead=re.compile(str(raw["disputes_lead"]).strip()),
        carry_on_unsaved=re.compile(str(raw["carry_on_unsaved"]).strip()),
        keep_saving=re.compile(str(raw["keep_saving"]).strip()),
        saving_words=re.compile(str(raw["saving_words"]).strip()),
        revision=re.compile(rf"\b(?:{_alternation(raw['revision'])})\b"),
        points_back=re.compile(rf"\b(?:{_alternation(raw['points_back'])})\b"),
        why_question=re.compile(str(raw["why_question"]).strip()),
        complaint=re.compile(_SPACES_IN_PATTERN.sub("", str(raw["complaint"]).strip())),
        consent_yes=re.compile(_SPACES_IN_PATTERN.sub("", str(raw["consent_yes"]).strip())),
        consent_not_a_no=re.compile(str(raw["consent_not_a_no"]).strip()),
        confirm_words=re.compile(rf"(?<!\w)(?:{_alternation(raw['confirm_words'])})(?!\w)"),
        why_saving=re.compile(str(raw["why_saving"]).strip()),
        asks_for_a_person=re.compile(str(raw["asks_for_a_person"]).strip()),
        leaving_now=re.compile(str(raw["leaving_now"]).strip()),
        stepping_away_home=re.compile(str(raw["stepping_away_home"]).strip()),
        shared_device=re.compile(str(raw["shared_device"]).strip()),
    )


_EDGE_NOISE = re.compile(r"^[\W_]+|[\W_]+$")
_SPACES = re.compile(r"\s+")


def _plain(text: str) -> str:
    """Lower case, single spaces, no punctuation or emoji at either end: how a one-word reply is compared."""
    return _EDGE_NOISE.sub("", _SPACES.sub(" ", text.lower().replace("\u2019", "'")).strip())


def says_yes(text: str) -> bool:
    return bool(turn_words().yes.fullmatch(_plain(text)))


def says_no(text: str) -> bool:
    return bool(turn_words().no.fullmatch(_plain(text)))


def wants_no_saving(text: str) -> bool:
    """"Actually, I don't want my answers saved": the client takes back their yes to saving."""
    return bool(turn_words().stop_saving.search(_plain(text)))


def _saving_choice(message: Message, text: str) -> TurnPlan | None:
    """The reply to "Shall I delete what's saved and carry on without saving?". A yes, or words for carrying
    on unsaved, stop the saving; a no or "keep saving" keeps it (and the reply says how to stop later);
    "delete everything" goes to the rules' deletion; None for anything else."""
    plain, words = _plain(text), turn_words()
    if message.intent == "delete_data" and message.confidence >= CONFIDENT_INTENT:
        return TurnPlan(interrupt="delete_data")
    keep = bool(words.keep_saving.search(plain))
    stop = bool(words.carry_on_unsaved.search(plain) or words.stop_saving.search(plain))
    if stop and not keep or (not keep and (says_yes(text) or message.intent == "affirm")):
        return TurnPlan(saving="stop", nudge=True)
    if keep and not stop or says_no(text) or message.intent == "deny":
        return TurnPlan(saving="keep", nudge=True)
    return None


def asks_about_data(text: str) -> bool:
    """A question about what happens to the client's words ("what happens to what I type?")."""
    return bool(turn_words().data_question.search(_plain(text)) or family_asks_to_see(text))


def signs_off(text: str) -> bool:
    """Thanks or a goodbye, in whatever other words ("Thank you. That's everything. Good evening.",
    "Siyabonga, bye"): after the summary, a close, never the start of a new reflection."""
    plain = _plain(text)
    return bool(turn_words().goodbye_words.search(plain) or turn_words().thanks_words.search(plain))


def family_asks_to_see(text: str) -> bool:
    """Someone at home asks to see the answers ("my partner wants to know if she can see this", "my
    husband wants to read all this, can he?"); read with its question mark."""
    return bool(turn_words().family_sees.search(" ".join(text.lower().split())))


def asks_for_a_person(text: str) -> bool:
    """Asking to talk to someone at the clinic ("can I talk to somebody at the clinic about this?")."""
    return bool(turn_words().asks_for_a_person.search(_plain(text)))


def asks_why_saving(text: str) -> bool:
    """Why the answers are saved at all ("why do you need to save it?"): what saving is for, then who sees
    what, never why the questions are asked."""
    return bool(turn_words().why_saving.search(_plain(text)))


def shares_a_device(text: str) -> bool:
    """Someone else uses this device ("we share a laptop"): how to leave quickly and erase the chat."""
    return bool(turn_words().shared_device.search(_plain(text)))


def asks_about_therapist(text: str) -> bool:
    """The question names the therapist ("will my therapist find out?")."""
    return bool(turn_words().therapist.search(_plain(text)))


def refuses(text: str) -> bool:
    """A no, in a word or a sentence ("no keep it", "don't delete anything"); one that opens with a yes
    ("yes, don't keep any of it") is not. In doubt it refuses: nothing is erased on a guess."""
    plain, words = _plain(text), turn_words()
    if says_yes(text) or (words.yes_lead.match(plain) and not words.no_lead.match(plain)):
        return False
    return says_no(text) or bool(words.keep.search(plain))


def only_confirms(text: str) -> bool:
    """The whole reply confirms what was read back ("bingo", "spot on", "yes that's what I said", "100%"),
    maybe with a hedge or filler: never an answer of its own."""
    lowered = _SPACES.sub(" ", text.lower().replace("\u2019", "'")).strip()
    words = turn_words()
    if not words.confirm_words.search(lowered) or _NEGATION.search(lowered):
        return False
    rest = words.confirm_words.sub(" ", lowered)
    rest = words.filler.sub(" ", words.hedged_yes.sub(" ", rest))
    return not re.sub(r"[\W_]+", "", rest)


def says_not_sure(text: str) -> bool:
    return bool(turn_words().not_sure.fullmatch(_plain(text)))


_DIGIT = re.compile(r"(?<![\d.])\d+(?![\d.])")


def tapped_button(item: str, text: str) -> Reading | None:
    """The answer a tap (or the button's exact words typed) gives, read from its payload; None otherwise.

    A tap is the client's own choice: it is taken as it is, never weighed against the model."""
    plain = _plain(text)
    if not plain:
        return None
    bank = load_item_bank()
    if item not in bank.slots:
        return None
    for button in bank.buttons_for(bank.item(item)):
        if plain in (_plain(button.payload), _plain(button.title)):
            reading = read_answer(item, button.payload)
            return reading if reading.is_answer else None
    return None


def asks_to_correct(message: Message) -> bool:
    confident = message.intent == CORRECTION_INTENT and message.confidence >= CONFIDENT_INTENT
    return confident or is_correction(message.text)


@cache
def _names() -> dict[str, re.Pattern[str]]:
    """Each question's names: the words in content/turns, its area as the assistant says it, and the words
    of its own question ("the adapting one")."""
    names = dict(turn_words().names)
    own_words = _question_words()
    for item in load_item_bank().items:
        own = names.get(item.slot)
        parts = [own.pattern] if own else []
        parts.append(rf"\b{re.escape(item.area.lower())}\b")
        if own_words.get(item.slot):
            parts.append(own_words[item.slot])
        names[item.slot] = re.compile("|".join(parts))
    return names


_QUESTION_WORD = re.compile(r"[a-z][a-z']+")
_SUFFIXES = ("ing", "ed", "es", "s")
MIN_STEM = 4


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word[:-1] if word.endswith("e") and len(word) > MIN_STEM else word


def _question_words() -> dict[str, str]:
    """For each rated or choice question, a pattern naming it by a word only its own question uses ("Does
    your therapist adapt ...?" -> "the adapting question", "that feedback one")."""
    bank, raw = load_item_bank(), _turns_raw()
    stop = {word.strip() for word in str(raw["question_stopwords"]).split("|")}
    stems: dict[str, set[str]] = {}
    for slot in _namable():
        question = bank.item(slot).question
        asked = " ".join(text for key, text in question.items() if not key.startswith("returning")).lower()
        found = (word for word in _QUESTION_WORD.findall(asked) if len(word) >= MIN_STEM and word not in stop)
        stems[slot] = {_stem(word) for word in found}
    frame = _alternation(str(raw["name_frame"]))
    patterns: dict[str, str] = {}
    for slot, found in stems.items():
        elsewhere = set().union(*(others for other, others in stems.items() if other != slot))
        unique = sorted(found - elsewhere)
        if unique:
            words = "|".join(re.escape(stem) for stem in unique)
            patterns[slot] = rf"\b(?:the|that|this|my) (?:{words})\w*(?: [a-z]+)? (?:{frame})\b"
    return patterns


def named_item(text: str, among: Sequence[str]) -> str | None:
    """The question a message names ("my answer about goals"), if it names exactly one of ``among``."""
    plain = _plain(text)
    named = [slot for slot in among if _names()[slot].search(plain)]
    return named[0] if len(named) == 1 else None


_ORDINALS = {"first": 0, "second": 1, "third": 2}


def _position(text: str) -> tuple[str, re.Match[str]] | None:
    plain = _plain(text)
    for place, words in turn_words().positions.items():
        found = words.search(plain)
        if found:
            return place, found
    return None


def referred_item(text: str, state: FormState, among_ratings: bool = True) -> str | None:
    """The earlier answer a message points at by its place: "the first one", "the question before", "my last
    answer"; None when it names no place (or the place holds no answer).

    "The first one" counts the ratings given (a client who gave several numbers means the first number, not
    how long they have been going); "the first question" or "answer" counts every question answered, as does
    ``among_ratings`` False (the buttons of "which answer?", listed in the form's order)."""
    found = _position(text)
    if found is None:
        return None
    place, match = found
    order = [slot for slot in load_item_bank().slots if slot in state.answered]
    if place in _ORDINALS:
        index = _ORDINALS[place]
        rated = [slot for slot in order if slot in load_item_bank().scale_slots]
        by_rating = among_ratings and rated and not turn_words().question_noun.search(match.group(0))
        counted = rated if by_rating else order
        return counted[index] if index < len(counted) else None
    if place == "last" and state.last_answered in state.answered:
        return state.last_answered
    if place == "before_last":  # the answer given before the last one
        last = state.last_answered if state.last_answered in order else (order[-1] if order else None)
        earlier = order[: order.index(last)] if last else []
        return earlier[-1] if earlier else None
    slots = load_item_bank().slots
    if state.requested in slots:  # the question asked just before this one
        before = [slot for slot in order if slots.index(slot) < slots.index(state.requested)]
        if before:
            return before[-1]
    return state.last_answered if state.last_answered in state.answered else (order[-1] if order else None)


def plan_turn(message: Message, state: FormState) -> TurnPlan:
    """Decide what the message does to the reflection (see the module's docstring for the order).

    Words the client copied from the assistant ("…'are you safe right now?' yes lol, 2") are no part of
    their answer: the message is read, and kept as their words, without them."""
    own = without_bot_wording(message.text or "")
    if own == (message.text or ""):
        planned = _plan_turn(message, state)
    else:
        planned = _plan_turn(replace(message, text=own), state)
        for item in (*planned.values, *planned.notes):
            planned.words.setdefault(item, own)
    # "mostly surface. is that normal this early on?": the answer is read, and the question gets its word
    asks = turn_words().normal_anywhere.search(_plain(own))
    if asks and planned.explain is None and planned.interrupt is None and state.requested != CONSENT_SLOT:
        planned.explain = "normal"
        _without_the_normal_question(planned, state.requested)
    return planned


_SENTENCE_START = re.compile(r"(?:[.!?…]+\s+|,\s*|\s+-+\s+)")


def _without_the_normal_question(planned: TurnPlan, requested: str | None) -> None:
    """"more structure. Is that normal by the way?" as what is missing: the question gets its word of
    reassurance and is no part of the words kept ("more structure")."""
    value = planned.values.get(requested) if requested in load_item_bank().free_text_slots else None
    if not isinstance(value, str) or len(value.lower()) != len(value):
        return
    found = turn_words().normal_anywhere.search(value.lower())
    if found is None:
        return
    starts = [m.start() for m in _SENTENCE_START.finditer(value, 0, found.start())]
    kept = value[: starts[-1]].strip() if starts else ""
    if kept:
        planned.values[requested] = kept  # type: ignore[index]
        planned.words[requested] = kept  # type: ignore[index]


def _plan_turn(message: Message, state: FormState) -> TurnPlan:
    text = (message.text or "")[:MAX_READ_CHARS]
    if message.risk_tier == "crisis" or (message.risk_tier == "check_in" and not state.check_in_waived):
        return TurnPlan(interrupt="risk")
    if state.after_check_in and answers_check_in(message, text):
        # "yes I'm safe lol" answers "are you safe?", never a question: what was waiting still waits;
        # "I'm ok, just tired. 4" also answers the rating that was waiting
        rated = _rating_after_safe_reply(text, state)
        if rated is not None:
            return TurnPlan(explain="safe", values={state.requested: rated})
        return _still_waiting(state, "safe")
    if state.requested == CONSENT_SLOT:
        return _consent(message, text)
    plain = _plain(text)
    stop_confirming = turn_words().stop_confirming.search(plain)
    if stop_confirming or (message.intent == "confirm_less" and message.confidence >= CONFIDENT_INTENT):
        return _confirming_less(message, plain, state, stop_confirming)
    # weighing two readings asked as a question, at a rating or a choice (a hope may weigh two things, except
    # this therapy against life in general or this chat)
    words = turn_words()
    weighs = text.rstrip().endswith("?") and (
        state.requested not in load_item_bank().free_text_slots
        or bool(words.which_meaning_anywhere.search(plain))
    )
    counted = words.not_a_rating_number.sub(" ", text.lower())  # "back in 10", "my 2 dogs"
    aside = _aside(plain, has_number=bool(_DIGIT.search(counted)), asks=weighs)
    if aside is not None:
        return _still_waiting(state, aside)
    if state.saving_offer:
        chosen = _saving_choice(message, text)
        if chosen is not None:
            return chosen
        # Going on without choosing: the client asked not to save, so nothing more is saved, and the
        # message is read as it would be otherwise (usually the answer to the question asked)
        planned = _plan_turn(message, replace(state, saving_offer=False, saving=False))
        planned.saving = "stop"
        return planned
    if wants_no_saving(text):
        return TurnPlan(saving="offer" if state.saving else "unsaved", nudge=True)
    if state.pending_confirmation is not None:
        planned = _confirmation_answer(message, text, state, state.pending_confirmation)
        if planned is not None:
            return planned
    if state.pending_correction is not None:
        planned = _correction_answer(message, text, state, state.pending_correction)
        if planned is not None:
            return planned
    complained_of = complains_of_an_answer(text, state)
    if complained_of is not None:
        return TurnPlan(correction_prompt=complained_of)  # "what would you like your answer about ... to be?"
    disputed = _disputes_the_last_answer(text, state)
    if disputed is not None:
        return disputed
    recount = _recounted(message, text, state)
    if recount is not None:
        return recount
    if state.answered and (
        (asks_to_correct(message) and not _back_with_an_answer(text, state))
        or changes_an_earlier_answer(text, state) or corrects_by_name(text, state)
        or revises_an_earlier_answer(text, state) or named_changes(text, state)
    ):
        return _with_the_answer_before(_correction(message, text, state), text, state)
    if state.requested is None:
        return TurnPlan(interrupt=message.intent or "no_question")
    if state.requested in load_item_bank().free_text_slots and only_confirms(text):
        return TurnPlan(nudge=True)  # "bingo" after a check already settled is no hope: the question again
    if asks_to_stop(message, text, state.requested):
        return TurnPlan(interrupt=message.intent)
    free_text = state.requested in load_item_bank().free_text_slots
    sure_skip = message.intent == "skip" and (message.confidence >= CONFIDENT_INTENT or free_text)
    if sure_skip or is_skip(text):
        return TurnPlan(notes={state.requested: "skipped"})
    tap = tapped_button(state.requested, text)
    if tap is not None:
        plan = TurnPlan()
        _settle(plan, state.requested, tap)
        return plan
    readings = read_all(text, list(state.open_items), asked=state.requested)
    asked = readings.get(state.requested)
    answers_asked = asked is not None and asked.is_answer
    if message.intent == "skip" and not answers_asked:
        # an unsure "skip" gives way to a clear answer ("I did not need to say something to her": not yet)
        return TurnPlan(notes={state.requested: "skipped"})
    if message.intent in NUDGE_INTENTS and message.confidence >= CONFIDENT_INTENT and not answers_asked:
        return TurnPlan(nudge=True)
    # A question about their data is never an answer; at a free-text question, where any words can be one,
    # only when it is asked as a question ("and can my counsellor read what I type here?") or someone at home
    # asks to see it ("my partner wants to know if she can see this").
    asked_as_question = free_text and (text.rstrip().endswith("?") or family_asks_to_see(text))
    # "If I delete this chat later, is everything gone?" asked as the hope: about saving, so about the data
    about_saving = text.rstrip().endswith("?") and bool(turn_words().saving_words.search(_plain(text)))
    data_question = (asks_about_data(text) or about_saving) and (not answers_asked or asked_as_question)
    part = answer_part(state.requested, text)
    alone = part is None or part.strip() == text.strip()
    why = message.intent != "ask_why" and turn_words().why_question.search(plain)  # ask_why: the rules
    asks_why = not answers_asked or asked_as_question or plain.startswith("why")  # "why u need that"
    if alone and why and not data_question and asks_why:
        # "why do you want to know what I hope for?", whatever else the classifier took it for: why, then the
        # question again
        return TurnPlan(explain="why", nudge=True)
    # "who is the staff, do they work with my therapist?" is about their data, whatever else it was taken for
    if _is_side_request(message, state.requested, answers_asked) and not (
        data_question and message.intent == OUT_OF_SCOPE_INTENT
    ):
        return TurnPlan(interrupt=message.intent)
    # "she mostly listens, a 4. will my therapist see this?": the question is answered and the answer taken
    asked = _asked_in_passing(message, text, part)
    if asked is not None and part is not None:
        answered = _answered_around_a_question(message, state, part, asked)
        if answered is not None:
            return answered
        if asked == "why":  # "why do you even ask that?" with no answer around it: answered, then asked again
            return TurnPlan(explain="why", nudge=True)
    if data_question:
        # "what happens to what I type?" the classifier did not place: answered here, never an answer
        return TurnPlan(explain="data", nudge=True)
    planned = _answers(message, state, readings)
    if asked is not None and part is not None:
        _without_the_question(planned, part, asked)
    return planned


def _asked_in_passing(message: Message, text: str, part: str | None) -> str | None:
    """"data" or "why" for a message that asks about the client's data, or why we ask, in a sentence of its
    own beside its other sentences; None otherwise."""
    if part is None or part.strip() == text.strip():
        return None
    confident = message.confidence >= CONFIDENT_INTENT
    if asks_about_data(text) or (message.intent == "ask_data" and confident):
        return "data"
    if turn_words().why_question.search(_plain(text)) or (message.intent == "ask_why" and confident):
        return "why"
    return None


def _without_the_question(plan: TurnPlan, part: str, asked: str) -> None:
    """The question is answered (``asked``: "data" or "why"); the client's words kept for their answers are
    those around it."""
    plan.explain = asked
    for item in (*plan.values, *plan.notes, *([plan.confirm.item] if plan.confirm else [])):
        plan.words.setdefault(item, part.strip())
    if plan.confirm is not None:
        plan.confirm = replace(plan.confirm, words=part.strip())


def _answered_around_a_question(
    message: Message, state: FormState, part: str, asked: str
) -> TurnPlan | None:
    """The answer said around a question to the assistant, read without the question ("to feel less anxious
    at work. will my therapist see this?" -> the hope, and the data answer); None when the rest answers
    nothing (the question is answered and asked again)."""
    requested = state.requested
    assert requested is not None
    readings = read_all(part, list(state.open_items), asked=requested)
    if not readings[requested].is_answer:
        return None
    planned = _answers(replace(message, text=part), state, readings)
    _without_the_question(planned, part, asked)
    return planned


_NEGATION = re.compile(r"\b(?:no|not|don'?t|do not|never|rather not|nope|nah)\b")
_YES_ANYWHERE = re.compile(r"\b(?:yes|yeah|yep|okay|ok|sure|fine|go ahead)\b")
_CLEAR_NO = re.compile(r"\b(?:no(?! idea| clue| problem| worries| doubt)|nope|nah|rather not)\b")


_YES_THEN_A_SENTENCE = re.compile(r"^\W*(?:yes|yeah|yep|yup|ok|okay|sure|fine)\W*[.!]\s")


def _consent(message: Message, text: str) -> TurnPlan:
    plain, words = _plain(text), turn_words()
    asks_about_saving = asks_about_data(text) or words.saving_words.search(plain) or shares_a_device(text)
    asks_data = message.intent == "ask_data" and message.confidence >= CONFIDENT_INTENT
    # "why do you need to save it?" is about saving, whatever the classifier took it for ("why do you ask?")
    side_request = message.intent in SIDE_REQUEST_INTENTS and not asks_why_saving(text)
    asked = text.rstrip().endswith("?") and not side_request
    if (asked and asks_about_saving) or asks_data:
        # "is it possible to do this without saving anything?", "before I say yes, will my therapist see
        # this?": answered, and the question asked again; a yes said first, in a sentence of its own ("Yes.
        # One question: can the clinic see my name?") is taken too
        # ... but not "ok. the thing is I share this laptop and I don't want them seeing this. will it stay?"
        yes_first = _YES_THEN_A_SENTENCE.match(text.lower()) and not _NEGATION.search(
            words.consent_not_a_no.sub(" ", plain)  # "Yes. Saving them is no problem." is no no
        )
        if yes_first and not words.still_deciding.search(plain):
            return TurnPlan(explain="data", values={CONSENT_SLOT: True})
        return TurnPlan(interrupt="ask_data") if asks_data else TurnPlan(explain="data", nudge=True)
    if words.still_deciding.search(plain) and not says_yes(text):
        return TurnPlan(missed=True)  # "hmm ok, let me think about it for a sec": no yes yet
    if wants_no_saving(text):  # "I'd rather you didn't keep any of this", whatever the classifier called it
        return TurnPlan(values={CONSENT_SLOT: False})
    asks = text.rstrip().endswith("?")  # "right, is that ok?" asks; it does not agree
    affirmed = message.intent == "affirm" and (not asks or _YES_THEN_A_SENTENCE.match(text.lower()))
    if affirmed or says_yes(text):
        return TurnPlan(values={CONSENT_SLOT: True})
    if message.intent == "deny" or says_no(text) or words.no_lead.match(plain):
        return TurnPlan(values={CONSENT_SLOT: False})
    negated = _NEGATION.search(words.consent_not_a_no.sub(" ", plain))  # "yep no worries" is no no
    yes_said = words.yes_lead.match(plain) or words.consent_yes.search(plain)
    plain_yes = yes_said and not asks and not negated
    if plain_yes and (message.intent in NUDGE_INTENTS or message.confidence < CONFIDENT_INTENT):
        # "yes go ahead, sorry in advance" is no greeting; "keep it, mate, don't bother me" no unsure guess
        # at a request to delete
        return TurnPlan(values={CONSENT_SLOT: True})
    if message.intent in SIDE_REQUEST_INTENTS or message.intent in NUDGE_INTENTS:
        return TurnPlan(interrupt=message.intent)
    if (yes_said or _YES_ANYWHERE.search(plain)) and not asks and not negated:
        return TurnPlan(values={CONSENT_SLOT: True})  # "yea thats fne", "I think that's okay? yes"
    if _CLEAR_NO.search(plain) and not asks:
        return TurnPlan(values={CONSENT_SLOT: False})  # "I guess... no, not this time": nothing kept
    return TurnPlan(missed=True)


def _is_side_request(message: Message, requested: str, answers_asked: bool) -> bool:
    """A side request that is not also the answer. For a free-text question ("what do you hope for?") the
    reader's own word counts most: "my anxiety at work" is an answer, whatever the classifier guessed."""
    if message.intent not in SIDE_REQUEST_INTENTS:
        return False
    if requested in load_item_bank().free_text_slots:
        if message.intent == MEDICAL_INTENT and answers_asked:  # a hope may name a condition
            return asks_for_medical_advice(message.text)
        return not answers_asked or message.confidence >= CERTAIN_INTENT
    return not answers_asked


def _answers(message: Message, state: FormState, readings: Mapping[str, Reading]) -> TurnPlan:
    requested = state.requested
    assert requested is not None
    plan = TurnPlan()
    # When the message rates another question in numbers of its own ("... 4. The advice, maybe a 2"), the
    # model's reading of the whole message is no reading of the asked question's part.
    rates_another = any(
        item != requested and reading.kind is ReadingKind.VALUE and isinstance(reading.value, int)
        and reading.confidence >= STATED for item, reading in readings.items()
    )
    # "I don't know what deep is supposed to feel like": the model reads "deep" as a rating; the client said
    # they can't tell
    doubts = readings[requested].kind is ReadingKind.DONT_KNOW and doubts_the_question(message.text)
    # "about as deep as a puddle": the model reads "deep"; the rule reader reads the figure
    rated = requested in load_item_bank().scale_slots
    figure = rated and readings[requested].kind is ReadingKind.VALUE and rates_in_a_figure(message.text)
    model = None if rates_another or doubts or figure else message.model_readings.get(requested)
    decision = decide(readings[requested], model)
    if isinstance(decision, Confirm) and state.confirm_less:  # the client asked not to be asked
        decision = Take(decision.proposed)
    ironic = _ironic_praise(requested, decision, message.text)
    if ironic is not None:
        plan.confirm = Confirmation(requested, ironic, words=message.text, ironic=True)
    elif isinstance(decision, Take):
        _settle(plan, requested, decision.reading, whole_text=message.text)
    elif isinstance(decision, Confirm):
        plan.confirm = Confirmation(requested, decision.proposed, words=message.text)
    elif _hope_said_instead(message.text, state, readings[requested]):
        # "feel better" to "have you told your therapist?": kept as their hope, and the question asked again
        _settle(plan, HOPES_SLOT, read_answer(HOPES_SLOT, message.text), whole_text=message.text)
        plan.also_answered.append(HOPES_SLOT)
        plan.nudge = True
    else:
        plan.missed = True
    # A story told for a free-text question ("tell me more") mentions much; only a rating or a choice asked
    # for reads other questions' answers out of the same message.
    others = () if requested in load_item_bank().free_text_slots else state.open_items
    for item in others:
        if item == requested or item in plan.values or item in plan.notes:
            continue
        reading = readings.get(item)
        if reading is not None and reading.kind in (ReadingKind.VALUE, ReadingKind.NOT_APPLICABLE):
            _settle(plan, item, reading)
            plan.also_answered.append(item)
    return plan


def _still_waiting(state: FormState, explain: str) -> TurnPlan:
    """A message the form answers itself, then asks again: what was waiting (a check, a correction) waits."""
    return TurnPlan(
        nudge=True,
        explain=explain,
        confirm=state.pending_confirmation,
        correction_prompt=state.pending_correction,
    )


def _aside(plain: str, has_number: bool, asks: bool = False) -> str | None:
    """What an aside asks, when the message is one the form answers itself, in this order: "meaning" ("wat do
    u mean by deep": the question in other words), "normal" ("is that normal?": reassurance), "away" ("hang
    on, the phone is ringing, back in a bit": "a bit" is no rating) or "back" ("ok I'm back"); else None.
    ``asks``: the message is a question at a rating or a choice, where weighing two readings of the question
    ("for therapy or for life?") asks what it means."""
    words = turn_words()
    if not has_number and words.asks_meaning.search(plain):
        return "meaning"
    if not has_number and asks and words.which_meaning.search(plain):  # asked with a "?" (``asks``)
        return "meaning"
    if words.is_that_normal.search(plain):
        return "normal"
    stepping_away = words.stepping_away.search(plain) or words.stepping_away_home.search(plain)
    if not has_number and stepping_away and not _SAID_WRONG.search(plain):
        return "away"  # "hang on, the sessions answer is wrong" is a correction
    # "could we call it a day?" asks to stop: the pause it is, not a step away
    leaving = words.leaving_now.search(plain) and not _ASKS_TO.match(plain)
    if not has_number and leaving and not sounds_like_a_hope(plain):
        return "away"  # "lovely, I'll call it a night there, ta": the place is kept
    if words.back_again.search(plain):
        return "back"
    return None


_BACK = re.compile(r"^(?:(?:ok|okay|right|alright|sorry|so|yeah|ya)\W+)*(?:i'?m |im |i am )?back\b(?! to\b)")


def _back_with_an_answer(text: str, state: FormState) -> bool:
    """"ok back - about a 3" on return from a pause: the answer to the question left open, however the
    classifier took the "back" ("go back to …"), unless it also says which answer to change."""
    plain = _plain(text)
    if not _BACK.match(plain) or is_correction(text) or state.requested is None:
        return False
    return read_answer(state.requested, _BACK.sub("", plain)).is_answer


_ASKS_TO = re.compile(r"^(?:(?:ok|okay|so|um|hmm|actually),? )?(?:can|could|shall|may|should|let'?s)\b")


def _disputes_the_last_answer(text: str, state: FormState) -> TurnPlan | None:
    """At a question asked in words, "no it didn't make a difference, I said nothing changed" changes the
    answer just taken (a rating or a choice) when it reads as a different, clear answer to it; else None."""
    bank = load_item_bank()
    last = state.last_answered
    # not at "tell me more", whose "nah" or "no, she just never listens" is about the answer it follows
    asked_in_words = state.requested in bank.free_text_slots and state.requested != TELL_MORE_SLOT
    if not asked_in_words or last is None or last in bank.free_text_slots:
        return None
    if last not in state.answered or not turn_words().disputes_lead.search(_plain(text)):
        return None
    reading = read_answer(last, text)
    if reading.kind not in (ReadingKind.VALUE, ReadingKind.NOT_APPLICABLE) or reading.value is None:
        return None
    if reading.value == state.answered.get(last) or reading.confidence < VERY_CONFIDENT:
        return None
    plan = TurnPlan(corrected=[last])
    _settle(plan, last, reading)
    return plan


def _confirming_less(
    message: Message, plain: str, state: FormState, request: re.Match[str] | None
) -> TurnPlan:
    """ "Stop asking me to confirm everything": readings are taken from now on. What else the message says is
    read as usual ("stop checking, it's a 2"); said alone, it takes the reading that was being checked.
    ``request``: the words that ask, when the turn words found them (else the classifier did)."""
    rest = (plain[: request.start()] + " " + plain[request.end() :]).strip(" ,.!;:-") if request else ""
    relaxed = replace(state, confirm_less=True)
    planned = _plan_turn(replace(message, text=rest), relaxed) if rest else TurnPlan()
    read_nothing = not (planned.values or planned.notes or planned.confirm or planned.interrupt)
    pending = state.pending_confirmation
    if read_nothing and not planned.correction_prompt and not planned.explain:
        if pending is not None:  # "stop asking me to confirm everything!!": what was checked is taken
            planned = TurnPlan(words={pending.item: pending.words} if pending.words else {})
            _settle(planned, pending.item, pending.proposed)
        else:
            planned = TurnPlan(nudge=True)
    planned.confirm_less = True
    return planned


def _hope_said_instead(text: str, state: FormState, asked: Reading) -> bool:
    """The reply is a hope, and not an answer to the question asked (its reader says so), while "what do you
    hope for?" is still open."""
    if asked.kind is not ReadingKind.NOT_AN_ANSWER or HOPES_SLOT not in state.open_items:
        return False
    if state.requested == HOPES_SLOT or not sounds_like_a_hope(text):
        return False
    return read_answer(HOPES_SLOT, text).kind is ReadingKind.VALUE


def _ironic_praise(item: str, decision: Take | Confirm | Nothing, text: str) -> Reading | None:
    """For a high rating said with irony ("oh yeah, SO heard, she checked her phone the whole time"), the
    opposite rating to check in one tap; None otherwise."""
    if item not in load_item_bank().scale_slots or isinstance(decision, Nothing):
        return None
    read = decision.reading if isinstance(decision, Take) else decision.proposed
    if read.kind is not ReadingKind.VALUE or not isinstance(read.value, int) or read.value < HIGH_RATING:
        return None
    if not sounds_ironic(text):
        return None
    return Reading(ReadingKind.VALUE, SCALE_TOP + SCALE_BOTTOM - read.value, read.confidence)


def _settle(plan: TurnPlan, item: str, reading: Reading, whole_text: str | None = None) -> None:
    """Store a reading: a value, or a note without one. The answer to the asked free-text question is kept
    whole, in the client's own words (``whole_text``)."""
    if reading.kind == ReadingKind.VALUE:
        free_text = item in load_item_bank().free_text_slots
        plan.values[item] = whole_text.strip() if free_text and whole_text else reading.value
    elif reading.kind == ReadingKind.NOT_APPLICABLE and reading.value is not None:
        plan.values[item] = reading.value  # e.g. homework "none": a value of its own in the contract
    elif reading.kind == ReadingKind.NOT_APPLICABLE:
        plan.notes[item] = "not_applicable"
    else:
        plan.notes[item] = NOT_SURE


def answers_check_in(message: Message, text: str) -> bool:
    """The reply says "yes, I'm safe" to "are you safe right now?" ("yes I'm safe lol", "I'm ok", a tap)."""
    if message.intent == "im_safe" and message.confidence >= CONFIDENT_INTENT:
        return True
    plain, words = _plain(text), turn_words()
    if says_yes(text) or (message.intent == "affirm" and not _DIGIT.search(plain)):
        return True
    lead = words.yes_lead.match(plain)
    rest = plain[lead.end():].lstrip(" ,.!") if lead else plain
    if words.safe_reply.match(rest):
        return True
    # what the safety question's own reply reader calls safe ("Yes, I am quite safe, thank you. Please
    # proceed."), so that the form and the safety reply never disagree about the same words
    from reflection.safety_reply import read_safety_reply  # noqa: PLC0415  (it imports this module)

    return read_safety_reply(text) == "safe"


def _rating_after_safe_reply(text: str, state: FormState) -> object | None:
    """The answer to the asked question given after "I'm safe" ("I'm fine, truly. 2"): a plain number on
    the scale, or words read as a clear value. Only for a question asked for a rating or a choice (never
    free text), with nothing else waiting; None for a bare "yes I'm safe lol"."""
    item = state.requested
    bank = load_item_bank()
    if item is None or item == CONSENT_SLOT or item not in bank.slots or item in bank.free_text_slots:
        return None
    if state.pending_confirmation is not None or state.pending_correction is not None:
        return None
    plain, words = _plain(text), turn_words()
    lead = words.yes_lead.match(plain)
    rest = plain[lead.end():].lstrip(" ,.!") if lead else plain
    safe = words.safe_reply.match(rest)
    rest = rest[safe.end():].strip(" ,.!;-") if safe else ""
    said_now = _clear_rating(item, rest) if rest else None
    # "meh, generic tips like 'breathe' lol. 2" got the check-in; "yes I'm fine" makes it an answer again
    # the checked message is read as an answer only: "these thoughts 3 times this week" gives no rating
    return said_now if said_now is not None else _clear_rating(item, state.checked_text, bare_number=False)


def _clear_rating(item: str, text: str, bare_number: bool = True) -> object | None:
    """A plain number on the scale (when ``bare_number``), or words read as a clear value; None otherwise."""
    numbers = {int(n) for n in _DIGIT.findall(_plain(text))}
    one_on_scale = len(numbers) == 1 and SCALE_BOTTOM <= min(numbers) <= SCALE_TOP
    if bare_number and item in load_item_bank().scale_slots and one_on_scale:
        return min(numbers)
    reading = read_answer(item, text)
    if reading.kind is ReadingKind.VALUE and reading.confidence >= VERY_CONFIDENT:
        return reading.value
    return None


def asks_to_stop(message: Message, text: str, requested: str) -> bool:
    """"Could we call it a day?" or "thanks, that's me done, bye" at a question asked in words: the pause
    or the goodbye it is, not a hope; a goodbye with thanks at a rated question too ("lovely, thank you,
    I'll say goodbye there"). The classifier's "pause", "goodbye" or "thanks" alone is not enough ("to stop
    feeling stuck" is a hope): the words must ask to stop the reflection or say goodbye too (or the
    classifier be certain, see ``_is_side_request``)."""
    if message.intent not in ("pause", "goodbye", "thanks"):
        return False
    plain = _plain(text)
    # "to say goodbye to my dad" is a hope; "lovely, thank you, I'll say goodbye there" leaves at any question
    leaving = bool(turn_words().goodbye_words.search(plain)) and not sounds_like_a_hope(text)
    if requested not in load_item_bank().free_text_slots:
        return leaving and not _DIGIT.search(plain)
    return bool(turn_words().stop_request.search(plain) and message.intent == "pause") or leaving


def corrects_by_name(text: str, state: FormState) -> bool:
    """At a question asked in words, a change of another answer named by its question ("back to the
    homework one: 2", "oh wait, I never did tell her"): a correction, never the answer in words. A rating
    needs its number and a word pointing back at the question; a choice, a correction's opening and a new
    value read clearly."""
    bank = load_item_bank()
    if state.requested not in bank.free_text_slots:
        return False
    earlier = [
        item for item in state.answered if item != state.requested and item not in bank.free_text_slots
    ]
    item = named_item(text, earlier)
    if item is None:
        return False
    plain, words = _plain(text), turn_words()
    reading = _new_value(item, text)
    if item in bank.scale_slots:
        return bool(_DIGIT.search(plain)) and bool(words.refers_back.search(plain)) and reading.is_answer
    if not words.correction_lead.match(plain):
        return False
    clear = reading.kind is ReadingKind.VALUE and reading.confidence >= WORDS_AFTER_NO
    return clear and reading.value != state.answered.get(item)


def _only_hedged_yes(plain: str) -> bool:
    """The whole reply is a yes, maybe hedged ("yeah more or less", "close enough", "hmm i guess so")."""
    words = turn_words()
    if _NEGATION.search(plain) or not words.hedged_yes.search(plain):
        return False
    rest = words.filler.sub(" ", words.hedged_yes.sub(" ", plain))
    return not re.sub(r"[\W_]+", "", rest)


_OUT_OF_FIVE = re.compile(r"\s*(?:/|\bout of|\boutta|\bof)\s*(?:5|five)\b")


def _only_hedges(plain: str) -> bool:
    """Nothing but hedges, filler, a yes and numbers ("i guess so? dunno", "idk like a 3"): no no, and no
    words of its own."""
    words = turn_words()
    rest = re.sub(rf"\b{words.not_sure.pattern}\b", " ", plain)
    if _NEGATION.search(rest):
        return False  # "not a 3", "nah it's 2": a no, read as one ("not sure" is no no)
    rest = _DIGIT.sub(" ", rest)
    for hedge in (words.hedged_yes, words.filler, words.hedged_value):
        rest = hedge.sub(" ", rest)
    return not re.sub(r"[\W_]+", "", rest)


def _hedged_value(plain: str) -> int | None:
    """The one rating a hedged reply states ("idk like a 3", "2ish? not sure", "a 2 out of 5 i guess"); None
    when it says anything else: a second number, a no, or words of its own."""
    plain = _OUT_OF_FIVE.sub(" ", plain)
    numbers = _DIGIT.findall(plain)
    if len(numbers) != 1 or not SCALE_BOTTOM <= int(numbers[0]) <= SCALE_TOP or not _only_hedges(plain):
        return None
    return int(numbers[0])


def _direction(plain: str) -> int:
    """-1 for "a bit lower", "worse than that"; +1 for "higher"; 0 for neither (or both)."""
    words = turn_words()
    plain = words.not_direction.sub(" ", plain)
    lower, higher = bool(words.lower.search(plain)), bool(words.higher.search(plain))
    rest = words.higher.sub(" ", words.lower.sub(" ", plain))
    rest = words.filler.sub(" ", words.hedged_yes.sub(" ", rest))
    if re.sub(r"[\W_]+", "", rest):
        return 0  # it says more than a direction: read for what it says
    return -1 if lower and not higher else 1 if higher and not lower else 0


def _confirmation_answer(
    message: Message, text: str, state: FormState, pending: Confirmation
) -> TurnPlan | None:
    """The reply to "I read that as ... Is that right?", read by what it means; None when it is a new
    answer to the checked question (read afresh) or a side request (answered by the rules, the check
    kept waiting: nothing changes in a turn the form rejects)."""
    # A tap confirms or corrects what the client said before; those words stay theirs.
    said = {pending.item: pending.words} if pending.words else {}
    tap = tapped_button(pending.item, text)
    if tap is not None:
        plan = TurnPlan(words=said)
        _settle(plan, pending.item, tap)
        return plan
    if says_not_sure(text):
        return TurnPlan(notes={pending.item: NOT_SURE}, words=said)
    if only_confirms(text):  # "bingo", "yes that's what I said": the yes, never an answer to what comes next
        return _confirmed(text, "", state, pending)
    plain = _plain(text)
    numbers = {int(n) for n in _DIGIT.findall(plain)}
    proposed = pending.proposed.value
    other_number = bool(numbers - {proposed})
    words = turn_words()
    rated = pending.item in load_item_bank().scale_slots and isinstance(proposed, int)
    if rated and proposed >= HIGH_RATING and not says_yes(text) and words.doubting_echo.search(plain):
        return TurnPlan(nudge=True)  # "so yeah, SUPER deep" to "is 5 right?" may mean the opposite: ask again
    # A hedged reply is about the reading checked, whatever the classifier made of it: a yes ("i guess so?
    # idk") confirms it; one number ("idk like a 3") is that answer, said back when it differs.
    hedged_yes = words.hedged_yes.search(plain) and not _DIGIT.search(plain) and _only_hedges(plain)
    if hedged_yes:
        return _confirmed(text, "", state, pending)
    stated = _hedged_value(plain) if pending.item in load_item_bank().scale_slots else None
    if stated is not None:
        if stated == proposed:
            return _confirmed(text, "", state, pending)
        return TurnPlan(values={pending.item: stated}, corrected=[pending.item], words=said)
    corrected = _corrects_another(message, text, state, pending)
    if corrected is not None:
        return _keep_waiting(corrected, pending)
    elsewhere = _about_another(message, text, state, pending)
    if elsewhere is not None:
        return elsewhere
    if asks_to_correct(message):  # "wait, I meant 2" names no other answer: it is about the one checked
        ahead = _answer_ahead(text, state, pending.item)
        if ahead is not None:
            return _keep_waiting(ahead, pending)
        reading = _new_value(pending.item, text)
        if not reading.is_answer:
            return TurnPlan(nudge=True)  # "can I change that?": the question again, plainly
        plan = TurnPlan(words=said)
        _settle(plan, pending.item, reading)
        return plan
    if rated and not numbers and (direction := _direction(plain)):
        # "hmm, a bit lower": the next value down, shown to the client as a change
        moved = min(SCALE_TOP, max(SCALE_BOTTOM, proposed + direction))
        return TurnPlan(values={pending.item: moved}, corrected=[pending.item], words=said)
    yes_lead, no_lead = words.yes_lead.match(plain), words.no_lead.match(plain)
    said_no = says_no(text) or bool(no_lead)
    affirmed = (message.intent == "affirm" or yes_lead) and not other_number and not said_no
    if says_yes(text) or _only_hedged_yes(plain) or affirmed:
        return _confirmed(text, plain[yes_lead.end():] if yes_lead else "", state, pending)
    if said_no or message.intent == "deny":
        return _refused(text, plain[no_lead.end():] if no_lead else "", pending)
    later = _later_answers(message, text, state, pending)
    if later is not None:
        return _keep_waiting(later, pending)
    side_request = message.intent in SIDE_REQUEST_INTENTS and message.confidence >= CONFIDENT_INTENT
    if text.rstrip().endswith("?") and not side_request and not asks_about_data(text):
        return TurnPlan(nudge=True, confirm=pending)  # "is that bad?" is no answer: the check waits
    given = read_answer(pending.item, text)
    if given.kind == ReadingKind.VALUE and given.confidence >= 0.9:
        return TurnPlan(values={pending.item: given.value}, words=said)
    if given.kind is ReadingKind.NOTHING and _reads_as_another_rating(text, state, pending):
        # "pretty generic tbh" to a check of depth: words about another question, not this one; the model's
        # reading of them is no new answer to the question checked
        return _keep_waiting(TurnPlan(), pending)
    return None


def _reads_as_another_rating(text: str, state: FormState, pending: Confirmation) -> bool:
    """Words that the reader of another open rated question reads, though the checked one's reads nothing:
    that question's own cues ("generic" is about advice)."""
    bank = load_item_bank()
    others = [item for item in state.open_items if item != pending.item and item in bank.scale_slots]
    answers = (ReadingKind.VALUE, ReadingKind.NOT_APPLICABLE)
    return any(read_answer(item, text).kind in answers for item in others)


def _refused(text: str, rest: str, pending: Confirmation) -> TurnPlan:
    """A no. "No, more like a 3", "nah it's a 2": the number they give ("nah" is no part of the rating); "no,
    pretty shallow": the answer the words after the no give; a bare no or "no, not even close": the question
    again, plainly."""
    said = {pending.item: pending.words} if pending.words else {}
    proposed = pending.proposed.value
    others = {int(n) for n in _DIGIT.findall(_plain(text))} - {proposed}
    on_scale = len(others) == 1 and SCALE_BOTTOM <= min(others) <= SCALE_TOP
    if pending.item in load_item_bank().scale_slots and on_scale:
        return TurnPlan(values={pending.item: min(others)}, words=said)
    if others:
        given = read_answer(pending.item, _restatement(rest)[0] or rest or text)
        if given.kind is ReadingKind.VALUE and given.value != proposed:
            return TurnPlan(values={pending.item: given.value}, words=said)
        return TurnPlan(nudge=True)
    rest, restated = _restatement(rest)
    if rest and (restated or (not _NEGATION.search(rest) and not _only_hedged_yes(rest))):
        given = read_answer(pending.item, rest)
        if given.kind is ReadingKind.VALUE and given.value != proposed and given.confidence >= WORDS_AFTER_NO:
            return TurnPlan(values={pending.item: given.value}, words=said)
    return TurnPlan(nudge=True)


def _restatement(rest: str) -> tuple[str, bool]:
    """What follows a no, without more no's and without the words that restate an answer ("no no, I said
    somewhat" -> "somewhat"); True when such words were there, so a "not" after them is the answer's own
    ("no, more like not really")."""
    words = turn_words()
    plain, restated = rest.strip(" ,.!;-"), False
    for _ in range(4):
        # once the answer is restated, a "not really" after it is the answer, not another no
        lead = words.restating_lead.match(plain) or (None if restated else words.no_lead.match(plain))
        if lead is None or not lead.group().strip():
            break
        restated = restated or lead.re is words.restating_lead
        plain = plain[lead.end() :].strip(" ,.!;-")
    return plain, restated


def _confirmed(text: str, rest: str, state: FormState, pending: Confirmation) -> TurnPlan:
    """A yes ("yes", "yeah more or less"). What follows a yes is read too: "yes, but nothing changed" is
    that answer, not the one proposed; "yes. and to stop feeling stuck" also answers the next question."""
    said = {pending.item: pending.words} if pending.words else {}
    plan = TurnPlan(words=said)
    rest = rest.strip(" ,.!;-")
    if rest and not _only_hedged_yes(rest) and not _DIGIT.search(rest):
        # The yes itself is no answer ("yes is right" confirms a 1): the words after it must say something;
        # when they do, the yes may make them surer ("yes, we agreed them together")
        own = read_answer(pending.item, rest)
        if own.kind is ReadingKind.VALUE and own.confidence < VERY_CONFIDENT:
            own = read_answer(pending.item, text)
        sure = own.kind is ReadingKind.VALUE and own.confidence >= VERY_CONFIDENT
        if sure and _contradicts(pending, own):
            _settle(plan, pending.item, own, whole_text=text)
            plan.words = {}
            return plan
        following = None if sure else _words_may_go_on(state, pending)
        if following is not None and len(rest.split()) >= MIN_WORDS_IN_PASSING:
            reading = read_answer(following, rest)
            if reading.kind is ReadingKind.VALUE:
                found = _plain(text).find(rest)  # the same words as the client wrote them
                words = text.strip()[found : found + len(rest)] if found >= 0 else rest
                words = words if words.lower().replace("\u2019", "'") == rest else rest
                _settle(plan, following, reading, whole_text=words)
                plan.words[following] = words
    _settle(plan, pending.item, pending.proposed, whole_text=pending.words or None)
    return plan


def _contradicts(pending: Confirmation, own: Reading) -> bool:
    """What follows the yes reads otherwise: another choice ("yes, but nothing changed"), or a rating two or
    more away; "yes, she gets me" to "about 4?" is still the yes to 4."""
    proposed = pending.proposed.value
    if isinstance(proposed, int) and isinstance(own.value, int):
        return abs(own.value - proposed) >= 2
    return own.value != proposed


def _words_may_go_on(state: FormState, pending: Confirmation) -> str | None:
    """The next question, when it asks in words and follows a check of a choice (raised_needs -> hopes): a
    reply may answer it. Words after a rating's check are about that rating, not "tell me more"."""
    bank = load_item_bank()
    later = [item for item in state.open_items if item != pending.item]
    following = later[0] if later else None
    if pending.item in bank.scale_slots or following not in bank.free_text_slots:
        return None
    return following


def _keep_waiting(plan: TurnPlan, pending: Confirmation) -> TurnPlan:
    """The reply went elsewhere (another answer changed, a later question answered): the check waits.

    It is asked once more, not taken as a yes or dropped: a client who carried on did not say the reading
    was right, and asking again costs one tap. Moving on a second time settles it as "not sure": no number
    is ever stored on a guess."""
    if pending.asked_again:
        plan.notes[pending.item] = NOT_SURE
        if pending.words:
            plan.words[pending.item] = pending.words
    else:
        plan.confirm = replace(pending, asked_again=True)
    return plan


def _corrects_another(
    message: Message, text: str, state: FormState, pending: Confirmation
) -> TurnPlan | None:
    """"Change the advice one to 3" while a reading of another question waits for its yes."""
    changes = changes_an_earlier_answer(text, state) or revises_an_earlier_answer(text, state)
    if not state.answered or not (asks_to_correct(message) or changes):
        return None
    target = named_item(text, list(state.answered)) or _referred_rating_or_question(text, state)
    if target is None or target == pending.item:
        return None
    return _correct(target, text, state)


def _about_another(message: Message, text: str, state: FormState, pending: Confirmation) -> TurnPlan | None:
    """A reply to "is that right?" that names another question and not the one checked ("the advice is kind
    of generic, 2", "homework? none really"): it answers that question, never the one checked. An opening
    yes still confirms the reading; anything else leaves the check waiting. None when it names no other
    question, or names the checked one too."""
    bank = load_item_bank()
    # hopes, "tell me more" and what is missing are named by everyday words ("I hope so"): only a rating or
    # a choice is named this way
    namable = [item for item in bank.slots if item not in bank.free_text_slots and item != CONSENT_SLOT]
    if pending.item not in namable:
        return None
    named = named_item(text, namable)
    if named is None or named == pending.item:
        return None
    plain, words = _plain(text), turn_words()
    yes_lead = words.yes_lead.match(plain)
    if named in state.answered and named not in state.open_items:
        changes = _DIGIT.search(plain) or asks_to_correct(message) or changes_an_earlier_answer(text, state)
        plan = _correct(named, text, state) if changes else TurnPlan()  # nothing changes on a guess
        if plan.correction_prompt is not None:
            plan.correction_prompt = None  # the check is what waits; the change can be said again later
    else:
        plan = TurnPlan()
        readings = (
            lambda: read_all(text, [pending.item, named], asked=pending.item)[named],
            lambda: read_answer(named, text),  # read as the answer to the question it names
            lambda: _new_value(named, text),  # "homework? none really": without the words naming it
        )
        found = [reading for reading in (read() for read in readings) if _clear_elsewhere(reading)]
        clear = max(found, key=lambda reading: reading.confidence, default=None)  # a number said wins
        if clear is not None:
            _settle(plan, named, clear)
            plan.also_answered.append(named)
    if yes_lead and not words.no_lead.match(plain):
        confirmed = _confirmed(text, "", state, pending)
        confirmed.values.update(plan.values)
        confirmed.notes.update(plan.notes)
        confirmed.also_answered, confirmed.corrected = plan.also_answered, plan.corrected
        return confirmed
    return _keep_waiting(plan, pending)


def _clear_elsewhere(reading: Reading) -> bool:
    return reading.is_answer and reading.confidence >= ELSEWHERE_CONFIDENCE


def _later_answers(message: Message, text: str, state: FormState, pending: Confirmation) -> TurnPlan | None:
    """Answers to later questions in a reply that says nothing readable about the checked one."""
    if message.intent in SIDE_REQUEST_INTENTS and message.confidence >= CONFIDENT_INTENT:
        return None
    if text.rstrip().endswith("?") or asks_about_data(text) or says_no(text) or says_yes(text):
        return None
    later = [item for item in state.open_items if item != pending.item]
    readings = read_all(text, [pending.item, *later], asked=pending.item)
    own = readings[pending.item].kind
    said_a_hope = own is ReadingKind.NOT_AN_ANSWER and sounds_like_a_hope(text)  # "feel better": moved on
    if own is not ReadingKind.NOTHING and not said_a_hope:
        return None  # an answer to the checked question, or no answer at all: not moved on
    plan = TurnPlan()
    for item in later:
        reading = readings.get(item)
        if reading is not None and reading.kind in (ReadingKind.VALUE, ReadingKind.NOT_APPLICABLE):
            _settle(plan, item, reading)
            plan.also_answered.append(item)
    following = _words_may_go_on(state, pending)
    if not plan.values and following is not None:
        # the next question asks in words ("what do you hope for?") and the reply reads as its answer
        reading = read_answer(following, text)
        if reading.kind is ReadingKind.VALUE:
            _settle(plan, following, reading, whole_text=text)
    return plan if plan.values or plan.notes else None


def _correction_answer(message: Message, text: str, state: FormState, pending: str) -> TurnPlan | None:
    """The reply to "which answer?" or "what should it be?"; None when the client moved on."""
    if pending != "which" and says_not_sure(text):
        # "idk" (or the "Not sure" button) to "what would you like your answer to be?": that is the answer
        return TurnPlan(corrected=[pending], notes={pending: NOT_SURE})
    if says_not_sure(text) or message.intent == "deny" or says_no(text):
        return TurnPlan(nudge=True)
    if pending == "which":
        # a name beats a place; a place counts the buttons shown, in the questions' order
        item = named_item(text, list(state.answered)) or referred_item(text, state, among_ratings=False)
        if item is None:
            return None
        return _correct(item, text, state)
    reading = _new_value(pending, text)
    if reading.is_answer:
        plan = TurnPlan(corrected=[pending])
        _settle(plan, pending, reading, whole_text=text)
        return plan
    return None


@cache
def _counted_item() -> str | None:
    """The question whose answer is a count of sessions (the item bank's "sessions" reader)."""
    return next((item.slot for item in load_item_bank().items if item.reader == "sessions"), None)


def _recounted(message: Message, text: str, state: FormState) -> TurnPlan | None:
    """A new count of sessions said at a later question, which it does not answer, as a correction ("sorry,
    it's more like 20 sessions actually", "I meant 20 sessions not 8"): the count is changed, and the
    question asked again. A hope is never taken for one ("actually I'd love to get through 20 sessions")."""
    bank, counted = load_item_bank(), _counted_item()
    requested = state.requested
    if requested is None or counted is None or requested == counted or counted not in state.answered:
        return None
    in_words = requested in bank.free_text_slots
    if text.rstrip().endswith("?") and not asks_to_correct(message):
        return None  # "how long is this going to take?", "is it normal after five sessions?": a question
    # "the sessions should be 9"; not a name inside a question ("how long is this going to take? …")
    statements = " ".join(part for part in _SENTENCES.findall(text) if not part.rstrip().endswith("?"))
    named = named_item(statements, [counted]) == counted
    led = named or _said_as_a_change(_plain(text))
    if not (asks_to_correct(message) or (led and not (in_words and sounds_like_a_hope(text)))):
        return None  # "only been 3 times so it hasn't come up yet": a count in passing, no correction
    model = message.model_readings.get(requested)
    if not in_words and (read_answer(requested, text).is_answer or (model is not None and model.is_answer)):
        beside = _recounted_beside_an_answer(message, text, state, counted)
        if beside is not None or not named:
            return beside
        # "Correction to the number of sessions. It is three, not five.": the count, though "three" reads too
    found, kept = _new_count(counted, text)
    if found.kind is not ReadingKind.VALUE and named:
        return TurnPlan(correction_prompt=counted)  # "hang on, the sessions should be, um": asked what
    if found.kind is not ReadingKind.VALUE:
        return None
    if len(_NUMBER.findall(_plain(kept))) > 1:  # "sorry, 2 sessions before, it's 9 sessions": which, asked
        return TurnPlan(correction_prompt=counted)
    plan = TurnPlan(corrected=[counted])
    _settle(plan, counted, found)
    return plan


_SENTENCES = re.compile(r"[^.!?]+[.!?]*")


def _recounted_beside_an_answer(
    message: Message, text: str, state: FormState, counted: str
) -> TurnPlan | None:
    """"actually it's more like 8 sessions, not 2. goals are a 3": a sentence that changes the count and
    others that answer the question asked; both are taken. None when the two are not in sentences apart."""
    sentences = [part for part in _SENTENCE_BREAK.split(text) if part.strip()]
    # the sentence, or the one before it, must change the count: "twice." in "… my sister's name. twice.
    # call it a 2" is none; "Correction to the number of sessions. It is three, not five." is one
    recounts = {
        part: _new_count(counted, part) for index, part in enumerate(sentences)
        if any(_changes_the_count(said, counted) for said in sentences[max(index - 1, 0) : index + 1])
    }
    recounts = {part: count for part, count in recounts.items() if count[0].kind is ReadingKind.VALUE}
    rest = " ".join(part for part in sentences if part not in recounts)
    if len(recounts) != 1 or not rest.strip() or not read_answer(state.requested, rest).is_answer:
        return None
    ((found, kept),) = recounts.values()
    if len(_NUMBER.findall(_plain(kept))) > 1:
        return None
    plan = _plan_turn(replace(message, text=rest, model_readings={}), state)
    if plan.interrupt is not None or plan.corrected or plan.correction_prompt is not None:
        return None
    plan.corrected.append(counted)
    _settle(plan, counted, found)
    return plan


def _changes_the_count(sentence: str, counted: str) -> bool:
    """A sentence that says it changes the count: led by a correction ("actually, …"), or naming sessions."""
    plain = _plain(sentence)
    named = named_item(sentence, [counted]) == counted
    return bool(_said_as_a_change(plain) or named or _SESSION_WORD.search(plain))


def _said_as_a_change(plain: str) -> bool:
    """Led by a correction ("actually", "sorry"), a rethink ("I was wrong") or "not right"."""
    words = turn_words()
    return bool(
        words.correction_lead.match(plain) or words.revision.search(plain) or _SAID_WRONG.search(plain)
    )


_SESSION_WORD = re.compile(r"\bsessions?\b")


# A count in digits or words; "one" is left out: "the first one", "that one" name an answer.
_COUNT = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|(?:twen|thir|for|fif)ty)"
# "I said 2 sessions earlier but ...", "..., not 2": a count taken back; its unit carries to the new one
_TAKEN_BACK_COUNT = re.compile(
    r"\b(?:i (?:said|put|wrote|typed|answered|told you)|not|instead of|rather than)\s+"
    rf"(?:(?:a|an|like|about|only|just)\s+)?{_COUNT}(?:\s+(?P<unit>sessions?|times|appointments?))?\b"
)


def _new_count(counted: str, text: str) -> tuple[Reading, str]:
    """The new count of sessions a correction gives, and the message without the count it takes back ("I
    said 2 sessions earlier but it's more like 8" -> 8 sessions; "sessions should be 8" -> 8 sessions)."""
    units: list[str] = []

    def taken_back(match: re.Match[str]) -> str:
        units.append(match.group("unit") or "")
        return " "

    kept = _TAKEN_BACK_COUNT.sub(taken_back, text.lower())
    found = read_in_passing(counted, kept)
    numbers = _NUMBER.findall(_plain(kept))
    if found.kind is ReadingKind.VALUE or len(numbers) != 1:
        return found, kept
    if not (any(units) or named_item(text, [counted]) == counted):
        return found, kept  # "advice that fits a 15 year old": no count at all
    with_unit = _COUNT_WITH_UNIT.search(_plain(kept))
    if with_unit is not None:  # "I meant 2 years, not 2 sessions": the count as said, with its own unit
        return read_answer(counted, with_unit.group(0)), kept
    return read_in_passing(counted, f"{numbers[0]} sessions"), kept


_COUNT_WITH_UNIT = re.compile(rf"\b{_COUNT}\s+(?:sessions?|times|appointments?|weeks?|months?|years?)\b")


_NUMBER = re.compile(rf"\b{_COUNT}\b")


def _correction(message: Message, text: str, state: FormState) -> TurnPlan:
    several = named_changes(text, state)
    if len(several) > 1:  # "change homework to 2 and the adapting one to 3": both
        plan = TurnPlan(corrected=list(several))
        for item, reading in several.items():
            _settle(plan, item, reading)
        return plan
    answered = list(state.answered)
    # "the one before last? about being heard": the name beats the place
    item = named_item(text, answered) or _referred_rating_or_question(text, state)
    if item is None:
        ahead = _answer_ahead(text, state, state.requested)
        if ahead is not None:
            return ahead
    free_text = load_item_bank().free_text_slots
    if item is None and state.last_answered in state.answered and state.last_answered not in free_text:
        # "it's a 1", "wrong button": the answer just given. Never an answer in words: "I'd like to change
        # an answer" would become the new hope; which one is asked
        item = state.last_answered
        if not _new_value(item, text).is_answer:
            # "I was too harsh earlier, call it a 4" after a choice: the last rating given, when it reads;
            # "I was too harsh before" with no new value and no name: which answer, asked with buttons
            rated = _last_rated_reading(text, state)
            item = rated or (None if revises_an_earlier_answer(text, state) else item)
    if item is None:
        return TurnPlan(correction_prompt="which")
    return _correct(item, text, state)


_SAID_WRONG = re.compile(r"\b(?:wrong|not right|isn'?t right|incorrect|not what i (?:meant|said|wanted))\b")


def change_after_the_end(message: Message, state: FormState) -> TurnPlan:
    """After the summary no question is open, so a message that names an answer given and says it is wrong
    or asks to change it ("and the one about feeling heard is wrong too", "No! This is wrong. My hope is: to
    sleep better") changes that answer, or asks for its new value; anything else is planned as in the
    reflection (``plan_turn``)."""
    # no question was just answered: "I'd like to change another answer" asks which, never assumes the last
    planned = plan_turn(message, replace(state, last_answered=None))
    if planned.corrected or planned.correction_prompt or state.pending_correction is not None:
        return planned
    text = without_bot_wording(message.text or "")
    item = named_item(text, list(state.answered))
    plain, words = _plain(text), turn_words()
    asks = words.change_named.search(plain) or words.revision.search(plain) or _SAID_WRONG.search(plain)
    if not (asks or words.correction_lead.match(plain)):
        return planned
    last = state.last_answered
    rated = last in state.answered and last not in load_item_bank().free_text_slots
    if item is None and rated and _new_value(last, text).is_answer:  # type: ignore[arg-type]
        item = last  # "make that a 2" right after a change: the answer just changed
    return planned if item not in state.answered else _correct(item, text, state)


def _namable() -> list[str]:
    """The questions a client names by a word ("the advice one"): ratings and choices; hopes, "tell me more"
    and what is missing are named by everyday words ("I hope so")."""
    bank = load_item_bank()
    return [item for item in bank.slots if item not in bank.free_text_slots and item != CONSENT_SLOT]


def _last_rated_reading(text: str, state: FormState) -> str | None:
    """The rating given last (in the form's order) that the message gives a new value for."""
    bank = load_item_bank()
    rated = [slot for slot in bank.slots if slot in state.answered and slot in bank.scale_slots]
    if state.last_answered in rated:
        rated.remove(state.last_answered)
        rated.append(state.last_answered)
    for item in reversed(rated):
        if item != state.requested:
            return item if _new_value(item, text).is_answer else None
    return None


def revises_an_earlier_answer(text: str, state: FormState) -> bool:
    """A change of an answer given, said in plain words: "I was wrong about the advice earlier... call it a
    4", "scratch what I said about homework, 2", "the tips one deserves a 4", "I was too harsh before, more
    like a 3". It rethinks ("was wrong", "too harsh", "on second thought") and names an answer given that is
    not the one asked, or points back ("earlier", "what I said"); never a plain answer to the question asked
    ("thinking about it more, it's a 3")."""
    if not state.answered:
        return False
    plain, words = _plain(text), turn_words()
    if not words.revision.search(plain):
        return False
    named = named_item(text, _namable())
    if named is not None:
        return named in state.answered and named != state.requested
    return bool(words.points_back.search(plain))


def _answer_ahead(text: str, state: FormState, current: str | None) -> TurnPlan | None:
    """"Change the advice one to 3" naming a question not answered yet: its answer, said in passing; the
    question asked (``current``) is asked again."""
    ahead = named_item(text, [item for item in state.open_items if item != current])
    if ahead is None:
        return None
    reading = _new_value(ahead, text)
    if not reading.is_answer:
        return None
    plan = TurnPlan(also_answered=[ahead])
    _settle(plan, ahead, reading)
    return plan


def _referred_rating_or_question(text: str, state: FormState) -> str | None:
    """The answer a place points at, counted among the ratings; counted among the questions when only that
    one reads the new value ("for the first one I meant over a year")."""
    rated = referred_item(text, state)
    question = referred_item(text, state, among_ratings=False)
    if rated is None or question is None or rated == question:
        return rated or question
    fits_rated = _new_value(rated, text).is_answer
    fits_question = _new_value(question, text).is_answer
    return question if fits_question and not fits_rated else rated


def changes_an_earlier_answer(text: str, state: FormState) -> bool:
    """"Change the advice one to 3", "my first rating, make it 1" said at another question: a change of the
    answer it names or points at, when its new value can be read."""
    plain = _plain(text)
    if not turn_words().change_named.search(plain):
        return False
    if state.requested in load_item_bank().free_text_slots and not _DIGIT.search(plain):
        return False  # "for her to change the advice" is a hope: only a number said changes a rating here
    earlier = [item for item in state.answered if item != state.requested]
    named = named_item(text, earlier)
    if named is not None:
        # "somewhat? with the worksheets clearly not, but she did switch to Zoom": the change must be asked
        # for in the clause that names the answer, not told of elsewhere
        return _asks_change_of(named, plain) and _new_value(named, text).is_answer
    named = _referred_rating_or_question(text, state)
    return named in earlier and _new_value(named, text).is_answer


_SENTENCE_BREAK = re.compile(r"[.;!?]+(?:\s+|$)")
_PART_BREAK = re.compile(r",\s*|\s+(?:and|also|plus)\s+")
_OPENING = re.compile(r"^(?:(?:oh|and|so|um|ok|okay|also|ah)\s+)+")
_SAID_AS_A_LABEL = re.compile(r"\s*[:=]\s*\S")


_NOT_MY = re.compile(r"\b(?:that'?s|thats|that is|those are|it'?s|its) (?:not|wrong|the wrong) my\b")


def complains_of_an_answer(text: str, state: FormState) -> str | None:
    """The answer a complaint is about ("no, that's not my hopes" after a wrong change, "you changed the
    wrong one"): the answer it names, or else the one given or changed last; None for no complaint, or
    for one about the question asked ("no, that's not my experience" answers it)."""
    if not state.answered or not turn_words().complaint.search(_plain(text)):
        return None
    named = named_item(text, [item for item in state.answered if item != state.requested])
    if named is None and _NOT_MY.search(_plain(text)):
        return None
    item = named or state.last_answered
    return item if item in state.answered and item != state.requested else None


def named_changes(text: str, state: FormState) -> dict[str, Reading]:
    """The answers given that the message changes by name, each with its new value: asked for as a change
    ("please change homework to 2 and the adapting one to 3", "sorry, the adapting question, I meant a 3")
    or said as a label ("ugh. homework: 2"). A name with no change asked for ("the worksheets never fit")
    changes nothing."""
    earlier = [item for item in _namable() if item in state.answered and item != state.requested]
    if not earlier:
        return {}
    words, changes = turn_words(), {}
    in_words = state.requested in load_item_bank().free_text_slots
    for sentence in _SENTENCE_BREAK.split(_plain(text)):
        groups: list[tuple[str | None, str]] = []
        for part in _PART_BREAK.split(sentence):
            item = named_item(part, earlier)
            if item is not None or not groups:
                groups.append((item, part))
            else:
                groups[-1] = (groups[-1][0], f"{groups[-1][1]} {part}")
        asked = False
        for item, part in groups:
            cue = any(
                not _TOLD_OF.search(part[: found.start()]) for found in words.change_named.finditer(part)
            )
            asked = asked or cue or bool(words.correction_lead.match(_OPENING.sub("", part)))
            if item is None or (in_words and not _DIGIT.search(part)):
                continue  # at a question asked in words, only a number said changes an answer by name
            label = any(_SAID_AS_A_LABEL.match(part, found.end()) for found in _names()[item].finditer(part))
            if not (asked or label):
                continue
            reading = _new_value(item, part)
            if reading.is_answer and reading.value != state.answered.get(item):
                changes[item] = reading
    return changes


def _with_the_answer_before(plan: TurnPlan, text: str, state: FormState) -> TurnPlan:
    """At a question asked in words, the answer said before a correction ("maybe more about my childhood?
    Oh and sorry, the adapting question, I meant a 3") is kept as that answer; the rest is the correction."""
    requested = state.requested
    if requested not in load_item_bank().free_text_slots or not plan.corrected:
        return plan
    earlier = [item for item in state.answered if item != requested]
    sentences = [part for part in re.split(r"(?<=[.!?…])\s+", text.strip()) if part.strip()]
    for index, sentence in enumerate(sentences):
        plain = _plain(sentence)
        if named_item(sentence, earlier) or turn_words().correction_lead.search(plain):
            head = " ".join(sentences[:index]).strip()
            if head and not only_confirms(head) and read_answer(requested, head).kind is ReadingKind.VALUE:
                _settle(plan, requested, read_answer(requested, head), whole_text=head)
                plan.words[requested] = head
            break
    return plan


_CLAUSE_BREAK = re.compile(r"[.;!?]+\s|[.;!?]+$|,?\s+but\s+|\s+-+\s+")
_TOLD_OF = re.compile(
    r"\b(?:she|he|they|therapist|counsell?or|we|it|things)\s+"
    r"(?:did\s+|has\s+|have\s+|had\s+|would\s+|will\s+|'d\s+)?$"
    # a change denied is told of too: "nothing much has changed", "it hasn't changed", "never changed"
    r"|\b(?:nothing|not|never|no|(?:is|was|has|have|had|did|does|do|wo|would|could|are|were)n'?t)"
    r"(?:\s+(?:much|really|at all|has|had|have|is|was|'s|been|ever|yet|so far))*\s+$"
)


def _asks_change_of(item: str, plain: str) -> bool:
    """A clause names ``item`` and asks to change it ("change the homework one to 2"); a change told of
    ("she did switch to seeing me on Zoom") is no request."""
    name, cue = _names()[item], turn_words().change_named
    for clause in _CLAUSE_BREAK.split(plain):
        if not name.search(clause):
            continue
        if any(not _TOLD_OF.search(clause[: found.start()]) for found in cue.finditer(clause)):
            return True
    return False


_TAKEN_BACK = re.compile(r"\b(?:not|instead of|rather than)\s+(?:a\s+)?\d\b")


def _without_the_area(item: str, text: str) -> str:
    """The text without the name the assistant gives the question (the "which answer?" button "Homework
    that fits your situation"): its "fits" is no rating."""
    area = load_item_bank().item(item).area
    return re.sub(rf"(?i)\b{re.escape(area)}\b", " ", text).strip(" .,!?:;-")


_OWN_WORDS = re.compile(r"\b(?!(?:my|the|a|an|i|me|it|this|that|of|in)\b)[a-z]{2,}")
_NEW_WORDS_LEAD = re.compile(
    r"\s*(?:answer|one|bit)?\s*(?:to be|to say|to|is|as|should be|should say|:)\s*:?\s*"
)


def _words_after_the_name(item: str, text: str) -> str:
    """The new words of an answer in words, without the request around them: "Please change my hope answer
    to: sleeping better" -> "sleeping better", "My hope is: to sleep better" -> "to sleep better"; the
    text as it is when it holds no such lead."""
    lowered = text.lower()
    named = _names()[item].search(lowered) if len(lowered) == len(text) else None
    lead = _NEW_WORDS_LEAD.match(lowered, named.end()) if named else None
    rest = text[lead.end():].strip() if lead and lead.end() > named.end() else ""  # type: ignore[union-attr]
    return rest or text


def _new_value(item: str, text: str) -> Reading:
    """The new answer a correction gives: its words without those naming the question ("the advice one",
    the question's own name on a button) and, for a number, without the framing ("change ... to 3" -> "3";
    "4 to 12" keeps its "to"). A free-text answer keeps the client's words, without the request around them
    ("change my hope answer to: …")."""
    text = _without_the_area(item, text)
    if not text:
        return Reading(ReadingKind.NOTHING)
    if item in load_item_bank().free_text_slots:
        left = turn_words().correction_framing.sub(" ", _names()[item].sub(" ", _plain(text)))
        if not _OWN_WORDS.search(left):  # "what I hope", "my hopes one": the answer named, no new words
            return Reading(ReadingKind.NOTHING)
        return read_correction(item, _words_after_the_name(item, text))
    plain = _plain(text)
    if item in load_item_bank().scale_slots:  # "it's 3 not 4": the number said, not the one taken back
        plain = _TAKEN_BACK.sub(" ", plain)
    for words in turn_words().positions.values():  # "the first one" is no "1"
        plain = words.sub(" ", plain)
    framing = turn_words().correction_framing
    for found in framing.finditer(plain):  # "change my homework answer to no homework": the item's own "none"
        said = read_correction(item, plain[found.end():])
        if said.kind is ReadingKind.NOT_APPLICABLE:
            return said
    plain = _SPACES.sub(" ", _names()[item].sub(" ", plain)).strip()
    framed = framing.sub(" ", plain)
    if not _DIGIT.search(framed):
        said = read_correction(item, plain)  # words stay as they were said
        if said.is_answer:
            return said
        # "also change the goals one to somewhat": the words after the framing
        after = (read_correction(item, plain[found.end():]) for found in framing.finditer(plain))
        return next((reading for reading in after if reading.is_answer), said)
    # "change ... to 3" -> "3"; "should be 4 to 12" -> "4 to 12"
    for candidate in (framed, *(plain[found.end():] for found in framing.finditer(plain))):
        reading = read_correction(item, candidate)
        if reading.is_answer:
            return reading
    reading = read_correction(item, plain)
    numbers = {int(n) for n in _DIGIT.findall(plain)}
    if not reading.is_answer and item in load_item_bank().scale_slots and len(numbers) == 1:
        # "the tips one deserves a 4", "I undersold it, more of a 4": a change gives one number on the scale
        (number,) = numbers
        if SCALE_BOTTOM <= number <= SCALE_TOP:
            return Reading(ReadingKind.VALUE, number, STATED)
    return reading


def _correct(item: str, text: str, state: FormState) -> TurnPlan:
    # "change my answer about deep sessions": the words naming the question ("deep") are no answer to it
    reading = _new_value(item, text)
    unchanged = reading.kind == ReadingKind.VALUE and reading.value == state.answered.get(item)
    if reading.is_answer and not unchanged:
        plan = TurnPlan(corrected=[item])
        _settle(plan, item, reading)
        return plan
    return TurnPlan(correction_prompt=item)
