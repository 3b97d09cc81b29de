"""An enrolment's steps, walked in one transaction up to a message (or a wait, or the end).

Local steps (waits, branches, splits, updates, call-centre tasks) run here. A message step writes
its send-ledger row (key = enrolment + step, attempt-independent) BEFORE anyone calls the
provider, in the transaction that also checks consent, suppression, quiet hours and pressure caps
with the contact row locked. ``_delivery`` then hands it over.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from parcours.errors import OrchestrateError
from parcours.orchestrate import _store as db
from parcours.orchestrate._common import Batch, bucket, check
from parcours.orchestrate._contacts import Contacts
from parcours.orchestrate._context import Context
from parcours.orchestrate._model import Scenario, Step
from parcours.orchestrate._pressure import capped
from parcours.orchestrate._scheduler import Scheduler, quiet_until
from parcours.orchestrate._tally import Tally
from parcours.orchestrate.channels._base import Channel, Message

__all__ = ["Prepared", "Steps"]


@dataclass
class Prepared:
    action: str  # next | wait | drop | send | recheck | reconcile
    due: float | None = None
    message: Message | None = None
    channel: Channel | None = None
    reason: str | None = None


class Steps:
    """Walks an enrolment through its scenario's steps and prepares its next message."""

    def __init__(
        self, ctx: Context, contacts: Contacts, scheduler: Scheduler, tally: Tally
    ) -> None:
        self.ctx = ctx
        self.contacts = contacts
        self.scheduler = scheduler
        self.tally = tally

    def step(self, enrolment_id: str, token: str) -> Prepared | None:
        """One enrolment, in its own transaction (see ``_step_in``)."""
        with self.ctx.store.begin() as conn:
            return self.step_in(conn, enrolment_id, token, self.ctx.clock())

    def step_in(
        self,
        conn: Connection,
        enrolment_id: str,
        token: str,
        now: float,
        cache: Batch | None = None,
    ) -> Prepared | None:
        """Advance through local steps in one transaction; stop at a wait, the end, or a message
        whose ledger row was just written (then the caller hands it to the provider)."""
        e = db.enrolments.c
        if cache is not None:
            return self._walk(
                conn, cache.enrolments.get(enrolment_id), cache.contacts, token, now, cache
            )
        # the contact row is locked before the enrolment row, in the same order as unsubscribe
        # and erase do, so PostgreSQL never sees two transactions waiting on each other
        customer = conn.execute(
            sa.select(e.customer_id).where(e.id == enrolment_id)
        ).scalar_one_or_none()
        if customer is None:
            return None
        person = (
            conn.execute(
                self.ctx.store.lock(
                    sa.select(db.contacts).where(db.contacts.c.customer_id == customer)
                )
            )
            .mappings()
            .first()
        )
        found = (
            conn.execute(self.ctx.store.lock(sa.select(db.enrolments).where(e.id == enrolment_id)))
            .mappings()
            .first()
        )
        contacts = {customer: dict(person)} if person is not None else {}
        return self._walk(conn, dict(found) if found else None, contacts, token, now, None)

    def batch(self, conn: Connection, enrolment_ids: list[str]) -> Batch:
        """Everything a batch of enrolments needs, read in a few statements (rows locked on
        PostgreSQL: contacts first in customer order, then enrolments in id order)."""
        e = db.enrolments.c
        cache = Batch()
        customers = sorted(
            {c for (c,) in conn.execute(sa.select(e.customer_id).where(e.id.in_(enrolment_ids)))}
        )
        query = (
            sa.select(db.contacts)
            .where(db.contacts.c.customer_id.in_(customers))
            .order_by(db.contacts.c.customer_id)
        )
        for row in conn.execute(self.ctx.store.lock(query)).mappings():
            cache.contacts[row["customer_id"]] = dict(row)
        query = sa.select(db.enrolments).where(e.id.in_(enrolment_ids)).order_by(e.id)
        for row in conn.execute(self.ctx.store.lock(query)).mappings():
            cache.enrolments[row["id"]] = dict(row)
        lg = db.ledger.c
        for row in conn.execute(
            sa.select(db.ledger).where(lg.enrolment_id.in_(enrolment_ids))
        ).mappings():
            cache.ledger[row["key"]] = dict(row)
        c = db.consent.c
        for row in conn.execute(
            sa.select(db.consent).where(c.customer_id.in_(customers))
        ).mappings():
            cache.consent[(row["customer_id"], row["channel"], row["purpose"])] = (
                row["granted_at"],
                row["revoked_at"],
            )
        return cache

    def _walk(
        self,
        conn: Connection,
        found: dict[str, Any] | None,
        contacts: dict[str, dict[str, Any]],
        token: str,
        now: float,
        cache: Batch | None,
    ) -> Prepared | None:
        if found is None or found["claimed_by"] != token or found["status"] != "active":
            return None
        enr: dict[str, Any] = found
        enrolment_id = enr["id"]
        e = db.enrolments.c
        scenario = self.ctx.scenarios.get(enr["scenario_id"])
        if scenario is None:
            self.scheduler.finish(conn, enrolment_id, "exited", "scenario_removed", now)
            return None
        contact: dict[str, Any] = contacts.get(enr["customer_id"]) or {
            "customer_id": enr["customer_id"],
            "attrs": {},
        }
        index = enr["step_index"]
        variant = enr["variant"]
        while True:
            if index >= len(scenario.steps):
                self.scheduler.finish(conn, enrolment_id, "completed", None, now)
                return None
            step = scenario.steps[index]
            kind = step.kind
            if kind == "wait":
                due = self.scheduler.wait_until(step, contact, enr, now)
                if due > now:
                    self.scheduler.move(conn, enrolment_id, index + 1, due, variant=variant)
                    return None
                index += 1
            elif kind == "branch":
                assert step.branch is not None
                ok = all(
                    check(c, contact.get("attrs") or {}, enr["data"])
                    for c in step.branch.conditions
                )
                if ok and step.branch.did is not None:
                    since = enr["entered_at"]
                    if step.branch.did.within is not None:
                        since = max(since, now - step.branch.did.within.seconds)
                    ok = (
                        conn.execute(
                            sa.select(sa.func.count())
                            .select_from(db.events)
                            .where(
                                (db.events.c.customer_id == enr["customer_id"])
                                & db.events.c.type.in_(step.branch.did.events)
                                & (db.events.c.ts >= since)
                            )
                        ).scalar_one()
                        > 0
                    )
                target = step.branch.then if ok else step.branch.else_
                index = scenario.index_of(target) if target else index + 1
            elif kind == "split":
                assert step.split is not None
                total = sum(v.weight for v in step.split.variants)
                point = bucket("split", scenario.id, step.id, enr["customer_id"]) * total
                for v in step.split.variants:
                    point -= v.weight
                    if point < 0:
                        break
                variant = v.name
                index = scenario.index_of(v.goto) if v.goto else index + 1
            elif kind == "update":
                assert step.update is not None
                attrs = {
                    **(contact.get("attrs") or {}),
                    step.update.attribute: step.update.value,
                }
                contact["attrs"] = attrs
                conn.execute(
                    db.contacts.update()
                    .where(db.contacts.c.customer_id == enr["customer_id"])
                    .values(attrs=attrs, updated_at=now)
                )
                index += 1
            elif kind == "task":
                assert step.task is not None
                reason = step.task.reason
                text = (
                    reason
                    if isinstance(reason, str)
                    else reason.get(
                        contact.get("lang") or self.ctx.lang, next(iter(reason.values()))
                    )
                )
                text = self.ctx.renderer.inline(
                    text,
                    {"customer": contact.get("attrs") or {}, "event": enr.get("data") or {}},
                )
                if enr["arm"] == "treated":
                    conn.execute(
                        self.ctx.store.insert_ignore(db.tasks),
                        {
                            "key": f"{enrolment_id}:{step.id}",
                            "queue": step.task.queue,
                            "customer_id": enr["customer_id"],
                            "scenario_id": scenario.id,
                            "reason": text,
                            "priority": step.task.priority,
                            "created_at": now,
                            "due_at": now + step.task.due.seconds,
                            "status": "open",
                        },
                    )
                else:
                    self.tally.would_have_sent(conn, enr, step, "task", now)
                index += 1
            else:  # send or webhook: goes through the ledger
                prepared = self._prepare(conn, scenario, step, dict(enr), contact, now, cache)
                if prepared.action == "next":
                    index += 1
                    continue
                if prepared.action == "drop":
                    self.scheduler.finish(conn, enrolment_id, "exited", prepared.reason, now)
                    return None
                if prepared.action == "wait":
                    assert prepared.due is not None
                    self.scheduler.move(conn, enrolment_id, index, prepared.due, variant=variant)
                    return None
                # send / reconcile: keep the claim, remember where we are
                conn.execute(
                    db.enrolments.update()
                    .where(e.id == enrolment_id)
                    .values(step_index=index, variant=variant)
                )
                return prepared

    def _prepare(
        self,
        conn: Connection,
        scenario: Scenario,
        step: Step,
        enr: dict[str, Any],
        contact: dict[str, Any],
        now: float,
        cache: Batch | None = None,
    ) -> Prepared:
        key = f"{enr['id']}:{step.id}"
        channel_name = step.send.channel if step.send is not None else "webhook"
        transactional = step.send.transactional if step.send is not None else False
        existing: Mapping[str, Any] | None
        if cache is not None:
            existing = cache.ledger.get(key)
        else:
            row = (
                conn.execute(sa.select(db.ledger).where(db.ledger.c.key == key)).mappings().first()
            )
            existing = dict(row) if row is not None else None
        if existing is not None:
            status = existing["status"]
            if status in ("sent", "failed", "blocked", "capped", "cancelled"):
                return Prepared("next")
            channel = self.ctx.channels.get(channel_name)
            if channel is None:
                return Prepared("wait", due=now + self.ctx.backoff)
            message = self.message(scenario, step, enr, contact, key)
            if status == "retry":  # known not taken by the provider: safe to send again
                conn.execute(
                    db.ledger.update().where(db.ledger.c.key == key).values(status="queued")
                )
                return Prepared("send", message=message, channel=channel)
            if status == "queued":  # a claim ended before the hand-off: parcours never sent it
                return Prepared("recheck", message=message, channel=channel)
            return Prepared("reconcile", message=message, channel=channel)  # sending | unknown
        if enr["arm"] != "treated":
            self.tally.would_have_sent(conn, enr, step, channel_name, now)
            return Prepared("next")
        base = {
            "key": key,
            "enrolment_id": enr["id"],
            "scenario_id": scenario.id,
            "step_id": step.id,
            "customer_id": enr["customer_id"],
            "channel": channel_name,
            "transactional": transactional,
            "attempts": 0,
            "created_at": now,
        }
        if channel_name != "webhook":
            blocked = self.contacts.blocked(
                conn, enr["customer_id"], contact, channel_name, step.send, now, cache
            )
            if blocked:
                conn.execute(db.ledger.insert(), {**base, "status": "blocked", "error": blocked})
                return Prepared("next")
            assert step.send is not None
            if not transactional:
                zone = contact.get("timezone") or self.ctx.timezone
                if scenario.quiet_hours is not None:
                    later = quiet_until(scenario.quiet_hours, now, zone)
                    if later is not None:
                        return Prepared("wait", due=later)
                capped_until = capped(
                    conn, self.ctx.caps, enr["customer_id"], channel_name, step.send.tags, zone, now
                )
                if capped_until is not None:
                    if scenario.over_cap == "defer":
                        return Prepared("wait", due=capped_until)
                    conn.execute(
                        db.ledger.insert(), {**base, "status": "capped", "error": scenario.over_cap}
                    )
                    if scenario.over_cap == "drop":
                        return Prepared("drop", reason="capped")
                    return Prepared("next")
            tags = ["", *step.send.tags]
            conn.execute(
                db.pressure.insert(),
                [
                    {
                        "customer_id": enr["customer_id"],
                        "channel": channel_name,
                        "tag": tag,
                        "at": now,
                        "counted": not transactional,
                        "ledger_key": key,
                    }
                    for tag in tags
                ],
            )
        channel = self.ctx.channels.get(channel_name)
        if channel is None:
            raise OrchestrateError(
                f"scenario {scenario.id!r} step {step.id!r}: expected a configured {channel_name!r} "
                f"channel, found only {', '.join(sorted(self.ctx.channels)) or 'none'}"
            )
        message = self.message(scenario, step, enr, contact, key)
        # queued: written, not yet handed to the provider (``Delivery`` marks the hand-off)
        conn.execute(db.ledger.insert(), {**base, "status": "queued"})
        return Prepared("send", message=message, channel=channel)

    def message(
        self, scenario: Scenario, step: Step, enr: dict[str, Any], contact: dict[str, Any], key: str
    ) -> Message:
        lang = contact.get("lang") or self.ctx.lang
        if step.webhook is not None:
            return Message(
                key=key,
                channel="webhook",
                customer_id=enr["customer_id"],
                to=step.webhook.url,
                lang=lang,
                data={
                    "url": step.webhook.url,
                    "scenario": scenario.id,
                    "step": step.id,
                    "enrolment": enr["id"],
                    **step.webhook.data,
                },
            )
        assert step.send is not None
        unsubscribe = None
        headers: dict[str, str] = {}
        if not step.send.transactional and self.ctx.unsubscribe_url:
            token = self.contacts.unsubscribe_token(
                enr["customer_id"], step.send.channel, step.send.purpose
            )
            unsubscribe = self.ctx.unsubscribe_url.rstrip("/") + "/" + token
            headers["List-Unsubscribe"] = f"<{unsubscribe}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        context = self.ctx.renderer.context(scenario, contact, lang, enr.get("data"), unsubscribe)
        if step.send.channel == "sms":
            subject, text, html = "", self.ctx.renderer.sms_text(step.send, context), ""
        else:
            subject, text, html = self.ctx.renderer.render(step.send, context)
        to = contact.get("email") if step.send.channel == "email" else contact.get("phone")
        return Message(
            key=key,
            channel=step.send.channel,
            customer_id=enr["customer_id"],
            to=str(to),
            lang=lang,
            subject=subject,
            text=text,
            html=html if step.send.channel == "email" else "",
            headers=headers,
        )
