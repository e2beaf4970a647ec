"""'Delete my data' erases every copy: answers (raw and anonymized), next steps, the anonymized transcript,
flags, review marks, tags, notes, break-glass requests and candidate cases; nothing of anyone else."""

from datetime import datetime, timezone

from sqlalchemy import func, insert, select

from reflection.review import ReviewDesk
from reflection.storage.database import make_engine
from reflection.storage.models import (
    AnonymizationCandidate,
    Answer,
    BreakGlassRequest,
    IngestState,
    NextStep,
    Reflection,
    ReflectionTag,
    ReviewMark,
    ReviewNote,
    RiskFlag,
    TranscriptTurn,
)
from reflection.storage.repository import ReflectionStore

COPIES = (
    Reflection,
    Answer,
    NextStep,
    TranscriptTurn,
    RiskFlag,
    ReviewMark,
    ReflectionTag,
    ReviewNote,
    BreakGlassRequest,
    AnonymizationCandidate,
)


def give_everything(store: ReflectionStore, desk: ReviewDesk, database_url: str, client: str) -> None:
    record = store.complete(
        client, ["talk_to_therapist"], answers={"hopes": ("to see Priya", "to see Priya")}, clinic="north"
    )
    store.flag_risk(client, "abuse", False, "north")
    engine = make_engine(database_url)
    now = datetime.now(timezone.utc)
    with engine.begin() as connection:
        connection.execute(
            insert(TranscriptTurn).values(
                client_id=client,
                clinic="north",
                event_id=1,
                speaker="client",
                text_anonymized="about <PERSON> and the clinic",
                sent_at=now,
                ingested_at=now,
            )
        )
    engine.dispose()
    desk.add_tag("north", record.id, "follow up", "nora")
    desk.add_note("north", record.id, "call back", "nora")
    desk.set_reviewed("north", record.id, True, "nora")
    desk.request_raw_access("north", record.id, "nadia", "the client asked us to check")
    desk.remove_missed_identifier("north", record.id, "the clinic", "ORGANIZATION", "nora")


def counts(database_url: str) -> dict[str, int]:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        result = {
            model.__tablename__: connection.execute(select(func.count()).select_from(model)).scalar_one()
            for model in COPIES
        }
    engine.dispose()
    return result


def test_erase_client_removes_every_copy_and_only_theirs(store: ReflectionStore, database_url: str) -> None:
    engine = make_engine(database_url)
    desk = ReviewDesk(engine)
    give_everything(store, desk, database_url, "client-a")
    give_everything(store, desk, database_url, "client-b")
    before = counts(database_url)
    assert all(count >= 2 for count in before.values()), before

    store.erase_client("client-a")

    after = counts(database_url)
    assert after == {table: count // 2 for table, count in before.items()}
    with engine.connect() as connection:
        marker = connection.execute(select(IngestState).where(IngestState.client_id == "client-a")).one()
        assert marker.erased_before is not None and marker.consent is None  # no words, only when
        clients = {row[0] for row in connection.execute(select(TranscriptTurn.client_id))}
    assert clients == {"client-b"}
    engine.dispose()
