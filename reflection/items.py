"""The item bank (``content/items.yml``): the questions of a reflection, loaded and checked once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ITEM_BANK_PATH = Path(__file__).parent / "content" / "items.yml"
KINDS = ("choice", "scale", "text")
# How each kind of item is read (reflection/answers/); a choice item names its own reader.
DEFAULT_READERS = {"scale": "scale", "text": "free_text"}
OPTIONAL_TEXT_READER = "optional_text"


class ItemBankError(ValueError):
    """The item bank file is malformed; the message names the item and the problem."""


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Item:
    slot: str
    kind: str
    area: str
    link_id: str
    question: dict[str, str]
    reask: str
    ack: dict[str, str]
    explain: str = ""  # the question in other words, for "what do you mean?"
    values: dict[str, str] = field(default_factory=dict)
    buttons: tuple[Button, ...] = ()
    allow_none: bool = False
    optional: bool = False
    needs_a_rating: bool = False
    low_words: str = ""
    high_words: str = ""
    starters: tuple[str, ...] = ()
    reader: str = ""
    cues: Any = None  # the words that answer this item, read by its reader (reflection/answers/)
    not_applicable: Mapping[str, Any] | None = None  # how "there isn't any" sounds, and the code stored
    dont_know: str | None = None  # patterns of "I can't tell" that belong to this question
    topic: str | None = None  # words that name the question's subject ("homework", "goals")
    not_topic: str | None = None  # phrases that only look like it ("I've heard that ...", "deep breathing")

    def describe_in_words(self, value: object, bank: ItemBank) -> str:
        """A stored rating in words ("not really"), for a client who did not give numbers."""
        if self.kind == "scale" and isinstance(value, int) and value in bank.scale_words:
            return bank.scale_words[value]
        return self.describe(value)
    # The questionnaires (``questionnaires`` in the bank) that ask this item; empty means every one.
    questionnaires: tuple[str, ...] = ()

    def describe(self, value: object) -> str:
        """A stored value in plain words, e.g. ``2`` -> ``2 of 5`` or ``early`` -> ``3 sessions or fewer``."""
        if self.kind == "choice":
            return self.values.get(str(value), str(value))
        if self.kind == "scale":
            return "no homework" if value == "none" else f"{value} of 5"
        return str(value)


@dataclass(frozen=True)
class QuestionnaireSpec:
    """A questionnaire built from the bank for FHIR exports: the reflection (mode ``self``) or intake
    (mode ``clinic_intake``)."""

    id: str
    url: str
    version: str
    title: str
    mode: str


@dataclass(frozen=True)
class ItemBank:
    items: tuple[Item, ...]
    scale_labels: dict[int, str]
    scale_words: dict[int, str] = field(default_factory=dict)
    returning_in_words: str = ""
    questionnaires: tuple[QuestionnaireSpec, ...] = ()

    def questionnaire_items(self, questionnaire_id: str) -> tuple[Item, ...]:
        return tuple(
            item for item in self.items if not item.questionnaires or questionnaire_id in item.questionnaires
        )

    def questionnaire_for_mode(self, mode: str) -> QuestionnaireSpec:
        for spec in self.questionnaires:
            if spec.mode == mode:
                return spec
        raise KeyError(f"no questionnaire for mode {mode!r} in the item bank")

    @property
    def slots(self) -> tuple[str, ...]:
        return tuple(item.slot for item in self.items)

    def item(self, slot: str) -> Item:
        for candidate in self.items:
            if candidate.slot == slot:
                return candidate
        raise KeyError(f"no item for slot {slot!r} in the item bank")

    def rated_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.kind == "scale")

    @property
    def scale_slots(self) -> tuple[str, ...]:
        """The rated items (1-5), in question order."""
        return tuple(item.slot for item in self.rated_items())

    @property
    def free_text_slots(self) -> tuple[str, ...]:
        """The items answered in the client's own words, in question order."""
        return tuple(item.slot for item in self.items if item.kind == "text")

    @property
    def choice_slots(self) -> tuple[str, ...]:
        return tuple(item.slot for item in self.items if item.kind == "choice")

    def buttons_for(self, item: Item) -> tuple[Button, ...]:
        """Buttons offered with a question: a scale's 1-5 labels, or the item's own choices."""
        if item.kind != "scale":
            return item.buttons
        scale = tuple(Button(title=label, payload=str(number)) for number, label in self.scale_labels.items())
        return scale + item.buttons


def _item_from_dict(raw: dict[str, Any]) -> Item:
    slot = raw.get("slot", "<missing slot>")
    for required in ("slot", "kind", "area", "link_id", "question", "reask", "ack"):
        if required not in raw:
            raise ItemBankError(f"item {slot!r} has no {required!r}")
    if raw["kind"] not in KINDS:
        raise ItemBankError(f"item {slot!r} has kind {raw['kind']!r}; expected one of {KINDS}")
    if "first" not in raw["question"]:
        raise ItemBankError(f"item {slot!r} needs a question.first")
    if raw["kind"] == "choice" and not raw.get("values"):
        raise ItemBankError(f"choice item {slot!r} needs values")
    buttons = [Button(**button) for button in raw.get("buttons", []) + raw.get("buttons_extra", [])]
    reader = raw.get("reader") or DEFAULT_READERS.get(raw["kind"], "")
    if raw["kind"] == "text" and raw.get("optional"):
        reader = raw.get("reader") or OPTIONAL_TEXT_READER
    if not reader:
        raise ItemBankError(f"{raw['kind']} item {slot!r} needs a reader")
    return Item(
        slot=raw["slot"],
        kind=raw["kind"],
        area=raw["area"],
        link_id=raw["link_id"],
        question=dict(raw["question"]),
        reask=raw["reask"].strip(),
        ack=dict(raw["ack"]),
        explain=str(raw.get("explain", "")).strip(),
        values=dict(raw.get("values", {})),
        buttons=tuple(buttons),
        allow_none=bool(raw.get("allow_none", False)),
        optional=bool(raw.get("optional", False)),
        needs_a_rating=bool(raw.get("needs_a_rating", False)),
        low_words=raw.get("low_words", ""),
        high_words=raw.get("high_words", ""),
        starters=tuple(raw.get("starters", ())),
        reader=reader,
        cues=raw.get("cues"),
        not_applicable=raw.get("not_applicable"),
        dont_know=raw.get("dont_know"),
        topic=raw.get("topic"),
        not_topic=raw.get("not_topic"),
        questionnaires=tuple(raw.get("questionnaires", ())),
    )


def parse_item_bank(document: dict[str, Any]) -> ItemBank:
    items = tuple(_item_from_dict(raw) for raw in document.get("items", []))
    slots = [item.slot for item in items]
    if len(set(slots)) != len(slots):
        raise ItemBankError(f"duplicate slots in the item bank: {slots}")
    labels = {int(number): str(label) for number, label in document.get("scale_labels", {}).items()}
    if sorted(labels) != [1, 2, 3, 4, 5]:
        raise ItemBankError("scale_labels must label exactly 1 to 5")
    scale_words = {int(number): str(word) for number, word in document.get("scale_words", {}).items()}
    if scale_words and sorted(scale_words) != [1, 2, 3, 4, 5]:
        raise ItemBankError("scale_words must name exactly 1 to 5")
    questionnaires = []
    for questionnaire_id, raw in (document.get("questionnaires") or {}).items():
        for required in ("url", "version", "title", "mode"):
            if required not in raw:
                raise ItemBankError(f"questionnaire {questionnaire_id!r} has no {required!r}")
        questionnaires.append(
            QuestionnaireSpec(
                id=questionnaire_id,
                url=raw["url"],
                version=str(raw["version"]),
                title=raw["title"],
                mode=raw["mode"],
            )
        )
    known = {spec.id for spec in questionnaires}
    for item in items:
        unknown = set(item.questionnaires) - known
        if unknown:
            raise ItemBankError(f"item {item.slot!r} names unknown questionnaires {sorted(unknown)}")
    return ItemBank(
        items=items,
        scale_labels=labels,
        scale_words=scale_words,
        returning_in_words=str(document.get("returning_in_words", "")),
        questionnaires=tuple(questionnaires),
    )


@cache
def load_item_bank(path: Path = ITEM_BANK_PATH) -> ItemBank:
    with path.open(encoding="utf-8") as handle:
        return parse_item_bank(yaml.safe_load(handle))
