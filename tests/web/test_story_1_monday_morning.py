"""Story 1, Monday morning: a director logs in, reads the home page, opens the map, switches to a
persona, hovers a touchpoint's NPS (n and interval), clicks the stage with the biggest loss and
reaches its funnel and the verbatims behind it."""

from __future__ import annotations

import pytest
from tests.web.pages import CellPage, HomePage, LoginPage, MapPage

pytestmark = pytest.mark.browser


def test_a_director_goes_from_the_home_page_to_the_verbatims_behind_a_loss(
    browser_page, web_server
) -> None:
    watched = browser_page()
    page = watched.page
    LoginPage(page, web_server.url).login("viewer")
    home = HomePage(page, web_server.url)
    assert page.url.rstrip("/") == web_server.url
    assert "remboursement" in home.promise().lower()
    nps = home.kpi("nps")
    assert nps.count() == 1
    assert "n = " in nps.inner_text()
    assert "IC 95 %" in nps.inner_text()
    assert nps.locator("[data-trend]").count() == 1
    assert home.alerts().count() >= 1
    watched.shot("1-home-fr")

    home.open_map()
    themap = MapPage(page, web_server.url)
    assert "/journeys/" in page.url
    themap.choose_persona("family")
    assert "persona=family" in page.url
    assert page.locator("select[name=persona]").input_value() == "family"
    scored = themap.scored_touchpoints()
    assert scored, "expected touchpoints with an NPS on the map"
    tip = themap.hover_touchpoint(scored[0])
    assert "NPS" in tip
    assert "n = " in tip
    assert "IC 95 %" in tip
    watched.shot("1-map-persona-hover")

    stage = themap.worst_conversion_stage()
    themap.open_stage(stage)
    cell = CellPage(page, web_server.url)
    assert f"stage={stage}" in page.url
    assert cell.funnel_rows().count() >= 2
    assert cell.verbatims().count() >= 1
    # the persona chosen on the map is still the filter here (filters survive navigation)
    assert page.locator("select[name=persona]").input_value() == "family"
    assert page.locator("a", has_text="Retour à la carte").count() == 1
    watched.shot("1-cell")

    # English on the switch, and it persists on the next page
    page.click("a.lang")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(web_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Headline KPIs" in page.content()
    watched.shot("1-home-en")
    watched.assert_clean()
