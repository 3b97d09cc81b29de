"""What every analytic shares: the event columns, durations, and the package's error."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import ibis.expr.types as ir

from parcours.errors import AnalyticsError
from parcours.warehouse import as_table, dialect_of

__all__ = [
    "SEPARATOR",
    "AnalyticsError",
    "Columns",
    "events_table",
    "median",
    "parse_duration",
    "quantile",
    "seconds",
]

# Hidden column: the position of a row in a pandas/polars/pyarrow input, used to break ties
# between events at the same instant the way process-mining tools do (stable sort, file order).
ORDER = "_parcours_order"
# Between the touchpoints of a path, a variant or a pattern (ChannelAttribution's sample data too).
SEPARATOR = " > "


@dataclass(frozen=True)
class Columns:
    """Where the event columns are: the canonical names by default, a process log's if renamed."""

    customer: str = "customer_id"
    ts: str = "ts"
    touchpoint: str = "touchpoint"
    channel: str = "channel"


_UNITS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "j": 86400,
    "w": 7 * 86400,
    "week": 7 * 86400,
    "weeks": 7 * 86400,
}


def parse_duration(value: Any, what: str = "duration") -> float:
    """Seconds in ``value``: "14d", "30min", "1h", "90s", "2w", a timedelta or a number of seconds."""
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bool):
        raise AnalyticsError(f"expected a {what} such as '14d' or '30min', found {value!r}")
    if isinstance(value, (int, float)):
        if value < 0:
            raise AnalyticsError(f"expected a positive {what}, found {value!r}")
        return float(value)
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*([a-zA-Z]+)\s*", value)
        if match and match.group(2).lower() in _UNITS:
            return float(match.group(1).replace(",", ".")) * _UNITS[match.group(2).lower()]
    raise AnalyticsError(
        f"expected a {what} such as '14d', '30min', '1h' or '90s' (units s, min, h, d, w), "
        f"found {value!r}"
    )


def seconds(ts: ir.TimestampValue) -> ir.FloatingValue:
    """Seconds since the epoch to the millisecond, the same on every engine (its dialect's form)."""
    return dialect_of(ts).seconds(ts)


def quantile(value: ir.NumericColumn, q: float) -> ir.FloatingScalar:
    """The exact ``q`` quantile of ``value`` (linear interpolation, nulls ignored) as an aggregate,
    in the fastest exact form of the engine it runs on (see :class:`parcours.warehouse.Dialect`)."""
    return dialect_of(value).quantile(value, q)


def median(value: ir.NumericColumn) -> ir.FloatingScalar:
    """The exact median of ``value`` as an aggregate (see :func:`quantile`)."""
    return dialect_of(value).median(value)


def events_table(data: Any, columns: Columns, needed: tuple[str, ...]) -> ir.Table:
    """The input as an Ibis table with the canonical column names for the ``needed`` roles.

    Roles are ``customer``, ``ts``, ``touchpoint``, ``channel``; other columns are kept. A
    pandas/polars/pyarrow input gets a hidden order column (file order breaks ties at one instant)
    and string timestamps are parsed (ISO 8601, offsets allowed).
    """
    if not isinstance(data, ir.Table):
        data = _with_order(data, columns)
    t = as_table(data)
    canonical = {
        "customer": "customer_id",
        "ts": "ts",
        "touchpoint": "touchpoint",
        "channel": "channel",
    }
    renames: dict[str, str] = {}
    for role in needed:
        source = getattr(columns, role)
        if source not in t.columns:
            raise AnalyticsError(
                f"expected a {role} column named {source!r} in the events, found columns "
                f"{', '.join(t.columns)} (rename it with {role}=...)"
            )
        target = canonical[role]
        if source != target:
            if target in t.columns:
                t = t.drop(target)
            renames[target] = source
    if renames:
        t = t.rename(renames)
    if "ts" in needed and not t.ts.type().is_timestamp():
        if t.ts.type().is_string():
            t = t.mutate(ts=t.ts.cast("timestamp"))
        else:
            raise AnalyticsError(
                f"expected timestamps in column {columns.ts!r}, found type {t.ts.type()}"
            )
    return t


def _with_order(data: Any, columns: Columns) -> Any:
    import pandas as pd

    module = type(data).__module__.split(".")[0]
    if module == "polars" or module == "pyarrow":
        data = data.to_pandas()
    if not isinstance(data, pd.DataFrame):
        return data
    frame = data.copy(deep=False)
    frame[ORDER] = range(len(frame))
    if columns.ts in frame.columns and not (
        pd.api.types.is_datetime64_any_dtype(frame[columns.ts])
    ):
        try:
            frame[columns.ts] = pd.to_datetime(frame[columns.ts], utc=True, format="ISO8601")
        except (ValueError, TypeError) as exc:
            raise AnalyticsError(
                f"expected ISO 8601 timestamps in column {columns.ts!r}, found values such as "
                f"{frame[columns.ts].iloc[0]!r}: {exc}"
            ) from exc
    return frame


def tiebreak(t: ir.Table) -> list[Any]:
    """Sort keys after the timestamp: file order when known, then touchpoint and event id."""
    keys: list[Any] = []
    if ORDER in t.columns:
        keys.append(t[ORDER])
    if "touchpoint" in t.columns:
        keys.append(t.touchpoint)
    if "event_id" in t.columns:
        keys.append(t.event_id)
    return keys
