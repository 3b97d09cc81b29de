"""Per-customer frequency / recency / T / monetary summary from a transaction log (one Ibis query).

A purchase occasion is a calendar day: several transactions of one customer on one day count as one
purchase whose value is their sum (the convention behind the published CDNOW summary). Times are
expressed in ``freq`` units (days, weeks, months) as fractions, e.g. 213 days = 30.43 weeks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import numpy as np

from parcours.lifecycle._errors import LifecycleError
from parcours.warehouse import as_table

__all__ = ["UNIT_DAYS", "summary"]

UNIT_DAYS = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}


def _epoch_day(value: Any) -> int:
    import pandas as pd

    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return int((stamp.normalize() - pd.Timestamp("1970-01-01")).days)


def summary(
    transactions: Any,
    customer_id_col: str = "customer_id",
    datetime_col: str = "ts",
    monetary_value_col: str | None = None,
    observation_period_end: dt.date | dt.datetime | str | None = None,
    freq: str = "W",
    calibration_period_end: dt.date | dt.datetime | str | None = None,
) -> Any:
    """One row per customer: ``frequency`` (repeat purchase days), ``recency`` (first to last
    purchase), ``T`` (first purchase to the end of observation), and with ``monetary_value_col``
    ``monetary_value`` (mean value of the repeat purchases, 0 without any), in ``freq`` units.

    With ``calibration_period_end``, the columns become ``frequency_cal``, ``recency_cal``,
    ``T_cal``, ``monetary_value_cal`` (up to that date, for customers whose first purchase is on or
    before it) and ``frequency_holdout``, ``monetary_value_holdout``, ``duration_holdout`` (after
    it, up to ``observation_period_end``). Transactions after ``observation_period_end`` (default:
    the last transaction date) are ignored. Returns a pandas DataFrame sorted by customer.
    """
    import pandas as pd

    if freq not in UNIT_DAYS:
        raise LifecycleError(f"expected freq among {', '.join(UNIT_DAYS)}, found {freq!r}")
    unit = UNIT_DAYS[freq]
    t = as_table(transactions)
    needed = [customer_id_col, datetime_col] + ([monetary_value_col] if monetary_value_col else [])
    missing = [c for c in needed if c not in t.columns]
    if missing:
        raise LifecycleError(
            f"expected columns {', '.join(needed)} in the transactions, missing {', '.join(missing)}"
            f" (found {', '.join(t.columns)})"
        )
    when = t[datetime_col]
    if when.type().is_string():
        raise LifecycleError(
            f"expected {datetime_col!r} to hold dates or timestamps, found text: parse it first"
        )
    # a date cast groups faster in DuckDB than integer arithmetic on epoch seconds
    day = (when.date() if when.type().is_timestamp() else when).epoch_days()
    value = t[monetary_value_col].cast("float64") if monetary_value_col else ibis.literal(0.0)
    days = (
        t.select(customer=t[customer_id_col], day=day, value=value)
        .group_by(["customer", "day"])
        .aggregate(value=lambda s: s.value.sum())
    )
    # Without any end date, one query suffices: every day counts and the end is the last one.
    single = observation_period_end is None and calibration_period_end is None
    if single:
        end = cal_end = 0  # set from the result below
        in_cal = ibis.literal(True)
    else:
        if observation_period_end is None:
            found = t.select(day=day).day.max().execute()
            if found is None or pd.isna(found):
                raise LifecycleError("expected at least one transaction, found none")
            end = int(found)
        else:
            end = _epoch_day(observation_period_end)
        days = days.filter(days.day <= end)
        cal_end = end if calibration_period_end is None else _epoch_day(calibration_period_end)
        if cal_end > end:
            raise LifecycleError(
                f"expected calibration_period_end on or before the observation end, found "
                f"{calibration_period_end} after {observation_period_end or 'the last transaction'}"
            )
        in_cal = days.day <= cal_end
    measures = {
        "first": days.day.min(),
        "last": days.day.max(where=in_cal) if not single else days.day.max(),
        "n": in_cal.sum() if not single else days.count(),
        "total": days.value.sum(where=in_cal) if not single else days.value.sum(),
        "first_value": days.value.argmin(days.day),
    }
    if calibration_period_end is not None:
        measures["n_hold"] = (~in_cal).sum()
        measures["total_hold"] = days.value.sum(where=~in_cal).fill_null(0.0)
    per = days.group_by("customer").aggregate(**measures)
    if not single:
        per = per.filter(per["first"] <= cal_end)
    # Arrow to pandas directly: ibis turns any column holding a null into Python objects
    frame = per.order_by("customer").to_pyarrow().to_pandas()
    if single:
        if frame.empty:
            raise LifecycleError("expected at least one transaction, found none")
        end = cal_end = int(frame["last"].max())
    n = frame["n"].to_numpy(dtype=np.int64)
    first = frame["first"].to_numpy(dtype=np.int64)
    last = frame["last"].to_numpy(dtype=np.int64)
    frequency = (n - 1).astype(np.float64)
    out = pd.DataFrame({customer_id_col: frame["customer"].to_numpy()})
    suffix = "" if calibration_period_end is None else "_cal"
    out["frequency" + suffix] = frequency
    out["recency" + suffix] = (last - first) / unit
    out["T" + suffix] = (cal_end - first) / unit
    if monetary_value_col:
        repeat_total = frame["total"].to_numpy(dtype=np.float64) - frame["first_value"].to_numpy(
            dtype=np.float64
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            out["monetary_value" + suffix] = np.where(frequency > 0, repeat_total / frequency, 0.0)
    if calibration_period_end is not None:
        n_hold = frame["n_hold"].to_numpy(dtype=np.float64)
        out["frequency_holdout"] = n_hold
        if monetary_value_col:
            total_hold = frame["total_hold"].fillna(0.0).to_numpy(dtype=np.float64)
            with np.errstate(divide="ignore", invalid="ignore"):
                out["monetary_value_holdout"] = np.where(n_hold > 0, total_hold / n_hold, 0.0)
        out["duration_holdout"] = (end - cal_end) / unit
    return out
