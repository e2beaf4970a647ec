"""Intake mode: a new client tells a clinic about past therapy and what they want now (issue 9)."""

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.context import store
from actions.lifecycle import ActionCompleteReflection, ActionSessionStart
from actions.reflection_form import ASK_ACTIONS, AskClinicQuestion, AskForConsent, ValidateReflectionForm
from reflection.pseudonym import pseudonymize
from tests.actions.conftest import make_tracker, said, slot_events

RIVERSIDE = {"consent": True, "clinic_id": "riverside", "mode": "intake", "sessions_so_far": "established"}
ALL_ASKED = {
    "felt_heard": 2, "depth": 2, "advice_fit": 3, "homework_fit": "none", "goals_shared": 2,
    "approach_fit": 2, "raised_needs": "yes_no_change", "hopes": "to feel understood",
    "missing": "someone who remembers",
}


async def answer(slots: dict, asked: str, text: str) -> dict:
    tracker = make_tracker({**slots, "requested_slot": asked}, text)
    return slot_events(await ValidateReflectionForm().run(CollectingDispatcher(), tracker, {}))


def client() -> str:
    return pseudonymize("client-1", "a-test-secret-of-enough-length")


def started(metadata: dict) -> Tracker:
    return Tracker("client-1", {"session_started_metadata": metadata}, {}, [], False, None, {}, None)


async def test_intake_is_only_for_a_clinic_that_runs_it() -> None:
    for metadata, mode in [
        ({"clinic": "riverside", "mode": "intake"}, "intake"),
        ({"clinic": "example-clinic", "mode": "intake"}, "reflection"),  # intake is off there
        ({"mode": "intake"}, "reflection"),
        ({"clinic": "riverside"}, "reflection"),
    ]:
        events = await ActionSessionStart().run(CollectingDispatcher(), started(metadata), {})
        assert slot_events(events)["mode"] == mode, metadata


async def test_the_opening_and_questions_are_about_past_therapy(dispatcher) -> None:  # noqa: ANN001
    await AskForConsent().run(dispatcher, make_tracker({"clinic_id": "riverside", "mode": "intake"}), {})
    assert "match you with a therapist" in said(dispatcher) or "find you a therapist" in said(dispatcher)
    asked = CollectingDispatcher()
    await ASK_ACTIONS["felt_heard"]().run(asked, make_tracker(RIVERSIDE), {})
    assert "With that therapist" in said(asked)


async def test_intake_asks_what_they_want_then_the_clinics_questions(dispatcher) -> None:  # noqa: ANN001
    validate = ValidateReflectionForm()
    asked = {**RIVERSIDE, **ALL_ASKED, "requested_slot": "missing"}
    tracker = make_tracker(asked, "someone who remembers", fresh=False)
    required = await validate.required_slots([], dispatcher, tracker, {})
    assert "tell_more" not in required and required[-4:] == [
        "wants_style", "wants_focus", "practical_needs", "clinic_extra",
    ]

    slots = {**RIVERSIDE, **ALL_ASKED, "wants_style": "direct but kind", "wants_focus": "anxiety"}
    events = await answer(slots, "practical_needs", "evenings, online")
    assert events["practical_needs"] == "evenings, online" and events["requested_slot"] == "clinic_extra"

    question = CollectingDispatcher()
    slots["practical_needs"] = "evenings, online"
    await AskClinicQuestion().run(question, make_tracker(slots), {})
    assert "online, in person" in said(question)
    titles = [b["title"] for b in question.messages[0]["buttons"]]
    assert titles == ["Online", "In person", "Either is fine", "Skip"]

    first = await answer(slots, "clinic_extra", "Online")
    assert first["clinic_answers"] == {"session_format": "Online"}
    assert first["requested_slot"] == "clinic_extra"
    slots["clinic_answers"] = first["clinic_answers"]
    second = await answer(slots, "clinic_extra", "Spanish please")
    assert second["clinic_extra"] == "done" and second["requested_slot"] is None


async def test_intake_is_stored_for_the_clinic_with_no_next_steps_for_the_client(dispatcher) -> None:  # noqa: ANN001
    slots = {**RIVERSIDE, **ALL_ASKED, "wants_style": "direct but kind", "wants_focus": "my anxiety at work"}
    slots |= {"practical_needs": "evenings"}
    slots |= {"clinic_answers": {"session_format": "Online", "language": "Spanish"}}
    finished = make_tracker(slots, "x", fresh=False)
    events = slot_events(await ActionCompleteReflection().run(dispatcher, finished, {}))
    assert events["next_steps"] == []
    text = said(dispatcher)
    assert "Riverside Therapy Centre will use what you've told us" in text
    assert "To work on: \"my anxiety at work\"" in text and "talk openly with your therapist" not in text
    assert "• Sessions: Online\n• Language: Spanish" in text  # the clinic's own questions, in its order
    stored = store().latest_completed(client())
    assert stored is not None and stored.mode == "clinic_intake" and stored.clinic == "riverside"
    assert stored.answers["clinic_language"].value == "Spanish" and stored.answers["wants_focus"].value


async def test_a_clinic_question_answered_in_passing_is_not_asked_again(dispatcher) -> None:  # noqa: ANN001
    """Issue 8, item 8: "online is fine" was said, then the client was asked online or in person anyway."""
    slots = {**RIVERSIDE, **ALL_ASKED, "wants_style": "direct but kind", "wants_focus": "anxiety"}
    tracker = make_tracker({**slots, "requested_slot": "practical_needs"}, "evenings, online is fine")
    events = slot_events(await ValidateReflectionForm().run(dispatcher, tracker, {}))
    assert events["practical_needs"] == "evenings, online is fine"
    assert events["clinic_answers"] == {"session_format": "Online"}
    assert "won't ask about that again" in said(dispatcher)
    assert events["requested_slot"] == "clinic_extra"

    question = CollectingDispatcher()
    await AskClinicQuestion().run(question, make_tracker({**slots, **events}), {})
    assert "Which language" in said(question) and "online, in person" not in said(question)
    stored = store().current_reflection(client())
    assert stored is not None and stored.answers["clinic_session_format"].value == "Online"


async def test_every_clinic_question_answered_in_passing_ends_the_intake(dispatcher) -> None:  # noqa: ANN001
    slots = {**RIVERSIDE, **ALL_ASKED, "wants_style": "direct", "wants_focus": "anxiety"}
    slots["clinic_answers"] = {"language": "English"}
    tracker = make_tracker({**slots, "requested_slot": "practical_needs"}, "weekday evenings on zoom")
    events = slot_events(await ValidateReflectionForm().run(dispatcher, tracker, {}))
    assert events["clinic_answers"] == {"language": "English", "session_format": "Online"}
    assert events["requested_slot"] is None


async def test_a_choice_said_with_not_is_still_asked(dispatcher) -> None:  # noqa: ANN001
    slots = {**RIVERSIDE, **ALL_ASKED, "wants_style": "direct", "wants_focus": "anxiety"}
    tracker = make_tracker({**slots, "requested_slot": "practical_needs"}, "evenings, rather not do online")
    events = slot_events(await ValidateReflectionForm().run(dispatcher, tracker, {}))
    assert "clinic_answers" not in events and events["requested_slot"] == "clinic_extra"
