"""Kept for ``voc/_report.py`` until it moves to ``render/sections``: use ``parcours.ingest.read_table``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["read_table"]


def read_table(path: Path | str) -> pd.DataFrame:
    """:func:`parcours.ingest.read_table` (CSV, xlsx, Parquet, JSON lines)."""
    from parcours.ingest import read_table as read

    return read(path)
