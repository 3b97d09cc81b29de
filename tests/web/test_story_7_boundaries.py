"""Story 7, boundaries: a participant typing a map or analysis address gets a refusal page; a
viewer sees no upload, edit or erase control and gets 403 from the API for them; no page asks
another host for anything."""

from __future__ import annotations

import pytest
from tests.web.pages import LoginPage

pytestmark = pytest.mark.browser


def _journey(web_server) -> str:
    return next((web_server.root / "journeys").glob("*.yaml")).stem


def test_a_participant_is_refused_the_map_and_the_analyses(browser_page, web_server) -> None:
    watched = browser_page(viewport={"width": 390, "height": 844})
    page = watched.page
    LoginPage(page, web_server.url).login("participant")
    assert page.url.endswith("/workshop")
    for path in (f"/journeys/{_journey(web_server)}", "/analyses/funnel", "/ingest", "/"):
        watched.expect_status_error(403)
        response = page.goto(web_server.url + path)
        if path == "/":
            assert page.url.endswith("/workshop")
            continue
        assert response.status == 403
        assert page.locator("[data-refused]").count() == 1
        assert "Accès refusé" in page.locator("h1").inner_text()
        assert "carte" not in page.locator("nav").all_inner_texts().__str__().lower()
    watched.shot("7-participant-refused")
    watched.assert_clean()


def test_a_viewer_has_no_write_control_and_the_api_refuses_writes(browser_page, web_server) -> None:
    watched = browser_page()
    page = watched.page
    LoginPage(page, web_server.url).login("viewer")
    journey = _journey(web_server)
    page.goto(f"{web_server.url}/journeys/{journey}")
    assert page.locator("[data-control]").count() == 0
    assert page.locator("a[href='/ingest']").count() == 0
    page.goto(f"{web_server.url}/journeys/{journey}/cell?stage=quote")
    assert page.locator("[data-control=export]").count() == 0
    page.goto(f"{web_server.url}/plan")
    assert page.locator("[data-control=rescore]").count() == 0
    watched.shot("7-viewer-plan")
    csrf = page.locator("meta[name=csrf-token]").get_attribute("content")
    headers = {"X-CSRF-Token": csrf}
    api = page.request
    read = api.get(f"{web_server.url}/api/v1/journeys/{journey}")
    assert read.status == 200
    put = api.put(
        f"{web_server.url}/api/v1/journeys/{journey}",
        data={"yaml": read.json()["yaml"]},
        headers={**headers, "If-Match": read.headers["etag"]},
    )
    assert put.status == 403
    upload = api.post(
        f"{web_server.url}/api/v1/ingest",
        multipart={
            "mapping": "crm_actions",
            "file": {"name": "x.csv", "mimeType": "text/csv", "buffer": b"a;b\n"},
        },
        headers=headers,
    )
    assert upload.status == 403
    erase = api.get(f"{web_server.url}/api/v1/users", headers=headers)
    assert erase.status == 403
    watched.assert_clean()


def test_no_page_asks_another_host(browser_page, web_server) -> None:
    """Every script, style and image comes from the server; a request elsewhere fails the test
    (the route guard records it), and the pages forbid it too (Content-Security-Policy)."""
    watched = browser_page()
    page = watched.page
    LoginPage(page, web_server.url).login("analyst")
    journey = _journey(web_server)
    for path in (
        "/",
        f"/journeys/{journey}",
        f"/journeys/{journey}/edit",
        "/ingest",
        "/analyses/funnel",
        "/analyses/verbatims",
        "/analyses/lifecycle",
        "/quarantine",
    ):
        response = page.goto(web_server.url + path)
        page.wait_for_load_state("networkidle")
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
    assert watched.foreign == []
    # the guard does catch a request to another host
    page.evaluate("() => { const i = new Image(); i.src = 'http://example.invalid/x.png'; }")
    page.wait_for_timeout(300)
    assert any("example.invalid" in u for u in watched.foreign) or any(
        "Content Security Policy" in e for e in watched.errors
    )
