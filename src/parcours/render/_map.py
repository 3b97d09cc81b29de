"""The one-page journey map drawn as one SVG: stages as columns, lanes as rows.

The same SVG is the ``.svg`` output, the body of the ``.html`` page and, through headless
Chromium, the ``.png`` and ``.pdf``. Long journeys are cut into bands of at most
``MAX_COLUMNS`` stages, at macro-phase boundaries where possible, drawn one under the other.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from parcours.i18n import Lang, t
from parcours.render._mapdata import FindingView, MapData, StageView
from parcours.render.charts import (
    GRID,
    INK,
    MUTED,
    OKABE_ITO,
    fmt,
    signed,
    svg,
    text_lines,
    text_width,
    wrap,
)

__all__ = ["MAX_COLUMNS", "map_svg"]

MAX_COLUMNS = 7
MARGIN = 16.0
LABEL_W = 150.0
COL_W = 210.0
PAD = 7.0
BODY = 10.5
SMALL = 9.5
ACCENT = "#9e3d00"  # vermillion darkened: >= 4.5:1 on every tint of the map, for text
IRRITANT = "#D55E00"
ENCHANT = "#007a5a"  # Okabe-Ito bluish green, darkened to read on the tints
PHASE_TINTS = ("#e3eef8", "#fbeedb", "#dff2ea", "#f4e4ee", "#e9f4fb", "#f2f2f2")
MOT_TINT = "#fff6e5"
HIGHLIGHT = "#f7f0a6"  # Okabe-Ito yellow, lightened: marks what the target changes

Cell = tuple[str, float]
_COLUMN: contextvars.ContextVar[float] = contextvars.ContextVar(
    "parcours_map_column", default=COL_W
)


_BAND: contextvars.ContextVar[int] = contextvars.ContextVar(
    "parcours_map_band", default=MAX_COLUMNS
)


def _col_w() -> float:
    """Width of a stage column in the map being drawn (wider to fill a landscape page)."""
    return _COLUMN.get()  # svg fragment drawn at (0, 0), its height


@dataclass
class _Lane:
    key: str
    title: str
    note: str | None
    cells: list[Cell] | None  # one per column; None: a full-width row (``row``)
    row: Cell | None = None
    min_height: float = 0.0


def _block(
    lines: list[str], x: float, y: float, size: float = BODY, **kw: object
) -> tuple[str, float]:
    if not lines:
        return "", 0.0
    return text_lines(lines, x, y + size, size=size, **kw), len(lines) * size * 1.25  # type: ignore[arg-type]


def _bullets(items: list[str], width: float, marker: str = "•", size: float = BODY) -> Cell:
    parts, y = [], 0.0
    for item in items:
        lines = wrap(item, width - 12, size, 4)
        frag, h = _block(lines, 12, y, size)
        parts.append(text_lines([marker], 0, y + size, size=size, fill=MUTED) + frag)
        y += h + 4
    return "".join(parts), max(0.0, y - 4)


def _no_data(lang: Lang, key: str = "render.map.no_data") -> str:
    return t(key, lang)


def _stage_cell(stage: StageView, lang: Lang) -> Cell:
    label = t("report.quote_open", lang) + stage.label + t("report.quote_close", lang)
    lines = wrap(label, _col_w() - 2 * PAD, 13, 4, bold=True)
    frag, h = _block(lines, 0, 0, 13, weight="bold")
    if stage.moment_of_truth:
        frag += text_lines(
            ["★ " + t("render.moment_of_truth", lang)],
            0,
            h + 13,
            size=SMALL,
            fill=ACCENT,
            weight="bold",
        )
        h += 16
    return frag, h


def _touchpoint_cell(stage: StageView, lang: Lang, width: float) -> Cell:
    parts: list[str] = []
    y = 0.0
    if stage.interactions is not None:
        parts.append(
            text_lines(
                [t("render.interactions", lang, n=stage.interactions)],
                0,
                y + 11,
                size=11,
                weight="bold",
            )
        )
        parts.append(
            text_lines(
                [t("render.customers", lang, n=stage.customers or 0)],
                0,
                y + 24,
                size=SMALL,
                fill=MUTED,
            )
        )
        y += 32
    if not stage.touchpoints:
        parts.append(
            text_lines(
                [t("render.no_touchpoint", lang)],
                0,
                y + SMALL,
                size=SMALL,
                fill=MUTED,
                style="italic",
            )
        )
        return "".join(parts), y + 14
    peak = max([1, *(tp.interactions or 0 for tp in stage.touchpoints)])
    for tp in stage.touchpoints:
        # direction: arrow into the company (pull) or out of it (push); nature: filled or hollow
        arrow = "↗" if tp.direction == "push" else "↙"
        parts.append(text_lines([arrow], 0, y + 11, size=11, weight="bold"))
        if tp.nature == "transactional":
            parts.append(f'<rect x="14" y="{y + 3:.1f}" width="8" height="8" fill="{INK}"/>')
        else:
            parts.append(
                f'<circle cx="18" cy="{y + 7:.1f}" r="3.6" fill="#ffffff" stroke="{INK}" stroke-width="1.3"/>'
            )
        name = tp.channel + (f" · {tp.label}" if tp.label else "")
        number_text = ""
        if tp.interactions is not None:
            number_text = fmt(tp.interactions, lang)
        room = width - 28 - text_width(number_text, BODY) - 6
        parts.append(text_lines(wrap(name, room, BODY, 1), 28, y + 10.5, size=BODY))
        if number_text:
            parts.append(
                text_lines([number_text], width, y + 10.5, size=BODY, anchor="end", weight="bold")
            )
        y += 14
        if tp.interactions is not None:
            bar = (width - 28) * tp.interactions / peak
            parts.append(
                f'<rect x="28" y="{y:.1f}" width="{width - 28:.1f}" height="5" fill="#eeeeee"/>'
            )
            if tp.interactions:
                parts.append(
                    f'<rect x="28" y="{y:.1f}" width="{max(bar, 1.5):.1f}" height="5" fill="{OKABE_ITO[0]}"/>'
                )
            y += 7
            extra = []
            if not tp.interactions:
                extra.append(t("render.never_observed", lang))
            if tp.satisfaction:
                extra.append(
                    tp.satisfaction + (f" ({t('render.small_sample', lang)})" if tp.weak else "")
                )
            if extra:
                parts.append(
                    text_lines(
                        [" · ".join(extra)],
                        28,
                        y + SMALL,
                        size=SMALL,
                        fill=MUTED,
                        style="italic" if not tp.interactions else "",
                    )
                )
                y += 12
        elif tp.satisfaction:
            parts.append(text_lines([tp.satisfaction], 28, y + SMALL, size=SMALL, fill=MUTED))
            y += 12
        y += 4
    return "".join(parts), y


def _conversion_cell(stage: StageView, last: bool, lang: Lang, width: float) -> Cell:
    if stage.conversion is None:
        text = t("render.last_stage", lang) if last else "—"
        return text_lines([text], 0, SMALL + 2, size=SMALL, fill=MUTED, style="italic"), 14
    share = max(0.0, min(1.0, stage.conversion))
    parts = [
        text_lines([f"→ {fmt(share, lang, as_percent=True)}"], 0, 12, size=12, weight="bold"),
        f'<rect x="0" y="17" width="{width:.1f}" height="8" fill="#eeeeee"/>',
        f'<rect x="0" y="17" width="{max(1.5, width * share):.1f}" height="8" fill="{OKABE_ITO[2]}"/>',
    ]
    h = 29.0
    if stage.next_label:
        lines = wrap(t("render.to_next", lang, stage=stage.next_label), width, SMALL, 2)
        frag, lh = _block(lines, 0, h, SMALL, fill=MUTED)
        parts.append(frag)
        h += lh
    return "".join(parts), h


def _finding_cell(findings: list[FindingView], lang: Lang, width: float) -> Cell:
    parts: list[str] = []
    y = 0.0
    for finding in findings[:3]:
        colour = IRRITANT if finding.kind == "irritant" else ENCHANT
        glyph = "▼" if finding.kind == "irritant" else "▲"
        parts.append(text_lines([glyph], 0, y + BODY, size=BODY, fill=colour))
        if finding.label:
            frag, h = _block(
                wrap(finding.label, width - 14, BODY, 3, bold=True), 14, y, BODY, weight="bold"
            )
            parts.append(frag)
            y += h
        if finding.weight_text:
            frag, h = _block([finding.weight_text], 14, y, SMALL, fill=MUTED)
            parts.append(frag)
            y += h
        if finding.verbatim:
            quoted = t("report.quote_open", lang) + finding.verbatim + t("report.quote_close", lang)
            frag, h = _block(wrap(quoted, width - 14, SMALL, 4), 14, y, SMALL, style="italic")
            parts.append(frag)
            y += h
        y += 6
    if len(findings) > 3:
        parts.append(text_lines([f"+ {len(findings) - 3}"], 14, y + SMALL, size=SMALL, fill=MUTED))
        y += 14
    return "".join(parts), max(0.0, y - 6)


def _promise_cell(stage: StageView, data: MapData, lang: Lang, width: float) -> Cell:
    parts: list[str] = []
    y = 0.0
    if stage.promise:
        frag, y = _block(wrap(stage.promise, width, BODY, 4, bold=True), 0, 0, BODY, weight="bold")
        parts.append(frag)
    if data.compared and (stage.target_promise or stage.promise_changed):
        text = t("render.compare.target_promise", lang, text=stage.target_promise or "—")
        lines = wrap(text, width - 8, BODY, 4)
        h = len(lines) * BODY * 1.25 + 6
        y += 4
        fill = HIGHLIGHT if stage.promise_changed else "#ffffff"
        parts.append(
            f'<rect x="0" y="{y:.1f}" width="{width:.1f}" height="{h:.1f}" fill="{fill}" stroke="{GRID}"/>'
        )
        frag, _ = _block(lines, 4, y + 2, BODY)
        parts.append(frag)
        y += h
    return "".join(parts), y


def _employee_cell(stage: StageView, lang: Lang, width: float) -> Cell:
    parts: list[str] = []
    y = 0.0
    for key, items in (
        ("render.difficulties", stage.difficulties),
        ("render.employee_expectations", stage.employee_expectations),
        ("render.tools", stage.tools),
    ):
        if not items:
            continue
        parts.append(
            text_lines([t(key, lang)], 0, y + SMALL, size=SMALL, fill=MUTED, weight="bold")
        )
        y += 13
        frag, h = _bullets(items, width)
        parts.append(f'<g transform="translate(0 {y:.1f})">{frag}</g>')
        y += h + 5
    return "".join(parts), max(0.0, y - 5)


def _satisfaction_cell(stage: StageView, lang: Lang, width: float) -> Cell:
    parts: list[str] = []
    y = 0.0
    for text, weak in stage.satisfaction:
        frag, h = _block(wrap(text, width, BODY, 2, bold=True), 0, y, BODY, weight="bold")
        parts.append(frag)
        y += h
        if weak:
            parts.append(
                text_lines(
                    ["⚠ " + t("render.small_sample", lang)], 0, y + SMALL, size=SMALL, fill=ACCENT
                )
            )
            y += 13
        y += 3
    return "".join(parts), y


def _bands(data: MapData) -> list[list[int]]:
    """Stage positions per band: whole phases together, a band holds at most MAX_COLUMNS (or the
    band size the page fitting is trying)."""
    runs: list[list[int]] = []
    for i, stage in enumerate(data.stages):
        if runs and data.stages[runs[-1][-1]].phase == stage.phase:
            runs[-1].append(i)
        else:
            runs.append([i])
    bands: list[list[int]] = []
    for run in runs:
        # a phase longer than a band is cut into equal parts (8 stages: 4 + 4, not 7 + 1)
        limit = _BAND.get()
        parts = -(-len(run) // limit)
        size = -(-len(run) // parts)
        for start in range(0, len(run), size):
            chunk = run[start : start + size]
            if bands and len(bands[-1]) + len(chunk) <= limit:
                bands[-1].extend(chunk)
            else:
                bands.append(list(chunk))
    return bands or [[]]


def _lanes(data: MapData, band: list[int]) -> list[_Lane]:
    lang = data.lang
    stages = [data.stages[i] for i in band]
    inner = _col_w() - 2 * PAD
    last = len(data.stages) - 1

    def per(fn: Callable[[StageView], Cell]) -> list[Cell]:
        return [fn(s) for s in stages]

    def note(key: str, has: bool) -> str | None:
        if key in data.notes:
            return t(data.notes[key], lang)
        return None if has else _no_data(lang)

    return [
        _Lane("stage", t("render.lane.stage", lang), None, per(lambda s: _stage_cell(s, lang))),
        _Lane(
            "actions",
            t("render.lane.actions", lang),
            note("actions", any(s.actions for s in data.stages)),
            per(lambda s: _bullets(s.actions, inner)),
        ),
        _Lane(
            "expectations",
            t("render.lane.expectations", lang),
            note("expectations", any(s.expectations for s in data.stages)),
            per(lambda s: _bullets(s.expectations, inner)),
        ),
        _Lane(
            "touchpoints",
            t("render.lane.touchpoints", lang),
            note("touchpoints", True) or t("render.lane.touchpoints_note", lang),
            per(lambda s: _touchpoint_cell(s, lang, inner)),
        ),
        _Lane(
            "conversion",
            t("render.lane.conversion", lang),
            note("conversion", True),
            [
                _conversion_cell(data.stages[i], i == last, lang, inner)
                if "conversion" not in data.notes
                else ("", 0.0)
                for i in band
            ],
        ),
        _Lane(
            "ruptures",
            t("render.lane.ruptures", lang),
            note("ruptures", bool(data.ruptures)),
            None,
            _ruptures_row(data, band),
        ),
        _Lane(
            "emotion",
            t("render.lane.emotion", lang),
            (data.notes.get("emotion") and t(data.notes["emotion"], lang)) or data.emotion_source,
            None,
            _emotion_row(data, band),
            min_height=24,
        ),
        _Lane(
            "satisfaction",
            t("render.lane.satisfaction", lang),
            note("satisfaction", any(s.satisfaction for s in data.stages)),
            per(lambda s: _satisfaction_cell(s, lang, inner)),
        ),
        _Lane(
            "irritants",
            t("render.lane.irritants", lang),
            note("irritants", any(s.irritants for s in data.stages)),
            per(lambda s: _finding_cell(s.irritants, lang, inner)),
        ),
        _Lane(
            "enchantments",
            t("render.lane.enchantments", lang),
            note("enchantments", any(s.enchantments for s in data.stages)),
            per(lambda s: _finding_cell(s.enchantments, lang, inner)),
        ),
        _Lane(
            "promise",
            t("render.lane.promise", lang),
            note("promise", any(s.promise or s.target_promise for s in data.stages)),
            per(lambda s: _promise_cell(s, data, lang, inner)),
        ),
        _Lane(
            "employee",
            t("render.lane.employee", lang),
            note(
                "employee",
                any(s.difficulties or s.employee_expectations or s.tools for s in data.stages),
            ),
            per(lambda s: _employee_cell(s, lang, inner)),
        ),
    ]


def _col_x(k: int) -> float:
    return MARGIN + LABEL_W + _col_w() * k


def _ruptures_row(data: MapData, band: list[int]) -> Cell:
    where = {data.stages[i].id: k for k, i in enumerate(band)}
    parts: list[str] = []
    y = 0.0
    for rupture in data.ruptures:
        a, b = where.get(rupture.source), where.get(rupture.target)
        if a is None and b is None:
            continue
        x0 = _col_x(a) + _col_w() / 2 if a is not None else _col_x(0)
        x1 = _col_x(b) + _col_w() / 2 if b is not None else _col_x(len(band))
        if abs(x1 - x0) < 40:
            x0, x1 = x0 - 40, x1 + 40
        x0, x1 = min(x0, x1), max(x0, x1)
        mid = (x0 + x1) / 2
        cy = y + 8
        parts.append(
            f'<g stroke="{IRRITANT}" stroke-width="2.5" fill="none">'
            f'<line x1="{x0:.1f}" y1="{cy:.1f}" x2="{mid - 9:.1f}" y2="{cy:.1f}"/>'
            f'<line x1="{mid + 9:.1f}" y1="{cy:.1f}" x2="{x1:.1f}" y2="{cy:.1f}"/>'
            f'<polyline points="{mid - 9:.1f},{cy - 6:.1f} {mid - 3:.1f},{cy + 6:.1f}"/>'
            f'<polyline points="{mid + 3:.1f},{cy - 6:.1f} {mid + 9:.1f},{cy + 6:.1f}"/>'
            f"</g>"
            f'<circle cx="{x0:.1f}" cy="{cy:.1f}" r="4" fill="{IRRITANT}"/>'
            f'<circle cx="{x1:.1f}" cy="{cy:.1f}" r="4" fill="#ffffff" stroke="{IRRITANT}" stroke-width="2"/>'
        )
        lines = wrap(rupture.label, max(_col_w(), x1 - x0) - 10, BODY, 2)
        # keep the label inside the band, even when the link runs to its edge
        half = max((text_width(line, BODY) for line in lines), default=0.0) / 2 + 4
        centre = min(max(mid, _col_x(0) + half), _col_x(len(band)) - half)
        parts.append(text_lines(lines, centre, cy + 20, size=BODY, anchor="middle"))
        y += 22 + len(lines) * BODY * 1.25 + 6
    # drawn in page coordinates: the lane translates by its y only
    return "".join(parts), y


EMOTION_H = 120.0


def _emotion_row(data: MapData, band: list[int]) -> Cell:
    values = [data.stages[i].emotion for i in band]
    targets = [data.stages[i].target_emotion for i in band] if data.compared else []
    if all(v is None for v in [*values, *targets]):
        return "", 0.0
    lang = data.lang
    top, plot = 12.0, EMOTION_H - 24

    def sy(v: float) -> float:
        return top + plot * (2 - max(-2.0, min(2.0, v))) / 4

    parts: list[str] = []
    right = _col_x(len(band))
    for tick in (-2, -1, 0, 1, 2):
        y = sy(tick)
        dash = "" if tick == 0 else ' stroke-dasharray="2 3"'
        parts.append(
            f'<line x1="{_col_x(0):.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" stroke="{"#8a8a8a" if tick == 0 else GRID}"{dash}/>'
        )
        label = {2: "+2", 0: "0", -2: "−2"}.get(tick, ("+1" if tick > 0 else "−1"))
        parts.append(text_lines([label], _col_x(0) + 3, y - 2, size=SMALL, fill=MUTED))
    series = [("", values, OKABE_ITO[0], "", "circle")]
    if data.compared:
        series = [
            (t("render.compare.as_is", lang), values, OKABE_ITO[0], "", "circle"),
            (t("render.compare.to_be", lang), targets, OKABE_ITO[1], "6 4", "square"),
        ]
    for k, (_, vals, colour, dash, marker) in enumerate(series):
        run: list[str] = []
        runs: list[list[str]] = [run]
        for j, v in enumerate(vals):
            if v is None:
                run = []
                runs.append(run)
                continue
            run.append(f"{_col_x(j) + _col_w() / 2:.1f},{sy(v):.1f}")
        for r in runs:
            if len(r) > 1:
                dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
                parts.append(
                    f'<polyline points="{" ".join(r)}" fill="none" stroke="{colour}" stroke-width="3"{dash_attr}/>'
                )
        for j, v in enumerate(vals):
            if v is None:
                continue
            x, y = _col_x(j) + _col_w() / 2, sy(v)
            if marker == "square":
                parts.append(
                    f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{colour}" stroke="#ffffff"/>'
                )
            else:
                parts.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5" fill="{colour}" stroke="#ffffff" stroke-width="1.5"/>'
                )
            other = (targets if k == 0 else values)[j] if data.compared else None
            below = other is not None and other > v
            text = signed(v, lang)
            n = data.stages[band[j]].emotion_n if k == 0 else None
            if n:
                text += f" (n = {fmt(n, lang)})"
            parts.append(
                text_lines(
                    [text], x + 9, y + (14 if below else -6), size=BODY, weight="bold", halo=True
                )
            )
    if data.compared:
        lx = _col_x(0) - LABEL_W + 4
        for k, (name, _, colour, dash, _) in enumerate(series):
            ly = EMOTION_H - 30 + 14 * k
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{lx:.1f}" y1="{ly:.1f}" x2="{lx + 22:.1f}" y2="{ly:.1f}" stroke="{colour}" stroke-width="3"{dash_attr}/>'
            )
            parts.append(text_lines([name], lx + 27, ly + 4, size=SMALL))
    return "".join(parts), EMOTION_H


def _lane_label(lane: _Lane, y: float, height: float) -> str:
    parts = [
        f'<rect x="{MARGIN:.1f}" y="{y:.1f}" width="{LABEL_W - 4:.1f}" height="{height:.1f}" fill="#f3f3f3"/>'
    ]
    frag, h = _block(
        wrap(lane.title, LABEL_W - 16, 11, 3, bold=True), MARGIN + 6, y + PAD, 11, weight="bold"
    )
    parts.append(frag)
    if lane.note:
        room = 3 if lane.key != "emotion" or not lane.cells else 2
        frag, _ = _block(
            wrap(lane.note, LABEL_W - 16, SMALL, room),
            MARGIN + 6,
            y + PAD + h + 2,
            SMALL,
            fill=MUTED,
            style="italic",
        )
        parts.append(frag)
    return "".join(parts)


def _band(data: MapData, band: list[int], top: float) -> tuple[str, float]:
    lang = data.lang
    right = _col_x(len(band))
    parts: list[str] = []
    y = top
    # phases over their stages
    phase_label = dict(data.phases)
    phase_ids = [pid for pid, _ in data.phases]
    k = 0
    header_h = 24.0
    while k < len(band):
        pid = data.stages[band[k]].phase
        end = k
        while end + 1 < len(band) and data.stages[band[end + 1]].phase == pid:
            end += 1
        tint = (
            PHASE_TINTS[phase_ids.index(pid) % len(PHASE_TINTS)]
            if pid in phase_ids
            else PHASE_TINTS[-1]
        )
        x0, x1 = _col_x(k) + 2, _col_x(end + 1) - 2
        parts.append(
            f'<rect x="{x0:.1f}" y="{y:.1f}" width="{x1 - x0:.1f}" height="{header_h}" rx="3" fill="{tint}"/>'
        )
        label = wrap(phase_label.get(pid, pid).upper(), x1 - x0 - 10, 11, 1, bold=True)
        parts.append(
            text_lines(label, (x0 + x1) / 2, y + 16, size=11, anchor="middle", weight="bold")
        )
        k = end + 1
    parts.append(
        text_lines(
            [t("render.lane.phase", lang)], MARGIN + 6, y + 16, size=11, weight="bold", fill=MUTED
        )
    )
    y += header_h + 4
    body_top = y
    lane_parts: list[str] = []
    for lane in _lanes(data, band):
        if lane.cells is not None:
            inner_h = max([lane.min_height, *(h for _, h in lane.cells)])
        else:
            inner_h = max(lane.min_height, lane.row[1] if lane.row else 0.0)
        note_lines = len(wrap(lane.note, LABEL_W - 16, SMALL, 3)) if lane.note else 0
        title_lines = len(wrap(lane.title, LABEL_W - 16, 11, 3, bold=True))
        label_h = title_lines * 11 * 1.25 + note_lines * SMALL * 1.25 + 2
        height = max(inner_h, label_h, 12.0) + 2 * PAD
        lane_parts.append(_lane_label(lane, y, height))
        if lane.cells is not None:
            for j, (frag, _) in enumerate(lane.cells):
                if frag:
                    lane_parts.append(
                        f'<g data-lane="{lane.key}" data-stage="{data.stages[band[j]].id}" '
                        f'transform="translate({_col_x(j) + PAD:.1f} {y + PAD:.1f})">{frag}</g>'
                    )
        elif lane.row and lane.row[0]:
            lane_parts.append(
                f'<g data-lane="{lane.key}" transform="translate(0 {y + PAD:.1f})">{lane.row[0]}</g>'
            )
        lane_parts.append(
            f'<line x1="{MARGIN:.1f}" y1="{y + height:.1f}" x2="{right:.1f}" y2="{y + height:.1f}" stroke="{GRID}"/>'
        )
        y += height
    # moments of truth: the whole column tinted and framed, under everything else
    for j, i in enumerate(band):
        if data.stages[i].moment_of_truth:
            parts.append(
                f'<rect x="{_col_x(j) + 1:.1f}" y="{body_top:.1f}" width="{_col_w() - 2:.1f}" height="{y - body_top:.1f}" fill="{MOT_TINT}" stroke="{IRRITANT}" stroke-width="1.5" stroke-dasharray="5 3"/>'
            )
    for j in range(1, len(band)):
        parts.append(
            f'<line x1="{_col_x(j):.1f}" y1="{body_top:.1f}" x2="{_col_x(j):.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="0.8"/>'
        )
    parts.extend(lane_parts)
    return "".join(parts), y - top


def _header(data: MapData, width: float) -> tuple[str, float]:
    lang = data.lang
    parts = [text_lines([data.title], MARGIN, MARGIN + 22, size=22, weight="bold")]
    sub = " · ".join([*data.subtitle, t("render.map.generated", lang, date=dt.date.today())])
    parts.append(
        text_lines(wrap(sub, width - 2 * MARGIN, 12, 2), MARGIN, MARGIN + 42, size=12, fill=MUTED)
    )
    y = MARGIN + 52
    promises = []
    if data.promise:
        promises.append((t("render.map.promise", lang, text=data.promise), "#ffffff"))
    if data.compared and data.target_promise:
        changed = data.target_promise != data.promise
        promises.append(
            (
                t("render.compare.target_promise", lang, text=data.target_promise),
                HIGHLIGHT if changed else "#ffffff",
            )
        )
    for text, fill in promises:
        lines = wrap(text, width - 2 * MARGIN - 20, 13, 2, bold=True)
        h = len(lines) * 13 * 1.25 + 10
        parts.append(
            f'<rect x="{MARGIN:.1f}" y="{y:.1f}" width="{min(width - 2 * MARGIN, text_width(text, 13, bold=True) + 30):.1f}" height="{h:.1f}" fill="{fill}"/>'
        )
        parts.append(
            f'<rect x="{MARGIN:.1f}" y="{y:.1f}" width="4" height="{h:.1f}" fill="{ACCENT}"/>'
        )
        frag, _ = _block(lines, MARGIN + 14, y + 4, 13, weight="bold")
        parts.append(frag)
        y += h + 6
    if data.kpis:
        x = MARGIN
        parts.append(
            text_lines(
                [t("render.lane.kpis", lang) + (" :" if lang == "fr" else ":")],
                x,
                y + 14,
                size=11,
                weight="bold",
                fill=MUTED,
            )
        )
        x += text_width(t("render.lane.kpis", lang), 11) + 20
        for label, value in data.kpis:
            text = f"{label} — {value}"
            w = text_width(text, 11) + 20
            if x + w > width - MARGIN:
                x = MARGIN + 80
                y += 24
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="20" rx="3" fill="#ffffff" stroke="{GRID}"/>'
            )
            parts.append(text_lines([text], x + 10, y + 14, size=11))
            x += w + 8
        y += 28
    return "".join(parts), y + 6


def _legend(data: MapData, width: float, top: float) -> tuple[str, float]:
    lang = data.lang
    y = top + 10
    items: list[tuple[str, str]] = [
        (text_lines(["↙"], 0, 11, size=11, weight="bold"), t("render.legend.pull", lang)),
        (text_lines(["↗"], 0, 11, size=11, weight="bold"), t("render.legend.push", lang)),
        (
            f'<rect x="1" y="3" width="8" height="8" fill="{INK}"/>',
            t("render.legend.transactional", lang),
        ),
        (
            f'<circle cx="5" cy="7" r="3.6" fill="#ffffff" stroke="{INK}" stroke-width="1.3"/>',
            t("render.legend.informative", lang),
        ),
        (
            f'<rect x="0" y="5" width="14" height="5" fill="{OKABE_ITO[0]}"/>',
            t("render.legend.volume", lang),
        ),
        (
            f'<rect x="0" y="0" width="14" height="14" fill="{MOT_TINT}" stroke="{IRRITANT}" stroke-dasharray="3 2"/>',
            t("render.legend.mot", lang),
        ),
        (
            f'<g stroke="{IRRITANT}" stroke-width="2"><line x1="0" y1="7" x2="6" y2="7"/><line x1="12" y1="7" x2="18" y2="7"/><line x1="5" y1="2" x2="8" y2="12"/><line x1="10" y1="2" x2="13" y2="12"/></g>',
            t("render.legend.rupture", lang),
        ),
        (
            text_lines(["▼"], 0, 11, size=11, fill=IRRITANT)
            + text_lines(["▲"], 10, 11, size=11, fill=ENCHANT),
            t("render.lane.irritants", lang) + " / " + t("render.lane.enchantments", lang).lower(),
        ),
        (f'<circle cx="6" cy="7" r="5" fill="{OKABE_ITO[0]}"/>', t("render.legend.emotion", lang)),
    ]
    parts = [text_lines([t("render.legend", lang)], MARGIN, y + 11, size=11, weight="bold")]
    x = MARGIN + 70
    for mark, label in items:
        w = 28 + text_width(label, SMALL)
        if x + w > width - MARGIN:
            x = MARGIN + 70
            y += 20
        parts.append(f'<g transform="translate({x:.1f} {y:.1f})">{mark}</g>')
        parts.append(text_lines([label], x + 22, y + 11, size=SMALL))
        x += w + 14
    y += 24
    if data.compared:
        title = t("render.compare.differences", lang)
        parts.append(text_lines([title], MARGIN, y + 12, size=12, weight="bold"))
        y += 18
        for line in data.differences or [t("render.compare.none", lang)]:
            for piece in wrap("• " + line, width - 2 * MARGIN, BODY, 3):
                parts.append(text_lines([piece], MARGIN, y + BODY, size=BODY))
                y += BODY * 1.3
        y += 6
    return "".join(parts), y


PAGE_RATIO = 404 / 279  # A3 landscape inside its margins
_VIEWBOX = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')


def svg_size(markup: str) -> tuple[float, float] | None:
    """(width, height) of the first viewBox in ``markup`` (an SVG drawn here), None if none."""
    found = _VIEWBOX.search(markup)
    return (float(found.group(1)), float(found.group(2))) if found else None


def map_svg(data: MapData, fit: float | None = PAGE_RATIO) -> str:
    """The journey map of ``data`` as one accessible SVG document.

    With ``fit`` (width / height), the layout is chosen to be about that shape so that it fills
    a landscape page: for each band size (7 stages, or more for long journeys) columns are
    widened step by step (text wraps less, the map gets lower); the shape closest to ``fit``
    wins, the narrower bands first on a tie.
    """
    if fit is None:
        return _draw(data)
    best: tuple[float, str] | None = None
    sizes = sorted({MAX_COLUMNS, *(n for n in (8, 10, 12) if n <= len(data.stages))})
    for columns in sizes:
        for width in (COL_W, 240.0, 270.0, 300.0, 330.0, 360.0):
            tokens = (_COLUMN.set(width), _BAND.set(columns))
            try:
                drawn = _draw(data)
            finally:
                _COLUMN.reset(tokens[0])
                _BAND.reset(tokens[1])
            size = svg_size(drawn)
            ratio = size[0] / size[1] if size else fit
            score = abs(math.log(ratio / fit))
            if best is None or score < best[0] - 0.02:
                best = (score, drawn)
            if ratio > fit:
                break
    return best[1] if best else _draw(data)


def _draw(data: MapData) -> str:
    bands = _bands(data)
    columns = max(len(b) for b in bands)
    width = 2 * MARGIN + LABEL_W + _col_w() * max(columns, 3)
    header, y = _header(data, width)
    parts = [header]
    for band in bands:
        frag, h = _band(data, band, y)
        parts.append(frag)
        y += h + 18
    legend, y = _legend(data, width, y)
    parts.append(legend)
    desc = _description(data)
    title = f"{t('render.map.title', data.lang)} — {data.title}"
    height = y + MARGIN
    background = f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>'
    return svg(width, height, title, desc, background + "".join(parts), "map")


def _description(data: MapData) -> str:
    """The map in words, for screen readers: each stage with its numbers."""
    lang = data.lang
    lines = []
    for s in data.stages:
        bits = [s.label]
        if s.interactions is not None:
            bits.append(t("render.interactions", lang, n=s.interactions))
        if s.conversion is not None:
            bits.append(f"→ {fmt(s.conversion, lang, as_percent=True)}")
        if s.emotion is not None:
            bits.append(f"{t('render.col.emotion', lang)} {fmt(s.emotion, lang, decimals=1)}")
        if s.moment_of_truth:
            bits.append(t("render.moment_of_truth", lang))
        lines.append(", ".join(bits))
    return "; ".join(lines)
