"""A scripted client for the blind whole-conversation sets (tests/heldout/conversations_v*.yml).

It talks to the running assistant the way a real client would: it answers the question the assistant asks
with what the script says for that question, sends its interjections (side questions, corrections) right
before the named question, and answers an "is that right?" prompt by tapping Yes when the reading matches
what it means, the right button when it doesn't, or "Not sure" (or, the first time for an item the script's
``on_confirm`` names, with the words written there). Asked "are you safe right now?", it says it is, in the
script's words (``if_asked_safe``) where it has them, as these clients are all safe, and then goes on. Then it
compares what was stored, the next steps and the summary with what the client meant."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from reflection.answer_parsing import ReadingKind, read_answer
from reflection.items import load_item_bank
from tests.live import Assistant, new_sender, texts

MAX_TURNS = 80
NO_NUMBER = ("dont_know", "not_applicable", "skip", "nothing")
NOT_UNDERSTOOD = "Sorry, I'm not sure I understood"  # utter_default, the start-or-continue options
SAFE_PAYLOAD = "/im_safe"  # the "I'm safe" button under "are you safe right now?" (check-in and crisis tiers)
SAFE_WORDS = "yes I'm safe"
RESUME_PAYLOAD = "/resume"  # "Carry on" under "would you like to carry on with the reflection?"


@dataclass
class Outcome:
    conversation: str
    stored: dict[str, Any] = field(default_factory=dict)
    right: dict[str, bool] = field(default_factory=dict)  # item -> stored value is what the client meant
    confirmations: Counter[str] = field(default_factory=Counter)  # item -> "is that right?" prompts
    asked_again: list[str] = field(default_factory=list)  # items answered in passing but asked anyway
    stored_from_interjection: list[str] = field(default_factory=list)  # "item from 'what was said'"
    asked_if_safe: list[str] = field(default_factory=list)  # what the client had said when it was asked
    next_steps_right: bool = False
    summary_right: bool = False
    finished: bool = False
    notes: list[str] = field(default_factory=list)
    # messages after the summary ("thanks, bye") that changed an answer or the next steps, drew "are you
    # safe?", or got "Sorry, I'm not sure I understood"
    after_summary_misread: list[str] = field(default_factory=list)
    after_summary_sent: int = 0

    @property
    def whole_right(self) -> bool:
        ended_well = not self.after_summary_misread
        return self.finished and self.next_steps_right and self.summary_right and ended_well


def _area_to_item() -> dict[str, str]:
    return {item.area: item.slot for item in load_item_bank().items}


_BEST = re.compile(r"What's working best: (.+?)(?: \(|\.)")
_HARDEST = re.compile(r"What's hardest right now: (.+?)(?: \(|\.)")


def summary_areas(summary: str) -> tuple[list[str], list[str]]:
    """The items the summary names as working best and as hardest ([] when it names none)."""
    areas = _area_to_item()
    best = [areas.get(match, match) for match in _BEST.findall(summary)]
    hardest = [areas.get(match, match) for match in _HARDEST.findall(summary)]
    return best, hardest


def _stored_matches(truth: Any, stored: Any, item: str, notes: dict[str, str]) -> bool:
    if truth in ("dont_know", "not_applicable"):
        return stored is None and notes.get(item) in ("dont_know", "not_applicable")
    if truth in ("skip", "nothing"):
        return stored is None
    if truth == "text":
        return isinstance(stored, str) and bool(stored.strip())
    return stored == truth


def _tap_for(item: str, truth: Any, buttons: list[dict[str, str]]) -> str:
    """The button a client who means ``truth`` would tap on a confirmation prompt."""
    if truth in NO_NUMBER:
        return "not sure"
    for button in buttons:
        reading = read_answer(item, button["payload"])
        if reading.kind in (ReadingKind.VALUE, ReadingKind.NOT_APPLICABLE) and reading.value == truth:
            return button["payload"]
    return "not sure"


class ScriptedClient:
    def __init__(self, assistant: Assistant, script: dict[str, Any]) -> None:
        self.assistant = assistant
        self.script = script
        self.sender = new_sender()
        self.outcome = Outcome(conversation=script["id"])
        self.last_reply: list[dict[str, Any]] = []
        self.said: list[str] = []
        self.last_said = ""
        self.safety_asked: Counter[str] = Counter()  # item -> "are you safe?" after answering it

    def say(self, text: str, metadata: dict[str, Any] | None = None) -> None:
        self.last_said = text
        self.last_reply = self.assistant.say(self.sender, text, metadata)
        self.said.append(texts(self.last_reply))

    def _offers(self, payload: str) -> bool:
        return any(
            button.get("payload") == payload
            for message in self.last_reply
            for button in message.get("buttons") or []
        )

    def _answered_if_asked_safe(self, requested: str | None = None) -> bool:
        """Asked "are you safe right now?", the client says it is (in its own words where the script has
        them) before anything else; asked whether to carry on, it carries on."""
        if self._offers(SAFE_PAYLOAD):
            self.outcome.asked_if_safe.append(self.last_said)
            if requested is not None:
                self.safety_asked[requested] += 1
            self.say(str(self.script.get("if_asked_safe") or SAFE_WORDS))
            return True
        if self._offers(RESUME_PAYLOAD):
            self.say("carry on")
            return True
        return False

    def slots(self) -> dict[str, Any]:
        return self.assistant.slots(self.sender)

    def run(self) -> Outcome:
        script = self.script
        metadata = {"clinic": script["clinic"]} if script.get("clinic") else None
        self.say(script["opening"], metadata)
        self._answered_if_asked_safe()
        pending = list(script.get("interjections") or [])
        for interjection in [i for i in pending if i["before"] == "consent"]:
            self._interject(interjection, None)
            self._answered_if_asked_safe()
        pending = [i for i in pending if i["before"] != "consent"]
        self.say(script["consent"])
        answers = script.get("answers") or {}
        truth = script.get("truth") or {}
        passing = {also for entry in answers.values() for also in (entry.get("also_answers") or [])}
        asked: Counter[str] = Counter()
        on_confirm = dict(script.get("on_confirm") or {})
        for _ in range(MAX_TURNS):
            slots = self.slots()
            if slots.get("reflection_status") == "complete":
                self.outcome.finished = True
                break
            requested = slots.get("requested_slot")
            if self._answered_if_asked_safe(requested):
                continue
            if requested is None:
                self.outcome.notes.append("the reflection stopped before the end")
                break
            confirmation = slots.get("pending_confirmation")
            if confirmation:
                item = confirmation["item"]
                self.outcome.confirmations[item] += 1
                means = truth.get(item)
                in_words = on_confirm.pop(item, None)  # a real client often answers in words, once
                if in_words is not None:
                    self.say(in_words)
                    continue
                buttons = [button for message in self.last_reply for button in message.get("buttons") or []]
                self.say("Yes" if means == confirmation["value"] else _tap_for(item, means, buttons))
                continue
            if slots.get("pending_correction"):
                corrections = [i for i in script.get("interjections") or [] if i.get("kind") == "correction"]
                follow_up = (corrections[0].get("follow_up") if corrections else None) or str(
                    truth.get(slots["pending_correction"], "not sure")
                )
                self.say(follow_up)
                continue
            due = [i for i in pending if i["before"] == requested]
            if due:
                pending.remove(due[0])
                self._interject(due[0], requested)
                continue
            if asked[requested] and requested in passing:
                self.outcome.asked_again.append(requested)
            entry = answers.get(requested)
            if requested == "consent":  # asked (again) for consent: the client gives it as they did before
                self.say(script["consent"] if asked[requested] == 0 else "yes")
            elif entry is None or self.safety_asked[requested] >= 2:
                # asked "are you safe?" twice over the same answer, a real client leaves the question out
                self.say("skip")
            elif asked[requested] == 0:
                self.say(entry["say"])
            else:  # asked again: a real client puts it more plainly
                plain = truth.get(requested)
                plainly = entry["say"] if plain == "text" else str(plain)
                self.say("not sure" if plain in NO_NUMBER else plainly)
            asked[requested] += 1
        self._check(self.slots(), truth)
        if self.outcome.finished:
            self._after_summary(list(truth))
        return self.outcome

    def _after_summary(self, items: list[str]) -> None:
        """What the client says once the summary is shown (the optional ``after_summary``, each ``{say,
        kind}``): it must change nothing stored, draw no "are you safe?", and be understood."""
        for entry in self.script.get("after_summary") or []:
            text = entry["say"] if isinstance(entry, dict) else str(entry)  # {say, kind} or the words alone
            before = {key: self.slots().get(key) for key in (*items, "next_steps")}
            self.say(text)
            self.outcome.after_summary_sent += 1
            problems = []
            if self._offers(SAFE_PAYLOAD):
                problems.append("asked if safe")
                self.say(str(self.script.get("if_asked_safe") or SAFE_WORDS))
            if NOT_UNDERSTOOD in self.said[-1]:
                problems.append("not understood")
            after = {key: self.slots().get(key) for key in before}
            problems += [f"changed {key}" for key in before if after[key] != before[key]]
            if problems:
                self.outcome.after_summary_misread.append(f"{text!r}: {', '.join(problems)}")

    def _interject(self, interjection: dict[str, Any], requested: str | None) -> None:
        before = self.slots() if requested else {}
        self.say(interjection["say"])
        if interjection.get("kind") == "question" and requested:
            after = self.slots()
            if after.get(requested) is not None and before.get(requested) is None:
                self.outcome.stored_from_interjection.append(f"{requested} from {interjection['say']!r}")

    def _check(self, slots: dict[str, Any], truth: dict[str, Any]) -> None:
        notes = slots.get("answer_notes") or {}
        for item, means in truth.items():
            self.outcome.stored[item] = slots.get(item)
            self.outcome.right[item] = _stored_matches(means, slots.get(item), item, notes)
        expect = self.script.get("expect") or {}
        steps = list(slots.get("next_steps") or [])
        self.outcome.next_steps_right = steps == list(expect.get("next_steps") or [])
        best, hardest = summary_areas("\n".join(self.said))
        best_ok = any(b in expect["working_best"] for b in best) if expect.get("working_best") else not best
        hard_ok = any(h in expect["hardest"] for h in hardest) if expect.get("hardest") else not hardest
        self.outcome.summary_right = bool(best_ok and hard_ok)
