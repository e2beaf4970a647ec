"""Changing an answer after the summary: the answer named changes, the next steps are worked out again and
the completed reflection is amended in place; with no answer or value named, which one is asked."""

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.changes import ActionChangeAnswer
from actions.context import store
from actions.lifecycle import ActionCompleteReflection
from reflection.pseudonym import pseudonymize
from tests.actions.conftest import make_tracker, said, slot_events

DONE = {
    "consent": True,
    "sessions_so_far": "established",
    "felt_heard": 4,
    "depth": 4,
    "advice_fit": 4,
    "homework_fit": 5,
    "goals_shared": 4,
    "approach_fit": 4,
    "raised_needs": "not_yet",
    "hopes": "to feel more like myself",
    "missing": "more structure",
    "last_answered": "missing",
}


def client() -> str:
    return pseudonymize("client-1", "a-test-secret-of-enough-length")


def followed_by_the_summary(events: list[dict[str, Any]]) -> bool:
    return any(e.get("event") == "followup" and e.get("name") == "action_complete_reflection" for e in events)


async def complete(slots: dict[str, Any]) -> tuple[CollectingDispatcher, dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = await ActionCompleteReflection().run(dispatcher, make_tracker(slots, "", fresh=False), {})
    return dispatcher, slot_events(events)


async def change(slots: dict[str, Any], text: str, intent: str = "correct_answer") -> tuple[str, list, dict]:
    dispatcher = CollectingDispatcher()
    events = await ActionChangeAnswer().run(dispatcher, make_tracker(slots, text, intent=intent), {})
    return said(dispatcher), events, slot_events(events)


async def test_an_answer_changed_after_the_summary_amends_the_same_reflection() -> None:
    _, done = await complete(DONE)
    assert done["next_steps"] == ["keep_going"]
    completed = {**DONE, **done}

    text, events, slots = await change(completed, "can I change my answer about goals? it's a 2")
    assert "changed your answer about agreeing on goals together to 2" in text
    assert slots["goals_shared"] == 2 and slots["pending_correction"] is None
    assert followed_by_the_summary(events)
    # nothing is written until the summary is given again: one answer alone would open a new reflection
    assert store().current_reflection(client()) is None

    again, redone = await complete({**completed, **slots})
    assert redone["next_steps"] == ["talk_to_therapist"] and "Here's what I heard" in said(again)
    assert "reflection_status" not in redone  # already complete: the host page is not told twice
    stored = store().latest_completed(client())
    assert stored is not None and stored.answers["goals_shared"].value == 2
    assert stored.next_steps == ["talk_to_therapist"]
    assert store().current_reflection(client()) is None  # still one reflection, completed
    assert len(list(store().iter_reflections())) == 1


async def test_which_answer_is_asked_then_its_value_then_it_changes() -> None:
    completed = {**DONE, "reflection_status": "complete", "next_steps": ["keep_going"]}
    text, _, slots = await change(completed, "I'd like to change an answer")
    assert "Which one would you like to change?" in text and slots["pending_correction"] == "which"
    assert slots.get("missing") is None  # the request is no new answer to the last question

    # the tap on "Homework that fits your situation" names it; its "fits" is no rating
    pending = {**completed, "pending_correction": "which"}
    text, _, slots = await change(pending, "Homework that fits your situation", intent="answer")
    assert "What would you like your answer about homework" in text
    assert slots["pending_correction"] == "homework_fit" and "homework_fit" not in slots

    text, events, slots = await change({**completed, "pending_correction": "homework_fit"}, "2", "answer")
    assert slots["homework_fit"] == 2 and slots["pending_correction"] is None
    assert followed_by_the_summary(events)


async def test_not_sure_after_which_answer_keeps_the_answers() -> None:
    completed = {**DONE, "reflection_status": "complete", "pending_correction": "which"}
    text, events, slots = await change(completed, "not sure", intent="deny")
    assert "your answers stay as they were" in text
    assert slots["pending_correction"] is None and not any(e.get("event") == "followup" for e in events)


async def responses(slots: dict[str, Any], text: str, intent: str) -> tuple[list[str], dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = await ActionChangeAnswer().run(dispatcher, make_tracker(slots, text, intent=intent), {})
    return [m.get("response") for m in dispatcher.messages], slot_events(events)


async def test_a_reply_to_the_summary_that_changes_nothing_closes_kindly() -> None:
    completed = {**DONE, "reflection_status": "complete"}
    said_now, slots = await responses(completed, "ok that's helpful", intent="answer")
    assert said_now == ["utter_anything_else"] and "missing" not in slots


async def test_before_the_reflection_is_complete_a_change_picks_up_the_paused_reflection() -> None:
    paused = {**DONE, "reflection_status": "paused"}
    text, events, slots = await change(paused, "change the goals one to 2")
    # nothing changed here: the reflection is picked up and its form reads the change where it was
    assert text == "" and "goals_shared" not in slots
    assert any(e.get("event") == "followup" and e.get("name") == "action_resume_with_answer" for e in events)
    # nothing begun: "Hola, sorry, my English is not perfect" read as a change starts the reflection
    text, events, _ = await change({"reflection_status": None}, "Hola, sorry, my English is not perfect")
    assert "glad you're here" in text  # the greeting; the form then asks for consent
    assert any(e.get("event") == "followup" and e.get("name") == "reflection_form" for e in events)


async def test_without_consent_a_change_is_shown_but_nothing_is_stored() -> None:
    unsaved = {**DONE, "consent": False}
    _, done = await complete(unsaved)
    text, _, slots = await change({**unsaved, **done}, "the homework one should be a 1")
    assert slots["homework_fit"] == 1
    await complete({**unsaved, **done, **slots})
    assert store().latest_completed(client()) is None
