"""Winning journeys: touchpoints and short sequences over-represented among customers who reach an
outcome (purchase, retention, complaint, call).

For each pattern (a touchpoint, or 2-3 touchpoints in a row, repeats merged) done by a customer —
before their first outcome event for those who reach it, over the whole history otherwise — the
odds of having it among customers who reach the outcome against those who do not, with +1
smoothing of each cell: ``OR = ((a+1)/(A-a+1)) / ((b+1)/(B-b+1))``. The flag ``significant`` is
a two-sided Wald test on log(OR) at ``alpha`` with a Bonferroni correction over the patterns
tested (many patterns are tested at once).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ibis
import ibis.expr.types as ir

from parcours.analytics._common import (
    SEPARATOR,
    AnalyticsError,
    Columns,
    events_table,
    seconds,
    tiebreak,
)
from parcours.analytics._funnel import Step

__all__ = ["winning_journeys"]


def winning_journeys(
    events: Any,
    outcome: Any,
    lengths: Sequence[int] = (1, 2, 3),
    min_support: int = 30,
    alpha: float = 0.05,
    *,
    separator: str = SEPARATOR,
    customer: str = "customer_id",
    ts: str = "ts",
    touchpoint: str = "touchpoint",
) -> ir.Table:
    """Patterns ranked by odds ratio: pattern, length, with_outcome (customers reaching the
    outcome who did it), without_outcome, odds_ratio, log_odds_ratio, z, p_value, significant.

    ``outcome``: a touchpoint name, a mapping such as ``{"stage": "subscribe"}`` (as funnel steps),
    or a table of the customers who reached it (customer_id[, ts]: without ts, their whole history
    counts). Patterns done by fewer than ``min_support`` customers are left out.
    """
    if not lengths or min(lengths) < 1 or max(lengths) > 3:
        raise AnalyticsError(f"expected pattern lengths between 1 and 3, found {list(lengths)}")
    cols = Columns(customer=customer, ts=ts, touchpoint=touchpoint)
    t = events_table(events, cols, ("customer", "ts", "touchpoint"))
    t = t.mutate(_t=seconds(t.ts))
    if isinstance(outcome, (str, dict, Step)):
        step = Step.of(outcome)
        hit = step.matches(t)
        reached = t.filter(hit).group_by("customer_id").aggregate(_at=t._t.min())
        t = t.filter(~hit)
    else:
        people = events_table(outcome, Columns(customer=customer, ts=ts), ("customer",))
        if "ts" in people.columns:
            reached = people.group_by("customer_id").aggregate(_at=seconds(people.ts).min())
        else:
            reached = people.select("customer_id").distinct().mutate(_at=ibis.null("float64"))
    t = t.filter(t.touchpoint.notnull())
    everyone = t.select("customer_id").distinct()
    base = everyone.left_join(reached, "customer_id").select(
        "customer_id", _won=reached._at.notnull() | reached.customer_id.notnull(), _at=reached._at
    )
    base = base.mutate(_won=base._won.fill_null(False))
    j = t.inner_join(base, "customer_id")
    j = j.filter(~j._won | j._at.isnull() | (j._t < j._at))
    order = ibis.window(group_by=j.customer_id, order_by=[j.ts, *tiebreak(j)])
    # Repeats of one touchpoint in a row count once. (The previous touchpoint is a column first:
    # a window inside a filter does not compile on Spark.)
    j = j.mutate(_prev=j.touchpoint.lag().over(order))
    j = j.filter((j.touchpoint != j._prev).fill_null(True)).drop("_prev")
    order = ibis.window(group_by=j.customer_id, order_by=[j.ts, *tiebreak(j)])
    p1, p2 = j.touchpoint.lag(1).over(order), j.touchpoint.lag(2).over(order)
    sep = ibis.literal(separator)
    patterns = []
    for n in sorted(set(lengths)):
        if n == 1:
            text = j.touchpoint
        elif n == 2:
            text = p1 + sep + j.touchpoint
        else:
            text = p2 + sep + p1 + sep + j.touchpoint
        patterns.append(j.select("customer_id", "_won", pattern=text, length=ibis.literal(n)))
    found = ibis.union(*patterns)
    found = found.filter(found.pattern.notnull()).distinct()
    totals = base.aggregate(_A=base._won.cast("int64").sum(), _B=(~base._won).cast("int64").sum())
    counts = found.group_by(["pattern", "length"]).aggregate(
        with_outcome=found._won.cast("int64").sum(),
        without_outcome=(~found._won).cast("int64").sum(),
    )
    counts = counts.filter((counts.with_outcome + counts.without_outcome) >= min_support)
    frame = counts.cross_join(totals).to_pandas()
    return ibis.memtable(_statistics(frame, alpha))


def _statistics(frame: Any, alpha: float) -> Any:
    import numpy as np
    import pandas as pd
    from scipy import stats

    columns = [
        "pattern",
        "length",
        "with_outcome",
        "without_outcome",
        "customers_with_outcome",
        "customers_without_outcome",
        "odds_ratio",
        "log_odds_ratio",
        "z",
        "p_value",
        "significant",
    ]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    a = frame.with_outcome.astype(float)
    b = frame.without_outcome.astype(float)
    big_a = frame._A.astype(float)
    big_b = frame._B.astype(float)
    log_or = np.log((a + 1) / (big_a - a + 1)) - np.log((b + 1) / (big_b - b + 1))
    se = np.sqrt(1 / (a + 1) + 1 / (big_a - a + 1) + 1 / (b + 1) + 1 / (big_b - b + 1))
    z = log_or / se
    p = 2 * stats.norm.sf(np.abs(z))
    out = pd.DataFrame(
        {
            "pattern": frame.pattern,
            "length": frame.length.astype("int64"),
            "with_outcome": frame.with_outcome.astype("int64"),
            "without_outcome": frame.without_outcome.astype("int64"),
            "customers_with_outcome": frame._A.astype("int64"),
            "customers_without_outcome": frame._B.astype("int64"),
            "odds_ratio": np.exp(log_or),
            "log_odds_ratio": log_or,
            "z": z,
            "p_value": p,
            "significant": p * len(frame) < alpha,
        }
    )
    return out.sort_values(["odds_ratio", "pattern"], ascending=[False, True]).reset_index(
        drop=True
    )
