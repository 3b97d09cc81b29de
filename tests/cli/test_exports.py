"""Every CSV the commands write opens in Excel without running a formula (OWASP CSV injection), in
the French Excel dialect by default in a French workspace, in RFC 4180 on request."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from parcours.cli import cli
from parcours.export import FORMULA_STARTS, read_csv_export

CASES = Path(__file__).parent / "cases"
HOSTILE = ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)"]


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("exports") / "ws"
    _run("init", str(root))
    _run(
        "ingest",
        str(CASES / "hostile_sales.csv"),
        "-m",
        str(CASES / "hostile_sales.yaml"),
        "-w",
        str(root),
    )
    return root


def _cells(path: Path, dialect: str) -> tuple[pd.DataFrame, list[str]]:
    frame = read_csv_export(path, dialect=dialect)
    text = [str(c) for c in frame.columns]
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            text.extend(str(v) for v in frame[column].dropna())
    return frame, text


def _assert_no_live_formula(text: list[str]) -> None:
    live = [cell for cell in text if cell.startswith(FORMULA_STARTS)]
    assert live == []


def _raw(path: Path) -> bytes:
    return path.read_bytes()


@pytest.mark.parametrize("dialect", ["excel-fr", "rfc4180", None])
def test_reactivation_out_has_no_live_formula_and_numbers_stay_numbers(ws, tmp_path, dialect):
    out = tmp_path / "targets.csv"
    option = [] if dialect is None else ["--csv-dialect", dialect]
    _run("reactivation", "-w", str(ws), "--out", str(out), *option)
    used = dialect or "excel-fr"  # a French workspace writes for French Excel
    raw = _raw(out)
    assert raw.startswith(b"\xef\xbb\xbf") == (used == "excel-fr")
    assert raw.split(b"\r\n")[0].count(b";" if used == "excel-fr" else b",") > 10
    frame, text = _cells(out, used)
    _assert_no_live_formula(text)
    products = set(frame["main_product"])
    assert {"'" + h for h in HOSTILE} <= products
    assert {"'\tTAB", "'\rCR"} & products  # tab and CR prefixes, when ingest keeps them
    assert pd.api.types.is_float_dtype(frame["value"])
    assert frame["value"].max() == 1320.0
    assert pd.api.types.is_float_dtype(frame["risk"])


def test_the_workspace_setting_chooses_the_dialect(ws, tmp_path):
    settings = ws / "parcours.toml"
    before = settings.read_text(encoding="utf-8")
    assert '# csv = "excel-fr"' in before  # documented in a new workspace
    try:
        settings.write_text(before.replace('# csv = "excel-fr"', 'csv = "rfc4180"'), "utf-8")
        out = tmp_path / "targets.csv"
        _run("reactivation", "-w", str(ws), "--out", str(out))
        assert not _raw(out).startswith(b"\xef\xbb\xbf")
        assert read_csv_export(out, dialect="rfc4180")["value"].max() == 1320.0
        settings.write_text(before.replace('# csv = "excel-fr"', 'csv = "xls"'), "utf-8")
        bad = CliRunner().invoke(cli, ["reactivation", "-w", str(ws), "--out", str(out)])
        assert bad.exit_code == 2
        assert "[export] csv: expected one of excel-fr, rfc4180, found 'xls'" in bad.output
    finally:
        settings.write_text(before, "utf-8")


@pytest.mark.parametrize("dialect", ["excel-fr", "rfc4180"])
def test_quarantine_out_has_no_live_formula(ws, tmp_path, dialect):
    out = tmp_path / "q.csv"
    _run("quarantine", "-w", str(ws), "--out", str(out), "--csv-dialect", dialect)
    frame, text = _cells(out, dialect)
    _assert_no_live_formula(text)
    assert len(frame) == 6
    values = set(frame["value"].astype(str))
    assert {"'" + h for h in HOSTILE} <= values
    assert pd.api.types.is_integer_dtype(frame["row"])


@pytest.mark.parametrize("dialect", ["excel-fr", "rfc4180"])
def test_voc_verbatims_out_has_no_live_formula(ws, tmp_path, dialect):
    out = tmp_path / "verbatims.csv"
    _run(
        "voc",
        "verbatims",
        str(CASES / "hostile_verbatims.csv"),
        "-w",
        str(ws),
        "--out",
        str(out),
        "--csv-dialect",
        dialect,
    )
    frame, text = _cells(out, dialect)
    _assert_no_live_formula(text)
    assert {"'" + h + " jamais rappelé, scandaleux" for h in HOSTILE} <= set(frame["verbatim"])
    assert "'\tTAB jamais rappelé, scandaleux" in set(frame["verbatim"])
    assert list(frame["label"]).count("irritant") == 6
    assert pd.api.types.is_float_dtype(frame["score"])
    assert (frame["score"] < 0).sum() == 6  # negative scores stay numbers, unprefixed


def test_analytics_csv_goes_through_the_same_writer(ws, tmp_path):
    events = tmp_path / "events.csv"
    pd.DataFrame(
        {
            "customer_id": ["a", "a", "b"],
            "ts": ["2026-01-01", "2026-01-02", "2026-01-03"],
            "touchpoint": ['=HYPERLINK("http://x")', "@SUM(A1)", '=HYPERLINK("http://x")'],
        }
    ).to_csv(events, index=False)
    out = tmp_path / "paths.csv"
    _run("analytics", "paths", "--events", str(events), "--csv", str(out), "--lang", "fr")
    _, text = _cells(out, "excel-fr")  # no workspace: French by default
    _assert_no_live_formula(text)
    assert any(cell.startswith("'=HYPERLINK") for cell in text)
