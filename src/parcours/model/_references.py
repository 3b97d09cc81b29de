"""Cross-reference checks of a journey map, on plain data (dicts and lists as read from YAML).

They run on raw data, not on models, so that the YAML loader can report broken references
together with structural errors in one pass; anything malformed is skipped here (the structural
validation reports it). `Journey` runs the same checks on its own dump, so a journey built in
Python obeys the same rules.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["Issue", "check_references", "did_you_mean", "format_ids"]

Loc = tuple[str | int, ...]

_COLLECTIONS = {
    "phases": "phase",
    "stages": "stage",
    "channels": "channel",
    "touchpoints": "touchpoint",
    "irritants": "irritant",
    "enchantments": "enchantment",
    "ruptures": "rupture",
    "personas": "persona",
    "kpis": "KPI",
}


@dataclass(frozen=True)
class Issue:
    """One broken rule: where (`loc`, as in pydantic errors), what was expected, what was found."""

    loc: Loc
    expected: str
    found: str
    value: Any = None
    other: Loc | None = None
    """Where the clashing item is (first use of a duplicate id or event code)."""


def format_ids(ids: list[str], limit: int = 8) -> str:
    """``[web, app, phone]``, shortened with ``...`` after `limit` ids."""
    shown = ", ".join(ids[:limit])
    if len(ids) > limit:
        shown += f", ... ({len(ids) - limit} more)"
    return f"[{shown}]"


def did_you_mean(value: str, choices: list[str]) -> str:
    """`` (did you mean 'web'?)`` when `value` is close to one of `choices`, else ``""``."""
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _items(data: dict[str, Any], key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    items = data.get(key)
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield index, item


def _ids(data: dict[str, Any], key: str) -> list[str] | None:
    """The ids defined in a collection; None when the collection itself is malformed."""
    if data.get(key) is not None and not isinstance(data.get(key), list):
        return None  # reported by the structural validation; references to it cannot be judged
    seen: dict[str, None] = {}
    for _, item in _items(data, key):
        if isinstance(item.get("id"), str):
            seen.setdefault(item["id"], None)
    return list(seen)


def _unknown(loc: Loc, value: str, what: str, ids: list[str]) -> Issue:
    if ids:
        expected = f"one of the {what} ids {format_ids(ids)}"
    else:
        expected = f"a {what} id, but the journey has no {what} yet"
    return Issue(loc, expected, f"{value!r}{did_you_mean(value, ids)}", value)


def _unique_ids(data: dict[str, Any]) -> Iterator[Issue]:
    for key, what in _COLLECTIONS.items():
        first: dict[str, int] = {}
        for index, item in _items(data, key):
            value = item.get("id")
            if not isinstance(value, str):
                continue
            if value in first:
                found = f"{value!r}, already the id of {key}[{first[value]}]"
                other = (key, first[value], "id")
                expected = f"an id used by no other {what}"
                yield Issue((key, index, "id"), expected, found, value, other)
            else:
                first[value] = index


def _refs(
    data: dict[str, Any], key: str, field: str, what: str, ids: list[str] | None
) -> Iterator[Issue]:
    if ids is None:
        return
    for index, item in _items(data, key):
        value = item.get(field)
        if isinstance(value, str) and value not in ids:
            yield _unknown((key, index, field), value, what, ids)


def _findings(data: dict[str, Any], key: str, stage_ids: list[str] | None) -> Iterator[Issue]:
    if stage_ids is None or _ids(data, "touchpoints") is None:
        return
    stage_of: dict[str, Any] = {}
    for _, touchpoint in _items(data, "touchpoints"):
        if isinstance(touchpoint.get("id"), str):
            stage_of.setdefault(touchpoint["id"], touchpoint.get("stage"))
    for index, item in _items(data, key):
        stage = item.get("stage")
        if isinstance(stage, str) and stage not in stage_ids:
            yield _unknown((key, index, "stage"), stage, "stage", stage_ids)
            stage = None
        refs = item.get("touchpoints")
        if not isinstance(refs, list):
            continue
        own = [tp for tp, tp_stage in stage_of.items() if tp_stage == stage]
        for position, ref in enumerate(refs):
            loc = (key, index, "touchpoints", position)
            if not isinstance(ref, str):
                continue
            if ref not in stage_of and isinstance(stage, str):
                expected = f"one of the touchpoint ids of stage {stage!r} {format_ids(own)}"
                yield Issue(loc, expected, f"{ref!r}{did_you_mean(ref, own)}", ref)
            elif ref not in stage_of:
                yield _unknown(loc, ref, "touchpoint", [*stage_of])
            elif isinstance(stage, str) and stage_of[ref] != stage:
                expected = f"a touchpoint of stage {stage!r} {format_ids(own)}"
                found = f"{ref!r}, a touchpoint of stage {stage_of[ref]!r}"
                yield Issue(loc, expected, found, ref)


def _ruptures(data: dict[str, Any], touchpoint_ids: list[str] | None) -> Iterator[Issue]:
    if touchpoint_ids is None:
        return
    for index, item in _items(data, "ruptures"):
        for field in ("from", "to"):
            value = item.get(field)
            if isinstance(value, str) and value not in touchpoint_ids:
                yield _unknown(("ruptures", index, field), value, "touchpoint", touchpoint_ids)
        if isinstance(item.get("from"), str) and item.get("from") == item.get("to"):
            expected = "a touchpoint other than the one in 'from'"
            found = f"{item['to']!r} in both 'from' and 'to'"
            yield Issue(("ruptures", index, "to"), expected, found, item["to"])


def _event_codes(data: dict[str, Any]) -> Iterator[Issue]:
    owner: dict[str, tuple[int, Any, int]] = {}
    for index, touchpoint in _items(data, "touchpoints"):
        codes = touchpoint.get("event_codes")
        if not isinstance(codes, list):
            continue
        for position, code in enumerate(codes):
            if not isinstance(code, str):
                continue
            if code not in owner:
                owner[code] = (index, touchpoint.get("id"), position)
                continue
            first_index, first_id, first_position = owner[code]
            where = "this touchpoint" if first_index == index else f"touchpoint {first_id!r}"
            expected = "an event code that belongs to no other touchpoint"
            found = f"{code!r}, already an event code of {where}"
            loc = ("touchpoints", index, "event_codes", position)
            other = ("touchpoints", first_index, "event_codes", first_position)
            yield Issue(loc, expected, found, code, other)


def _derived_from(data: dict[str, Any]) -> Iterator[Issue]:
    value = data.get("derived_from")
    if data.get("state") == "as-is" and value is not None:
        expected = "no derived_from on an as-is journey (only a to-be journey derives from another)"
        yield Issue(("derived_from",), expected, f"{value!r} with state: as-is", value)


def check_references(data: Any) -> list[Issue]:
    """Every broken cross-reference of a journey given as plain data, in a stable order.

    Checks: ids unique per collection; stage -> phase, touchpoint -> stage and channel, irritant
    and enchantment -> stage and touchpoints of that stage, rupture -> touchpoints, scope ->
    channels; one touchpoint per event code; derived_from only on a to-be journey.
    """
    if not isinstance(data, dict):
        return []
    phase_ids = _ids(data, "phases")
    stage_ids = _ids(data, "stages")
    channel_ids = _ids(data, "channels")
    touchpoint_ids = _ids(data, "touchpoints")
    issues = [
        *_unique_ids(data),
        *_derived_from(data),
        *_refs(data, "stages", "phase", "phase", phase_ids),
        *_refs(data, "touchpoints", "stage", "stage", stage_ids),
        *_refs(data, "touchpoints", "channel", "channel", channel_ids),
        *_event_codes(data),
        *_findings(data, "irritants", stage_ids),
        *_findings(data, "enchantments", stage_ids),
        *_ruptures(data, touchpoint_ids),
    ]
    scope = data.get("scope")
    if (
        isinstance(scope, dict)
        and isinstance(scope.get("channels"), list)
        and channel_ids is not None
    ):
        for position, value in enumerate(scope["channels"]):
            if isinstance(value, str) and value not in channel_ids:
                loc = ("scope", "channels", position)
                issues.append(_unknown(loc, value, "channel", channel_ids))
    return issues
