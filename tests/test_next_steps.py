import pytest

from reflection.next_steps import assess_fit, suggest_next_steps

ALL_FOURS = {
    "felt_heard": 4,
    "depth": 4,
    "advice_fit": 4,
    "homework_fit": 4,
    "goals_shared": 4,
    "approach_fit": 4,
}


def answers(**overrides: object) -> dict[str, object]:
    return {**ALL_FOURS, "sessions_so_far": "established", "raised_needs": "not_yet", **overrides}


def test_no_concern_keeps_going() -> None:
    assert suggest_next_steps(answers()) == ["keep_going"]


def test_one_low_item_is_a_concern_even_with_a_high_mean() -> None:
    assert suggest_next_steps(answers(felt_heard=2, depth=5, advice_fit=5)) == ["talk_to_therapist"]


def test_mean_just_below_four_is_a_concern() -> None:
    assert assess_fit(answers(depth=3)).concern  # mean 3.83
    assert suggest_next_steps(answers(depth=3)) == ["talk_to_therapist"]


@pytest.mark.parametrize("raised", ["not_yet", "yes_helped", None])
def test_concern_without_a_failed_conversation_talks_first(raised: object) -> None:
    low = answers(felt_heard=2, depth=2, advice_fit=2, raised_needs=raised)
    assert suggest_next_steps(low) == ["talk_to_therapist"]


def test_raised_without_change_and_low_fit_looks_for_a_better_fit() -> None:
    low = answers(
        felt_heard=2, depth=3, advice_fit=2, goals_shared=3, approach_fit=3, raised_needs="yes_no_change"
    )
    assert assess_fit(low).fit == pytest.approx(17 / 6)
    assert suggest_next_steps(low) == ["find_better_fit"]


def test_raised_without_change_but_fit_at_threshold_still_talks() -> None:
    mid = {
        "felt_heard": 2,
        "depth": 4,
        "advice_fit": 4,
        "goals_shared": 4,
        "approach_fit": 4,
        "homework_fit": 3,
        "raised_needs": "yes_no_change",
    }  # mean 3.5: not below the threshold
    assert suggest_next_steps(mid) == ["talk_to_therapist"]


def test_early_sessions_with_concern_add_give_it_time() -> None:
    early = answers(felt_heard=2, sessions_so_far="early")
    assert suggest_next_steps(early) == ["talk_to_therapist", "give_it_time"]
    worse = answers(
        felt_heard=1, depth=2, advice_fit=2, sessions_so_far="early", raised_needs="yes_no_change"
    )
    assert suggest_next_steps(worse) == ["find_better_fit", "give_it_time"]


def test_early_sessions_without_concern_just_keep_going() -> None:
    assert suggest_next_steps(answers(sessions_so_far="early")) == ["keep_going"]


def test_homework_none_and_skipped_items_are_left_out_of_fit() -> None:
    result = assess_fit({"felt_heard": 5, "depth": 3, "homework_fit": "none", "advice_fit": None})
    assert result.ratings == {"felt_heard": 5, "depth": 3}
    assert result.fit == pytest.approx(4.0)
    assert not result.concern


def test_numbers_stored_as_text_count_and_garbage_does_not() -> None:
    result = assess_fit({"felt_heard": "2", "depth": "<script>", "advice_fit": 9, "goals_shared": True})
    assert result.ratings == {"felt_heard": 2}
    assert result.concern


def test_nothing_rated_means_no_concern() -> None:
    assert suggest_next_steps({"hopes": "to feel better"}) == ["keep_going"]


def test_the_next_step_codes_are_the_contract() -> None:
    from reflection.next_steps import NEXT_STEP_CODES
    from tests.contract import NEXT_STEP_CODES as CONTRACT_CODES

    assert set(NEXT_STEP_CODES) == set(CONTRACT_CODES)
