"""Schemathesis fuzzes every operation of the OpenAPI document, as an admin: 0 server errors,
and every error answer is a problem (bounded examples, so the run stays under two minutes)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from tests.api.conftest import serve_copy, stop

MAX_EXAMPLES = 4
# Routes that compute for seconds on each new parameter set get fewer examples (time bound).
FEWER = {"GET /api/v1/lifecycle/targets": 1, "GET /api/v1/lifecycle": 1, "GET /api/v1/map": 2}
# The report job is tested on its own (test_http); fuzzing it queues minutes of rendering.
SKIP = {"POST /api/v1/report"}


@schemathesis.serializer("application/x-ndjson")
def _ndjson(ctx, value) -> bytes:
    # JSON lines: whatever was generated, one JSON document per line
    import json

    items = value if isinstance(value, list) else [value]
    return "\n".join(json.dumps(item) for item in items).encode()


@pytest.fixture(scope="module")
def fuzzed(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory):
    # Its own copy and server: fuzzing writes (users, tokens, roles) and must not disturb others.
    running = serve_copy(demo_workspace, tmp_path_factory.mktemp("fuzz") / "ws")
    yield running
    stop(running.server)


def test_no_server_error_and_every_error_is_a_problem(fuzzed):
    schema = schemathesis.openapi.from_url(f"{fuzzed.url}/api/v1/openapi.json")
    headers = {"Authorization": f"Bearer {fuzzed.tokens['admin']}"}
    failures: list[str] = []
    calls = 0
    start = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    for operation in operations:
        if operation.label in SKIP:
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=FEWER.get(operation.label, MAX_EXAMPLES),
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def fuzz(case) -> None:
            nonlocal calls
            calls += 1
            response = case.call(headers=headers, timeout=120)
            status = response.status_code
            where = f"{case.method} {case.formatted_path} -> {status}: {response.content[:200]!r}"
            if status >= 500:
                failures.append(where)
            elif status >= 400 and (
                response.headers.get("content-type") != ["application/problem+json"]
                or response.json().get("status") != status
            ):
                failures.append("not a problem: " + where)

        fuzz()
    assert failures == []
    assert calls > 100
    print(f"{calls} calls in {time.monotonic() - start:.0f} s")
