"""The one-page report: the journey as a stage x channel table with volumes and conversion.

Self-contained HTML (inline CSS, no script, no CDN) that prints on one A3 landscape page; the
numbers behind it are written beside it as CSV.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from parcours.analytics import stage_channel_matrix, stage_conversion
from parcours.i18n import get_lang, number, percent, t

_TEMPLATES = Path(__file__).parent / "templates"
# Sequential, colour-blind-safe ramp (ColorBrewer "Blues"), light to dark.
_RAMP = ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c")


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


def _text(value: Any, lang: str) -> str:
    from parcours.model import text

    return str(text(value, lang)) if value is not None else ""


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
                    0 if peak == 0 else min(len(_RAMP) - 1, int(7 * cell.interactions / peak) + 1)
                )
                cell.colour = _RAMP[level]
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


def write_report(workspace: Any, journey: Any, out_dir: Path, lang: str | None = None) -> Path:
    """Write ``report.html`` (and the CSV numbers behind it) into ``out_dir``; return the HTML."""
    language = lang or get_lang()
    out_dir.mkdir(parents=True, exist_ok=True)
    data = journey_table(workspace.warehouse, journey, language)
    data["matrix"].to_csv(out_dir / "stage_channel_matrix.csv", index=False)
    if data["conversion"] is not None:
        data["conversion"].to_csv(out_dir / "stage_conversion.csv", index=False)
    loads = workspace.table("loads").order_by("started_at").to_pandas()
    span = workspace.warehouse.fetchone("SELECT min(ts), max(ts) FROM interactions")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(t=lambda key, **kw: t(key, language, **kw))
    env.filters["num"] = lambda v: number(v, language)  # type: ignore[arg-type]
    env.filters["pct"] = lambda v: percent(v, language)  # type: ignore[arg-type]
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
