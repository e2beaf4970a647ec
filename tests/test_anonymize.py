"""De-identification engine: identifiers go, therapy content stays, bad input never breaks it, no network."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from reflection.anonymize import PLACEHOLDER_TYPES, AnonymizeDataError, Anonymizer, get_anonymizer
from reflection.anonymize.data import CONTENT_DIR, load_data
from reflection.anonymize.validators import nhs_checksum, offline_domain_extractor


@pytest.fixture(scope="module")
def anonymizer() -> Anonymizer:
    return get_anonymizer()


def redacted(anonymizer: Anonymizer, text: str) -> str:
    return anonymizer.anonymize(text)


@pytest.mark.parametrize(
    ("text", "gone", "placeholder"),
    [
        ("my therapist dr. priya raman keeps checking the clock", ["priya", "raman"], "<PERSON>"),
        ("my sister becca said to ask for emdr", ["becca"], "<PERSON>"),
        ("me and my husband marcus tried couples therapy", ["marcus"], "<PERSON>"),
        ("My counsellor, Siobhan O'Neill, never explains anything.", ["Siobhan", "O'Neill"], "<PERSON>"),
        ("my boss mike shouts at me", ["mike"], "<PERSON>"),
        ("her name is linda and she means well", ["linda"], "<PERSON>"),
        ("my best friend jordan gets it", ["jordan"], "<PERSON>"),
        ("i told mrs ahmed about my panic attacks", ["ahmed"], "<PERSON>"),
        ("the harbor view clinic moved my slot", ["harbor view clinic"], "<ORGANIZATION>"),
        ("i work at tesco and the shifts are hard", ["tesco"], "<ORGANIZATION>"),
        ("my son goes to oakwood primary", ["oakwood primary"], "<ORGANIZATION>"),
        ("i'm a student at the university of exeter", ["exeter"], "<ORGANIZATION>"),
        ("we moved from glasgow to bristol", ["glasgow", "bristol"], "<LOCATION>"),
        ("I live at 42 Elm Street, Apt 3B and my ex knows it", ["42 Elm Street", "3B"], "<ADDRESS>"),
        ("send it to 17 acacia avenue please", ["17 acacia avenue"], "<ADDRESS>"),
        ("Somerville, MA 02144", ["02144"], "<ZIP_CODE>"),
        ("my postcode is LS6 2QT", ["LS6 2QT"], "<ZIP_CODE>"),
        ("my dob is 14/03/1988", ["14/03/1988"], "<DATE>"),
        ("I was born on the 3rd of June 1979", ["3rd of June 1979"], "<DATE>"),
        ("we started on March 3rd, 2021", ["March 3rd, 2021"], "<DATE>"),
        ("my grandad is 93 and still sharp", ["93"], "<AGE>"),
        ("she is a 101-year-old lady", ["101"], "<AGE>"),
        ("call me on 617-555-0142 after work", ["617-555-0142"], "<PHONE_NUMBER>"),
        ("the office is (415) 555-0199", ["(415) 555-0199"], "<PHONE_NUMBER>"),
        ("ring 07700 900123 or +44 20 7946 0958", ["07700 900123", "+44 20 7946 0958"], "<PHONE_NUMBER>"),
        ("email me at sam.taylor88@gmail.com", ["sam.taylor88@gmail.com"], "<EMAIL_ADDRESS>"),
        ("her site is https://www.calmwaters.com/about", ["calmwaters"], "<URL>"),
        ("see www.annaleecounselling.co.uk for her profile", ["annaleecounselling"], "<URL>"),
        ("my SSN is 123-45-6789", ["123-45-6789"], "<US_SSN>"),
        ("my nhs number is 943 476 5919", ["943 476 5919"], "<UK_NHS>"),
        ("my mrn is 00482913", ["00482913"], "<MEDICAL_RECORD_NUMBER>"),
        ("my passport number is 533380006", ["533380006"], "<ID_NUMBER>"),
        ("my driver's license is D123-4567-8901", ["D123-4567-8901"], "<ID_NUMBER>"),
        ("insurance member id XJH448812390", ["XJH448812390"], "<ID_NUMBER>"),
        ("national insurance number QQ 12 34 56 C", ["QQ 12 34 56 C"], "<ID_NUMBER>"),
        ("my ip address is 192.168.1.24", ["192.168.1.24"], "<IP_ADDRESS>"),
    ],
)
def test_identifiers_are_replaced(
    anonymizer: Anonymizer, text: str, gone: list[str], placeholder: str
) -> None:
    result = redacted(anonymizer, text)

    for fragment in gone:
        assert fragment not in result
    assert placeholder in result


@pytest.mark.parametrize(
    "text",
    [
        "Every Tuesday after 6pm we do CBT, on Thursdays it's EMDR.",
        "we've been doing exposure therapy for my ocd, every friday at 10am",
        "I take Zoloft and Wellbutrin, and I've been on sertraline 100mg since 2019.",
        "i've got ptsd, gad and some dissociation, and my bpd diagnosis came in 2017",
        "My sister and my boss both think DBT and ACT help. My mom says give it time.",
        "I'm 45 and my mum is 67, we both feel anxious, numb and stuck.",
        "In the UK and in Canada, and later in Texas, I was told different things about my meds.",
        "Will she ever ask what I want? I hope so. Grace period is over, mark my words.",
        "we do ifs on zoom on saturdays at 11 and 4-7-8 breathing before bed",
    ],
)
def test_therapy_content_is_kept(anonymizer: Anonymizer, text: str) -> None:
    assert redacted(anonymizer, text) == text


def test_placeholders_are_the_documented_types(anonymizer: Anonymizer) -> None:
    text = "dr okafor at st. luke's, 42 elm street, boston ma 02139, 617-555-0142, a@b.com, 12/03/1985"
    placeholders = {span.entity_type for span in anonymizer.redact(text).spans}

    assert placeholders and placeholders <= set(PLACEHOLDER_TYPES)


def test_a_batch_gives_the_same_results_as_one_by_one(anonymizer: Anonymizer) -> None:
    texts = ["my sister becca", "", "call 617-555-0142", "every tuesday at 6pm", "dr. patel said hi"]

    assert anonymizer.anonymize_many(texts) == [anonymizer.anonymize(text) for text in texts]


def test_the_shared_anonymizer_is_loaded_once() -> None:
    assert get_anonymizer() is get_anonymizer()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "😔💔🙏" * 50,
        "<script>alert('my sister becca')</script><b>hi</b>",
        "'; DROP TABLE reflections; -- my therapist dr. patel",
        "mi terapeuta, la doctora gómez, no me escucha",
        "我的治疗师不听我说话",
        "معالجي لا يستمع إلي",
        "lone surrogate \ud800 here and \udfff there, my sister becca",
        "nul\x00byte and \r\n line endings\u2028and separators",
        "a" * 5000,
    ],
)
def test_bad_input_never_raises_and_returns_text(anonymizer: Anonymizer, text: str) -> None:
    result = anonymizer.anonymize(text)

    assert isinstance(result, str)
    assert "becca" not in result


def test_markup_is_left_as_text(anonymizer: Anonymizer) -> None:
    assert anonymizer.anonymize("<b>every tuesday</b> & <i>cbt</i>") == "<b>every tuesday</b> & <i>cbt</i>"


def test_none_and_non_strings_become_text(anonymizer: Anonymizer) -> None:
    assert anonymizer.anonymize(None) == ""  # type: ignore[arg-type]
    assert anonymizer.anonymize(12345) == "<ZIP_CODE>"  # type: ignore[arg-type]


def test_a_failed_analysis_withholds_the_text(
    anonymizer: Anonymizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> list:
        raise RuntimeError("boom")

    monkeypatch.setattr(anonymizer._analyzer, "analyze", broken)

    result = anonymizer.anonymize("my sister becca lives at 42 elm street")

    assert "becca" not in result and "elm" not in result
    assert result == "<REDACTED>"


# Catastrophic regex backtracking would take minutes on these. CPU time, not wall time, so other work on a
# shared machine does not count; about 0.2-2.5 s per 20 KB measured here, most of it the spaCy model.
CPU_SECONDS_PER_20_KB = 5.0


@pytest.mark.parametrize(
    "text",
    [
        " " * 100_000,
        "\n\t " * 10_000,
        "in" + " " * 20_000 + "may",
        "a1-" * 17_000,
        "1" * 20_000,
        "12345 " * 3_400,
        "617-555-0142 " * 1_540,
        "a@" * 10_000,
        ("x" * 60 + "@") * 300,
        "a." * 10_000,
        "😔" * 10_000,
        "12 a b c d e f g h " * 1_000,
        "www." * 5_000,
        "fe80:" * 4_000,
        "my therapist dr. smith at the harbor clinic " * 450,
    ],
    ids=lambda text: f"{text[:12]!r}x{len(text)}",
)
def test_adversarial_input_takes_linear_time(anonymizer: Anonymizer, text: str) -> None:
    started = time.process_time()
    result = anonymizer.anonymize(text)
    elapsed = time.process_time() - started

    assert isinstance(result, str)
    bound = CPU_SECONDS_PER_20_KB * max(1.0, len(text) / 20_000)
    assert elapsed < bound, f"{elapsed:.1f} s of CPU for {len(text)} chars"


def test_long_text_is_analysed_in_pieces_without_losing_anything(anonymizer: Anonymizer) -> None:
    sentence = "my sister becca said to call 617-555-0142 every tuesday. "
    text = sentence * 200

    result = anonymizer.anonymize(text)

    assert "becca" not in result and "555" not in result
    assert result.count("every tuesday") == 200


def test_nothing_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket.socket, "connect_ex", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    offline_domain_extractor.cache_clear()
    fresh = Anonymizer()

    result = fresh.anonymize("email jess.m@yahoo.co.uk or see www.example.org, my therapist dr. priya raman")

    assert "<EMAIL_ADDRESS>" in result and "<URL>" in result and "<PERSON>" in result
    # The suffix list came from tldextract's bundled snapshot, so real suffixes are known.
    assert offline_domain_extractor()("yahoo.co.uk").suffix == "co.uk"


def test_nhs_checksum() -> None:
    assert nhs_checksum("943 476 5919") == pytest.approx(0.2)
    assert nhs_checksum("943 476 5918") == 0.0


def test_every_data_file_loads_and_names_a_placeholder_for_every_entity() -> None:
    data = load_data()

    assert set(data.recognizers.placeholders.values()) <= set(PLACEHOLDER_TYPES)
    assert data.lexicon.first_names and data.lexicon.places and data.lexicon.keep_phrases
    assert "cbt" in data.lexicon.keep_phrases and "tuesday" in data.lexicon.never_names


def test_a_broken_regex_is_reported_with_its_file_and_name(tmp_path: Path) -> None:
    for source in CONTENT_DIR.rglob("*"):
        if source.is_file():
            target = tmp_path / source.relative_to(CONTENT_DIR)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    recognizers = tmp_path / "recognizers.yml"
    recognizers.write_text(
        recognizers.read_text(encoding="utf-8").replace(r"'\b\d{3}-\d{2}-\d{4}\b'", r"'\b(\d{3}'"),
        encoding="utf-8",
    )

    with pytest.raises(AnonymizeDataError, match=r"UsSsnRecognizer / dashed ssn: the regex does not compile"):
        load_data(tmp_path)
