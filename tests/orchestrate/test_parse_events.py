"""``parse_events``: the gate every intake goes through (the HTTP listener today, the API later).

Valid events come back as ``Event``; anything else raises ``OrchestrateError`` naming the item,
the field, what was expected and what was found, and never any other exception.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.orchestrate._helpers import make_workspace, people

from parcours.accounts import Accounts
from parcours.api import serve_public
from parcours.errors import OrchestrateError
from parcours.orchestrate import Event, from_workspace, parse_events

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC).timestamp()


def _event(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "event_id": "e1",
        "customer_id": "c1",
        "type": "signup",
        "ts": "2026-11-26T10:00:00+01:00",
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not ...}


def test_one_object_or_an_array_of_objects() -> None:
    (one,) = parse_events(_event(data={"plan": "famille"}), now=NOW)
    assert one == Event(
        "e1",
        "c1",
        "signup",
        datetime(2026, 11, 26, 9, 0, tzinfo=UTC).timestamp(),
        {"plan": "famille"},
    )
    many = parse_events([_event(), _event(event_id="e2", ts="2026-11-26T09:00:00Z")], now=NOW)
    assert [e.event_id for e in many] == ["e1", "e2"]
    assert many[0].ts == many[1].ts  # the zone is honoured
    assert parse_events([], now=NOW) == []
    # Unix seconds in the plausible range are UTC
    assert parse_events(_event(ts=NOW - 60), now=NOW)[0].ts == NOW - 60


@pytest.mark.parametrize(
    ("payload", "where", "expected", "found"),
    [
        (None, "events", "a JSON object or an array of objects", "null"),
        (42, "events", "a JSON object or an array of objects", "a number (42)"),
        ("x", "events", "a JSON object or an array of objects", "a string ('x')"),
        ([1, 2], "event 0", "an object with event_id", "a number (1)"),
        ([_event(), None], "event 1", "an object with event_id", "null"),
        (_event(customer_id=None), "field 'customer_id'", "a non-empty string", "null"),
        (_event(customer_id=""), "field 'customer_id'", "a non-empty string", "a string ('')"),
        (_event(customer_id=42), "field 'customer_id'", "a non-empty string", "a number (42)"),
        (_event(customer_id="c\x001"), "field 'customer_id'", "visible characters", "U+0000"),
        (_event(customer_id="c\u200b1"), "field 'customer_id'", "visible characters", "U+200B"),
        (_event(customer_id="c" * 201), "field 'customer_id'", "at most 200", "201"),
        (_event(event_id=...), "field 'event_id'", "expected it", "no such field"),
        (_event(type=["signup"]), "field 'type'", "a non-empty string", "an array"),
        (_event(ts=12345), "field 'ts'", "with a zone", "a number (12345)"),
        (_event(ts=True), "field 'ts'", "with a zone", "a boolean (true)"),
        (_event(ts="2026-11-26T10:00:00"), "field 'ts'", "with a zone", "without a zone"),
        (_event(ts="2026-11-26"), "field 'ts'", "with a zone", "without a zone"),
        (_event(ts="demain"), "field 'ts'", "with a zone", "a string ('demain')"),
        (_event(ts="1999-12-31T23:00:00Z"), "field 'ts'", "between 2000-01-01", "1999"),
        (_event(ts="2026-12-04T12:00:00Z"), "field 'ts'", "and 2026-12-03", "2026-12-04"),
        (_event(ts=float("nan")), "field 'ts'", "Unix seconds", "nan"),
        (_event(data=[1]), "field 'data'", "an object", "an array"),
        (_event(data="{}"), "field 'data'", "an object", "a string"),
        (_event(source="crm"), "event", "only the fields", "'source'"),
    ],
)
def test_what_is_refused_says_where_what_was_expected_and_what_was_found(
    payload: object, where: str, expected: str, found: str
) -> None:
    with pytest.raises(OrchestrateError) as info:
        parse_events(payload, now=NOW)
    message = str(info.value)
    assert where in message
    assert f"expected {expected}" in message or expected in message
    assert found in message


def test_a_null_customer_is_never_stored_as_none_through_the_listener(tmp_path: Path, sink) -> None:
    ws = make_workspace(
        tmp_path / "ws", f"sqlite:///{tmp_path / 'ops.sqlite'}", sink, scenarios=["two_emails.yaml"]
    )
    orch = from_workspace(ws)
    orch.upsert_contacts(people(1, prefix="n"))
    accounts = Accounts.for_workspace(ws)
    intake = {"Authorization": f"Bearer {accounts.create_intake_token('test')[1]}"}
    accounts.dispose()
    server = serve_public(ws.root, "127.0.0.1", 0, orchestrator=orch)
    url = f"http://127.0.0.1:{server.server_address[1]}/api/v1/events"
    bodies = [
        json.dumps(_event(customer_id=None, ts=time.time())).encode(),
        json.dumps(_event(ts=12345)).encode(),
        b"[1,2]",
        b"null",
        b"42",
        b"{not json",
    ]
    try:
        answers = []
        for body in bodies:
            with pytest.raises(urllib.error.HTTPError) as info:
                urllib.request.urlopen(
                    urllib.request.Request(url, data=body, method="POST", headers=intake)
                )
            answers.append((info.value.code, json.loads(info.value.read())["detail"]))
        good = json.dumps(_event(customer_id="n00000", ts=time.time())).encode()
        request = urllib.request.Request(url, data=good, method="POST", headers=intake)
        with urllib.request.urlopen(request) as r:
            assert json.loads(r.read())["received"] == 1
    finally:
        server.shutdown()
    # what parse_events refuses is 422, a body that is not JSON 400: problems either way
    assert [code for code, _ in answers] == [422] * (len(bodies) - 1) + [400]
    assert "customer_id" in answers[0][1]
    assert "null" in answers[0][1]
    assert "ts" in answers[1][1]
    assert "12345" in answers[1][1]
    assert orch.status()["events"] == 1
    orch.store.dispose()


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=20,
)
FIELD_VALUES = st.one_of(
    JSON,
    st.sampled_from(["2026-11-26T10:00:00Z", "2026-11-26T10:00:00", "0001-01-01T00:00:00+00:00"]),
    st.floats(min_value=0, max_value=4e9),
)
EVENTISH = st.fixed_dictionaries(
    {},
    optional={
        "event_id": FIELD_VALUES,
        "customer_id": FIELD_VALUES,
        "type": FIELD_VALUES,
        "ts": FIELD_VALUES,
        "data": FIELD_VALUES,
    },
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(JSON, EVENTISH, st.lists(st.one_of(EVENTISH, JSON), max_size=4)))
def test_arbitrary_json_gives_events_or_an_orchestrate_error_and_nothing_else(
    payload: object,
) -> None:
    try:
        events = parse_events(payload, now=NOW)
    except OrchestrateError:
        return  # a refusal is an answer; any other exception fails the test
    for event in events:
        assert isinstance(event, Event)
        assert event.customer_id.strip()
        assert event.customer_id != "None"
        assert datetime(2000, 1, 1, tzinfo=UTC).timestamp() <= event.ts <= NOW + 86400
        assert isinstance(event.data, dict)


@settings(max_examples=200, deadline=None)
@given(
    st.text(min_size=1, max_size=40).filter(lambda s: s.isprintable() and s.strip()),
    st.datetimes(
        min_value=datetime(2000, 1, 2),  # naive bounds; the zone is drawn below
        max_value=datetime(2026, 12, 1),  # naive bounds; the zone is drawn below
        timezones=st.sampled_from([UTC]),
    ),
)
def test_valid_events_come_back_as_sent(customer: str, moment: datetime) -> None:
    (event,) = parse_events(
        {"event_id": "e", "customer_id": customer, "type": "t", "ts": moment.isoformat()}, now=NOW
    )
    assert event.customer_id == customer
    assert event.ts == moment.timestamp()
