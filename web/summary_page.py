"""The client's summary as a clean page to print, save as PDF or download (web/templates/summary.html).

Built from the conversation's own slots with the assistant's summary code; every value is escaped, so the
client's own words appear exactly as typed and never as markup.
"""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path
from string import Template

from reflection.clinics import Clinic
from reflection.intake import clinic_answers_to_show
from reflection.items import Item, load_item_bank
from reflection.messages import message
from reflection.own_words import said_for_choice
from reflection.summary import build_summary
from web.conversation import Conversation

TEMPLATE = Template((Path(__file__).parent / "templates" / "summary.html").read_text(encoding="utf-8"))


def _answers(conversation: Conversation) -> str:
    bank = load_item_bank()
    rows, own_words = [], []
    said = conversation.slots.get("answer_words") or {}
    for slot, value in conversation.answers().items():
        if value is None:
            continue
        item = bank.item(slot)
        if item.kind == "text":
            own_words.append(
                f"<dt>{escape(item.area.capitalize())}</dt><dd><blockquote>{escape(str(value))}</blockquote></dd>"
            )
        else:
            described = escape(_described(item, value, said))
            rows.append(f"<dt>{escape(item.area.capitalize())}</dt><dd>{described}</dd>")
    html = ""
    if rows:
        html += "<h2>Your answers</h2><dl>" + "".join(rows) + "</dl>"
    if own_words:
        html += "<h2>In your own words</h2><dl>" + "".join(own_words) + "</dl>"
    return html


def _described(item: Item, value: object, said: dict[str, object]) -> str:
    """A choice answered in the client's own way keeps their words beside its category."""
    buttons = [text for button in item.buttons for text in (button.payload, button.title)]
    words = said_for_choice(said.get(item.slot), buttons) if item.kind == "choice" else None
    described = item.describe(value)
    return message("value_in_own_words", value=described, words=words).text if words else described


def render_summary(
    conversation: Conversation, clinic: Clinic, nonce: str, print_url: str | None, download_url: str | None
) -> str:
    """The page; ``print_url`` (a script) and ``download_url`` are left out of the downloaded copy."""
    if conversation.completed:
        summary = build_summary(
            conversation.answers(),
            list(conversation.slots.get("next_steps") or []),
            previous=conversation.previous_answers(),
            referral_link=clinic.referral_link,
            saved=conversation.consented,
            clinic_answers=clinic_answers_to_show(clinic.intake.questions, conversation.clinic_answers()),
        )
        sections = "".join(f'<p class="section">{escape(section)}</p>' for section in summary.sections)
        body = _answers(conversation) + "<h2>What we talked about</h2>" + sections
    else:
        body = f'<p class="section">{escape(message("no_summary_yet").text)}</p>'
    actions = ""
    if print_url:
        actions += '<button type="button" id="print" hidden>Print or save as PDF</button>'
    if download_url:
        actions += f'<a href="{escape(download_url)}" download="my-reflection.html">Download a copy</a>'
    script = f'<script src="{escape(print_url)}" nonce="{nonce}"></script>' if print_url else ""
    return TEMPLATE.substitute(
        nonce=nonce,
        primary=clinic.colours.primary,
        on_primary=clinic.colours.on_primary,
        clinic=escape(clinic.name),
        date=date.today().strftime("%B %-d, %Y"),
        actions=actions,
        body=body,
        script=script,
    )
