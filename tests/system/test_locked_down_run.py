"""`make run`'s script on the embedded defaults (SQLite), checked the way an attacker and a careless client
would: what listens where, who may call the action server, what `ps` shows, who can read the files, and
whether "delete my data" leaves anything behind, on disk too."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from reflection.tracker_retention import expired_without_consent
from tests.live import MODEL, ROOT, free_port, texts

SECRET_MARK = "Zebediah"


@dataclass
class RunningSystem:
    process: subprocess.Popen[bytes]
    data_dir: Path
    log_dir: Path
    ports: dict[str, int]
    env: dict[str, str]
    http: httpx.Client

    @property
    def rasa(self) -> str:
        return f"http://127.0.0.1:{self.ports['rasa']}"

    def say(self, sender: str, message: str) -> str:
        body = {"sender": sender, "message": message}
        response = self.http.post(f"{self.rasa}/webhooks/rest/webhook", json=body)
        response.raise_for_status()
        return texts(response.json())

    def slots(self, sender: str) -> dict[str, object]:
        response = self.http.get(
            f"{self.rasa}/conversations/{sender}/tracker", params={"token": self.env["RASA_TOKEN"]}
        )
        response.raise_for_status()
        return response.json()["slots"]

    def processes(self) -> list[int]:
        """Every process the run script started (they share its session)."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[3]) == self.process.pid:  # the session id
                    found.append(int(entry.name))
        return found


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSystem]:
    if not MODEL.exists():
        pytest.fail("No trained model: run `make train` (make test does it for you).")
    data_dir = tmp_path_factory.mktemp("data")
    log_dir = data_dir / "logs"
    ports = {"actions": free_port(), "rasa": free_port(), "web": free_port()}
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{data_dir / 'reflection.db'}",
        "TRACKER_DB_URL": f"sqlite:///{data_dir / 'tracker.db'}",
        "OUTBOX_DIR": str(data_dir / "outbox"),
        "LOG_DIR": str(log_dir),
        "LOCK_STORE_TYPE": "in_memory",
        "BIND_HOST": "127.0.0.1",
        "ACTION_PORT": str(ports["actions"]),
        "RASA_PORT": str(ports["rasa"]),
        "WEB_PORT": str(ports["web"]),
        "RASA_TOKEN": f"rasa-token-{uuid.uuid4().hex}",
        "ACTION_SERVER_TOKEN": f"action-token-{uuid.uuid4().hex}",
    }
    process = subprocess.Popen(
        ["scripts/run.sh"], cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    http = httpx.Client(timeout=60)
    running = RunningSystem(process, data_dir, log_dir, ports, env, http)
    # run.sh starts the three side by side: the system is up when each of them answers
    ready_urls = [
        f"http://127.0.0.1:{ports['web']}/health",
        f"http://127.0.0.1:{ports['actions']}/health",
        f"http://127.0.0.1:{ports['rasa']}/",
    ]
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if all(http.get(url, timeout=2).status_code == 200 for url in ready_urls):
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            pytest.fail(f"scripts/run.sh stopped early:\n{output[-3000:]}")
        time.sleep(1)
    else:
        pytest.fail("scripts/run.sh did not bring the system up within 300 s")
    try:
        yield running
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        http.close()


def listening_addresses(port: int) -> set[str]:
    """The local addresses a TCP port listens on, read from /proc (IPv4 and IPv6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, local_port = local.rsplit(":", 1)
            if state == "0A" and int(local_port, 16) == port:
                found.add(address)
    return found


def test_the_action_server_and_rasa_listen_on_loopback_only(system: RunningSystem) -> None:
    loopback = {"0100007F", "00000000000000000000000001000000"}
    for name in ("actions", "rasa"):
        addresses = listening_addresses(system.ports[name])
        assert addresses and addresses <= loopback, (name, addresses)


def test_the_action_server_refuses_calls_that_do_not_come_from_rasa(system: RunningSystem) -> None:
    planted = {"next_action": "action_crisis_response", "sender_id": "someone-else", "tracker": {}}
    url = f"http://127.0.0.1:{system.ports['actions']}/webhook"

    assert system.http.post(url, json=planted).status_code == 403
    assert system.http.post(url, json=planted, headers={"X-Action-Token": "guess"}).status_code == 403


def test_no_secret_shows_in_any_command_line(system: RunningSystem) -> None:
    secrets = (system.env["RASA_TOKEN"], system.env["ACTION_SERVER_TOKEN"])
    command_lines = [
        Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace") for pid in system.processes()
    ]

    assert len(command_lines) >= 4  # the script, the action server, Rasa, the web app
    for command_line in command_lines:
        assert not any(secret in command_line for secret in secrets), command_line


def test_deleting_leaves_no_trace_and_a_new_start_right_after_is_kept(system: RunningSystem) -> None:
    sender = f"client-{uuid.uuid4().hex}"
    system.say(sender, "hi")
    system.say(sender, "yes")
    system.say(sender, f"about six sessions with {SECRET_MARK}")
    # Taking back the yes to saving offers to carry on unsaved, to delete everything, or to keep saving
    assert "delete everything" in system.say(sender, "I don't want you keeping any of this").lower()
    assert "can't be undone" in system.say(sender, "/delete_data")  # the offer's "Delete everything and stop"
    assert "erased" in system.say(sender, "yes")

    # At once, with no pause for background work: a new start and a new consent must be kept.
    system.say(sender, "hi")
    system.say(sender, "yes")
    system.say(sender, "about six sessions")
    slots = system.slots(sender)
    assert slots["consent"] is True and slots["sessions_so_far"] == "established"

    on_disk = b"".join(path.read_bytes() for path in system.data_dir.rglob("*") if path.is_file())  # logs too
    assert SECRET_MARK.encode() not in on_disk


def test_databases_and_logs_are_readable_by_their_owner_only(system: RunningSystem) -> None:
    system.say(f"client-{uuid.uuid4().hex}", "hi")
    files = [path for path in system.data_dir.rglob("*") if path.is_file()]
    assert any(path.name == "tracker.db" for path in files) and any(path.suffix == ".log" for path in files)
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    assert stat.S_IMODE(system.log_dir.stat().st_mode) == 0o700


def test_a_conversation_without_consent_is_marked_for_erasing_when_its_session_ends(
    system: RunningSystem,
) -> None:
    declined, consented = f"client-{uuid.uuid4().hex}", f"client-{uuid.uuid4().hex}"
    for sender, consent in ((declined, "no"), (consented, "yes")):
        system.say(sender, "hi")
        system.say(sender, consent)

    engine = create_engine(system.env["TRACKER_DB_URL"])
    with engine.connect() as connection:
        expired = expired_without_consent(connection, time.time() + 60 * 60 + 1)  # an hour later
        assert declined in expired and consented not in expired
        assert expired_without_consent(connection, time.time() - 5) == []  # not while it goes on
    engine.dispose()

    def events_of(sender: str) -> int:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT count(*) FROM events WHERE sender_id = :sender"), {"sender": sender}
            ).scalar_one()

    def purge() -> str:
        reflect = str(ROOT / ".venv" / "bin" / "reflect")
        result = subprocess.run(
            [reflect, "purge", "--tracker-db-url", system.env["TRACKER_DB_URL"]],
            cwd=ROOT, env=system.env, capture_output=True, text=True, timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stderr

    engine = create_engine(system.env["TRACKER_DB_URL"])
    assert "Erased 0 conversation(s)" in purge()  # while the session goes on, nothing is erased
    with engine.begin() as connection:  # two hours pass
        connection.execute(text("UPDATE conversation_retention SET last_active = last_active - 7200"))
    assert "Erased 0 conversation(s)" not in purge()  # the other tests' greetings without consent go too
    assert events_of(declined) == 0 and events_of(consented) > 0
    engine.dispose()
