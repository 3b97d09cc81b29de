"""What every reader does, and the pieces they share.

A reader turns one raw file into the all-text staging table of :mod:`parcours.ingest.readers`:
``__row`` (the record's row in the file), ``__sheet`` for a workbook, then one VARCHAR column per
header column. The :class:`Reader` protocol is that contract:

- **what it yields**: records in file order, each with the file row of its first line. Readers
  that make rows in Python hand them to a :class:`Sink` that appends them in Arrow batches of
  :data:`BATCH_ROWS`; the others stage the whole file in one engine statement.
- **how it reports unreadable records**: never by raising. A record that cannot be split into
  the header's columns is not staged; it comes back as a :class:`StructuralReject` (its row, the
  column when known, its raw text and a reason) in :attr:`RawRead.rejects`, and it counts in
  :attr:`RawRead.rows_read`, so that ``count(staging) + len(rejects) == rows_read``, always.
- :class:`IngestError` is for a file that cannot be read at all (wrong format, no header...).
"""

from __future__ import annotations

import codecs
import contextlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa

from parcours.errors import IngestError
from parcours.warehouse import Warehouse

Progress = Callable[[int, int], None]
"""progress(done, total), in bytes (rows for a workbook)."""

MAX_REJECT_TEXT = 65_536
"""Characters of a rejected record kept in the quarantine; longer ones are cut with a marker."""
QUOTED_MAX_LINES = 100
"""Default limit of a quoted field, in lines: a quote open longer is taken as a stray quote."""
QUOTED_MAX_BYTES = 1 << 20
"""Default limit of a quoted field, in bytes (1 MiB)."""
BATCH_ROWS = 50_000
SAMPLE_BYTES = 1 << 20
SAMPLE_RECORDS = 50
UPDATE_GROUP = 1024
# Labels that web browsers read as windows-1252 too: a file said to be latin-1 almost always is.
_CP1252_LABELS = {"cp1252", "windows-1252", "latin-1", "latin1", "iso-8859-1", "iso8859-1", "l1"}


@dataclass(frozen=True)
class ReadOptions:
    """How to read a raw file; everything left ``None`` is sniffed or taken from the extension."""

    format: str | None = None
    """csv | tsv | xlsx | parquet | jsonl; None: from the extension."""
    encoding: str | None = None
    """None: sniffed (utf-8, utf-8 with BOM, utf-16 with BOM, cp1252, mixed lines)."""
    separator: str | None = None
    """None: sniffed among ';' ',' TAB '|' (TAB for tsv)."""
    sheet: str | None = None
    """xlsx: one sheet; None: every visible non-empty sheet (same header expected)."""
    skip_rows: int = 0
    """Lines (sheet rows for xlsx) before the header."""
    quoted_max_lines: int = QUOTED_MAX_LINES
    """Delimited text: the most lines a quoted field may span before its quote is taken as
    left open (its first line is then one rejected record, and reading resumes after it)."""
    quoted_max_bytes: int = QUOTED_MAX_BYTES
    """Delimited text: the same limit in bytes."""


@dataclass(frozen=True)
class StructuralReject:
    """A record that could not be split into the header's columns."""

    row: int
    """Physical line of the record's first line (header = line 1 + skip_rows); xlsx: sheet row."""
    column: str | None
    """None when it is about the whole row."""
    value: str
    """The raw text of the row, whole up to 65,536 characters (see :func:`reject_text`)."""
    reason: str
    """Human readable: what was expected, what was found."""
    lines: int = 1
    """Physical lines the record spans (a quoted field can hold line breaks)."""


@dataclass(frozen=True)
class ReadNote:
    """Something the reader decided that the user must know (shown with the load's report).

    ``key`` is a message of :mod:`parcours.i18n`; ``values`` fill it in."""

    key: str
    values: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str | None = None) -> str:
        """The note in ``lang`` (default: the current language)."""
        from parcours.i18n import t

        return t(self.key, lang, **dict(self.values))


def declared_8bit_is_utf8(path: Path, declared: str) -> ReadNote:
    """The note of a file read as UTF-8 although its mapping declares an 8-bit encoding."""
    return ReadNote("ingest.note.utf8_not_8bit", (("file", path.name), ("declared", declared)))


def merged_note(path: Path, cells: int) -> ReadNote:
    """The note of a workbook whose merged cells were filled from their merge."""
    return ReadNote("ingest.note.merged", (("file", path.name), ("cells", str(cells))))


@dataclass(frozen=True)
class RawRead:
    """What :func:`read_raw` staged, and how it read the file."""

    path: Path
    format: str
    encoding: str | None
    separator: str | None
    columns: list[str]
    rows_read: int
    rejects: list[StructuralReject]
    sheets: list[str] | None = None
    notes: tuple[ReadNote, ...] = ()


@dataclass(frozen=True)
class ReadJob:
    """One file to stage, as the registry hands it to a reader."""

    wh: Warehouse
    path: Path
    format: str
    """One of the reader's :attr:`Reader.formats`."""
    options: ReadOptions
    staging: str
    """The TEMP table to create (replaced if it exists)."""
    progress: Progress
    scratch: Path
    """A directory for transcodings and copies, removed after the read."""


class Reader(Protocol):
    """Stages one format; see the module doc for the contract."""

    @property
    def formats(self) -> tuple[str, ...]:
        """The format names it reads (``read: format:`` in a mapping)."""
        ...

    @property
    def suffixes(self) -> tuple[str, ...]:
        """The file extensions that choose it, lower case with the dot."""
        ...

    def read(self, job: ReadJob) -> RawRead:
        """Stage ``job.path`` as ``job.staging``; raise :class:`IngestError` if it cannot be read."""
        ...


def reject_text(text: str) -> str:
    """The raw text of a rejected record for the quarantine: whole, or cut with a marker that
    gives its full length."""
    if len(text) <= MAX_REJECT_TEXT:
        return text
    return f"{text[:MAX_REJECT_TEXT]}… [cut: {len(text)} characters in all]"


def codec_name(name: str, path: Path) -> str:
    """The codec a declared encoding names; latin-1 and its aliases read as cp1252."""
    label = name.strip().lower().replace("_", "-")
    if label in _CP1252_LABELS:
        return "cp1252"
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        raise IngestError(
            f"cannot read {path}: expected an encoding Python knows (utf-8, cp1252, utf-16...), "
            f"found {name!r}"
        ) from None
    return "utf-8" if codec == "utf-8" and label != "utf-8-sig" else codec


# -- header names -------------------------------------------------------------------------------


def header_names(cells: Sequence[object]) -> list[str]:
    """Column names from header cells: stripped; empty ones ``column_N``; duplicates ``.2``, ``.3``.

    Duplicates are found ignoring case, since the engine's identifiers ignore it; ``__row`` and
    ``__sheet`` are taken by the staging table and get a suffix too.
    """
    taken = {"__row", "__sheet"}
    return [unique_name(cell, position, taken) for position, cell in enumerate(cells, start=1)]


def unique_name(cell: object, position: int, taken: set[str]) -> str:
    base = ("" if cell is None else str(cell)).strip() or f"column_{position}"
    name, copy = base, 1
    while name.casefold() in taken:
        copy += 1
        name = f"{base}.{copy}"
    taken.add(name.casefold())
    return name


# -- SQL helpers --------------------------------------------------------------------------------


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def engine_path(path: Path, scratch: Path) -> str:
    """The path as DuckDB must see it: a name with glob characters would be read as a pattern."""
    text = str(path.resolve())
    if not any(c in text for c in "*?[]{}"):
        return text
    link = scratch / f"source{path.suffix.lower()}"
    try:
        link.symlink_to(path.resolve())
    except OSError:
        import shutil

        shutil.copyfile(path, link)
    return str(link)


def run_statement(
    wh: Warehouse,
    sql: str,
    total: int,
    progress: Progress,
    meanwhile: Callable[[], Any] | None = None,
) -> Any:
    """Run one long statement; report its progress if the warehouse can tell it.

    The statement runs on a worker thread (DuckDB releases the GIL) so that ``meanwhile`` (a scan of
    the file in Python) overlaps it, and the progress is polled here.
    """
    poll: Callable[[], float] | None = getattr(wh, "query_progress", None)
    outcome: dict[str, BaseException] = {}

    def work() -> None:
        try:
            wh.execute(sql)
        except BaseException as exc:  # handed to the calling thread
            outcome["error"] = exc

    progress(0, total)
    worker = threading.Thread(target=work, name="parcours-read", daemon=True)
    worker.start()
    try:
        result = meanwhile() if meanwhile is not None else None
        while worker.is_alive():
            worker.join(0.2)
            if poll is not None:
                with contextlib.suppress(Exception):
                    percent = float(poll())
                    if percent >= 0:
                        progress(min(total, int(total * percent / 100)), total)
    except BaseException:  # Ctrl-C: stop the statement before the connection is used again
        interrupt: Callable[[], object] | None = getattr(wh, "interrupt", None)
        if interrupt is not None:
            interrupt()
        worker.join()
        raise
    if "error" in outcome:
        raise outcome["error"]
    progress(total, total)
    return result


# -- rows made in Python → the staging table ----------------------------------------------------


class Sink:
    """Rows produced in Python, appended to the staging table in Arrow batches."""

    def __init__(
        self,
        wh: Warehouse,
        staging: str,
        columns: Sequence[str],
        *,
        sheet: bool = False,
    ) -> None:
        self.wh = wh
        self.table = ident(staging)
        self.view = f"{staging}__batch"
        self.columns = list(columns)
        self.sheet = sheet
        self.rows: list[int] = []
        self.sheets: list[str | None] = []
        self.values: list[Sequence[str | None]] = []
        head = ["__row BIGINT"] + (["__sheet VARCHAR"] if sheet else [])
        body = [f"{ident(c)} VARCHAR" for c in self.columns]
        wh.execute(f"CREATE OR REPLACE TEMP TABLE {self.table} ({', '.join(head + body)})")

    def add(self, row: int, values: Sequence[str | None], sheet: str | None = None) -> None:
        self.rows.append(row)
        self.values.append(values)
        if self.sheet:
            self.sheets.append(sheet)
        if len(self.rows) >= BATCH_ROWS:
            self.flush()

    def add_column(self, name: str) -> None:
        """A column first seen after some rows were written (JSON Lines): NULL in those rows."""
        self.flush()
        self.wh.execute(f"ALTER TABLE {self.table} ADD COLUMN {ident(name)} VARCHAR")
        self.columns.append(name)

    def flush(self) -> None:
        if not self.rows:
            return
        width = len(self.columns)
        arrays: list[pa.Array] = [pa.array(self.rows, pa.int64())]
        names = ["__row"]
        if self.sheet:
            arrays.append(pa.array(self.sheets, pa.string()))
            names.append("__sheet")
        padded = [v if len(v) == width else [*v, *([None] * (width - len(v)))] for v in self.values]
        for index, column in enumerate(zip(*padded, strict=True) if padded else []):
            arrays.append(pa.array(list(column), pa.string()))  # from a tuple: 3x slower
            names.append(f"c{index}")
        batch = pa.Table.from_arrays(arrays, names=names)
        cells = [f"c{i}" for i in range(width)]
        self.wh.register(self.view, batch)
        try:
            self.wh.execute(
                f"INSERT INTO {self.table} SELECT {', '.join(names[: 2 if self.sheet else 1])}"
                + "".join(f", {c}" for c in cells)
                + f" FROM {ident(self.view)}"
            )
        finally:
            self.wh.unregister(self.view)
        self.rows, self.sheets, self.values = [], [], []

    def close(self) -> None:
        self.flush()
