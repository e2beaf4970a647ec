"""Typos are corrected by edit distance against the words the reader knows, not from a list of typos."""

from __future__ import annotations

from pathlib import Path

import pytest

from reflection.answer_parsing import engine, read_answer
from reflection.answers.engine import real_words_path
from reflection.answers.typos import TypoCorrector, edit_distance, words_in
from scripts.build_real_words import DEFAULT_DICTIONARIES, dictionary_words, near_words


@pytest.mark.parametrize(
    ("slot", "text", "expected"),
    [
        ("sessions_so_far", "8 sesions", "established"),
        ("sessions_so_far", "about 6 apointments", "established"),
        ("homework_fit", "no homwork", "none"),
        ("homework_fit", "the worksheats are usless", 1),
        ("goals_shared", "kinda we talked abt it", 3),
        ("felt_heard", "somtimes", 3),
        ("felt_heard", "she lisens", 4),
        ("depth", "superfical", 2),
        ("advice_fit", "its to generc", 2),
        ("approach_fit", "she never adapst", 1),
        ("raised_needs", "i told her and nothing chnaged", "yes_no_change"),
    ],
)
def test_misspelled_answers_are_read(slot: str, text: str, expected: object) -> None:
    assert read_answer(slot, text).stored_value == expected


def test_corrections_need_a_close_unambiguous_known_word() -> None:
    corrector = TypoCorrector(["sessions", "session", "adapts", "adapted", "homework"])
    assert corrector.correct("sesions") == "sessions"
    assert corrector.correct("homwork") == "homework"
    assert corrector.correct("adaptes") == "adaptes"  # as close to "adapts" as to "adapted": no guess
    assert corrector.correct("hmwk") == "hmwk"  # too far, and not all of its consonants
    assert corrector.correct("omework") == "omework"  # the first letter must agree
    assert corrector.correct("sess") == "sess"  # words this short are left alone


@pytest.mark.parametrize(
    ("slot", "text", "expected"),
    [
        ("goals_shared", "we nevr agred on any gols", 1),
        ("goals_shared", "no gols were evr set", 1),
        ("raised_needs", "i mentiond it but nothng chngd", "yes_no_change"),
        ("depth", "sesions feel prety shalow", 2),
    ],
)
def test_answers_with_several_typos_are_read(slot: str, text: str, expected: object) -> None:
    assert read_answer(slot, text).stored_value == expected


def test_equally_close_words_prefer_the_one_the_typo_drops_letters_from() -> None:
    corrector = TypoCorrector(["goals", "goes", "talked", "talks", "talk", "adapts", "adapted"])
    assert corrector.correct("gols") == "goals"  # not "goes" (a changed letter)
    assert corrector.correct("talkd") == "talked"  # not "talks" nor "talk"
    assert corrector.correct("adaptes") == "adaptes"  # drops from neither: still no guess


def test_short_forms_without_vowels_are_spelled_out() -> None:
    corrector = TypoCorrector(["therapist", "homework", "worked", "people", "wreaked"])
    assert corrector.correct("thrpst") == "therapist"
    assert corrector.correct("hmwrk") == "homework"
    assert corrector.correct("ppl") == "people"
    assert corrector.correct("wrkd") == "wrkd"  # "worked" or "wreaked": no guess
    assert corrector.correct("hw") == "hw"  # two letters say too little


def test_therapy_acronyms_are_kept_as_written() -> None:
    corrector = engine().shared.text._typos
    for acronym in ("dbt", "cbt", "emdr"):
        assert corrector.correct(acronym) == acronym


def test_real_words_are_never_taken_for_typos() -> None:
    known = engine().shared.text.known_words
    corrector = engine().shared.text._typos
    for word in ("carts", "listed", "feeling", "costly"):  # "cards" is known since the figures of speech
        assert word not in known
        assert corrector.correct(word) == word


def test_edit_distance_counts_a_swap_once() -> None:
    assert edit_distance("alwasy", "always") == 1
    assert edit_distance("sesions", "sessions") == 1
    assert edit_distance("abc", "xyz", limit=2) == 3


def test_pattern_words_are_whole_words_only() -> None:
    found = list(words_in(r"carr(?:y|ies) on|counsel+or|\bno (?:homework)\b|listen{s,ed,} to me"))
    assert "carr" not in found and "counsel" not in found
    assert {"no", "homework", "on", "or"} <= set(found)
    assert {"listens", "listened"} <= set(words_in("listen{s,ed,} to me"))


@pytest.mark.skipif(not all(Path(p).is_file() for p in DEFAULT_DICTIONARIES), reason="no system dictionary")
def test_the_real_words_list_is_current() -> None:
    """After a change to the words files, run scripts/build_real_words.py."""
    words = dictionary_words([Path(p) for p in DEFAULT_DICTIONARIES])
    expected = near_words(words, engine().shared.text.known_words)
    assert real_words_path("en").read_text(encoding="utf-8").split() == expected
