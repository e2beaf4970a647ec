"""Anonymization at ingest: consented turns only, idempotent, restart-safe, erasure-safe; answers' copies."""

import time
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from reflection.ingest import Ingestor, IngestWorker, remove_identifiers
from reflection.pseudonym import pseudonymize
from reflection.storage.database import make_engine
from reflection.storage.models import AnonymizationCandidate, IngestState, TranscriptTurn
from reflection.storage.repository import ReflectionStore
from tests.tracker_events import TrackerDatabase, bot, session_started, slot, user

SECRET = "pseudonym-secret-for-ingest-tests"


class FakeAnonymizer:
    """Stands in for the spaCy engine where the logic, not the model, is under test: removes 'Priya'."""

    def __init__(self) -> None:
        self.batches: list[int] = []

    def __call__(self, texts: Sequence[str]) -> list[str]:
        self.batches.append(len(texts))
        return [text.replace("Priya", "<PERSON>") for text in texts]


@pytest.fixture
def tracker(tmp_path: Path) -> Iterator[TrackerDatabase]:
    database = TrackerDatabase(f"sqlite:///{tmp_path / 'tracker.db'}")
    yield database
    database.close()


@pytest.fixture
def anonymizer() -> FakeAnonymizer:
    return FakeAnonymizer()


@pytest.fixture
def ingestor(database_url: str, tracker: TrackerDatabase, anonymizer: FakeAnonymizer) -> Iterator[Ingestor]:
    engine = make_engine(database_url)
    yield Ingestor(engine, tracker.engine, anonymizer, SECRET, batch_size=4)
    engine.dispose()


def turns(database_url: str) -> list[TranscriptTurn]:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(select(TranscriptTurn).order_by(TranscriptTurn.event_id)).all()
    engine.dispose()
    return rows


def consented_conversation(tracker: TrackerDatabase, sender: str, clinic: str | None = "north") -> None:
    tracker.save(
        sender, [session_started(), slot("clinic_id", clinic), user("hi"), bot("Is it okay to save?")]
    )
    tracker.save(sender, [user("yes"), slot("consent", True), bot("Thank you.")])
    tracker.save(sender, [user("my therapist Priya never listens"), bot("I'm sorry to hear that.")])


def test_only_what_is_said_after_consent_is_ingested_anonymized(
    ingestor: Ingestor, tracker: TrackerDatabase, database_url: str
) -> None:
    consented_conversation(tracker, "sender-yes")
    tracker.save(
        "sender-no", [session_started(), user("hi, I'm Priya"), slot("consent", False), bot("Okay.")]
    )

    report = ingestor.run_once()

    stored = turns(database_url)
    assert [(turn.speaker, turn.text_anonymized) for turn in stored] == [
        ("assistant", "Thank you."),
        ("client", "my therapist <PERSON> never listens"),
        ("assistant", "I'm sorry to hear that."),
    ]
    assert {turn.client_id for turn in stored} == {pseudonymize("sender-yes", SECRET)}
    assert {turn.clinic for turn in stored} == {"north"}
    assert "Priya" not in str([turn.text_anonymized for turn in stored])
    assert report.turns == 3 and report.conversations == 2


def test_a_second_pass_adds_nothing_and_a_new_turn_only_once(
    ingestor: Ingestor, tracker: TrackerDatabase, database_url: str, anonymizer: FakeAnonymizer
) -> None:
    consented_conversation(tracker, "sender-a")
    ingestor.run_once()
    anonymized_before = sum(anonymizer.batches)

    assert ingestor.run_once().turns == 0
    assert sum(anonymizer.batches) == anonymized_before  # nothing is anonymized twice

    tracker.save("sender-a", [user("also Tuesdays are hard"), bot("Thanks for telling me.")])
    assert ingestor.run_once().turns == 2
    assert len(turns(database_url)) == 5


def test_a_restarted_worker_carries_on_from_the_watermark(
    database_url: str, tracker: TrackerDatabase, anonymizer: FakeAnonymizer
) -> None:
    consented_conversation(tracker, "sender-a")
    engine = make_engine(database_url)
    Ingestor(engine, tracker.engine, anonymizer, SECRET).run_once()
    tracker.save("sender-a", [user("one more thing"), bot("Go on.")])

    # A new process: state comes only from the database.
    fresh = Ingestor(engine, tracker.engine, anonymizer, SECRET)
    assert fresh.run_once().turns == 2
    assert fresh.run_once().turns == 0
    with engine.connect() as connection:
        watermark = connection.execute(select(IngestState.last_event_id)).scalar_one()
    engine.dispose()
    assert watermark == len(tracker.events("sender-a"))


def test_withdrawn_consent_stops_the_ingest_and_a_new_session_needs_consent_again(
    ingestor: Ingestor, tracker: TrackerDatabase, database_url: str
) -> None:
    consented_conversation(tracker, "sender-a")
    tracker.save("sender-a", [user("start again"), slot("consent", None), bot("Is it okay to save?")])
    tracker.save("sender-a", [user("no"), slot("consent", False), bot("That's fine.")])
    tracker.save("sender-a", [session_started(), user("hello again"), bot("Hi.")])

    ingestor.run_once()

    texts = [turn.text_anonymized for turn in turns(database_url)]
    assert texts[-1] == "start again"  # said while consent still stood
    assert (
        "Is it okay to save?" not in texts[1:] and "That's fine." not in texts and "hello again" not in texts
    )


def test_long_conversations_are_read_in_pages(
    ingestor: Ingestor, tracker: TrackerDatabase, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reflection.ingest.EVENTS_PER_PAGE", 3)
    consented_conversation(tracker, "sender-a")
    tracker.save("sender-a", [user(f"message {number}") for number in range(7)])

    ingestor.run_once()

    assert len(turns(database_url)) == 3 + 7


def test_an_erased_client_is_never_ingested_again_from_events_rasa_still_holds(
    ingestor: Ingestor, tracker: TrackerDatabase, database_url: str
) -> None:
    consented_conversation(tracker, "sender-a")
    ingestor.run_once()
    client_id = pseudonymize("sender-a", SECRET)
    tracker.save("sender-a", [user("I'd like to add something"), bot("Sure.")])
    store = ReflectionStore.from_url(database_url)

    store.erase_client(client_id)  # the action runs; Rasa erases the events only when it saves the turn
    ingestor.run_once()

    assert turns(database_url) == []
    tracker.save("sender-a", [session_started(), slot("consent", True), user("a new start"), bot("Welcome.")])
    ingestor.run_once()
    assert [turn.text_anonymized for turn in turns(database_url)] == ["a new start", "Welcome."]
    store.close()


def test_answers_get_anonymized_copies_and_a_changed_answer_a_new_one(
    ingestor: Ingestor, database_url: str
) -> None:
    store = ReflectionStore.from_url(database_url)
    store.record_answer("client-a", "hopes", "to tell Priya how I feel", "to tell Priya how I feel")
    store.record_answer("client-a", "felt_heard", 2, "not really, Priya talks over me")

    assert ingestor.run_once().answers == 2
    answers = store.current_reflection("client-a").answers
    assert answers["hopes"].value_anonymized == "to tell <PERSON> how I feel"
    assert answers["felt_heard"].value_anonymized == "2"
    assert answers["felt_heard"].raw_text_anonymized == "not really, <PERSON> talks over me"

    store.complete("client-a", ["talk_to_therapist"], answers={"hopes": ("to tell Priya how I feel", None)})
    answers = store.latest_completed("client-a").answers
    assert answers["hopes"].value_anonymized is None  # the raw text changed: the old copy is dropped
    ingestor.run_once()
    assert (
        store.latest_completed("client-a").answers["hopes"].value_anonymized == "to tell <PERSON> how I feel"
    )
    store.close()


def test_identifiers_reviewers_found_are_removed_from_the_clients_new_texts(
    ingestor: Ingestor, tracker: TrackerDatabase, database_url: str
) -> None:
    client_id = pseudonymize("sender-a", SECRET)
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            AnonymizationCandidate.__table__.insert().values(
                client_id=client_id,
                clinic="north",
                entity_type="PERSON",
                identifier="dr bloom",
                context="",
                created_by="rev",
                created_at=datetime.now(timezone.utc),
            )
        )
    engine.dispose()
    consented_conversation(tracker, "sender-a")
    tracker.save("sender-a", [user("Dr  Bloom said so, and dr bloomfield agreed")])

    ingestor.run_once()

    assert turns(database_url)[-1].text_anonymized == "<PERSON> said so, and dr bloomfield agreed"


def test_remove_identifiers_matches_whole_words_in_any_case() -> None:
    assert remove_identifiers("Sam and SAM and sami", [("sam", "PERSON")]) == "<PERSON> and <PERSON> and sami"
    assert remove_identifiers("x", [("  ", "PERSON")]) == "x"
    assert (
        remove_identifiers("call 555.0199 now", [("555.0199", "PHONE_NUMBER")]) == "call <PHONE_NUMBER> now"
    )


def test_the_worker_ingests_in_the_background_and_survives_a_failed_pass(
    database_url: str, tracker: TrackerDatabase, anonymizer: FakeAnonymizer
) -> None:
    engine = make_engine(database_url)
    attempts: list[int] = []
    hooks: list[int] = []

    def make_ingestor() -> Ingestor:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("the database is not reachable yet")
        return Ingestor(engine, tracker.engine, anonymizer, SECRET)

    consented_conversation(tracker, "sender-a")
    worker = IngestWorker(make_ingestor, every_seconds=0.05, after_pass=lambda: hooks.append(1))
    worker.start()
    deadline = time.time() + 10
    while len(turns(database_url)) < 3 and time.time() < deadline:
        time.sleep(0.05)
    tracker.save("sender-a", [user("later on"), bot("Thanks.")])
    while len(turns(database_url)) < 5 and time.time() < deadline:
        time.sleep(0.05)
    worker.stop()
    engine.dispose()

    assert len(turns(database_url)) == 5
    assert len(attempts) == 2 and worker.passes >= 2 and hooks
