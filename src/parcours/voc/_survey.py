"""Survey metrics per group over the ``responses`` table: Ibis counts, then the interval maths.

The engine (DuckDB or Spark through Ibis) reduces the answers of each group to a handful of sums
(n, promoters, detractors, top-2-box, sum and sum of squares...); :mod:`parcours.voc._stats` turns
them into values and intervals. Nothing but the per-group sums leaves the engine.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import ibis
import pandas as pd

from parcours.voc._errors import VocError
from parcours.voc._stats import (
    DEFAULT_MIN_N,
    CesScale,
    ProportionMethod,
    ces_from_counts,
    csat_from_counts,
    nps_from_counts,
)

if TYPE_CHECKING:
    from parcours.model import Journey

__all__ = [
    "GROUPS",
    "SATISFACTION_COLUMNS",
    "filter_period",
    "resolve_touchpoints",
    "satisfaction",
]

GROUPS = ("stage", "channel", "touchpoint", "persona", "period")
SATISFACTION_COLUMNS = ("metric", "value", "n", "ci_low", "ci_high", "small_sample")
METRICS = ("nps", "csat", "ces")
PERIODS = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}


def resolve_touchpoints(responses: Any, journey: Journey | None) -> Any:
    """Fill a missing ``touchpoint`` from the journey map's touchpoint at the same stage and channel.

    Survey tools know the stage and the channel, rarely the touchpoint. Where one stage x channel
    has one customer-initiated (pull) touchpoint, or a single touchpoint, that is the one surveyed.
    """
    if journey is None:
        return responses
    candidates: dict[tuple[str, str], list[Any]] = {}
    for tp in journey.touchpoints:
        candidates.setdefault((tp.stage, tp.channel), []).append(tp)
    pairs: dict[tuple[str, str], str] = {}
    for key, tps in candidates.items():
        pulls = [tp for tp in tps if tp.direction == "pull"]
        chosen = pulls if pulls else tps
        if len(chosen) == 1:
            pairs[key] = chosen[0].id
    if not pairs:
        return responses
    guessed = ibis.cases(
        *[
            ((responses.stage == stage) & (responses.channel == channel), ibis.literal(tp))
            for (stage, channel), tp in pairs.items()
        ],
        else_=ibis.null(str),
    )
    return responses.mutate(touchpoint=responses.touchpoint.coalesce(guessed))


def _bound(value: Any, timezone: str, end: bool) -> Any:
    if value is None:
        return None
    stamp = pd.Timestamp(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime) and end:
        stamp = stamp + pd.Timedelta(days=1)  # an end date includes its whole day
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize(timezone)
    return stamp.tz_convert("UTC").to_pydatetime()


def filter_period(table: Any, period: Sequence[Any] | None, timezone: str = "Europe/Paris") -> Any:
    """Keep the rows whose ``ts`` falls in ``period = (start, end)`` (dates inclusive; None = open)."""
    if period is None:
        return table
    if len(period) != 2:
        raise VocError(f"period: expected a (start, end) pair of dates, found {period!r}")
    start, end = _bound(period[0], timezone, False), _bound(period[1], timezone, True)
    if start is not None and end is not None and start >= end:
        raise VocError(f"period: expected start before end, found {period[0]} to {period[1]}")
    if start is not None:
        table = table.filter(table.ts >= start)
    if end is not None:
        table = table.filter(table.ts < end)
    return table


def satisfaction(
    responses: Any,
    by: Sequence[str] = ("stage",),
    *,
    metrics: Sequence[str] = METRICS,
    min_n: int = DEFAULT_MIN_N,
    confidence: float = 0.95,
    csat_method: ProportionMethod = "wilson",
    ces_scale: CesScale = "effort-5",
    period_unit: str = "month",
) -> pd.DataFrame:
    """NPS, CSAT and CES with n and intervals for each group of ``responses``.

    ``by`` picks among the columns of the table (stage, channel, touchpoint, persona when joined...)
    and ``period``, which buckets ``ts`` by ``period_unit`` (day, week, month, quarter, year).
    Returns one row per group and metric: the ``by`` columns then metric, value, n, ci_low,
    ci_high, small_sample, method (NPS in points, CSAT in %, CES as in :func:`parcours.voc.ces`).
    """
    from parcours.warehouse import as_table

    table = as_table(responses)
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise VocError(f"metrics: expected among {', '.join(METRICS)}, found {unknown}")
    keys = list(by)
    if "period" in keys:
        if period_unit not in PERIODS:
            raise VocError(
                f"period_unit: expected one of {', '.join(PERIODS)}, found {period_unit!r}"
            )
        table = table.mutate(period=table.ts.truncate(PERIODS[period_unit]).date())
    missing = [k for k in keys if k not in table.columns]
    if missing:
        raise VocError(
            f"by: expected columns of the responses table, found {missing} "
            f"(columns: {', '.join(table.columns)})"
        )
    table = table.filter(table.metric.isin(list(metrics)) & table.score.notnull())
    s = table.score
    one = ibis.literal(1)
    zero = ibis.literal(0)
    counts = (
        table.group_by([*keys, "metric"])
        .aggregate(
            n=table.count(),
            promoters=(s >= 9).ifelse(one, zero).sum(),
            passives=((s >= 7) & (s <= 8)).ifelse(one, zero).sum(),
            detractors=(s <= 6).ifelse(one, zero).sum(),
            top2=(s >= 4).ifelse(one, zero).sum(),
            low2=(s <= 2).ifelse(one, zero).sum(),
            top3_of_7=(s >= 5).ifelse(one, zero).sum(),
            total=s.sum(),
            total_squares=(s * s).sum(),
            low=s.min(),
            high=s.max(),
        )
        .to_pandas()
    )
    rows: list[dict[str, Any]] = []
    for record in counts.to_dict("records"):
        metric = record["metric"]
        n = int(record["n"])
        if metric == "nps":
            _check_range(record, 0, 10, "nps")
            result = nps_from_counts(
                int(record["promoters"]),
                int(record["passives"]),
                int(record["detractors"]),
                confidence=confidence,
                min_n=min_n,
            )
        elif metric == "csat":
            _check_range(record, 1, 5, "csat")
            result = csat_from_counts(
                int(record["top2"]),
                n,
                float(record["total"]),
                float(record["total_squares"]),
                method=csat_method,
                confidence=confidence,
                min_n=min_n,
            )
        else:
            _check_range(record, 1, 5 if ces_scale == "effort-5" else 7, "ces")
            agree = record["low2"] if ces_scale == "effort-5" else record["top3_of_7"]
            result = ces_from_counts(
                n,
                float(record["total"]),
                float(record["total_squares"]),
                int(agree),
                scale=ces_scale,
                method=csat_method,
                confidence=confidence,
                min_n=min_n,
            )
        rows.append(
            {
                **{k: record[k] for k in keys},
                "metric": metric,
                "value": result.value,
                "n": result.n,
                "ci_low": result.ci_low,
                "ci_high": result.ci_high,
                "small_sample": result.small_sample,
                "method": result.method,
            }
        )
    columns = [*keys, *SATISFACTION_COLUMNS, "method"]
    frame = pd.DataFrame(rows, columns=columns)
    order = {m: i for i, m in enumerate(METRICS)}
    frame["_m"] = frame["metric"].map(order)
    frame = frame.sort_values([*keys, "_m"], na_position="last").drop(columns="_m")
    return frame.reset_index(drop=True)


def _check_range(record: dict[str, Any], low: float, high: float, metric: str) -> None:
    lo, hi = float(record["low"]), float(record["high"])
    if (not math.isnan(lo) and lo < low) or (not math.isnan(hi) and hi > high):
        raise VocError(
            f"responses.score for metric {metric}: expected {low:g} to {high:g}, "
            f"found values from {lo:g} to {hi:g}"
        )
