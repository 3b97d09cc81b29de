"""Enrolments written: who is in which scenario, read back for re-entry rules.

An enrolment's id is a hash of scenario and trigger, so replaying an event, or two ingesters
racing, cannot enrol twice. Used by event intake, contact updates (``enter`` triggers) and the
scheduler's date and inactivity triggers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from parcours.orchestrate import _store as db
from parcours.orchestrate._common import ACTIVE, IngestResult, bucket, chunks, stable_id
from parcours.orchestrate._context import Context
from parcours.orchestrate._model import Scenario

__all__ = ["Enrolments", "Entry"]

# scenario, customer id, trigger key, entered at, event data, contact attributes
Entry = tuple[Scenario, str, str, float, dict[str, Any], dict[str, Any]]


class Enrolments:
    """Reads and writes enrolments for the roles that start journeys."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def load_enrolments(
        self,
        conn: Connection,
        customers: Sequence[str],
        since: float | None = None,
        history: Iterable[str] | None = None,
    ) -> dict[tuple[str, str], list[dict[str, Any]]]:
        """Per (scenario, customer): the enrolments an event can still act on (active ones, and
        unconverted ones whose goal window may include events from ``since``), plus one summary
        row of the past (latest entry) for re-entry rules. A long history is not read row by
        row: a customer with years of journeys costs one aggregated row per scenario."""
        found: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        e = db.enrolments.c
        cols = [e.id, e.scenario_id, e.customer_id, e.status, e.entered_at, e.converted_at]
        live = (e.status == "active") | (e.status == "parked")
        if since is not None:
            live = live | (e.converted_at.is_(None) & (e.entered_at >= since))
        # the past matters only to scenarios whose re-entry rule looks at it
        past = sorted(
            sid
            for sid in (self.ctx.scenarios if history is None else history)
            if sid in self.ctx.scenarios and self.ctx.scenarios[sid].reentry.policy != "after_exit"
        )
        for chunk in chunks(list(customers)):
            # fetchall: one driver call per chunk instead of one per row
            for row in conn.execute(
                sa.select(*cols).where(e.customer_id.in_(chunk) & live)
            ).fetchall():
                found[(row[1], row[2])].append(
                    {"id": row[0], "status": row[3], "entered_at": row[4], "converted_at": row[5]}
                )
            if not past:
                continue
            for sid, cid, last in conn.execute(
                sa.select(e.scenario_id, e.customer_id, sa.func.max(e.entered_at))
                .where(e.customer_id.in_(chunk) & e.scenario_id.in_(past))
                .group_by(e.scenario_id, e.customer_id)
            ).fetchall():
                # the past, summarised: counts for re-entry, never exits or converts again
                found[(sid, cid)].append(
                    {"id": None, "status": "past", "entered_at": last, "converted_at": last}
                )
        return found

    def load_attrs(self, conn: Connection, customers: Sequence[str]) -> dict[str, dict[str, Any]]:
        attrs: dict[str, dict[str, Any]] = {}
        for chunk in chunks(list(customers)):
            for cid, a in conn.execute(
                sa.select(db.contacts.c.customer_id, db.contacts.c.attrs).where(
                    db.contacts.c.customer_id.in_(chunk)
                )
            ):
                attrs[cid] = a or {}
        return attrs

    def may_enter(self, scenario: Scenario, history: list[dict[str, Any]], ts: float) -> bool:
        if not history:
            return True
        if any(h["status"] in ACTIVE for h in history):
            return False  # one journey at a time: a repeat trigger is absorbed (one message per moment)
        policy = scenario.reentry
        if policy.policy == "never":
            return False
        if policy.policy == "min_interval":
            assert policy.interval is not None
            last = max(h["entered_at"] for h in history)
            return bool(ts - last >= policy.interval.seconds)
        return True

    def arm(self, scenario: Scenario, customer_id: str) -> str:
        if self.ctx.holdout and bucket("holdout", customer_id) < self.ctx.holdout:
            return "holdout"
        if scenario.control and bucket("control", scenario.id, customer_id) < scenario.control:
            return "control"
        return "treated"

    def enrol_many(
        self,
        conn: Connection,
        entries: Sequence[Entry],
        now: float,
        result: IngestResult,
    ) -> None:
        rows = [
            {
                "id": stable_id(scenario.id, trigger),
                "scenario_id": scenario.id,
                "customer_id": customer_id,
                "trigger_event_id": trigger,
                "arm": self.arm(scenario, customer_id),
                "variant": None,
                "status": "active",
                "reason": None,
                "step_index": 0,
                "due_at": now,
                "claimed_by": None,
                "lease_until": None,
                "attempts": 0,
                "entered_at": ts,
                "received_at": now,
                "ended_at": None,
                "converted_at": None,
                "data": data or None,
            }
            for scenario, customer_id, trigger, ts, data, _attrs in entries
        ]
        self.ctx.store.bulk_insert(conn, db.enrolments, rows, ignore=True)
        result.enrolled += len(rows)
