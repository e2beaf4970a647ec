from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from reflection.storage import repository
from reflection.storage.database import make_engine, upgrade
from reflection.storage.models import Answer, EscalationAttempt, NextStep, Reflection, RiskFlag
from reflection.storage.repository import NoReflectionError, ReflectionStore

HOSTILE_TEXTS = [
    "I feel 😔 but also 🌱 — ça va, 谢谢",
    "x" * 10_000,
    "'); DROP TABLE answers;--",
    '<script>alert("hi")</script>',
    "line one\nline two\r\n\ttabbed \"quoted\" 'single' \\ back\\slash %s %(name)s",
]


def count_rows(database_url: str, model: type) -> int:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(model)).scalar_one()
    engine.dispose()
    return count


def test_open_reflection_starts_one_and_returns_it_again(store: ReflectionStore, database_url: str) -> None:
    first = store.open_reflection("client-a", "north-clinic", "clinic_intake")
    second = store.open_reflection("client-a", None, "self")

    assert second.id == first.id
    assert (second.status, second.clinic, second.mode) == ("in_progress", "north-clinic", "clinic_intake")
    assert second.completed_at is None and second.answers == {} and second.next_steps == []
    assert first.started_at.tzinfo is not None and first.started_at.utcoffset() == timedelta(0)
    assert count_rows(database_url, Reflection) == 1


def test_each_client_has_their_own_reflection(store: ReflectionStore) -> None:
    first = store.open_reflection("client-a", None, "self")
    second = store.open_reflection("client-b", None, "self")

    assert first.id != second.id
    assert store.current_reflection("client-c") is None


def test_concurrent_opens_and_answers_make_one_reflection_and_one_row(
    store: ReflectionStore, database_url: str
) -> None:
    def answer(attempt: int) -> None:
        store.record_answer("client-a", "felt_heard", 1 + attempt % 5, f"try {attempt}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(answer, range(32)))

    assert count_rows(database_url, Reflection) == 1
    assert count_rows(database_url, Answer) == 1


def test_same_answer_twice_is_stored_once(store: ReflectionStore, database_url: str) -> None:
    store.record_answer("client-a", "felt_heard", 4, "mostly yes")
    store.record_answer("client-a", "felt_heard", 4, "mostly yes")

    assert count_rows(database_url, Answer) == 1
    assert count_rows(database_url, Reflection) == 1


def test_re_answering_replaces_the_value_and_words(store: ReflectionStore) -> None:
    store.record_answer("client-a", "felt_heard", 4, "mostly yes")
    store.record_answer("client-a", "felt_heard", 2, "actually, not really")

    reflection = store.current_reflection("client-a")

    assert reflection is not None
    answer = reflection.answers["felt_heard"]
    assert (answer.value, answer.raw_text) == (2, "actually, not really")
    assert answer.answered_at.tzinfo is not None


def test_values_come_back_with_their_type(store: ReflectionStore) -> None:
    store.record_answer("client-a", "felt_heard", 5, None)
    store.record_answer("client-a", "sessions_so_far", "early", "just two so far")
    store.record_answer("client-a", "homework_fit", "none", "we don't do homework")

    answers = store.current_reflection("client-a").answers  # type: ignore[union-attr]

    assert answers["felt_heard"].value == 5
    assert answers["sessions_so_far"].value == "early"
    assert answers["homework_fit"].value == "none"
    assert answers["felt_heard"].raw_text is None


@pytest.mark.parametrize("bad_value", [True, 2.5, None, ""])
def test_answer_values_must_be_an_int_or_a_non_empty_str(store: ReflectionStore, bad_value: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        store.record_answer("client-a", "felt_heard", bad_value, None)  # type: ignore[arg-type]


@pytest.mark.parametrize("hostile_text", HOSTILE_TEXTS, ids=["emoji", "10k", "sql", "script", "escapes"])
def test_client_words_are_stored_verbatim(
    store: ReflectionStore, database_url: str, hostile_text: str
) -> None:
    store.record_answer("client-a", "missing", "given", hostile_text)
    store.record_answer("client-a", "hopes", hostile_text[:200], hostile_text)

    answers = store.current_reflection("client-a").answers  # type: ignore[union-attr]

    assert answers["missing"].raw_text == hostile_text
    assert answers["hopes"].value == hostile_text[:200]
    assert answers["hopes"].raw_text == hostile_text
    assert count_rows(database_url, Answer) == 2


def test_remove_answer_forgets_only_that_item(store: ReflectionStore) -> None:
    store.record_answer("client-a", "felt_heard", 4, None)
    store.record_answer("client-a", "depth", 3, None)

    store.remove_answer("client-a", "felt_heard")
    store.remove_answer("client-a", "not_answered")

    assert set(store.current_reflection("client-a").answers) == {"depth"}  # type: ignore[union-attr]


def test_pause_keeps_answers_and_opening_again_resumes(store: ReflectionStore) -> None:
    started = store.open_reflection("client-a", None, "self")
    store.record_answer("client-a", "felt_heard", 4, None)

    store.pause("client-a")
    paused = store.current_reflection("client-a")
    resumed = store.open_reflection("client-a", None, "self")

    assert paused is not None and paused.status == "partial" and paused.id == started.id
    assert resumed.id == started.id and resumed.status == "in_progress"
    assert resumed.answers["felt_heard"].value == 4


def test_answering_a_paused_reflection_resumes_it(store: ReflectionStore) -> None:
    store.record_answer("client-a", "felt_heard", 4, None)
    store.pause("client-a")

    store.record_answer("client-a", "depth", 2, None)

    reflection = store.current_reflection("client-a")
    assert reflection is not None and reflection.status == "in_progress"
    assert set(reflection.answers) == {"felt_heard", "depth"}


def test_pause_without_an_open_reflection_does_nothing(store: ReflectionStore) -> None:
    store.pause("client-a")

    assert store.current_reflection("client-a") is None


def test_complete_closes_the_reflection_with_its_next_steps(store: ReflectionStore) -> None:
    store.record_answer("client-a", "depth", 2, "we stay on the surface")

    completed = store.complete("client-a", ["ask_for_depth", "share_goals", "ask_for_depth"])

    assert completed.status == "complete"
    assert completed.completed_at is not None and completed.completed_at.tzinfo is not None
    assert completed.next_steps == ["ask_for_depth", "share_goals"]
    assert completed.answers["depth"].raw_text == "we stay on the surface"
    assert store.current_reflection("client-a") is None


def test_completing_again_returns_the_same_reflection_unchanged(
    store: ReflectionStore, database_url: str
) -> None:
    store.record_answer("client-a", "depth", 2, None)
    first = store.complete("client-a", ["ask_for_depth"])

    retried = store.complete("client-a", ["ask_for_depth"])

    assert retried == first
    assert count_rows(database_url, NextStep) == 1


def test_completing_with_nothing_to_complete_is_an_error(store: ReflectionStore) -> None:
    with pytest.raises(NoReflectionError):
        store.complete("client-a", [])


def test_latest_completed_is_the_most_recent_one(store: ReflectionStore) -> None:
    assert store.latest_completed("client-a") is None
    store.record_answer("client-a", "depth", 2, None)
    older = store.complete("client-a", ["ask_for_depth"])

    store.record_answer("client-a", "depth", 4, None)
    open_again = store.current_reflection("client-a")
    assert open_again is not None and open_again.id != older.id
    assert store.latest_completed("client-a") == older

    newer = store.complete("client-a", [])
    assert store.latest_completed("client-a") == newer
    assert newer.answers["depth"].value == 4 and newer.next_steps == []


def test_erase_client_removes_everything_about_that_client_only(
    store: ReflectionStore, database_url: str
) -> None:
    store.record_answer("client-a", "depth", 2, "private words")
    store.complete("client-a", ["ask_for_depth", "share_goals"])
    store.record_answer("client-a", "depth", 3, None)
    flag = store.flag_risk("client-a", "self_harm", minor=False, clinic=None, deliver=True)
    store.record_delivery_attempt(flag.id, 1, 503, None, delivered=False, retry_at=None)
    store.record_answer("client-b", "depth", 5, "keep me")
    store.flag_risk("client-b", "abuse", minor=True, clinic="north-clinic")

    deleted = store.erase_client("client-a")

    # 2 reflections + 2 answers + 2 next steps + 1 flag + 1 attempt
    assert deleted == 8
    assert store.current_reflection("client-a") is None
    assert store.latest_completed("client-a") is None
    assert store.escalation_attempts(flag.public_id) == []
    assert store.current_reflection("client-b").answers["depth"].raw_text == "keep me"  # type: ignore[union-attr]
    assert count_rows(database_url, RiskFlag) == 1
    assert count_rows(database_url, EscalationAttempt) == 0
    assert store.erase_client("client-a") == 0


def test_erased_words_are_gone_from_the_sqlite_files_too(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'answers.db'}"
    upgrade(url)
    sqlite_store = ReflectionStore.from_url(url)
    words = "to tell Zebediah Quint the truth"
    sqlite_store.record_answer("client-a", "hopes", words, words)
    sqlite_store.complete("client-a", ["keep_going"])

    sqlite_store.erase_client("client-a")
    sqlite_store.close()

    on_disk = b"".join(path.read_bytes() for path in tmp_path.iterdir() if path.is_file())
    assert b"Zebediah" not in on_disk


def test_flag_ids_receivers_see_are_never_reused_after_an_erase(store: ReflectionStore) -> None:
    first = store.flag_risk("client-a", "self_harm", minor=False, clinic=None)
    store.erase_client("client-a")
    second = store.flag_risk("client-a", "self_harm", minor=False, clinic=None)

    assert first.public_id != second.public_id
    assert len(second.public_id) == 36


def test_a_flag_without_consent_keeps_no_client_id(store: ReflectionStore) -> None:
    flag = store.flag_risk(None, "abuse", minor=True, clinic="north-clinic")

    stored = store.risk_flag(flag.id)
    assert stored is not None and stored.client_id is None and stored.category == "abuse"


def test_a_flag_for_harm_to_others_is_stored_and_an_unknown_category_refused(store: ReflectionStore) -> None:
    flag = store.flag_risk(None, "harm_to_others", minor=False, clinic=None)

    stored = store.risk_flag(flag.id)
    assert stored is not None and stored.category == "harm_to_others"
    with pytest.raises(ValueError):
        store.flag_risk(None, "bad_day", minor=False, clinic=None)


def test_flags_wait_for_delivery_until_delivered_or_given_up(store: ReflectionStore) -> None:
    waiting = store.flag_risk("client-a", "self_harm", minor=False, clinic="north", deliver=True)
    not_needed = store.flag_risk("client-b", "self_harm", minor=False, clinic=None)
    now = datetime.now(timezone.utc)
    assert store.due_flags(now) == [waiting.id] and not_needed.delivery == "not_needed"

    claimed = store.claim_flag(waiting.id, now, now + timedelta(seconds=20))
    assert claimed is not None and claimed.attempts == 1
    assert store.claim_flag(waiting.id, now, now + timedelta(seconds=20)) is None  # taken: not due again yet
    retry_at = now + timedelta(seconds=5)
    store.record_delivery_attempt(waiting.id, 1, 503, None, delivered=False, retry_at=retry_at)
    assert store.due_flags(now) == [] and store.due_flags(now + timedelta(seconds=6)) == [waiting.id]

    retried = store.claim_flag(waiting.id, now + timedelta(seconds=6), now + timedelta(seconds=26))
    assert retried is not None and retried.attempts == 2
    store.record_delivery_attempt(waiting.id, 2, 204, None, delivered=True, retry_at=None)
    assert store.due_flags(now + timedelta(days=1)) == []
    assert store.risk_flag(waiting.id).delivery == "delivered"  # type: ignore[union-attr]
    assert [a.succeeded for a in store.escalation_attempts(waiting.public_id)] == [False, True]


def test_completing_with_the_answers_stores_exactly_those_answers(store: ReflectionStore) -> None:
    store.record_answer("client-a", "depth", 2, "rarely")
    store.record_answer("client-a", "tell_more", "taken back later", "taken back later")

    completed = store.complete(
        "client-a",
        ["talk_to_therapist"],
        answers={"depth": (2, "rarely"), "felt_heard": (1, "never")},  # felt_heard's write never arrived
        completion_key="3f1a2b4c-0000-4000-8000-000000000001",
    )

    assert {item: answer.value for item, answer in completed.answers.items()} == {"depth": 2, "felt_heard": 1}
    assert completed.status == "complete" and completed.next_steps == ["talk_to_therapist"]


def test_a_repeated_completion_changes_nothing(store: ReflectionStore) -> None:
    key = "3f1a2b4c-0000-4000-8000-000000000002"
    first = store.complete("client-a", ["keep_going"], answers={"depth": (5, "yes")}, completion_key=key)
    again = store.complete("client-a", ["keep_going"], answers={"depth": (5, "yes")}, completion_key=key)

    assert again.id == first.id
    assert len(list(store.iter_reflections())) == 1


def test_completing_answers_that_never_arrived_opens_the_reflection(store: ReflectionStore) -> None:
    completed = store.complete("client-a", ["keep_going"], answers={"goals_shared": (4, "mostly")})

    assert completed.answers["goals_shared"].raw_text == "mostly"


def test_an_answer_changed_after_the_summary_amends_the_completed_reflection(store: ReflectionStore) -> None:
    answers = {"depth": (4, "deep"), "goals_shared": (4, "yes")}
    first = store.complete("client-a", ["keep_going"], answers=answers)
    store.complete("client-b", ["keep_going"], answers={"depth": (5, "yes")})

    amended = store.amend_completed(
        "client-a", ["talk_to_therapist"], answers={"depth": (4, "deep"), "goals_shared": (2, "make it a 2")}
    )

    assert amended is not None and amended.id == first.id and amended.status == "complete"
    goals = amended.answers["goals_shared"]
    assert goals.value == 2 and goals.raw_text == "make it a 2"
    assert amended.next_steps == ["talk_to_therapist"] and amended.completed_at == first.completed_at
    assert store.current_reflection("client-a") is None and len(list(store.iter_reflections())) == 2
    assert store.latest_completed("client-b").answers["depth"].value == 5  # type: ignore[union-attr]


def test_a_change_after_an_erasure_brings_nothing_back(store: ReflectionStore) -> None:
    store.complete("client-a", ["keep_going"], answers={"depth": (4, "deep")})
    store.erase_client("client-a")

    assert store.amend_completed("client-a", ["keep_going"], answers={"depth": (2, "2")}) is None
    assert list(store.iter_reflections()) == []


def test_risk_flags_record_the_category_but_never_any_text(store: ReflectionStore, database_url: str) -> None:
    flagged = store.flag_risk("client-a", "medical_emergency", minor=True, clinic="north-clinic")
    flag = store.risk_flag(flagged.id)
    engine = make_engine(database_url)
    columns = {column["name"] for column in inspect(engine).get_columns("risk_flags")}
    engine.dispose()

    assert flag is not None
    assert (flag.client_id, flag.category, flag.minor, flag.clinic) == (
        "client-a",
        "medical_emergency",
        True,
        "north-clinic",
    )
    assert flag.created_at.tzinfo == timezone.utc
    assert columns == {
        "id", "public_id", "client_id", "clinic", "category", "minor", "created_at",
        "delivery", "next_attempt_at", "attempts",
    }


def test_escalation_attempts_are_kept_in_order(store: ReflectionStore) -> None:
    flag = store.flag_risk("client-a", "abuse", minor=False, clinic=None, deliver=True)
    retry_at = datetime.now(timezone.utc)

    store.record_delivery_attempt(
        flag.id, 1, None, "ConnectError: refused " + "x" * 500, delivered=False, retry_at=retry_at
    )
    store.record_delivery_attempt(flag.id, 2, 200, None, delivered=True, retry_at=None)

    attempts = store.escalation_attempts(flag.public_id)
    assert [(a.attempt, a.status_code, a.succeeded) for a in attempts] == [(1, None, False), (2, 200, True)]
    assert attempts[0].error is not None and len(attempts[0].error) == 200


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda store: store.open_reflection("client-a", None, "group"), "mode"),
        (lambda store: store.open_reflection("x" * 65, None, "self"), "client_id"),
        (lambda store: store.open_reflection("", None, "self"), "client_id"),
        (lambda store: store.flag_risk("client-a", "sadness", minor=False, clinic=None), "category"),
        (lambda store: store.complete("client-a", ["x" * 65]), "next step"),
        (lambda store: list(store.iter_reflections(status="done")), "status"),
    ],
)
def test_invalid_arguments_are_refused_with_a_clear_message(
    store: ReflectionStore, call, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        call(store)


def test_iter_reflections_yields_all_in_id_order_across_batches(
    store: ReflectionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(repository, "EXPORT_BATCH_SIZE", 2)
    for client in ("c1", "c2", "c3", "c4", "c5"):
        store.record_answer(client, "depth", 3, None)
    for client in ("c1", "c3", "c5"):
        store.complete(client, [])
    store.pause("c2")

    everything = list(store.iter_reflections())
    completed = list(store.iter_reflections(status="complete"))
    partial = list(store.iter_reflections(status="partial"))

    assert [record.client_id for record in everything] == ["c1", "c2", "c3", "c4", "c5"]
    assert [record.id for record in everything] == sorted(record.id for record in everything)
    assert [record.client_id for record in completed] == ["c1", "c3", "c5"]
    assert [record.client_id for record in partial] == ["c2"]
