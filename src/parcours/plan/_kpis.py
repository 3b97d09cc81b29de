"""KPI follow-up: each idea's indicators computed month by month from the warehouse.

- ``nps``, ``csat``, ``ces`` at a stage or touchpoint: :func:`parcours.voc.satisfaction` on the
  journey's responses (:func:`parcours.voc.journey_responses`), with its interval;
- ``conversion`` from ``stage`` to ``to_stage``: customers whose first time at ``stage`` falls in
  the month, and the share who reach ``to_stage`` at or after it (as
  :func:`parcours.analytics.stage_conversion` counts), in %, with a Wilson interval;
- ``churn``: :func:`parcours.lifecycle.churn_rates` per month (contractual when the workspace
  records cancellations), in %, with a Wilson interval;
- ``complaints``: interactions at the touchpoint (or stage) in the month; no interval.

Each KPI gets a baseline (the one written in the ideas file, else the month before approval,
else the first month measured), its latest value, and a status: ``reached`` (the latest value
meets the target), ``late`` (the deadline has passed, or the latest value is behind the straight
line from the baseline to the target at the deadline), ``on_track`` otherwise; ``no_data``
without any value.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from parcours.i18n import Lang, get_lang, t
from parcours.model import text
from parcours.plan._ideas import Idea, IdeaKpi, Ideas

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["KPI_COLUMNS", "KpiFollowUp", "follow_kpis", "kpi_series", "kpi_status"]

KPI_COLUMNS = (
    "idea",
    "kpi",
    "metric",
    "label",
    "baseline",
    "baseline_month",
    "latest",
    "latest_month",
    "n",
    "ci_low",
    "ci_high",
    "target",
    "deadline",
    "status",
    "status_label",
)
SERIES_COLUMNS = ("month", "value", "n", "ci_low", "ci_high")


@dataclass(frozen=True)
class KpiFollowUp:
    """``summary``: one row per (idea, KPI), columns :data:`KPI_COLUMNS`; ``series``: idea, kpi,
    month (first day), value, n, ci_low, ci_high."""

    summary: pd.DataFrame
    series: pd.DataFrame


def _empty_series() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(columns=list(SERIES_COLUMNS))


def _survey(workspace: Any, journey: Any, kpi: IdeaKpi) -> pd.DataFrame:
    from parcours.voc import journey_responses, satisfaction

    table = journey_responses(workspace, journey)
    if kpi.touchpoint is not None:
        table = table.filter(table.touchpoint == kpi.touchpoint)
    elif kpi.stage is not None:
        table = table.filter(table.stage == kpi.stage)
    frame = satisfaction(table, ["period"], metrics=[kpi.metric], period_unit="month")
    frame = frame.rename(columns={"period": "month"})
    return frame[list(SERIES_COLUMNS)]


def _conversion(workspace: Any, kpi: IdeaKpi) -> pd.DataFrame:
    import pandas as pd

    from parcours.voc import wilson

    if kpi.stage is None or kpi.to_stage is None:
        return _empty_series()
    t_ = workspace.table("interactions")
    t_ = t_.filter(t_.stage.isin([kpi.stage, kpi.to_stage]))
    firsts = t_.group_by("customer_id").aggregate(
        a=t_.ts.min(where=t_.stage == kpi.stage), b=t_.ts.min(where=t_.stage == kpi.to_stage)
    )
    firsts = firsts.filter(firsts.a.notnull())
    firsts = firsts.mutate(
        month=firsts.a.truncate("M").date(), ok=(firsts.b >= firsts.a).fill_null(False)
    )
    counts = firsts.group_by("month").aggregate(n=firsts.count(), converted=firsts.ok.sum())
    frame = counts.order_by("month").to_pandas()
    rows = []
    for rec in frame.itertuples(index=False):
        n, converted = int(rec.n), int(rec.converted)
        low, high = wilson(converted, n)
        rows.append({"month": rec.month, "value": 100 * converted / n, "n": n,
                     "ci_low": 100 * low, "ci_high": 100 * high})  # fmt: skip
    return pd.DataFrame(rows, columns=list(SERIES_COLUMNS))


def _churn(workspace: Any, journey: Any) -> pd.DataFrame:
    import pandas as pd

    from parcours.lifecycle import Thresholds, churn_rates, workspace_events
    from parcours.voc import wilson

    events, contract = workspace_events(workspace, journey)
    rates = churn_rates(events, "M", thresholds=Thresholds(contract=contract))
    rows = []
    for rec in rates.itertuples(index=False):
        n, lost = int(rec.customers_at_start), int(rec.lost)
        if n == 0:
            continue
        low, high = wilson(lost, n)
        rows.append({"month": pd.Timestamp(rec.period_start).date().replace(day=1),
                     "value": 100 * lost / n, "n": n, "ci_low": 100 * low, "ci_high": 100 * high})  # fmt: skip
    return pd.DataFrame(rows, columns=list(SERIES_COLUMNS))


def _complaints(workspace: Any, kpi: IdeaKpi) -> pd.DataFrame:
    import pandas as pd

    t_ = workspace.table("interactions")
    if kpi.touchpoint is not None:
        t_ = t_.filter(t_.touchpoint == kpi.touchpoint)
    elif kpi.stage is not None:
        t_ = t_.filter(t_.stage == kpi.stage)
    t_ = t_.mutate(month=t_.ts.truncate("M").date())
    frame = t_.group_by("month").aggregate(n=t_.count()).order_by("month").to_pandas()
    out = pd.DataFrame(
        {"month": frame["month"], "value": frame["n"].astype(float), "n": frame["n"]}
    )
    out["ci_low"] = out["ci_high"] = math.nan  # a count has no sampling interval
    return out[list(SERIES_COLUMNS)]


def kpi_series(workspace: Any, kpi: IdeaKpi, journey: Any = None) -> pd.DataFrame:
    """The monthly values of one KPI: month (first day), value, n, ci_low, ci_high."""
    import pandas as pd

    journey = journey if journey is not None else workspace.journey_or_none()
    if kpi.metric in ("nps", "csat", "ces"):
        frame = _survey(workspace, journey, kpi)
    elif kpi.metric == "conversion":
        frame = _conversion(workspace, kpi)
    elif kpi.metric == "churn":
        frame = _churn(workspace, journey)
    else:
        frame = _complaints(workspace, kpi)
    if len(frame):
        frame["month"] = pd.to_datetime(frame["month"]).dt.date
    return frame.reset_index(drop=True)


def _meets(value: float, target: float, better: str) -> bool:
    return value >= target if better == "up" else value <= target


def kpi_status(
    kpi: IdeaKpi,
    series: pd.DataFrame,
    *,
    approved_on: dt.date | None = None,
    at: dt.date | None = None,
) -> dict[str, Any]:
    """Baseline, latest value and status of one KPI from its monthly ``series`` (see module)."""
    at = at or dt.date.today()
    done = series[series["month"] <= at] if len(series) else series
    out: dict[str, Any] = {"baseline": kpi.baseline, "baseline_month": None, "latest": math.nan,
                           "latest_month": None, "n": 0, "ci_low": math.nan, "ci_high": math.nan}  # fmt: skip
    if not len(done):
        out["status"] = "no_data"
        return out
    if kpi.baseline is None:
        before = done
        if approved_on is not None:
            earlier = done[done["month"] < approved_on.replace(day=1)]
            before = earlier if len(earlier) else done
            row = before.iloc[-1] if len(earlier) else before.iloc[0]
        else:
            row = before.iloc[0]
        out["baseline"], out["baseline_month"] = float(row["value"]), row["month"]
    latest = done.iloc[-1]
    out.update(latest=float(latest["value"]), latest_month=latest["month"], n=int(latest["n"]),
               ci_low=float(latest["ci_low"]), ci_high=float(latest["ci_high"]))  # fmt: skip
    better = kpi.better()
    if _meets(out["latest"], kpi.target, better):
        out["status"] = "reached"
    elif at > kpi.deadline:
        out["status"] = "late"
    else:
        start = out["baseline_month"] or (
            approved_on.replace(day=1) if approved_on else done.iloc[0]["month"]
        )
        total = (kpi.deadline - start).days
        elapsed = (latest["month"] - start).days
        share = min(1.0, max(0.0, elapsed / total)) if total > 0 else 1.0
        expected = out["baseline"] + (kpi.target - out["baseline"]) * share
        out["status"] = "on_track" if _meets(out["latest"], expected, better) else "late"
    return out


def _label(kpi: IdeaKpi, journey: Any, lang: Lang) -> str:
    if kpi.label is not None:
        return text(kpi.label, lang)
    name = t(f"plan.kpi.metric.{kpi.metric}", lang)
    names: dict[str, str] = {}
    if journey is not None:
        names = {s.id: text(s.label, lang) for s in journey.stages}
        channels = {c.id: text(c.label, lang) for c in journey.channels}
        names.update(
            {
                tp.id: text(tp.label, lang)
                or f"{names.get(tp.stage, tp.stage)} · {channels.get(tp.channel, tp.channel)}"
                for tp in journey.touchpoints
            }
        )
    if kpi.metric == "conversion" and kpi.stage and kpi.to_stage:
        return f"{name} {names.get(kpi.stage, kpi.stage)} → {names.get(kpi.to_stage, kpi.to_stage)}"
    place = kpi.touchpoint or kpi.stage
    return f"{name} — {names.get(place, place)}" if place else name


def follow_kpis(
    workspace: Any,
    ideas: Ideas | Sequence[Idea],
    *,
    at: dt.date | None = None,
    journey: Any = None,
    lang: Lang | None = None,
) -> KpiFollowUp:
    """Every KPI of every idea that has some (rejected ideas left out), computed monthly."""
    import pandas as pd

    language = lang or get_lang()
    journey = journey if journey is not None else workspace.journey_or_none()
    items = list(ideas.ideas) if isinstance(ideas, Ideas) else list(ideas)
    rows: list[dict[str, Any]] = []
    parts = []
    cache: dict[str, pd.DataFrame] = {}
    for idea in items:
        if idea.status == "rejected":
            continue
        for kpi in idea.kpis:
            key = kpi.model_dump_json(include={"metric", "stage", "touchpoint", "to_stage"})
            if key not in cache:
                cache[key] = kpi_series(workspace, kpi, journey)
            series = cache[key]
            status = kpi_status(kpi, series, approved_on=idea.approved_on, at=at)
            rows.append({"idea": idea.id, "kpi": kpi.id, "metric": kpi.metric,
                         "label": _label(kpi, journey, language), **status,
                         "target": kpi.target, "deadline": kpi.deadline,
                         "status_label": t(f"plan.kpi.{status['status']}", language)})  # fmt: skip
            if len(series):
                parts.append(series.assign(idea=idea.id, kpi=kpi.id))
    summary = pd.DataFrame(rows, columns=list(KPI_COLUMNS))
    columns = ["idea", "kpi", *SERIES_COLUMNS]
    series_all = (
        pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)
    )
    return KpiFollowUp(summary, series_all)
