"""`parcours lifecycle`, `rfm`, `clv`, `reactivation` on the demo workspace, in French and English."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from parcours.cli import cli
from parcours.export import read_csv_export


@pytest.fixture(scope="module")
def ws(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("lifecycle-cli") / "demo"
    shutil.copytree(demo_workspace, copy)
    return copy


def _flat(text: str) -> str:
    """``text`` with the console's line wrapping undone."""
    return re.sub(r" *\n *", " ", text)


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_lifecycle_prints_states_flows_and_churn_with_definition(ws: Path, tmp_path: Path) -> None:
    output = _run(
        "lifecycle", "-w", str(ws), "--lang", "fr", "--freq", "Y", "--out", str(tmp_path / "s.csv")
    )
    assert "États du cycle de vie" in output
    assert "Perdu" in output
    assert "Taux d'attrition = clients perdus pendant la période" in output
    states = read_csv_export(tmp_path / "s.csv", dialect="excel-fr")
    assert set(states["state"]) >= {"prospect", "active", "lost"}
    english = _run("lifecycle", "-w", str(ws), "--lang", "en", "--relative")
    assert "Churn rate = customers lost during the period" in english
    assert "median gap" in english


def test_rfm_and_clv(ws: Path) -> None:
    output = _run("rfm", "-w", str(ws), "--lang", "en")
    assert "Champions" in output
    assert "Revenue share" in output
    clv = _run("clv", "-w", str(ws), "--lang", "en", "--model", "bgnbd", "--top", "3")
    assert "P(alive) = 1" in clv
    assert "ParetoNBD" not in clv
    chosen = _flat(_run("clv", "-w", str(ws), "--lang", "fr", "--top", "3"))  # auto: sBG
    assert "Attention" not in chosen
    assert "taux d'actualisation" in chosen
    # the modified BG/NBD degenerates on a subscription business: said, never « moyenne nan »
    modified = CliRunner().invoke(cli, ["clv", "-w", str(ws), "--lang", "fr", "--model", "mbgnbd"])
    assert modified.exit_code == 2, modified.output
    said = _flat(modified.output)
    assert "le modèle mbgnbd est inutilisable sur ces données (ajustement dégénéré)" in said
    assert "n'est pas un nombre fini" in said or "ne sont pas des nombres finis" in said
    assert "nan" not in said.lower()


def test_clv_auto_picks_sbg_on_the_subscription_demo(ws: Path, tmp_path: Path) -> None:
    from parcours.i18n import number
    from parcours.lifecycle import contractual_clv, workspace_events
    from parcours.workspace import Workspace

    with Workspace.open(ws) as opened:
        events, contract = workspace_events(opened)
        expected = contractual_clv(events, events.ts.max().execute(), discount_rate=0.01)
    assert contract
    out = tmp_path / "clv.csv"
    french = _flat(_run("clv", "-w", str(ws), "--lang", "fr", "--top", "5", "--out", str(out)))
    assert "Modèle : sbg (modèle contractuel sBG" in french
    assert "enregistre les résiliations" in french
    total = number(float(expected.table["clv"].sum()), "fr", decimals=0)
    mean = number(float(expected.table["clv"].mean()), "fr", decimals=2)
    assert f"CLV résiduelle totale {total}, moyenne {mean}" in french
    assert f"{number(expected.churned, 'fr')} résiliations" in french
    assert number(expected.params["alpha"], "fr", decimals=4) in french
    assert "nan" not in french.lower()
    table = read_csv_export(out, dialect="excel-fr")
    assert list(table.columns) == ["customer_id", "start", "periods", "margin", "derl", "clv"]
    assert len(table) == len(expected.table)
    assert table["clv"].sum() == pytest.approx(expected.table["clv"].sum())
    english = _flat(_run("clv", "-w", str(ws), "--lang", "en", "--top", "3"))
    assert "Model: sbg (contractual sBG model" in english
    assert "records cancellations" in english
    assert f"total residual CLV {number(float(expected.table['clv'].sum()), 'en', decimals=0)}" in (
        english
    )
    assert "nan" not in english.lower()
    forced = _run("clv", "-w", str(ws), "--lang", "en", "--model", "sbg", "--top", "3")
    assert "Model: sbg (chosen with --model)" in forced


def test_reactivation_writes_targets_and_tracks_them(ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "targets.csv"
    output = _run(
        "reactivation", "-w", str(ws), "--out", str(out), "--control", "0.2", "--lang", "fr"
    )
    assert "Cibles de réactivation" in output
    targets = read_csv_export(out, dialect="excel-fr")
    assert {"customer_id", "group", "state", "value", "reason"} <= set(targets.columns)
    assert (targets["group"] == "control").any()
    tracked = _run(
        "reactivation", "-w", str(ws), "--track", str(out), "--since", "2026-06-01", "--lang", "en"
    )
    assert "of targeted came back" in tracked
    missing = CliRunner().invoke(cli, ["reactivation", "-w", str(ws), "--track", str(out)])
    assert missing.exit_code == 2
    assert "--since" in missing.output


def test_report_sections_flows_rfm_and_churn(ws: Path) -> None:
    from parcours.render.sections.lifecycle import sections as report_sections
    from parcours.workspace import Workspace

    with Workspace.open(ws) as workspace:
        sections = report_sections(workspace, workspace.journey(), "fr")
        keys = [s.key for s in sections]
        assert keys == ["lifecycle_flows", "lifecycle_churn", "lifecycle_rfm"]
        flows, churn, rfm = sections
        assert "<svg" in flows.html
        assert flows.tables["lifecycle_transitions"]["from"].tolist()[0] == "unknown"
        assert "Taux d'attrition =" in churn.reading
        assert (
            churn.tables["lifecycle_churn"]["definition"].str.startswith("Taux d'attrition =").all()
        )
        assert "Part du CA" in rfm.html
        assert rfm.tables["lifecycle_rfm_segments"]["revenue_share"].sum() == pytest.approx(1.0)
        english = report_sections(workspace, None, "en")
        assert "Revenue share" in english[2].html


def test_report_sections_say_when_there_is_no_data(workspace) -> None:
    from parcours.render.sections.lifecycle import sections as report_sections

    sections = report_sections(workspace, None, "en")
    assert all(s.no_data for s in sections)
    # the reading says what is missing and how to map it (issue 15), not only "no data"
    assert "No transaction loaded" in sections[0].reading
    assert "parcours ingest" in sections[0].reading
