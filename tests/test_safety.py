"""The deterministic safety net against the published safety set, plus focused behaviour tests."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
import yaml

from reflection.safety import RiskSignal, detect_risk, mentions_risk_language

ROOT = Path(__file__).resolve().parent.parent
CASES_PATH = ROOT / "tests" / "safety" / "cases.yml"
NLU_PATH = ROOT / "data" / "nlu" / "safety.yml"
CATEGORIES = ("self_harm", "abuse", "medical_emergency")
MAX_FALSE_POSITIVE_RATE = 0.03


def _load_cases() -> tuple[list[dict], list[dict]]:
    with CASES_PATH.open(encoding="utf-8") as handle:
        cases = yaml.safe_load(handle)
    return cases["positives"], cases["negatives"]


POSITIVES, NEGATIVES = _load_cases()


def _caught(case: dict, signal: RiskSignal | None) -> bool:
    if signal is None or signal.category != case["category"]:
        return False
    return signal.minor or not case["minor"]


def _summary() -> tuple[str, float, float, list[str], list[str]]:
    misses = [case["text"] for case in POSITIVES if not _caught(case, detect_risk(case["text"]))]
    false_alarms = [case["text"] for case in NEGATIVES if detect_risk(case["text"]) is not None]
    recall = 1 - len(misses) / len(POSITIVES)
    false_positive_rate = len(false_alarms) / len(NEGATIVES)
    per_category = Counter(case["category"] for case in POSITIVES)
    minors = sum(case["minor"] for case in POSITIVES)
    lines = [
        "safety set: "
        + ", ".join(f"{category} {per_category[category]}" for category in CATEGORIES)
        + f" (minors {minors}); negatives {len(NEGATIVES)}",
        f"recall {recall:.1%} ({len(POSITIVES) - len(misses)}/{len(POSITIVES)}), "
        f"false positives {false_positive_rate:.1%} ({len(false_alarms)}/{len(NEGATIVES)})",
    ]
    return "\n".join(lines), recall, false_positive_rate, misses, false_alarms


# --- the published set ---------------------------------------------------------------------------------


def test_the_set_is_well_formed() -> None:
    assert len(POSITIVES) >= 170 and len(NEGATIVES) >= 170
    assert all(case["category"] in CATEGORIES and isinstance(case["minor"], bool) for case in POSITIVES)
    texts = [case["text"] for case in POSITIVES + NEGATIVES]
    assert len(texts) == len(set(texts)), "duplicate cases"


def test_recall_is_complete_and_the_false_positive_rate_is_low(
    capsys: pytest.CaptureFixture[str], record_property
) -> None:
    summary, recall, false_positive_rate, misses, false_alarms = _summary()
    with capsys.disabled():  # shown with or without -s
        print(f"\n{summary}")
    record_property("safety_recall", recall)
    record_property("safety_false_positive_rate", false_positive_rate)
    assert not misses, f"missed disclosures: {misses}"
    assert false_positive_rate <= MAX_FALSE_POSITIVE_RATE, f"false alarms: {false_alarms}"


def test_every_category_is_exercised() -> None:
    counts = Counter(case["category"] for case in POSITIVES)
    assert all(counts[category] >= 20 for category in CATEGORIES)
    assert sum(case["minor"] for case in POSITIVES) >= 20


def _nlu_examples() -> dict[str, list[str]]:
    with NLU_PATH.open(encoding="utf-8") as handle:
        blocks = yaml.safe_load(handle)["nlu"]
    return {
        block["intent"]: [line.strip()[2:] for line in block["examples"].splitlines() if line.strip()]
        for block in blocks
    }


def test_training_examples_stay_out_of_the_test_set() -> None:
    examples = {text.lower() for texts in _nlu_examples().values() for text in texts}
    assert not examples & {case["text"].lower() for case in POSITIVES + NEGATIVES}


def test_training_examples_are_caught_with_their_intent() -> None:
    disclosures = {
        intent: texts for intent, texts in _nlu_examples().items() if intent.startswith("disclose_")
    }
    assert len(disclosures) == 4
    for intent, examples in disclosures.items():
        assert 25 <= len(examples) <= 40
        category = intent.removeprefix("disclose_")
        wrong = [text for text in examples if getattr(detect_risk(text), "category", None) != category]
        assert not wrong, f"{intent}: {wrong}"


# --- focused behaviour ---------------------------------------------------------------------------------


def _category(text: str) -> str | None:
    signal = detect_risk(text)
    return signal.category if signal else None


@pytest.mark.parametrize(
    "text",
    [
        "I'm not suicidal at all, just fed up",
        "I have never wanted to kill myself",
        "no plans to hurt myself, promise",
        "he doesn't hit me, he just ignores me",
        "I don't feel unsafe at home",
        "i wouldn't ever take my own life",
    ],
)
def test_a_negated_cue_does_not_fire(text: str) -> None:
    assert detect_risk(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "i'm not ok i want to die",  # a new clause after the negation
        "not gonna lie, i want to kill myself",  # "not" that negates nothing
        "I don't know, I just want to end my life",
        "I'm not saying it to worry you but I've been cutting again",
    ],
)
def test_a_negation_does_not_reach_a_later_clause(text: str) -> None:
    assert _category(text) == "self_harm"


@pytest.mark.parametrize(
    "text",
    [
        "the intake paperwork is killing me",
        "I'm dying to know if she reads my journal",
        "my therapist absolutely killed it with that reframe",
        "she hit me with a question I wasn't ready for",
        "I'd kill for evening appointments",
        "dead tired, but the session went fine",
    ],
)
def test_idioms_do_not_fire(text: str) -> None:
    assert detect_risk(text) is None


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("i wnat to kil myslef", "self_harm"),
        ("im so suicdal", "self_harm"),
        ("i want to diiiie", "self_harm"),
        ("i want 2 die", "self_harm"),
        ("su1c1dal again", "self_harm"),
        ("my bf hits me", "abuse"),
        ("i cant breath", "medical_emergency"),
    ],
)
def test_typos_and_texting(text: str, category: str) -> None:
    assert _category(text) == category


@pytest.mark.parametrize(
    "text",
    [
        "4, she's ok I guess. I want to kill myself though",
        "about a year. honestly i don't want to be alive anymore",
        "yes she gives homework, no she doesn't check it, and I've been saving up pills",
    ],
)
def test_a_disclosure_inside_an_answer_is_found(text: str) -> None:
    assert _category(text) == "self_harm"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I want to die and I've already swallowed all my pills", "medical_emergency"),
        ("my husband hits me and I want to kill myself", "self_harm"),
        ("he beat me and I'm bleeding a lot", "medical_emergency"),
    ],
)
def test_the_most_urgent_category_wins(text: str, category: str) -> None:
    assert _category(text) == category


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("I'm 13 and my dad hurts me", True),
        ("im in 7th grade and my mom hits me", True),
        ("my stepdad hits me and i'm just a kid", True),
        ("I'm 34 and my husband hits me", False),
        ("I'm 14 sessions in and my husband hits me", False),
        ("my 15 year old and I argue, and my husband hits me", False),
    ],
)
def test_minors_are_recognised(text: str, minor: bool) -> None:
    signal = detect_risk(text)
    assert signal is not None and signal.category == "abuse" and signal.minor is minor


@pytest.mark.parametrize(
    "text",
    [
        "my brother was suicidal in college",
        "my friend self harms and I don't know how to help",
        "I used to cut myself years ago but I've been clean a long time",
        "what would happen if I told you I was suicidal?",
        "she asks if I've had thoughts of suicide every week",
    ],
)
def test_third_parties_the_past_and_questions_about_the_bot_do_not_fire(text: str) -> None:
    assert detect_risk(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "I used to self harm and I've started again",
        "I was abused as a kid and it still happens when I visit",
        "I'm 15 and my uncle touched me when I was little",  # a minor's past is never set aside
        "she asked if I was suicidal and I said yes",
    ],
)
def test_the_past_or_a_question_with_a_live_signal_still_fires(text: str) -> None:
    assert detect_risk(text) is not None


def test_the_rule_id_never_carries_the_message() -> None:
    signal = detect_risk("my partner Sam threatened to kill me")
    assert signal is not None and "sam" not in signal.rule.lower() and signal.rule.startswith("abuse.")


@pytest.mark.parametrize("text", ["", "   ", "🙂", "7", "..."])
def test_empty_or_odd_input_is_safe(text: str) -> None:
    assert detect_risk(text) is None


def test_no_message_sends_the_net_into_runaway_matching() -> None:
    # Not a speed target (the benchmark measures speed): a bound far above any normal figure (about 1 ms a
    # message), which only a pattern that backtracks without end on some message would break.
    texts = [case["text"] for case in POSITIVES + NEGATIVES]
    timings = []
    for _ in range(3):  # the best of three, so a busy machine does not fail the test
        started = time.perf_counter()
        for text in texts:
            detect_risk(text)
        timings.append((time.perf_counter() - started) * 1000 / len(texts))
    assert min(timings) < 25.0


@pytest.mark.parametrize(
    ("text", "judged"),
    [
        ("I would never hurt myself", True),
        ("this worksheet is killing me", True),
        ("my friend died by suicide years ago", True),
        ("the dark thoughts are louder today", False),
        ("I have been giving my things away", False),
        ("", False),
    ],
)
def test_mentions_risk_language_says_when_the_net_has_judged_a_message(text: str, judged: bool) -> None:
    assert mentions_risk_language(text) is judged


# --- the registry: harm to others, Spanish, data files --------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill him",
        "I'm going to hurt someone tonight",
        "I keep having thoughts of hurting my baby",
        "I'm scared I might hurt my kids",
        "i keep thinking about stabbing my coworker",
    ],
)
def test_harm_to_others_fires(text: str) -> None:
    assert _category(text) == "harm_to_others"


@pytest.mark.parametrize(
    "text",
    [
        "I could kill him for eating my lunch",
        "I'm going to kill my sister if she reads my diary",
        "I'm not going to hurt anyone, I'm just angry",
        "my brother wants to kill our dad",  # someone else's risk, not the client's own
        "he wants to kill me",  # the client is the one in danger: abuse
    ],
)
def test_harm_to_others_leaves_hyperbole_denials_and_other_speakers_alone(text: str) -> None:
    assert _category(text) != "harm_to_others"


@pytest.mark.parametrize(
    ("text", "category", "minor"),
    [
        ("me quiero morir", "self_harm", False),
        ("ya no quiero vivir", "self_harm", False),
        ("me estoy cortando otra vez", "self_harm", False),
        ("tengo 14 años y mi papá me pega", "abuse", True),
        ("me tomé todas las pastillas", "medical_emergency", False),
        ("quiero matar a mi jefe", "harm_to_others", False),
    ],
)
def test_short_spanish_disclosures(text: str, category: str, minor: bool) -> None:
    signal = detect_risk(text)
    assert signal is not None and signal.category == category and signal.minor is minor


@pytest.mark.parametrize(
    "text",
    [
        "no me quiero morir, solo estoy cansada",
        "me muero de risa",
        "me corté el pelo",
        "estoy muerta de cansancio",
    ],
)
def test_spanish_denials_and_idioms_do_not_fire(text: str) -> None:
    assert detect_risk(text) is None


def test_every_language_file_is_registered_and_every_rule_names_a_known_category() -> None:
    from reflection.safety import CONTENT_DIR, registry

    files = {path.stem for path in CONTENT_DIR.glob("*.yml")} - {"registry"}
    nets = registry().nets
    assert {net.language for net in nets} == files
    known = set(registry().priority)
    assert all(rule.category in known for net in nets for rule in net.rules)


# Round 4: explicit first-person statements the net left to the classifier (found by cross-validation on the
# training and validation splits; these are new phrasings of those kinds, not the data's sentences).
@pytest.mark.parametrize(
    "text",
    [
        "part of me really wants to die tonight",
        "there's a voice that keeps telling me to die",
        "lately I just want to stop being alive",
        "I've stopped wanting to be alive and I don't know when it happened",
        "I have had enough of being alive, truly",
        "most days I think I shouldn't be alive",
        "I don't deserve to be alive after what I did",
        "I'm so worn out from fighting to stay alive",
        "not sure how much longer I can stay alive like this",
        "honestly I don't care if I live or die at this point",
        "no point in living tbh",
        "so tired of living tbh",
        "some days I want to not live anymore",
        "the urge to end it is back and it's strong",
        "I've been planning how to end things, quietly",
        "been thinking about just ending everything, honestly",
        "I feel like ending evrything",
        "I've started planning my own death",
        "every night I am thinking to die",
        "I am thinking to finish my life soon",
        "trying so hard not to kill myself tonight",
        "tryna not kms tonight",
        "suicidle again, like every winter",
        "i dnt wanna be alive",
        "I keep burnin myself with my lighter",
        "I've been overdosing on my meds on purpose",
    ],
)
def test_explicit_first_person_statements_never_depend_on_the_model(text: str) -> None:
    assert _category(text) == "self_harm", text


@pytest.mark.parametrize(
    "text",
    [
        "llevo días pensando en cómo matarme",
        "tengo un plan para suicidarme",
        "he estado pensando en suicidarme otra vez",
        "me da igual si me muero",
        "no me importa morirme",
        "ya no tengo ganas de vivir",
        "estoy cansado de vivir así",
        "mejor me muero y ya",
        "no le encuentro sentido a la vida",
    ],
)
def test_explicit_spanish_statements_never_depend_on_the_model(text: str) -> None:
    assert _category(text) == "self_harm", text


def test_explicit_spanish_thoughts_of_harming_someone_never_depend_on_the_model() -> None:
    assert _category("a veces tengo pensamientos de lastimar a mi hermano") == "harm_to_others"
    assert detect_risk("nunca he tenido pensamientos de lastimar a mi hermano") is None


@pytest.mark.parametrize(
    "text",
    [
        "my grandma is fighting to stay alive in intensive care",
        "I'm not tired of living, just tired of this job",
        "I don't care if my therapist likes me or not",
        "I used to think I shouldn't be alive but that was years ago and I'm well now",
        "the main character in my novel wants to die",
        "I'm trying not to think about my exams",
        "I want to dye my hair red",
        "I'm so tired of living out of a suitcase for work",
        "my dog is fighting to stay alive after the surgery",
        "mi abuela está cansada de vivir en ese pueblo",
        "no tengo ganas de vivir en esta ciudad",
        "me da igual si me muero de vergüenza en la fiesta",
    ],
)
def test_the_widened_explicit_rules_leave_these_alone(text: str) -> None:
    assert detect_risk(text) is None, text


# Round 7: plain statements the net left to the classifier (new phrasings of the kinds in docs/SAFETY.md,
# Known limits; not the data's sentences): the speaker's own safety "with myself" or "at the moment", a fit
# in lay words, money taken by family or a carer, hoping an illness ends it.
@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("honestly im not safe with myself this evening", "self_harm"),
        ("I'm not really safe at the moment, the thoughts won't let up", "self_harm"),
        ("I'm not safe in my own head tonight", "self_harm"),
        ("my wife is having a fit on the bathroom floor", "medical_emergency"),
        ("he just had a fit and he's still not making sense", "medical_emergency"),
        ("my grandson takes my pension off me every friday", "abuse"),
        ("the home help has been taking money out of my purse", "abuse"),
        ("my husband won't let me have my own bank card", "abuse"),
        ("I hope I catch something nasty and die", "self_harm"),
    ],
)
def test_round_seven_plain_statements_never_depend_on_the_model(text: str, category: str) -> None:
    assert _category(text) == category, text


@pytest.mark.parametrize(
    "text",
    [
        "I'm not safe to drive after my evening meds, so my partner takes me",
        "I'm not safe at home, he's there",  # abuse, not the speaker's own safety
        "my toddler is having a fit because I turned the telly off",
        "my mum will have a fit when she sees my tattoo",
        "she's having a fit about the bins again",
        "my son had a fit with a fever when he was little, he grew out of it",
        "my wife spends all my money lol",
        "my therapist suggested a goodbye letter to my eating disorder",
        "we wrote a goodbye letter to our younger selves in group, it was moving",
        "I hope I get the job and dye my hair to celebrate",
    ],
)
def test_the_round_seven_rules_leave_these_alone(text: str) -> None:
    signal = detect_risk(text)
    if text.startswith("I'm not safe at home"):
        assert signal is not None and signal.category == "abuse"
    else:
        assert signal is None, (text, signal)


# Round 12: a dated past ("at 19", "in 2009", "in my early 20s", "at uni"), another person's risk reported to
# the speaker ("a client told me about ...", "my friend keeps saying kms") and a few everyday idioms are left
# to the classifier; a live signal beside them still fires (new sentences, not the guard sets' own).
@pytest.mark.parametrize(
    "text",
    [
        "I took too many pills at 17, I'm 38 now and honestly fine",
        "was suicidal back around 2012, therapy helped and it passed",
        "in my late teens i cut myself a lot, i don't anymore",
        "at university I went through a phase of wanting to die, it lifted in my final year",
        "a patient told me about her suicidal thoughts on my shift and I keep thinking about it",
        "my flatmate's girlfriend says kms whenever the wifi drops",
        "my brother texted me that hed been self harming, hes with a counsellor now",
        "had a heart attack at 61, rehab done and back on the allotment",
        "my mum drags me to bingo on thursdays and I quite like it",
        "mi terapeuta me deja hablar sin cortarme",
        "mi jefe me va a matar si llego tarde otra vez",
        "in my teens I used to burn myself, the urges faded years ago",
        "i tried to end my life in 2011. that feeling has never come back",
        "as a child I was starving myself. these days I am doing great, I run a cafe",
    ],
)
def test_a_dated_past_a_reported_risk_and_these_idioms_are_left_to_the_classifier(text: str) -> None:
    assert detect_risk(text) is None, text


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I overdosed at 16 and again last night", "medical_emergency"),
        ("took an overdose at 19 and I've taken more tonight", "medical_emergency"),
        ("I've wanted to kill myself since 2019", "self_harm"),
        ("been suicidal ever since 2016 and it's worse this week", "self_harm"),
        ("at 11 tonight I'm going to kill myself", "self_harm"),
        ("I was abused at 14 and he still comes round every weekend", "abuse"),
        ("my friend keeps saying I should just kill myself and I think I will", "self_harm"),
        ("my mum told me I'm a burden and I want to die", "self_harm"),
        ("in my early 20s I cut myself, and I started again last week", "self_harm"),
        ("my brother took an overdose at 19 and he's not waking up", "medical_emergency"),
        ("he dragged me to the car by my hair", "abuse"),
        ("quiero matarme desde 2019", "self_harm"),
        ("en 2015 me corté mucho, lo dejé, pero desde la ruptura volvió y me corto otra vez", "self_harm"),
        ("a los 20 intenté suicidarme y esta vez no voy a fallar", "self_harm"),
        ("I tried to kill myself in 2018 and this time I mean it", "self_harm"),
        ("I used to cut myself as a teen, the urges went for years but came back this month", "self_harm"),
        ("in 2015 I overdosed. these days I'm fine most of the time but I want to die again", "self_harm"),
    ],
)
def test_a_dated_past_or_a_report_with_a_live_signal_still_fires(text: str, category: str) -> None:
    signal = detect_risk(text)
    assert signal is not None and signal.category == category, (text, signal)
