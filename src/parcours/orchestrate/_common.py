"""What every role of the engine shares: events, counts, conditions, ids and hashes.

The engine is split by role (see ``_engine.Orchestrator``, the facade): ``_contacts`` (contacts,
consent, suppression, erasure), ``_intake`` (events in), ``_enrol`` (enrolments written),
``_scheduler`` (time triggers, waits, claims), ``_steps`` (an enrolment's local steps up to a
message), ``_delivery`` (provider calls, ledger outcomes, reconcile, parked messages),
``_pressure`` (caps) and ``_tally`` (operators' counts, would-have-sent).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from parcours.errors import OrchestrateError
from parcours.orchestrate import _store as db
from parcours.orchestrate._model import Condition

__all__ = [
    "ACTIVE",
    "CHUNK",
    "Batch",
    "Event",
    "IngestResult",
    "as_event",
    "bucket",
    "check",
    "chunks",
    "stable_id",
    "stored_hashes",
    "to_day",
    "to_ts",
]

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


def to_ts(value: Any) -> float:
    if isinstance(value, int | float):
        return float(value)
    if hasattr(value, "to_pydatetime"):
        return to_ts(value.to_pydatetime())
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
            return to_ts(datetime.fromisoformat(text))
        except ValueError:
            pass
    raise OrchestrateError(f"event ts: expected a timestamp, found {value!r}")


_ENVELOPE = frozenset({"event_id", "customer_id", "type", "touchpoint", "event_code", "ts"})
_ENVELOPE |= {"data", "attrs"}


def as_event(row: Event | Mapping[str, Any]) -> Event:
    """An Event from a mapping with event_id, customer_id, type (or touchpoint), ts, data."""
    if isinstance(row, Event):
        return row
    try:
        kind = row.get("type") or row.get("touchpoint") or row.get("event_code")
        data = row.get("data") or row.get("attrs") or {}
        if isinstance(data, str):
            data = json.loads(data) if data else {}
        # A flat row (a CSV line) carries its data as extra columns: `score`, `comment`...
        loose = {str(k): v for k, v in row.items() if k not in _ENVELOPE and v not in (None, "")}
        return Event(
            str(row["event_id"]),
            str(row["customer_id"]),
            str(kind),
            to_ts(row["ts"]),
            {**loose, **dict(data)},
        )
    except KeyError as exc:
        raise OrchestrateError(
            f"event: expected event_id, customer_id, type and ts, found no {exc.args[0]!r} "
            f"in {dict(row)!r}"
        ) from exc


def to_day(value: Any) -> date | None:
    """The date a date attribute holds (ISO date or datetime text), None if empty or not one."""
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def stable_id(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:32]  # noqa: S324  # an id, not security


def bucket(*parts: str) -> float:
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


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def stored_hashes(conn: Connection, hashes: Sequence[str]) -> set[str]:
    """The suppression hashes among ``hashes`` (erased ids, emails, phones)."""
    found: set[str] = set()
    for chunk in chunks(hashes):
        found.update(
            r[0]
            for r in conn.execute(
                sa.select(db.suppression.c.hash).where(db.suppression.c.hash.in_(chunk))
            )
        )
    return found


@dataclass
class Batch:
    """Rows a batch of enrolments reads, fetched once per transaction."""

    enrolments: dict[str, dict[str, Any]] = field(default_factory=dict)
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    ledger: dict[str, dict[str, Any]] = field(default_factory=dict)
    consent: dict[tuple[str, str, str], tuple[float | None, float | None]] = field(
        default_factory=dict
    )
