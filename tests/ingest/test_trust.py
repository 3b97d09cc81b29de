"""Hostile exports that used to load wrong (issue 14, items 7, 8 and 9): encodings, values, ids,
JSON Lines, YAML and workbooks. The files are written by cases/make_trust_cases.py."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from parcours.cli import cli
from parcours.errors import MappingError, ModelError
from parcours.ingest import load_mapping, mapping_from_dict
from parcours.ingest.readers import ReadOptions, read_raw
from parcours.model import load_journey
from parcours.warehouse import Warehouse
from parcours.workspace import Workspace

CASES = Path(__file__).parent / "cases"
TRUST = CASES / "trust"


def _quarantine(ws: Workspace) -> list[tuple[int, str | None, str | None, str]]:
    frame = ws.quarantine().to_pandas().sort_values("row")
    return [(int(r.row), r.column, r.value, r.reason) for r in frame.itertuples(index=False)]


# -- encodings (item 7) -------------------------------------------------------------------------


def test_utf8_declared_cp1252_is_read_as_utf8_with_a_warning(workspace: Workspace) -> None:
    (report,) = workspace.ingest([TRUST / "mojibake.csv"], mapping=TRUST / "crm_cp1252.yaml")
    assert (report.rows_read, report.rows_loaded, report.encoding) == (2, 2, "utf-8")
    labels = sorted(r["label"] for r in workspace.table("interactions").to_pandas()["attrs"])
    assert labels == ["Cotisation été, reçu 12 €", "Zoé"]
    (note,) = report.notes
    assert note.text("en") == (
        "  warning: mojibake.csv is UTF-8 although the mapping declares the encoding cp1252; "
        "read as UTF-8 (read as cp1252, « é » would become « Ã© »)"
    )
    assert "mojibake.csv est en UTF-8 alors que le mapping déclare l'encodage cp1252" in (
        note.text("fr")
    )


def test_latin1_declared_on_utf8_is_caught_too(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("id;nom\n1;Chloé\n", encoding="utf-8")
    wh = Warehouse(None)
    try:
        read = read_raw(wh, path, ReadOptions(encoding="ISO-8859-1"), "stg")
        assert (read.encoding, [n.key for n in read.notes]) == (
            "utf-8",
            ["ingest.note.utf8_not_8bit"],
        )
        assert wh.fetchall("SELECT nom FROM stg") == [("Chloé",)]
    finally:
        wh.close()


def test_real_cp1252_declared_cp1252_is_still_cp1252() -> None:
    wh = Warehouse(None)
    try:
        read = read_raw(wh, CASES / "cp1252.csv", ReadOptions(encoding="cp1252"), "stg")
        assert (read.encoding, read.notes) == ("cp1252", ())
        assert ("Cotisation l’été",) in wh.fetchall("SELECT Libellé FROM stg")
    finally:
        wh.close()


def test_cp1252_declared_utf8_never_loads_garbled_text(workspace: Workspace) -> None:
    (report,) = workspace.ingest([TRUST / "cp1252_as_utf8.csv"], mapping=TRUST / "crm_utf8.yaml")
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (2, 0, 2)
    assert {r[3] for r in _quarantine(workspace)} == {
        "expected utf-8 text (the declared encoding), found other bytes"
    }
    assert workspace.warehouse.count("interactions") == 0


def test_json_lines_in_utf8_declared_cp1252_are_read_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps({"client": "C1", "nom": "Zoé"}, ensure_ascii=False) + "\n")
    wh = Warehouse(None)
    try:
        read = read_raw(wh, path, ReadOptions(encoding="cp1252"), "stg")
        assert (read.encoding, len(read.notes)) == ("utf-8", 1)
        assert wh.fetchall("SELECT nom FROM stg") == [("Zoé",)]
    finally:
        wh.close()


# -- values (item 8) ----------------------------------------------------------------------------


def test_bad_values_go_to_the_quarantine_with_their_reason(workspace: Workspace) -> None:
    (report,) = workspace.ingest([TRUST / "values.csv"], mapping=TRUST / "sales.yaml")
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (15, 7, 8)
    rejects = {
        row: (column, value, reason) for row, column, value, reason in _quarantine(workspace)
    }
    assert sorted(rejects) == [3, 4, 5, 6, 8, 9, 10, 15]
    number = "expected a finite number (1234,56 or 1234.56) of at most 15 significant digits"
    for row, raw in [(3, "NaN"), (4, "inf"), (5, "-Infinity"), (6, "1234567890123456789012345")]:
        assert rejects[row] == ("Montant", raw, f"column 'Montant': {number}, found '{raw}'")
    for row in (8, 9, 10):
        column, _value, reason = rejects[row]
        assert column == "Date"
        assert "between 1900-01-01 and " in reason
    assert rejects[15][0] == "Code client"


def test_amounts_are_exact_to_the_cent(workspace: Workspace) -> None:
    workspace.ingest([TRUST / "values.csv"], mapping=TRUST / "sales.yaml")
    amounts = dict(workspace.warehouse.fetchall("SELECT order_id, amount FROM transactions"))
    assert amounts["O6"] == 1234567890123.45  # 15 digits: the DOUBLE gives them back
    assert repr(amounts["O6"]) == "1234567890123.45"
    assert repr(amounts["O15"]) == "0.1"
    assert "O5" not in amounts  # 25 digits: refused, never rounded


def test_invisible_characters_are_stripped_from_ids(workspace: Workspace) -> None:
    workspace.ingest([TRUST / "values.csv"], mapping=TRUST / "sales.yaml")
    values = {v for (v,) in workspace.warehouse.fetchall("SELECT value FROM identities")}
    assert values == {"C1", "C6", "C10", "C11", "C12", "C13", "C15"}
    orders = {v for (v,) in workspace.warehouse.fetchall("SELECT order_id FROM transactions")}
    assert "O15" in orders
    assert all(v.isprintable() and "\u200b" not in v for v in values | orders)


def test_the_plausible_dates_are_a_mapping_setting(workspace: Workspace) -> None:
    spec = {
        "target": "transactions",
        "source": "shop",
        "identifiers": {"crm_id": "Code client"},
        "columns": {
            "ts": {"from": "Date", "type": "datetime", "formats": ["%d/%m/%Y"]},
            "amount": {"from": "Montant"},
            "order_id": {"from": "Commande"},
        },
        "dates": {"earliest": "1800-01-01", "latest": "2025-12-31"},
    }
    (report,) = workspace.ingest([TRUST / "values.csv"], mapping=mapping_from_dict(spec))
    dated = {r[0] for r in _quarantine(workspace) if r[1] == "Date"}
    # 1899 is plausible now; 2026 is not, and neither are years 1 and 9999.
    assert 10 not in dated
    assert {2, 8, 9} <= dated
    assert report.rows_loaded == 1  # C6 only: the other 2026 rows are too late or bad


def test_nan_and_huge_numbers_in_an_integer_column_are_rejected_not_fatal(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "counts.csv"
    path.write_text("id;n\nA;3\nB;NaN\nC;1e30\nD;inf\n", encoding="utf-8")
    spec = {
        "target": "customers",
        "source": "crm",
        "identifiers": {"crm_id": "id"},
        "attributes": {"n": {"from": "n", "type": "integer"}},
    }
    (report,) = workspace.ingest([path], mapping=mapping_from_dict(spec))
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (4, 1, 3)


def test_mappings_without_the_new_settings_keep_their_fingerprint() -> None:

    mapping = load_mapping(TRUST / "crm.yaml")
    data = mapping.model_dump(mode="json", by_alias=True)
    del data["dates"], data["read"]["quoted_max_lines"], data["read"]["quoted_max_bytes"]
    before = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    assert mapping.fingerprint() == before
    limited = mapping.model_copy(
        update={"read": mapping.read.model_copy(update={"quoted_max_lines": 5})}
    )
    assert limited.fingerprint() != before


# -- YAML, JSON Lines, workbooks (item 9) -------------------------------------------------------

DEEP = "target: interactions\nidentifiers: {crm_id: a}\nx: " + "[" * 50_000 + "]" * 50_000 + "\n"
LAUGHS = (
    "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}' if i else 'x'] * 9)}]\n" for i in range(9))
    + "target: interactions\nidentifiers: {crm_id: a}\nrequired: *l8\n"
)


def test_a_50000_deep_yaml_gives_an_error_with_its_place(tmp_path: Path) -> None:

    path = tmp_path / "deep.yaml"
    path.write_text(DEEP, encoding="utf-8")
    for load, error in ((load_mapping, MappingError), (load_journey, ModelError)):
        with pytest.raises(error) as caught:
            load(path)
        (problem,) = caught.value.problems
        assert (problem.file, problem.line, problem.column) == (str(path), 3, 204)
        assert (problem.expected, problem.found) == (
            "at most 200 levels of nesting",
            "deeper nesting",
        )


def test_yaml_aliases_that_multiply_are_refused(tmp_path: Path) -> None:

    path = tmp_path / "laughs.yaml"
    path.write_text(LAUGHS, encoding="utf-8")
    with pytest.raises(MappingError, match="at most 1,000,000 values once aliases are expanded"):
        load_mapping(path)


def test_the_cli_answers_a_deep_mapping_with_an_error_not_a_traceback(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(DEEP, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["ingest", str(TRUST / "values.csv"), "-m", str(path), "-w", str(workspace.root)],
    )
    assert result.exit_code != 0
    assert "at most 200 levels of nesting" in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, RecursionError)


def test_broken_json_lines_are_quarantined_one_by_one(workspace: Workspace, tmp_path: Path) -> None:
    good = '{"client": "C%d", "ts": "2026-01-03T09:15:00+01:00", "code": "WEB_DEVIS"}'
    lines = [
        good % 1,
        '{"client": "C2", "ts": "2026-01-03T09:16:00+01:00", "code": "WEB_DEV',
        '{"client": "C3", "x": ' + "[" * 50_000 + "]" * 50_000 + "}",
        '{"client": "\\ud800", "ts": "2026-01-03T09:15:00+01:00"}',
        '{"client": "C5", "n": 1' + "0" * 5_000 + "}",
        "[1, 2]",
        good % 7,
        '{"client": "C\\u00008", "ts": "2026-01-03T09:15:00+01:00"}',
    ]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (report,) = workspace.ingest([path], mapping=TRUST / "events.yaml")
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (8, 3, 5)
    reasons = {row: reason for row, _column, _value, reason in _quarantine(workspace)}
    assert sorted(reasons) == [2, 3, 4, 5, 6]
    assert reasons[2].startswith("expected a JSON object, found invalid JSON (Unterminated")
    assert "nested too deep" in reasons[3]
    assert "lone surrogate" in reasons[4]
    assert "4300 digits" in reasons[5]
    assert reasons[6] == "expected a JSON object, found an array"
    ids = {v for (v,) in workspace.warehouse.fetchall("SELECT value FROM identities")}
    assert ids == {"C1", "C7", "C8"}  # the NUL of C\x008 is stripped


def test_merged_workbook_cells_are_filled_from_their_merge(workspace: Workspace) -> None:
    (report,) = workspace.ingest([TRUST / "merged.xlsx"], mapping=TRUST / "merged.yaml")
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (4, 4, 0)
    rows = workspace.warehouse.fetchall(
        "SELECT i.value, count(*) FROM interactions x JOIN identities i USING (customer_id) "
        "GROUP BY 1 ORDER BY 1"
    )
    assert rows == [("C1", 3), ("C2", 1)]
    (note,) = report.notes
    assert note.text("en") == "  merged.xlsx: 2 merged cells filled with the value of their merge"
    assert note.text("fr").startswith("  merged.xlsx : 2 cellules fusionnées remplies")


def test_merged_cells_away_from_the_corner_are_filled(tmp_path: Path) -> None:
    path = tmp_path / "offset.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["C3"], sheet["D3"], sheet["E3"] = "id", "a", "b"
    sheet["C4"], sheet["D4"] = "x", "1"
    sheet["D5"] = "2"
    sheet["D6"] = "m"
    sheet.merge_cells("C4:C6")
    sheet.merge_cells("D6:E6")
    book.save(path)
    wh = Warehouse(None)
    try:
        read = read_raw(wh, path, ReadOptions(), "stg")
        assert wh.fetchall("SELECT __row, id, a, b FROM stg ORDER BY 1") == [
            (4, "x", "1", None),
            (5, "x", "2", None),
            (6, "x", "m", "m"),
        ]
        assert read.notes[0].values == (("file", "offset.xlsx"), ("cells", "3"))
    finally:
        wh.close()
