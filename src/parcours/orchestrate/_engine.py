"""The engine: events in, enrolments out, due steps executed exactly once.

Reading guide:

- ``ingest`` takes a batch of events in ONE transaction: deduplicates by event id, stores them,
  then evaluates in memory every compiled scenario indexed by event type (exit first, goal, then
  triggers), and bulk-writes the enrolments. An enrolment's id is a hash of scenario and trigger,
  so replaying an event, or two ingesters racing, cannot enrol twice.
- An enrolment is also its own job: ``status``, ``step_index``, ``due_at``, ``claimed_by``,
  ``lease_until``. ``run_due`` claims due enrolments atomically (``SKIP LOCKED`` on PostgreSQL,
  the single writer lock on SQLite) and advances them.
- A message step writes its send-ledger row (key = enrolment + step, attempt-independent)
  BEFORE calling the provider, in the transaction that also checks consent, suppression, quiet
  hours and pressure caps with the contact row locked. After the call the outcome is recorded.
  A row found still ``sending`` (the worker died mid-call) or ``unknown`` is reconciled with the
  provider, never blindly resent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from parcours.errors import OrchestrateError
from parcours.orchestrate import _store as db
from parcours.orchestrate._model import Condition, QuietHours, Scenario, Send, Step
from parcours.orchestrate._pressure import Cap, window
from parcours.orchestrate._render import Renderer
from parcours.orchestrate._store import Store
from parcours.orchestrate.channels._base import Channel, Message, Result

__all__ = ["Event", "IngestResult", "OrchestrateError", "Orchestrator"]

ACTIVE = ("active", "parked")
CHUNK = 900  # below SQLite's and PostgreSQL's bound-parameter limits


@dataclass(frozen=True)
class Event:
    event_id: str
    customer_id: str
    type: str
    ts: float
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class IngestResult:
    received: int = 0
    duplicates: int = 0
    suppressed: int = 0
    enrolled: int = 0
    exited: int = 0
    converted: int = 0
    absorbed: int = 0


def _ts(value: Any) -> float:
    if isinstance(value, int | float):
        return float(value)
    if hasattr(value, "to_pydatetime"):
        return _ts(value.to_pydatetime())
    if isinstance(value, str) and value.strip().replace(".", "", 1).isdigit():
        return float(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=ZoneInfo("UTC"))
        return float(value.timestamp())
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=ZoneInfo("UTC")).timestamp()
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        try:
            return _ts(datetime.fromisoformat(text))
        except ValueError:
            pass
    raise OrchestrateError(f"event ts: expected a timestamp, found {value!r}")


def as_event(row: Event | Mapping[str, Any]) -> Event:
    """An Event from a mapping with event_id, customer_id, type (or touchpoint), ts, data."""
    if isinstance(row, Event):
        return row
    try:
        kind = row.get("type") or row.get("touchpoint") or row.get("event_code")
        data = row.get("data") or row.get("attrs") or {}
        if isinstance(data, str):
            data = json.loads(data) if data else {}
        return Event(
            str(row["event_id"]), str(row["customer_id"]), str(kind), _ts(row["ts"]), dict(data)
        )
    except KeyError as exc:
        raise OrchestrateError(
            f"event: expected event_id, customer_id, type and ts, found no {exc.args[0]!r} "
            f"in {dict(row)!r}"
        ) from exc


def _day(value: Any) -> date | None:
    """The date a date attribute holds (ISO date or datetime text), None if empty or not one."""
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _hash(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:32]  # noqa: S324  # an id, not security


def _bucket(*parts: str) -> float:
    """A stable number in [0, 1) from the parts: sticky arms, holdout buckets."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _get(attrs: Mapping[str, Any], event: Mapping[str, Any] | None, name: str) -> Any:
    if name.startswith("event."):
        return (event or {}).get(name[6:])
    return attrs.get(name)


def check(
    cond: Condition, attrs: Mapping[str, Any], event: Mapping[str, Any] | None = None
) -> bool:
    value = _get(attrs, event, cond.attribute)
    if cond.exists is not None:
        return (value is not None) == cond.exists
    if value is None:
        return cond.not_equals is not None
    try:
        if cond.equals is not None:
            return bool(value == cond.equals or str(value) == str(cond.equals))
        if cond.not_equals is not None:
            return bool(value != cond.not_equals and str(value) != str(cond.not_equals))
        if cond.in_ is not None:
            return value in cond.in_ or str(value) in {str(v) for v in cond.in_}
        number = float(value)
    except (TypeError, ValueError):
        return False
    if cond.gt is not None:
        return number > cond.gt
    if cond.ge is not None:
        return number >= cond.ge
    if cond.lt is not None:
        return number < cond.lt
    assert cond.le is not None
    return number <= cond.le


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _stored_hashes(conn: Connection, hashes: Sequence[str]) -> set[str]:
    """The suppression hashes among ``hashes`` (erased ids, emails, phones)."""
    found: set[str] = set()
    for chunk in _chunks(hashes):
        found.update(
            r[0]
            for r in conn.execute(
                sa.select(db.suppression.c.hash).where(db.suppression.c.hash.in_(chunk))
            )
        )
    return found


@dataclass
class _Prepared:
    action: str  # next | wait | drop | send | reconcile | park
    due: float | None = None
    message: Message | None = None
    channel: Channel | None = None
    reason: str | None = None


@dataclass
class _Batch:
    """Rows a batch of enrolments reads, fetched once per transaction."""

    enrolments: dict[str, dict[str, Any]] = field(default_factory=dict)
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    ledger: dict[str, dict[str, Any]] = field(default_factory=dict)
    consent: dict[tuple[str, str, str], tuple[float | None, float | None]] = field(
        default_factory=dict
    )


class Orchestrator:
    """Scenarios running on an operational store, with channels to send through.

    ``Orchestrator(Store(url), scenarios, channels={"email": SmtpChannel(...)})``;
    ``from_workspace(ws)`` reads the workspace's scenarios and ``[orchestrate]`` settings.
    """

    def __init__(
        self,
        store: Store,
        scenarios: Iterable[Scenario],
        *,
        channels: Mapping[str, Channel] | None = None,
        caps: Iterable[Cap] = (),
        holdout: float = 0.0,
        consent_mode: str = "opt_in",
        unsubscribe_url: str | None = None,
        lang: str = "fr",
        timezone: str = "Europe/Paris",
        templates_dir: Path | None = None,
        journey: Any = None,
        clock: Callable[[], float] = time.time,
        lease: float = 60.0,
        max_attempts: int = 6,
        backoff: float = 30.0,
    ) -> None:
        self.store = store
        self.scenarios = {s.id: s for s in scenarios if s.enabled}
        self.channels: dict[str, Channel] = dict(channels or {})
        self.caps = list(caps)
        self.holdout = holdout
        if consent_mode not in ("opt_in", "opt_out"):
            raise OrchestrateError(
                f"consent_mode: expected opt_in or opt_out, found {consent_mode!r}"
            )
        self.consent_mode = consent_mode
        self.unsubscribe_url = unsubscribe_url
        self.lang = lang
        self.timezone = timezone
        self.renderer = Renderer(templates_dir, journey)
        self.clock = clock
        self.lease = lease
        self.max_attempts = max_attempts
        self.backoff = backoff
        self._compile()

    # -- compiled scenarios -----------------------------------------------------------------------
    def _compile(self) -> None:
        self.by_trigger: dict[str, list[Scenario]] = defaultdict(list)
        self.by_exit: dict[str, list[Scenario]] = defaultdict(list)
        self.by_goal: dict[str, list[Scenario]] = defaultdict(list)
        self.by_enter: list[Scenario] = []
        for scenario in self.scenarios.values():
            for kind in scenario.trigger.events:
                self.by_trigger[kind].append(scenario)
            for kind in scenario.exit.events:
                self.by_exit[kind].append(scenario)
            if scenario.goal is not None:
                for kind in scenario.goal.events:
                    self.by_goal[kind].append(scenario)
            if scenario.trigger.enter is not None:
                self.by_enter.append(scenario)
        self.watched = set(self.by_trigger) | set(self.by_exit) | set(self.by_goal)
        self.marketing_ids = [s.id for s in self.scenarios.values() if not s.transactional]

    def scenario(self, scenario_id: str) -> Scenario:
        try:
            return self.scenarios[scenario_id]
        except KeyError:
            raise OrchestrateError(
                f"expected a known scenario, found {scenario_id!r} (known: "
                f"{', '.join(sorted(self.scenarios)) or 'none'})"
            ) from None

    # -- contacts, consent, suppression ---------------------------------------------------------
    def suppression_hash(self, kind: str, value: str) -> str:
        norm = value.strip().lower() if kind == "email" else value.strip()
        return hmac.new(
            self.store.secret().encode(), f"{kind}:{norm}".encode(), "sha256"
        ).hexdigest()

    def _suppressed(self, conn: Connection, customers: Iterable[str]) -> set[str]:
        if not conn.execute(sa.select(db.suppression.c.hash).limit(1)).first():
            return set()  # nobody erased yet: skip hashing every id of the batch
        hashes = {self.suppression_hash("customer_id", c): c for c in set(customers)}
        return {hashes[h] for h in _stored_hashes(conn, list(hashes))}

    def upsert_contacts(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Add or update contacts (customer_id, email, phone, lang, timezone, other attributes).

        Erased people (hashed suppression on id, email or phone) are not brought back. An
        attribute change that makes an ``enter`` trigger true enrols the customer.
        """
        now = self.clock()
        items = [dict(r) for r in rows]
        written = 0
        with self.store.begin() as conn:
            suppressed = self._suppressed(conn, [str(r["customer_id"]) for r in items])
            hashes = set()
            for r in items:
                for kind in ("email", "phone"):
                    if r.get(kind):
                        hashes.add(self.suppression_hash(kind, str(r[kind])))
            blocked_hashes = _stored_hashes(conn, sorted(hashes))
            old = self._load_attrs(conn, [str(r["customer_id"]) for r in items])
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
                    "lang": r.get("lang") or self.lang,
                    "timezone": r.get("timezone") or self.timezone,
                    "attrs": merged,
                    "updated_at": now,
                }
                (updates if cid in old else inserts).append(row)
                for scenario in self.by_enter:
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
                self._enrol_many(
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
        """Record consent (customer_id, channel, purpose, granted_at, revoked_at, source)."""
        now = self.clock()
        items = [
            {
                "customer_id": str(r["customer_id"]),
                "channel": str(r.get("channel", "email")),
                "purpose": str(r.get("purpose", "marketing")),
                "granted_at": _ts(r["granted_at"]) if r.get("granted_at") is not None else now,
                "revoked_at": _ts(r["revoked_at"]) if r.get("revoked_at") is not None else None,
                "source": r.get("source"),
            }
            for r in rows
        ]
        with self.store.begin() as conn:
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
        sig = hmac.new(self.store.secret().encode(), payload.encode(), "sha256").hexdigest()[:24]
        raw = f"{payload}|{sig}".encode()
        import base64

        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def unsubscribe_by_token(self, token: str) -> str:
        import base64

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
        now = self.clock()
        with self.store.begin() as conn:
            conn.execute(
                self.store.lock(
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
                    & db.enrolments.c.scenario_id.in_(self.marketing_ids)
                )
                .values(status="exited", reason="unsubscribed", ended_at=now, claimed_by=None)
            ).rowcount
            conn.execute(
                db.ledger.update()
                .where((db.ledger.c.customer_id == customer_id) & (db.ledger.c.status == "retry"))
                .values(status="cancelled", error="unsubscribed")
            )
        return int(purged or 0)

    def erase(self, customer_id: str) -> dict[str, int]:
        """GDPR erasure: delete the person's data everywhere in the store, keep hashed
        suppression entries (id, email, phone) so a re-import does not bring them back."""
        now = self.clock()
        counts: dict[str, int] = {}
        with self.store.begin() as conn:
            contact = (
                conn.execute(
                    self.store.lock(
                        sa.select(db.contacts).where(db.contacts.c.customer_id == customer_id)
                    )
                )
                .mappings()
                .first()
            )
            entries = [("customer_id", customer_id)]
            if contact is not None:
                entries += [(k, contact[k]) for k in ("email", "phone") if contact[k]]
            for kind, value in entries:
                h = self.suppression_hash(kind, str(value))
                conn.execute(
                    self.store.insert_ignore(db.suppression),
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

    # -- events in ----------------------------------------------------------------------------------
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
        now = self.clock()
        result.received += len(batch)
        with self.store.begin() as conn:
            unique: dict[str, Event] = {}
            for e in batch:
                unique.setdefault(e.event_id, e)
            ids = list(unique)
            for chunk in _chunks(ids):
                for (eid,) in conn.execute(
                    sa.select(db.events.c.event_id).where(db.events.c.event_id.in_(chunk))
                ).fetchall():
                    unique.pop(eid, None)
            suppressed = self._suppressed(conn, [e.customer_id for e in unique.values()])
            fresh = [e for e in unique.values() if e.customer_id not in suppressed]
            result.suppressed += len(unique) - len(fresh)
            result.duplicates += len(batch) - len(unique)
            if not fresh:
                return
            self.store.bulk_insert(
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
            relevant = sorted((e for e in fresh if e.type in self.watched), key=lambda e: e.ts)
            if relevant:
                self._evaluate(conn, relevant, now, result)

    def _load_enrolments(
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
            for sid in (self.scenarios if history is None else history)
            if sid in self.scenarios and self.scenarios[sid].reentry.policy != "after_exit"
        )
        for chunk in _chunks(list(customers)):
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

    def _load_attrs(self, conn: Connection, customers: Sequence[str]) -> dict[str, dict[str, Any]]:
        attrs: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(list(customers)):
            for cid, a in conn.execute(
                sa.select(db.contacts.c.customer_id, db.contacts.c.attrs).where(
                    db.contacts.c.customer_id.in_(chunk)
                )
            ):
                attrs[cid] = a or {}
        return attrs

    def _evaluate(
        self, conn: Connection, relevant: list[Event], now: float, result: IngestResult
    ) -> None:
        customers = sorted({e.customer_id for e in relevant})
        longest_goal = max(
            (s.goal.within.seconds for s in self.scenarios.values() if s.goal is not None),
            default=0.0,
        )
        triggered = {s.id for e in relevant for s in self.by_trigger.get(e.type, ())}
        state = self._load_enrolments(
            conn, customers, relevant[0].ts - longest_goal, history=triggered
        )
        needs_attrs = any(
            s.conditions or s.exit.conditions
            for e in relevant
            for s in (*self.by_trigger.get(e.type, ()), *self.by_exit.get(e.type, ()))
        )
        attrs = self._load_attrs(conn, customers) if needs_attrs else {}
        exits: list[dict[str, Any]] = []
        conversions: list[dict[str, Any]] = []
        entries: list[tuple[Scenario, str, str, float, dict[str, Any], dict[str, Any]]] = []
        for ev in relevant:
            person = attrs.get(ev.customer_id, {})
            for scenario in self.by_exit.get(ev.type, ()):
                if scenario.exit.conditions and not all(
                    check(c, person, ev.data) for c in scenario.exit.conditions
                ):
                    continue
                for enr in state.get((scenario.id, ev.customer_id), ()):
                    if enr["status"] in ACTIVE and enr["entered_at"] <= ev.ts:
                        enr["status"] = "exited"
                        exits.append({"eid": enr["id"], "at": now, "why": f"exit:{ev.type}"})
            for scenario in self.by_goal.get(ev.type, ()):
                assert scenario.goal is not None
                span = scenario.goal.within.seconds
                for enr in state.get((scenario.id, ev.customer_id), ()):
                    if (
                        enr["converted_at"] is None
                        and enr["entered_at"] <= ev.ts <= enr["entered_at"] + span
                    ):
                        enr["converted_at"] = ev.ts
                        conversions.append({"eid": enr["id"], "at": ev.ts})
            for scenario in self.by_trigger.get(ev.type, ()):
                if scenario.conditions and not all(
                    check(c, person, ev.data) for c in scenario.conditions
                ):
                    continue
                history = state[(scenario.id, ev.customer_id)]
                if not self._may_enter(scenario, history, ev.ts):
                    result.absorbed += 1
                    continue
                history.append(
                    {
                        "id": _hash(scenario.id, ev.event_id),
                        "status": "active",
                        "entered_at": ev.ts,
                        "converted_at": None,
                    }
                )
                entries.append((scenario, ev.customer_id, ev.event_id, ev.ts, ev.data, person))
        if entries:
            self._enrol_many(conn, entries, now, result)
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

    def _may_enter(self, scenario: Scenario, history: list[dict[str, Any]], ts: float) -> bool:
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

    def _arm(self, scenario: Scenario, customer_id: str) -> str:
        if self.holdout and _bucket("holdout", customer_id) < self.holdout:
            return "holdout"
        if scenario.control and _bucket("control", scenario.id, customer_id) < scenario.control:
            return "control"
        return "treated"

    def _enrol_many(
        self,
        conn: Connection,
        entries: Sequence[tuple[Scenario, str, str, float, dict[str, Any], dict[str, Any]]],
        now: float,
        result: IngestResult,
    ) -> None:
        rows = [
            {
                "id": _hash(scenario.id, trigger),
                "scenario_id": scenario.id,
                "customer_id": customer_id,
                "trigger_event_id": trigger,
                "arm": self._arm(scenario, customer_id),
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
        self.store.bulk_insert(conn, db.enrolments, rows, ignore=True)
        result.enrolled += len(rows)

    # -- time-based triggers ---------------------------------------------------------------------
    def scan(self, since: float | None = None) -> int:
        """Date triggers (attribute + offset, yearly anniversaries) and inactivity triggers due
        between ``since`` (default: one day ago) and now. Idempotent: the trigger key is the day."""
        now = self.clock()
        since = now - 86400 if since is None else since
        entries: list[tuple[Scenario, str, str, float, dict[str, Any], dict[str, Any]]] = []
        with self.store.begin() as conn:
            dated = [s for s in self.scenarios.values() if s.trigger.date is not None]
            idle = [s for s in self.scenarios.values() if s.trigger.inactivity is not None]
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
                        trig, (attrs or {}).get(trig.attribute), zone or self.timezone, since, now
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
            state = self._load_enrolments(conn, sorted({e[1] for e in entries}))
            allowed = []
            for entry in entries:
                scenario, cid = entry[0], entry[1]
                if scenario.conditions and not all(check(c, entry[5]) for c in scenario.conditions):
                    continue
                history = state[(scenario.id, cid)]
                if self._may_enter(scenario, history, entry[3]):
                    history.append(
                        {"status": "active", "entered_at": entry[3], "converted_at": None}
                    )
                    allowed.append(entry)
            if allowed:
                self._enrol_many(conn, allowed, now, IngestResult())
        return len(allowed)

    def _date_fire(
        self, trig: Any, value: Any, zone: str, since: float, now: float
    ) -> float | None:
        base = _day(value)
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
        now = self.clock()
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
        if self.store.postgres:
            query = query.with_for_update(skip_locked=True)
        with self.store.begin() as conn:
            ids = [r[0] for r in conn.execute(query)]
            if ids:
                conn.execute(
                    db.enrolments.update()
                    .where(e.id.in_(ids))
                    .values(claimed_by=token, lease_until=now + self.lease)
                )
        return [(i, token) for i in sorted(ids)]  # one lock order for every transaction

    def run_due(self, worker: str = "worker", limit: int = 100) -> int:
        """One pass: claim due enrolments and advance each as far as it can go now.

        Batched in three phases: one transaction prepares every claimed enrolment (ledger rows
        ``sending`` committed), then the provider calls, then one transaction records every
        outcome. A crash between the phases leaves ``sending`` rows: reconciled, not resent.
        """
        claimed = self.claim(worker, limit)
        if not claimed:
            return 0
        deadline = self.clock() + self.lease * 0.8
        pending = claimed
        for _ in range(1000):  # scenarios are finite; this only guards against a jump loop
            if not pending:
                break
            if self.clock() > deadline:
                self._release(pending[0][1])  # our lease is nearly over: let others reclaim
                break
            with self.store.begin() as conn:
                now = self.clock()
                cache = self._batch(conn, [eid for eid, _ in pending])
                prepared = []
                for eid, token in pending:
                    step = self._step_in(conn, eid, token, now, cache)
                    if step is not None:
                        prepared.append((eid, token, step))
            outcomes = [(eid, token, p.message, self._deliver(p)) for eid, token, p in prepared]
            with self.store.begin() as conn:
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
        for chunk in _chunks(keys):
            query = sa.select(db.ledger).where(db.ledger.c.key.in_(chunk)).order_by(db.ledger.c.key)
            rows.update(
                (r["key"], dict(r)) for r in conn.execute(self.store.lock(query)).mappings()
            )
        for chunk in _chunks(ids):
            e = db.enrolments.c
            query = sa.select(db.enrolments).where(e.id.in_(chunk)).order_by(e.id)
            enrolled.update(
                (r["id"], dict(r)) for r in conn.execute(self.store.lock(query)).mappings()
            )
        return rows, enrolled

    def _deliver(self, prepared: _Prepared) -> Result | None:
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

    def _release(self, token: str) -> None:
        with self.store.begin() as conn:
            conn.execute(
                db.enrolments.update()
                .where(db.enrolments.c.claimed_by == token)
                .values(claimed_by=None, lease_until=None)
            )

    def advance(self, enrolment_id: str, token: str) -> None:
        """One enrolment step by step, one transaction per phase (the unbatched path)."""
        for _ in range(1000):  # a scenario is finite; this only guards against a jump loop
            prepared = self._step(enrolment_id, token)
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

    def _step(self, enrolment_id: str, token: str) -> _Prepared | None:
        """One enrolment, in its own transaction (see ``_step_in``)."""
        with self.store.begin() as conn:
            return self._step_in(conn, enrolment_id, token, self.clock())

    def _step_in(
        self,
        conn: Connection,
        enrolment_id: str,
        token: str,
        now: float,
        cache: _Batch | None = None,
    ) -> _Prepared | None:
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
                self.store.lock(sa.select(db.contacts).where(db.contacts.c.customer_id == customer))
            )
            .mappings()
            .first()
        )
        found = (
            conn.execute(self.store.lock(sa.select(db.enrolments).where(e.id == enrolment_id)))
            .mappings()
            .first()
        )
        contacts = {customer: dict(person)} if person is not None else {}
        return self._walk(conn, dict(found) if found else None, contacts, token, now, None)

    def _batch(self, conn: Connection, enrolment_ids: list[str]) -> _Batch:
        """Everything a batch of enrolments needs, read in a few statements (rows locked on
        PostgreSQL: contacts first in customer order, then enrolments in id order)."""
        e = db.enrolments.c
        cache = _Batch()
        customers = sorted(
            {c for (c,) in conn.execute(sa.select(e.customer_id).where(e.id.in_(enrolment_ids)))}
        )
        query = (
            sa.select(db.contacts)
            .where(db.contacts.c.customer_id.in_(customers))
            .order_by(db.contacts.c.customer_id)
        )
        for row in conn.execute(self.store.lock(query)).mappings():
            cache.contacts[row["customer_id"]] = dict(row)
        query = sa.select(db.enrolments).where(e.id.in_(enrolment_ids)).order_by(e.id)
        for row in conn.execute(self.store.lock(query)).mappings():
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
        cache: _Batch | None,
    ) -> _Prepared | None:
        if found is None or found["claimed_by"] != token or found["status"] != "active":
            return None
        enr: dict[str, Any] = found
        enrolment_id = enr["id"]
        e = db.enrolments.c
        scenario = self.scenarios.get(enr["scenario_id"])
        if scenario is None:
            self._finish(conn, enrolment_id, "exited", "scenario_removed", now)
            return None
        contact: dict[str, Any] = contacts.get(enr["customer_id"]) or {
            "customer_id": enr["customer_id"],
            "attrs": {},
        }
        index = enr["step_index"]
        variant = enr["variant"]
        while True:
            if index >= len(scenario.steps):
                self._finish(conn, enrolment_id, "completed", None, now)
                return None
            step = scenario.steps[index]
            kind = step.kind
            if kind == "wait":
                due = self._wait_until(step, contact, enr, now)
                if due > now:
                    self._move(conn, enrolment_id, index + 1, due, variant=variant)
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
                point = _bucket("split", scenario.id, step.id, enr["customer_id"]) * total
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
                    else reason.get(contact.get("lang") or self.lang, next(iter(reason.values())))
                )
                text = self.renderer.inline(
                    text,
                    {"customer": contact.get("attrs") or {}, "event": enr.get("data") or {}},
                )
                if enr["arm"] == "treated":
                    conn.execute(
                        self.store.insert_ignore(db.tasks),
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
                    self._would_have_sent(conn, enr, step, "task", now)
                index += 1
            else:  # send or webhook: goes through the ledger
                prepared = self._prepare(conn, scenario, step, dict(enr), contact, now, cache)
                if prepared.action == "next":
                    index += 1
                    continue
                if prepared.action == "drop":
                    self._finish(conn, enrolment_id, "exited", prepared.reason, now)
                    return None
                if prepared.action == "wait":
                    assert prepared.due is not None
                    self._move(conn, enrolment_id, index, prepared.due, variant=variant)
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
        cache: _Batch | None = None,
    ) -> _Prepared:
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
                return _Prepared("next")
            channel = self.channels.get(channel_name)
            if channel is None:
                return _Prepared("wait", due=now + self.backoff)
            message = self._message(scenario, step, enr, contact, key)
            if status == "retry":  # known not taken by the provider: safe to send again
                conn.execute(
                    db.ledger.update().where(db.ledger.c.key == key).values(status="sending")
                )
                return _Prepared("send", message=message, channel=channel)
            return _Prepared("reconcile", message=message, channel=channel)  # sending | unknown
        if enr["arm"] != "treated":
            self._would_have_sent(conn, enr, step, channel_name, now)
            return _Prepared("next")
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
            blocked = self._blocked(
                conn, enr["customer_id"], contact, channel_name, step.send, now, cache
            )
            if blocked:
                conn.execute(db.ledger.insert(), {**base, "status": "blocked", "error": blocked})
                return _Prepared("next")
            assert step.send is not None
            if not transactional:
                zone = contact.get("timezone") or self.timezone
                if scenario.quiet_hours is not None:
                    later = _quiet_until(scenario.quiet_hours, now, zone)
                    if later is not None:
                        return _Prepared("wait", due=later)
                capped_until = self._capped(
                    conn, enr["customer_id"], channel_name, step.send.tags, zone, now
                )
                if capped_until is not None:
                    if scenario.over_cap == "defer":
                        return _Prepared("wait", due=capped_until)
                    conn.execute(
                        db.ledger.insert(), {**base, "status": "capped", "error": scenario.over_cap}
                    )
                    if scenario.over_cap == "drop":
                        return _Prepared("drop", reason="capped")
                    return _Prepared("next")
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
        channel = self.channels.get(channel_name)
        if channel is None:
            raise OrchestrateError(
                f"scenario {scenario.id!r} step {step.id!r}: expected a configured {channel_name!r} "
                f"channel, found only {', '.join(sorted(self.channels)) or 'none'}"
            )
        message = self._message(scenario, step, enr, contact, key)
        conn.execute(db.ledger.insert(), {**base, "status": "sending"})
        return _Prepared("send", message=message, channel=channel)

    def _blocked(
        self,
        conn: Connection,
        customer_id: str,
        contact: dict[str, Any],
        channel: str,
        send: Send | None,
        now: float,
        cache: _Batch | None = None,
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
        if self.consent_mode == "opt_in" and (row is None or row[0] is None or row[0] > now):
            return "no_consent"
        return None

    def _capped(
        self,
        conn: Connection,
        customer_id: str,
        channel: str,
        tags: list[str],
        zone: str,
        now: float,
    ) -> float | None:
        latest: float | None = None
        p = db.pressure.c
        for cap in self.caps:
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

    def _message(
        self, scenario: Scenario, step: Step, enr: dict[str, Any], contact: dict[str, Any], key: str
    ) -> Message:
        lang = contact.get("lang") or self.lang
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
        if not step.send.transactional and self.unsubscribe_url:
            token = self.unsubscribe_token(enr["customer_id"], step.send.channel, step.send.purpose)
            unsubscribe = self.unsubscribe_url.rstrip("/") + "/" + token
            headers["List-Unsubscribe"] = f"<{unsubscribe}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        context = self.renderer.context(scenario, contact, lang, enr.get("data"), unsubscribe)
        if step.send.channel == "sms":
            subject, text, html = "", self.renderer.sms_text(step.send, context), ""
        else:
            subject, text, html = self.renderer.render(step.send, context)
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

    def _record(self, enrolment_id: str, token: str, message: Message, result: Result) -> None:
        with self.store.begin() as conn:
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
        now = self.clock()
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
        if result.outcome == "transient" and attempts < self.max_attempts:
            delay = self.backoff * 2 ** (attempts - 1) * (0.5 + random.random())  # noqa: S311  # jitter
            conn.execute(
                db.ledger.update()
                .where(lg.key == message.key)
                .values(status="retry", attempts=attempts, error=result.error)
            )
            if mine:
                self._move(conn, enrolment_id, enr["step_index"], now + delay)
            return
        if result.outcome == "unknown":
            conn.execute(
                db.ledger.update()
                .where(lg.key == message.key)
                .values(status="unknown", attempts=attempts, error=result.error)
            )
            if mine:
                self._move(conn, enrolment_id, enr["step_index"], now + min(self.backoff, 5.0))
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
        with self.store.begin() as conn:
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
        with self.store.begin() as conn:
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
                .values(status="active", reason=None, due_at=self.clock())
            )

    def _would_have_sent(
        self, conn: Connection, enr: Mapping[str, Any], step: Step, channel: str, now: float
    ) -> None:
        conn.execute(
            self.store.insert_ignore(db.would_have_sent),
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

    def _move(
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

    def _finish(
        self, conn: Connection, enrolment_id: str, status: str, reason: str | None, now: float
    ) -> None:
        conn.execute(
            db.enrolments.update()
            .where(db.enrolments.c.id == enrolment_id)
            .values(status=status, reason=reason, ended_at=now, claimed_by=None, lease_until=None)
        )

    def _wait_until(
        self, step: Step, contact: Mapping[str, Any], enr: Mapping[str, Any], now: float
    ) -> float:
        wait = step.wait
        assert wait is not None
        attrs = contact.get("attrs") or {}
        zone = ZoneInfo(contact.get("timezone") or self.timezone)
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
            day = _day(attrs.get(wait.until_attribute))
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

    # -- reading -----------------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        """Counts for operators: enrolments by status, ledger by status, due now, parked keys."""
        now = self.clock()
        with self.store.begin() as conn:
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
                    & (db.enrolments.c.lease_until < now - self.lease)
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


def _quiet_until(quiet: QuietHours, now: float, zone: str) -> float | None:
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
