"""Marketing pressure: caps per channel and per tag over rolling or calendar windows.

Counted across all scenarios from ``orch_pressure`` (one row per send and per tag, written in the
same transaction as the ledger row, after locking the contact: two workers cannot both pass the
last free slot). Transactional messages are written with ``counted = false``: logged, exempt.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.engine import Connection

from parcours.orchestrate import _store as db

__all__ = ["Cap", "capped", "window"]


class Cap(BaseModel):
    """At most ``max`` messages on ``channel`` (all if none) with ``tag`` (any if none) per window.

    ``days`` gives a rolling window; ``per`` a calendar one (day, week, month) in the recipient's
    zone.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    max: int = Field(ge=0)
    channel: str | None = None
    tag: str | None = None
    days: float | None = Field(default=None, gt=0)
    per: Literal["day", "week", "month"] | None = None

    @model_validator(mode="after")
    def _window(self) -> Cap:
        if (self.days is None) == (self.per is None):
            raise ValueError("exactly one of days (rolling window) or per (calendar window)")
        return self

    def applies(self, channel: str, tags: list[str]) -> bool:
        return (self.channel is None or self.channel == channel) and (
            self.tag is None or self.tag in tags
        )


def window(cap: Cap, now: float, zone: str) -> tuple[float, float]:
    """(start of the window containing ``now``, when a slot frees at the latest)."""
    if cap.days is not None:
        seconds = cap.days * 86400
        return now - seconds, now + seconds
    tz = ZoneInfo(zone)
    local = datetime.fromtimestamp(now, tz)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if cap.per == "week":
        start -= timedelta(days=start.weekday())
        end = start + timedelta(days=7)
    elif cap.per == "month":
        start = start.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1)
    else:
        end = start + timedelta(days=1)
    # rebuild through the zone so a DST change inside the window is honoured
    start = start.replace(tzinfo=None).replace(tzinfo=tz)
    end = end.replace(tzinfo=None).replace(tzinfo=tz)
    return start.timestamp(), end.timestamp()


def capped(
    conn: Connection,
    caps: Iterable[Cap],
    customer_id: str,
    channel: str,
    tags: list[str],
    zone: str,
    now: float,
) -> float | None:
    """When a slot frees for this message if a cap is full now (``None``: not capped)."""
    latest: float | None = None
    p = db.pressure.c
    for cap in caps:
        if not cap.applies(channel, tags):
            continue
        start, frees = window(cap, now, zone)
        where = (
            (p.customer_id == customer_id)
            & p.counted
            & (p.at >= start)
            & (p.tag == (cap.tag or ""))
        )
        if cap.channel is not None:
            where &= p.channel == cap.channel
        count, oldest = conn.execute(
            sa.select(sa.func.count(), sa.func.min(p.at)).where(where)
        ).one()
        if count >= cap.max:
            until = (
                (oldest + cap.days * 86400)
                if (cap.days is not None and oldest is not None)
                else frees
            )
            until = max(until, now + 1.0)  # a slot frees strictly later: never a busy loop
            latest = until if latest is None else max(latest, until)
    return latest
