from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.web.stack import Stack, running_stack
from tests.web.widget_page import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, WATCH_PAGE, Widget


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    with running_stack() as running:
        yield running


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            "Chromium is needed for the browser tests: `make test` installs it (apt-get install chromium)."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_context_options() -> dict[str, Any]:
    return {"viewport": {"width": 1280, "height": 800}}


@pytest.fixture
def console_errors_allowed() -> tuple[str, ...]:
    """Console errors a test expects (e.g. a websocket failing while the server restarts)."""
    return ()


@pytest.fixture
def widget(
    request: pytest.FixtureRequest,
    chromium: Browser,
    stack: Stack,
    browser_context_options: dict[str, Any],
    console_errors_allowed: tuple[str, ...],
) -> Iterator[Widget]:
    """A fresh browser profile on the demo site; afterwards, a screenshot and no CSP violation or error."""
    context = chromium.new_context(**browser_context_options)
    context.add_init_script(WATCH_PAGE)
    problems: list[str] = []
    context.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    context.on("weberror", lambda error: problems.append(f"uncaught: {error.error}"))
    page = context.new_page()
    page.goto(stack.web_url + "/")
    try:
        yield Widget(page, stack)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for number, open_page in enumerate(context.pages):
            if not open_page.is_closed():
                suffix = f"-{number}" if number else ""
                open_page.screenshot(path=SCREENSHOTS / f"{request.node.name}{suffix}.png")
    finally:
        context.close()
    unexpected = [p for p in problems if not any(allowed in p for allowed in console_errors_allowed)]
    assert not unexpected, f"CSP violations or console errors: {unexpected}"
