"""Whether a client whose fit looks low hears that staff can see it is the clinic's choice."""

from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.lifecycle import ActionCompleteReflection
from reflection.clinics import load_clinics
from reflection.messages import message
from tests.actions.conftest import make_tracker, said

LOW_FIT = {"sessions_so_far": "established", "felt_heard": 2, "depth": 3, "advice_fit": 3, "hopes": "more"}
GOOD_FIT = {"sessions_so_far": "established", "felt_heard": 4, "depth": 5, "advice_fit": 4, "hopes": "more"}


@pytest.fixture
def clinics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "clinics"
    folder.mkdir()
    (folder / "default.yml").write_text("id: default\nname: Reflection\n")
    (folder / "tells.yml").write_text(
        "id: tells\nname: Tells Clinic\ntell_clients_about_alliance_concern: true\n"
    )
    (folder / "quiet.yml").write_text("id: quiet\nname: Quiet Clinic\n")
    monkeypatch.setenv("CLINICS_DIR", str(folder))
    load_clinics.cache_clear()
    yield
    load_clinics.cache_clear()


async def complete(clinic: str, answers: dict, consent: bool = True) -> list[str]:
    dispatcher = CollectingDispatcher()
    slots = {"consent": consent, "clinic_id": clinic, **answers}
    await ActionCompleteReflection().run(dispatcher, make_tracker(slots, "", fresh=False), {})
    return said(dispatcher)


@pytest.mark.usefixtures("clinics")
async def test_the_client_hears_of_a_low_fit_only_where_the_clinic_says_so() -> None:
    told = message("alliance_concern_told", clinic_name="Tells Clinic").text

    assert told in await complete("tells", LOW_FIT)
    assert told not in await complete("tells", GOOD_FIT)
    assert not any("staff can see this" in text for text in await complete("quiet", LOW_FIT))
    # Without consent nothing is saved, so staff see nothing and the client is not told they do.
    assert told not in await complete("tells", LOW_FIT, consent=False)
