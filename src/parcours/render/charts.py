"""Small inline-SVG charts, no dependency, no script: heatmap, bars, funnel, line, Sankey, stacked.

Every function returns a self-contained ``<svg>`` string (or an HTML ``<table>``) that can be put
as is in a report section (``Section.html``) or saved as a ``.svg`` file. Each chart:

- uses colour-blind-safe colours (Okabe-Ito for categories, ColorBrewer ramps for values) and
  never relies on colour alone (values are written, series differ by dash and marker);
- carries a text alternative: ``role="img"``, ``<title>`` and a ``<desc>`` listing the numbers;
- writes numbers the way the language does (``1 234,5`` and ``42,5 %`` in French).

    >>> from parcours.render import charts
    >>> svg = charts.bars(["Web", "Téléphone"], [1234.5, 87], title="Volumes", lang="fr")
    >>> "1\u202f234,5" in svg
    True
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

from parcours.i18n import Lang, number, percent

__all__ = [
    "DIVERGING",
    "OKABE_ITO",
    "SEQUENTIAL",
    "bars",
    "contrast_ratio",
    "diverging_colour",
    "escape_text",
    "flow",
    "fmt",
    "funnel",
    "heatmap",
    "ink_for",
    "inline",
    "line",
    "ramp_colour",
    "sankey",
    "signed",
    "stacked",
    "svg",
    "table_html",
    "text_lines",
    "text_width",
    "wrap",
]

# Okabe & Ito (2008), distinguishable with every common colour-vision deficiency.
OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
# ColorBrewer "Blues" (sequential) and "RdBu" (diverging), both colour-blind safe.
SEQUENTIAL = (
    "#f7fbff",
    "#deebf7",
    "#c6dbef",
    "#9ecae1",
    "#6baed6",
    "#4292c6",
    "#2171b5",
    "#08519c",
)
DIVERGING = ("#b2182b", "#d6604d", "#f4a582", "#f7f7f7", "#92c5de", "#4393c3", "#2166ac")
DASHES = ("", "6 4", "2 3", "8 3 2 3")
FONT = "'DejaVu Sans', 'Segoe UI', Arial, sans-serif"
INK = "#1a1a1a"
MUTED = "#555555"
GRID = "#d0d0d0"

_ids = itertools.count(1)


# -- colour and contrast ----------------------------------------------------------------------------
def _luminance(colour: str) -> float:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio between two ``#rrggbb`` colours (1 to 21; text needs >= 4.5)."""
    a, b = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def ink_for(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (always >= 4.5:1)."""
    return max(("#000000", "#ffffff"), key=lambda ink: contrast_ratio(ink, background))


def ramp_colour(value: float, peak: float) -> str:
    """The sequential colour of ``value`` on a 0..``peak`` scale (white for 0 or no peak)."""
    if peak <= 0 or value <= 0 or math.isnan(value):
        return SEQUENTIAL[0]
    level = 1 + min(len(SEQUENTIAL) - 2, int((len(SEQUENTIAL) - 1) * value / peak))
    return SEQUENTIAL[level]


def diverging_colour(value: float, bound: float) -> str:
    """The diverging colour of ``value`` on a -``bound``..+``bound`` scale (red low, blue high)."""
    if bound <= 0 or math.isnan(value):
        return DIVERGING[3]
    share = max(-1.0, min(1.0, value / bound))
    return DIVERGING[3 + round(3 * share)]


# -- text -------------------------------------------------------------------------------------------
_NARROW = set("iljtf.,;:!'|()[] ")
_WIDE = set("mwMW@%")


def text_width(text: str, size: float = 12, bold: bool = False) -> float:
    """Approximate width in pixels of ``text`` in DejaVu Sans at ``size`` px (for layout).

    The bold face runs about a tenth wider.
    """
    units = 0.0
    for char in text:
        if char in _NARROW:
            units += 0.34
        elif char in _WIDE or char.isupper():
            units += 0.78 if char in _WIDE else 0.7
        else:
            units += 0.6
    return units * size * (1.12 if bold else 1.0)


def wrap(
    text: str, width: float, size: float = 12, max_lines: int | None = None, bold: bool = False
) -> list[str]:
    """Cut ``text`` into lines no wider than ``width`` px; the last line ends with … if cut."""
    if bold:
        width /= 1.12
    lines: list[str] = []
    current = ""
    # Split on ordinary spaces only: the narrow no-break space inside 1 234,5 must hold.
    for word in re.split(r"[ \t\r\n]+", text.strip()):
        if not word:
            continue
        candidate = f"{current} {word}".strip()
        if current and text_width(candidate, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
        while text_width(current, size) > width and len(current) > 1:
            # A single word wider than the line: cut it.
            cut = len(current)
            while cut > 1 and text_width(current[:cut] + "-", size) > width:
                cut -= 1
            lines.append(current[:cut] + "-")
            current = current[cut:]
    if current:
        lines.append(current)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and text_width(last + "…", size) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


def fmt(
    value: float | None, lang: Lang, *, as_percent: bool = False, decimals: int | None = None
) -> str:
    """A number (or a share shown as a percentage) written the language's way; — when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if as_percent:
        return percent(float(value), lang, 1 if decimals is None else decimals)
    return number(float(value), lang, decimals)  # decimals None: 0 for a whole number, else 1


# Characters XML 1.0 forbids (control characters, lone surrogates, non-characters): a text from a
# spreadsheet may carry them, and one would make the whole SVG unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def signed(value: float, lang: Lang, decimals: int = 1) -> str:
    """+1,5 / −0,3 / 0,0: the sign written, and no "-0,0" for a value that rounds to zero."""
    rounded = round(float(value), decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    return ("+" if rounded > 0 else "") + fmt(rounded, lang, decimals=decimals)


def _a(text: object) -> str:
    """``text`` escaped for an SVG or HTML text or attribute, characters XML forbids dropped."""
    return escape(_NOT_XML.sub("", str(text)), quote=True)


escape_text = _a


def text_lines(
    lines: Sequence[str],
    x: float,
    y: float,
    *,
    size: float = 12,
    anchor: str = "start",
    weight: str = "normal",
    fill: str = INK,
    style: str = "",
    leading: float = 1.25,
    halo: bool = False,
) -> str:
    """SVG ``<text>`` with one ``<tspan>`` per line, the first baseline at ``y``."""
    if not lines:
        return ""
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else size * leading:.1f}">{_a(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    extra = f' font-style="{style}"' if style else ""
    if halo:
        extra += ' stroke="#ffffff" stroke-width="3" paint-order="stroke" stroke-linejoin="round"'
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="{fill}"{extra}>{spans}</text>'
    )


def svg(width: float, height: float, title: str, desc: str, body: str, kind: str = "chart") -> str:
    """Wrap ``body`` in an accessible, standalone ``<svg>`` (title and description)."""
    uid = f"pc{next(_ids)}"
    # A chart always has a name for screen readers, even if its caller's title was empty.
    title = _NOT_XML.sub("", title).strip() or _NOT_XML.sub("", desc).strip()[:120] or kind
    desc = _NOT_XML.sub("", desc).strip() or title
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="parcours-{kind}" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'aria-labelledby="{uid}-t {uid}-d" font-family="{FONT}" font-size="12">'
        f'<title id="{uid}-t">{_a(title)}</title><desc id="{uid}-d">{_a(desc)}</desc>'
        f"{body}</svg>"
    )


def inline(markup: str) -> str:
    """SVG ready to sit in an HTML page: HTML5 needs no namespace, and the page then names no
    address at all (a report that works offline shows no URL)."""
    return markup.replace(' xmlns="http://www.w3.org/2000/svg"', "")


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / ticks
    if not math.isfinite(raw) or raw < 1e-9:
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _domain(values: Iterable[float]) -> tuple[float, float, float]:
    finite = [v for v in values if v is not None and not math.isnan(v)]
    low = min([0.0, *finite])
    high = max([0.0, *finite])
    if high - low < 1e-9:  # nothing to spread: one unit around the values
        high = low + 1
    step = _nice_step(high - low)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _rows(table: Any) -> Any:
    """A pandas DataFrame from pandas, polars, pyarrow or Ibis."""
    if hasattr(table, "to_pandas"):
        return table.to_pandas()
    return table


# -- heatmap ---------------------------------------------------------------------------------------
def heatmap(
    table: Any,
    row: str | None = None,
    column: str | None = None,
    value: str | None = None,
    *,
    title: str,
    lang: Lang,
    row_labels: Mapping[Any, str] | None = None,
    column_labels: Mapping[Any, str] | None = None,
    row_order: Sequence[Any] | None = None,
    column_order: Sequence[Any] | None = None,
    as_percent: bool = False,
    diverging: bool = False,
    cell_width: float = 84,
    cell_height: float = 34,
) -> str:
    """A grid coloured by value, the value written in each cell.

    ``table`` is long (one row per cell: ``row``, ``column``, ``value`` columns) or, when
    ``row`` is None, wide (index = rows, columns = columns). Missing cells show a dash.
    """
    frame = _rows(table)
    cells: dict[tuple[Any, Any], float] = {}
    if row is None:
        for r, series in frame.iterrows():
            for c, v in series.items():
                if v is not None and not (isinstance(v, float) and math.isnan(v)):
                    cells[(r, c)] = float(v)
        rows_ = list(frame.index)
        cols_ = list(frame.columns)
    else:
        if column is None or value is None:
            raise ValueError("heatmap: a long table needs row, column and value column names")
        for r, c, v in zip(frame[row], frame[column], frame[value], strict=True):
            if v is not None and not (isinstance(v, float) and math.isnan(v)):
                cells[(r, c)] = float(v)
        rows_ = list(dict.fromkeys(frame[row]))
        cols_ = list(dict.fromkeys(frame[column]))
    rows_ = list(row_order) if row_order is not None else rows_
    cols_ = list(column_order) if column_order is not None else cols_
    rlab = {r: (row_labels or {}).get(r, str(r)) for r in rows_}
    clab = {c: (column_labels or {}).get(c, str(c)) for c in cols_}
    left = min(260.0, max([60.0, *(text_width(s, 12) + 16 for s in rlab.values())]))
    head_lines = {c: wrap(clab[c], cell_width - 6, 11, 3) for c in cols_}
    top = 10 + 13 * max([1, *(len(v) for v in head_lines.values())])
    width = left + cell_width * len(cols_) + 10
    height = top + cell_height * len(rows_) + 40
    bound = max([0.0, *(abs(v) for v in cells.values())])
    parts: list[str] = []
    for j, c in enumerate(cols_):
        x = left + cell_width * (j + 0.5)
        parts.append(text_lines(head_lines[c], x, 14, size=11, anchor="middle", weight="bold"))
    desc: list[str] = []
    for i, r in enumerate(rows_):
        y = top + cell_height * i
        label = wrap(rlab[r], left - 10, 12, 2)
        parts.append(
            text_lines(
                label, left - 8, y + cell_height / 2 + (4 if len(label) == 1 else -3), anchor="end"
            )
        )
        for j, c in enumerate(cols_):
            x = left + cell_width * j
            v = cells.get((r, c))
            if v is None:
                fill, text = "#ffffff", "—"
            else:
                fill = diverging_colour(v, bound) if diverging else ramp_colour(v, bound)
                text = fmt(v, lang, as_percent=as_percent)
                desc.append(f"{rlab[r]} × {clab[c]}: {text}")
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell_width:.1f}" height="{cell_height:.1f}" '
                f'fill="{fill}" stroke="#ffffff" stroke-width="1"/>'
            )
            parts.append(
                text_lines(
                    [text],
                    x + cell_width / 2,
                    y + cell_height / 2 + 4,
                    anchor="middle",
                    fill=ink_for(fill) if v is not None else MUTED,
                )
            )
    # legend: the ramp from low to high
    ramp = DIVERGING if diverging else SEQUENTIAL
    ly = top + cell_height * len(rows_) + 14
    for k, colour in enumerate(ramp):
        parts.append(
            f'<rect x="{left + 14 * k:.1f}" y="{ly:.1f}" width="14" height="10" fill="{colour}" stroke="{GRID}" stroke-width="0.5"/>'
        )
    low_text = fmt(-bound if diverging else 0, lang, as_percent=as_percent)
    parts.append(text_lines([low_text], left - 4, ly + 9, size=10, anchor="end", fill=MUTED))
    parts.append(
        text_lines(
            [fmt(bound, lang, as_percent=as_percent)],
            left + 14 * len(ramp) + 4,
            ly + 9,
            size=10,
            fill=MUTED,
        )
    )
    return svg(width, height, title, "; ".join(desc) or title, "".join(parts), "heatmap")


# -- bars ------------------------------------------------------------------------------------------
def bars(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    lang: Lang,
    low: Sequence[float | None] | None = None,
    high: Sequence[float | None] | None = None,
    notes: Sequence[str] | None = None,
    weak: Sequence[bool] | None = None,
    as_percent: bool = False,
    width: float = 640,
    bar_height: float = 22,
    colour: str = OKABE_ITO[0],
    negative_colour: str = OKABE_ITO[5],
) -> str:
    """Horizontal bars with their values, optional intervals (``low``..``high``) and notes.

    ``weak`` marks bars drawn from too few answers: hatched and lighter, as the note should say.
    """
    n = len(labels)
    lows = list(low) if low is not None else [None] * n
    highs = list(high) if high is not None else [None] * n
    notes_ = list(notes) if notes is not None else [""] * n
    weak_ = list(weak) if weak is not None else [False] * n
    extent = [v for v in [*values, *lows, *highs] if v is not None]
    dmin, dmax, step = _domain(extent)
    left = min(240.0, max([50.0, *(text_width(s) + 14 for s in labels)]))
    right = max([40.0, *(text_width(s, 10) + 12 for s in notes_)]) + 56
    plot = max(120.0, width - left - right)
    width = left + plot + right

    def sx(v: float) -> float:
        return left + plot * (v - dmin) / (dmax - dmin)

    top = 8
    height = top + (bar_height + 8) * n + 26
    uid = f"h{next(_ids)}"
    # hatching for bars resting on too few answers, in the bar's own colour
    parts = [
        "<defs>"
        + "".join(
            f'<pattern id="{uid}{tag}" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="{ink}" stroke-width="3"/></pattern>'
            for tag, ink in (("p", colour), ("n", negative_colour))
        )
        + "</defs>"
    ]
    tick = dmin
    while tick <= dmax + step / 2:
        x = sx(tick)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - 22}" stroke="{GRID}" stroke-width="{1.5 if tick == 0 else 0.6}"/>'
        )
        parts.append(
            text_lines(
                [fmt(tick, lang, as_percent=as_percent)],
                x,
                height - 8,
                size=10,
                anchor="middle",
                fill=MUTED,
            )
        )
        tick += step
    desc = []
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        y = top + (bar_height + 8) * i + 4
        parts.append(
            text_lines(
                wrap(label, left - 10, 12, 1), left - 8, y + bar_height / 2 + 4, anchor="end"
            )
        )
        text = fmt(v, lang, as_percent=as_percent)
        if v is not None:
            x0, x1 = sorted((sx(0), sx(v)))
            edge = negative_colour if v < 0 else colour
            fill = f"url(#{uid}{'n' if v < 0 else 'p'})" if weak_[i] else edge
            parts.append(
                f'<rect x="{x0:.1f}" y="{y:.1f}" width="{max(x1 - x0, 1):.1f}" height="{bar_height:.1f}" fill="{fill}" stroke="{edge}" stroke-width="{1 if weak_[i] else 0}"/>'
            )
        lo, hi = lows[i], highs[i]
        interval = ""
        if lo is not None and hi is not None:
            cy = y + bar_height / 2
            parts.append(
                f'<line x1="{sx(lo):.1f}" y1="{cy:.1f}" x2="{sx(hi):.1f}" y2="{cy:.1f}" stroke="#000000" stroke-width="1.5"/>'
            )
            for end in (lo, hi):
                parts.append(
                    f'<line x1="{sx(end):.1f}" y1="{cy - 6:.1f}" x2="{sx(end):.1f}" y2="{cy + 6:.1f}" stroke="#000000" stroke-width="1.5"/>'
                )
            interval = (
                f" [{fmt(lo, lang, as_percent=as_percent)} ; {fmt(hi, lang, as_percent=as_percent)}]"
                if lang == "fr"
                else f" [{fmt(lo, lang, as_percent=as_percent)}, {fmt(hi, lang, as_percent=as_percent)}]"
            )
        end_x = max(sx(0), sx(v) if v is not None else sx(0), sx(hi) if hi is not None else 0)
        parts.append(text_lines([text], end_x + 6, y + bar_height / 2 + 4, weight="bold"))
        if notes_[i]:
            parts.append(
                text_lines(
                    [notes_[i]],
                    left + plot + right - 4,
                    y + bar_height / 2 + 4,
                    size=10,
                    anchor="end",
                    fill=MUTED,
                )
            )
        desc.append(f"{label}: {text}{interval}{' (' + notes_[i] + ')' if notes_[i] else ''}")
    return svg(width, height, title, "; ".join(desc), "".join(parts), "bars")


# -- funnel ----------------------------------------------------------------------------------------
def funnel(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    lang: Lang,
    width: float = 640,
    step_height: float = 30,
    colour: str = OKABE_ITO[0],
) -> str:
    """Centred bars narrowing step by step, with the share kept from the previous step."""
    left = min(240.0, max([60.0, *(text_width(s) + 14 for s in labels)]))
    plot = width - left - 90
    peak = max([0.0, *values])
    gap = 18
    height = 8 + (step_height + gap) * len(labels)
    parts = []
    desc = []
    centre = left + plot / 2
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        y = 8 + (step_height + gap) * i
        w = plot * (v / peak) if peak else 0
        parts.append(
            text_lines(
                wrap(label, left - 10, 12, 1), left - 8, y + step_height / 2 + 4, anchor="end"
            )
        )
        parts.append(
            f'<rect x="{centre - w / 2:.1f}" y="{y:.1f}" width="{max(w, 1):.1f}" height="{step_height}" fill="{colour}"/>'
        )
        text = fmt(v, lang)
        inside = w > text_width(text, 12) + 10
        parts.append(
            text_lines(
                [text],
                centre,
                y + step_height / 2 + 4,
                anchor="middle",
                weight="bold",
                fill=ink_for(colour) if inside else INK,
            )
            if inside
            else text_lines([text], centre + w / 2 + 6, y + step_height / 2 + 4, weight="bold")
        )
        line = f"{label}: {text}"
        if i > 0 and values[i - 1]:
            kept = v / values[i - 1]
            share = fmt(kept, lang, as_percent=True)
            parts.append(text_lines([f"↓ {share}"], left + plot + 6, y - 4, size=11, fill=MUTED))
            line += f" ({share})"
        desc.append(line)
    return svg(width, height, title, "; ".join(desc), "".join(parts), "funnel")


# -- line ------------------------------------------------------------------------------------------
def line(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]] | Sequence[float | None],
    *,
    title: str,
    lang: Lang,
    ymin: float = -2,
    ymax: float = 2,
    step: float = 1,
    highlight: Sequence[int] = (),
    width: float = 640,
    height: float = 220,
    left: float = 44,
    label_axis: bool = True,
    decimals: int = 1,
    signed_values: bool = True,
) -> str:
    """One or several curves over ordered labels (the emotion curve: -2..+2 by default).

    ``signed_values`` writes ``+`` before positive values and ticks (a score around 0); a share
    or a rate is written without it.

    ``series`` maps a name to values (None leaves a gap); a plain list is one unnamed series.
    ``highlight`` lists label positions to shade (moments of truth). Series differ by colour, dash
    and marker, and every point carries its value.
    """
    named: dict[str, Sequence[float | None]] = (
        dict(series) if isinstance(series, Mapping) else {"": list(series)}
    )
    n = max(1, len(labels))
    right = 12
    bottom = 48 if label_axis else 10
    legend = 18 if any(named) else 0
    top = 10 + legend
    plot_w = width - left - right
    plot_h = height - top - bottom
    col = plot_w / n

    def sx(i: int) -> float:
        return left + col * (i + 0.5)

    def sy(v: float) -> float:
        # A few pixels inside the plot so that the extreme points' labels stay clear of the axis.
        return top + 6 + (plot_h - 12) * (ymax - v) / (ymax - ymin)

    parts: list[str] = []
    for i in highlight:
        parts.append(
            f'<rect x="{left + col * i:.1f}" y="{top}" width="{col:.1f}" height="{plot_h:.1f}" fill="#fff3d6"/>'
        )
    tick = ymin
    while tick <= ymax + step / 2:
        y = sy(tick)
        dash = "" if tick == 0 else ' stroke-dasharray="2 3"'
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w:.1f}" y2="{y:.1f}" stroke="{GRID if tick else "#8a8a8a"}"{dash}/>'
        )
        label = ("+" if signed_values and tick > 0 else "") + fmt(tick, lang)
        parts.append(text_lines([label], left - 6, y + 4, size=10, anchor="end", fill=MUTED))
        tick += step
    if label_axis:
        for i, label in enumerate(labels):
            parts.append(
                text_lines(
                    wrap(label, col - 6, 10, 3), sx(i), top + plot_h + 14, size=10, anchor="middle"
                )
            )
    markers = ("circle", "square", "diamond", "triangle")
    desc = []
    lx = left
    for k, (name, values) in enumerate(named.items()):
        colour = OKABE_ITO[k % len(OKABE_ITO)]
        dash = DASHES[k % len(DASHES)]
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(values):
            if v is None or (isinstance(v, float) and math.isnan(v)):
                runs.append([])
            else:
                runs[-1].append((sx(i), sy(max(ymin, min(ymax, float(v))))))
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
                parts.append(
                    f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
                )
        for i, v in enumerate(values):
            if v is None or (isinstance(v, float) and math.isnan(v)):
                continue
            x, y = sx(i), sy(max(ymin, min(ymax, float(v))))
            parts.append(_marker(markers[k % len(markers)], x, y, colour))
            text = (
                signed(float(v), lang, decimals)
                if signed_values
                else fmt(float(v), lang, decimals=decimals)
            )
            others = [
                o
                for o in (_at(other, i) for other in named.values() if other is not values)
                if o is not None
            ]
            # With several curves, the upper point is labelled above and the lower one below.
            dy = 18 if any(o > v or (o == v and k % 2) for o in others) else -9
            parts.append(
                text_lines([text], x, y + dy, size=10, anchor="middle", weight="bold", fill=INK)
            )
        shown = [
            f"{labels[i] if i < len(labels) else i}: {fmt(v, lang, decimals=decimals)}"
            for i, v in enumerate(values)
        ]
        desc.append((f"{name} — " if name else "") + "; ".join(shown))
        if name:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{lx:.1f}" y1="{10}" x2="{lx + 22:.1f}" y2="10" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            )
            parts.append(_marker(markers[k % len(markers)], lx + 11, 10, colour))
            parts.append(text_lines([name], lx + 28, 14, size=11))
            lx += 40 + text_width(name, 11)
    return svg(width, height, title, " | ".join(desc), "".join(parts), "line")


def _at(values: Sequence[float | None], i: int) -> float | None:
    """The ``i``-th value as a float, None when absent or not a number."""
    if i >= len(values) or values[i] is None:
        return None
    value = float(values[i])  # type: ignore[arg-type]  # None excluded just above
    return None if math.isnan(value) else value


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}" stroke="#ffffff"/>'
    if kind == "diamond":
        return f'<polygon points="{x:.1f},{y - 5.5:.1f} {x + 5.5:.1f},{y:.1f} {x:.1f},{y + 5.5:.1f} {x - 5.5:.1f},{y:.1f}" fill="{colour}" stroke="#ffffff"/>'
    if kind == "triangle":
        return f'<polygon points="{x:.1f},{y - 5.5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}" fill="{colour}" stroke="#ffffff"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}" stroke="#ffffff"/>'


# -- Sankey ----------------------------------------------------------------------------------------
def _edges(edges: Any) -> list[tuple[str, str, float]]:
    if hasattr(edges, "columns") or hasattr(edges, "to_pandas"):
        frame = _rows(edges)
        cols = list(frame.columns)
        src = "source" if "source" in cols else cols[0]
        dst = "target" if "target" in cols else cols[1]
        val = "value" if "value" in cols else cols[2]
        triples = zip(frame[src], frame[dst], frame[val], strict=True)
    else:
        triples = iter(edges)
    return [(str(a), str(b), float(v)) for a, b, v in triples if v and float(v) > 0]


def _layers(nodes: list[str], edges: list[tuple[str, str, float]]) -> dict[str, int]:
    """Column of each node: longest path from the sources, back edges (cycles) ignored."""
    out: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b, _ in edges:
        if a != b:
            out[a].append(b)
    state: dict[str, int] = {}
    order: list[str] = []
    back: set[tuple[str, str]] = set()

    def visit(start: str) -> None:
        stack = [(start, iter(out[start]))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                order.append(node)
                stack.pop()
            elif state.get(child) == 1:
                back.add((node, child))
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(out[child])))

    for node in nodes:
        if node not in state:
            visit(node)
    layer = dict.fromkeys(nodes, 0)
    for node in reversed(order):
        for child in out[node]:
            if (node, child) not in back:
                layer[child] = max(layer[child], layer[node] + 1)
    return layer


def sankey(
    edges: Any,
    *,
    title: str,
    lang: Lang,
    labels: Mapping[str, str] | None = None,
    width: float = 900,
    height: float = 420,
    columns: Mapping[str, int] | None = None,
    as_percent: bool = False,
) -> str:
    """Flows between nodes as bands whose thickness is the value.

    ``edges`` is a table with ``source``, ``target``, ``value`` columns (or the first three
    columns), or (source, target, value) triples. Nodes go in columns by longest path from the
    sources unless ``columns`` gives each node's column; links going backwards (cycles) are drawn
    as thin dashed arcs and listed in the description.
    """
    triples = _edges(edges)
    nodes = list(dict.fromkeys([n for a, b, _ in triples for n in (a, b)]))
    names = {n: (labels or {}).get(n, n) for n in nodes}
    if not triples:
        return svg(width, 40, title, title, text_lines(["—"], 10, 24, fill=MUTED), "sankey")
    layer = dict(columns) if columns is not None else _layers(nodes, triples)
    depth = max(layer.values()) + 1
    inflow = dict.fromkeys(nodes, 0.0)
    outflow = dict.fromkeys(nodes, 0.0)
    for a, b, v in triples:
        outflow[a] += v
        inflow[b] += v
    size = {n: max(inflow[n], outflow[n]) for n in nodes}
    node_w = 14
    label_room = 150
    pad = 14
    # Links going backwards arc over the nodes: leave them room at the top.
    top = 40.0 if any(layer[b] <= layer[a] for a, b, _ in triples) else 8.0
    usable = height - top - 8
    by_layer: dict[int, list[str]] = {}
    for n in nodes:
        by_layer.setdefault(layer[n], []).append(n)
    scale = min(
        (usable - pad * (len(ns) - 1)) / max(1e-9, sum(size[n] for n in ns))
        for ns in by_layer.values()
    )
    step_x = (width - label_room - node_w - 10) / max(1, depth - 1)
    pos: dict[str, tuple[float, float, float]] = {}  # x, y, height
    parts: list[str] = []
    for col_index, ns in sorted(by_layer.items()):
        y = float(top)
        for n in sorted(ns, key=lambda m: -size[m]):
            h = max(2.0, size[n] * scale)
            pos[n] = (10 + step_x * col_index, y, h)
            y += h + pad
    colour_of = {n: OKABE_ITO[i % (len(OKABE_ITO) - 1)] for i, n in enumerate(nodes)}
    out_off = dict.fromkeys(nodes, 0.0)
    in_off = dict.fromkeys(nodes, 0.0)
    desc = []
    for a, b, v in sorted(triples, key=lambda e: (layer[e[0]], pos[e[0]][1], pos[e[1]][1])):
        xa, ya, _ = pos[a]
        xb, yb, _ = pos[b]
        thick = max(1.0, v * scale)
        y0 = ya + out_off[a] + thick / 2
        y1 = yb + in_off[b] + thick / 2
        out_off[a] += thick
        in_off[b] += thick
        value = fmt(v, lang, as_percent=as_percent)
        desc.append(f"{names[a]} → {names[b]}: {value}")
        if layer[b] > layer[a]:
            x0, x1 = xa + node_w, xb
            mid = (x0 + x1) / 2
            parts.append(
                f'<path d="M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f}" '
                f'fill="none" stroke="{colour_of[a]}" stroke-opacity="0.45" stroke-width="{thick:.1f}">'
                f"<title>{_a(names[a])} → {_a(names[b])}: {_a(value)}</title></path>"
            )
        else:
            x0, x1 = xa + node_w / 2, xb + node_w / 2
            lift = max(2.0, min(ya, yb) - 34)
            parts.append(
                f'<path d="M{x0:.1f},{ya:.1f} C{x0:.1f},{lift:.1f} {x1:.1f},{lift:.1f} {x1:.1f},{yb:.1f}" '
                f'fill="none" stroke="{MUTED}" stroke-dasharray="3 3" stroke-width="1">'
                f"<title>{_a(names[a])} → {_a(names[b])}: {_a(value)}</title></path>"
            )
    for n in nodes:
        x, y, h = pos[n]
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{node_w}" height="{h:.1f}" fill="{colour_of[n]}"/>'
        )
        room = label_room - 12 if layer[n] == depth - 1 and depth > 1 else step_x - node_w - 12
        lines = [*wrap(names[n], room, 11, 2), fmt(size[n], lang, as_percent=as_percent)]
        parts.append(text_lines(lines, x + node_w + 4, y + 11, size=11, halo=True))
    return svg(width, height, title, "; ".join(desc), "".join(parts), "sankey")


def flow(
    transitions: Any,
    *,
    title: str,
    lang: Lang,
    labels: Mapping[str, str] | None = None,
    before: str = "",
    after: str = "",
    width: float = 640,
    height: float = 320,
) -> str:
    """Transitions between states from one period to the next (lifecycle): a two-column Sankey.

    ``transitions`` has ``source``, ``target``, ``value`` (or the first three columns); the same
    state appears on both sides, ``before`` and ``after`` name the two periods.
    """
    triples = _edges(transitions)
    left_tag, right_tag = "\x00a", "\x00b"
    names = dict(labels or {})
    mapped = [(a + left_tag, b + right_tag, v) for a, b, v in triples]
    all_labels: dict[str, str] = {}
    cols: dict[str, int] = {}
    for a, b, _ in triples:
        all_labels[a + left_tag] = names.get(a, a) + (f" · {before}" if before else "")
        all_labels[b + right_tag] = names.get(b, b) + (f" · {after}" if after else "")
        cols[a + left_tag] = 0
        cols[b + right_tag] = 1
    return sankey(
        mapped, title=title, lang=lang, labels=all_labels, columns=cols, width=width, height=height
    )


# -- stacked ---------------------------------------------------------------------------------------
def stacked(
    periods: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    lang: Lang,
    labels: Mapping[str, str] | None = None,
    as_share: bool = False,
    width: float = 640,
    height: float = 260,
) -> str:
    """Vertical stacked bars: one bar per period, one segment per state (lifecycle states).

    With ``as_share`` each bar is scaled to 100 % and segments show shares.
    """
    names = {k: (labels or {}).get(k, k) for k in series}
    totals = [sum(float(series[k][i] or 0) for k in series) for i in range(len(periods))]
    peak = 1.0 if as_share else max([1.0, *totals])
    left, right, top, bottom = 54, 10, 28, 34
    plot_w = width - left - right
    plot_h = height - top - bottom
    col = plot_w / max(1, len(periods))
    bar_w = min(60.0, col * 0.7)
    parts: list[str] = []
    _, high, step = _domain([peak])
    high = 1.0 if as_share else high
    step = 0.25 if as_share else step
    tick = 0.0
    while tick <= high + step / 2:
        y = top + plot_h * (1 - tick / high)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="0.6"/>'
        )
        parts.append(
            text_lines(
                [fmt(tick, lang, as_percent=as_share, decimals=0 if as_share else None)],
                left - 4,
                y + 4,
                size=10,
                anchor="end",
                fill=MUTED,
            )
        )
        tick += step
    desc = []
    for i, period in enumerate(periods):
        x = left + col * i + (col - bar_w) / 2
        y = top + plot_h
        shown = []
        for k, key in enumerate(series):
            v = float(series[key][i] or 0)
            share = v / totals[i] if totals[i] else 0.0
            h = plot_h * ((share if as_share else v) / high)
            y -= h
            colour = OKABE_ITO[k % len(OKABE_ITO)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}" stroke="#ffffff" stroke-width="0.5"/>'
            )
            text = fmt(share, lang, as_percent=True, decimals=0) if as_share else fmt(v, lang)
            if h >= 14 and text_width(text, 10) < bar_w:
                parts.append(
                    text_lines(
                        [text],
                        x + bar_w / 2,
                        y + h / 2 + 4,
                        size=10,
                        anchor="middle",
                        fill=ink_for(colour),
                    )
                )
            shown.append(f"{names[key]} {text}")
        parts.append(
            text_lines(
                wrap(period, col - 4, 10, 2),
                left + col * (i + 0.5),
                top + plot_h + 14,
                size=10,
                anchor="middle",
            )
        )
        desc.append(f"{period}: " + ", ".join(shown))
    lx = float(left)
    for k, key in enumerate(series):
        colour = OKABE_ITO[k % len(OKABE_ITO)]
        parts.append(f'<rect x="{lx:.1f}" y="6" width="12" height="12" fill="{colour}"/>')
        parts.append(text_lines([names[key]], lx + 16, 16, size=11))
        lx += 30 + text_width(names[key], 11)
    return svg(max(width, lx), height, title, "; ".join(desc), "".join(parts), "stacked")


# -- table -----------------------------------------------------------------------------------------
def table_html(
    table: Any,
    lang: Lang,
    *,
    caption: str | None = None,
    headers: Mapping[str, str] | None = None,
    percent_columns: Iterable[str] = (),
    decimals: Mapping[str, int] | None = None,
    max_rows: int | None = None,
) -> str:
    """An HTML table of a frame, numbers right-aligned and written the language's way.

    ``headers`` renames columns for display; columns in ``percent_columns`` hold shares (0..1).
    """
    frame = _rows(table)
    shares = set(percent_columns)
    places = dict(decimals or {})
    cols = [str(c) for c in frame.columns]
    head = "".join(f'<th scope="col">{_a((headers or {}).get(c, c))}</th>' for c in cols)
    body = []
    rows = frame.itertuples(index=False, name=None)
    for k, rec in enumerate(rows):
        if max_rows is not None and k >= max_rows:
            break
        cells = []
        for c, v in zip(cols, rec, strict=True):
            if isinstance(v, bool) or v is None or type(v).__name__ == "bool_":
                cells.append(f"<td>{'' if v is None else _a(v)}</td>")
            elif isinstance(v, int | float) or type(v).__module__ == "numpy":
                try:
                    f = float(v)
                except (TypeError, ValueError):
                    cells.append(f"<td>{_a(v)}</td>")
                    continue
                text = fmt(f, lang, as_percent=c in shares, decimals=places.get(c))
                cells.append(f'<td class="num">{_a(text)}</td>')
            elif hasattr(v, "strftime"):
                from parcours.i18n import date

                cells.append(f"<td>{_a(date(v, lang))}</td>")
            else:
                text = "" if str(v) in ("nan", "NaT", "<NA>", "None") else str(v)
                cells.append(f"<td>{_a(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{_a(caption)}</caption>" if caption else ""
    return (
        f'<table class="parcours-table">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )
