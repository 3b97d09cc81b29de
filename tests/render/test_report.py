"""The report: the map, the stage x channel table, every capability's sections and their CSV."""

from __future__ import annotations

import re

import markupsafe
import pandas as pd
import pytest
from click.testing import CliRunner

from parcours.cli import cli
from parcours.errors import ParcoursError
from parcours.i18n import number
from parcours.render import Section, collect_sections, write_report
from parcours.render import sections as builders
from parcours.workspace import Workspace


def _check_page(page: str, out, lang: str, total: int) -> None:
    assert f'<html lang="{lang}">' in page
    assert 'class="parcours-map"' in page  # the journey map, inline
    assert 'id="journey-table"' in page  # the stage x channel table is kept
    assert number(total, lang) in page
    # every CSV the page links to is beside it
    links = set(re.findall(r'href="([^"#]+\.csv)"', page))
    assert {"stage_channel_matrix.csv", "map_stages.csv", "map_touchpoints.csv"} <= links
    for name in links:
        assert (out / name).is_file(), name
    assert "http" not in re.sub(r'href="[^"]*\.csv"', "", page)  # nothing fetched, no address
    assert "<script" not in page


def _reimbursements(ws: Workspace) -> int:
    sql = "SELECT count(*) FROM interactions WHERE stage = 'reimbursement'"
    return int(ws.warehouse.fetchone(sql)[0])


@pytest.fixture(scope="module")
def french(demo_workspace, tmp_path_factory):
    """The demo's report in French, with the sections every installed capability offers."""
    out = tmp_path_factory.mktemp("report-fr")
    with Workspace.open(demo_workspace) as ws:
        journey = ws.journey()
        sections = collect_sections(ws, journey, "fr")
        path = write_report(ws, journey, out, lang="fr", sections=sections)
        total = _reimbursements(ws)
    return path, sections, total


def test_report_holds_map_table_sections_and_their_csv(french):
    path, sections, total = french
    page = path.read_text("utf-8")
    _check_page(page, path.parent, "fr", total)
    assert "Étapes × canaux" in page
    for section in sections:
        assert f'id="{section.key}"' in page
        assert str(markupsafe.escape(section.reading)) in page  # as Jinja's autoescape writes it
        for stem in section.tables:
            assert any(stem in name for name in re.findall(r'href="([^"]+)"', page)), stem


def test_nps_by_stage_with_intervals(french, demo_workspace):
    pytest.importorskip("parcours.voc")
    from parcours.render._report import _nps_by_stage

    path, sections, _ = french
    nps = [s for s in sections if "nps" in s.key]
    assert nps  # voc's own section, or the report's when voc draws none
    assert f'id="{nps[0].key}"' in path.read_text("utf-8")
    # the report's own NPS chart, drawn when no capability offers one
    with Workspace.open(demo_workspace) as ws:
        section = _nps_by_stage(ws, ws.journey(), "fr")
    assert section is not None
    assert "intervalle de confiance" in section.reading
    frame = section.tables["nps_by_stage"]
    assert {"stage", "nps", "ci_low", "ci_high", "n"} <= set(frame.columns)
    assert (frame.ci_low <= frame.nps).all()
    assert (frame.nps <= frame.ci_high).all()


def test_a_capability_that_cannot_answer_gets_a_section_saying_why(demo_workspace, monkeypatch):
    def report_sections(workspace, journey, lang):
        raise ParcoursError("expected a road map in plan/, found none")

    monkeypatch.setattr(builders, "BUILDERS", (builders.Builder("plan", report_sections),))
    with Workspace.open(demo_workspace) as ws:
        sections = collect_sections(ws, ws.journey(), "en")
    assert [s.key for s in sections] == ["plan"]
    assert sections[0].no_data
    assert sections[0].reading == "expected a road map in plan/, found none"


def test_no_sections_and_section_files(demo_workspace, tmp_path):
    extra = Section(
        key="roadmap",
        title="Road map",
        reading="Two quick wins come first.",
        html="<p>chart</p>",
        tables={
            "roadmap": pd.DataFrame({"a": [1]}),
            "items": pd.DataFrame({"b": [2]}),
            "roadmap_late": pd.DataFrame({"c": [3]}),
        },
        order=5,
    )
    with Workspace.open(demo_workspace) as ws:
        page = write_report(ws, ws.journey(), tmp_path, lang="en", sections=[extra])
        bare = write_report(ws, ws.journey(), tmp_path / "bare", lang="en", sections=[])
    text = page.read_text("utf-8")
    assert (tmp_path / "roadmap.csv").is_file()
    assert (tmp_path / "roadmap_items.csv").is_file()
    assert (tmp_path / "roadmap_late.csv").is_file()  # the stem already carries the key
    assert "<p>chart</p>" in text
    assert text.index('id="roadmap"') < text.index('id="loads-title"')
    assert "No other analysis is available for this journey." in bare.read_text("utf-8")


def test_cli_report_in_english_keeps_its_options(demo_workspace, tmp_path):
    out = tmp_path / "r"
    result = CliRunner().invoke(
        cli,
        [
            "report",
            "-w",
            str(demo_workspace),
            "--out",
            str(out),
            "--journey",
            "mutuelle-horizon",
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    page = (out / "report.html").read_text("utf-8")
    with Workspace.open(demo_workspace) as ws:
        _check_page(page, out, "en", _reimbursements(ws))
    assert "Stages × channels" in page
    assert "Étapes" not in page


def test_report_csv_neutralise_a_hostile_cell_in_the_workspace_dialect(demo_workspace, tmp_path):
    from parcours.export import read_csv_export

    hostile = '=HYPERLINK("http://x.example","cliquez")'
    extra = Section(
        key="voc",
        title="Verbatims",
        reading="One verbatim.",
        tables={"verbatims": pd.DataFrame({"verbatim": [hostile, "merci"], "score": [-2.5, 9.0]})},
    )
    with Workspace.open(demo_workspace) as ws:
        write_report(ws, ws.journey(), tmp_path, lang="fr", sections=[extra])
        dialect = ws.settings.csv_dialect
    back = read_csv_export(tmp_path / "voc_verbatims.csv", dialect=dialect)
    assert back["verbatim"].tolist() == ["'" + hostile, "merci"]  # text, never a live formula
    assert back["score"].tolist() == [-2.5, 9.0]  # numbers stay numbers
    matrix = read_csv_export(tmp_path / "stage_channel_matrix.csv", dialect=dialect)
    assert len(matrix) > 0
    raw = (tmp_path / "stage_channel_matrix.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (dialect == "excel-fr")
