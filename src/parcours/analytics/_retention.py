"""Retention cohorts with PostHog's retention semantics, as one Ibis expression.

Conventions (each one is PostHog's unless said otherwise):

- Periods are calendar periods in UTC: days, weeks or months. Weeks start on Monday by default (ISO;
  PostHog starts them on Sunday: ``week_start="sunday"``).
- A customer joins the cohort of every period in which they did the ``start`` event (``recurring``)
  or only the period of their first-ever ``start`` event, looked for over the whole history, even
  before ``date_from`` (``first_time``).
- Interval 0 is the cohort's size: its members, whether or not they did the ``returning`` event in
  that period. Interval k (k >= 1) counts the members with a ``returning`` event exactly k periods
  after the cohort's period (not "k periods or later": retention is not a funnel, an interval can
  exceed the one before).
- ``date_to`` (default: the last event) includes its whole period; without ``date_from``, the
  ``intervals`` cohorts end at ``date_to``'s period. Intervals that lie after ``date_to``'s period
  cannot be observed yet and are left out (not reported as 0).
- ``start`` and ``returning`` are a touchpoint, or a step mapping as in :func:`funnel`
  (``{"stage": "subscribe"}``, ``{"touchpoint": ["a", "b"]}``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import pandas as pd

from parcours.analytics._common import Columns, events_table
from parcours.analytics._funnel import Step
from parcours.errors import AnalyticsError

__all__ = ["retention", "retention_shares"]

Period = Literal["day", "week", "month"]
_UNITS = {"day": "D", "week": "W", "month": "M"}


def _period_start(ts: ir.TimestampValue, period: str, week_start: str) -> ir.DateValue:
    day = ts.date()
    if period == "week" and week_start == "sunday":
        # a Sunday-started week is the ISO week of the next day, moved back one day
        shifted = (day + ibis.interval(days=1)).truncate("W")
        return shifted - ibis.interval(days=1)
    return day.truncate(_UNITS[period])


def _index(day: ir.DateValue, period: str) -> ir.IntegerValue:
    """A period's rank on a common scale, so that intervals are differences of ranks."""
    if period == "month":
        return day.year() * 12 + day.month()
    days = day.delta(ibis.date(1970, 1, 5), unit="day")  # a Monday
    # every week start is the same weekday, so whole weeks since that Monday rank them
    return days if period == "day" else days.floordiv(7)


def _python_start(day: dt.date, period: str, week_start: str) -> dt.date:
    if period == "day":
        return day
    if period == "month":
        return day.replace(day=1)
    offset = (day.weekday() + (1 if week_start == "sunday" else 0)) % 7
    return day - dt.timedelta(days=offset)


def _shift(day: dt.date, period: str, n: int) -> dt.date:
    if period == "day":
        return day + dt.timedelta(days=n)
    if period == "week":
        return day + dt.timedelta(weeks=n)
    month = day.year * 12 + (day.month - 1) + n
    return dt.date(month // 12, month % 12 + 1, 1)


def _as_date(value: Any, what: str) -> dt.date:
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise AnalyticsError(f"expected a date for {what}, found {value!r}") from exc
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC")
    return stamp.date()


def retention(
    events: Any,
    start: Any,
    returning: Any,
    *,
    period: Period = "week",
    intervals: int = 11,
    mode: Literal["recurring", "first_time"] = "recurring",
    date_from: Any = None,
    date_to: Any = None,
    week_start: Literal["monday", "sunday"] = "monday",
    breakdown: str | None = None,
    columns: Columns | None = None,
) -> ir.Table:
    """Cohort x interval table: ``cohort`` (the period's first day), ``interval`` (0 to
    ``intervals`` - 1) and ``customers``; with ``breakdown`` (an event column, e.g. ``channel``, or a
    customer column already joined, e.g. ``persona``) a first column of that name, taken from each
    customer's cohortizing event. See the module docstring for every convention."""
    if period not in _UNITS:
        raise AnalyticsError(f"expected period 'day', 'week' or 'month', found {period!r}")
    if mode not in ("recurring", "first_time"):
        raise AnalyticsError(f"expected mode 'recurring' or 'first_time', found {mode!r}")
    if week_start not in ("monday", "sunday"):
        raise AnalyticsError(f"expected week_start 'monday' or 'sunday', found {week_start!r}")
    if not isinstance(intervals, int) or intervals < 1:
        raise AnalyticsError(f"expected intervals to be a whole number >= 1, found {intervals!r}")
    cols = columns or Columns()
    start_step, return_step = Step.of(start), Step.of(returning)
    roles = {
        "customer_id": "customer",
        "ts": "ts",
        "touchpoint": "touchpoint",
        "channel": "channel",
    }
    wanted = [*start_step.where, *return_step.where, *([breakdown] if breakdown else [])]
    needed = tuple(dict.fromkeys(["customer", "ts", *(roles[c] for c in wanted if c in roles)]))
    t = events_table(events, cols, needed)
    missing = [c for c in dict.fromkeys(wanted) if c not in t.columns]
    if missing:
        raise AnalyticsError(
            f"expected column(s) {', '.join(missing)} in the events for the steps or the "
            f"breakdown, found columns {', '.join(t.columns)}"
        )
    t = t.mutate(_day=_period_start(t.ts, period, week_start))
    last = date_to
    if last is None:
        found = t.ts.max().execute()
        if found is None or pd.isna(found):
            raise AnalyticsError("expected events to compute retention on, found none")
        last = found
    last_period = _python_start(_as_date(last, "date_to"), period, week_start)
    if date_from is None:
        first_period = _shift(last_period, period, -(intervals - 1))
    else:
        first_period = _python_start(_as_date(date_from, "date_from"), period, week_start)
    if first_period > last_period:
        raise AnalyticsError(
            f"expected date_from before date_to, found {first_period} after {last_period}"
        )
    keys = ["customer_id", *([breakdown] if breakdown else [])]
    starts = t.filter(start_step.matches(t))
    if mode == "first_time":
        # first-ever start over the whole history; its breakdown value is that event's
        first = starts.group_by("customer_id").aggregate(_first=starts.ts.min())
        starts = starts.join(first, "customer_id").filter(lambda s: s.ts == s._first)
        starts = starts.group_by("customer_id").aggregate(
            _day=starts._day.min(),
            **({breakdown: starts[breakdown].min()} if breakdown else {}),
        )
    else:
        starts = starts.select(*keys, "_day").distinct()
    starts = starts.filter(
        (starts._day >= ibis.date(first_period)) & (starts._day <= ibis.date(last_period))
    )
    starts = starts.mutate(_rank=_index(starts._day, period))
    returns = t.filter(return_step.matches(t))
    returns = returns.select("customer_id", _rday=returns._day).distinct()
    returns = returns.filter(returns._rday <= ibis.date(last_period))
    returns = returns.mutate(_rrank=_index(returns._rday, period))
    joined = starts.join(returns, "customer_id").filter(
        lambda j: (j._rrank > j._rank) & (j._rrank - j._rank < intervals)
    )
    groups = [*keys[1:], "_day"]
    later = joined.group_by([*groups, (joined._rrank - joined._rank).cast("int64").name("_k")])
    later = later.aggregate(_n=joined.customer_id.nunique())
    size = starts.group_by([*groups, "_rank"]).aggregate(_size=starts.customer_id.nunique())
    # every observable interval of every cohort, 0 where nobody came back
    last_rank = _index(ibis.date(last_period), period)
    grid = size.cross_join(
        ibis.memtable({"interval": list(range(intervals))}, schema={"interval": "int64"})
    )
    grid = grid.filter(grid._rank + grid.interval <= last_rank)
    out = grid.left_join(
        later,
        [*[grid[k] == later[k] for k in groups], grid.interval == later._k],
    )
    out = out.select(
        *[grid[k] for k in keys[1:]],
        cohort=grid._day,
        interval=grid.interval,
        customers=ibis.cases((grid.interval == 0, grid._size), else_=out._n.fill_null(0)).cast(
            "int64"
        ),
    )
    return out.order_by([*keys[1:], "cohort", "interval"])


def retention_shares(table: Any, breakdown: str | None = None) -> pd.DataFrame:
    """The cohort matrix as shares: one row per cohort (and breakdown value), one column per
    interval, each cell the share of the cohort's size (interval 0 is 1.0); cells that cannot be
    observed yet are empty; plus ``size``, the cohort's size."""
    frame = table.to_pandas() if hasattr(table, "to_pandas") else pd.DataFrame(table)
    keys = [*([breakdown] if breakdown else []), "cohort"]
    if frame.empty:
        return pd.DataFrame(columns=[*keys, "size"])
    wide = frame.pivot_table(index=keys, columns="interval", values="customers", aggfunc="sum")
    size = wide[0]
    shares = wide.div(size, axis=0)
    shares.columns = [int(c) for c in shares.columns]
    shares.insert(0, "size", size.astype(int))
    return shares.reset_index()
