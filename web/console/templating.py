"""Jinja2 templates for the console (autoescaped), with the labels every page uses."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from reflection.settings import settings

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
NEXT_STEP_LABELS = {
    "talk_to_therapist": "Talk to the therapist",
    "find_better_fit": "Look for a better fit",
    "give_it_time": "Give it time",
    "keep_going": "Keep going",
}
CATEGORY_LABELS = {"self_harm": "Self-harm", "abuse": "Abuse", "medical_emergency": "Medical emergency"}
MODE_LABELS = {"self": "Self-reflection", "clinic_intake": "Clinic intake"}
BAND_LABELS = {"low": "Low (below 3)", "mixed": "Mixed (3 to 4)", "good": "Good (4 or more)"}


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


TEMPLATES.env.filters["when"] = _when
TEMPLATES.env.globals.update(
    next_step_labels=NEXT_STEP_LABELS,
    category_labels=CATEGORY_LABELS,
    mode_labels=MODE_LABELS,
    band_labels=BAND_LABELS,
)


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    values = {"idle_seconds": settings().console_idle_minutes * 60 + 5, **context}
    return TEMPLATES.TemplateResponse(request, name, values, status_code=status)
