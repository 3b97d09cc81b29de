"""`parcours analytics ...`: thin commands over the API, CSV exports, FR/EN help, clear errors."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from parcours.cli import cli
from parcours.export import read_csv_export


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
    assert len(read_csv_export(target, dialect="excel-fr")) == 16


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
    assert read_csv_export(target, dialect="rfc4180").conversions.sum() == pytest.approx(19_785)


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
    credited = read_csv_export(target, dialect="excel-fr")
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
    table, people = (
        read_csv_export(steps, dialect="excel-fr"),
        read_csv_export(dropped, dialect="excel-fr"),
    )
    assert list(table.name) == ["compare", "quote", "subscribe"]
    assert len(people) == table.dropped.sum()
    assert set(people.dropped_step) == {"quote", "subscribe"}


def test_ruptures_of_the_map(runner, demo_workspace):
    result = runner.invoke(
        cli, ["analytics", "ruptures", "--map", "--within", "30d", "-w", str(demo_workspace)]
    )
    assert result.exit_code == 0, result.output
    assert "web-quote-to-agency" in result.output
    # The default delay finds the map's planted ruptures too (a map's rupture spans days).
    default = runner.invoke(cli, ["analytics", "ruptures", "--map", "-w", str(demo_workspace)])
    assert default.exit_code == 0, default.output
    assert default.output == result.output


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


def test_funnel_and_timing_by_persona(runner, demo_workspace, tmp_path):
    from parcours.workspace import Workspace

    with Workspace.open(demo_workspace) as ws:
        personas = set(ws.table("persona_scores").to_pandas().persona) - {"unassigned"}
    steps, timing = tmp_path / "steps.csv", tmp_path / "timing.csv"
    args = ["analytics", "funnel", "compare", "quote", "--stages", "--window", "90d"]
    args += ["--breakdown", "persona", "-w", str(demo_workspace), "--csv", str(steps)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert personas <= set(read_csv_export(steps, dialect="excel-fr").persona)
    args = ["analytics", "timing", "--by", "persona", "-w", str(demo_workspace)]
    result = runner.invoke(cli, [*args, "--csv", str(timing)])
    assert result.exit_code == 0, result.output
    assert personas <= set(read_csv_export(timing, dialect="excel-fr").persona)


def test_tables_name_stages_in_the_customers_words_and_durations_in_days(runner, demo_workspace):
    result = runner.invoke(cli, ["analytics", "timing", "-w", str(demo_workspace)])
    assert result.exit_code == 0, result.output
    assert "Je demande un remboursement" in result.output  # not `reimbursement`
    assert "reimbursement " not in result.output
    assert re.search(r"\d+\u00a0j", result.output)  # « 58 j », not 5 011 200 seconds
    assert "median_seconds" not in result.output


def test_retention_counts_equal_the_librarys(runner, demo_workspace, tmp_path):
    from parcours.analytics import retention, retention_shares
    from parcours.workspace import Workspace

    with Workspace.open(demo_workspace) as ws:
        events = ws.table("interactions")
        expected = retention(
            events, {"stage": ["subscribe"]}, "reimbursement-app", period="month", intervals=4
        ).to_pandas()
        by_channel = retention(
            events, "subscribe-web", {"stage": ["reimbursement"]}, period="month", intervals=3,
            mode="first_time", breakdown="channel", date_from="2026-01-01",
        ).to_pandas()  # fmt: skip
    assert expected["customers"].sum() > 0
    counts = tmp_path / "retention.csv"
    args = ["analytics", "retention", "stage=subscribe", "reimbursement-app", "--period", "month"]
    args += ["--intervals", "4", "-w", str(demo_workspace), "--csv", str(counts)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    got = read_csv_export(counts, dialect="excel-fr")
    keys = ["cohort", "interval"]
    expected["cohort"] = expected["cohort"].astype(str)
    assert got.sort_values(keys).to_dict("records") == expected.sort_values(keys).to_dict("records")
    shares = tmp_path / "shares.csv"
    args = ["analytics", "retention", "subscribe-web", "stage=reimbursement", "--period", "month"]
    args += ["--intervals", "3", "--mode", "first_time", "--breakdown", "channel"]
    args += ["--from", "2026-01-01", "--shares", "-w", str(demo_workspace), "--csv", str(shares)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    got = read_csv_export(shares, dialect="excel-fr")
    wanted = retention_shares(by_channel, "channel")
    assert got["size"].tolist() == wanted["size"].tolist()
    assert got["1"].fillna(-1).tolist() == pytest.approx(wanted[1].fillna(-1).tolist())
    shown = runner.invoke(
        cli, ["analytics", "retention", "stage=subscribe", "stage=reimbursement", "--lang", "en",
              "--period", "month", "--intervals", "2", "-w", str(demo_workspace)],
    )  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert "cohort" in shown.output
    bad = runner.invoke(cli, ["analytics", "retention", "stage=", "x", "-w", str(demo_workspace)])
    assert bad.exit_code == 2
    assert "COLUMN=VALUE" in bad.output
