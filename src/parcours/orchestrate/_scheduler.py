"""The scheduler: date and inactivity triggers, waits, quiet hours, claims of due enrolments.

An enrolment is also its own job: ``status``, ``step_index``, ``due_at``, ``claimed_by``,
``lease_until``. ``claim`` takes due enrolments atomically (``SKIP LOCKED`` on PostgreSQL, the
single writer lock on SQLite) for one lease.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from parcours.orchestrate import _store as db
from parcours.orchestrate._common import IngestResult, check, to_day
from parcours.orchestrate._context import Context
from parcours.orchestrate._enrol import Enrolments, Entry
from parcours.orchestrate._model import DateTrigger, QuietHours, Step

__all__ = ["Scheduler", "quiet_until"]


class Scheduler:
    """When things happen: time triggers, the next due moment of a step, claims and leases."""

    def __init__(self, ctx: Context, enrol: Enrolments) -> None:
        self.ctx = ctx
        self.enrol = enrol

    def scan(self, since: float | None = None) -> int:
        """Date triggers (attribute + offset, yearly anniversaries) and inactivity triggers due
        between ``since`` (default: one day ago) and now. Idempotent: the trigger key is the day."""
        now = self.ctx.clock()
        since = now - 86400 if since is None else since
        entries: list[Entry] = []
        with self.ctx.store.begin() as conn:
            dated = [s for s in self.ctx.scenarios.values() if s.trigger.date is not None]
            idle = [s for s in self.ctx.scenarios.values() if s.trigger.inactivity is not None]
            if not dated and not idle:
                return 0
            contacts = conn.execute(
                sa.select(
                    db.contacts.c.customer_id,
                    db.contacts.c.attrs,
                    db.contacts.c.timezone,
                    db.contacts.c.updated_at,
                )
            ).all()
            for scenario in dated:
                trig = scenario.trigger.date
                assert trig is not None
                for cid, attrs, zone, _ in contacts:
                    when = self._date_fire(
                        trig,
                        (attrs or {}).get(trig.attribute),
                        zone or self.ctx.timezone,
                        since,
                        now,
                    )
                    if when is not None:
                        key = f"date:{cid}:{datetime.fromtimestamp(when).date().isoformat()}"
                        entries.append((scenario, cid, key, when, {}, attrs or {}))
            for scenario in idle:
                idle_trig = scenario.trigger.inactivity
                assert idle_trig is not None
                last: dict[str, float] = dict(
                    conn.execute(
                        sa.select(db.events.c.customer_id, sa.func.max(db.events.c.ts))
                        .where(db.events.c.type.in_(idle_trig.events))
                        .group_by(db.events.c.customer_id)
                    ).all()
                )
                limit = idle_trig.days * 86400
                for cid, attrs, _zone, updated in contacts:
                    ref = last.get(cid, updated or now)
                    if now - ref >= limit:
                        # idle since before this scan's window: enrol once for the period, now
                        when = ref + limit if since <= ref + limit else now
                        key = f"idle:{cid}:{int(ref)}"
                        entries.append((scenario, cid, key, when, {}, attrs or {}))
            state = self.enrol.load_enrolments(conn, sorted({e[1] for e in entries}))
            allowed = []
            for entry in entries:
                scenario, cid = entry[0], entry[1]
                if scenario.conditions and not all(check(c, entry[5]) for c in scenario.conditions):
                    continue
                history = state[(scenario.id, cid)]
                if self.enrol.may_enter(scenario, history, entry[3]):
                    history.append(
                        {"status": "active", "entered_at": entry[3], "converted_at": None}
                    )
                    allowed.append(entry)
            if allowed:
                self.enrol.enrol_many(conn, allowed, now, IngestResult())
        return len(allowed)

    def _date_fire(
        self, trig: DateTrigger, value: object, zone: str, since: float, now: float
    ) -> float | None:
        base = to_day(value)
        if base is None:
            return None
        hour, minute = map(int, trig.at.split(":"))
        tz = ZoneInfo(zone)
        years = (
            range(
                datetime.fromtimestamp(since, tz).year - 1, datetime.fromtimestamp(now, tz).year + 1
            )
            if trig.every_year
            else [None]
        )
        for year in years:
            day = base
            if year is not None:
                try:
                    day = base.replace(year=year)
                except ValueError:  # 29 February
                    day = base.replace(year=year, day=28)
            moment = (
                datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
                + trig.offset.as_timedelta()
            )
            ts = moment.timestamp()
            if since < ts <= now:
                return float(ts)
        return None

    # -- due steps ---------------------------------------------------------------------------------
    def claim(self, worker: str, limit: int = 100) -> list[tuple[str, str]]:
        """Claim up to ``limit`` due enrolments for ``worker``: [(enrolment id, claim token)]."""
        now = self.ctx.clock()
        token = f"{worker}:{uuid.uuid4().hex[:12]}"
        e = db.enrolments.c
        query = (
            sa.select(e.id)
            .where(
                (e.status == "active")
                & (e.due_at <= now)
                & (e.claimed_by.is_(None) | (e.lease_until < now))
            )
            .order_by(e.due_at)
            .limit(limit)
        )
        if self.ctx.store.postgres:
            query = query.with_for_update(skip_locked=True)
        with self.ctx.store.begin() as conn:
            ids = [r[0] for r in conn.execute(query)]
            if ids:
                conn.execute(
                    db.enrolments.update()
                    .where(e.id.in_(ids))
                    .values(claimed_by=token, lease_until=now + self.ctx.lease)
                )
        return [(i, token) for i in sorted(ids)]  # one lock order for every transaction

    def release(self, token: str) -> None:
        with self.ctx.store.begin() as conn:
            conn.execute(
                db.enrolments.update()
                .where(db.enrolments.c.claimed_by == token)
                .values(claimed_by=None, lease_until=None)
            )

    def move(
        self,
        conn: Connection,
        enrolment_id: str,
        index: int,
        due: float,
        *,
        variant: str | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "step_index": index,
            "due_at": due,
            "claimed_by": None,
            "lease_until": None,
        }
        if variant is not None:
            values["variant"] = variant
        conn.execute(
            db.enrolments.update().where(db.enrolments.c.id == enrolment_id).values(**values)
        )

    def finish(
        self, conn: Connection, enrolment_id: str, status: str, reason: str | None, now: float
    ) -> None:
        conn.execute(
            db.enrolments.update()
            .where(db.enrolments.c.id == enrolment_id)
            .values(status=status, reason=reason, ended_at=now, claimed_by=None, lease_until=None)
        )

    def wait_until(
        self, step: Step, contact: Mapping[str, Any], enr: Mapping[str, Any], now: float
    ) -> float:
        wait = step.wait
        assert wait is not None
        attrs = contact.get("attrs") or {}
        zone = ZoneInfo(contact.get("timezone") or self.ctx.timezone)
        if wait.duration is not None:
            # measured from when the step became due, so a late worker does not stretch the journey
            return float(enr["due_at"] or now) + wait.duration.seconds
        if wait.until_time is not None:
            hour, minute = map(int, wait.until_time.split(":"))
            local = datetime.fromtimestamp(now, zone)
            target = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
            if target <= local:
                target += timedelta(days=1)
            return target.timestamp()
        if wait.until_attribute is not None:
            day = to_day(attrs.get(wait.until_attribute))
            if day is None:
                return now
            moment = (
                datetime(day.year, day.month, day.day, 9, tzinfo=zone) + wait.offset.as_timedelta()
            )
            return moment.timestamp()
        assert wait.delay_attribute is not None
        raw = attrs.get(wait.delay_attribute, wait.default_days)
        try:
            days = float(raw) * wait.factor  # type: ignore[arg-type]  # not a number: below
        except (TypeError, ValueError):
            days = float(wait.default_days or 0) * wait.factor
        return float(enr["due_at"] or now) + days * 86400


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def quiet_until(quiet: QuietHours, now: float, zone: str) -> float | None:
    """When quiet hours (in the recipient's zone) end, if ``now`` falls inside them."""
    tz = ZoneInfo(zone)
    local = datetime.fromtimestamp(now, tz)
    sh, sm = map(int, quiet.start.split(":"))
    eh, em = map(int, quiet.end.split(":"))
    minute = local.hour * 60 + local.minute
    start, end = sh * 60 + sm, eh * 60 + em
    day_off = bool(quiet.days) and _DAYS[local.weekday()] in quiet.days
    inside = (start <= minute or minute < end) if start > end else (start <= minute < end)
    if not inside and not day_off:
        return None
    target = local.replace(hour=eh, minute=em, second=0, microsecond=0)
    if target <= local:
        target += timedelta(days=1)
    while quiet.days and _DAYS[target.weekday()] in quiet.days:
        target += timedelta(days=1)
    # through the zone again so a DST change overnight gives the right wall-clock time
    return target.replace(tzinfo=None).replace(tzinfo=tz).timestamp()
