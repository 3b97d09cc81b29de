"""What parcours.voc gives the report: sections with charts, tables and CSV, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcours.render import Section
from parcours.voc import report_sections
from parcours.workspace import Workspace


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sections_on_the_demo(demo_workspace: Path, lang: str) -> None:
    with Workspace.open(demo_workspace) as ws:
        sections = report_sections(ws, None, lang)
    keys = [s.key for s in sections]
    assert keys == ["voc_nps_by_stage", "voc_irritants", "voc_enchantments", "voc_emotion"]
    assert all(isinstance(s, Section) and not s.no_data for s in sections)
    nps, irritants, _, emotion = sections
    assert "<svg" in nps.html
    assert "<svg" in emotion.html
    assert set(nps.tables["voc_nps_by_stage"].columns) >= {"stage", "value", "ci_low", "ci_high"}
    first = irritants.tables["voc_irritants"].iloc[0]
    assert (first["stage"], first["theme"]) == ("reimbursement", "delays")
    if lang == "fr":
        assert "Je demande un remboursement" in irritants.html
        assert "délais" in irritants.html
        assert "pic-fin" in emotion.reading
    else:
        assert "I claim a reimbursement" in irritants.html
        assert "peak-end" in emotion.reading


def test_sections_say_when_there_is_no_answer(workspace: Workspace) -> None:
    import shutil

    journey = Path(__file__).parents[2] / "src" / "parcours" / "demo" / "data" / "journey.yaml"
    shutil.copy(journey, workspace.path("journeys", "mutuelle-horizon.yaml"))
    sections = report_sections(workspace, None, "en")
    assert all(s.no_data for s in sections)
    assert "No survey answer" in sections[0].reading
