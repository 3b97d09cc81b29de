"""`parcours analytics ...`: thin commands over the API, CSV exports, FR/EN help, clear errors."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from parcours.cli import cli


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_help_is_in_french_and_english(runner):
    result = runner.invoke(cli, ["analytics", "--help"])
    assert result.exit_code == 0
    assert "Quantify journeys / quantifier les parcours" in result.output
    for command in (
        "matrix",
        "funnel",
        "paths",
        "dfg",
        "attribution",
        "winning",
        "redundancies",
        "ruptures",
        "blocking",
        "timing",
    ):
        assert command in result.output


def test_dfg_of_a_process_log_to_csv(runner, reference_data, tmp_path):
    log = reference_data / "processmining" / "pm4py_running-example.csv"
    target = tmp_path / "dfg.csv"
    args = [
        "analytics",
        "dfg",
        "--events",
        str(log),
        "--customer",
        "case:concept:name",
        "--touchpoint",
        "concept:name",
        "--ts",
        "time:timestamp",
        "--csv",
        str(target),
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(target)) == 16


def test_attribution_of_aggregated_paths(runner, reference_data, tmp_path):
    target = tmp_path / "markov.csv"
    paths = tmp_path / "channelattribution_paths.csv"  # the CLI reads the plain file
    paths.write_bytes(
        gzip.decompress((reference_data / "attribution" / f"{paths.name}.gz").read_bytes())
    )
    result = runner.invoke(
        cli,
        ["analytics", "attribution", "--paths", str(paths), "--csv", str(target), "--lang", "en"],
    )
    assert result.exit_code == 0, result.output
    assert "Written" in result.output
    assert pd.read_csv(target).conversions.sum() == pytest.approx(19_785)


def test_attribution_to_a_stage_of_the_workspace(runner, demo_workspace, tmp_path):
    from parcours import analytics
    from parcours.workspace import Workspace

    target = tmp_path / "last.csv"
    args = ["analytics", "attribution", "--conversion", "subscribe", "--stage", "--model", "last"]
    result = runner.invoke(cli, [*args, "-w", str(demo_workspace), "--csv", str(target)])
    assert result.exit_code == 0, result.output
    with Workspace.open(demo_workspace) as ws:
        events = ws.warehouse.table("interactions")
        paths = analytics.conversion_paths(events, {"stage": "subscribe"}).to_pandas()
    credited = pd.read_csv(target)
    assert paths.total_conversions.sum() > 100
    assert credited.conversions.sum() == pytest.approx(paths.total_conversions.sum())
    assert "subscribe-web" not in set(credited.touchpoint)  # conversions are not touches


def test_stage_funnel_and_its_target_list(runner, demo_workspace, tmp_path):
    steps, dropped = tmp_path / "steps.csv", tmp_path / "dropped.csv"
    args = [
        "analytics",
        "funnel",
        "compare",
        "quote",
        "subscribe",
        "--stages",
        "--window",
        "90d",
        "-w",
        str(demo_workspace),
        "--csv",
        str(steps),
        "--dropped",
        str(dropped),
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    table, people = pd.read_csv(steps), pd.read_csv(dropped)
    assert list(table.name) == ["compare", "quote", "subscribe"]
    assert len(people) == table.dropped.sum()
    assert set(people.dropped_step) == {"quote", "subscribe"}


def test_ruptures_of_the_map(runner, demo_workspace):
    result = runner.invoke(
        cli, ["analytics", "ruptures", "--map", "--within", "30d", "-w", str(demo_workspace)]
    )
    assert result.exit_code == 0, result.output
    assert "web-quote-to-agency" in result.output


def test_errors_say_what_was_expected(runner, tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("client;quand;quoi\nA;2026-01-01 10:00;x\n", encoding="utf-8")
    result = runner.invoke(cli, ["analytics", "paths", "--events", str(log), "--lang", "en"])
    assert result.exit_code == 2
    assert "customer=" in result.output
    assert "Traceback" not in result.output


def test_attribution_needs_paths_or_a_conversion(runner, tmp_path):
    result = runner.invoke(cli, ["analytics", "attribution", "-w", str(tmp_path)])
    assert result.exit_code != 0
    assert "--conversion" in result.output


def test_the_cli_module_keeps_start_up_light():
    source = (
        Path(__file__).parents[2] / "src" / "parcours" / "cli" / "cmd_analytics.py"
    ).read_text()
    top_level = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert not [line for line in top_level if "ibis" in line or "pandas" in line]
