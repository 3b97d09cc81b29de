"""Paths: sessions split by inactivity, the most frequent paths, paths to or from a touchpoint,
and Sankey-ready edges. Set-based: positions by window functions, paths by pivoting positions."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from parcours.analytics._common import (
    SEPARATOR,
    AnalyticsError,
    Columns,
    events_table,
    parse_duration,
    seconds,
    tiebreak,
)

__all__ = ["paths", "sankey_edges", "sessions"]


def sessions(
    events: Any,
    gap: Any = "30min",
    *,
    customer: str = "customer_id",
    ts: str = "ts",
    touchpoint: str = "touchpoint",
) -> ir.Table:
    """The events with ``session`` (1, 2... per customer: a new one after ``gap`` of inactivity;
    ``gap=None`` keeps each customer's whole history as one session) and ``position`` (1, 2...
    within the session, in time order)."""
    t = events_table(
        events,
        Columns(customer=customer, ts=ts, touchpoint=touchpoint),
        ("customer", "ts", "touchpoint"),
    )
    t = t.filter(t.touchpoint.notnull())
    keys = [t.ts, *tiebreak(t)]
    order = ibis.window(group_by=t.customer_id, order_by=keys)
    if gap is None:
        t = t.mutate(session=ibis.literal(1).cast("int64"))
    else:
        limit = parse_duration(gap, "session gap")
        t = t.mutate(_t=seconds(t.ts))
        starts = ((t._t - t._t.lag().over(order)) > limit).fill_null(True).cast("int64")
        t = t.mutate(_new=starts)
        running = ibis.window(group_by=t.customer_id, order_by=[t.ts, *tiebreak(t)], rows=(None, 0))
        t = t.mutate(session=t._new.sum().over(running)).drop("_t", "_new")
    within = ibis.window(group_by=[t.customer_id, t.session], order_by=[t.ts, *tiebreak(t)])
    return t.mutate(position=(ibis.row_number().over(within) + 1).cast("int64"))


def _positioned(
    events: Any,
    steps: int,
    gap: Any,
    start: str | None,
    end: str | None,
    collapse: bool,
    columns: dict[str, str],
) -> ir.Table:
    """One row per kept event: customer, session, rel (1..steps) and touchpoint."""
    if steps < 1:
        raise AnalyticsError(f"expected at least one step per path, found {steps}")
    if start is not None and end is not None:
        raise AnalyticsError("expected paths from a touchpoint or to a touchpoint, found both")
    t = sessions(events, gap, **columns)
    if collapse:
        keys = [t.position]
        w = ibis.window(group_by=[t.customer_id, t.session], order_by=keys)
        t = t.mutate(_prev=t.touchpoint.lag().over(w))  # a column first: Spark cannot filter
        t = t.filter((t.touchpoint != t._prev).fill_null(True)).drop("_prev")  # on a window
        w = ibis.window(group_by=[t.customer_id, t.session], order_by=[t.position])
        t = t.mutate(position=(ibis.row_number().over(w) + 1).cast("int64"))
    group = ibis.window(group_by=[t.customer_id, t.session])
    if start is not None:
        anchor = (
            ibis.ifelse(t.touchpoint == start, t.position, ibis.null("int64")).min().over(group)
        )
        t = t.mutate(_anchor=anchor)
        t = t.filter(
            t._anchor.notnull() & (t.position >= t._anchor) & (t.position < t._anchor + steps)
        )
        t = t.mutate(rel=t.position - t._anchor + 1)
    elif end is not None:
        anchor = ibis.ifelse(t.touchpoint == end, t.position, ibis.null("int64")).min().over(group)
        t = t.mutate(_anchor=anchor)
        t = t.filter(
            t._anchor.notnull() & (t.position <= t._anchor) & (t.position > t._anchor - steps)
        )
        t = t.mutate(rel=t.position - t._anchor + steps)
    else:
        t = t.filter(t.position <= steps).mutate(rel=t.position)
    return t.select("customer_id", "session", "rel", "touchpoint")


def _pivot(t: ir.Table, steps: int) -> ir.Table:
    return t.group_by(["customer_id", "session"]).aggregate(
        **{f"s{i}": t.touchpoint.max(where=t.rel == i) for i in range(1, steps + 1)}
    )


def paths(
    events: Any,
    steps: int = 5,
    top: int | None = 20,
    gap: Any = "30min",
    *,
    start: str | None = None,
    end: str | None = None,
    collapse: bool = False,
    separator: str = SEPARATOR,
    customer: str = "customer_id",
    ts: str = "ts",
    touchpoint: str = "touchpoint",
) -> ir.Table:
    """The ``top`` most frequent paths of at most ``steps`` touchpoints per session (``gap`` of
    inactivity splits sessions; None: the whole history): ``path``, ``sessions``, ``customers``,
    ``share`` of all sessions, ``length``. ``start``: paths from the first time a touchpoint is
    done in the session; ``end``: the steps that lead to it. ``collapse`` merges repeats in a row.
    """
    columns = {"customer": customer, "ts": ts, "touchpoint": touchpoint}
    t = _positioned(events, steps, gap, start, end, collapse, columns)
    wide = _pivot(t, steps)
    if end is None:
        text = wide.s1
        for i in range(2, steps + 1):
            text = text + (ibis.literal(separator) + wide[f"s{i}"]).fill_null("")
    else:
        text = wide[f"s{steps}"]
        for i in range(steps - 1, 0, -1):
            text = (wide[f"s{i}"] + ibis.literal(separator)).fill_null("") + text
    length = sum(
        (wide[f"s{i}"].notnull().cast("int64") for i in range(2, steps + 1)),
        wide.s1.notnull().cast("int64"),
    )
    wide = wide.mutate(path=text, length=length)
    total = wide.count().as_scalar()
    out = wide.group_by("path").aggregate(
        sessions=wide.count(), customers=wide.customer_id.nunique(), length=wide.length.max()
    )
    out = out.mutate(share=out.sessions.cast("float64") / total).order_by(
        [ibis.desc("sessions"), "path"]
    )
    return out.limit(top) if top is not None else out


def sankey_edges(
    events: Any,
    steps: int = 5,
    gap: Any = "30min",
    *,
    start: str | None = None,
    end: str | None = None,
    collapse: bool = False,
    customer: str = "customer_id",
    ts: str = "ts",
    touchpoint: str = "touchpoint",
) -> ir.Table:
    """Sankey links between consecutive positions of the session paths: ``step`` (1 for the link
    from position 1 to 2), ``source``, ``target``, ``sessions``."""
    columns = {"customer": customer, "ts": ts, "touchpoint": touchpoint}
    t = _positioned(events, steps, gap, start, end, collapse, columns)
    wide = _pivot(t, steps)
    parts = []
    for i in range(1, steps):
        link = wide.filter(wide[f"s{i}"].notnull() & wide[f"s{i + 1}"].notnull())
        parts.append(
            link.group_by([link[f"s{i}"].name("source"), link[f"s{i + 1}"].name("target")])
            .aggregate(sessions=link.count())
            .mutate(step=ibis.literal(i).cast("int64"))
        )
    if not parts:
        raise AnalyticsError("expected at least two steps for Sankey links, found one")
    out = ibis.union(*parts)
    return out.select("step", "source", "target", "sessions").order_by(
        ["step", ibis.desc("sessions"), "source", "target"]
    )
