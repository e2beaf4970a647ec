"""The console in a real browser: Debian's Chromium driven by Playwright, against the web app served by
uvicorn on a free port. Signs in, filters the list, opens a transcript and the dashboard, and keeps
screenshots for people under reports/screenshots/ (git-ignored).

This is the console's own small fixture; the widget's browser tests (branch `web`) may bring shared ones."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from playwright.sync_api import Browser, expect, sync_playwright

from reflection.clinics import load_clinics
from reflection.staff import StaffDirectory
from reflection.storage.database import make_engine, upgrade
from tests.console.conftest import PASSWORD, Seeded, seed
from tests.live import ROOT, free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = ROOT / "reports" / "screenshots"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Seeded]]:
    folder = tmp_path_factory.mktemp("console-browser")
    clinics = folder / "clinics"
    clinics.mkdir()
    (clinics / "default.yml").write_text("id: default\nname: Reflection\n")
    (clinics / "north.yml").write_text("id: north\nname: North Clinic\nretention_days: 30\n")
    database_url = f"sqlite:///{folder / 'reflection.db'}"
    upgrade(database_url)
    load_clinics.cache_clear()
    engine = make_engine(database_url)
    directory = StaffDirectory(engine)
    cheap = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    # Still argon2, with less work per hash; the server verifies with the parameters stored in the hash.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("reflection.staff._hasher", cheap)
        directory.create("nora", "north", "reviewer", PASSWORD)
    engine.dispose()
    seeded = seed(database_url)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TRACKER_DB_URL": f"sqlite:///{folder / 'tracker.db'}",
        "CLINICS_DIR": str(clinics),
        "INGEST_WORKER": "false",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "web.app:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if httpx.get(f"{base}/console/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None:
                pytest.fail(f"The web app stopped: {server.stderr.read().decode()[-2000:]}")
            time.sleep(0.5)
        else:
            pytest.fail("The web app did not come up within a minute.")
        yield base, seeded
    finally:
        server.terminate()
        server.wait(timeout=20)
        load_clinics.cache_clear()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium).")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def test_sign_in_list_transcript_and_dashboard_in_a_browser(
    served: tuple[str, Seeded], browser: Browser
) -> None:
    base, seeded = served
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console_messages: list[str] = []
    page.on("console", lambda message: console_messages.append(message.text))
    page.on("request", lambda request: _only_local(request.url, base))

    page.goto(f"{base}/console/")
    expect(page).to_have_url(f"{base}/console/login?next=/console/")
    page.get_by_label("Username").fill("nora")
    page.get_by_label("Password").fill("a wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("match an active account")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/console/reflections")  # via the page asked for first
    expect(page.get_by_role("heading", name="Reflections")).to_be_visible()
    expect(page.locator("table.reflections tbody tr")).to_have_count(2)
    page.screenshot(path=str(SCREENSHOTS / "console-list.png"), full_page=True)

    page.get_by_label("Fit").select_option("low")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("table.reflections tbody tr")).to_have_count(1)
    page.locator(f'a[href="/console/reflections/{seeded.north_low}"]').click()
    transcript = page.get_by_role("region", name="Conversation")
    expect(transcript).to_contain_text("about 8 sessions with <PERSON> at the clinic")
    expect(page.get_by_text("Alliance concern.")).to_be_visible()
    assert "Priya" not in page.content()
    page.screenshot(path=str(SCREENSHOTS / "console-transcript.png"), full_page=True)

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(5)
    box = page.locator("svg.chart").first.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100  # drawn, not collapsed
    page.screenshot(path=str(SCREENSHOTS / "console-dashboard.png"), full_page=True)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{base}/console/login")
    assert not [message for message in console_messages if "Content Security Policy" in message]
    for name in ("console-list.png", "console-transcript.png", "console-dashboard.png"):
        assert (SCREENSHOTS / name).stat().st_size > 10_000


def _only_local(url: str, base: str) -> None:
    # Everything the console loads comes from the app itself: no CDN.
    assert url.startswith(base) or url.startswith("data:"), url
