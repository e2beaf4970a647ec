from reflection.summary import build_summary, conversation_starters, lowest_rated_area

UNHAPPY = {
    "sessions_so_far": "established",
    "felt_heard": 2,
    "depth": 2,
    "advice_fit": 3,
    "homework_fit": 3,
    "goals_shared": 4,
    "approach_fit": 5,
    "raised_needs": "yes_no_change",
    "hopes": "to feel like she knows me 😔",
    "missing": "someone who remembers <my> story",
}


def test_strongest_and_weakest_areas_are_named_in_plain_words() -> None:
    text = build_summary(UNHAPPY, ["find_better_fit"]).as_text()
    assert "What's working best: an approach that adapts to you (5 of 5)." in text
    assert "What's hardest right now: feeling heard and respected (2 of 5)." in text


def test_the_clients_own_words_are_quoted_verbatim() -> None:
    text = build_summary(UNHAPPY, ["find_better_fit"]).as_text()
    assert '"to feel like she knows me 😔"' in text
    assert '"someone who remembers <my> story"' in text


def test_talk_to_therapist_gives_starters_from_the_lowest_areas_and_their_hopes() -> None:
    starters = conversation_starters(UNHAPPY)
    assert 2 <= len(starters) <= 3
    assert "heard" in starters[0]
    assert "surface" in starters[1]
    assert "to feel like she knows me 😔" in starters[2]
    assert "You could say" in build_summary(UNHAPPY, ["talk_to_therapist"]).as_text()


def test_find_better_fit_lists_what_to_look_for_and_the_clinic_referral_link() -> None:
    text = build_summary(UNHAPPY, ["find_better_fit"], referral_link="https://clinic.example/match").as_text()
    assert "Questions you could ask a new therapist" in text
    assert "https://clinic.example/match" in text
    assert "don't give up on therapy" in text
    assert "https://" not in build_summary(UNHAPPY, ["find_better_fit"]).as_text()


def test_give_it_time_and_keep_going_have_their_own_help() -> None:
    assert "early on" in build_summary(UNHAPPY, ["talk_to_therapist", "give_it_time"]).as_text()
    happy = {slot: 5 for slot in ("felt_heard", "depth", "advice_fit", "goals_shared", "approach_fit")}
    text = build_summary(happy, ["keep_going"]).as_text()
    assert "Keep telling your therapist" in text
    assert "Every area landed in about the same place: 5 of 5." in text


def test_change_since_last_time_is_shown_for_a_returning_client() -> None:
    text = build_summary(
        {**UNHAPPY, "felt_heard": 4},
        ["talk_to_therapist"],
        previous={"felt_heard": 2, "depth": 2, "approach_fit": "5"},
    ).as_text()
    assert "Feeling heard and respected went up from 2 to 4." in text
    assert "Going deep enough stayed at 2." in text
    assert "An approach that adapts to you stayed at 5." in text


def test_what_happens_to_the_data_is_said() -> None:
    assert "saved" in build_summary(UNHAPPY, ["keep_going"]).sections[-1]
    assert (
        "nothing from this reflection was saved"
        in build_summary(UNHAPPY, ["keep_going"], saved=False).sections[-1]
    )


def test_skipped_everything_still_gives_a_kind_summary() -> None:
    text = build_summary({"hopes": None}, ["keep_going"]).as_text()
    assert "didn't rate any of the areas" in text
    assert lowest_rated_area({}) is None


def test_the_copy_is_one_message_without_blank_lines() -> None:
    copy = build_summary(UNHAPPY, ["find_better_fit", "give_it_time"]).as_text()
    assert "\n\n" not in copy
    assert "Questions you could ask a new therapist" in copy and "early on" in copy


def test_a_good_lowest_area_is_not_called_the_hardest() -> None:
    text = build_summary({"felt_heard": 4, "depth": 5}, ["keep_going"]).as_text()
    assert "Even your lowest area is going well: feeling heard and respected (4 of 5)." in text


ALL_ONES = {
    "sessions_so_far": "long_term", "felt_heard": 1, "depth": 1, "advice_fit": 1, "homework_fit": 1,
    "goals_shared": 1, "approach_fit": 1, "raised_needs": "yes_no_change", "hopes": "to be heard",
}


def test_when_every_rating_is_1_nothing_is_working_best_and_it_is_said_kindly() -> None:
    """Issue 8, item 9."""
    for gave_numbers in (True, False):
        text = build_summary(ALL_ONES, ["find_better_fit"], gave_numbers=gave_numbers).as_text()
        assert "working best" not in text and "going well" not in text
        assert "same place" not in text and "not at all." not in text
        assert "Every area has felt hard for you" in text and "I'm sorry" in text


def test_one_rated_area_is_named_for_what_it_is() -> None:
    text = build_summary({"felt_heard": 1, "depth": None}, ["talk_to_therapist"]).as_text()
    assert "Every area" not in text and "working best" not in text
    assert "What's hardest right now: feeling heard and respected (1 of 5)." in text


EARLY_AND_STUCK = {
    "sessions_so_far": "early", "felt_heard": 2, "depth": 2, "advice_fit": 3, "raised_needs": "yes_no_change",
}


def test_a_better_fit_and_giving_it_time_read_as_one_piece_of_advice() -> None:
    """Tester, round 4: side by side after two sessions, "look elsewhere" and "give it time" read as mixed
    advice. The codes and their order stay; the words say looking elsewhere can wait."""
    summary = build_summary(EARLY_AND_STUCK, ["find_better_fit", "give_it_time"])
    better_fit, give_it_time = summary.sections[-3], summary.sections[-2]
    assert "What to look for" in better_fit and "watch for" in give_it_time
    assert "If they still don't" in better_fit  # looking elsewhere is for later
    assert "no rush" in give_it_time and "before you look elsewhere" in give_it_time
    alone = build_summary(EARLY_AND_STUCK, ["find_better_fit"]).as_text()
    assert "If they still don't" not in alone and "no rush" not in alone
    early_talk = build_summary(EARLY_AND_STUCK, ["talk_to_therapist", "give_it_time"]).as_text()
    assert "look elsewhere" not in early_talk and "That usually changes." in early_talk


def test_a_longer_hope_is_given_back_whole_in_the_summary_and_short_in_a_starter() -> None:
    hope = (
        "Honestly I want to stop replaying every conversation at night and second-guessing myself at work. "
        "And I'd like to be able to say no to my sister without feeling like the worst person alive. idk."
    )
    answers = {**UNHAPPY, "hopes": hope}
    text = build_summary(answers, ["talk_to_therapist"]).as_text()
    assert "second-guessing myself at work. And I'd like to be able to say no to my sister" in text
    assert "worst person alive\"" in text and "idk" not in text
    starter = conversation_starters(answers)[-1]
    assert "say no to my sister" not in starter and len(starter.split()) < 40


def test_a_very_long_hope_is_cut_at_a_clause_in_the_summary() -> None:
    hope = " ".join(["I want to feel calmer when my manager emails me late at night"] * 6)
    text = build_summary({**UNHAPPY, "hopes": hope}, ["talk_to_therapist"]).as_text()
    given_back = text.split('You said you hope for: "')[1].split('"')[0]
    assert 12 < len(given_back.split()) <= 51
