"""Contacts and consent: who may be written to, through which channel, for which purpose.

Suppression is hashed (HMAC with the store's secret): an erased person's id, e-mail and phone
are kept only as keyed hashes, so a re-import does not bring them back. ``blocked`` is the
consent check of the send path, read in the transaction that writes the ledger row.
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from parcours.errors import OrchestrateError
from parcours.orchestrate import _store as db
from parcours.orchestrate._common import ACTIVE, Batch, IngestResult, check, stored_hashes, to_ts
from parcours.orchestrate._context import Context
from parcours.orchestrate._enrol import Enrolments
from parcours.orchestrate._model import Scenario, Send

__all__ = ["Contacts"]


class Contacts:
    """Contacts, consent, unsubscribe and erasure in the operational store."""

    def __init__(self, ctx: Context, enrol: Enrolments) -> None:
        self.ctx = ctx
        self.enrol = enrol

    def suppression_hash(self, kind: str, value: str) -> str:
        norm = value.strip().lower() if kind == "email" else value.strip()
        return hmac.new(
            self.ctx.store.secret().encode(), f"{kind}:{norm}".encode(), "sha256"
        ).hexdigest()

    def suppressed(self, conn: Connection, customers: Iterable[str]) -> set[str]:
        if not conn.execute(sa.select(db.suppression.c.hash).limit(1)).first():
            return set()  # nobody erased yet: skip hashing every id of the batch
        hashes = {self.suppression_hash("customer_id", c): c for c in set(customers)}
        return {hashes[h] for h in stored_hashes(conn, list(hashes))}

    def upsert_contacts(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Add or update contacts (customer_id, email, phone, lang, timezone, other attributes).

        Erased people (hashed suppression on id, email or phone) are not brought back. An
        attribute change that makes an ``enter`` trigger true enrols the customer.
        """
        now = self.ctx.clock()
        items = [dict(r) for r in rows]
        written = 0
        with self.ctx.store.begin() as conn:
            suppressed = self.suppressed(conn, [str(r["customer_id"]) for r in items])
            hashes = set()
            for r in items:
                for kind in ("email", "phone"):
                    if r.get(kind):
                        hashes.add(self.suppression_hash(kind, str(r[kind])))
            blocked_hashes = stored_hashes(conn, sorted(hashes))
            old = self.enrol.load_attrs(conn, [str(r["customer_id"]) for r in items])
            inserts: list[dict[str, Any]] = []
            updates: list[dict[str, Any]] = []
            entering: list[tuple[Scenario, str, dict[str, Any]]] = []
            for r in items:
                cid = str(r["customer_id"])
                if cid in suppressed or any(
                    r.get(k) and self.suppression_hash(k, str(r[k])) in blocked_hashes
                    for k in ("email", "phone")
                ):
                    continue
                attrs = {
                    k: (v.isoformat() if isinstance(v, date) else v)
                    for k, v in r.items()
                    if k not in ("customer_id", "email", "phone", "lang", "timezone")
                }
                merged = {**old.get(cid, {}), **attrs}
                row = {
                    "customer_id": cid,
                    "email": r.get("email"),
                    "phone": r.get("phone"),
                    "lang": r.get("lang") or self.ctx.lang,
                    "timezone": r.get("timezone") or self.ctx.timezone,
                    "attrs": merged,
                    "updated_at": now,
                }
                (updates if cid in old else inserts).append(row)
                for scenario in self.ctx.by_enter:
                    cond = scenario.trigger.enter
                    assert cond is not None
                    if check(cond, merged) and not check(cond, old.get(cid, {})):
                        entering.append((scenario, cid, merged))
                written += 1
            if inserts:
                conn.execute(db.contacts.insert(), inserts)
            if updates:
                conn.execute(
                    db.contacts.update()
                    .where(db.contacts.c.customer_id == sa.bindparam("cid"))
                    .values(
                        email=sa.bindparam("email"),
                        phone=sa.bindparam("phone"),
                        lang=sa.bindparam("lang"),
                        timezone=sa.bindparam("timezone"),
                        attrs=sa.bindparam("attrs"),
                        updated_at=sa.bindparam("updated_at"),
                    ),
                    [{**u, "cid": u["customer_id"]} for u in updates],
                )
            if entering:
                self.enrol.enrol_many(
                    conn,
                    [
                        (s, cid, f"enter:{cid}:{int(now)}", now, {}, attrs)
                        for s, cid, attrs in entering
                    ],
                    now,
                    IngestResult(),
                )
        return written

    def set_consent(
        self,
        rows: Iterable[Mapping[str, Any]],
    ) -> int:
        """Record consent (customer_id, channel, purpose, granted_at, revoked_at, source).

        Erased people (hashed suppression) get no consent row: returns how many were written."""
        now = self.ctx.clock()
        items = [
            {
                "customer_id": str(r["customer_id"]),
                "channel": str(r.get("channel", "email")),
                "purpose": str(r.get("purpose", "marketing")),
                "granted_at": to_ts(r["granted_at"]) if r.get("granted_at") is not None else now,
                "revoked_at": to_ts(r["revoked_at"]) if r.get("revoked_at") is not None else None,
                "source": r.get("source"),
            }
            for r in rows
        ]
        with self.ctx.store.begin() as conn:
            erased = self.suppressed(conn, [str(i["customer_id"]) for i in items])
            items = [i for i in items if i["customer_id"] not in erased]
            keys = {(i["customer_id"], i["channel"], i["purpose"]) for i in items}
            c = db.consent.c
            for cid, ch, purpose in keys:
                conn.execute(
                    db.consent.delete().where(
                        (c.customer_id == cid) & (c.channel == ch) & (c.purpose == purpose)
                    )
                )
            if items:
                conn.execute(db.consent.insert(), items)
        return len(items)

    def unsubscribe_token(
        self, customer_id: str, channel: str = "email", purpose: str = "marketing"
    ) -> str:
        payload = f"{customer_id}|{channel}|{purpose}"
        sig = hmac.new(self.ctx.store.secret().encode(), payload.encode(), "sha256").hexdigest()[
            :24
        ]
        raw = f"{payload}|{sig}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def unsubscribe_by_token(self, token: str) -> str:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            customer_id, channel, purpose, _sig = raw.rsplit("|", 3)
        except (ValueError, UnicodeDecodeError) as exc:
            raise OrchestrateError("unsubscribe: expected a valid token, found garbage") from exc
        if not hmac.compare_digest(self.unsubscribe_token(customer_id, channel, purpose), token):
            raise OrchestrateError("unsubscribe: expected a valid token, found a bad signature")
        self.unsubscribe(customer_id, channel=channel, purpose=purpose)
        return customer_id

    def unsubscribe(
        self, customer_id: str, *, channel: str = "email", purpose: str = "marketing"
    ) -> int:
        """Revoke consent now and purge the customer's queued marketing steps.

        The contact row is locked first, as the send path does: a send that has not written its
        ledger row yet will see the revocation.
        """
        now = self.ctx.clock()
        with self.ctx.store.begin() as conn:
            conn.execute(
                self.ctx.store.lock(
                    sa.select(db.contacts.c.customer_id).where(
                        db.contacts.c.customer_id == customer_id
                    )
                )
            ).all()
            c = db.consent.c
            where = (c.customer_id == customer_id) & (c.channel == channel) & (c.purpose == purpose)
            conn.execute(db.consent.delete().where(where))
            conn.execute(
                db.consent.insert(),
                {
                    "customer_id": customer_id,
                    "channel": channel,
                    "purpose": purpose,
                    "granted_at": None,
                    "revoked_at": now,
                    "source": "unsubscribe",
                },
            )
            purged = conn.execute(
                db.enrolments.update()
                .where(
                    (db.enrolments.c.customer_id == customer_id)
                    & db.enrolments.c.status.in_(ACTIVE)
                    & db.enrolments.c.scenario_id.in_(self.ctx.marketing_ids)
                )
                .values(status="exited", reason="unsubscribed", ended_at=now, claimed_by=None)
            ).rowcount
            conn.execute(
                db.ledger.update()
                .where(
                    (db.ledger.c.customer_id == customer_id)
                    & (
                        (db.ledger.c.status == "retry")
                        | ((db.ledger.c.status == "queued") & ~db.ledger.c.transactional)
                    )
                )
                .values(status="cancelled", error="unsubscribed")
            )
        return int(purged or 0)

    def erase(self, customer_id: str, also: Iterable[tuple[str, str]] = ()) -> dict[str, int]:
        """GDPR erasure: delete the person's data everywhere in the store, keep hashed
        suppression entries (id, email, phone, and the (kind, value) pairs of ``also``: the
        person's identifiers known elsewhere) so a re-import does not bring them back."""
        now = self.ctx.clock()
        counts: dict[str, int] = {}
        with self.ctx.store.begin() as conn:
            contact = (
                conn.execute(
                    self.ctx.store.lock(
                        sa.select(db.contacts).where(db.contacts.c.customer_id == customer_id)
                    )
                )
                .mappings()
                .first()
            )
            entries = [("customer_id", customer_id), *((k, v) for k, v in also if v)]
            if contact is not None:
                entries += [(k, contact[k]) for k in ("email", "phone") if contact[k]]
            for kind, value in entries:
                h = self.suppression_hash(kind, str(value))
                conn.execute(
                    self.ctx.store.insert_ignore(db.suppression),
                    {"hash": h, "kind": kind, "at": now, "reason": "erasure"},
                )
            for table in (
                db.events,
                db.contacts,
                db.consent,
                db.enrolments,
                db.ledger,
                db.pressure,
                db.would_have_sent,
                db.tasks,
            ):
                counts[table.name] = int(
                    conn.execute(table.delete().where(table.c.customer_id == customer_id)).rowcount
                    or 0
                )
        return counts

    def blocked(
        self,
        conn: Connection,
        customer_id: str,
        contact: dict[str, Any],
        channel: str,
        send: Send | None,
        now: float,
        cache: Batch | None = None,
    ) -> str | None:
        address = contact.get("email") if channel == "email" else contact.get("phone")
        if not address:
            return "no_address"
        assert send is not None
        if send.transactional:
            return None
        row: tuple[float | None, float | None] | None
        if cache is not None:
            row = cache.consent.get((customer_id, channel, send.purpose))
        else:
            c = db.consent.c
            found = conn.execute(
                sa.select(c.granted_at, c.revoked_at).where(
                    (c.customer_id == customer_id)
                    & (c.channel == channel)
                    & (c.purpose == send.purpose)
                )
            ).first()
            row = (found[0], found[1]) if found is not None else None
        if row is not None and row[1] is not None and row[1] <= now:
            return "consent_revoked"
        if self.ctx.consent_mode == "opt_in" and (row is None or row[0] is None or row[0] > now):
            return "no_consent"
        return None
