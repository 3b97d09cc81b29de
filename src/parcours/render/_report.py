"""The report: the journey map, the stage x channel table, and every capability's sections.

Self-contained HTML (inline CSS and SVG, no script, no CDN) that prints on A3 landscape; the
numbers behind each part are written beside it as CSV.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from parcours.analytics import stage_channel_matrix, stage_conversion
from parcours.errors import ParcoursError
from parcours.export import write_csv
from parcours.i18n import Lang, get_lang, number, percent, t
from parcours.render import charts
from parcours.render._map import map_svg
from parcours.render._mapdata import _text
from parcours.render._render import map_data
from parcours.render._section import Section

if TYPE_CHECKING:
    from parcours.model import Journey
    from parcours.workspace import Workspace

_TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class Cell:
    interactions: int = 0
    customers: int = 0
    share: float = 0.0
    marks: list[str] = field(default_factory=list)
    colour: str = "#ffffff"
    ink: str = "#111111"


@dataclass
class Row:
    stage: str
    label: str
    phase: str
    moment_of_truth: bool
    promise: str | None
    cells: dict[str, Cell]
    total: int
    customers: int
    conversion: float | None
    next_label: str | None


def journey_table(warehouse: Any, journey: Any, lang: str | None = None) -> dict[str, Any]:
    """The numbers of the report: one row per stage, one cell per channel, with conversion."""
    language = lang or get_lang()
    interactions = warehouse.table("interactions")
    stages = [s.id for s in journey.stages]
    matrix = stage_channel_matrix(interactions).to_pandas()
    conversion = stage_conversion(interactions, stages).to_pandas() if len(stages) > 1 else None
    by_stage_customers = (
        interactions.filter(interactions.stage.notnull())
        .group_by("stage")
        .aggregate(customers=interactions.customer_id.nunique())
        .to_pandas()
    )
    customers_of = dict(zip(by_stage_customers.stage, by_stage_customers.customers, strict=True))
    peak = int(matrix.interactions.max()) if len(matrix) else 0
    phases = {p.id: _text(p.label, language) for p in journey.phases}
    labels = {s.id: _text(s.label, language) for s in journey.stages}
    rows = []
    for stage in journey.stages:
        cells: dict[str, Cell] = {}
        for channel in journey.channels:
            hit = matrix[(matrix.stage == stage.id) & (matrix.channel == channel.id)]
            cell = Cell()
            if len(hit):
                cell.interactions = int(hit.interactions.iloc[0])
                cell.customers = int(hit.customers.iloc[0])
                cell.share = float(hit.channel_share.iloc[0])
                level = (
                    0
                    if peak == 0
                    else min(len(charts.SEQUENTIAL) - 1, int(7 * cell.interactions / peak) + 1)
                )
                cell.colour = charts.SEQUENTIAL[level]
                cell.ink = "#ffffff" if level >= 5 else "#111111"
            for tp in journey.touchpoints:
                if tp.stage == stage.id and tp.channel == channel.id:
                    cell.marks.append(
                        ("↗" if str(tp.direction) == "push" else "↙")
                        + ("€" if str(tp.nature) == "transactional" else "i")
                    )
            cells[channel.id] = cell
        conv = None
        next_label = None
        if conversion is not None:
            hit = conversion[conversion.stage == stage.id]
            if len(hit) and hit.customers.iloc[0]:
                conv = float(hit.conversion.iloc[0])
                next_label = labels.get(str(hit.next_stage.iloc[0]))
        rows.append(
            Row(
                stage=stage.id,
                label=labels[stage.id],
                phase=phases.get(stage.phase, stage.phase),
                moment_of_truth=bool(stage.moment_of_truth),
                promise=_text(stage.promise, language) or None,
                cells=cells,
                total=sum(c.interactions for c in cells.values()),
                customers=int(customers_of.get(stage.id, 0)),
                conversion=conv,
                next_label=next_label,
            )
        )
    unmapped_row = interactions.filter(interactions.stage.isnull()).count().to_pandas()
    return {
        "rows": rows,
        "channels": [(c.id, _text(c.label, language)) for c in journey.channels],
        "matrix": matrix,
        "conversion": conversion,
        "unmapped": int(unmapped_row),
    }


def _section_files(section: Section) -> list[tuple[str, str]]:
    """(file name, stem) of each CSV of a section: ``<key>_<stem>.csv``, or ``<stem>.csv`` when
    the stem already starts with the key's package prefix (``analytics_funnel_dropped``)."""
    prefix = section.key.split("_", 1)[0] + "_"
    return [
        (
            f"{stem}.csv"
            if stem == section.key or stem.startswith(prefix)
            else f"{section.key}_{stem}.csv",
            stem,
        )
        for stem in section.tables
    ]


def _fallback_sections(workspace: Any, journey: Any, lang: Lang, keys: set[str]) -> list[Section]:
    """Sections the report can draw itself from published results when no capability does."""
    found: list[Section] = []
    if not any("nps" in key for key in keys):
        nps = _nps_by_stage(workspace, journey, lang)
        if nps is not None:
            found.append(nps)
    return found


def collect_sections(workspace: Workspace, journey: Journey | None, lang: str) -> list[Section]:
    """Every section of :data:`parcours.render.sections.BUILDERS` for this journey, in report
    order (the capabilities load on this first call, so that drawing a map alone stays light)."""
    from parcours.render import sections

    return sections.collect_sections(workspace, journey, lang)


def _nps_by_stage(workspace: Any, journey: Any, lang: Lang) -> Section | None:
    from parcours.voc import journey_voc

    try:
        voc = journey_voc(workspace, journey)
    except ParcoursError:
        return None
    frame = getattr(voc, "satisfaction", None)
    if frame is None or not len(frame):
        return None
    rows = frame[(frame["metric"] == "nps") & frame["channel"].isna() & frame["touchpoint"].isna()]
    rows = rows[rows["stage"].notna()]
    if not len(rows):
        return None
    labels = {s.id: _text(s.label, lang) for s in journey.stage_order()}
    order = {s.id: i for i, s in enumerate(journey.stage_order())}
    rows = rows.assign(position=rows["stage"].map(order)).sort_values("position")
    small = t("render.small_sample", lang)
    svg = charts.bars(
        [labels.get(str(s), str(s)) for s in rows["stage"]],
        [float(v) for v in rows["value"]],
        low=[float(v) for v in rows["ci_low"]],
        high=[float(v) for v in rows["ci_high"]],
        notes=[
            f"n = {number(int(n), lang)}" + (f" · {small}" if bool(w) else "")
            for n, w in zip(rows["n"], rows["small_sample"], strict=True)
        ],
        weak=[bool(w) for w in rows["small_sample"]],
        title=t("render.report.nps.title", lang),
        lang=lang,
        width=760,
    )
    best = rows.loc[rows["value"].idxmax()]
    worst = rows.loc[rows["value"].idxmin()]
    reading = t(
        "render.report.nps.reading",
        lang,
        best=labels.get(str(best.stage), str(best.stage)),
        best_value=round(float(best.value)),
        worst=labels.get(str(worst.stage), str(worst.stage)),
        worst_value=round(float(worst.value)),
    )
    table = rows[["stage", "value", "ci_low", "ci_high", "n", "small_sample"]].rename(
        columns={"value": "nps"}
    )
    return Section(
        key="nps_by_stage",
        title=t("render.report.nps.title", lang),
        reading=reading,
        html=svg,
        tables={"nps_by_stage": table.reset_index(drop=True)},
        order=40,
    )


def _span(workspace: Any) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The first and last interaction's time in the workspace's timezone (None when none)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(workspace.settings.timezone)
    interactions = workspace.table("interactions")
    row = interactions.aggregate(
        start=interactions.ts.min(), end=interactions.ts.max()
    ).to_pyarrow()
    start, end = (row.column(name)[0].as_py() for name in ("start", "end"))
    return (
        None if start is None else start.astimezone(zone),
        None if end is None else end.astimezone(zone),
    )


def write_report(
    workspace: Any,
    journey: Any,
    out_dir: Path,
    lang: str | None = None,
    sections: list[Section] | None = None,
) -> Path:
    """Write ``report.html`` (and the CSV numbers behind it) into ``out_dir``; return the HTML.

    The report holds the journey map, the stage x channel table, the sections every installed
    capability contributes (``collect_sections``, plus the report's own NPS chart when no
    capability draws one; or exactly ``sections`` when given), each with its one-line reading
    and its CSV files, and the loads table.
    """
    language: Lang = lang if lang in ("fr", "en") else get_lang()  # type: ignore[assignment]
    out_dir.mkdir(parents=True, exist_ok=True)
    dialect = workspace.settings.csv_dialect
    data = journey_table(workspace.warehouse, journey, language)
    write_csv(data["matrix"], out_dir / "stage_channel_matrix.csv", dialect=dialect)
    if data["conversion"] is not None:
        write_csv(data["conversion"], out_dir / "stage_conversion.csv", dialect=dialect)
    maps = map_data(workspace, journey, lang=language)
    for stem, frame in maps[0].frames().items():
        write_csv(frame, out_dir / f"{stem}.csv", dialect=dialect)
    if sections is None:
        collected = collect_sections(workspace, journey, language)
        keys = {s.key for s in collected}
        sections = [*collected, *_fallback_sections(workspace, journey, language, keys)]
    sections = sorted(sections, key=lambda s: s.order)
    blocks = []
    for section in sections:
        files = _section_files(section)
        for (name, _), frame in zip(files, section.tables.values(), strict=True):
            write_csv(frame, out_dir / name, dialect=dialect)
        blocks.append(
            {
                "section": section,
                "files": [name for name, _ in files],
                "html": Markup(charts.inline(section.html)),  # noqa: S704  # escaped by contract
            }
        )
    loads = workspace.table("loads").order_by("started_at").to_pandas()
    span = _span(workspace)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(t=lambda key, **kw: t(key, language, **kw))
    env.filters["num"] = lambda v: number(v, language)
    env.filters["pct"] = lambda v: percent(v, language)
    html = env.get_template("report.html.j2").render(
        lang=language,
        title=_text(journey.name, language),
        promise=_text(journey.promise, language) or None,
        generated=t("report.generated", language, date=dt.date.today()),
        period=(
            t("report.period", language, start=span[0], end=span[1])
            if span and span[0] is not None
            else None
        ),
        journey_map=Markup(charts.inline(map_svg(maps[0]))),  # noqa: S704  # escaped parts
        sections=blocks,
        loads=[
            {
                "file": Path(str(r.file)).name,
                "read": int(r.rows_read),
                "loaded": int(r.rows_loaded),
                "quarantined": int(r.rows_quarantined),
            }
            for r in loads.itertuples(index=False)
        ],
        **{k: v for k, v in data.items() if k not in ("matrix", "conversion")},
    )
    path = out_dir / "report.html"
    path.write_text(html, encoding="utf-8")
    return path
