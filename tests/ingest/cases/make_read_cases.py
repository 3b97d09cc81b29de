"""Writes the reader test files (run it to regenerate them; test_readers checks the text ones).

hostile.csv — one line per situation the reader must handle, decided and documented here:

    line  bytes                                         what it is
    1     BOM + header, CRLF                            5 columns
    2     plain record                                  row 2
    3     quoted separator, escaped quotes, CRLF        row 3
    4     (empty)                                       blank: not a record
    5     "Rémi", "café" in cp1252 (0xE9)               row 5, decoded as cp1252
    6-7   a quoted field over two lines                 row 6 (its first line)
    8     3 fields                                      reject: expected 5 fields, found 3
    9     6 fields                                      reject: expected 5 fields, found 6
    10    ;;;;                                          a record whose fields are all NULL (not blank)
    11    spaces around every field, CRLF               spaces kept
    12    CRLF only                                     blank: not a record
    13    spaces only                                   reject: expected 5 fields, found 1
    14    spaces around a quoted field                  quoted: the spaces go (DuckDB's grammar)
    15    text after a closing quote                    reject, column 'nom'
    16    "" (quoted empty), € in UTF-8                 NULL
    17    last line, no line break                      row 17
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

HERE = Path(__file__).parent

HOSTILE: list[tuple[str, str, str]] = [
    # (text, encoding, line break)
    ("id;nom;commentaire;montant;date", "utf-8", "\r\n"),
    ("1;Dupont;simple;12,5;01/02/2024", "utf-8", "\n"),
    ('2;"Dupont; fils";"il a dit ""non""";3;02/02/2024', "utf-8", "\r\n"),
    ("", "utf-8", "\n"),
    ("3;Rémi;café;4;03/02/2024", "cp1252", "\n"),
    ('4;Zoé;"première ligne', "utf-8", "\n"),
    ('seconde ligne";5;04/02/2024', "utf-8", "\n"),
    ("5;trop;peu", "utf-8", "\n"),
    ("6;trop;de;champs;ici;en plus", "utf-8", "\n"),
    (";;;;", "utf-8", "\n"),
    ("  7  ; espaces autour ;  ;8 ; ", "utf-8", "\r\n"),
    ("", "utf-8", "\r\n"),
    ("   ", "utf-8", "\n"),
    ('8; "entre guillemets" ;"x";9;05/02/2024', "utf-8", "\n"),
    ('9;"fermé"trop tôt;x;1;2', "utf-8", "\n"),
    ('10;Lefèvre;"";10 €;06/02/2024', "utf-8", "\n"),
    ('11;"a""b";z;11;07/02/2024', "utf-8", ""),
]


def hostile() -> bytes:
    return b"\xef\xbb\xbf" + b"".join((t + e).encode(enc) for t, enc, e in HOSTILE)


def cp1252() -> bytes:
    """A regular Windows export: cp1252, CRLF, ’ € œ … and one byte cp1252 leaves undefined."""
    lines = [
        "Code client;Libellé;Montant",
        "C1;Cotisation l’été;12,50 €",
        "C2;Œuvre sœur…;3",
        "C3;octet \x81 indéfini;4",
    ]
    return b"".join(
        line.encode("latin-1" if "\x81" in line else "cp1252") + b"\r\n" for line in lines
    )


def utf16() -> bytes:
    """Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated, CRLF."""
    text = 'Nom\tVille\r\nRémi\tOrléans\r\nZoé\t"Saint-Étienne"\r\n'
    return b"\xff\xfe" + text.encode("utf-16-le")


def events_jsonl() -> bytes:
    lines = [
        '{"id": 1, "user": {"email": "a@b.fr", "geo": {"city": "Lyon"}}, "tags": ["x", "y"]}',
        "",
        '{"id": 2.0, "ok": true, "score": 0.5, "user": {"email": null}, "new": ""}',
        "[1, 2]",
        "{pas du json",
        '{"id": 3, "Id": "case", "when": "2026-01-01T10:00:00Z"}',
    ]
    return "\n".join(lines).encode() + b"\n"


def events_json() -> bytes:
    return b'[\n  {"a": 1, "b": {"c": "x"}},\n  {"a": 2},\n\n  {"b": {"c": "y"}, "d": [1]}\n]\n'


def workbook(path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    calls = book.active
    calls.title = "Appels"
    # Data from B3: two empty rows and one empty column before the table.
    calls["B3"], calls["C3"], calls["D3"], calls["E3"] = "N°", "Début", "Durée", "Montant"
    calls["F3"], calls["H3"] = "Rappel", "Note"
    calls.merge_cells("F3:G3")  # a merged header: its second cell gets column_N
    calls.append([])
    rows = [
        (4, ["A1", dt.datetime(2026, 3, 2, 9, 30), dt.time(0, 2, 5), 12.0, True, "x", "  texte  "]),
        (
            5,
            ["A2", dt.date(2026, 3, 3), dt.timedelta(hours=30, minutes=3), 12.5, False, None, None],
        ),
        (7, ["A3", dt.datetime(2026, 3, 4, 8, 0, 0, 250_000), None, 1e-7, None, None, "fin"]),
    ]
    for number, values in rows:
        for offset, value in enumerate(values):
            calls.cell(row=number, column=2 + offset, value=value)
    calls["B8"] = "   "  # only spaces: a blank row
    more = book.create_sheet("Appels (suite)")
    more.append(["N°", "Début", "Durée", "Montant", "Rappel", None, "Note"])
    more.append(["A4", dt.datetime(2026, 3, 5, 10, 0), None, 3, None, None, None])
    book.create_sheet("Vide")
    hidden = book.create_sheet("Codes")
    hidden.append(["code", "libellé"])
    hidden.sheet_state = "hidden"
    book.save(path)


def mismatch(path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Janvier"
    book.active.append(["client", "date"])
    book.active.append(["C1", "01/01/2026"])
    other = book.create_sheet("Février")
    other.append(["client", "jour"])
    book.save(path)


def sales(path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "client": ["C1", "", None],
            "quand": pa.array(
                [dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC), None, None],
                pa.timestamp("us", tz="UTC"),
            ),
            "local": pa.array([dt.datetime(2026, 1, 5, 10, 0, 30), None, None], pa.timestamp("ms")),
            "jour": [dt.date(2026, 1, 5), None, None],
            "montant": [120.0, 80.5, None],
            "quantite": pa.array([1, 2, None], pa.int32()),
            "payé": [True, False, None],
            "adresse": [{"ville": "Lyon", "cp": "69001"}, {"ville": None, "cp": "75001"}, None],
            "tags": [["a", "b"], [], None],
        }
    )
    pq.write_table(table, path)


TEXT_CASES = {
    "hostile.csv": hostile,
    "cp1252.csv": cp1252,
    "utf16.txt": utf16,
    "events.jsonl": events_jsonl,
    "events.json": events_json,
}

if __name__ == "__main__":
    for name, build in TEXT_CASES.items():
        (HERE / name).write_bytes(build())
    workbook(HERE / "workbook.xlsx")
    mismatch(HERE / "mismatch.xlsx")
    sales(HERE / "sales.parquet")
