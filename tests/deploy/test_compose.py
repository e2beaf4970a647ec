"""The container deployment (deploy/): the compose file is valid Compose and keeps the lockdown, and the
images build where a Docker engine runs.

There is no Docker engine on the machines this project is built on, and no `docker compose`: the file is
validated against the Compose Specification's JSON schema as shipped (and pinned) in check-jsonschema.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "deploy" / "compose.yml"
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    with COMPOSE.open() as handle:
        return yaml.safe_load(handle)


def test_the_compose_file_follows_the_compose_specification() -> None:
    result = validate(COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_validator_rejects_a_broken_compose_file(tmp_path: Path) -> None:
    broken = tmp_path / "compose.yml"
    broken.write_text(
        COMPOSE.read_text().replace("    restart: unless-stopped\n", "    restart: [sometimes]\n", 1)
    )
    assert validate(broken).returncode != 0
    unknown = tmp_path / "unknown.yml"
    unknown.write_text(COMPOSE.read_text().replace("  redis:\n", "  redis:\n    replicaz: 2\n", 1))
    assert validate(unknown).returncode != 0


def test_only_the_web_app_is_published(compose: dict[str, Any]) -> None:
    published = {name for name, service in compose["services"].items() if service.get("ports")}
    assert published == {"web"}
    assert compose["networks"]["backend"]["internal"] is True
    outside = {
        name for name, service in compose["services"].items() if "public" in service.get("networks", [])
    }
    assert outside == {"web"}


def test_rasa_runs_as_replicas_on_the_shared_stores(compose: dict[str, Any]) -> None:
    rasa = compose["services"]["rasa"]
    assert rasa["deploy"]["replicas"] >= 2
    environment = rasa["environment"]
    assert environment["LOCK_STORE_TYPE"] == "redis"
    assert environment["TRACKER_DB_URL"].startswith("postgresql://")
    assert "RASA_TOKEN" in environment  # serve_rasa.py refuses to start without it, so the API needs it
    assert compose["services"]["web"]["environment"]["RASA_URL"] == "http://rasa-lb:5005"
    haproxy = (ROOT / "deploy" / "haproxy.cfg").read_text()
    assert "server-template rasa" in haproxy and "rasa:5005" in haproxy


def test_the_action_server_takes_calls_only_from_rasa(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert "ACTION_SERVER_TOKEN" in services["actions"]["environment"]  # it refuses calls without the header
    assert "ACTION_SERVER_TOKEN" in services["rasa"]["environment"]  # endpoints.yml sends it
    assert "ACTION_SERVER_TOKEN" not in services["web"]["environment"]
    assert "DATABASE_URL" not in services["web"]["environment"]
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    assert endpoints["action_endpoint"]["headers"] == {"X-Action-Token": "${ACTION_SERVER_TOKEN}"}


def test_one_ingest_service_anonymizes_for_every_web_worker(compose: dict[str, Any]) -> None:
    services = compose["services"]
    ingest = services["ingest"]
    assert ingest["command"] == ["reflect", "ingest", "--watch"]
    assert {"DATABASE_URL", "TRACKER_DB_URL", "PSEUDONYM_SECRET"} <= set(ingest["environment"])
    assert ingest["networks"] == ["backend"] and not ingest.get("ports")
    assert ingest.get("deploy", {}).get("replicas", 1) == 1
    # The web workers load no anonymizer (they could not anyway: they hold no database URL).
    assert services["web"]["environment"]["INGEST_WORKER"] == "false"


def test_every_secret_is_required_not_defaulted() -> None:
    text = COMPOSE.read_text()
    for name in (
        "RASA_TOKEN",
        "ACTION_SERVER_TOKEN",
        "PSEUDONYM_SECRET",
        "SOCKETIO_JWT_SECRET",
        "WEB_SESSION_SECRET",
        "POSTGRES_PASSWORD",
    ):
        assert f"${{{name}:?" in text, f"{name} must be required (${{{name}:?…}}), never given a default"


def docker_engine() -> str | None:
    """Why the images can't be built here, or None when a Docker engine answers."""
    if shutil.which("docker") is None:
        return "the docker command is not installed"
    info = subprocess.run(["docker", "info"], capture_output=True, text=True, check=False)
    if info.returncode != 0:
        return "no Docker engine is running (`docker info` failed)"
    return None


@pytest.mark.parametrize("dockerfile", ["app.Dockerfile", "rasa.Dockerfile"])
def test_the_images_build(dockerfile: str) -> None:
    reason = docker_engine()
    if reason is not None:
        pytest.skip(f"Can't build deploy/{dockerfile} here: {reason}.")
    build = subprocess.run(
        [
            "docker",
            "build",
            "-f",
            f"deploy/{dockerfile}",
            "-t",
            f"reflection-test-{dockerfile.split('.')[0]}",
            ".",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
