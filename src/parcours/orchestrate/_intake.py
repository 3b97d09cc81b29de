"""Event intake: a batch of events in ONE transaction.

Deduplicates by event id, drops erased people's events, stores the rest, then evaluates in memory
every compiled scenario indexed by event type (exit first, goal, then triggers), and bulk-writes
the enrolments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from parcours.orchestrate import _store as db
from parcours.orchestrate._common import (
    ACTIVE,
    Event,
    IngestResult,
    as_event,
    check,
    chunks,
    stable_id,
)
from parcours.orchestrate._contacts import Contacts
from parcours.orchestrate._context import Context
from parcours.orchestrate._enrol import Enrolments, Entry

__all__ = ["Intake"]


class Intake:
    """Events in: stored once, evaluated against the scenarios they may trigger, exit or convert."""

    def __init__(self, ctx: Context, contacts: Contacts, enrol: Enrolments) -> None:
        self.ctx = ctx
        self.contacts = contacts
        self.enrol = enrol

    def ingest(
        self, events: Iterable[Event | Mapping[str, Any]], *, batch: int = 5000
    ) -> IngestResult:
        """Store and evaluate events, ``batch`` per transaction; duplicates (by event id) ignored."""
        result = IngestResult()
        buffer: list[Event] = []
        for item in events:
            buffer.append(as_event(item))
            if len(buffer) >= batch:
                self._ingest_batch(buffer, result)
                buffer = []
        if buffer:
            self._ingest_batch(buffer, result)
        return result

    def _ingest_batch(self, batch: list[Event], result: IngestResult) -> None:
        now = self.ctx.clock()
        result.received += len(batch)
        with self.ctx.store.begin() as conn:
            unique: dict[str, Event] = {}
            for e in batch:
                unique.setdefault(e.event_id, e)
            ids = list(unique)
            for chunk in chunks(ids):
                for (eid,) in conn.execute(
                    sa.select(db.events.c.event_id).where(db.events.c.event_id.in_(chunk))
                ).fetchall():
                    unique.pop(eid, None)
            suppressed = self.contacts.suppressed(conn, [e.customer_id for e in unique.values()])
            fresh = [e for e in unique.values() if e.customer_id not in suppressed]
            result.suppressed += len(unique) - len(fresh)
            result.duplicates += len(batch) - len(unique)
            if not fresh:
                return
            self.ctx.store.bulk_insert(
                conn,
                db.events,
                [
                    {
                        "event_id": e.event_id,
                        "customer_id": e.customer_id,
                        "type": e.type,
                        "ts": e.ts,
                        "received_at": now,
                        "data": e.data or None,
                    }
                    for e in fresh
                ],
                ignore=True,
            )
            relevant = sorted((e for e in fresh if e.type in self.ctx.watched), key=lambda e: e.ts)
            if relevant:
                self._evaluate(conn, relevant, now, result)

    def _evaluate(
        self, conn: Connection, relevant: list[Event], now: float, result: IngestResult
    ) -> None:
        customers = sorted({e.customer_id for e in relevant})
        longest_goal = max(
            (s.goal.within.seconds for s in self.ctx.scenarios.values() if s.goal is not None),
            default=0.0,
        )
        triggered = {s.id for e in relevant for s in self.ctx.by_trigger.get(e.type, ())}
        state = self.enrol.load_enrolments(
            conn, customers, relevant[0].ts - longest_goal, history=triggered
        )
        needs_attrs = any(
            s.conditions or s.exit.conditions
            for e in relevant
            for s in (*self.ctx.by_trigger.get(e.type, ()), *self.ctx.by_exit.get(e.type, ()))
        )
        attrs = self.enrol.load_attrs(conn, customers) if needs_attrs else {}
        exits: list[dict[str, Any]] = []
        conversions: list[dict[str, Any]] = []
        entries: list[Entry] = []
        for ev in relevant:
            person = attrs.get(ev.customer_id, {})
            for scenario in self.ctx.by_exit.get(ev.type, ()):
                if scenario.exit.conditions and not all(
                    check(c, person, ev.data) for c in scenario.exit.conditions
                ):
                    continue
                for enr in state.get((scenario.id, ev.customer_id), ()):
                    if enr["status"] in ACTIVE and enr["entered_at"] <= ev.ts:
                        enr["status"] = "exited"
                        exits.append({"eid": enr["id"], "at": now, "why": f"exit:{ev.type}"})
            for scenario in self.ctx.by_goal.get(ev.type, ()):
                assert scenario.goal is not None
                span = scenario.goal.within.seconds
                for enr in state.get((scenario.id, ev.customer_id), ()):
                    if (
                        enr["converted_at"] is None
                        and enr["entered_at"] <= ev.ts <= enr["entered_at"] + span
                    ):
                        enr["converted_at"] = ev.ts
                        conversions.append({"eid": enr["id"], "at": ev.ts})
            for scenario in self.ctx.by_trigger.get(ev.type, ()):
                if scenario.conditions and not all(
                    check(c, person, ev.data) for c in scenario.conditions
                ):
                    continue
                history = state[(scenario.id, ev.customer_id)]
                if not self.enrol.may_enter(scenario, history, ev.ts):
                    result.absorbed += 1
                    continue
                history.append(
                    {
                        "id": stable_id(scenario.id, ev.event_id),
                        "status": "active",
                        "entered_at": ev.ts,
                        "converted_at": None,
                    }
                )
                entries.append((scenario, ev.customer_id, ev.event_id, ev.ts, ev.data, person))
        if entries:
            self.enrol.enrol_many(conn, entries, now, result)
        exits.sort(key=lambda x: x["eid"])  # same lock order as the workers'
        conversions.sort(key=lambda x: x["eid"])
        if exits:
            conn.execute(
                db.enrolments.update()
                .where(
                    (db.enrolments.c.id == sa.bindparam("eid"))
                    & ((db.enrolments.c.status == "active") | (db.enrolments.c.status == "parked"))
                )
                .values(
                    status="exited",
                    reason=sa.bindparam("why"),
                    ended_at=sa.bindparam("at"),
                    claimed_by=None,
                ),
                exits,
            )
            result.exited += len(exits)
        if conversions:
            conn.execute(
                db.enrolments.update()
                .where(db.enrolments.c.id == sa.bindparam("eid"))
                .values(converted_at=sa.bindparam("at")),
                conversions,
            )
            result.converted += len(conversions)
