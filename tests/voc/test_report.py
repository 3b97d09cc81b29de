"""What parcours.voc gives the report: sections with charts, tables and CSV, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcours.render import Section
from parcours.render.sections.voc import sections as report_sections
from parcours.workspace import Workspace


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sections_on_the_demo(demo_workspace: Path, lang: str) -> None:
    with Workspace.open(demo_workspace) as ws:
        sections = report_sections(ws, None, lang)
    keys = [s.key for s in sections]
    assert keys == [
        "voc_nps_by_stage",
        "voc_irritants",
        "voc_enchantments",
        "voc_emotion",
        "voc_employees",
    ]
    assert all(isinstance(s, Section) and not s.no_data for s in sections)
    nps, irritants, _, emotion, employees = sections
    # The demo map writes employee difficulties at two stages; no internal survey yet.
    assert set(employees.tables["voc_employees"]["stage"]) == {"subscribe", "complaint"}
    assert "<svg" in nps.html
    assert "<svg" in emotion.html
    assert set(nps.tables["voc_nps_by_stage"].columns) >= {"stage", "value", "ci_low", "ci_high"}
    first = irritants.tables["voc_irritants"].iloc[0]
    assert (first["stage"], first["theme"]) == ("reimbursement", "delays")
    if lang == "fr":
        assert "Je demande un remboursement" in irritants.html
        assert "délais" in irritants.html
        assert "pic-fin" in emotion.reading
        assert "Données dispersées entre trois outils" in employees.html
    else:
        assert "I claim a reimbursement" in irritants.html
        assert "peak-end" in emotion.reading


def test_employee_survey_in_raw_is_read(demo_workspace: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "ws"
    shutil.copytree(demo_workspace, copy, ignore=shutil.ignore_patterns("raw", "out", "truth"))
    (copy / "raw").mkdir()
    (copy / "raw" / "employee_survey.csv").write_text(
        "stage;score;comment\nreimbursement;2;Trop de dossiers papier en retard, on se fait insulter\n"
        "reimbursement;1;Les délais de traitement sont intenables\nquote;4;\n",
        encoding="utf-8",
    )
    with Workspace.open(copy) as ws:
        employees = report_sections(ws, None, "en")[-1]
    table = employees.tables["voc_employees"].set_index("stage")
    assert table.loc["reimbursement", "employee_value"] == -1.5  # (2 + 1) / 2 - 3
    assert table.loc["reimbursement", "employee_n"] == 2
    assert "delays (2 mentions): " in table.loc["reimbursement", "difficulties"]
    assert table.loc["reimbursement", "customer_nps"] < 0


def test_sections_say_when_there_is_no_answer(workspace: Workspace) -> None:
    import shutil

    journey = Path(__file__).parents[2] / "src" / "parcours" / "demo" / "data" / "journey.yaml"
    shutil.copy(journey, workspace.path("journeys", "mutuelle-horizon.yaml"))
    sections = report_sections(workspace, None, "en")
    assert all(s.no_data for s in sections[:4])
    # Employee difficulties written in the map still show, beside no customer measure.
    assert not sections[4].no_data
    assert "No survey answer" in sections[0].reading
