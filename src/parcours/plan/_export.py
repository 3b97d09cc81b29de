"""Write plan tables for people: CSV that French Excel opens (UTF-8 with BOM), lists joined by ';'."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["export_csv"]


def export_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` to ``path`` as CSV (UTF-8 with BOM, comma-separated, ISO dates); list cells
    are joined with ``;``. The folder is created if needed."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    table = frame.copy()
    for column in table.columns:
        if table[column].map(lambda v: isinstance(v, list | tuple)).any():
            table[column] = table[column].map(
                lambda v: ";".join(map(str, v)) if isinstance(v, list | tuple) else v
            )
    table.to_csv(out, index=False, encoding="utf-8-sig")
    return out
