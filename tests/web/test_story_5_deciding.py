"""Story 5, deciding: the analyst opens the gain x effort matrix, moves an idea, sees its class
change and the evidence (customers affected, weighted irritants, value at stake) beside it; the
road map redraws under the team capacities; the fiche chantier of a workstream prints on one
page."""

from __future__ import annotations

import re

import pytest
import yaml
from tests.web.pages import LoginPage, PlanPage

pytestmark = pytest.mark.browser


def test_the_analyst_moves_an_idea_and_replans(browser_page, web_server) -> None:
    watched = browser_page()
    page = watched.page
    LoginPage(page, web_server.url).login("analyst")
    plan = PlanPage(page, web_server.url)
    plan.open("/plan")
    quick = plan.first_of_class("quick_win")
    assert quick
    plan.move(quick, gain=5, effort=4)
    assert plan.class_of(quick) == "must_have"
    evidence = plan.evidence(quick)
    assert re.search(r"\d+ clients passent", evidence)
    assert "Irritants pondérés traités" in evidence
    assert "Valeur en jeu" in evidence
    stored = yaml.safe_load((web_server.root / "plan" / "ideas.yaml").read_text(encoding="utf-8"))
    moved = next(i for i in stored["ideas"] if i["id"] == quick)
    assert (moved["gain"], moved["effort"]) == (5, 4)
    watched.shot("5-moved")

    before = plan.gantt()
    team = plan.team_of(quick)
    plan.set_capacity(team, 1)
    after = plan.gantt()
    assert before != after  # the road map redrew under the new capacity
    assert f"cap_{team}=1" in page.url
    watched.shot("5-replanned")

    sheet = plan.first_sheet()
    page.goto(f"{web_server.url}/plan/sheets/{sheet}")
    page.wait_for_load_state("networkidle")
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the fiche chantier of {sheet} prints on {pages} pages"
    watched.shot("5-sheet")
    watched.assert_clean()
