"""The embeddable widget in a real browser (Debian's Chromium through Playwright), against the live assistant.

Every test runs in a fresh browser profile on a demo page that sends a strict CSP header; the ``widget``
fixture fails the test on any CSP violation or console error and saves a screenshot under
reports/screenshots/.
"""

from __future__ import annotations

import gzip
import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from reflection.pseudonym import pseudonymize
from reflection.storage.repository import ReflectionStore
from tests.live import ROOT
from tests.web.stack import Stack
from tests.web.widget_page import AXE, Widget

GREETING = "glad you're here"
EVENT_KEYS = {"type", "version", "event", "clinic", "reflection"}
LOADER_BUDGET_BYTES = 10 * 1024
WIDGET_BUDGET_BYTES = 60 * 1024
HAPPY_REFLECTION = [
    ("sessions_so_far", "over a year now"),
    ("felt_heard", "mostly yes"),
    ("depth", "yes, we go deep"),
    ("advice_fit", "4"),
    ("homework_fit", "she doesn't give homework"),
    ("goals_shared", "5"),
    ("approach_fit", "mostly yes"),
    ("tell_more", "skip"),
    ("raised_needs", "yes, and it helped"),
    ("hopes", "to trust myself <b>more</b>"),
    ("missing", "nothing"),
]


def events(widget: Widget) -> list[dict[str, Any]]:
    return [json.loads(text) for text in widget.events()]


def shadow_eval(page: Page, script: str, arg: Any = None) -> Any:
    """Runs ``script`` (a function of the widget's shadow root and ``arg``) in the page."""
    return page.evaluate(
        f"([arg]) => ({script})(document.querySelector('reflection-chat').shadowRoot, arg)", [arg]
    )


@pytest.fixture
def console_errors_allowed(request: pytest.FixtureRequest) -> tuple[str, ...]:
    """The console errors a browser prints when a server is down or refuses a cross-site request."""
    expected = {
        "test_sending_pauses": ("WebSocket connection", "Failed to load resource", "ERR_CONNECTION_REFUSED"),
        "test_a_site_the_clinic_does_not_list": ("CORS policy", "Failed to load resource"),
    }
    return next((errors for name, errors in expected.items() if request.node.name.startswith(name)), ())


# --- the conversation ---


def test_open_send_free_text_and_click_a_button(widget: Widget) -> None:
    opening = widget.open()
    assert GREETING in " ".join(opening)
    expect(widget.input).to_be_focused()  # focus goes to the message box on open
    replies = widget.choose("Yes, save my answers")
    assert any("delete my data" in reply.lower() for reply in replies)
    group = widget.shadow(".choices").first
    for button in group.get_by_role("button").all():
        expect(button).to_be_disabled()
    expect(group.get_by_role("button", name="Yes, save my answers")).to_have_class(re.compile("chosen"))
    expect(group.locator(".sr")).to_have_text("You chose: Yes, save my answers")
    widget.input.fill("about six sessions")
    widget.input.press("Enter")
    expect(widget.shadow(".typing")).to_be_visible()  # shown while the assistant answers
    widget.wait_for_replies(len(replies) + len(opening))
    expect(widget.shadow(".typing")).to_be_hidden()
    assert widget.user_messages() == ["Yes, save my answers", "about six sessions"]
    assert widget.stack.assistant.slots(widget.session_id())["sessions_so_far"] == "established"


def test_the_conversation_comes_back_after_a_reload(widget: Widget) -> None:
    widget.open()
    widget.choose("Yes, save my answers")
    widget.send("about six sessions")
    before_bot, before_user = widget.bot_messages(), widget.user_messages()
    widget.page.reload()
    # The chat was open, so it opens again; the history comes from the server, not from browser storage.
    expect(widget.log).to_be_visible()
    widget.page.wait_for_function(
        "n => document.querySelector('reflection-chat').shadowRoot.querySelectorAll('.msg').length >= n",
        arg=len(before_bot) + len(before_user),
    )
    assert widget.bot_messages() == before_bot and widget.user_messages() == before_user
    assert " ".join(widget.bot_messages()).count(GREETING) == 1  # no second greeting
    for button in widget.shadow(".choices").first.get_by_role("button").all():
        expect(button).to_be_disabled()
    storage = widget.page.evaluate("() => JSON.stringify({...sessionStorage, ...localStorage})")
    assert "six sessions" not in storage and "glad" not in storage


def test_html_and_script_in_a_message_show_as_text(widget: Widget) -> None:
    widget.open()
    attack = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script><b>bold</b> & "quotes"'
    widget.send(attack)
    assert widget.user_messages()[-1] == attack
    assert widget.shadow(".log img, .log script, .log b").count() == 0
    assert widget.page.evaluate("() => window.pwned") is None


def test_the_menu_starts_over_and_asks_before_deleting(widget: Widget) -> None:
    widget.open()
    widget.choose("Yes, save my answers")
    widget.shadow(".menu-button").click()
    expect(widget.page.get_by_role("menu")).to_be_visible()
    before = len(widget.bot_messages())
    widget.page.get_by_role("menuitem", name="Start over").click()
    assert widget.wait_for_replies(before)
    assert widget.user_messages()[-1] == "Start over"
    widget.shadow(".menu-button").click()
    before = len(widget.bot_messages())
    widget.page.get_by_role("menuitem", name="Delete my conversation").click()
    asked = " ".join(widget.wait_for_replies(before)).lower()
    assert "delete" in asked and "?" in asked  # it confirms before erasing anything


# --- keyboard and accessibility ---


def test_keyboard_only(widget: Widget) -> None:
    page = widget.page
    expect(widget.launcher).to_be_visible()
    for _ in range(30):  # Tab from the top of the page to the launcher
        page.keyboard.press("Tab")
        if "Open chat" in widget.active():
            break
    assert widget.active().startswith("widget:launcher")
    page.keyboard.press("Enter")
    widget.wait_for_replies(0)
    assert widget.active().startswith("widget:rc-message")  # focus moved to the message box
    for _ in range(10):  # back to the consent buttons
        page.keyboard.press("Shift+Tab")
        if "Yes, save my answers" in widget.active():
            break
    page.keyboard.press("Enter")
    widget.wait_for_replies(len(widget.bot_messages()))
    assert widget.active().startswith("widget:rc-message")  # a used button hands focus back to the box
    page.keyboard.type("about six sessions")
    before = len(widget.bot_messages())
    page.keyboard.press("Enter")
    widget.wait_for_replies(before)
    # Arrow keys walk through the conversation.
    widget.log.focus()
    page.keyboard.press("ArrowUp")
    last = widget.active()
    page.keyboard.press("ArrowUp")
    earlier = widget.active()
    assert "msg" in last and "msg" in earlier and last != earlier
    page.keyboard.press("End")
    assert widget.active() == last
    # The menu opens and closes from the keyboard.
    for _ in range(10):
        page.keyboard.press("Shift+Tab")
        if "Menu" in widget.active():
            break
    page.keyboard.press("Enter")
    assert "Start over" in widget.active()
    page.keyboard.press("ArrowDown")
    assert "Delete my conversation" in widget.active()
    page.keyboard.press("Escape")
    assert "Menu" in widget.active()
    # No trap: Tab carries on out of the widget.
    for _ in range(30):
        page.keyboard.press("Tab")
        if widget.active().startswith("page"):
            break
    assert widget.active().startswith("page")
    # Close returns focus to the launcher.
    widget.shadow(".close").focus()
    page.keyboard.press("Enter")
    assert widget.active().startswith("widget:launcher")
    expect(widget.shadow(".panel")).to_be_hidden()


def test_the_accessibility_contract(widget: Widget) -> None:
    expect(widget.page.get_by_role("button", name=re.compile("chat", re.IGNORECASE))).to_have_count(1)
    widget.open()
    expect(widget.page.get_by_role("textbox", name="Message")).to_be_visible()
    expect(widget.log).to_have_attribute("aria-live", "polite")
    expect(widget.page.get_by_role("button", name="Leave quickly")).to_be_visible()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.evaluate(AXE.read_text(encoding="utf-8"))  # injected by the test driver, so no CSP change is needed
    page.wait_for_selector("reflection-chat", state="attached")  # axe.run(null) fails: the loader may lag
    result = page.evaluate(
        """async () => {
          const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
          const widget = document.querySelector("reflection-chat");
          const result = await axe.run(widget, {runOnly: {type: "tag", values: tags}});
          return result.violations.map(v => ({id: v.id, impact: v.impact, at: v.nodes.map(n => n.target)}));
        }"""
    )
    return [violation for violation in result if violation["impact"] in ("serious", "critical")]


def test_axe_finds_no_serious_or_critical_violations(widget: Widget) -> None:
    assert axe_violations(widget.page) == []  # the launcher alone
    widget.open()
    assert axe_violations(widget.page) == []  # open, with quick replies waiting
    widget.choose("Yes, save my answers")
    widget.shadow(".menu-button").click()
    assert axe_violations(widget.page) == []  # answered buttons and the open menu


@pytest.mark.parametrize(
    "browser_context_options",
    [{"viewport": {"width": 320, "height": 640}}, {"viewport": {"width": 640, "height": 400}}],
    ids=["320px", "200pct-zoom"],
)
def test_it_reflows_at_320px_and_at_200_percent_zoom(widget: Widget) -> None:
    widget.open()
    widget.send("a message long enough to wrap several times in a narrow window: " + "word " * 30)
    width = widget.page.viewport_size["width"]  # type: ignore[index]
    assert widget.page.evaluate("() => document.documentElement.scrollWidth") <= width
    box = widget.shadow(".panel").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    for part in (".log", ".header", ".composer"):
        overflow = shadow_eval(
            widget.page,
            "(root, part) => root.querySelector(part).scrollWidth - root.querySelector(part).clientWidth",
            part,
        )
        assert overflow <= 0, part
    for control in (
        widget.input,
        widget.shadow(".send"),
        widget.page.get_by_role("button", name="Leave quickly"),
    ):
        expect(control).to_be_in_viewport()


def test_targets_are_at_least_24px(widget: Widget) -> None:
    widget.open()
    widget.shadow(".menu-button").click()
    sizes = shadow_eval(
        widget.page,
        """root => [...root.querySelectorAll('button, textarea')]
            .filter(node => node.offsetParent !== null)
            .map(node => { const box = node.getBoundingClientRect();
                           return [node.textContent.trim() || node.id, box.width, box.height]; })""",
    )
    assert sizes and all(width >= 24 and height >= 24 for _, width, height in sizes), sizes


@pytest.mark.parametrize(
    "browser_context_options",
    [{"viewport": {"width": 1280, "height": 800}}, {"viewport": {"width": 320, "height": 640}}],
    ids=["wide", "320px"],
)
def test_focus_on_the_page_never_hides_behind_the_open_chat(widget: Widget) -> None:
    widget.open()
    page = widget.page
    page.evaluate("() => document.activeElement.blur()")
    page.evaluate("() => window.scrollTo(0, 0)")
    hidden = []
    for _ in range(12):
        page.keyboard.press("Tab")
        if not widget.active().startswith("page"):
            break
        covered = page.evaluate(
            """() => {
              const box = document.activeElement.getBoundingClientRect();
              const root = document.querySelector('reflection-chat').shadowRoot;
              const panel = root.querySelector('.panel').getBoundingClientRect();
              const inside = box.left >= panel.left && box.right <= panel.right;
              return inside && box.top >= panel.top && box.bottom <= panel.bottom;
            }"""
        )
        if covered:
            hidden.append(widget.active())
    assert hidden == []


@pytest.mark.parametrize("browser_context_options", [{"reduced_motion": "reduce"}], ids=["reduced-motion"])
def test_reduced_motion_stops_the_typing_animation(widget: Widget) -> None:
    widget.open()
    animation = shadow_eval(
        widget.page, "root => getComputedStyle(root.querySelector('.dots span')).animationName"
    )
    assert animation == "none"


def test_the_typing_dots_move_when_motion_is_fine(widget: Widget) -> None:
    widget.open()
    animation = shadow_eval(
        widget.page, "root => getComputedStyle(root.querySelector('.dots span')).animationName"
    )
    assert animation == "rc-bounce"


# --- connection state ---


def test_sending_pauses_with_an_explanation_while_disconnected_and_resumes(widget: Widget) -> None:
    widget.open()
    widget.choose("Yes, save my answers")
    status = widget.shadow(".status")
    expect(status).to_have_text("Connected")
    widget.stack.stop_web()
    try:
        expect(status).to_contain_text("Reconnecting")
        expect(status).to_contain_text("Sending is paused")
        expect(widget.shadow(".send")).to_be_disabled()
    finally:
        widget.stack.start_web()
    expect(status).to_have_text("Connected", timeout=30_000)  # back by itself
    expect(widget.shadow(".send")).to_be_enabled()
    assert widget.send("about six sessions")  # and the same conversation carries on
    assert widget.stack.assistant.slots(widget.session_id())["sessions_so_far"] == "established"


# --- events for the host page, the whole reflection and its summary ---


def test_the_host_page_hears_ready_opened_and_closed_and_never_any_text(widget: Widget) -> None:
    expect(widget.page.locator("#events li")).to_have_count(1)
    widget.open()
    widget.send("my private words")
    widget.shadow(".close").click()
    expect(widget.page.locator("#events li")).to_have_count(3)
    received = events(widget)
    assert [event["event"] for event in received] == ["ready", "opened", "closed"]
    for event in received:
        assert set(event) <= EVENT_KEYS and event["version"] == 1 and event["clinic"] == "default"
    assert "private" not in json.dumps(received)


def answer_reflection(widget: Widget, answers: list[tuple[str, str]], stop_at: str | None = None) -> None:
    """Types the answer to each question the assistant asks, checking which question it is on; taps "Yes,
    that's right" when it checks a reading, as these answers mean what they say."""
    session = widget.session_id()
    script = dict(answers)
    for _ in range(3 * len(answers)):
        slots = widget.stack.assistant.slots(session)
        if slots["requested_slot"] in (None, stop_at):
            return
        if slots.get("pending_confirmation"):
            widget.choose("Yes, that's right")
        else:
            widget.send(script.get(slots["requested_slot"], "skip"))


def test_a_whole_reflection_completes_with_an_event_and_a_printable_summary(widget: Widget) -> None:
    widget.open()
    widget.choose("Yes, save my answers")
    answer_reflection(widget, HAPPY_REFLECTION)
    expect(widget.shadow(".summary-ready")).to_be_visible()
    completed = [event for event in events(widget) if event["event"] == "completed"]
    assert len(completed) == 1 and re.fullmatch(r"[0-9a-f]{32}", completed[0]["reflection"])
    assert set(completed[0]) <= EVENT_KEYS and "trust" not in json.dumps(completed)

    with widget.page.context.expect_page() as opened:
        widget.shadow(".summary-button").click()
    summary = opened.value
    summary.wait_for_load_state()
    assert re.search(r"/summary/[\w.-]+$", summary.url)
    expect(summary.get_by_role("heading", name="Your reflection")).to_be_visible()
    expect(summary.get_by_role("heading", name="Your answers")).to_be_visible()
    text = summary.locator("main").inner_text()
    assert "More than 12 sessions" in text or "more than 12 sessions" in text
    assert "5 of 5" in text  # goals agreed together
    assert "to trust myself <b>more</b>" in text  # their own words, exactly as typed, never as markup
    assert summary.locator("main b").count() == 0
    expect(summary.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    with summary.expect_download() as download_info:
        summary.get_by_role("link", name="Download a copy").click()
    download = download_info.value
    assert download.suggested_filename == "my-reflection.html"
    saved = download.path().read_text(encoding="utf-8")
    assert "to trust myself &lt;b&gt;more&lt;/b&gt;" in saved and "<script" not in saved

    widget.page.reload()  # the summary stays available after a reload
    expect(widget.shadow(".summary-ready")).to_be_visible()


def test_a_summary_link_is_for_its_own_conversation_and_expires(stack: Stack) -> None:
    assert httpx.get(f"{stack.web_url}/summary/forged.token.here").status_code == 404
    assert (
        httpx.post(f"{stack.web_url}/api/summary-link", headers={"Authorization": "Bearer x"}).status_code
        == 401
    )


# --- clinics and modes ---


def test_two_clinics_look_and_behave_as_their_files_say(widget: Widget) -> None:
    widget.open()
    default = {
        "title": widget.shadow(".title").inner_text(),
        "colour": shadow_eval(
            widget.page, "root => getComputedStyle(root.querySelector('.header')).backgroundColor"
        ),
        "consent": " ".join(widget.bot_messages()),
        "logo": widget.shadow(".logo").get_attribute("src"),
    }
    widget.page.goto(widget.stack.web_url + "/intake")
    widget.open()
    riverside = {
        "title": widget.shadow(".title").inner_text(),
        "colour": shadow_eval(
            widget.page, "root => getComputedStyle(root.querySelector('.header')).backgroundColor"
        ),
        "consent": " ".join(widget.bot_messages()),
        "logo": widget.shadow(".logo").get_attribute("src"),
    }
    assert (default["title"], riverside["title"]) == ("Therapy Reflection", "Riverside Therapy Centre")
    assert (default["colour"], riverside["colour"]) == ("rgb(31, 78, 121)", "rgb(36, 81, 58)")
    assert default["logo"] != riverside["logo"]
    assert "Riverside Therapy Centre" in riverside["consent"]
    assert "Riverside" not in default["consent"]


def test_intake_mode_travels_in_the_token_to_the_conversation(widget: Widget) -> None:
    widget.page.goto(widget.stack.web_url + "/intake")
    widget.open()
    tracker = widget.stack.assistant.tracker(widget.session_id())
    first = next(event for event in tracker["events"] if event["event"] == "user")
    assert (first["metadata"]["clinic"], first["metadata"]["mode"]) == ("riverside", "intake")
    assert tracker["slots"]["clinic_id"] == "riverside"
    assert [event["clinic"] for event in events(widget)] == ["riverside", "riverside"]


INTAKE = [
    *[(slot, text) for slot, text in HAPPY_REFLECTION if slot not in ("tell_more", "hopes", "missing")],
    ("hopes", "to feel less stuck"),
    ("missing", "she never remembered what I said"),
    ("wants_style", "someone direct but kind"),
    ("wants_focus", "my anxiety at work"),
    ("practical_needs", "evenings"),
]


def test_intake_end_to_end(widget: Widget) -> None:
    widget.page.goto(widget.stack.web_url + "/intake")
    opening = " ".join(widget.open())
    assert "welcome to Riverside Therapy Centre" in opening and "therapy has gone for you before" in opening
    widget.choose("Yes, save my answers")
    asked_about_the_past = " ".join(widget.bot_messages())
    assert "the therapist you saw most recently" in asked_about_the_past
    answer_reflection(widget, INTAKE, stop_at="clinic_extra")
    session = widget.session_id()
    assert widget.stack.assistant.slots(session)["requested_slot"] == "clinic_extra"
    assert "online, in person, or either" in widget.bot_messages()[-1]
    widget.choose("Either is fine")  # the clinic's own question, as quick replies
    assert "Which language" in widget.bot_messages()[-1]
    closing = " ".join(widget.send("Spanish"))
    assert "Riverside Therapy Centre will use what you've told us" in closing
    assert "To work on: \"my anxiety at work\"" in closing
    assert "Sessions: Either is fine" in closing and "Language: Spanish" in closing

    expect(widget.shadow(".summary-ready")).to_be_visible()
    completed = [event for event in events(widget) if event["event"] == "completed"]
    assert len(completed) == 1 and "anxiety" not in json.dumps(completed)
    slots = widget.stack.assistant.slots(session)
    assert slots["mode"] == "intake" and slots["next_steps"] == []
    assert slots["clinic_answers"] == {"session_format": "Either is fine", "language": "Spanish"}
    store = ReflectionStore.from_url(widget.stack.assistant.database_url)
    stored = store.latest_completed(pseudonymize(session, widget.stack.assistant.pseudonym_secret))
    store.close()
    assert stored is not None and (stored.mode, stored.clinic) == ("clinic_intake", "riverside")
    assert stored.answers["clinic_language"].value == "Spanish"
    assert stored.answers["wants_focus"].value == "my anxiety at work"

    # The client gets their summary (not "no summary yet"), with the clinic's questions, after a reload too.
    with widget.page.context.expect_page() as opened:
        widget.shadow(".summary-button").click()
    summary = opened.value
    summary.wait_for_load_state()
    text = summary.locator("main").inner_text()
    assert "no summary yet" not in text and "To work on" in text and "Language: Spanish" in text
    widget.page.reload()
    expect(widget.shadow(".summary-ready")).to_be_visible()


def test_intake_is_refused_for_a_clinic_that_does_not_use_it(stack: Stack) -> None:
    refused = httpx.post(f"{stack.web_url}/api/session", json={"clinic": "default", "mode": "intake"})
    assert refused.status_code == 400 and "intake" in refused.json()["detail"]


# --- quick exit ---


def neutral_site(page: Page, url: str) -> None:
    """The quick-exit sites are real sites on the internet; the test answers for them instead."""
    page.context.route(
        url + "**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>Weather</title><p>Weather"
        ),
    )


def test_leave_quickly_goes_to_the_neutral_site_and_forgets_but_keeps_the_conversation(
    widget: Widget,
) -> None:
    neutral_site(widget.page, "https://www.google.com/")
    widget.open()
    widget.send("my private words")
    session = widget.session_id()
    widget.page.get_by_role("button", name="Leave quickly").click()
    widget.page.wait_for_url("https://www.google.com/**")
    for _ in range(50):  # the browser drops the session cookie when the quick-exit beacon is answered
        if not any(cookie["name"] == "reflection_session" for cookie in widget.page.context.cookies()):
            break
        widget.page.wait_for_timeout(100)
    widget.page.goto(widget.stack.web_url + "/")
    expect(widget.launcher).to_be_visible()  # starts closed: nothing says a chat was open
    opening = widget.open()
    assert "my private words" not in " ".join(widget.user_messages()) and GREETING in " ".join(opening)
    assert widget.session_id() != session  # this browser forgot the old conversation...
    old = widget.stack.assistant.tracker(session)["events"]
    assert any(event.get("text") == "my private words" for event in old)  # ...which is not deleted


def test_escape_three_times_leaves_quickly(widget: Widget) -> None:
    neutral_site(widget.page, "https://www.weather.gov/")
    widget.page.goto(widget.stack.web_url + "/intake")
    widget.open()
    widget.input.focus()
    for _ in range(3):
        widget.page.keyboard.press("Escape")
    widget.page.wait_for_url("https://www.weather.gov/**")


# --- size, loading and assets ---


def test_the_size_budget_and_lazy_loading(widget: Widget, stack: Stack) -> None:
    requested: list[str] = []
    widget.page.on("request", lambda request: requested.append(request.url))
    widget.page.reload()
    expect(widget.launcher).to_be_visible()
    assert not any(url.endswith("/widget/widget.js") for url in requested)  # nothing more until opened
    widget.open()
    assert any(url.endswith("/widget/widget.js") for url in requested)
    assert all(url.startswith((stack.web_url, "ws://127.0.0.1")) for url in requested), requested  # no CDN
    loader = gzip.compress(httpx.get(f"{stack.web_url}/widget/loader.js").content, compresslevel=9)
    whole = gzip.compress(httpx.get(f"{stack.web_url}/widget/widget.js").content, compresslevel=9)
    sizes = f"loader.js {len(loader)} bytes gzipped; widget.js {len(whole)} bytes gzipped"
    (ROOT / "reports" / "widget_size.txt").write_text(sizes + "\n")
    print(sizes)
    assert len(loader) < LOADER_BUDGET_BYTES
    assert len(loader) + len(whole) < WIDGET_BUDGET_BYTES


def test_the_demo_pages_send_a_strict_csp(stack: Stack) -> None:
    for path in ("/", "/intake"):
        page = httpx.get(stack.web_url + path)
        policy = page.headers["content-security-policy"]
        nonce = re.search(r"'nonce-([\w-]+)'", policy)
        assert nonce and f'nonce="{nonce.group(1)}"' in page.text
        assert (
            "unsafe-inline" not in policy and "unsafe-eval" not in policy and "default-src 'none'" in policy
        )
        assert "style=" not in page.text and "<style" not in page.text and "onclick" not in page.text


@pytest.fixture
def foreign_site(stack: Stack) -> Iterator[str]:
    """A page on another origin (still loopback, so the browser lets it reach the server) embedding the widget
    for a clinic whose file does not list it."""
    page = (
        f'<p>Not a clinic</p><script src="{stack.web_url}/widget/loader.js" data-clinic="riverside"></script>'
    )

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.2", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.2:{server.server_address[1]}/"
    server.shutdown()


def test_a_site_the_clinic_does_not_list_gets_no_widget(widget: Widget, foreign_site: str) -> None:
    warnings: list[str] = []
    widget.page.on("console", lambda message: warnings.append(message.text))
    widget.page.goto(foreign_site)
    widget.page.wait_for_function("() => window.customElements.get('reflection-chat') !== undefined")
    widget.page.wait_for_timeout(1000)
    expect(widget.page.locator("reflection-chat")).to_have_count(0)
    assert any("is not available" in warning for warning in warnings)
