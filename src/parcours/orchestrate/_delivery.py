"""Delivery: claimed enrolments' messages handed to providers, outcomes written to the ledger.

Batched in three phases: one transaction prepares every claimed enrolment (ledger rows written),
then the provider calls, then one transaction records every outcome. A row found still
``sending`` (the worker died mid-call) or ``unknown`` is reconciled with the provider, never
blindly resent; when the provider cannot tell, the message is parked for a person to resolve.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from parcours.errors import OrchestrateError
from parcours.orchestrate import _store as db
from parcours.orchestrate._common import chunks
from parcours.orchestrate._context import Context
from parcours.orchestrate._scheduler import Scheduler
from parcours.orchestrate._steps import Prepared, Steps
from parcours.orchestrate.channels._base import Channel, Message, Result

__all__ = ["LOST", "Delivery", "ParkedMessage", "Resolution"]

Resolution = Literal["sent", "resend", "drop"]

# The claim ended before the hand-off: nothing was sent, the message stays queued.
LOST = Result("unknown", error="claim lost before the hand-off")


@dataclass(frozen=True)
class ParkedMessage:
    """A message that may or may not have reached its provider, waiting for a person.

    ``since``: when it was handed to the provider (epoch seconds)."""

    key: str
    scenario_id: str
    customer_id: str
    step_id: str
    channel: str
    since: float | None
    error: str | None


class Delivery:
    """Provider calls and their outcomes: run_due, advance, record, park, resolve."""

    def __init__(self, ctx: Context, scheduler: Scheduler, steps: Steps) -> None:
        self.ctx = ctx
        self.scheduler = scheduler
        self.steps = steps

    def run_due(self, worker: str = "worker", limit: int = 100) -> int:
        """One pass: claim due enrolments and advance each as far as it can go now.

        Batched in three phases: one transaction prepares every claimed enrolment (ledger rows
        ``queued`` committed), then the provider calls, each preceded by its own hand-off
        transaction (claim still ours? then ``sending``), then one transaction records every
        outcome. A crash before a hand-off leaves ``queued`` rows, sent by the next claim; a crash
        after it leaves ``sending`` rows: reconciled, not resent.
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
                # our lease is nearly over: let others reclaim
                self.scheduler.release(pending[0][1])
                break
            with self.ctx.store.begin() as conn:
                now = self.ctx.clock()
                cache = self.steps.batch(conn, [eid for eid, _ in pending])
                prepared = []
                for eid, token in pending:
                    step = self.steps.step_in(conn, eid, token, now, cache)
                    if step is not None:
                        prepared.append((eid, token, step))
            outcomes: list[tuple[str, str, Message | None, Result | None]] = []
            for eid, token, p in prepared:
                result = self._deliver(p, eid, token)
                if result is not LOST:  # lost: another worker holds it now, nothing was sent
                    outcomes.append((eid, token, p.message, result))
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

    def _deliver(self, prepared: Prepared, enrolment_id: str, token: str) -> Result | None:
        """Hand a prepared message to its channel, reconciling first when an earlier attempt
        may have reached the provider. ``None``: nobody can tell, park it; ``LOST``: the claim
        ended before the hand-off, nothing was sent (the next claim sends it)."""
        message, channel = prepared.message, prepared.channel
        assert message is not None
        assert channel is not None
        if prepared.action != "send":  # recheck (queued) | reconcile (sending, unknown)
            verdict = channel.reconcile(message)
            if verdict == "delivered":
                return Result("sent", error="reconciled")
            if verdict == "unknown" and prepared.action == "reconcile":
                return None  # it may have gone: never resend blindly
        if not self._hand_off(enrolment_id, token, message.key):
            return LOST
        return self._call(channel, message)

    def _hand_off(self, enrolment_id: str, token: str, key: str) -> bool:
        """The fence before every provider call, in its own transaction: the claim must still be
        this worker's and unexpired. Then the lease is renewed for the call and the ledger row
        marked ``sending`` (the hand-off point: from here the provider may have it)."""
        e = db.enrolments.c
        with self.ctx.store.begin() as conn:
            now = self.ctx.clock()
            # one conditional UPDATE checks and renews (it also takes the row lock PostgreSQL's
            # SKIP LOCKED claims step over): no row changed means the claim is not ours any more
            fenced = conn.execute(
                db.enrolments.update()
                .where(
                    (e.id == enrolment_id)
                    & (e.claimed_by == token)
                    & (e.status == "active")
                    & (e.lease_until > now)
                )
                .values(lease_until=now + self.ctx.lease)
            ).rowcount
            if fenced != 1:
                return False
            conn.execute(
                db.ledger.update()
                .where(db.ledger.c.key == key)
                .values(status="sending", handed_off_at=now)
            )
        return True

    def advance(self, enrolment_id: str, token: str) -> None:
        """One enrolment step by step, one transaction per phase (the unbatched path)."""
        for _ in range(1000):  # a scenario is finite; this only guards against a jump loop
            prepared = self.steps.step(enrolment_id, token)
            if prepared is None:
                return
            assert prepared.message is not None
            result = self._deliver(prepared, enrolment_id, token)
            if result is LOST:
                return
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
        self._settle(key, "sent" if sent else "resend", strict=False)

    def settle(self, key: str, how: Resolution) -> ParkedMessage:
        """Resolve a parked message: ``sent`` (the provider had it: recorded as sent), ``resend``
        (it did not: sent again, same key and Message-ID) or ``drop`` (not sent; the journey
        goes on with the next step). Only a parked message can be resolved."""
        return self._settle(key, how, strict=True)

    def _settle(self, key: str, how: Resolution, *, strict: bool) -> ParkedMessage:
        if how not in ("sent", "resend", "drop"):
            raise OrchestrateError(f"resolve: expected sent, resend or drop, found {how!r}")
        lg, e = db.ledger.c, db.enrolments.c
        with self.ctx.store.begin() as conn:
            row = conn.execute(sa.select(db.ledger).where(lg.key == key)).mappings().first()
            if row is None:
                raise OrchestrateError(f"resolve: expected a ledger key, found {key!r}")
            parked = conn.execute(
                sa.select(e.status).where(e.id == row["enrolment_id"])
            ).scalar_one_or_none()
            if strict and (row["status"] != "unknown" or parked != "parked"):
                raise OrchestrateError(
                    f"resolve: expected a parked message, found {key!r} with the ledger status "
                    f"{row['status']!r} and the enrolment {parked or 'gone'!r} "
                    "(`parcours orchestrate parked` lists them)"
                )
            values: dict[str, Any] = {"status": {"sent": "sent", "resend": "retry"}.get(how)}
            if how == "drop":
                values = {"status": "cancelled", "error": "dropped by a person"}
                conn.execute(db.pressure.delete().where(db.pressure.c.ledger_key == key))
            conn.execute(db.ledger.update().where(lg.key == key).values(**values))
            conn.execute(
                db.enrolments.update()
                .where((e.id == row["enrolment_id"]) & (e.status == "parked"))
                .values(status="active", reason=None, due_at=self.ctx.clock())
            )
        return _parked(row)

    def parked(self) -> list[ParkedMessage]:
        """The parked messages, oldest hand-off first."""
        lg, e = db.ledger.c, db.enrolments.c
        query = (
            sa.select(db.ledger)
            .join(db.enrolments, e.id == lg.enrolment_id)
            .where((lg.status == "unknown") & (e.status == "parked"))
            .order_by(sa.func.coalesce(lg.handed_off_at, lg.created_at), lg.key)
        )
        with self.ctx.store.begin() as conn:
            return [_parked(r) for r in conn.execute(query).mappings()]


def _parked(row: Any) -> ParkedMessage:
    return ParkedMessage(
        key=row["key"],
        scenario_id=row["scenario_id"],
        customer_id=row["customer_id"],
        step_id=row["step_id"],
        channel=row["channel"],
        since=row["handed_off_at"] if row["handed_off_at"] is not None else row["created_at"],
        error=row["error"],
    )
