"""Measurement inside the engine: what operators count (``status``) and what the control and
holdout arms would have received (``orch_would_have_sent``, the baseline of uplift reports)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from parcours.orchestrate import _store as db
from parcours.orchestrate._context import Context
from parcours.orchestrate._model import Step

__all__ = ["Tally"]


class Tally:
    """Counts for operators and the would-have-sent log of the arms that get nothing."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def would_have_sent(
        self, conn: Connection, enr: Mapping[str, Any], step: Step, channel: str, now: float
    ) -> None:
        conn.execute(
            self.ctx.store.insert_ignore(db.would_have_sent),
            {
                "key": f"{enr['id']}:{step.id}",
                "enrolment_id": enr["id"],
                "scenario_id": enr["scenario_id"],
                "step_id": step.id,
                "customer_id": enr["customer_id"],
                "arm": enr["arm"],
                "channel": channel,
                "at": now,
            },
        )

    # -- reading -----------------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        """Counts for operators: enrolments by status, ledger by status, due now, parked keys."""
        now = self.ctx.clock()
        with self.ctx.store.begin() as conn:
            enrol: dict[str, int] = dict(
                conn.execute(
                    sa.select(db.enrolments.c.status, sa.func.count()).group_by(
                        db.enrolments.c.status
                    )
                ).all()
            )
            ledger: dict[str, int] = dict(
                conn.execute(
                    sa.select(db.ledger.c.status, sa.func.count()).group_by(db.ledger.c.status)
                ).all()
            )
            due = conn.execute(
                sa.select(sa.func.count())
                .select_from(db.enrolments)
                .where((db.enrolments.c.status == "active") & (db.enrolments.c.due_at <= now))
            ).scalar_one()
            stuck = conn.execute(
                sa.select(sa.func.count())
                .select_from(db.enrolments)
                .where(
                    (db.enrolments.c.status == "active")
                    & (db.enrolments.c.lease_until < now - self.ctx.lease)
                )
            ).scalar_one()
            parked = [
                r[0]
                for r in conn.execute(
                    sa.select(db.ledger.c.key).where(db.ledger.c.status == "unknown").limit(50)
                )
            ]
            events = conn.execute(sa.select(sa.func.count()).select_from(db.events)).scalar_one()
            tasks = conn.execute(
                sa.select(sa.func.count()).select_from(db.tasks).where(db.tasks.c.status == "open")
            ).scalar_one()
        return {
            "events": events,
            "enrolments": enrol,
            "ledger": ledger,
            "due_now": due,
            "stale_claims": stuck,
            "unknown_outcomes": parked,
            "open_tasks": tasks,
        }


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
