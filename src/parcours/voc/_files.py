"""Reading the small tables users hand to parcours.voc: CSV (any usual separator) or xlsx."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from parcours.voc._errors import VocError

__all__ = ["read_table"]


def read_table(path: Path | str) -> pd.DataFrame:
    """A CSV (``,`` ``;`` or tab, UTF-8 with or without BOM, or cp1252) or an xlsx sheet."""
    source = Path(path)
    if not source.is_file():
        raise VocError(f"expected a CSV or xlsx file, found nothing at {source}")
    if source.suffix.lower() in (".xlsx", ".xlsm"):
        return pd.read_excel(source)
    raw = source.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        text, encoding = raw.decode("cp1252"), "cp1252"
    header = text.splitlines()[0] if text else ""
    separator = max((";", ",", "\t"), key=header.count) if header else ","
    return pd.read_csv(source, sep=separator, encoding=encoding)
