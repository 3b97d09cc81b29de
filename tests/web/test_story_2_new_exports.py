"""Story 2, new month's exports: an analyst uploads a CRM export, picks its mapping, watches the
load, reads "N rows loaded, M in quarantine" and opens the quarantine (file, row, column, value,
reason)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.web.pages import IngestPage, LoginPage, QuarantinePage

pytestmark = pytest.mark.browser
EXPORT = Path(__file__).parent / "cases" / "crm_actions_2026-12.csv"


def test_an_analyst_loads_an_export_and_reads_its_quarantine(browser_page, web_server) -> None:
    watched = browser_page()
    page = watched.page
    LoginPage(page, web_server.url).login("analyst")
    ingest = IngestPage(page, web_server.url)
    ingest.upload(EXPORT, "crm_actions")
    result = ingest.wait_result()
    assert "4 lignes chargées, 2 en quarantaine (6 lues)" in result
    watched.shot("2-result")

    page.click("[data-quarantine-link]")
    page.wait_for_load_state("networkidle")
    quarantine = QuarantinePage(page, web_server.url)
    rows = quarantine.rows()
    assert len(rows) == 2
    for file, row, column, _value, reason in rows:
        assert file.endswith("crm_actions_2026-12.csv")
        assert row.strip().isdigit()
        assert column
        assert reason
    values = {r[3] for r in rows}
    assert "douze" in values
    watched.shot("2-quarantine")
    watched.assert_clean()
