"""The dashboard's charts as inline SVG, drawn on the server: no chart library, nothing from a CDN, no script.

Colours come from attributes and the console's own stylesheet (the page's CSP allows no inline styles).
Each chart has a title and a description for screen readers; the numbers are also in a table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

# 1 (not at all) .. 5 (completely): a diverging palette that stays readable for colour-blind viewers.
SCALE_COLOURS = ("#b2182b", "#ef8a62", "#cfcfcf", "#67a9cf", "#2166ac")
CATEGORY_COLOURS = {"self_harm": "#7b3294", "abuse": "#c2a5cf", "medical_emergency": "#d7191c"}
ACCENT = "#1f4e79"
MUTED = "#9aa7b4"
WIDTH = 640
LABEL_WIDTH = 250


def _svg(height: int, title: str, description: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title><desc>{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, text: object, anchor: str = "start", css: str = "chart-label") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{css}">{escape(str(text))}</text>'


def item_distribution(distribution: dict[str, list[int]], labels: dict[str, str]) -> Markup:
    """One 100% bar per rated item, split by how many answered 1..5."""
    row = 30
    height = row * len(distribution) + 40
    body: list[str] = []
    bar_width = WIDTH - LABEL_WIDTH - 50
    for index, (item, counts) in enumerate(distribution.items()):
        y = 10 + index * row
        total = sum(counts)
        body.append(_text(LABEL_WIDTH - 8, y + 17, labels.get(item, item), "end"))
        x = float(LABEL_WIDTH)
        if total == 0:
            body.append(f'<rect x="{x}" y="{y}" width="{bar_width}" height="22" fill="#f1f3f5"/>')
        for value, count in enumerate(counts, start=1):
            if not count:
                continue
            width = bar_width * count / total
            body.append(
                f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="22" '
                f'fill="{SCALE_COLOURS[value - 1]}">'
                f"<title>{escape(labels.get(item, item))}: {count} answered {value}</title></rect>"
            )
            if width > 18:
                body.append(_text(x + width / 2, y + 16, count, "middle", "chart-on-bar"))
            x += width
        body.append(_text(LABEL_WIDTH + bar_width + 8, y + 16, f"n={total}", "start", "chart-note"))
    legend_y = height - 14
    for value, colour in enumerate(SCALE_COLOURS, start=1):
        x = LABEL_WIDTH + (value - 1) * 80
        body.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>')
        body.append(_text(x + 16, legend_y, f"{value}", "start", "chart-note"))
    return _svg(
        height, "How each fit item is rated", "Share of answers 1 (not at all) to 5 (completely).", body
    )


def horizontal_bars(counts: dict[str, int], labels: dict[str, str], title: str) -> Markup:
    row = 30
    height = max(row * len(counts) + 20, 50)
    most = max(counts.values(), default=0) or 1
    bar_width = WIDTH - LABEL_WIDTH - 60
    body: list[str] = []
    if not counts:
        body.append(_text(WIDTH / 2, 30, "Nothing yet", "middle", "chart-note"))
    for index, (code, count) in enumerate(counts.items()):
        y = 10 + index * row
        width = bar_width * count / most
        body.append(_text(LABEL_WIDTH - 8, y + 16, labels.get(code, code), "end"))
        body.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="20" rx="3" fill="{ACCENT}"/>'
        )
        body.append(_text(LABEL_WIDTH + width + 6, y + 15, count, "start", "chart-note"))
    return _svg(height, title, title, body)


def _y(value: float, top: float, bottom: float, low: float = 1, high: float = 5) -> float:
    return bottom - (value - low) / (high - low) * (bottom - top)


def _fit_axes(body: list[str], left: float, right: float, top: float, bottom: float) -> None:
    for level in (1, 2, 3, 4, 5):
        y = _y(level, top, bottom)
        css = "chart-threshold" if level == 3 else "chart-rule"
        body.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" class="{css}"/>')
        body.append(_text(left - 6, y + 4, level, "end", "chart-note"))


def weekly_trend(weeks: Sequence[tuple[date, int, float | None]]) -> Markup:
    """Reflections per week (bars) and their mean fit (line, 1-5; the dashed line marks 3)."""
    left, right, top, bottom = 40.0, WIDTH - 40.0, 15.0, 175.0
    height = 205
    body: list[str] = []
    _fit_axes(body, left, right, top, bottom)
    step = (right - left) / max(len(weeks), 1)
    most = max((count for _, count, _ in weeks), default=0) or 1
    points = []
    for index, (monday, count, fit) in enumerate(weeks):
        x = left + step * index + step / 2
        bar = (bottom - top) * 0.6 * count / most
        body.append(
            f'<rect x="{x - step * 0.3:.1f}" y="{bottom - bar:.1f}" width="{step * 0.6:.1f}" '
            f'height="{bar:.1f}" '
            f'class="chart-volume"><title>Week of {monday:%b %-d}: {count} reflection(s)</title></rect>'
        )
        if index % 2 == 0:
            body.append(_text(x, bottom + 18, f"{monday:%b %-d}", "middle", "chart-note"))
        if fit is not None:
            points.append((x, _y(fit, top, bottom), monday, fit))
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
        body.append(f'<polyline points="{path}" fill="none" stroke="{ACCENT}" stroke-width="2.5"/>')
        for x, y, monday, fit in points:
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{ACCENT}">'
                f"<title>Week of {monday:%b %-d}: mean fit {fit:.1f}</title></circle>"
            )
    return _svg(height, "Trends by week", "Bars: reflections per week. Line: mean fit, 1 to 5.", body)


def crisis_weeks(weeks: Sequence[tuple[date, dict[str, int]]], labels: dict[str, str]) -> Markup:
    left, right, top, bottom = 40.0, WIDTH - 20.0, 15.0, 150.0
    height = 200
    most = max((sum(counts.values()) for _, counts in weeks), default=0) or 1
    step = (right - left) / max(len(weeks), 1)
    body = [f'<line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" class="chart-rule"/>']
    body.append(_text(left - 6, top + 4, most, "end", "chart-note"))
    body.append(_text(left - 6, bottom + 4, 0, "end", "chart-note"))
    for index, (monday, counts) in enumerate(weeks):
        x = left + step * index + step * 0.2
        y = bottom
        for category, colour in CATEGORY_COLOURS.items():
            count = counts.get(category, 0)
            if not count:
                continue
            size = (bottom - top) * count / most
            y -= size
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.6:.1f}" height="{size:.1f}" fill="{colour}">'
                f"<title>Week of {monday:%b %-d}: {count} "
                f"{escape(labels.get(category, category))}</title></rect>"
            )
        if index % 2 == 0:
            body.append(_text(x + step * 0.3, bottom + 18, f"{monday:%b %-d}", "middle", "chart-note"))
    for index, (category, colour) in enumerate(CATEGORY_COLOURS.items()):
        x = left + index * 170
        body.append(f'<rect x="{x}" y="{height - 20}" width="12" height="12" fill="{colour}"/>')
        body.append(_text(x + 16, height - 10, labels.get(category, category), "start", "chart-note"))
    return _svg(height, "Crisis flags per week", "Risk disclosures flagged each week, by kind.", body)


def returning_trend(series: Sequence[Sequence[float]], means: Sequence[float | None]) -> Markup:
    """Each returning client's fit at each visit (thin lines) and the mean at each visit (thick line)."""
    left, right, top, bottom = 40.0, WIDTH - 40.0, 15.0, 175.0
    height = 205
    visits = len(means)
    step = (right - left) / max(visits - 1, 1)
    body: list[str] = []
    _fit_axes(body, left, right, top, bottom)
    for visit in range(visits):
        body.append(_text(left + step * visit, bottom + 18, f"visit {visit + 1}", "middle", "chart-note"))
    for fits in series:
        path = " ".join(f"{left + step * i:.1f},{_y(fit, top, bottom):.1f}" for i, fit in enumerate(fits))
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{MUTED}" stroke-width="1.2" opacity="0.7"/>'
        )
    points = [(left + step * i, _y(fit, top, bottom), fit) for i, fit in enumerate(means) if fit is not None]
    if len(points) >= 2:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
        body.append(f'<polyline points="{path}" fill="none" stroke="{ACCENT}" stroke-width="3"/>')
    for x, y, fit in points:
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{ACCENT}">'
            f"<title>mean {fit:.1f}</title></circle>"
        )
    if not series:
        body.append(_text(WIDTH / 2, 60, "No returning clients yet", "middle", "chart-label"))
    return _svg(
        height, "Returning clients' fit", "Fit at each completed reflection of clients who came back.", body
    )
