"""The analytics sections of the report, in French and English, on the demo."""

from __future__ import annotations

import pytest

from parcours import analytics
from parcours.i18n import number
from parcours.render import Section
from parcours.render.sections import analytics as analytics_sections
from parcours.workspace import Workspace

KEYS = [
    "analytics_matrix",
    "analytics_funnel",
    "analytics_timing",
    "analytics_blocking_points",
    "analytics_paths",
    "analytics_friction",
]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sections_have_a_reading_a_chart_and_their_numbers(demo_workspace, lang):
    with Workspace.open(demo_workspace) as ws:
        sections = analytics_sections.sections(ws, ws.journey(), lang)
    assert [s.key for s in sections] == KEYS
    for section in sections:
        assert isinstance(section, Section)
        assert not section.no_data
        assert section.reading
        assert section.html
        assert section.tables
        assert "<svg" in section.html or "<table" in section.html
    by_key = {s.key: s for s in sections}
    friction = by_key["analytics_friction"]
    assert number(1142, lang) in friction.reading
    assert "WEB_CHATBOT" in by_key["analytics_matrix"].reading
    if lang == "fr":
        assert "clients" in by_key["analytics_funnel"].reading
    else:
        assert "customers" in by_key["analytics_funnel"].reading


def test_an_empty_workspace_says_there_is_nothing_to_quantify(workspace):
    from parcours.model import load_journey

    journey = load_journey(
        analytics.__file__.replace("analytics/__init__.py", "demo/data/journey.yaml")
    )
    sections = analytics_sections.sections(workspace, journey, "en")
    assert len(sections) == 1
    assert sections[0].no_data
    assert "nothing to quantify" in sections[0].reading
