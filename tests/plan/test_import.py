"""Importing a workshop sheet: French or English headers, merge by id, bad rows change nothing."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from parcours.errors import PlanError
from parcours.plan import ideas_path, import_ideas, workspace_ideas

from .conftest import CASES


def test_french_sheet_is_read_with_its_words_and_numbers(plan_workspace):
    report = import_ideas(plan_workspace, CASES / "sheet_fr.csv")
    assert report.added == ["suivi", "scan"]
    assert report.updated == []
    ideas = workspace_ideas(plan_workspace).by_id()
    suivi, scan = ideas["suivi"], ideas["scan"]
    assert (suivi.gain, suivi.effort, suivi.effort_days, suivi.team) == (4, 3, 30, "digital")
    assert suivi.status == "approved"
    assert scan.status == "proposed"
    assert suivi.criteria == {"customer_expectations": 5}
    assert suivi.confidence == pytest.approx(0.8)
    assert scan.effort_days == pytest.approx(10.5)
    assert scan.depends_on == ["suivi"]


def test_english_sheet_merges_by_id_and_splits_dependencies(plan_workspace):
    import_ideas(plan_workspace, CASES / "sheet_fr.csv")
    report = import_ideas(plan_workspace, CASES / "sheet_en.csv")
    assert report.added == ["sms"]
    assert report.updated == ["suivi"]
    ideas = workspace_ideas(plan_workspace).by_id()
    assert ideas["suivi"].title == "Claim tracking"  # the new row's cell wins
    assert ideas["suivi"].criteria == {"customer_expectations": 5}  # kept: no cell for it
    assert ideas["suivi"].reach == 2000
    assert ideas["suivi"].impact == 2
    assert ideas["sms"].depends_on == ["suivi", "scan"]
    assert list(ideas) == ["suivi", "scan", "sms"]


def test_xlsx_sheet(plan_workspace, tmp_path):
    sheet = tmp_path / "atelier.xlsx"
    pd.DataFrame(
        {"Identifiant": ["suivi"], "Titre": ["Suivi"], "Gain": [4], "Équipe": ["digital"]}
    ).to_excel(sheet, index=False)
    import_ideas(plan_workspace, sheet)
    assert workspace_ideas(plan_workspace).by_id()["suivi"].gain == 4


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (
            "sheet_bad_gain.csv",
            r"sheet_bad_gain.csv: row 3, column gain: expected a number from 1 to 5, found 9",
        ),
        ("sheet_negative.csv", r"row 2, column effort_days: expected a number >= 0, found -5"),
        ("sheet_unknown_column.csv", r"row 1: expected column names among .*found 'colour'"),
        ("sheet_cycle.csv", r"cycle among the ideas a, b"),
        (
            "sheet_unknown_stage.csv",
            r"row 2, column stages: expected a stage of journey 'mutuelle-horizon'.*found 'nowhere'",
        ),
    ],
)
def test_a_bad_row_is_refused_and_nothing_changes(plan_workspace, case, message):
    import_ideas(plan_workspace, CASES / "sheet_fr.csv")
    before = ideas_path(plan_workspace).read_bytes()
    with pytest.raises(PlanError, match=message):
        import_ideas(plan_workspace, CASES / case)
    assert ideas_path(plan_workspace).read_bytes() == before


def test_a_refused_first_import_writes_no_file(plan_workspace):
    with pytest.raises(PlanError):
        import_ideas(plan_workspace, CASES / "sheet_bad_gain.csv")
    assert not ideas_path(plan_workspace).exists()


def test_cli_import_and_validate(plan_workspace, tmp_path):
    from click.testing import CliRunner

    from parcours.cli import cli

    runner = CliRunner()
    ws = str(plan_workspace.root)
    result = runner.invoke(
        cli, ["plan", "import", str(CASES / "sheet_en.csv"), "-w", ws, "--lang", "en"]
    )
    assert result.exit_code == 2
    assert "'scan'" in result.output
    shutil.copyfile(CASES / "sheet_fr.csv", tmp_path / "a.csv")
    result = runner.invoke(
        cli, ["plan", "import", str(tmp_path / "a.csv"), "-w", ws, "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert "2 idea(s) added, 0 updated" in result.output
    result = runner.invoke(cli, ["plan", "validate", "-w", ws, "--lang", "en"])
    assert result.exit_code == 0
    assert "valid" in result.output
    result = runner.invoke(cli, ["plan", "validate", str(CASES / "ideas_bad.yaml"), "-w", ws])
    assert result.exit_code == 1
    assert "ideas_bad.yaml:5:11" in result.output


def test_without_a_journey_the_evidence_is_empty_and_scores_still_work(workspace):
    import math

    from parcours.plan import Idea, evidence, score_ideas

    ideas = [Idea(id="a", title="A", stages=["quote"], effort=2, kano="M")]
    facts = evidence(workspace, ideas)
    assert list(facts["idea"]) == ["a"]
    assert facts.loc[0, "customers"] == 0
    assert math.isnan(facts.loc[0, "evidence_gain"])
    assert score_ideas(ideas, evidence=facts).loc[0, "class"] == "must_have"
