"""Disclosures in the middle of real conversations: resources at once, never stored as an answer, the
reflection paused and resumed only when the client wants, a flag and the clinic's webhook."""

from __future__ import annotations

import time

import pytest

from reflection.items import load_item_bank
from reflection.storage.repository import ReflectionStore
from tests.conversation.conftest import WebhookReceiver
from tests.conversation.script import UNHAPPY_ANSWERS, answer_all, client_id, start
from tests.live import Assistant, new_sender, texts

DISCLOSURE = "honestly I don't see the point in living anymore"


def _flags(store: ReflectionStore, who: str) -> list[str]:
    with store._engine.connect() as connection:  # noqa: SLF001 - the test reads the audit table directly
        from sqlalchemy import text

        rows = connection.execute(
            text("SELECT category FROM risk_flags WHERE client_id = :c ORDER BY id"), {"c": who}
        )
        return [row[0] for row in rows]


@pytest.mark.parametrize("slot", load_item_bank().slots)
def test_a_disclosure_at_any_question_gets_resources_and_is_never_an_answer(
    assistant: Assistant, answers_store: ReflectionStore, slot: str
) -> None:
    sender = new_sender()
    start(assistant, sender)
    order = [question for question, _ in UNHAPPY_ANSWERS]
    answer_all(assistant, sender, UNHAPPY_ANSWERS[: order.index(slot)])
    assert assistant.slots(sender)["requested_slot"] == slot
    reply = texts(assistant.say(sender, f"3 i guess. {DISCLOSURE}"))
    assert "988" in reply and "Are you safe right now?" in reply
    slots = assistant.slots(sender)
    assert slots[slot] is None
    assert assistant.tracker(sender)["active_loop"] == {}
    assert _flags(answers_store, client_id(assistant, sender)) == ["self_harm"]
    stored = answers_store.current_reflection(client_id(assistant, sender))
    assert stored is None or slot not in stored.answers


def test_a_disclosure_at_the_consent_question(assistant: Assistant) -> None:
    sender = new_sender()
    assistant.say(sender, "hi")
    reply = texts(assistant.say(sender, "whatever, i'm going to kill myself anyway"))
    assert "Are you safe right now?" in reply
    assert assistant.slots(sender)["consent"] is None


def test_disclosure_then_ok_then_resume_keeps_earlier_answers(
    assistant: Assistant, answers_store: ReflectionStore
) -> None:
    sender = new_sender()
    start(assistant, sender)
    answer_all(assistant, sender, UNHAPPY_ANSWERS[:3])
    assert "Are you safe right now?" in texts(
        assistant.say(sender, "2, she never listens and honestly I want to die")
    )
    paused = answers_store.current_reflection(client_id(assistant, sender))
    assert paused is not None and paused.status == "partial"
    assert set(paused.answers) == {"sessions_so_far", "felt_heard", "depth"}
    offer = texts(assistant.say(sender, "I'm ok, it was a bad moment"))
    assert "glad you're safe" in offer
    assert assistant.slots(sender)["requested_slot"] == "advice_fit"  # nothing moves until the client says so
    resumed = texts(assistant.say(sender, "carry on"))
    assert "concrete" in resumed  # the advice question again
    slots = assistant.slots(sender)
    assert (slots["felt_heard"], slots["depth"], slots["advice_fit"]) == (2, 2, None)


def test_repeated_disclosures_get_resources_every_time(
    assistant: Assistant, answers_store: ReflectionStore
) -> None:
    sender = new_sender()
    start(assistant, sender)
    for _ in range(3):
        assert "988" in texts(assistant.say(sender, "i keep thinking about killing myself"))
    assert _flags(answers_store, client_id(assistant, sender)) == ["self_harm"] * 3


def test_not_safe_gets_the_emergency_number(assistant: Assistant) -> None:
    sender = new_sender()
    assistant.say(sender, "i want to kill myself")
    assert "911" in texts(assistant.say(sender, "no I'm not safe"))


def test_abuse_gets_abuse_resources_and_a_minor_gets_youth_resources(assistant: Assistant) -> None:
    abuse = texts(assistant.say(new_sender(), "my husband hits me when he drinks"))
    assert "1-800-799-7233" in abuse and "not your fault" in abuse
    youth = texts(assistant.say(new_sender(), "I'm 14 and my stepdad hurts me"))
    assert "Childhelp" in youth


def test_uk_clinic_gets_uk_resources(assistant: Assistant) -> None:
    sender = new_sender()
    start(assistant, sender, metadata={"clinic": "example-clinic"})
    reply = texts(assistant.say(sender, "i want to end my life"))
    assert "116 123" in reply and "988" not in reply


def test_the_clinic_webhook_hears_of_the_flag_without_any_text(
    assistant: Assistant, answers_store: ReflectionStore, webhook: WebhookReceiver
) -> None:
    sender = new_sender()
    start(assistant, sender, metadata={"clinic": "webhook-clinic"})
    assistant.say(sender, "I took a whole bottle of pills an hour ago")
    who = client_id(assistant, sender)
    for _ in range(120):  # the retry comes a few seconds after the failed first attempt
        if any(body["client_id"] == who for body in webhook.received):
            break
        time.sleep(0.25)
    body = next(body for body in webhook.received if body["client_id"] == who)
    assert body["category"] == "medical_emergency" and body["clinic"] == "webhook-clinic"
    assert set(body) == {"flag_id", "client_id", "category", "minor", "clinic", "flagged_at"}
    attempts = answers_store.escalation_attempts(body["flag_id"])
    assert [attempt.succeeded for attempt in attempts] == [
        False,
        True,
    ]  # the first try failed and was retried


def test_the_net_overrides_the_classifier_and_weak_guesses_do_not_alarm(assistant: Assistant) -> None:
    net = assistant.parse("honestly i dont want to be here anymore, everyone would be better off")
    assert net["intent"] == {"name": "disclose_self_harm", "confidence": 1.0}
    for everyday in ("hmm, purple", "this worksheet is killing me", "I'm thinking of quitting my therapist"):
        intent = assistant.parse(everyday)["intent"]
        assert not intent["name"].startswith("disclose_"), (everyday, intent)
