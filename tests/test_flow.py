from reflection.flow import next_slot, remaining_slots


def test_consent_is_asked_first() -> None:
    assert next_slot({}, []) == "consent"


def test_answered_and_settled_questions_are_not_asked_again() -> None:
    slots = {"consent": True, "sessions_so_far": "early", "felt_heard": 2}
    assert next_slot(slots, ["depth"]) == "advice_fit"


def test_tell_more_is_only_asked_when_an_area_was_rated() -> None:
    rated = {
        "consent": True,
        "sessions_so_far": "early",
        "felt_heard": 2,
        "depth": 4,
        "advice_fit": 3,
        "homework_fit": "none",
        "goals_shared": 4,
        "approach_fit": 4,
    }
    assert next_slot(rated, []) == "tell_more"
    unrated = {"consent": False, "sessions_so_far": "early"}
    skipped = ["felt_heard", "depth", "advice_fit", "homework_fit", "goals_shared", "approach_fit"]
    assert next_slot(unrated, skipped) == "raised_needs"


def test_nothing_left_when_everything_is_answered_or_settled() -> None:
    slots = {
        "consent": True,
        "sessions_so_far": "early",
        "felt_heard": 2,
        "depth": 4,
        "advice_fit": 3,
        "homework_fit": "none",
        "goals_shared": 4,
        "approach_fit": 4,
        "tell_more": "more",
        "raised_needs": "not_yet",
        "hopes": "feel better",
    }
    assert remaining_slots(slots, []) == ["missing"]
    assert next_slot(slots, ["missing"]) is None
