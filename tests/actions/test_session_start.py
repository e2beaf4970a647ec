"""The session start reads the clinic from metadata that comes from outside: anything odd names none."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.lifecycle import ActionSessionStart
from tests.actions.conftest import slot_events


def tracker_with_metadata(metadata: object) -> Tracker:
    return Tracker(
        sender_id="client-1",
        slots={"session_started_metadata": metadata},
        latest_message={},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )


@pytest.mark.parametrize(
    "metadata",
    [{"clinic": {"id": "x"}}, {"clinic": ["x"]}, {"clinic": 7}, {"clinic": "x" * 5000}, [], None],
)
async def test_odd_metadata_starts_a_session_without_a_clinic(metadata: object) -> None:
    events = await ActionSessionStart().run(CollectingDispatcher(), tracker_with_metadata(metadata), {})
    slots = slot_events(events)
    assert slots["clinic_id"] is None and slots["locale"] == "US"


async def test_a_known_clinic_in_metadata_is_kept() -> None:
    events = await ActionSessionStart().run(
        CollectingDispatcher(), tracker_with_metadata({"clinic": "example-clinic"}), {}
    )
    assert slot_events(events)["clinic_id"] == "example-clinic"
