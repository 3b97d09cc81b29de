"""Story 6, three months later: the director opens the plan's KPI follow-up and reads each KPI's
baseline, target, latest value with its interval, and status."""

from __future__ import annotations

import pytest
from tests.web.pages import KpiPage, LoginPage

pytestmark = pytest.mark.browser


def test_the_director_follows_the_plans_kpis(browser_page, web_server) -> None:
    watched = browser_page()
    page = watched.page
    LoginPage(page, web_server.url).login("viewer")
    kpis = KpiPage(page, web_server.url)
    kpis.open("/plan/kpis")
    rows = kpis.rows()
    assert len(rows) >= 3
    statuses = {r["status"] for r in rows}
    assert statuses <= {"on_track", "late", "reached", "no_data"}, statuses
    with_interval = [r for r in rows if "IC 95 %" in r["interval"]]
    assert with_interval, "expected a KPI with its interval"
    for row in rows:
        assert row["target"].strip()
    # the scenarios' uplift table is there (this demo has no scenario: it says so)
    assert kpis.uplift_rows() >= 1
    watched.shot("6-kpis")
    page.goto(web_server.url + "/plan/kpis?lang=en")
    assert "KPI follow-up" in page.locator("h1").inner_text()
    watched.shot("6-kpis-en")
    watched.assert_clean()
