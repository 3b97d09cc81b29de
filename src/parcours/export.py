"""Every CSV file parcours writes for people goes through :func:`write_csv`: safe to open in Excel.

- **No live formula.** A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return is what a spreadsheet runs as a formula (``=HYPERLINK(...)`` in a customer's name, sent
  back by a CRM export): it is written with a leading ``'`` (OWASP's CSV-injection rule). Numbers
  (a numeric column, or a number in a mixed one) are never touched: ``-12.5`` stays a number.
  Column names are text cells too.
- **Two dialects.** ``excel-fr``: UTF-8 with a byte-order mark (so French Excel reads the accents),
  ``;`` between fields and a decimal comma (``12,5``), CRLF line ends: what a double-click in a
  French Excel opens right. ``rfc4180``: UTF-8 without mark, ``,`` and a decimal point, CRLF
  (RFC 4180), for tools and English spreadsheets. A workspace chooses in ``parcours.toml``
  (``[export] csv = "excel-fr"``; default ``excel-fr`` when its language is French, else
  ``rfc4180``), every command that writes CSV with ``--csv-dialect``.

This module sits at the bottom of the layers (beside ``errors`` and ``i18n``): anything may use it.
"""

from __future__ import annotations

import numbers
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO, get_args

from parcours import errors as _errors

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CSV_DIALECTS",
    "FORMULA_STARTS",
    "CsvDialect",
    "csv_dialect_for",
    "neutralise",
    "read_csv_export",
    "write_csv",
]

CsvDialect = Literal["excel-fr", "rfc4180"]
CSV_DIALECTS: tuple[CsvDialect, ...] = get_args(CsvDialect)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula (OWASP, CSV injection)."""

_FORMATS: dict[str, dict[str, str]] = {
    "excel-fr": {"sep": ";", "decimal": ",", "encoding": "utf-8-sig"},
    "rfc4180": {"sep": ",", "decimal": ".", "encoding": "utf-8"},
}


def csv_dialect_for(lang: str, setting: str | None = None) -> CsvDialect:
    """The dialect ``setting`` names (checked), else the language's: French → ``excel-fr``."""
    if setting is None:
        return "excel-fr" if lang == "fr" else "rfc4180"
    return _checked(setting)


def _checked(dialect: str) -> CsvDialect:
    if dialect not in CSV_DIALECTS:
        raise _errors.WorkspaceError(
            f"CSV dialect: expected one of {', '.join(CSV_DIALECTS)}, found {dialect!r}"
        )
    return "excel-fr" if dialect == "excel-fr" else "rfc4180"


def neutralise(value: Any) -> Any:
    """``value`` with a ``'`` in front when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def _number_cell(value: Any, decimal: str) -> Any:
    """A number in a text column, written with the dialect's decimal mark (pandas marks only
    float columns)."""
    if (
        decimal != "."
        and isinstance(value, numbers.Real)
        and not isinstance(value, numbers.Integral)
    ):
        return str(float(value)).replace(".", decimal)
    return value


def _safe_frame(frame: Any, decimal: str = ".") -> pd.DataFrame:
    import pandas as pd

    table = frame.to_pandas() if hasattr(frame, "to_pandas") else frame
    if not isinstance(table, pd.DataFrame):
        table = pd.DataFrame(table)
    safe = table.copy()
    safe.columns = [neutralise(str(c)) for c in table.columns]
    for position in range(table.shape[1]):
        values = table.iloc[:, position]
        if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
            continue  # numbers are numbers: -12.5 stays as is
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            continue
        cells = [_number_cell(v, decimal) if _is_number(v) else neutralise(v) for v in values]
        column = pd.Series(cells, index=table.index, dtype="object")
        safe.isetitem(position, column.to_numpy(dtype=object))
    return safe


def write_csv(
    frame: Any, path: Path | str | TextIO, *, dialect: CsvDialect | str = "rfc4180"
) -> Path | None:
    """Write ``frame`` (pandas, or anything with ``to_pandas()``) as CSV in ``dialect``, formulas
    neutralised (see the module's docstring); its folder is made. Returns the path written
    (None when ``path`` is an open text stream, which gets no byte-order mark)."""
    chosen = _FORMATS[_checked(dialect)]
    safe = _safe_frame(frame, chosen["decimal"])
    options: dict[str, Any] = {
        "sep": chosen["sep"],
        "decimal": chosen["decimal"],
        "index": False,
        "lineterminator": "\r\n",
    }
    if isinstance(path, str | Path):
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        safe.to_csv(target, encoding=chosen["encoding"], **options)
        return target
    safe.to_csv(path, **options)
    return None


def read_csv_export(path: Path | str, *, dialect: CsvDialect | str = "rfc4180") -> pd.DataFrame:
    """Read back a file :func:`write_csv` wrote (numbers as numbers; neutralised text keeps its ``'``)."""
    import pandas as pd

    chosen = _FORMATS[_checked(dialect)]
    return pd.read_csv(
        path, sep=chosen["sep"], decimal=chosen["decimal"], encoding=chosen["encoding"]
    )
