"""``render_map``: write the journey map as HTML, SVG, PNG or PDF.

HTML and SVG are written directly; PNG and PDF are made by headless Chromium from the HTML (the
same drawing, so every format shows the same map). No network, no CDN: the page embeds its SVG
and its CSS.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from parcours.errors import RenderError
from parcours.i18n import Lang, get_lang, t
from parcours.render._map import map_svg, svg_size
from parcours.render._mapdata import MapData, Period, gather, parse_period
from parcours.render.charts import escape_text as escape
from parcours.render.charts import inline, table_html

__all__ = ["RenderError", "chromium", "map_data", "map_html", "render_map"]

FORMATS = (".html", ".svg", ".png", ".pdf")
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium() -> str | None:
    """The headless browser used for PNG and PDF: $PARCOURS_CHROMIUM, else one on the PATH."""
    configured = os.environ.get("PARCOURS_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else shutil.which(configured)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _journey(workspace: Any, journey: Any) -> Any:
    if hasattr(journey, "stage_order"):
        return journey
    from parcours.model import load_journey

    if journey is None:
        if workspace is None:
            raise RenderError("expected a journey (a file or an id) when there is no workspace")
        return workspace.journey()
    path = Path(str(journey))
    if path.is_file():
        return load_journey(path)
    if workspace is not None:
        return workspace.journey(str(journey))
    raise RenderError(f"expected a journey file, found no file at {path}")


def _auto_compare(workspace: Any, journey: Any) -> Any:
    """The to-be journey of the workspace that derives from ``journey``, if there is one."""
    if workspace is None or journey.state != "as-is":
        return None
    from parcours.errors import ParcoursError
    from parcours.model import load_journey

    for file in workspace.journey_files():
        try:
            other = load_journey(file)
        except ParcoursError:
            continue
        if other.state == "to-be" and other.derived_from:
            ref = other.derived_from
            if ref == journey.id or Path(ref).stem == journey.id:
                return other
    return None


def _personas(journey: Any, persona: str | None) -> list[str | None]:
    if persona != "all":
        if (
            persona is not None
            and journey.personas
            and persona not in {p.id for p in journey.personas}
        ):
            known = ", ".join(p.id for p in journey.personas)
            raise RenderError(
                f"expected a persona of journey {journey.id!r} ({known}, or all), found {persona!r}"
            )
        return [persona]
    if not journey.personas:
        raise RenderError(
            f"expected personas in journey {journey.id!r} for --persona all, found none"
        )
    return [p.id for p in journey.personas]


def map_data(
    workspace: Any,
    journey: Any,
    *,
    lang: str | None = None,
    persona: str | None = None,
    period: str | Period | None = None,
    compare: Any = None,
) -> list[MapData]:
    """What each map shows (one per persona with ``persona="all"``), without drawing it."""
    language: Lang = _lang(workspace, lang)
    model = _journey(workspace, journey)
    window = parse_period(period) if isinstance(period, str) or period is None else period
    if compare is None:
        target = _auto_compare(workspace, model)
    elif compare is False:
        target = None
    else:
        target = _journey(workspace, compare)
    return [
        gather(workspace, model, language, persona=who, period=window, compare=target)
        for who in _personas(model, persona)
    ]


def _lang(workspace: Any, lang: str | None) -> Lang:
    if lang in ("fr", "en"):
        return lang  # type: ignore[return-value]  # checked
    if lang is not None:
        raise RenderError(f"expected a language among fr, en, found {lang!r}")
    if workspace is not None:
        return workspace.settings.lang  # type: ignore[no-any-return]
    return get_lang()


_CSS = """
@page { size: A3 landscape; margin: 8mm; }
html, body { margin: 0; background: #ffffff; color: #1a1a1a;
  font-family: 'DejaVu Sans', 'Segoe UI', Arial, sans-serif; }
main { padding: 12px; }
.map svg { display: block; width: 100%; height: auto; max-width: 1800px; margin: 0 auto; }
.map.personas { padding: 0 16px; }
.map.personas svg { width: auto; max-width: 100%; margin: 8px 0 16px; }
.data { margin: 24px 16px; }
.data h2 { font-size: 1.1rem; }
.data details { margin: .5rem 0; }
.parcours-table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .8rem; }
.parcours-table th, .parcours-table td { border: 1px solid #c8c8c8; padding: 3px 6px; }
.parcours-table td.num { text-align: right; }
@media print {
  main { padding: 0; }
  .map { break-after: page; break-inside: avoid; }
  .map:last-of-type { break-after: auto; }
  .map svg { width: 100%; max-width: none; height: auto; max-height: 279mm; }
  .data { display: none; }
}
"""


def map_html(maps: Sequence[MapData], *, standalone: bool = True) -> str:
    """The map(s) as a self-contained HTML page (inline SVG and CSS, nothing fetched)."""
    lang = maps[0].lang
    sections = []
    for data in maps:
        label = escape(f"{t('render.map.title', lang)} — {data.title} · {', '.join(data.subtitle)}")
        drawn = inline(map_svg(data))
        sections.append(f'<section class="map" aria-label="{label}">{drawn}</section>')
    tables = []
    headers = {
        "stage": t("render.col.stage", lang),
        "label": t("render.col.stage", lang),
        "phase": t("render.col.phase", lang),
        "interactions": t("render.col.interactions", lang),
        "customers": t("render.col.customers", lang),
        "conversion": t("render.col.conversion", lang),
        "emotion": t("render.col.emotion", lang),
        "touchpoint": t("render.col.touchpoint", lang),
        "channel": t("render.col.channel", lang),
        "direction": t("render.col.direction", lang),
        "nature": t("render.col.nature", lang),
        "satisfaction": t("render.col.satisfaction", lang),
    }
    for data in maps:
        frames = data.frames()
        # the CSV keep ids; the page shows the words of the map
        phases = dict(data.phases)
        labels = {s.id: s.label for s in data.stages}
        words = {
            key: t(f"report.{key}", lang)
            for key in ("push", "pull", "informative", "transactional")
        }
        frames["map_stages"]["phase"] = frames["map_stages"]["phase"].replace(phases)
        touchpoints = frames["map_touchpoints"]
        touchpoints["stage"] = touchpoints["stage"].replace(labels)
        for column in ("direction", "nature"):
            touchpoints[column] = touchpoints[column].replace(words)
        stages = frames["map_stages"][
            ["label", "phase", "interactions", "customers", "conversion", "emotion"]
        ]
        tps = frames["map_touchpoints"][
            [
                "stage",
                "touchpoint",
                "channel",
                "direction",
                "nature",
                "interactions",
                "satisfaction",
            ]
        ]
        summary = escape(" · ".join(data.subtitle))
        tables.append(
            f"<details open><summary>{summary}</summary>"
            + table_html(stages, lang, headers=headers, percent_columns=["conversion"])
            + table_html(tps, lang, headers=headers)
            + "</details>"
        )
    data_section = (
        f'<section class="data" aria-labelledby="map-data"><h2 id="map-data">'
        f"{escape(t('render.data.title', lang))}</h2>{''.join(tables)}</section>"
    )
    if len(maps) > 1:
        sections.append(_persona_overview(maps))
    body = f"<main>{''.join(sections)}{data_section}</main>"
    if not standalone:
        return body
    title = escape(f"{maps[0].title} — {t('render.map.title', lang)}")
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _persona_overview(maps: Sequence[MapData]) -> str:
    """The personas side by side on one page: emotion curves, volumes and conversion by stage."""
    from parcours.render import charts

    lang = maps[0].lang
    labels = [s.label for s in maps[0].stages]
    names = [m.persona_label or m.persona or "" for m in maps]
    title = t("render.personas.title", lang)
    parts = [f"<h2>{escape(title)}</h2>"]
    if any(s.emotion is not None for m in maps for s in m.stages):
        curves = {name: [s.emotion for s in m.stages] for name, m in zip(names, maps, strict=True)}
        parts.append(
            charts.line(labels, curves, title=t("render.lane.emotion", lang), lang=lang, width=1100)
        )
    for key, attribute, share in (
        ("render.col.interactions", "interactions", False),
        ("render.col.conversion", "conversion", True),
    ):
        rows = [
            (name, s.label, getattr(s, attribute))
            for name, m in zip(names, maps, strict=True)
            for s in m.stages
            if getattr(s, attribute) is not None
        ]
        if rows:
            import pandas as pd

            frame = pd.DataFrame(rows, columns=["persona", "stage", "value"])
            heading = t(key, lang)
            parts.append(f"<h3>{escape(heading[:1].upper() + heading[1:])}</h3>")
            parts.append(
                charts.heatmap(
                    frame,
                    "persona",
                    "stage",
                    "value",
                    title=f"{title} — {t(key, lang)}",
                    lang=lang,
                    column_order=labels,
                    as_percent=share,
                    cell_width=150,
                )
            )
    label = escape(title)
    return f'<section class="map personas" aria-label="{label}">{inline("".join(parts))}</section>'


def stacked_svg(maps: Sequence[MapData]) -> str:
    """One SVG holding every map, one under the other (``--persona all`` as one file)."""
    if len(maps) == 1:
        return map_svg(maps[0])
    pieces = [map_svg(data) for data in maps]
    sizes = []
    for piece in pieces:
        size = svg_size(piece)
        assert size is not None  # map_svg always writes a viewBox
        sizes.append(size)
    width = max(w for w, _ in sizes)
    y = 0.0
    inner = []
    for piece, (_, h) in zip(pieces, sizes, strict=True):
        inner.append(piece.replace("<svg ", f'<svg y="{y:.0f}" ', 1))
        y += h
    title = escape(f"{maps[0].title} — {t('render.map.title', maps[0].lang)}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{title}" '
        f'viewBox="0 0 {width:.0f} {y:.0f}" width="{width:.0f}" height="{y:.0f}">'
        f"{''.join(inner)}</svg>"
    )


def _run_chromium(args: list[str], kind: str, out: Path) -> None:
    browser = chromium()
    if browser is None:
        raise RenderError(t("render.chromium_missing", None, kind=kind))
    with tempfile.TemporaryDirectory(prefix="parcours-chromium-") as profile:
        command = [
            browser,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *args,
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(2, "--no-sandbox")  # Chromium refuses to run as root with a sandbox
        out.unlink(missing_ok=True)
        try:
            done = subprocess.run(  # noqa: S603  # a fixed browser command on files we wrote
                command, capture_output=True, text=True, timeout=180, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise RenderError(
                f"expected Chromium ({browser}) to write {out} within 180 s, it did not finish"
            ) from exc
    if not out.is_file() or out.stat().st_size == 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise RenderError(
            f"expected Chromium ({browser}) to write {out}, found no file (exit {done.returncode}): {tail}"
        )


def html_to_png(html_file: Path, out: Path, width: float, height: float, scale: float = 2) -> Path:
    """A screenshot of a local HTML page at ``width`` x ``height`` CSS pixels."""
    _run_chromium(
        [
            f"--window-size={int(width)},{int(height)}",
            f"--force-device-scale-factor={scale}",
            f"--screenshot={out}",
            html_file.resolve().as_uri(),
        ],
        "PNG",
        out,
    )
    return out


def html_to_pdf(html_file: Path, out: Path) -> Path:
    """Print a local HTML page to PDF (its @page CSS sets the paper: A3 landscape)."""
    _run_chromium(
        ["--no-pdf-header-footer", f"--print-to-pdf={out}", html_file.resolve().as_uri()],
        "PDF",
        out,
    )
    return out


def render_map(
    workspace: Any,
    journey: Any,
    out: str | Path,
    *,
    lang: str | None = None,
    persona: str | None = None,
    period: str | Period | None = None,
    compare: Any = None,
) -> Path:
    """Write the one-page journey map to ``out`` (.html, .svg, .png or .pdf); return the path.

    ``workspace`` may be None (the map of the model alone, every data lane saying so).
    ``journey`` is a journey object, a YAML file, or an id in the workspace. ``persona`` filters
    the data to one persona's customers, or ``"all"`` draws one map per persona (one under the
    other, one page each in PDF). ``period`` is ``START..END`` or a pair of dates. ``compare`` is
    the to-be journey to set beside it (object, file or id); by default the workspace's to-be
    journey that derives from this one, if any; ``False`` for none.
    """
    target = Path(out)
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise RenderError(
            f"expected a map file ending in {', '.join(FORMATS)}, found {target.name!r}"
        )
    if suffix in (".png", ".pdf") and chromium() is None:
        raise RenderError(t("render.chromium_missing", lang, kind=suffix[1:].upper()))
    maps = map_data(workspace, journey, lang=lang, persona=persona, period=period, compare=compare)
    target.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".html":
        target.write_text(map_html(maps), encoding="utf-8")
    elif suffix == ".svg":
        target.write_text(
            '<?xml version="1.0" encoding="utf-8"?>\n' + stacked_svg(maps), encoding="utf-8"
        )
    else:
        with tempfile.TemporaryDirectory(prefix="parcours-map-") as tmp:
            page = Path(tmp) / "map.html"
            if suffix == ".pdf":
                page.write_text(map_html(maps), encoding="utf-8")
                html_to_pdf(page, target)
            else:
                image = stacked_svg(maps)
                width, height = svg_size(image) or (1600, 1200)
                page.write_text(
                    '<!DOCTYPE html><html><head><meta charset="utf-8"><style>html,body{margin:0;'
                    f"background:#fff}}svg{{display:block}}</style></head><body>{image}</body></html>",
                    encoding="utf-8",
                )
                html_to_png(page, target, width, height)
    return target
