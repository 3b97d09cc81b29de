"""Process maps: the directly-follows graph (frequency and performance) and the variants.

Events of a case (a customer) are ordered by time, ties broken by file order when the input is a
data frame (what PM4Py does), else by touchpoint and event id, so the result is deterministic on
every engine.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from parcours.analytics._common import (
    SEPARATOR,
    Columns,
    events_table,
    median,
    seconds,
    tiebreak,
)

__all__ = ["dfg", "variants"]


def _columns(
    customer: str,
    ts: str,
    touchpoint: str,
    case: str | None,
    activity: str | None,
    timestamp: str | None,
) -> Columns:
    return Columns(customer=case or customer, ts=timestamp or ts, touchpoint=activity or touchpoint)


def dfg(
    events: Any,
    *,
    customer: str = "customer_id",
    ts: str = "ts",
    touchpoint: str = "touchpoint",
    case: str | None = None,
    activity: str | None = None,
    timestamp: str | None = None,
    performance: bool = True,
) -> ir.Table:
    """The directly-follows graph: one row per (source, target) touchpoint pair that directly
    follow each other in some customer's (case's) history, with the number of times (``count``)
    and the durations between them in seconds (``mean_seconds``, ``median_seconds``,
    ``min_seconds``, ``max_seconds``).

    ``case``, ``activity`` and ``timestamp`` name the columns of a process log (they override
    ``customer``, ``touchpoint`` and ``ts``). ``performance=False``: counts only (faster).
    """
    cols = _columns(customer, ts, touchpoint, case, activity, timestamp)
    t = events_table(events, cols, ("customer", "ts", "touchpoint"))
    t = t.filter(t.touchpoint.notnull())
    t = t.select("customer_id", "ts", *[k.get_name() for k in tiebreak(t)])
    keys = [t.ts, *tiebreak(t)]
    window = ibis.window(group_by=t.customer_id, order_by=keys)
    if not performance:
        links = t.select(source=t.touchpoint, target=t.touchpoint.lead().over(window))
        links = links.filter(links.target.notnull())
        return (
            links.group_by(["source", "target"])
            .aggregate(count=links.count())
            .order_by([ibis.desc("count"), "source", "target"])
        )
    pairs = t.select(
        source=t.touchpoint,
        target=t.touchpoint.lead().over(window),
        duration=seconds(t.ts.lead().over(window)) - seconds(t.ts),
    )
    pairs = pairs.filter(pairs.target.notnull())
    return (
        pairs.group_by(["source", "target"])
        .aggregate(
            count=pairs.count(),
            mean_seconds=pairs.duration.mean(),
            median_seconds=median(pairs.duration),
            min_seconds=pairs.duration.min(),
            max_seconds=pairs.duration.max(),
        )
        .order_by([ibis.desc("count"), "source", "target"])
    )


def variants(
    events: Any,
    *,
    customer: str = "customer_id",
    ts: str = "ts",
    touchpoint: str = "touchpoint",
    case: str | None = None,
    activity: str | None = None,
    timestamp: str | None = None,
    separator: str = SEPARATOR,
) -> ir.Table:
    """Variants: distinct whole sequences of touchpoints (activities), each with the number of
    customers (cases) who followed it, their share, its length and the median duration from first
    to last event in seconds. Most frequent first."""
    cols = _columns(customer, ts, touchpoint, case, activity, timestamp)
    t = events_table(events, cols, ("customer", "ts", "touchpoint"))
    t = t.filter(t.touchpoint.notnull())
    keys = [t.ts, *tiebreak(t)]
    # Engine-neutral ordered concatenation: Spark has no ordered aggregates, so collect
    # (position, touchpoint) pairs, sort them and keep the touchpoints.
    t = t.mutate(_pos=ibis.row_number().over(group_by=t.customer_id, order_by=keys))
    pairs = ibis.struct({"pos": t._pos, "tp": t.touchpoint})
    per_case = t.group_by("customer_id").aggregate(
        variant=pairs.collect().sort().map(lambda p: p.tp).join(separator),
        length=t.count(),
        duration=seconds(t.ts.max()) - seconds(t.ts.min()),
    )
    total = per_case.count()
    out = per_case.group_by("variant").aggregate(
        cases=per_case.count(),
        length=per_case.length.max(),
        median_duration_seconds=median(per_case.duration),
    )
    return out.mutate(share=out.cases.cast("float64") / total.as_scalar()).order_by(
        [ibis.desc("cases"), "variant"]
    )
