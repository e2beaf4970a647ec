"""The staff console through FastAPI's test client, on a fresh SQLite database with two clinics' data:
staff accounts, reflections with anonymized copies, transcript turns and a risk flag."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, insert, text

from reflection.clinics import load_clinics
from reflection.ingest import Ingestor
from reflection.staff import StaffDirectory
from reflection.storage.database import make_engine, upgrade
from reflection.storage.models import TranscriptTurn
from reflection.storage.repository import ReflectionStore
from tests.storage.conftest import postgres_database_url  # noqa: F401 - the storage tests' PostgreSQL
from web.app import app
from web.console.services import ConsoleServices, get_services

PASSWORD = "correct horse battery staple"
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


def fake_anonymize(texts: Sequence[str]) -> list[str]:
    """Stands in for the spaCy engine: removes the names these tests use."""
    return [text.replace("Priya", "<PERSON>").replace("Boston", "<LOCATION>") for text in texts]


@dataclass
class Seeded:
    north_low: int  # a north-clinic reflection with an alliance concern, a flag and a transcript
    north_good: int
    south: int
    north_client: str


def seed(database_url: str) -> Seeded:
    store = ReflectionStore.from_url(database_url)
    answers = {
        "sessions_so_far": ("established", "about 8 sessions"),
        "felt_heard": (2, "not really, Priya talks over me"),
        "depth": (3, "sometimes"),
        "hopes": ("to feel heard by Priya in Boston", "to feel heard by Priya in Boston"),
    }
    low = store.complete(
        "north-client", ["talk_to_therapist"], answers=answers, clinic="north", mode="clinic_intake"
    )
    store.flag_risk("north-client", "self_harm", False, "north")
    good = store.complete(
        "north-other",
        ["keep_going"],
        answers={"felt_heard": (5, "yes"), "depth": (4, "mostly")},
        clinic="north",
    )
    south = store.complete(
        "south-client",
        ["keep_going"],
        answers={"felt_heard": (4, "yes"), "hopes": ("calm", "calm")},
        clinic="south",
    )
    store.close()
    engine = make_engine(database_url)
    Ingestor(engine, engine, fake_anonymize, "unused").anonymize_answers()
    now = datetime.now(timezone.utc)
    turns = [
        ("assistant", "How long have you been seeing your current therapist?", None),
        ("client", "about 8 sessions with <PERSON> at the clinic", "inform"),
        ("client", "sometimes I feel I can't go on", "disclose_self_harm"),
        ("assistant", "I'm really glad you told me.", None),
    ]
    with engine.begin() as connection:
        for number, (speaker, text, intent) in enumerate(turns):
            connection.execute(
                insert(TranscriptTurn).values(
                    client_id="north-client",
                    clinic="north",
                    event_id=number + 1,
                    speaker=speaker,
                    intent=intent,
                    text_anonymized=text,
                    sent_at=now - timedelta(minutes=5 - number),
                    ingested_at=now,
                )
            )
        connection.execute(
            insert(TranscriptTurn).values(
                client_id="south-client",
                clinic="south",
                event_id=1,
                speaker="client",
                intent=None,
                text_anonymized="a south clinic message",
                sent_at=now,
                ingested_at=now,
            )
        )
    engine.dispose()
    return Seeded(north_low=low.id, north_good=good.id, south=south.id, north_client="north-client")


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Still argon2, with less work per hash than production, so each test does not wait seconds."""
    monkeypatch.setattr(
        "reflection.staff._hasher", PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    )


@pytest.fixture
def clinics_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "clinics"
    folder.mkdir()
    (folder / "default.yml").write_text("id: default\nname: Reflection\n")
    (folder / "north.yml").write_text(
        "id: north\nname: North Clinic\nretention_days: 30\nbreak_glass: true\n"
    )
    (folder / "south.yml").write_text("id: south\nname: South Clinic\n")
    monkeypatch.setenv("CLINICS_DIR", str(folder))
    load_clinics.cache_clear()
    yield folder
    load_clinics.cache_clear()


@pytest.fixture(params=["sqlite", "postgresql"])
def console_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend (PostgreSQL: the storage tests' fresh database, schema reset)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'reflection.db'}"
    database_url: str = request.getfixturevalue("postgres_database_url")
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return database_url


@pytest.fixture
def console(console_database_url: str, tmp_path: Path, clinics_dir: Path) -> Iterator[ConsoleServices]:
    database_url = console_database_url
    upgrade(database_url)
    services = ConsoleServices(
        database_url=database_url, tracker_db_url=f"sqlite:///{tmp_path / 'tracker.db'}"
    )
    directory = StaffDirectory(services.engine)
    directory.create("nora", "north", "reviewer", PASSWORD)
    directory.create("nadia", "north", "admin", PASSWORD)
    directory.create("nell", "north", "admin", PASSWORD)
    directory.create("sam", "south", "admin", PASSWORD)
    app.dependency_overrides[get_services] = lambda: services
    yield services
    app.dependency_overrides.pop(get_services, None)
    services.close()


@pytest.fixture
def seeded(console: ConsoleServices) -> Seeded:
    return seed(console.database_url)


def client() -> TestClient:
    return TestClient(app, follow_redirects=False)


def sign_in(username: str, password: str = PASSWORD, http: TestClient | None = None) -> TestClient:
    http = http or client()
    page = http.get("/console/login")
    token = CSRF_FIELD.search(page.text).group(1)
    response = http.post("/console/login", data={"username": username, "password": password, "csrf": token})
    assert response.status_code == 303, response.text
    return http


def csrf_of(http: TestClient, path: str = "/console/reflections") -> str:
    return CSRF_FIELD.search(http.get(path).text).group(1)
