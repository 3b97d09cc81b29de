"""Writes the hostile files of test_trust.py into trust/ (run it to regenerate them).

Each file is one way an export goes wrong (issue 14, items 2, 7, 8 and 9):

    open_quote_eof.csv      a field of line 6 starts with a quote that nothing closes
    open_quote_limit.csv    a stray quote on line 3, the next quote 246 lines further
    open_quote_closed.csv   a stray quote on line 3 closed by the quote of line 5
    mojibake.csv            UTF-8 text (é, ç, €), its mapping says cp1252
    cp1252_as_utf8.csv      cp1252 text, its mapping says utf-8
    values.csv              NaN, inf, a 25-digit amount, years 0001 and 9999, ids with
                            zero-width spaces, a BOM, NUL and control characters
    broken.jsonl            a JSON Lines file with a cut line and a line that is not an object
    merged.xlsx             a workbook whose customer id spans three rows (a merged cell)

:func:`open_quote_rows` writes the issue's own case (10,000 rows, a quote on line 6) on demand.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent / "trust"
HEADER = "Code client;Date;Canal;Libellé;Montant"


def row(number: int, label: str | None = None) -> str:
    return f"C{number:05d};03/01/2026 09:15;Web;{label or f'achat {number}'};12,50"


def open_quote_rows(rows: int, quote_line: int = 6) -> str:
    """``rows`` records; the label of the record on ``quote_line`` starts with a lone quote."""
    lines = [HEADER]
    for number in range(1, rows + 1):
        line = len(lines) + 1
        lines.append(row(number, f'"achat {number}' if line == quote_line else None))
    return "\n".join(lines) + "\n"


def open_quote_limit() -> str:
    lines = [HEADER]
    for number in range(1, 300):
        line = len(lines) + 1
        label = '"stray' if line == 3 else ('"fermé; ici"' if line == 249 else None)
        lines.append(row(number, label))
    return "\n".join(lines) + "\n"


def open_quote_closed() -> str:
    lines = [HEADER, row(1), row(2, '"stray'), row(3), row(4, '"vu"'), row(5)]
    return "\n".join(lines) + "\n"


VALUES = [
    "Code client;Date;Montant;Commande",
    "C1;03/01/2026;12,50;O1",
    "C2;03/01/2026;NaN;O2",
    "C3;03/01/2026;inf;O3",
    "C4;03/01/2026;-Infinity;O4",
    "C5;03/01/2026;1234567890123456789012345;O5",
    "C6;03/01/2026;1234567890123,45;O6",
    "C7;01/01/0001;5;O7",
    "C8;31/12/9999;5;O8",
    "C9;31/12/1899;5;O9",
    "C\u200b10;03/01/2026;5;O10",
    "\ufeffC11\u200d;03/01/2026;5;O11",
    "C1\x002;03/01/2026;5;O12",
    "C1\x073;03/01/2026;5;O13",
    "\u200b;03/01/2026;5;O14",
    "C15;03/01/2026;0,1;O\u200c15",
]

JSONL = [
    '{"client": "C1", "ts": "2026-01-03T09:15:00+01:00", "code": "WEB_DEVIS"}',
    '{"client": "C2", "ts": "2026-01-03T09:16:00+01:00", "code": "WEB_DEV',
    "[1, 2]",
    '{"client": "C3", "ts": "2026-01-03T09:17:00+01:00", "code": "WEB_DEVIS"}',
]


def merged_workbook(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Code client", "Date", "Canal", "Montant"])
    sheet.append(["C1", "03/01/2026 09:15", "Web", 10])
    sheet.append([None, "04/01/2026 09:15", "Agence", 20])
    sheet.append([None, "05/01/2026 09:15", "Web", 30])
    sheet.append(["C2", "06/01/2026 09:15", "Web", 40])
    sheet.merge_cells("A2:A4")
    book.save(path)


def main() -> None:
    HERE.mkdir(exist_ok=True)
    (HERE / "open_quote_eof.csv").write_text(open_quote_rows(8), encoding="utf-8")
    (HERE / "open_quote_limit.csv").write_text(open_quote_limit(), encoding="utf-8")
    (HERE / "open_quote_closed.csv").write_text(open_quote_closed(), encoding="utf-8")
    # An ASCII header, as most exports have: only the values would come out garbled.
    head = HEADER.replace("é", "e")
    text = head + "\n" + row(1, "Cotisation été, reçu 12 €") + "\n" + row(2, "Zoé") + "\n"
    (HERE / "mojibake.csv").write_bytes(text.encode("utf-8"))
    (HERE / "cp1252_as_utf8.csv").write_bytes(text.encode("cp1252"))
    (HERE / "values.csv").write_bytes(("\n".join(VALUES) + "\n").encode("utf-8"))
    (HERE / "broken.jsonl").write_text("\n".join(JSONL) + "\n", encoding="utf-8")
    merged_workbook(HERE / "merged.xlsx")


if __name__ == "__main__":
    main()
