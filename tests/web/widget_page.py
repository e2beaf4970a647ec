"""Driving the embedded widget in Chromium the way a client would (Playwright's locators pierce the open
shadow root), plus what the tests look at behind it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import jwt
from playwright.sync_api import Locator, Page

from tests.live import ROOT
from tests.web.stack import Stack

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = ROOT / "reports" / "screenshots"
AXE = ROOT / "widget" / "node_modules" / "axe-core" / "axe.min.js"
REPLY_TIMEOUT_MS = 60_000
QUIET_SECONDS = 1.2
# Reports every CSP violation and uncaught error to the console, where the tests collect them.
WATCH_PAGE = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


@dataclass
class Widget:
    page: Page
    stack: Stack

    def shadow(self, selector: str) -> Locator:
        return self.page.locator(f"reflection-chat {selector}")

    @property
    def launcher(self) -> Locator:
        return self.page.get_by_role("button", name="Open chat")

    @property
    def input(self) -> Locator:
        return self.page.get_by_role("textbox", name="Message")

    @property
    def log(self) -> Locator:
        return self.page.get_by_role("log")

    def bot_messages(self) -> list[str]:
        return self.shadow(".msg.bot .text").all_text_contents()

    def user_messages(self) -> list[str]:
        return self.shadow(".msg.user .text").all_text_contents()

    def wait_for_replies(self, before: int) -> list[str]:
        """Waits for the assistant's next replies to arrive and stop (they come one bubble at a time)."""
        self.page.wait_for_function(
            "n => (document.querySelector('reflection-chat')?.shadowRoot?.querySelectorAll('.msg.bot')"
            " || []).length > n",
            arg=before,
            timeout=REPLY_TIMEOUT_MS,
        )
        count = -1
        while count != len(self.bot_messages()):
            count = len(self.bot_messages())
            time.sleep(QUIET_SECONDS)
        return self.bot_messages()[before:]

    def open(self) -> list[str]:
        self.launcher.click()
        return self.wait_for_replies(0)

    def send(self, text: str) -> list[str]:
        before = len(self.bot_messages())
        self.input.fill(text)
        self.input.press("Enter")
        return self.wait_for_replies(before)

    def choose(self, title: str) -> list[str]:
        before = len(self.bot_messages())
        self.page.get_by_role("button", name=title, exact=True).click()
        return self.wait_for_replies(before)

    def session_id(self) -> str:
        """The conversation this browser is in, read from the signed session cookie."""
        cookie = next(c for c in self.page.context.cookies() if c["name"] == "reflection_session")
        claims = jwt.decode(
            cookie["value"],
            self.stack.web_session_secret,
            algorithms=["HS256"],
            audience="reflection-web-session",
        )
        return claims["session_id"]

    def events(self) -> list[str]:
        """The events the host page received, as its own listener recorded them."""
        return self.page.locator("#events li").all_inner_texts()

    def active(self) -> str:
        """What has the keyboard focus: inside the widget, its class or id and text; else the page's tag."""
        return self.page.evaluate(
            """() => {
              const host = document.querySelector('reflection-chat');
              const inner = host && host.shadowRoot && host.shadowRoot.activeElement;
              const node = document.activeElement === host && inner ? inner : document.activeElement;
              const where = document.activeElement === host ? 'widget' : 'page';
              const name = node.id || node.className || node.tagName;
              return `${where}:${name}:${(node.textContent || '').trim()}`;
            }"""
        )
