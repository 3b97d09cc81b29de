"""Any raw file → an all-text staging table whose rows carry their physical line in the file.

The staging table holds ``__row`` (the physical line of the record's first line, the header being
line 1 + ``skip_rows``; the sheet row for a workbook; the line for JSON Lines; 2, 3... for Parquet,
as if it were a CSV export), ``__sheet`` for a workbook, then one VARCHAR column per header column
with the raw text (an empty field is NULL). ``count(staging) + len(rejects) == rows_read``, always;
blank lines are not records.

One module per format, behind the :class:`Reader` protocol of :mod:`._base` (what a reader
stages, how it reports the records it cannot read); :mod:`._registry` picks the reader from the
declared format or the extension. Delimited text: :mod:`.delimited`, which plans the reading in
:mod:`._plan` and takes the fast path (:mod:`._fast`, DuckDB's reader) or the exact one
(:mod:`._exact`, line by line); workbooks: :mod:`.xlsx`; Parquet: :mod:`.parquet`; JSON:
:mod:`.jsonl`.
"""

from __future__ import annotations

from parcours.ingest.readers._base import (
    RawRead,
    Reader,
    ReadJob,
    ReadNote,
    ReadOptions,
    StructuralReject,
    header_names,
)
from parcours.ingest.readers._registry import (
    FORMATS,
    READERS,
    SUFFIXES,
    format_of,
    read_raw,
    reader_for,
)
from parcours.ingest.readers._values import value_text

__all__ = [
    "FORMATS",
    "READERS",
    "SUFFIXES",
    "RawRead",
    "ReadJob",
    "ReadNote",
    "ReadOptions",
    "Reader",
    "StructuralReject",
    "format_of",
    "header_names",
    "read_raw",
    "reader_for",
    "value_text",
]
