"""Events from outside (HTTP bodies, API requests): validated before anything is stored.

``parse_events`` is the one gate every intake goes through. It takes what a JSON decoder gave
(one object, or an array of objects) and returns ``Event`` objects, or raises
``OrchestrateError`` naming the item and the field, what was expected and what was found.
Nothing else escapes it, whatever the payload (property-tested).

An event::

    {"event_id": "e-1", "customer_id": "c-42", "type": "signup",
     "ts": "2026-11-26T10:00:00+01:00", "data": {"plan": "famille"}}

- ``event_id``, ``customer_id``, ``type``: non-empty strings (at most 200 characters, no control
  or invisible characters); ``null`` is refused, never stored as ``'None'``.
- ``ts``: an ISO-8601 timestamp WITH a zone (``Z`` or ``+01:00``). Unix seconds (a JSON number)
  are read as UTC. Either way it must fall between 2000-01-01 and one day from now: ``12345``
  (a 1970 date) is refused.
- ``data`` (optional): an object.
"""

from __future__ import annotations

import math
import time
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from parcours.errors import OrchestrateError
from parcours.orchestrate._common import Event

__all__ = ["EARLIEST", "FIELDS", "parse_events"]

FIELDS = ("event_id", "customer_id", "type", "ts", "data")
REQUIRED = ("event_id", "customer_id", "type", "ts")
MAX_ID = 200  # the store's column width
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC).timestamp()
AHEAD = 86400.0  # clocks drift; a day ahead is the most a timestamp may be


def _kind(value: object) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"a string ({shown!r})"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _where(index: int | None, name: str | None = None) -> str:
    place = "event" if index is None else f"event {index}"
    return f"{place}, field {name!r}" if name else place


def _text(item: Mapping[str, Any], name: str, index: int | None) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value.strip():
        raise OrchestrateError(
            f"{_where(index, name)}: expected a non-empty string, found {_kind(value)}"
        )
    if len(value) > MAX_ID:
        raise OrchestrateError(
            f"{_where(index, name)}: expected at most {MAX_ID} characters, found {len(value)}"
        )
    bad = next((c for c in value if unicodedata.category(c) in ("Cc", "Cf", "Cs")), None)
    if bad is not None:
        raise OrchestrateError(
            f"{_where(index, name)}: expected visible characters, found U+{ord(bad):04X} "
            f"in {value!r}"
        )
    return value


def _timestamp(value: object, index: int | None, now: float) -> float:
    latest = now + AHEAD
    span = f"between 2000-01-01 and {datetime.fromtimestamp(latest, UTC).date().isoformat()}"
    expected = f"an ISO-8601 timestamp with a zone (2026-11-26T10:00:00+01:00) {span}"
    where = _where(index, "ts")
    if isinstance(value, bool) or value is None:
        raise OrchestrateError(f"{where}: expected {expected}, found {_kind(value)}")
    if isinstance(value, int | float):
        seconds = float(value)
        if not math.isfinite(seconds) or not EARLIEST <= seconds <= latest:
            raise OrchestrateError(
                f"{where}: expected {expected} (or Unix seconds {span}), found {_kind(value)}"
            )
        return seconds
    if not isinstance(value, str):
        raise OrchestrateError(f"{where}: expected {expected}, found {_kind(value)}")
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise OrchestrateError(f"{where}: expected {expected}, found {_kind(value)}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise OrchestrateError(f"{where}: expected {expected}, found {_kind(value)} without a zone")
    try:
        seconds = moment.timestamp()
    except (OverflowError, ValueError, OSError):
        raise OrchestrateError(f"{where}: expected {expected}, found {_kind(value)}") from None
    if not EARLIEST <= seconds <= latest:
        raise OrchestrateError(f"{where}: expected {expected}, found {_kind(value)}")
    return seconds


def _event(item: object, index: int | None, now: float) -> Event:
    if not isinstance(item, Mapping):
        raise OrchestrateError(
            f"{_where(index)}: expected an object with {', '.join(REQUIRED)} "
            f"(and optionally data), found {_kind(item)}"
        )
    unknown = sorted(str(k) for k in item if k not in FIELDS)
    if unknown:
        raise OrchestrateError(
            f"{_where(index)}: expected only the fields {', '.join(FIELDS)}, found "
            f"{', '.join(repr(k) for k in unknown)}"
        )
    for name in REQUIRED:
        if name not in item:
            raise OrchestrateError(f"{_where(index, name)}: expected it, found no such field")
    event_id = _text(item, "event_id", index)
    customer_id = _text(item, "customer_id", index)
    kind = _text(item, "type", index)
    ts = _timestamp(item["ts"], index, now)
    data = item.get("data")
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise OrchestrateError(f"{_where(index, 'data')}: expected an object, found {_kind(data)}")
    return Event(event_id, customer_id, kind, ts, {str(k): v for k, v in data.items()})


def parse_events(payload: object, *, now: float | None = None) -> list[Event]:
    """Validated events from a decoded JSON payload: one object or an array of objects.

    Raises ``OrchestrateError`` (and nothing else) saying which item and field, what was
    expected and what was found. ``now`` (default: the clock) bounds timestamps from above.
    """
    current = time.time() if now is None else now
    if isinstance(payload, Mapping):
        return [_event(payload, None, current)]
    if isinstance(payload, list):
        return [_event(item, i, current) for i, item in enumerate(payload)]
    raise OrchestrateError(
        f"events: expected a JSON object or an array of objects, found {_kind(payload)}"
    )
