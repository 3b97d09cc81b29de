"""Write plan tables for people through :func:`parcours.export.write_csv`; lists joined by ';'."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from parcours.export import CsvDialect, write_csv

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["export_csv"]


def export_csv(
    frame: pd.DataFrame, path: str | Path, *, dialect: CsvDialect | str = "rfc4180"
) -> Path:
    """Write ``frame`` to ``path`` as CSV in ``dialect`` (formulas neutralised, see
    :mod:`parcours.export`; ISO dates); list cells are joined with ``;``. The folder is created
    if needed."""
    table = frame.copy()
    for column in table.columns:
        if table[column].map(lambda v: isinstance(v, list | tuple)).any():
            table[column] = table[column].map(
                lambda v: ";".join(map(str, v)) if isinstance(v, list | tuple) else v
            )
    out = write_csv(table, Path(path), dialect=dialect)
    assert out is not None  # a path, not a stream
    return out
