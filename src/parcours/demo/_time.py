"""Simulated time: seconds since the start of the period, in local (Europe/Paris) wall-clock time.

Every event lands between 07:00 and 23:00 local time, so no naive local time of an export falls in
a daylight-saving gap or overlap (those are at 02:00-03:00): local times convert to UTC one way.
Human channels follow opening hours; ``snap`` moves a time forward to the next open slot, so the
order of a customer's events survives the snapping.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

START = np.datetime64("2023-11-01T00:00:00", "s")
END = np.datetime64("2026-11-01T00:00:00", "s")  # exclusive: the last day is 2026-10-31
DAY = 86_400
YEAR = 365.25 * DAY
HORIZON = int((END - START) / np.timedelta64(1, "s"))
NEVER = np.iinfo(np.int64).max
WEEKDAY0 = 2  # 2023-11-01 is a Wednesday (Monday = 0)

I64 = npt.NDArray[np.int64]

# Opening hours (local, in hours) and closed weekdays per kind of channel.
HOURS: dict[str, tuple[float, float, tuple[int, ...]]] = {
    "digital": (7.0, 23.0, ()),
    "phone": (8.5, 19.5, (6,)),
    "agency": (9.0, 18.0, (6,)),
    "mail": (8.0, 17.0, (5, 6)),
}
KIND_OF_CHANNEL: dict[str, str] = {
    "web": "digital",
    "app": "digital",
    "email": "digital",
    "sms": "digital",
    "phone": "phone",
    "agency": "agency",
    "mail": "mail",
}


def snap(t: I64, rng: np.random.Generator, kind: str) -> I64:
    """Move each time forward to the next moment the channel is open (unchanged if open)."""
    start_h, close_h, closed = HOURS[kind]
    opening, closing = int(start_h * 3600), int(close_h * 3600)
    spread = min(3 * 3600, closing - opening - 60)
    t = np.asarray(t, dtype=np.int64)
    day, sec = np.divmod(t, DAY)
    early = sec < opening
    late = sec >= closing
    day = day + late
    moved = early | late
    sec = np.where(moved, opening + (rng.random(t.size) * spread).astype(np.int64), sec)
    for _ in range(3):
        shut = np.isin((day + WEEKDAY0) % 7, closed)
        if not shut.any():
            break
        day = day + shut
        sec = np.where(shut, opening + (rng.random(t.size) * spread).astype(np.int64), sec)
    out: I64 = day * DAY + sec
    return out


def time_of_day(rng: np.random.Generator, size: int, kind: str) -> I64:
    """Seconds after midnight for spontaneous events: evenings for digital, office hours else."""
    start_h, close_h, _ = HOURS[kind]
    if kind == "digital":
        hours = np.arange(7, 23)
        weights = np.array([1, 2, 3, 3, 3, 4, 4, 3, 3, 3, 3, 4, 5, 6, 6, 4], dtype=float)
        hour = rng.choice(hours, size=size, p=weights / weights.sum())
        out: I64 = (hour * 3600 + rng.integers(0, 3600, size)).astype(np.int64)
        return out
    span = (close_h - start_h - 0.25) * 3600
    # Office hours: a triangular shape peaking late morning, as call and visit logs do.
    offset = rng.triangular(0, span * 0.3, span, size)
    return (start_h * 3600 + offset).astype(np.int64)


def to_datetime64(t: I64) -> npt.NDArray[np.datetime64]:
    """Simulated seconds to naive local datetime64[ms] (what polars and pandas expect)."""
    out: npt.NDArray[np.datetime64] = (START + t.astype("timedelta64[s]")).astype("datetime64[ms]")
    return out
