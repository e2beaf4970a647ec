"""The dashboard's numbers for one clinic: item distributions, next steps, weeks, flags, returning clients."""

from reflection.dashboard import build_dashboard
from reflection.storage.database import make_engine
from reflection.storage.repository import ReflectionStore


def test_the_dashboard_counts_one_clinics_reflections(store: ReflectionStore, database_url: str) -> None:
    store.complete(
        "returning",
        ["talk_to_therapist"],
        answers={"felt_heard": (2, None), "depth": (2, None)},
        clinic="north",
    )
    store.complete(
        "returning", ["keep_going"], answers={"felt_heard": (4, None), "depth": (5, None)}, clinic="north"
    )
    store.complete(
        "once",
        ["keep_going"],
        answers={"felt_heard": (5, None), "homework_fit": ("none", None)},
        clinic="north",
    )
    store.complete("elsewhere", ["find_better_fit"], answers={"felt_heard": (1, None)}, clinic="south")
    store.record_answer("partial", "felt_heard", 3, None, clinic="north")
    store.flag_risk("returning", "abuse", False, "north")
    store.flag_risk(None, "self_harm", True, "north")  # without consent: counted, never linked
    store.flag_risk(None, "self_harm", False, "south")
    engine = make_engine(database_url)

    numbers = build_dashboard(engine, "north")

    engine.dispose()
    assert (numbers.total, numbers.completed, numbers.unreviewed) == (4, 3, 3)
    assert numbers.item_distribution["felt_heard"] == [0, 1, 0, 1, 1]
    assert numbers.item_distribution["depth"] == [0, 1, 0, 0, 1]
    assert numbers.homework_none == 1
    assert numbers.next_steps == {"keep_going": 2, "talk_to_therapist": 1}
    assert numbers.concerns == 1
    assert sum(week.reflections for week in numbers.weeks) == 3
    assert sum(sum(counts.values()) for _, counts in numbers.crisis_weeks) == 2
    assert numbers.returning == [[2.0, 4.5]]
    assert numbers.returning_mean[:2] == [2.0, 4.5] and numbers.returning_mean[2] is None
