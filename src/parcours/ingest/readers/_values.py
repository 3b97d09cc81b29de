"""Typed cells (workbooks, JSON, Parquet) as the canonical text the staging table holds."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any


def value_text(value: object) -> str | None:
    """A typed cell as canonical text: ISO dates, '12' for 12.0, '.' decimals, true/false."""
    render = _RENDER.get(type(value))
    if render is not None:
        return render(value)
    for kind, how in _RENDER.items():  # subclasses (numpy floats, pandas timestamps...)
        if kind is not type(None) and isinstance(value, kind):
            return how(value)
    return str(value)


def _number_text(value: float) -> str:
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    if "e" in text and math.isfinite(value):
        text = format(Decimal(text), "f")
    return text


def _datetime_text(value: dt.datetime) -> str:
    if not value.microsecond and value.tzinfo is None:
        return value.isoformat(" ")
    # Workbooks store date-times as fractions of days: round to the millisecond, drop a zero one.
    millis = round(value.microsecond / 1000)
    base = value.replace(microsecond=0, tzinfo=None) + dt.timedelta(milliseconds=millis)
    text = base.isoformat(sep=" ", timespec="seconds" if not base.microsecond else "milliseconds")
    return text if value.tzinfo is None else text + _offset(value)


def _time_text(value: dt.time) -> str:
    return value.isoformat(timespec="seconds" if not value.microsecond else "milliseconds")


def _duration_text(value: dt.timedelta) -> str:
    seconds = round(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"


# By exact type first (a bool is an int, a datetime a date: the order matters for subclasses).
_RENDER: dict[type, Callable[[Any], str | None]] = {
    type(None): lambda _v: None,
    str: lambda v: v or None,
    bool: lambda v: "true" if v else "false",
    int: str,
    float: _number_text,
    dt.datetime: _datetime_text,
    dt.date: dt.date.isoformat,
    dt.time: _time_text,
    dt.timedelta: _duration_text,
}


def _offset(value: dt.datetime) -> str:
    delta = value.utcoffset() or dt.timedelta(0)
    minutes = int(delta.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
