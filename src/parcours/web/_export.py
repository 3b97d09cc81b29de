"""Lists a person acts on, as a CSV download that French Excel opens right.

French readers get Excel's French dialect (UTF-8 with a byte-order mark, ``;`` between fields,
decimal comma), English readers RFC 4180; a text cell a spreadsheet would run as a formula
(``=``, ``+``, ``-``, ``@``, tab, carriage return: OWASP's CSV-injection rule) gets a leading
``'``. Numbers are never touched.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

from fastapi.responses import Response

__all__ = ["csv_bytes", "csv_response"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(frame: Any, lang: str) -> bytes:
    table = frame.copy()
    for column in table.columns:
        if table[column].dtype == object:
            table[column] = table[column].map(_safe)
    table.columns = [_safe(str(c)) for c in table.columns]
    buffer = io.StringIO()
    if lang == "fr":
        table.to_csv(buffer, index=False, sep=";", decimal=",", lineterminator="\r\n")
        return buffer.getvalue().encode("utf-8-sig")
    table.to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8")


def csv_response(frame: Any, filename: str, lang: str) -> Response:
    return Response(
        csv_bytes(frame, lang),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "no-store",
        },
    )
