"""The analytics' sections of the report: matrix heatmap, stage funnel, Sankey of the top
paths, time between stages, blocking points, redundancies and ruptures — each with a one-line
reading in the report's language and its numbers as tables (written beside the report as CSV)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parcours.analytics import (
    PATH_SEPARATOR,
    blocking_points,
    main_stages,
    matrix,
    missing_touchpoints,
    paths,
    preferred_channels,
    redundancies,
    ruptures,
    stage_funnel,
    timing,
    undefined_event_codes,
)
from parcours.i18n import Lang, duration, number, percent, t
from parcours.model import text
from parcours.render import charts
from parcours.render._section import Section, resolve_journey

if TYPE_CHECKING:
    from parcours.model import Journey
    from parcours.workspace import Workspace

__all__ = ["sections"]

DAY = 86400.0
FUNNEL_WINDOW_DAYS = 365
TOP_PATHS = 8
PATH_STEPS = 4
REDUNDANCY_GAP = "10min"
RUPTURE_DELAY = "30d"


def _q(text: str, lang: Lang) -> str:
    return f"« {text} »" if lang == "fr" else f"“{text}”"


def _table(frame: Any, lang: Lang, headers: dict[str, str], shares: tuple[str, ...] = ()) -> str:
    html: str = charts.table_html(frame, lang, headers=headers, percent_columns=shares)
    return html


class _Labels:
    def __init__(self, journey: Any, lang: Lang) -> None:
        self.stage = {s.id: text(s.label, lang) for s in journey.stages}
        self.channel = {c.id: text(c.label, lang) for c in journey.channels}
        self.touchpoint = {
            tp.id: (text(tp.label, lang) if tp.label is not None else "")
            or f"{self.stage.get(tp.stage, tp.stage)} · {self.channel.get(tp.channel, tp.channel)}"
            for tp in journey.touchpoints
        }
        # Two touchpoints of one stage and channel with no label of their own: add the id.
        seen: dict[str, int] = {}
        for label in self.touchpoint.values():
            seen[label] = seen.get(label, 0) + 1
        self.touchpoint = {
            k: (f"{v} ({k})" if seen[v] > 1 else v) for k, v in self.touchpoint.items()
        }


def _records(frame: Any) -> list[Any]:
    return list(frame.itertuples())


def sections(workspace: Workspace, journey: Journey | None, lang: str) -> list[Section]:
    """The analytics sections of the report (see the module docstring)."""
    lg: Lang = "en" if lang == "en" else "fr"
    interactions = workspace.table("interactions")
    if int(interactions.count().to_pandas()) == 0:
        return [
            Section(
                key="analytics_matrix",
                title=t("analytics.matrix.title", lg),
                reading=t("analytics.no_data", lg),
                order=20,
                no_data=True,
            )
        ]
    journey = resolve_journey(workspace, journey)
    labels = _Labels(journey, lg)
    found = [_matrix_section(interactions, journey, labels, lg)]
    stages = main_stages(journey)
    if len(stages) >= 2:
        found.append(_funnel_section(interactions, journey, stages, labels, lg))
        found.append(_timing_section(interactions, stages, labels, lg))
        found.append(_blocking_section(interactions, stages, labels, lg))
    else:
        found.append(
            Section(
                key="analytics_funnel",
                title=t("analytics.funnel.title", lg),
                reading=t("analytics.too_few_stages", lg),
                order=21,
                no_data=True,
            )
        )
    found.append(_paths_section(interactions, labels, lg))
    found.append(_friction_section(interactions, journey, labels, lg))
    return found


def _matrix_section(interactions: Any, journey: Any, labels: _Labels, lg: Lang) -> Section:
    cells = matrix(interactions).to_pandas()
    preferred = preferred_channels(interactions).to_pandas()
    missing = missing_touchpoints(interactions, journey).to_pandas()
    undefined = undefined_event_codes(interactions).to_pandas()
    order = [s.id for s in journey.stage_order()]
    columns = [c.id for c in journey.channels]
    html = charts.heatmap(
        cells,
        "stage",
        "channel",
        "interactions",
        title=t("analytics.matrix.title", lg),
        lang=lg,
        row_labels=labels.stage,
        column_labels=labels.channel,
        row_order=[s for s in order if s in set(cells.stage)],
        column_order=[c for c in columns if c in set(cells.channel)],
    )
    customers = int(interactions.customer_id.nunique().to_pandas())
    top = preferred.sort_values("interactions", ascending=False).iloc[0] if len(preferred) else None
    reading = t(
        "analytics.matrix.reading",
        lg,
        interactions=number(int(cells.interactions.sum()), lg),
        customers=number(customers, lg),
        stage=_q(labels.stage.get(str(top.stage), str(top.stage)), lg) if top is not None else "—",
        channel=labels.channel.get(str(top.channel), str(top.channel)) if top is not None else "—",
        share=percent(float(top.share), lg) if top is not None else "—",
    )
    if len(missing):
        names = ", ".join(_q(labels.touchpoint.get(tp, tp), lg) for tp in missing.touchpoint)
        reading += t("analytics.matrix.missing", lg, touchpoints=names)
    if len(undefined):
        codes = ", ".join(
            f"{c} ({number(int(n), lg)})"
            for c, n in zip(undefined.event_code, undefined.interactions, strict=True)
        )
        reading += t("analytics.matrix.undefined", lg, codes=codes)
    return Section(
        key="analytics_matrix",
        title=t("analytics.matrix.title", lg),
        reading=reading,
        html=html,
        tables={
            "analytics_matrix": cells,
            "analytics_preferred_channels": preferred,
            "analytics_missing_touchpoints": missing,
            "analytics_undefined_event_codes": undefined,
        },
        order=20,
    )


def _funnel_section(
    interactions: Any, journey: Any, stages: list[str], labels: _Labels, lg: Lang
) -> Section:
    result = stage_funnel(interactions, journey, stages, window=f"{FUNNEL_WINDOW_DAYS}d")
    steps = result.to_pandas()
    dropped = result.dropped().to_pandas()
    names = [labels.stage.get(s, s) for s in steps.name]
    html = charts.funnel(
        names,
        [float(v) for v in steps.customers],
        title=t("analytics.funnel.title", lg),
        lang=lg,
    )
    later = steps.iloc[1:]
    worst = later.loc[later.dropped.idxmax()]
    worst_at = int(worst.step)
    reading = t(
        "analytics.funnel.reading",
        lg,
        share=percent(float(steps.conversion_from_first.iloc[-1] or 0.0), lg),
        first=_q(names[0], lg),
        last=_q(names[-1], lg),
        days=number(FUNNEL_WINDOW_DAYS, lg),
        worst=_q(names[worst_at - 2], lg),
        worst_next=_q(names[worst_at - 1], lg),
        lost=number(int(worst.dropped), lg),
    )
    return Section(
        key="analytics_funnel",
        title=t("analytics.funnel.title", lg),
        reading=reading,
        html=html,
        tables={"analytics_funnel": steps, "analytics_funnel_dropped": dropped},
        order=21,
    )


PATH_END = "\x00end"  # the node where paths stop (no touchpoint id can hold a NUL)


def _paths_section(interactions: Any, labels: _Labels, lg: Lang) -> Section:
    every = paths(interactions, steps=PATH_STEPS, top=None, gap=None, collapse=True).to_pandas()
    top = every.head(TOP_PATHS)
    title = t("analytics.paths.title", lg)
    if not len(top):
        return Section(
            key="analytics_paths",
            title=title,
            reading=t("analytics.no_data", lg),
            order=22,
            no_data=True,
        )
    triples: dict[tuple[str, str], float] = {}
    columns: dict[str, int] = {}
    names: dict[str, str] = {}
    for path, count in zip(top.path, top.sessions, strict=True):
        parts = str(path).split(PATH_SEPARATOR)
        for i, tp in enumerate(parts):
            node = f"{i + 1}·{tp}"
            columns[node] = i
            names[node] = labels.touchpoint.get(tp, tp)
        for i in range(len(parts) - 1):
            key = (f"{i + 1}·{parts[i]}", f"{i + 2}·{parts[i + 1]}")
            triples[key] = triples.get(key, 0.0) + float(count)
        # Where each path stops, so that a one-step path (often the most frequent) is drawn too.
        end = f"{len(parts) + 1}·{PATH_END}"
        columns[end] = len(parts)
        names[end] = t("analytics.paths.end", lg)
        key = (f"{len(parts)}·{parts[-1]}", end)
        triples[key] = triples.get(key, 0.0) + float(count)
    shown = top.assign(
        path=[
            " > ".join(labels.touchpoint.get(tp, tp) for tp in str(p).split(PATH_SEPARATOR))
            for p in top.path
        ]
    )
    table = _table(
        shown[["path", "sessions", "share"]],
        lg,
        {
            "path": t("analytics.col.path", lg),
            "sessions": t("analytics.col.sessions", lg),
            "share": t("analytics.col.share", lg),
        },
        ("share",),
    )
    if triples:
        html = (
            charts.sankey(
                [(a, b, v) for (a, b), v in triples.items()],
                title=title,
                lang=lg,
                labels=names,
                columns=columns,
            )
            + table
        )
    else:
        html = table
    first = shown.iloc[0]
    reading = t(
        "analytics.paths.reading",
        lg,
        path=_q(str(first.path), lg),
        sessions=number(int(first.sessions), lg),
        share=percent(float(first.share), lg),
        top=number(len(top), lg),
        covered=percent(float(top.share.sum()), lg),
    )
    return Section(
        key="analytics_paths",
        title=title,
        reading=reading,
        html=html,
        tables={"analytics_top_paths": top},
        order=22,
    )


def _timing_section(interactions: Any, stages: list[str], labels: _Labels, lg: Lang) -> Section:
    overall = timing(interactions, stages).to_pandas()
    by_channel = timing(interactions, stages, by="channel").to_pandas()
    title = t("analytics.timing.title", lg)
    if not len(overall):
        return Section(
            key="analytics_timing",
            title=title,
            reading=t("analytics.no_data", lg),
            order=23,
            no_data=True,
        )
    steps = [
        f"{labels.stage.get(a, a)} → {labels.stage.get(b, b)}"
        for a, b in zip(overall.from_stage, overall.to_stage, strict=True)
    ]
    medians = [float(v) / DAY for v in overall.median_seconds]
    p90 = [float(v) / DAY for v in overall.p90_seconds]
    html = charts.bars(
        steps,
        medians,
        low=medians,
        high=p90,
        notes=[t("analytics.timing.note", lg, p90=duration(v * DAY, lg)) for v in p90],
        title=title,
        lang=lg,
        width=760,
    )
    slowest = overall.loc[overall.median_seconds.idxmax()]
    reading = t(
        "analytics.timing.reading",
        lg,
        stage=_q(labels.stage.get(str(slowest.from_stage), str(slowest.from_stage)), lg),
        next=_q(labels.stage.get(str(slowest.to_stage), str(slowest.to_stage)), lg),
        median=duration(float(slowest.median_seconds), lg),
        p90=duration(float(slowest.p90_seconds), lg),
    )
    return Section(
        key="analytics_timing",
        title=title,
        reading=reading,
        html=html,
        tables={"analytics_timing": overall, "analytics_timing_by_channel": by_channel},
        order=23,
    )


def _blocking_section(interactions: Any, stages: list[str], labels: _Labels, lg: Lang) -> Section:
    ranked = blocking_points(interactions, stages).to_pandas()
    title = t("analytics.blocking.title", lg)
    shown = ranked.sort_values("position")
    names = [labels.stage.get(s, s) for s in shown.stage]
    html = charts.bars(
        names,
        [float(v) for v in shown.lost],
        notes=[
            t("analytics.blocking.note", lg, share=percent(float(v or 0.0), lg))
            for v in shown.drop_off
        ],
        title=title,
        lang=lg,
        width=760,
    )
    top = ranked.iloc[0]
    median = top.median_seconds_before_drop
    reading = t(
        "analytics.blocking.reading",
        lg,
        stage=_q(labels.stage.get(str(top.stage), str(top.stage)), lg),
        next=_q(labels.stage.get(str(top.next_stage), str(top.next_stage)), lg),
        lost=number(int(top.lost), lg),
        share=percent(float(top.drop_off or 0.0), lg),
        wait=duration(float(median or 0.0), lg),
        days=number(FUNNEL_WINDOW_DAYS, lg),
    )
    return Section(
        key="analytics_blocking_points",
        title=title,
        reading=reading,
        html=html,
        tables={"analytics_blocking_points": ranked},
        order=24,
    )


def _friction_section(interactions: Any, journey: Any, labels: _Labels, lg: Lang) -> Section:
    import pandas as pd

    title = t("analytics.friction.title", lg)
    found = redundancies(interactions, gap=REDUNDANCY_GAP, min_customers=1).to_pandas()
    if "direction" not in interactions.columns:
        found = found.iloc[0:0]
    breaks = (
        ruptures(interactions, journey, within=RUPTURE_DELAY).to_pandas()
        if journey.ruptures
        else pd.DataFrame(columns=["rupture", "from_touchpoint", "to_touchpoint", "customers"])
    )
    # A pair that reaches at least 1 % of the customers who got the first message.
    found = found[found.share >= 0.01]
    rows = [
        {
            "kind": t("analytics.kind.redundancy", lg),
            "first": labels.touchpoint.get(r.first, r.first),
            "second": labels.touchpoint.get(r.second, r.second),
            "customers": int(r.customers),
            "share": float(r.share),
        }
        for r in _records(found)
    ] + [
        {
            "kind": t("analytics.kind.rupture", lg),
            "first": labels.touchpoint.get(r.from_touchpoint, r.from_touchpoint),
            "second": labels.touchpoint.get(r.to_touchpoint, r.to_touchpoint),
            "customers": int(r.customers),
            "share": float("nan"),
        }
        for r in _records(breaks)
    ]
    frame = pd.DataFrame(rows, columns=["kind", "first", "second", "customers", "share"])
    if not len(frame):
        return Section(
            key="analytics_friction",
            title=title,
            reading=t("analytics.friction.none", lg),
            order=25,
            no_data=True,
        )
    reading = ""
    if len(found):
        top = found.iloc[0]
        reading = t(
            "analytics.friction.redundancy",
            lg,
            customers=number(int(top.customers), lg),
            first=_q(labels.touchpoint.get(top["first"], top["first"]), lg),
            second=_q(labels.touchpoint.get(top["second"], top["second"]), lg),
            gap="10 min",
        )
    for r in _records(breaks):
        rupture = next((x for x in journey.ruptures if x.id == r.rupture), None)
        reading += t(
            "analytics.friction.rupture",
            lg,
            name=_q(text(rupture.label, lg) if rupture is not None else str(r.rupture), lg),
            customers=number(int(r.customers), lg),
            first=_q(labels.touchpoint.get(r.from_touchpoint, r.from_touchpoint), lg),
            second=_q(labels.touchpoint.get(r.to_touchpoint, r.to_touchpoint), lg),
        )
    headers = {
        c: t(f"analytics.col.{c}", lg) for c in ("kind", "first", "second", "customers", "share")
    }
    return Section(
        key="analytics_friction",
        title=title,
        reading=reading.strip(),
        html=_table(frame, lg, headers, ("share",)),
        tables={"analytics_redundancies": found, "analytics_ruptures": breaks},
        order=25,
    )
