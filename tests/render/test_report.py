"""The report: the map, the stage x channel table, every capability's sections and their CSV."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from parcours.cli import cli
from parcours.errors import ParcoursError
from parcours.i18n import number
from parcours.render import Section, collect_sections, write_report
from parcours.workspace import Workspace


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_holds_map_table_sections_and_their_csv(demo_workspace, tmp_path, lang):
    with Workspace.open(demo_workspace) as ws:
        journey = ws.journey()
        path = write_report(ws, journey, tmp_path, lang=lang)
        sections = collect_sections(ws, journey, lang)
        total = ws.warehouse.fetchone(
            "SELECT count(*) FROM interactions WHERE stage = 'reimbursement'"
        )[0]
    page = path.read_text("utf-8")
    assert f'<html lang="{lang}">' in page
    assert 'class="parcours-map"' in page  # the journey map, inline
    assert 'id="journey-table"' in page  # the stage x channel table is kept
    assert number(int(total), lang) in page
    for section in sections:
        assert f'id="{section.key}"' in page
        assert section.reading.replace("'", "&#39;") in page or section.reading in page
    # every CSV the page links to is beside it
    links = set(re.findall(r'href="([^"#]+\.csv)"', page))
    assert {"stage_channel_matrix.csv", "map_stages.csv", "map_touchpoints.csv"} <= links
    for name in links:
        assert (tmp_path / name).is_file(), name
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script" not in page


def test_nps_by_stage_with_intervals_when_voc_has_answers(demo_workspace, tmp_path):
    pytest.importorskip("parcours.voc")
    with Workspace.open(demo_workspace) as ws:
        path = write_report(ws, ws.journey(), tmp_path, lang="fr")
    page = path.read_text("utf-8")
    assert 'id="nps_by_stage"' in page
    assert "intervalle de confiance" in page
    frame = __import__("pandas").read_csv(tmp_path / "nps_by_stage.csv")
    assert {"stage", "nps", "ci_low", "ci_high", "n"} <= set(frame.columns)
    assert (frame.ci_low <= frame.nps).all()
    assert (frame.nps <= frame.ci_high).all()


def test_a_capability_that_cannot_answer_does_not_sink_the_report(
    demo_workspace, tmp_path, monkeypatch
):
    failing = types.ModuleType("parcours.plan")

    def report_sections(workspace, journey, lang):
        raise ParcoursError("expected a road map in plan/, found none")

    failing.report_sections = report_sections  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "parcours.plan", failing)
    with Workspace.open(demo_workspace) as ws:
        sections = collect_sections(ws, ws.journey(), "en")
        path = write_report(ws, ws.journey(), tmp_path, lang="en")
    plan = [s for s in sections if s.key == "plan"]
    assert plan
    assert plan[0].no_data
    assert "expected a road map in plan/, found none" in path.read_text("utf-8")


def test_section_tables_are_written_with_the_key_as_prefix(demo_workspace, tmp_path, monkeypatch):
    import pandas as pd

    extra = types.ModuleType("parcours.plan")
    extra.report_sections = lambda workspace, journey, lang: [  # type: ignore[attr-defined]
        Section(
            key="roadmap",
            title="Road map",
            reading="Two quick wins come first.",
            html="<p>chart</p>",
            tables={"roadmap": pd.DataFrame({"a": [1]}), "items": pd.DataFrame({"b": [2]})},
            order=5,
        )
    ]
    monkeypatch.setitem(sys.modules, "parcours.plan", extra)
    with Workspace.open(demo_workspace) as ws:
        page = write_report(ws, ws.journey(), tmp_path, lang="en").read_text("utf-8")
    assert (tmp_path / "roadmap.csv").is_file()
    assert (tmp_path / "roadmap_items.csv").is_file()
    assert "<p>chart</p>" in page
    assert page.index('id="roadmap"') < page.index('id="loads-title"')


def test_cli_report_keeps_its_options(demo_workspace, tmp_path):
    result = CliRunner().invoke(
        cli,
        [
            "report",
            "-w",
            str(demo_workspace),
            "--out",
            str(tmp_path / "r"),
            "--journey",
            "mutuelle-horizon",
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    assert Path(tmp_path / "r" / "report.html").is_file()
    assert "Stages × channels" in (tmp_path / "r" / "report.html").read_text("utf-8")
