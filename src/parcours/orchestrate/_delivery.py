"""Delivery: claimed enrolments' messages handed to providers, outcomes written to the ledger.

Batched in three phases: one transaction prepares every claimed enrolment (ledger rows written),
then the provider calls, then one transaction records every outcome. A row found still
``sending`` (the worker died mid-call) or ``unknown`` is reconciled with the provider, never
blindly resent; when the provider cannot tell, the message is parked for a person to resolve.
"""

from __future__ import annotations

import random
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from parcours.errors import OrchestrateError
from parcours.orchestrate import _store as db
from parcours.orchestrate._common import chunks
from parcours.orchestrate._context import Context
from parcours.orchestrate._scheduler import Scheduler
from parcours.orchestrate._steps import Prepared, Steps
from parcours.orchestrate.channels._base import Channel, Message, Result

__all__ = ["Delivery"]


class Delivery:
    """Provider calls and their outcomes: run_due, advance, record, park, resolve."""

    def __init__(self, ctx: Context, scheduler: Scheduler, steps: Steps) -> None:
        self.ctx = ctx
        self.scheduler = scheduler
        self.steps = steps

    def run_due(self, worker: str = "worker", limit: int = 100) -> int:
        """One pass: claim due enrolments and advance each as far as it can go now.

        Batched in three phases: one transaction prepares every claimed enrolment (ledger rows
        ``sending`` committed), then the provider calls, then one transaction records every
        outcome. A crash between the phases leaves ``sending`` rows: reconciled, not resent.
        """
        claimed = self.scheduler.claim(worker, limit)
        if not claimed:
            return 0
        deadline = self.ctx.clock() + self.ctx.lease * 0.8
        pending = claimed
        for _ in range(1000):  # scenarios are finite; this only guards against a jump loop
            if not pending:
                break
            if self.ctx.clock() > deadline:
                self.scheduler.release(
                    pending[0][1]
                )  # our lease is nearly over: let others reclaim
                break
            with self.ctx.store.begin() as conn:
                now = self.ctx.clock()
                cache = self.steps.batch(conn, [eid for eid, _ in pending])
                prepared = []
                for eid, token in pending:
                    step = self.steps.step_in(conn, eid, token, now, cache)
                    if step is not None:
                        prepared.append((eid, token, step))
            outcomes = [(eid, token, p.message, self._deliver(p)) for eid, token, p in prepared]
            with self.ctx.store.begin() as conn:
                preloaded = self._outcome_rows(conn, outcomes)
                for eid, token, message, result in outcomes:
                    assert message is not None
                    if result is None:
                        self._park_in(conn, eid, message.key)
                    else:
                        self._record_in(conn, eid, token, message, result, preloaded)
            pending = [(eid, token) for eid, token, _m, result in outcomes if result is not None]
        return len(claimed)

    def _outcome_rows(
        self, conn: Connection, outcomes: list[tuple[str, str, Message | None, Result | None]]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The ledger rows and enrolments a batch of outcomes updates, read (and locked) in two
        statements: ledger rows in key order, then enrolments in id order."""
        keys = sorted(m.key for _e, _t, m, _r in outcomes if m is not None)
        ids = sorted({eid for eid, _t, _m, _r in outcomes})
        rows: dict[str, Any] = {}
        enrolled: dict[str, Any] = {}
        for chunk in chunks(keys):
            query = sa.select(db.ledger).where(db.ledger.c.key.in_(chunk)).order_by(db.ledger.c.key)
            rows.update(
                (r["key"], dict(r)) for r in conn.execute(self.ctx.store.lock(query)).mappings()
            )
        for chunk in chunks(ids):
            e = db.enrolments.c
            query = sa.select(db.enrolments).where(e.id.in_(chunk)).order_by(e.id)
            enrolled.update(
                (r["id"], dict(r)) for r in conn.execute(self.ctx.store.lock(query)).mappings()
            )
        return rows, enrolled

    def _deliver(self, prepared: Prepared) -> Result | None:
        """Hand a prepared message to its channel, reconciling first when the ledger says the
        outcome of an earlier attempt is not known; ``None``: nobody can tell, park it."""
        assert prepared.message is not None
        assert prepared.channel is not None
        if prepared.action == "send":
            return self._call(prepared.channel, prepared.message)
        verdict = prepared.channel.reconcile(prepared.message)
        if verdict == "delivered":
            return Result("sent", error="reconciled")
        if verdict == "absent":
            return self._call(prepared.channel, prepared.message)
        return None

    def advance(self, enrolment_id: str, token: str) -> None:
        """One enrolment step by step, one transaction per phase (the unbatched path)."""
        for _ in range(1000):  # a scenario is finite; this only guards against a jump loop
            prepared = self.steps.step(enrolment_id, token)
            if prepared is None:
                return
            assert prepared.message is not None
            result = self._deliver(prepared)
            if result is None:
                self._park(enrolment_id, prepared.message.key)
                return
            self._record(enrolment_id, token, prepared.message, result)
        raise OrchestrateError(f"enrolment {enrolment_id}: expected a finite path, found a loop")

    @staticmethod
    def _call(channel: Channel, message: Message) -> Result:
        try:
            return channel.send(message)
        except Exception as exc:  # an adapter bug must not lose the ledger state
            return Result("unknown", error=f"{type(exc).__name__}: {exc}")

    def _record(self, enrolment_id: str, token: str, message: Message, result: Result) -> None:
        with self.ctx.store.begin() as conn:
            self._record_in(conn, enrolment_id, token, message, result)

    def _record_in(
        self,
        conn: Connection,
        enrolment_id: str,
        token: str,
        message: Message,
        result: Result,
        preloaded: tuple[dict[str, Any], dict[str, Any]] | None = None,
    ) -> None:
        """Write what the provider said. The ledger always gets the truth; the enrolment moves
        on only if this worker still holds the claim."""
        now = self.ctx.clock()
        lg = db.ledger.c
        e = db.enrolments.c
        if preloaded is None:
            preloaded = self._outcome_rows(conn, [(enrolment_id, token, message, result)])
        row = preloaded[0].get(message.key)
        enr = preloaded[1].get(enrolment_id)
        if row is None or enr is None:
            return  # erased meanwhile
        attempts = row["attempts"] + (0 if result.error == "reconciled" else 1)
        mine = enr["claimed_by"] == token and enr["status"] == "active"
        if result.outcome == "sent":
            conn.execute(
                db.ledger.update()
                .where(lg.key == message.key)
                .values(
                    status="sent",
                    handed_off_at=now,
                    provider_id=result.provider_id,
                    attempts=attempts,
                    error=result.error,
                )
            )
            if mine:
                conn.execute(
                    db.enrolments.update()
                    .where(e.id == enrolment_id)
                    .values(step_index=enr["step_index"] + 1)
                )
            return
        if result.outcome == "transient" and attempts < self.ctx.max_attempts:
            delay = self.ctx.backoff * 2 ** (attempts - 1) * (0.5 + random.random())  # noqa: S311  # jitter
            conn.execute(
                db.ledger.update()
                .where(lg.key == message.key)
                .values(status="retry", attempts=attempts, error=result.error)
            )
            if mine:
                self.scheduler.move(conn, enrolment_id, enr["step_index"], now + delay)
            return
        if result.outcome == "unknown":
            conn.execute(
                db.ledger.update()
                .where(lg.key == message.key)
                .values(status="unknown", attempts=attempts, error=result.error)
            )
            if mine:
                self.scheduler.move(
                    conn, enrolment_id, enr["step_index"], now + min(self.ctx.backoff, 5.0)
                )
            return
        # permanent (or transient too many times): this message will not go; free its pressure
        conn.execute(
            db.ledger.update()
            .where(lg.key == message.key)
            .values(status="failed", attempts=attempts, error=result.error)
        )
        conn.execute(db.pressure.delete().where(db.pressure.c.ledger_key == message.key))
        if mine:
            conn.execute(
                db.enrolments.update()
                .where(e.id == enrolment_id)
                .values(step_index=enr["step_index"] + 1)
            )

    def _park(self, enrolment_id: str, key: str) -> None:
        with self.ctx.store.begin() as conn:
            self._park_in(conn, enrolment_id, key)

    def _park_in(self, conn: Connection, enrolment_id: str, key: str) -> None:
        """The provider cannot tell whether it took the message: stop, visible in ``status``."""
        conn.execute(db.ledger.update().where(db.ledger.c.key == key).values(status="unknown"))
        conn.execute(
            db.enrolments.update()
            .where(db.enrolments.c.id == enrolment_id)
            .values(status="parked", reason="unknown_outcome", claimed_by=None, lease_until=None)
        )

    def resolve(self, key: str, *, sent: bool) -> None:
        """A person decided about a parked message: ``sent=True`` records it as sent, else it is
        resent (same key, same Message-ID)."""
        with self.ctx.store.begin() as conn:
            row = (
                conn.execute(sa.select(db.ledger).where(db.ledger.c.key == key)).mappings().first()
            )
            if row is None:
                raise OrchestrateError(f"resolve: expected a ledger key, found {key!r}")
            conn.execute(
                db.ledger.update()
                .where(db.ledger.c.key == key)
                .values(status="sent" if sent else "retry")
            )
            conn.execute(
                db.enrolments.update()
                .where(
                    (db.enrolments.c.id == row["enrolment_id"])
                    & (db.enrolments.c.status == "parked")
                )
                .values(status="active", reason=None, due_at=self.ctx.clock())
            )
