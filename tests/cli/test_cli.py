"""The `parcours` command: init, validate, ingest, quarantine, loads, schema — thin over the API."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from parcours.cli import cli
from parcours.export import read_csv_export

CASES = Path(__file__).parents[1] / "ingest" / "cases"
JOURNEY = Path(__file__).parents[2] / "src" / "parcours" / "demo" / "data" / "journey.yaml"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_init_makes_a_versionable_workspace(runner, tmp_path):
    result = runner.invoke(cli, ["init", str(tmp_path / "ma-marque"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    root = tmp_path / "ma-marque"
    settings = tomllib.loads((root / "parcours.toml").read_text())
    assert settings["workspace"]["lang"] == "en"
    assert settings["workspace"]["timezone"] == "Europe/Paris"
    assert settings["warehouse"]["path"] == "warehouse.duckdb"
    for folder in ("journeys", "personas", "scenarios", "mappings"):
        assert (root / folder).is_dir()
    ignored = (root / ".gitignore").read_text()
    assert "*.duckdb" in ignored
    assert "*.sqlite" in ignored
    assert "Workspace created" in result.output


def test_commands_outside_a_workspace_say_how_to_make_one(runner, tmp_path):
    result = runner.invoke(cli, ["quarantine", "--workspace", str(tmp_path)])
    assert result.exit_code == 2
    assert "parcours init" in result.output
    assert "Traceback" not in result.output


def test_validate_reports_each_problem_with_its_place(runner, tmp_path):
    ok = runner.invoke(cli, ["validate", str(JOURNEY)])
    assert ok.exit_code == 0, ok.output
    broken = tmp_path / "broken.yaml"
    text = JOURNEY.read_text(encoding="utf-8").replace(
        "channel: web, direction: pull, nature: informative, event_codes: [WEB_OFFRES",
        "channel: fax, direction: pull, nature: informative, event_codes: [WEB_OFFRES",
    )
    broken.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(broken)])
    assert result.exit_code == 1
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "channel: fax" in t)
    assert f"broken.yaml:{line}:" in result.output
    assert "'fax'" in result.output


def test_ingest_then_quarantine_from_the_command_line(runner, tmp_path):
    root = tmp_path / "ws"
    runner.invoke(cli, ["init", str(root)])
    result = runner.invoke(
        cli,
        [
            "ingest",
            str(CASES / "crm_hostile.csv"),
            "--mapping",
            str(CASES / "crm_hostile.yaml"),
            "--workspace",
            str(root),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "13 lignes lues, 6 chargées, 7 en quarantaine" in result.output
    again = runner.invoke(
        cli,
        [
            "ingest",
            str(CASES / "crm_hostile.csv"),
            "-m",
            str(CASES / "crm_hostile.yaml"),
            "-w",
            str(root),
            "--lang",
            "en",
        ],
    )
    assert "already loaded" in again.output
    listing = runner.invoke(cli, ["quarantine", "-w", str(root), "--out", str(tmp_path / "q.csv")])
    assert listing.exit_code == 0, listing.output
    assert "31/02/2025" in listing.output
    assert "(7)" in listing.output
    assert "nan" not in listing.output  # a row rejected as a whole has no column nor value: —
    for line in listing.output.splitlines():  # each reason said once
        assert line.count("expected") <= 1, line
    exported = read_csv_export(tmp_path / "q.csv", dialect="excel-fr")
    assert list(exported.row) == [6, 7, 10, 12, 13, 14, 16]
    assert exported.reason.str.startswith("duplicate of row 8").sum() == 1
    loads = runner.invoke(cli, ["loads", "-w", str(root)])
    assert "crm_hostile.csv" in loads.output


def test_a_bad_mapping_is_reported_with_its_place(runner, tmp_path):
    root = tmp_path / "ws"
    runner.invoke(cli, ["init", str(root)])
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "target: interactions\nidentifiers: {crm_id: x}\ncolumns:\n  when: {from: d}\n"
    )
    result = runner.invoke(
        cli,
        [
            "ingest",
            str(CASES / "crm_hostile.csv"),
            "-m",
            str(mapping),
            "-s",
            "crm",
            "-w",
            str(root),
        ],
    )
    assert result.exit_code == 2
    assert "m.yaml:" in result.output
    assert "unknown: when" in result.output


def test_schema_prints_the_published_json_schema(runner):
    result = runner.invoke(cli, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    published = Path(__file__).parents[2] / "src" / "parcours" / "schemas" / "journey.schema.json"
    assert schema == json.loads(published.read_text(encoding="utf-8"))


def test_init_writes_a_starter_that_validates_and_loads(runner, tmp_path):
    from parcours.ingest import ingest, load_mapping
    from parcours.model import load_journey
    from parcours.workspace import Workspace

    root = tmp_path / "ma-marque"
    result = runner.invoke(cli, ["init", str(root)])
    assert result.exit_code == 0, result.output
    assert "parcours validate" in result.output  # the next step, as printed
    journeys = sorted((root / "journeys").glob("*.yaml"))
    assert [j.name for j in journeys] == ["parcours-client.yaml"]
    checked = runner.invoke(cli, ["validate", *map(str, journeys)])
    assert checked.exit_code == 0, checked.output
    journey = load_journey(journeys[0])
    assert len(journey.stages) == 10
    assert journey.stages[0].label["fr"].startswith("Je ")  # the customer's voice
    mapping = root / "mappings" / "crm.yaml"
    assert mapping.read_text(encoding="utf-8").startswith("#")  # commented
    load_mapping(mapping)
    export = tmp_path / "export.csv"  # a CRM export shaped as the mapping's comments say
    export.write_text(
        "Code client;Date;Montant;Canal;Code action;Libellé\n"
        "C1;02/12/2026 14:30;;Site;WEB_OFFRE;Offre consultée\n"
        "C1;03/12/2026 09:10;120,50;Magasin;MAG_ACHAT;Achat\n",
        encoding="utf-8",
    )
    with Workspace.open(root) as ws:
        (report,) = ingest(ws, [export], mapping=mapping)
        assert report.rows_loaded == 2, report
        stages = set(ws.table("interactions").to_pandas().stage)
    assert stages == {"inform", "buy"}
    toml = (root / "parcours.toml").read_text(encoding="utf-8")
    assert toml.count("#") >= 5  # every setting says what it is for
    again = runner.invoke(cli, ["init", str(root)])  # a second init keeps the user's files
    assert again.exit_code == 0
    assert [j.name for j in sorted((root / "journeys").glob("*.yaml"))] == ["parcours-client.yaml"]
