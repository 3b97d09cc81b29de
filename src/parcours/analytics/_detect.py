"""Finding problems in the journey: redundant touchpoints, ruptures, blocking points, timing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ibis
import ibis.expr.types as ir

from parcours.analytics._common import (
    AnalyticsError,
    Columns,
    events_table,
    median,
    parse_duration,
    quantile,
    seconds,
    tiebreak,
)
from parcours.model import Journey

__all__ = ["blocking_points", "main_stages", "redundancies", "ruptures", "timing"]


def redundancies(
    events: Any,
    gap: Any = "10min",
    *,
    push_only: bool = True,
    min_customers: int = 1,
    customer: str = "customer_id",
    ts: str = "ts",
    touchpoint: str = "touchpoint",
) -> ir.Table:
    """Pairs of (push) touchpoints sent one right after the other to the same customer within
    ``gap``: two process events for one customer moment. Columns: first, second, customers,
    occurrences, median_gap_seconds, max_gap_seconds, share (of the customers who got ``first``).
    Uses the ``direction`` column (push/pull) when ``push_only``."""
    limit = parse_duration(gap, "gap")
    t = events_table(
        events,
        Columns(customer=customer, ts=ts, touchpoint=touchpoint),
        ("customer", "ts", "touchpoint"),
    )
    t = t.filter(t.touchpoint.notnull())
    if push_only:
        if "direction" not in t.columns:
            raise AnalyticsError(
                "expected a direction column (push/pull) to find redundant push messages, found "
                f"{', '.join(t.columns)} (or pass push_only=False)"
            )
        t = t.filter(t.direction == "push")
    window = ibis.window(group_by=t.customer_id, order_by=[t.ts, *tiebreak(t)])
    t = t.mutate(_t=seconds(t.ts))
    pairs = t.select(
        "customer_id",
        first=t.touchpoint,
        second=t.touchpoint.lead().over(window),
        gap=t._t.lead().over(window) - t._t,
    )
    pairs = pairs.filter(pairs.second.notnull() & (pairs.gap <= limit))
    receivers = t.group_by(t.touchpoint.name("first")).aggregate(_receivers=t.customer_id.nunique())
    out = pairs.group_by(["first", "second"]).aggregate(
        customers=pairs.customer_id.nunique(),
        occurrences=pairs.count(),
        median_gap_seconds=median(pairs.gap),
        max_gap_seconds=pairs.gap.max(),
    )
    out = out.filter(out.customers >= min_customers)
    out = out.inner_join(receivers, "first")
    out = out.mutate(share=out.customers.cast("float64") / out._receivers).drop("_receivers")
    return out.order_by([ibis.desc("customers"), "first", "second"])


def _pairs_of(pairs: Any) -> list[tuple[str, str, str | None]]:
    """(from, to, rupture id) from a journey map, Rupture objects or (from, to) tuples."""
    if hasattr(pairs, "ruptures"):
        pairs = pairs.ruptures
    out: list[tuple[str, str, str | None]] = []
    for item in pairs:
        if hasattr(item, "from_"):
            out.append((item.from_, item.to, item.id))
        elif isinstance(item, Sequence) and not isinstance(item, str) and len(item) == 2:
            out.append((str(item[0]), str(item[1]), None))
        else:
            raise AnalyticsError(
                f"expected rupture pairs as (from touchpoint, to touchpoint) or a journey map, "
                f"found {item!r}"
            )
    return out


MAP_RUPTURE_WITHIN = "30d"
"""Default delay of a journey map's ruptures (from one touchpoint to its rupture touchpoint)."""
DISCOVERY_RUPTURE_WITHIN = "1h"
"""Default delay of discovered ruptures (the next pull event, on another channel)."""


def ruptures(
    events: Any,
    pairs: Any = None,
    within: Any = None,
    *,
    same_stage: bool = True,
    customer: str = "customer_id",
    ts: str = "ts",
    touchpoint: str = "touchpoint",
    channel: str = "channel",
) -> ir.Table:
    """Customers who start again on another channel shortly after a touchpoint.

    Without ``pairs`` (discovery): a customer-initiated (pull) touchpoint followed, as the next
    pull event within ``within``, by one on another channel at the same stage (any stage when
    ``same_stage`` is False): the web form then the phone call. With ``pairs`` (a journey map's
    ``ruptures``, or (from, to) touchpoint pairs): customers who did ``from`` then ``to`` within
    ``within``. Columns: rupture, from_touchpoint, to_touchpoint, customers, occurrences,
    median_gap_seconds (plus from/to channel in discovery), most customers first.

    ``within`` defaults to :data:`MAP_RUPTURE_WITHIN` (30 days) with ``pairs``, as a map's
    rupture (the web quote, then the agency) spans days, and to one hour in discovery, where the
    next pull event on another channel is a restart of the same attempt.
    """
    if within is None:
        within = MAP_RUPTURE_WITHIN if pairs is not None else DISCOVERY_RUPTURE_WITHIN
    limit = parse_duration(within, "rupture delay")
    cols = Columns(customer=customer, ts=ts, touchpoint=touchpoint, channel=channel)
    if pairs is not None:
        t = events_table(events, cols, ("customer", "ts", "touchpoint"))
        return _defined_ruptures(t, _pairs_of(pairs), limit)
    t = events_table(events, cols, ("customer", "ts", "touchpoint", "channel"))
    t = t.filter(t.touchpoint.notnull())
    if "direction" in t.columns:
        t = t.filter(t.direction == "pull")
    window = ibis.window(group_by=t.customer_id, order_by=[t.ts, *tiebreak(t)])
    t = t.mutate(_t=seconds(t.ts))
    has_stage = "stage" in t.columns
    nxt = t.select(
        "customer_id",
        from_touchpoint=t.touchpoint,
        from_channel=t.channel,
        to_touchpoint=t.touchpoint.lead().over(window),
        to_channel=t.channel.lead().over(window),
        gap=t._t.lead().over(window) - t._t,
        from_stage=t.stage if has_stage else ibis.null("string"),
        to_stage=t.stage.lead().over(window) if has_stage else ibis.null("string"),
    )
    keep = nxt.to_touchpoint.notnull() & (nxt.gap <= limit) & (nxt.to_channel != nxt.from_channel)
    if same_stage:
        if not has_stage:
            raise AnalyticsError(
                "expected a stage column to find ruptures within a stage, found none "
                "(or pass same_stage=False)"
            )
        keep = keep & (nxt.to_stage == nxt.from_stage)
    nxt = nxt.filter(keep.fill_null(False))
    out = nxt.group_by(
        ["from_touchpoint", "to_touchpoint", "from_channel", "to_channel"]
    ).aggregate(
        customers=nxt.customer_id.nunique(),
        occurrences=nxt.count(),
        median_gap_seconds=median(nxt.gap),
    )
    out = out.mutate(rupture=ibis.null("string"))
    return out.select(
        "rupture",
        "from_touchpoint",
        "to_touchpoint",
        "from_channel",
        "to_channel",
        "customers",
        "occurrences",
        "median_gap_seconds",
    ).order_by([ibis.desc("customers"), "from_touchpoint", "to_touchpoint"])


def _defined_ruptures(
    t: ir.Table, pairs: list[tuple[str, str, str | None]], limit: float
) -> ir.Table:
    if not pairs:
        raise AnalyticsError("expected at least one rupture pair, found none")
    t = t.filter(t.touchpoint.notnull())
    t = t.mutate(_t=seconds(t.ts))
    parts = []
    for source, target, rid in pairs:
        s = t.filter(t.touchpoint.isin([source, target]))
        following = ibis.window(
            group_by=s.customer_id, order_by=[s._t, *tiebreak(s)], rows=(1, None)
        )
        s = s.mutate(
            _next=ibis.ifelse(s.touchpoint == target, s._t, ibis.null("float64"))
            .min()
            .over(following)
        )
        hits = s.filter((s.touchpoint == source) & s._next.notnull())
        hits = hits.mutate(gap=hits._next - hits._t)
        hits = hits.filter(hits.gap <= limit)
        parts.append(
            hits.aggregate(
                customers=hits.customer_id.nunique(),
                occurrences=hits.count(),
                median_gap_seconds=median(hits.gap),
            ).mutate(
                rupture=ibis.literal(rid, "string"),
                from_touchpoint=ibis.literal(source),
                to_touchpoint=ibis.literal(target),
            )
        )
    out = ibis.union(*parts)
    return out.select(
        "rupture",
        "from_touchpoint",
        "to_touchpoint",
        "customers",
        "occurrences",
        "median_gap_seconds",
    ).order_by([ibis.desc("customers"), "from_touchpoint"])


def main_stages(journey: Journey) -> list[str]:
    """The stages a customer goes through in turn: every stage before the last phase, then the
    first stage of the last phase (later ones, such as complaints or cancelling, are branches)."""
    ordered = journey.stage_order()
    if not ordered:
        return []
    last_phase = ordered[-1].phase
    head = [s.id for s in ordered if s.phase != last_phase]
    tail = [s.id for s in ordered if s.phase == last_phase]
    return head + tail[:1]


def _staged_events(
    events: Any, stages: Sequence[str] | Journey, customer: str, ts: str
) -> tuple[list[str], ir.Table]:
    """The stage ids in order (``stages``, or a journey map's :func:`main_stages`) and the events,
    which must have a stage column."""
    ids = main_stages(stages) if isinstance(stages, Journey) else list(stages)
    if len(ids) < 2:
        raise AnalyticsError(f"expected at least two stages, found {len(ids)}")
    t = events_table(events, Columns(customer=customer, ts=ts), ("customer", "ts"))
    if "stage" not in t.columns:
        raise AnalyticsError(f"expected a stage column in the events, found {', '.join(t.columns)}")
    return ids, t


def _stage_firsts(t: ir.Table, stages: list[str]) -> ir.Table:
    t = t.filter(t.stage.isin(stages)).mutate(_t=seconds(t.ts))
    metrics = {f"s{i}": t._t.min(where=t.stage == s) for i, s in enumerate(stages)}
    return t.group_by("customer_id").aggregate(**metrics)


def blocking_points(
    events: Any,
    stages: Sequence[str] | Journey,
    *,
    customer: str = "customer_id",
    ts: str = "ts",
) -> ir.Table:
    """Stages ranked by lost customers (customers at the stage who never reach the next one
    afterwards: volume x drop-off), with the time they spent before dropping (from their first
    event at the stage to their last event, median and p90 in seconds). ``stages``: ids in order,
    or a journey map (its :func:`main_stages`)."""
    ids, t = _staged_events(events, stages, customer, ts)
    last = t.group_by("customer_id").aggregate(_last=seconds(t.ts).max())
    firsts = _stage_firsts(t, ids).inner_join(last, "customer_id")
    parts = []
    for i in range(len(ids) - 1):
        here, nxt = firsts[f"s{i}"], firsts[f"s{i + 1}"]
        at = here.notnull()
        lost = at & ~(nxt >= here).fill_null(False)
        spent = ibis.ifelse(lost, firsts._last - here, ibis.null("float64"))
        parts.append(
            firsts.aggregate(
                customers=at.cast("int64").sum(),
                lost=lost.cast("int64").sum(),
                median_seconds_before_drop=median(spent),
                p90_seconds_before_drop=quantile(spent, 0.9),
            ).mutate(
                position=ibis.literal(i + 1),
                stage=ibis.literal(ids[i]),
                next_stage=ibis.literal(ids[i + 1]),
            )
        )
    out = ibis.union(*parts)
    out = out.mutate(
        customers=out.customers.fill_null(0).cast("int64"),
        lost=out.lost.fill_null(0).cast("int64"),
        drop_off=out.lost.cast("float64") / out.customers.nullif(0).cast("float64"),
    )
    out = out.mutate(
        rank=(ibis.row_number().over(order_by=[ibis.desc(out.lost), out.position]) + 1)
    )
    return out.select(
        "rank",
        "position",
        "stage",
        "next_stage",
        "customers",
        "lost",
        "drop_off",
        "median_seconds_before_drop",
        "p90_seconds_before_drop",
    ).order_by("rank")


def timing(
    events: Any,
    stages: Sequence[str] | Journey,
    by: str | None = None,
    *,
    customers: Any = None,
    customer: str = "customer_id",
    ts: str = "ts",
) -> ir.Table:
    """Time between consecutive stages (first event at a stage to the first event at the next one
    after it): customers, median, p90 and mean in seconds, overall or ``by`` a column —
    ``"channel"`` is the channel of the customer's first event at the earlier stage; another name
    is a column of the events (its value at that event) or of ``customers`` (e.g. persona)."""
    ids, t = _staged_events(events, stages, customer, ts)
    from_customers = by is not None and by not in t.columns
    if from_customers:
        if customers is None:
            raise AnalyticsError(
                f"expected a column {by!r} in the events or a customers table holding it, found "
                f"columns {', '.join(t.columns)}"
            )
        people = events_table(customers, Columns(customer=customer), ("customer",))
        if by not in people.columns:
            raise AnalyticsError(
                f"expected a column {by!r} in the customers table, found {', '.join(people.columns)}"
            )
    firsts = _stage_firsts(t, ids)
    if by is not None and not from_customers:
        # The value at the customer's first event at each stage (same instant: file order,
        # touchpoint, event id, as everywhere), the same on every engine.
        f = t.filter(t.stage.isin(ids[:-1]))
        f = f.mutate(
            _n=ibis.row_number().over(
                group_by=[f.customer_id, f.stage], order_by=[f.ts, *tiebreak(f)]
            )
        )
        f = f.filter(f._n == 0)
        at = f.group_by("customer_id").aggregate(
            **{
                f"b{i}": f[by].cast("string").max(where=f.stage == s)
                for i, s in enumerate(ids[:-1])
            }
        )
        firsts = firsts.left_join(at, "customer_id")
    if from_customers:
        firsts = firsts.left_join(
            people.select("customer_id", _by=people[by].cast("string")), "customer_id"
        )
    parts = []
    for i in range(len(ids) - 1):
        here, nxt = firsts[f"s{i}"], firsts[f"s{i + 1}"]
        ok = here.notnull() & (nxt >= here).fill_null(False)
        rows = firsts.filter(ok).mutate(_d=nxt - here)
        if by is not None:
            rows = rows.mutate(**{by: rows._by if from_customers else rows[f"b{i}"]})
        grouped = rows.group_by([by]) if by is not None else rows
        agg = grouped.aggregate(
            customers=rows.count(),
            median_seconds=median(rows._d),
            p90_seconds=quantile(rows._d, 0.9),
            mean_seconds=rows._d.mean(),
        )
        parts.append(
            agg.mutate(
                from_stage=ibis.literal(ids[i]),
                to_stage=ibis.literal(ids[i + 1]),
                _pos=ibis.literal(i),
            )
        )
    out = ibis.union(*parts)
    keys = ["from_stage", "to_stage", *([by] if by else [])]
    return out.order_by(["_pos", *([by] if by else [])]).select(
        *keys, "customers", "median_seconds", "p90_seconds", "mean_seconds"
    )
