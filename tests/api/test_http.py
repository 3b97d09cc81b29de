"""The API through HTTP: one problem shape for every error, hostile bodies, CSRF, throttling,
tokens, journeys with concurrent edits, uploads, the same numbers as the CLI."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time

import httpx
import pandas as pd
import pytest
from tests.api.conftest import PASSWORD

from parcours.export import read_csv_export

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "request_id"}


def assert_problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_KEYS, body
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    assert "Traceback" not in response.text
    return body


def raw(port: int, request: bytes, *, wait: float = 5.0) -> bytes:
    """Send bytes on a socket and read the answer until the server closes or ``wait`` passes."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(request)
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
                if b"\r\n\r\n" in data and data.split(b"\r\n\r\n", 1)[1].rstrip().endswith(b"}"):
                    break
        except TimeoutError:
            pass
    return data


def test_problem_shape_for_unknown_route_method_and_anonymous(served):
    with served.client() as anon:
        body = assert_problem(anon.get("/api/v1/nope", headers={"X-Request-ID": "abc-123"}), 404)
        assert body["request_id"] == "abc-123"
        assert body["instance"] == "/api/v1/nope"
        assert_problem(anon.delete("/health"), 405)
        assert_problem(anon.get("/api/v1/analytics/matrix"), 401)
        assert_problem(anon.get("/api/v1/workspace", headers={"Authorization": "Basic eDp5"}), 401)
        assert_problem(
            anon.get("/api/v1/workspace", headers={"Authorization": "Bearer pcat_x"}), 401
        )
    with served.client("viewer") as viewer:
        response = viewer.get("/api/v1/users")
        assert_problem(response, 403)
        assert response.headers["x-request-id"]


def test_problems_in_english_on_request(served):
    with served.client() as anon:
        assert anon.get("/nope", headers={"Accept-Language": "en"}).json()["title"] == "Not found"
        assert (
            anon.get("/nope", headers={"Accept-Language": "fr-FR"}).json()["title"] == "Introuvable"
        )


@pytest.mark.parametrize("body", [b"[1,2]", b"null", b"42", b'"x"', b"{", b"\xff\xfe"])
def test_malformed_json_bodies_get_a_4xx_problem(served, body):
    with served.client("admin") as admin:
        response = admin.post(
            "/api/v1/users", content=body, headers={"Content-Type": "application/json"}
        )
        problem = assert_problem(response, 422)
        assert all("input" not in e for e in problem["errors"])


def test_validation_errors_never_echo_a_password(served):
    with served.client("admin") as admin:
        response = admin.post(
            "/api/v1/users", json={"name": "x y", "role": "boss", "password": "s3cret-value!!"}
        )
        assert_problem(response, 422)
        assert "s3cret-value" not in response.text


def test_body_limits_hold_whatever_content_length_says(served):
    limit = 1024 * 1024
    with served.client("admin") as admin:
        big = admin.post("/api/v1/journeys/validate", content=b"x" * (limit + 10))
        assert_problem(big, 413)

        def chunks():
            for _ in range(40):
                yield b"y" * 65536

        chunked = admin.post(
            "/api/v1/journeys/validate",
            content=chunks(),
            headers={"Content-Type": "application/json"},
        )
        assert_problem(chunked, 413)
    # A negative length is refused by the parser, with a problem and not a dropped connection.
    answer = raw(
        served.port,
        b"POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\nxxxx",
    )
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert b"application/problem+json" in head
    assert json.loads(body)["status"] == 400


def test_a_body_shorter_than_declared_times_out_with_408(served):
    start = time.monotonic()
    answer = raw(
        served.port,
        b"POST /api/v1/journeys/validate HTTP/1.1\r\nHost: x\r\n"
        b"Authorization: Bearer " + served.tokens["viewer"].encode() + b"\r\n"
        b'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"yaml"',
        wait=10,
    )
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert time.monotonic() - start < 8
    assert json.loads(answer.partition(b"\r\n\r\n")[2])["status"] == 408


def test_a_thousand_concurrent_connections_all_get_an_answer(served):
    async def run() -> list[int]:
        limits = httpx.Limits(max_connections=1000, max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=served.url, limits=limits, timeout=60) as client:
            answers = await asyncio.gather(
                *(client.get("/health") for _ in range(1000)), return_exceptions=True
            )
        return [a.status_code if isinstance(a, httpx.Response) else 0 for a in answers]

    codes = asyncio.run(run())
    assert codes.count(200) == 1000


def test_login_session_csrf_and_logout(served):
    with served.client() as browser:
        login = browser.post("/api/v1/auth/login", json={"name": "analyst", "password": PASSWORD})
        assert login.status_code == 200
        cookie = login.headers["set-cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        csrf = login.json()["csrf_token"]
        assert browser.get("/api/v1/auth/me").json()["via"] == "session"
        # a cookie-authenticated write needs the CSRF token...
        assert_problem(browser.post("/api/v1/auth/tokens", json={"name": "x"}), 403)
        # ...and, when the browser says where it comes from, this origin
        foreign = browser.post(
            "/api/v1/auth/tokens",
            json={"name": "x"},
            headers={"X-CSRF-Token": csrf, "Origin": "https://evil.example"},
        )
        assert_problem(foreign, 403)
        made = browser.post(
            "/api/v1/auth/tokens", json={"name": "x"}, headers={"X-CSRF-Token": csrf}
        )
        assert made.status_code == 201
        # a tampered cookie is nobody
        browser.cookies.set("parcours_session", "garbage")
        assert_problem(browser.get("/api/v1/auth/me"), 401)


def test_logout_ends_the_session(served):
    with served.client() as browser:
        csrf = browser.post(
            "/api/v1/auth/login", json={"name": "viewer", "password": PASSWORD}
        ).json()["csrf_token"]
        stolen = dict(browser.cookies)
        assert (
            browser.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
        )
    with served.client(cookies=stolen) as replay:
        assert_problem(replay.get("/api/v1/auth/me"), 401)


def test_login_throttling_answers_429_with_retry_after(served):
    with served.client() as anon:
        anon.post("/api/v1/users")  # warm
        for _ in range(5):
            wrong = anon.post(
                "/api/v1/auth/login", json={"name": "participant", "password": "nope-nope-nope"}
            )
            assert_problem(wrong, 401)
        throttled = anon.post(
            "/api/v1/auth/login", json={"name": "participant", "password": PASSWORD}
        )
        assert_problem(throttled, 429)
        assert int(throttled.headers["retry-after"]) > 0


def test_token_revocation_takes_effect_at_once(served):
    with served.client("analyst") as analyst:
        made = analyst.post("/api/v1/auth/tokens", json={"name": "script"}).json()
        with served.client() as script:
            script.headers["Authorization"] = f"Bearer {made['token']}"
            assert script.get("/api/v1/auth/me").json()["name"] == "analyst"
            assert analyst.delete(f"/api/v1/auth/tokens/{made['id']}").status_code == 204
            assert_problem(script.get("/api/v1/auth/me"), 401)
        listed = {t["id"]: t for t in analyst.get("/api/v1/auth/tokens").json()}
        assert listed[made["id"]]["revoked_at"] is not None
        assert "token" not in listed[made["id"]]


def test_matrix_rows_are_the_cli_rows(served, demo_workspace, tmp_path):
    csv = tmp_path / "matrix.csv"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "parcours",
            "analytics",
            "matrix",
            "-w",
            str(demo_workspace),
            "--csv",
            str(csv),
        ],
        check=True,
        capture_output=True,
    )
    expected = read_csv_export(csv, dialect="excel-fr")  # the French demo writes French Excel
    with served.client("viewer") as viewer:
        answer = viewer.get("/api/v1/analytics/matrix").json()
    got = pd.DataFrame(answer["rows"], columns=answer["columns"])
    assert answer["n"] == len(expected) > 10
    assert list(got.columns) == list(expected.columns)
    keys = ["stage", "channel"]
    pd.testing.assert_frame_equal(
        got.sort_values(keys).reset_index(drop=True),
        expected.sort_values(keys).reset_index(drop=True),
        check_dtype=False,
    )


def test_journey_edit_with_a_concurrent_edit(served):
    path = served.root / "journeys" / "mutuelle-horizon.yaml"
    with served.client("analyst") as alice, served.client("admin") as bob:
        first = alice.get("/api/v1/journeys/mutuelle-horizon")
        etag = first.headers["etag"]
        assert etag == first.json()["etag"]
        document = first.json()["document"]
        document["stages"][0]["label"] = {"fr": "Comparer les offres", "en": "Compare offers"}
        # without the version read, a write is refused
        assert_problem(
            alice.put("/api/v1/journeys/mutuelle-horizon", json={"document": document}), 428
        )
        saved = alice.put(
            "/api/v1/journeys/mutuelle-horizon",
            json={"document": document},
            headers={"If-Match": etag},
        )
        assert saved.status_code == 200, saved.text
        assert saved.headers["etag"] != etag
        assert "Comparer les offres" in path.read_text(encoding="utf-8")
        # Bob still holds the old version: told, not overwritten
        late = bob.put(
            "/api/v1/journeys/mutuelle-horizon",
            json={"yaml": first.json()["yaml"]},
            headers={"If-Match": etag},
        )
        assert_problem(late, 412)
        assert "Comparer les offres" in path.read_text(encoding="utf-8")
        # an invalid map is refused with the schema's findings
        broken = dict(document, stages="nope")
        bad = alice.put(
            "/api/v1/journeys/mutuelle-horizon",
            json={"document": broken},
            headers={"If-Match": saved.headers["etag"]},
        )
        assert_problem(bad, 422)
        check = alice.post("/api/v1/journeys/validate", json={"yaml": "id: [unclosed"}).json()
        assert check["valid"] is False
        assert check["problems"][0]["line"] == 1
    with served.client("viewer") as viewer:
        assert_problem(
            viewer.put(
                "/api/v1/journeys/mutuelle-horizon",
                json={"document": document},
                headers={"If-Match": etag},
            ),
            403,
        )
    with served.client("admin") as admin:
        audit = admin.get("/api/v1/audit", params={"actor": "analyst"}).json()
        assert any(
            e["action"] == "PUT /api/v1/journeys/{journey_id}" and e["outcome"] == "ok"
            for e in audit
        )


def test_upload_an_export_and_follow_the_job(served):
    export = next((served.root / "raw").rglob("enquete_satisfaction*"))
    with served.client("analyst") as analyst:
        started = analyst.post(
            "/api/v1/ingest",
            files={"file": ("enquete satisfaction.csv", export.read_bytes(), "text/csv")},
            data={"mapping": "enquete_satisfaction", "source": "survey-upload"},
        )
        assert started.status_code == 202, started.text
        job_id = started.json()["id"]
        for _ in range(600):
            job = analyst.get(f"/api/v1/jobs/{job_id}").json()
            if job["status"] in ("done", "failed"):
                break
            time.sleep(0.1)
        assert job["status"] == "done", job
        (report,) = job["result"]
        assert report["rows_read"] == report["rows_loaded"] + report["rows_quarantined"]
        assert report["rows_read"] > 0
        unknown = analyst.post(
            "/api/v1/ingest", files={"file": ("a.csv", b"a\n1\n")}, data={"mapping": "nope"}
        )
        assert_problem(unknown, 404)
    with served.client("viewer") as viewer:
        assert_problem(
            viewer.post(
                "/api/v1/ingest", files={"file": ("a.csv", b"a\n1\n")}, data={"mapping": "x"}
            ),
            403,
        )


def test_intake_needs_a_source_token_and_valid_events(served):
    with served.client("admin") as admin:
        made = admin.post("/api/v1/intake/tokens", json={"source": "crm"}).json()
        event = {
            "event_id": "e1",
            "customer_id": "c1",
            "type": "subscribe-web",
            "ts": "2026-11-26T10:00:00Z",
        }
        assert_problem(
            admin.post("/api/v1/events", json=event), 401
        )  # a user's token is no intake token
        with served.client() as crm:
            assert_problem(crm.post("/api/v1/events", json=event), 401)
            crm.headers["Authorization"] = f"Bearer {made['token']}"
            ok = crm.post("/api/v1/events", json=[event, dict(event, event_id="e2")])
            assert ok.status_code == 200, ok.text
            assert ok.json()["received"] == 2
            assert ok.json()["source"] == "crm"
            lines = "\n".join(json.dumps(dict(event, event_id=f"l{i}")) for i in range(3))
            nd = crm.post(
                "/api/v1/events", content=lines, headers={"Content-Type": "application/x-ndjson"}
            )
            assert nd.json()["received"] == 3
            for bad in (
                dict(event, customer_id=None),
                dict(event, ts=12345),
                dict(event, ts="2026-11-26T10:00:00"),  # no zone
                dict(event, ts="1970-01-01T00:00:00Z"),
                dict(event, customer_id="c\u200b1"),
                dict(event, extra=1),
            ):
                assert_problem(crm.post("/api/v1/events", json=bad), 422)
            assert_problem(
                crm.post(
                    "/api/v1/events", content=b"[1,2]", headers={"Content-Type": "application/json"}
                ),
                422,
            )
            assert admin.delete(f"/api/v1/intake/tokens/{made['id']}").status_code == 204
            assert_problem(crm.post("/api/v1/events", json=event), 401)


def test_unsubscribe_is_public_and_a_get_changes_nothing(served):
    with served.client() as anon:
        page = anon.get("/unsubscribe/abc")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert '<form method="post" action="/unsubscribe/abc?page=1">' in page.text
        assert_problem(anon.post("/unsubscribe/abc", content=b"List-Unsubscribe=One-Click"), 400)


def test_public_only_app_serves_public_routes_alone(served, tmp_path):
    from tests.api.conftest import start, stop

    from parcours.api import ServerOptions

    server, url = start(served.root, ServerOptions(), public_only=True)
    try:
        with httpx.Client(base_url=url) as client:
            assert client.get("/health").status_code == 200
            assert_problem(
                client.get(
                    "/api/v1/workspace",
                    headers={"Authorization": f"Bearer {served.tokens['admin']}"},
                ),
                404,
            )
            assert_problem(client.post("/api/v1/events", json={}), 401)
            assert client.get("/unsubscribe/x").status_code == 200
    finally:
        stop(server)


def test_openapi_document_describes_every_body(served):
    with served.client() as anon:
        doc = anon.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            if method in ("post", "put", "patch") and "requestBody" in operation:
                content = operation["requestBody"]["content"]
                assert any(c.get("schema") for c in content.values()), (method, path)


def test_the_report_is_written_in_the_background(served):
    with served.client("viewer") as viewer:
        job = viewer.post("/api/v1/report", params={"lang": "en"}).json()
        for _ in range(1200):
            state = viewer.get(f"/api/v1/jobs/{job['id']}").json()
            if state["status"] in ("done", "failed"):
                break
            time.sleep(0.1)
        assert state["status"] == "done", state
        page = viewer.get(state["result"]["url"])
        assert page.status_code == 200
        assert "<html" in page.text[:500].lower()


def test_erasure_runs_as_an_admin_job(demo_workspace, tmp_path):
    from tests.api.conftest import serve_copy, stop

    from parcours.workspace import Workspace

    running = serve_copy(demo_workspace, tmp_path / "ws")
    try:
        with running.client("admin") as admin:
            job = admin.post("/api/v1/erase", json={"customers": []})
            assert_problem(job, 422)
            people = admin.get("/api/v1/lifecycle/targets").json()["rows"]
            person = people[0]["customer_id"]
            started = admin.post("/api/v1/erase", json={"customers": [person]})
            assert started.status_code == 202, started.text
            for _ in range(1200):
                state = admin.get(f"/api/v1/jobs/{started.json()['id']}").json()
                if state["status"] in ("done", "failed"):
                    break
                time.sleep(0.1)
            assert state["status"] == "done", state
            assert state["result"]["not_found"] == []
            assert sum(state["result"]["warehouse_rows"].values()) > 0
            # the answers cached before are stale: the person is gone from the targets
            after = admin.get("/api/v1/lifecycle/targets").json()["rows"]
            assert person not in {r["customer_id"] for r in after}
        with Workspace.open(running.root) as ws:
            assert (
                ws.table("customers").filter(lambda t: t.customer_id == person).count().execute()
                == 0
            )
    finally:
        stop(running.server)
