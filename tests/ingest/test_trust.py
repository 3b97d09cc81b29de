"""Hostile exports that used to load wrong (issue 14, items 7, 8 and 9): encodings, values, ids,
JSON Lines, YAML and workbooks. The files are written by cases/make_trust_cases.py."""

from __future__ import annotations

import json
from pathlib import Path

from parcours.ingest.readers import ReadOptions, read_raw
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
