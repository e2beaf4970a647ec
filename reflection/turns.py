"""What one client message does to the reflection, decided once per turn.

``plan_turn`` reads the message against every question not answered yet and returns a ``TurnPlan``: what to
store, what to confirm in one tap, what to correct, or that the turn is not an answer at all. In this order,
so that safety comes first and nothing is ever stored from a question, a request or a correction:

1. a disclosure of risk (the NLU's verdict for this turn) -> interrupt: the rules answer it, nothing stored;
2. an open "is that right?" or "which answer?" prompt -> its answer;
3. a request to change an earlier answer -> the correction (or a prompt for the missing part); the
   last answer given unless another is named;
4. "skip" -> the question is settled without a value;
5. words that only mean "go on" -> ask the same question again;
6. a side request ("why do you ask?", "delete my data"...) that is not also an answer -> interrupt;
7. otherwise the readings: the asked question's reading, taken, confirmed or missed by the agreement
   policy (``decide``), plus clear answers to later questions, stored too and noted in a word.

The words steering 2-4 are data (``content/turns/<lang>.yml``); the answer readers are ``answer_parsing``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from reflection.agreement import STATED, Confirm, Nothing, Take, decide
from reflection.answer_parsing import (
    Reading,
    ReadingKind,
    asks_for_medical_advice,
    is_correction,
    is_skip,
    read_all,
    read_answer,
    read_correction,
    sounds_ironic,
)
from reflection.items import load_item_bank

TURNS_CONTENT = Path(__file__).parent / "content" / "turns"
DEFAULT_LANGUAGE = "en"
CONSENT_SLOT = "consent"
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
SCALE_BOTTOM, SCALE_TOP = 1, 5


@dataclass(frozen=True)
class Confirmation:
    """A reading the client is asked to confirm in one tap."""

    item: str
    proposed: Reading
    words: str = ""  # what the client said: kept as their words when they confirm with a tap
    ironic: bool = False  # a glowing answer that may mean the opposite: the opposite is proposed

    def as_slot(self) -> dict[str, object]:
        ironic = {"ironic": True} if self.ironic else {}
        return {"item": self.item, "words": self.words, **self.proposed.as_dict(), **ironic}

    @classmethod
    def from_slot(cls, raw: object) -> Confirmation | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("item"), str):
            return None
        words = raw.get("words") if isinstance(raw.get("words"), str) else ""
        return cls(
            item=raw["item"], proposed=Reading.from_dict(raw), words=words, ironic=raw.get("ironic") is True
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
    explain: str | None = None  # a question the form answers itself ("data"), then asks its question again
    nudge: bool = False  # "go on": ask the same question again without counting a miss


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
    therapist: re.Pattern[str]
    keep: re.Pattern[str]


def _whole(alternatives: str) -> re.Pattern[str]:
    return re.compile(rf"(?:{_alternation(alternatives)})")


def _alternation(raw: str) -> str:
    return "|".join(part.strip() for part in raw.split("|") if part.strip())


@cache
def turn_words(language: str = DEFAULT_LANGUAGE) -> TurnWords:
    with (TURNS_CONTENT / f"{language}.yml").open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
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
        therapist=re.compile(rf"\b(?:{raw['therapist_words']})\b"),
        keep=re.compile(str(raw["keep_words"]).strip()),
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


def asks_about_data(text: str) -> bool:
    """A question about what happens to the client's words ("what happens to what I type?")."""
    return bool(turn_words().data_question.search(_plain(text)))


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
    """Each question's names: the words in content/turns, and its area as the assistant says it."""
    names = dict(turn_words().names)
    for item in load_item_bank().items:
        own = names.get(item.slot)
        area = re.escape(item.area.lower())
        names[item.slot] = re.compile(rf"{own.pattern}|\b{area}\b" if own else rf"\b{area}\b")
    return names


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


def referred_item(text: str, state: FormState) -> str | None:
    """The earlier answer a message points at by its place: "the first one", "the question before", "my last
    answer"; None when it names no place (or the place holds no answer)."""
    found = _position(text)
    if found is None:
        return None
    place = found[0]
    order = [slot for slot in load_item_bank().slots if slot in state.answered]
    if place in _ORDINALS:
        index = _ORDINALS[place]
        return order[index] if index < len(order) else None
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
    """Decide what the message does to the reflection (see the module's docstring for the order)."""
    text = (message.text or "")[:MAX_READ_CHARS]
    if message.risk_tier in ("crisis", "check_in"):
        return TurnPlan(interrupt="risk")
    if state.requested == CONSENT_SLOT:
        return _consent(message, text)
    if state.pending_confirmation is not None:
        planned = _confirmation_answer(message, text, state, state.pending_confirmation)
        if planned is not None:
            return planned
    if state.pending_correction is not None:
        planned = _correction_answer(message, text, state, state.pending_correction)
        if planned is not None:
            return planned
    if state.answered and asks_to_correct(message):
        return _correction(message, text, state)
    if state.requested is None:
        return TurnPlan(interrupt=message.intent or "no_question")
    if message.intent == "skip" or is_skip(text):
        return TurnPlan(notes={state.requested: "skipped"})
    tap = tapped_button(state.requested, text)
    if tap is not None:
        plan = TurnPlan()
        _settle(plan, state.requested, tap)
        return plan
    readings = read_all(text, list(state.open_items), asked=state.requested)
    asked = readings.get(state.requested)
    answers_asked = asked is not None and asked.is_answer
    if message.intent in NUDGE_INTENTS and message.confidence >= CONFIDENT_INTENT and not answers_asked:
        return TurnPlan(nudge=True)
    data_question = not answers_asked and asks_about_data(text)
    # "who is the staff, do they work with my therapist?" is about their data, whatever else it was taken for
    if _is_side_request(message, state.requested, answers_asked) and not (
        data_question and message.intent == OUT_OF_SCOPE_INTENT
    ):
        return TurnPlan(interrupt=message.intent)
    if data_question:
        # "what happens to what I type?" the classifier did not place: answered here, never an answer
        return TurnPlan(explain="data", nudge=True)
    return _answers(message, state, readings)


_NEGATION = re.compile(r"\b(?:no|not|don'?t|do not|never|rather not|nope|nah)\b")
_YES_ANYWHERE = re.compile(r"\b(?:yes|yeah|yep|okay|ok|sure|fine|go ahead)\b")
_CLEAR_NO = re.compile(r"\b(?:no(?! idea| clue| problem| worries| doubt)|nope|nah|rather not)\b")


def _consent(message: Message, text: str) -> TurnPlan:
    plain, words = _plain(text), turn_words()
    if message.intent == "affirm" or says_yes(text):
        return TurnPlan(values={CONSENT_SLOT: True})
    if message.intent == "deny" or says_no(text) or words.no_lead.match(plain):
        return TurnPlan(values={CONSENT_SLOT: False})
    asks = text.rstrip().endswith("?")  # "right, is that ok?" asks; it does not agree
    plain_yes = words.yes_lead.match(plain) and not asks and not _NEGATION.search(plain)
    if message.intent in NUDGE_INTENTS and plain_yes:
        return TurnPlan(values={CONSENT_SLOT: True})  # "yes go ahead, sorry in advance" is no greeting
    if message.intent in SIDE_REQUEST_INTENTS or message.intent in NUDGE_INTENTS:
        return TurnPlan(interrupt=message.intent)
    yes_said = words.yes_lead.match(plain) or _YES_ANYWHERE.search(plain)
    if yes_said and not asks and not _NEGATION.search(plain):
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
    model = None if rates_another else message.model_readings.get(requested)
    decision = decide(readings[requested], model)
    ironic = _ironic_praise(requested, decision, message.text)
    if ironic is not None:
        plan.confirm = Confirmation(requested, ironic, words=message.text, ironic=True)
    elif isinstance(decision, Take):
        _settle(plan, requested, decision.reading, whole_text=message.text)
    elif isinstance(decision, Confirm):
        plan.confirm = Confirmation(requested, decision.proposed, words=message.text)
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


def _confirmation_answer(
    message: Message, text: str, state: FormState, pending: Confirmation
) -> TurnPlan | None:
    """The reply to "I read that as ... Is that right?"; None when it is a new answer to read instead."""
    # A tap confirms or corrects what the client said before; those words stay theirs.
    said = {pending.item: pending.words} if pending.words else {}
    tap = tapped_button(pending.item, text)
    if tap is not None:
        plan = TurnPlan(words=said)
        _settle(plan, pending.item, tap)
        return plan
    plain = _plain(text)
    numbers = {int(n) for n in _DIGIT.findall(plain)}
    proposed = pending.proposed.value
    other_number = bool(numbers - {proposed})
    words = turn_words()
    if message.intent == "affirm" or says_yes(text) or (words.yes_lead.match(plain) and not other_number):
        plan = TurnPlan(words=said)  # "yes", "yes 2 is right"
        _settle(plan, pending.item, pending.proposed, whole_text=pending.words or None)
        return plan
    if says_not_sure(text):
        return TurnPlan(notes={pending.item: NOT_SURE}, words=said)
    if says_no(text) or message.intent == "deny" or words.no_lead.match(plain):
        # "no, more like a 3": the number they give; "no, still not": ask the question again
        tapped = read_answer(pending.item, text)
        if other_number and tapped.kind == ReadingKind.VALUE and tapped.value != proposed:
            return TurnPlan(values={pending.item: tapped.value}, words=said)
        return TurnPlan(nudge=True)
    tapped = read_answer(pending.item, text)
    if tapped.kind == ReadingKind.VALUE and tapped.confidence >= 0.9:
        return TurnPlan(values={pending.item: tapped.value}, words=said)
    if message.intent == "deny":
        return TurnPlan(nudge=True)
    return None


def _correction_answer(message: Message, text: str, state: FormState, pending: str) -> TurnPlan | None:
    """The reply to "which answer?" or "what should it be?"; None when the client moved on."""
    if says_not_sure(text) or message.intent == "deny" or says_no(text):
        return TurnPlan(nudge=True)
    if pending == "which":
        item = named_item(text, list(state.answered)) or referred_item(text, state)  # a name beats a place
        if item is None:
            return None
        return _correct(item, text, state)
    reading = read_correction(pending, _without_names(pending, text))
    if reading.is_answer:
        plan = TurnPlan(corrected=[pending])
        _settle(plan, pending, reading, whole_text=text)
        return plan
    return None


def _correction(message: Message, text: str, state: FormState) -> TurnPlan:
    answered = list(state.answered)
    # "the one before last? about being heard": the name beats the place
    item = named_item(text, answered) or referred_item(text, state)
    if item is None and state.last_answered in state.answered:
        item = state.last_answered  # "it's a 1", "wrong button": the answer just given
    if item is None:
        return TurnPlan(correction_prompt="which")
    return _correct(item, text, state)


def _without_names(item: str, text: str) -> str:
    """A correction's words without those naming the question; a free-text answer stays as written."""
    if item in load_item_bank().free_text_slots:
        return text
    plain = _plain(text)
    for words in turn_words().positions.values():  # "the first one" is no "1"
        plain = words.sub(" ", plain)
    plain = _names()[item].sub(" ", plain)
    framed = turn_words().correction_framing.sub(" ", plain)
    return framed if _DIGIT.search(framed) else plain  # "to 2" -> "2"; words stay as they were said


def _correct(item: str, text: str, state: FormState) -> TurnPlan:
    # "change my answer about deep sessions": the words naming the question ("deep") are no answer to it
    reading = read_correction(item, _without_names(item, text))
    unchanged = reading.kind == ReadingKind.VALUE and reading.value == state.answered.get(item)
    if reading.is_answer and not unchanged:
        plan = TurnPlan(corrected=[item])
        _settle(plan, item, reading)
        return plan
    return TurnPlan(correction_prompt=item)
