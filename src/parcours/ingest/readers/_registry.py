"""Which reader reads a file: the declared format, else the file's extension."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from parcours.errors import IngestError
from parcours.ingest.readers._base import Progress, RawRead, Reader, ReadJob, ReadOptions
from parcours.ingest.readers.delimited import DelimitedReader
from parcours.ingest.readers.jsonl import JsonReader
from parcours.ingest.readers.parquet import ParquetReader
from parcours.ingest.readers.xlsx import WorkbookReader
from parcours.warehouse import Warehouse

__all__ = ["FORMATS", "READERS", "SUFFIXES", "format_of", "read_raw", "reader_for"]

READERS: tuple[Reader, ...] = (DelimitedReader(), WorkbookReader(), ParquetReader(), JsonReader())
"""Every reader, in the order their formats are listed to users."""

FORMATS = tuple(fmt for reader in READERS for fmt in reader.formats)
SUFFIXES = {suffix: reader.formats[0] for reader in READERS for suffix in reader.suffixes}
# A .tsv or .tab file is TAB-separated whatever its first lines suggest.
SUFFIXES.update({".tsv": "tsv", ".tab": "tsv"})

_STAGING_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def reader_for(fmt: str) -> Reader:
    """The reader of a format name (one of :data:`FORMATS`)."""
    return next(reader for reader in READERS if fmt in reader.formats)


def read_raw(
    wh: Warehouse,
    path: Path,
    options: ReadOptions,
    staging: str,
    progress: Progress | None = None,
) -> RawRead:
    """Stage ``path`` as the TEMP table ``staging`` (replaced if it exists); see the package doc.

    ``progress(done, total)`` is called as reading advances, in bytes (rows for a workbook).
    Raises :class:`IngestError` when the file cannot be read at all.
    """
    path = Path(path)
    if not _STAGING_NAME.fullmatch(staging):
        raise IngestError(
            f"expected a staging table name made of letters, digits and _, found {staging!r}"
        )
    if not path.is_file():
        found = "a directory" if path.is_dir() else "nothing"
        raise IngestError(f"cannot read {path}: expected a file, found {found} at this path")
    if options.skip_rows < 0:
        raise IngestError(f"cannot read {path}: expected skip_rows >= 0, found {options.skip_rows}")
    fmt = format_of(path, options)
    report = progress or _no_progress
    # Transcodings and line-by-line copies can be as big as the file: beside the warehouse, like
    # the engine's own spill files, rather than in a /tmp that may be small or in memory.
    root = wh.path.parent / ".tmp" if wh.path is not None else None
    if root is not None:
        root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="parcours-read-", dir=root) as scratch:
        job = ReadJob(wh, path, fmt, options, staging, report, Path(scratch))
        return reader_for(fmt).read(job)


def _no_progress(_done: int, _total: int) -> None:
    return None


def format_of(path: Path, options: ReadOptions) -> str:
    """The declared format (``read: format:``), else the one the file's extension names."""
    if options.format is not None:
        fmt = options.format.strip().lower()
        if fmt not in FORMATS:
            raise IngestError(
                f"cannot read {path}: expected a format among {', '.join(FORMATS)}, "
                f"found {options.format!r}"
            )
        return fmt
    by_suffix = SUFFIXES.get(path.suffix.lower())
    if by_suffix is None:
        known = " ".join(sorted(SUFFIXES))
        raise IngestError(
            f"cannot tell the format of {path}: expected one of the extensions {known} "
            f"(or `read: format:` in the mapping), found {path.suffix or 'no extension'!r}"
        )
    return by_suffix
