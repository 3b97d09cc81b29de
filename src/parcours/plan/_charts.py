"""Self-contained SVG charts of the plan: the road map as a Gantt chart, the gain x effort matrix.

The same conventions as the report's charts (parcours.render.charts, which this capability may
not import): Okabe-Ito colours, never colour alone (every bar and point is labelled), ``role="img"``
with a ``<title>`` and a ``<desc>`` listing what is drawn, numbers and dates written the reader's
way. The render layer can put the strings as they are in a report section.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from html import escape
from typing import TYPE_CHECKING

from parcours.i18n import Lang, get_lang, number, t
from parcours.plan._scoring import CLASSES

if TYPE_CHECKING:
    import pandas as pd

    from parcours.plan._roadmap import Roadmap

__all__ = ["gantt_svg", "matrix_svg"]

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
FONT = "'DejaVu Sans', 'Segoe UI', Arial, sans-serif"
INK = "#1a1a1a"
MUTED = "#555555"
GRID = "#d0d0d0"
_MONTHS = {
    "fr": [
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}
_ids = itertools.count(1)


def _a(value: object) -> str:
    return escape(str(value), quote=True)


def _svg(width: float, height: float, title: str, desc: str, body: str, kind: str) -> str:
    uid = f"pp{next(_ids)}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="parcours-{kind}" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'aria-labelledby="{uid}-t {uid}-d" font-family="{FONT}" font-size="12">'
        f'<title id="{uid}-t">{_a(title)}</title><desc id="{uid}-d">{_a(desc)}</desc>'
        f"{body}</svg>"
    )


def _period_label(day: dt.date, period: str, lang: Lang) -> str:
    if period == "quarter":
        quarter = (day.month - 1) // 3 + 1
        return f"T{quarter} {day.year}" if lang == "fr" else f"Q{quarter} {day.year}"
    return f"{_MONTHS[lang][day.month - 1]} {day.year}"


def _date(value: str, lang: Lang) -> str:
    day = dt.date.fromisoformat(value)
    return day.strftime("%d/%m/%Y") if lang == "fr" else day.isoformat()


def gantt_svg(roadmap: Roadmap, *, lang: Lang | None = None, title: str | None = None) -> str:
    """The road map as a Gantt chart: one row per idea, grouped by team (one colour and a label
    per team), a bar over the periods of work and, for a group member, a dashed line on to the
    group's shipping date; dependencies in each bar's tooltip."""
    language = lang or get_lang()
    plan = roadmap.plan
    heading = title or t("plan.gantt.title", language)
    used = int(plan["end_period"].max()) if len(plan) else 1
    periods = max(used, 1)
    left, top, row_h, col_w = 260.0, 46.0, 22.0, max(28.0, min(70.0, 640.0 / periods))
    width = left + periods * col_w + 20
    teams = sorted(set(plan["team"])) if len(plan) else []
    colour = {team: OKABE_ITO[i % len(OKABE_ITO)] for i, team in enumerate(teams)}
    rows = plan.sort_values(["team", "start_period", "idea"]) if len(plan) else plan
    height = top + max(1, len(rows)) * row_h + 16 + 14 * math.ceil(len(teams) / 4)
    parts: list[str] = []
    for k in range(periods):
        x = left + k * col_w
        parts.append(f'<line x1="{x:.1f}" y1="{top - 6:.1f}" x2="{x:.1f}" '
                     f'y2="{top + len(rows) * row_h:.1f}" stroke="{GRID}" stroke-width="1"/>')  # fmt: skip
        label = _period_label(roadmap.periods[k], roadmap.period, language)
        parts.append(f'<text x="{x + col_w / 2:.1f}" y="{top - 12:.1f}" text-anchor="middle" '
                     f'font-size="10" fill="{MUTED}">{_a(label)}</text>')  # fmt: skip
    parts.append(
        f'<text x="8" y="18" font-size="14" font-weight="bold" fill="{INK}">{_a(heading)}</text>'
    )
    lines = []
    for i, rec in enumerate(rows.to_dict("records")):
        y = top + i * row_h
        fill = colour[rec["team"]]
        x0 = left + (int(rec["start_period"]) - 1) * col_w
        work_end = dt.date.fromisoformat(rec["work_end"])
        own = next(k for k, day in enumerate(roadmap.periods) if day > work_end)
        x1 = left + own * col_w
        x2 = left + int(rec["end_period"]) * col_w
        name = f"{rec['idea']} — {rec['title']}"
        title_text = str(rec["title"]) or str(rec["idea"])
        short = title_text if len(title_text) <= 38 else title_text[:37] + "…"
        colon = " : " if language == "fr" else ": "
        tip = f"{name} ({rec['team']}){colon}{_date(rec['start'], language)} → {_date(rec['end'], language)}"
        if rec["depends_on"]:
            tip += " · " + t(
                "plan.gantt.depends", language, ideas=rec["depends_on"].replace(";", ", ")
            )
        parts.append(
            f'<text x="{left - 8:.1f}" y="{y + 15:.1f}" text-anchor="end" font-size="11" fill="{INK}">{_a(short)}</text>'
        )
        parts.append(
            f'<rect x="{x0 + 1:.1f}" y="{y + 4:.1f}" width="{max(2.0, x1 - x0 - 2):.1f}" height="{row_h - 8:.1f}" '
            f'rx="3" fill="{fill}"><title>{_a(tip)}</title></rect>'
        )
        if x2 > x1:
            parts.append(f'<line x1="{x1:.1f}" y1="{y + row_h / 2:.1f}" x2="{x2 - 2:.1f}" y2="{y + row_h / 2:.1f}" '
                         f'stroke="{fill}" stroke-width="2" stroke-dasharray="4 3"/>')  # fmt: skip
        lines.append(tip)
    legend_y = top + len(rows) * row_h + 16
    for i, team in enumerate(teams):
        x = 8 + (i % 4) * 200
        y = legend_y + 14 * (i // 4)
        parts.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{colour[team]}"/>'
                     f'<text x="{x + 14:.1f}" y="{y:.1f}" fill="{INK}">{_a(team)}</text>')  # fmt: skip
    start = _date(roadmap.periods[0].isoformat(), language)
    end = _date(plan["end"].max(), language) if len(plan) else start
    desc = (
        t("plan.gantt.desc", language, n=len(plan), start=start, end=end) + " " + "; ".join(lines)
    )
    return _svg(width, height, heading, desc, "".join(parts), "gantt")


_CLASS_COLOUR = dict(zip(CLASSES, ("#009E73", "#0072B2", "#E69F00", "#D55E00"), strict=True))


def matrix_svg(scores: pd.DataFrame, *, lang: Lang | None = None, threshold: float = 3.0) -> str:
    """The gain x effort matrix: one numbered point per idea with a class (effort across, gain up,
    1-5), the four quadrants named, the idea list beside the points."""
    language = lang or get_lang()
    rows = scores[scores["class"] != ""].reset_index(drop=True)
    size, left, top = 360.0, 48.0, 36.0
    scale = size / 4

    def x(effort: float) -> float:
        return left + (effort - 1) * scale

    def y(gain: float) -> float:
        return top + (5 - gain) * scale

    heading = t("plan.matrix.title", language)
    parts = [f'<text x="8" y="20" font-size="14" font-weight="bold" fill="{INK}">{_a(heading)}</text>',
             f'<rect x="{left}" y="{top}" width="{size}" height="{size}" fill="none" stroke="{GRID}"/>',
             f'<line x1="{x(threshold):.1f}" y1="{top}" x2="{x(threshold):.1f}" y2="{top + size}" stroke="{MUTED}" stroke-dasharray="4 3"/>',
             f'<line x1="{left}" y1="{y(threshold):.1f}" x2="{left + size}" y2="{y(threshold):.1f}" stroke="{MUTED}" stroke-dasharray="4 3"/>']  # fmt: skip
    corners = {"quick_win": (left + 6, top + 14, "start"), "must_have": (left + size - 6, top + 14, "end"),
               "nice_to_have": (left + 6, top + size - 6, "start"), "time_sink": (left + size - 6, top + size - 6, "end")}  # fmt: skip
    for code, (cx, cy, anchor) in corners.items():
        parts.append(f'<text x="{cx:.1f}" y="{cy:.1f}" text-anchor="{anchor}" font-size="11" '
                     f'fill="{MUTED}">{_a(t(f"plan.class.{code}", language))}</text>')  # fmt: skip
    for k in range(1, 6):
        parts.append(f'<text x="{x(k):.1f}" y="{top + size + 14:.1f}" text-anchor="middle" font-size="10" fill="{MUTED}">{k}</text>'
                     f'<text x="{left - 8:.1f}" y="{y(k) + 4:.1f}" text-anchor="end" font-size="10" fill="{MUTED}">{k}</text>')  # fmt: skip
    parts.append(f'<text x="{left + size / 2:.1f}" y="{top + size + 30:.1f}" text-anchor="middle" fill="{INK}">{_a(t("plan.col.effort", language))}</text>'
                 f'<text x="14" y="{top + size / 2:.1f}" text-anchor="middle" fill="{INK}" transform="rotate(-90 14 {top + size / 2:.1f})">{_a(t("plan.col.gain", language))}</text>')  # fmt: skip
    listing = []
    seen: dict[tuple[float, float], int] = {}
    for i, rec in enumerate(rows.to_dict("records"), start=1):
        gain = min(5.0, max(1.0, float(rec["gain"]))) if rec["gain"] == rec["gain"] else 1.0
        effort = min(5.0, max(1.0, float(rec["effort"]))) if rec["effort"] == rec["effort"] else 5.0
        key = (round(gain, 1), round(effort, 1))
        offset = seen.get(key, 0)
        seen[key] = offset + 1
        px, py = x(effort) + 9 * (offset % 3), y(gain) - 9 * (offset // 3)
        fill = _CLASS_COLOUR.get(str(rec["class"]), MUTED)
        label = f"{i}. {rec['idea']} — {rec['title']} ({rec['class_label']}; " \
                f"{t('plan.col.gain', language)} {number(gain, language, 1)}, " \
                f"{t('plan.col.effort', language)} {number(effort, language, 1)})"  # fmt: skip
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="8" fill="{fill}"><title>{_a(label)}</title></circle>'
                     f'<text x="{px:.1f}" y="{py + 3.5:.1f}" text-anchor="middle" font-size="9" fill="#ffffff">{i}</text>')  # fmt: skip
        listing.append(label)
    list_x = left + size + 24
    for i, label in enumerate(listing):
        short = label if len(label) <= 70 else label[:69] + "…"
        parts.append(
            f'<text x="{list_x:.1f}" y="{top + 10 + 15 * i:.1f}" font-size="11" fill="{INK}">{_a(short)}</text>'
        )
    width = list_x + 460
    height = max(top + size + 44, top + 20 + 15 * len(listing))
    desc = t("plan.matrix.desc", language, n=len(rows)) + " " + "; ".join(listing)
    return _svg(width, height, heading, desc, "".join(parts), "gain-effort")
