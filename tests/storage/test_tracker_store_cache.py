"""The tracker store's per-worker cache (components/tracker_store.py) serves what the database holds: a
conversation another worker changed, erased, began anew or purged is never served stale, a served tracker is
the caller's own copy, and an unchanged conversation is neither rebuilt nor saved in more than one
transaction. Run in Rasa's venv, on SQLite and on PostgreSQL."""

import subprocess

from sqlalchemy import make_url

from tests.live import ROOT

SCENARIOS = [
    "a_change_by_another_worker_is_seen",
    "a_served_tracker_is_a_copy",
    "erased_on_request_by_another_worker",
    "erased_by_retention_then_begun_again_alike",
    "a_sweep_in_this_worker_forgets",
    "a_new_session_by_another_worker",
    "older_events_purged_by_another_process",
    "an_unchanged_conversation_is_not_rebuilt",
    "a_save_is_one_transaction",
]


def run_in_rasa(script: str, database_url: str) -> subprocess.CompletedProcess[str]:
    """``script`` (a path under the project) run by Rasa's interpreter on ``database_url``."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        url = url.set(drivername="postgresql")  # Rasa's venv has psycopg2
    return subprocess.run(
        [str(ROOT / ".venv-rasa" / "bin" / "python"), script, url.render_as_string(hide_password=False)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"},
    )


def test_two_workers_sharing_the_tracker_database_serve_what_it_holds(empty_database_url: str) -> None:
    result = run_in_rasa("tests/storage/tracker_cache_scenarios.py", empty_database_url)
    passed = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("ok ")]
    assert passed == SCENARIOS, result.stderr[-3000:]


def test_workers_starting_together_on_a_new_database_all_start(empty_database_url: str) -> None:
    result = run_in_rasa("tests/storage/tracker_store_race.py", empty_database_url)
    lines = result.stdout.splitlines()
    assert sorted(lines) == [f"ok {n}" for n in range(4)], "\n".join(lines) + result.stderr[-3000:]
