"""The benchmark's own arithmetic: percentiles, windows, memory of a process tree, verdicts on the targets."""

from __future__ import annotations

import re
import subprocess
import sys
import time

from bench.load import LevelResult, Turn, Window
from bench.report import BenchReport
from deploy.procs import descendants, memory_of_tree

CHILD = (  # a "server" with one "worker"
    "import subprocess, sys, time; "
    "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)']); time.sleep(30)"
)


def test_percentiles_are_taken_from_the_measured_turns() -> None:
    result = LevelResult(clients=1, seconds=10.0, latencies_ms=[float(ms) for ms in range(1, 101)])
    assert (result.percentile(0.5), result.percentile(0.95), result.percentile(0.99)) == (51.0, 95.0, 99.0)
    assert result.throughput == 10.0


def test_only_turns_inside_the_window_count() -> None:
    window = Window(warmup=0.0, seconds=60.0)
    assert window.counts(Turn(window.start + 1, 0.5))
    assert window.counts(Turn(window.start - 5, 6.0))  # began in the warm-up, completed in the window
    assert not window.counts(Turn(window.start - 1, 0.5))  # completed in the warm-up
    assert not window.counts(Turn(window.end - 0.1, 0.5))  # completed after the window


def test_memory_counts_a_server_with_all_its_workers() -> None:
    parent = subprocess.Popen([sys.executable, "-c", CHILD])
    try:
        deadline = time.monotonic() + 10
        while len(descendants(parent.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        tree = memory_of_tree(parent.pid)
        assert tree.processes == 2
        assert tree.rss_mb > 10 and 0 < tree.pss_mb <= tree.rss_mb
    finally:
        for pid in reversed(descendants(parent.pid)):
            subprocess.run(["kill", str(pid)], check=False)
        parent.wait(timeout=10)


def test_verdicts_compare_with_vanilla_in_the_same_run() -> None:
    report = BenchReport(started="test", settings={})
    row = {"channel": "rest", "clients": 10, "errors": 0}
    report.rows = [
        {**row, "bot": "project", "p95_ms": 200.0, "throughput": 30.0},
        {**row, "bot": "vanilla", "p95_ms": 900.0, "throughput": 12.0},
        {**row, "bot": "project", "clients": 50, "p95_ms": 1500.0, "throughput": 30.0, "errors": 2},
    ]
    verdicts = "\n".join(report.verdicts())
    assert "MEETS  rest     10 clients: p95 200 ms" in verdicts
    assert "MISSES rest     10 clients: throughput 30.0 turns/s = 2.50× vanilla's 12.0" in verdicts
    assert "MISSES rest     50 clients: 2 errors, p95 1500 ms" in verdicts
    assert "n/a    training from scratch: not measured" in verdicts


def test_the_floor_bot_says_whether_3x_vanilla_is_within_the_engines_reach() -> None:
    report = BenchReport(started="test", settings={})
    row = {"channel": "rest", "clients": 10, "errors": 0, "p95_ms": 300.0}
    report.rows = [
        {**row, "bot": "vanilla", "throughput": 40.0},
        {**row, "bot": "floor", "throughput": 90.0},
    ]
    assert "2.25× vanilla's (p95 300 ms), below 3×: no bot on Rasa 3.6" in "\n".join(report.verdicts())
    report.rows[1]["throughput"] = 130.0
    assert "3.25× vanilla's (p95 300 ms), so 3× vanilla is within" in "\n".join(report.verdicts())


def test_the_floor_bot_is_the_leanest_rasa_assistant() -> None:
    import yaml

    from bench.conversation import VanillaClient
    from bench.floor import NLU, RULES, project_files

    files = project_files()
    config = yaml.safe_load(files["config.yml"])
    assert [part["name"] for part in config["pipeline"]] == ["KeywordIntentClassifier"]
    assert [policy["name"] for policy in config["policies"]] == ["RulePolicy"]
    domain = yaml.safe_load(files["domain.yml"])
    assert "actions" not in domain and set(domain["intents"]) == set(NLU) == set(RULES)
    assert all(action.startswith("utter_") for actions in RULES.values() for action in actions)
    rules = yaml.safe_load(files["data/rules.yml"])["rules"]
    assert len(rules) == len(RULES)
    # Every phrase the vanilla client says holds one of the floor's keywords (as Rasa's keyword classifier
    # matches them: whole words), so the client walks the same flow.
    keywords = [example.lower() for examples in NLU.values() for example in examples]
    client = VanillaClient(seed=1)
    said = {text.lower() for _ in range(50) for text, _ in client.script()}
    assert all(any(re.search(rf"\b{re.escape(word)}\b", text) for word in keywords) for text in said)


def test_the_load_test_finds_lost_changed_and_invented_answers() -> None:
    from bench.soak import differences

    given = {"depth": "yes, we go deep", "missing": "nothing", "tell_more": "skip"}
    sent = ["hi", "yes", "yes, we go deep", "she forgets what I told her", "nothing", "skip"]
    slots = {"depth": 5, "missing": None, "tell_more": None, "raised_needs": "yes_no_change"}
    assert (
        differences(
            {"depth": "yes, we go deep", "raised_needs": "she forgets what I told her", "missing": "nothing"},
            given,
            sent,
            slots,
        )
        == []
    )
    assert differences({}, given, sent, slots) == ["lost depth ('yes, we go deep')"]
    assert differences({"depth": "yes"}, given, sent, slots) == [
        "changed depth: stored 'yes', answered 'yes, we go deep'"
    ]
    assert differences({"depth": "yes, we go deep", "hopes": "to feel better"}, given, sent, slots) == [
        "invented hopes: stored 'to feel better', never said"
    ]
