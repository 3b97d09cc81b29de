"""Any raw file → an all-text staging table whose rows carry their physical line in the file.

The staging table holds ``__row`` (the physical line of the record's first line, the header being
line 1 + ``skip_rows``; the sheet row for a workbook; the line for JSON Lines; 2, 3... for Parquet,
as if it were a CSV export), ``__sheet`` for a workbook, then one VARCHAR column per header column
with the raw text (an empty field is NULL). ``count(staging) + len(rejects) == rows_read``, always;
blank lines are not records.

Delimited text takes one of two paths, which give the same result on the same content (the record
grammar is DuckDB's, written down in :mod:`parcours.ingest._sniff`):

- the **fast path**: DuckDB's ``read_csv`` (all text, explicit separator and quote, rejects stored
  with their line). DuckDB numbers no good row, so ``__row`` comes from the record's ordinal,
  which is exact when every record is one physical line: checked by counting line feeds against
  header + records + rejected lines + blank lines, then corrected for the rejected and blank lines.
  Rejects are re-read and explained by the reference grammar, and the record after each one is
  compared with it; on any doubt the result is dropped for the exact path.
- the **exact path**, for quoted line breaks, mixed encodings, stray carriage returns, or whatever
  DuckDB refuses: the physical lines are decoded one by one (UTF-8, else cp1252), split by Python's
  ``csv`` module (the reference grammar where the two could differ), and the good records are
  written with their line number to a clean UTF-8 file that DuckDB loads.

Pure cp1252 (or UTF-16) files are transcoded to UTF-8 in big chunks first, then take the fast path.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import heapq
import itertools
import json
import logging
import math
import re
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa

from parcours.errors import IngestError
from parcours.ingest._sniff import (
    MIXED,
    OpenQuoteError,
    RecordError,
    bom_encoding,
    cp1252_to_utf8,
    decode_cp1252,
    sniff_encoding,
    sniff_separator,
    split_record,
    strip_line_break,
)
from parcours.warehouse import Warehouse

__all__ = ["FORMATS", "RawRead", "ReadOptions", "StructuralReject", "read_raw"]

_log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

FORMATS = ("csv", "tsv", "xlsx", "parquet", "jsonl")
SUFFIXES = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xlsx",
    ".xlsb": "xlsx",
    ".ods": "xlsx",
    ".parquet": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
MAX_REJECT_TEXT = 500
BATCH_ROWS = 50_000
SAMPLE_BYTES = 1 << 20
SAMPLE_RECORDS = 50
UPDATE_GROUP = 1024
# Labels that web browsers read as windows-1252 too: a file said to be latin-1 almost always is.
_CP1252_LABELS = {"cp1252", "windows-1252", "latin-1", "latin1", "iso-8859-1", "iso8859-1", "l1"}
_STAGING_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


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


@dataclass(frozen=True)
class StructuralReject:
    """A record that could not be split into the header's columns."""

    row: int
    """Physical line of the record's first line (header = line 1 + skip_rows); xlsx: sheet row."""
    column: str | None
    """None when it is about the whole row."""
    value: str
    """The raw text of the row (truncated to 500 characters)."""
    reason: str
    """Human readable: what was expected, what was found."""


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


def read_raw(
    wh: Warehouse,
    path: Path,
    options: ReadOptions,
    staging: str,
    progress: Progress | None = None,
) -> RawRead:
    """Stage ``path`` as the TEMP table ``staging`` (replaced if it exists); see the module doc.

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
    fmt = _format(path, options)
    report = progress or _no_progress
    # Transcodings and line-by-line copies can be as big as the file: beside the warehouse, like
    # the engine's own spill files, rather than in a /tmp that may be small or in memory.
    root = wh.path.parent / ".tmp" if wh.path is not None else None
    if root is not None:
        root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="parcours-read-", dir=root) as scratch:
        if fmt in ("csv", "tsv"):
            return _read_delimited(wh, path, fmt, options, staging, report, Path(scratch))
        if fmt == "xlsx":
            return _read_workbook(wh, path, options, staging, report)
        if fmt == "parquet":
            return _read_parquet(wh, path, staging, report, Path(scratch))
        return _read_json(wh, path, options, staging, report)


def _no_progress(_done: int, _total: int) -> None:
    return None


def _format(path: Path, options: ReadOptions) -> str:
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


# -- header names -------------------------------------------------------------------------------


def header_names(cells: Sequence[object]) -> list[str]:
    """Column names from header cells: stripped; empty ones ``column_N``; duplicates ``.2``, ``.3``.

    Duplicates are found ignoring case, since the engine's identifiers ignore it; ``__row`` and
    ``__sheet`` are taken by the staging table and get a suffix too.
    """
    taken = {"__row", "__sheet"}
    return [_unique(cell, position, taken) for position, cell in enumerate(cells, start=1)]


def _unique(cell: object, position: int, taken: set[str]) -> str:
    base = ("" if cell is None else str(cell)).strip() or f"column_{position}"
    name, copy = base, 1
    while name.casefold() in taken:
        copy += 1
        name = f"{base}.{copy}"
    taken.add(name.casefold())
    return name


# -- SQL helpers --------------------------------------------------------------------------------


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _engine_path(path: Path, scratch: Path) -> str:
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


def _run(
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


# -- delimited text: the plan -------------------------------------------------------------------


Decoder = Callable[[bytes], str]


@dataclass
class _Plan:
    """How one delimited file is read: which bytes, decoded how, split how."""

    path: Path
    """The file as given (named in results and messages)."""
    fmt: str
    raw: Path
    """Its bytes with line feeds: the file itself, or a copy where old Mac CRs became LFs."""
    source: Path
    """The bytes read: ``raw``, or its UTF-8 transcoding in the scratch directory."""
    encoding: str
    guessed: bool
    """True when the encoding came from a sample and is still to be confirmed."""
    line_decoding: str
    """How the exact path decodes each line: 'utf-8' (strict: bad lines are rejected),
    'tolerant' (UTF-8, else cp1252)."""
    separator: str = ","
    skip_rows: int = 0
    header_lines: int = 1
    columns: list[str] = field(default_factory=list)

    @property
    def header_end(self) -> int:
        """The physical line of the header's last line."""
        return self.skip_rows + self.header_lines


def _read_delimited(
    wh: Warehouse,
    path: Path,
    fmt: str,
    options: ReadOptions,
    staging: str,
    progress: Progress,
    scratch: Path,
) -> RawRead:
    return _stage_delimited(wh, path, fmt, options, staging, progress, scratch)[0]


def _stage_delimited(
    wh: Warehouse,
    path: Path,
    fmt: str,
    options: ReadOptions,
    staging: str,
    progress: Progress,
    scratch: Path,
    only: str | None = None,
) -> tuple[RawRead, str]:
    """Stage a delimited file; also says which path did it ('fast' or 'exact').

    ``only`` forces one path (tests compare them): 'exact' skips DuckDB's reader, 'fast' raises
    :class:`IngestError` instead of falling back.
    """
    plan = _plan_encoding(path, fmt, options, scratch)
    _plan_layout(plan, options)
    if only == "exact":
        return _exact_path(wh, plan, staging, progress, scratch), "exact"
    outcome = _fast_path(wh, plan, staging, progress, scratch)
    if outcome == _BAD_ENCODING and plan.guessed:
        plan = _plan_full_encoding(plan, scratch)
        _plan_layout(plan, options)
        if plan.line_decoding == "utf-8":
            outcome = _fast_path(wh, plan, staging, progress, scratch)
    if isinstance(outcome, RawRead):
        return outcome, "fast"
    if only == "fast":
        raise IngestError(f"cannot read {path} with DuckDB's reader: {outcome}")
    _log.info("%s: read line by line (%s)", path, outcome)
    return _exact_path(wh, plan, staging, progress, scratch), "exact"


def _plan_encoding(path: Path, fmt: str, options: ReadOptions, scratch: Path) -> _Plan:
    """Decide the encoding from a sample; UTF-8 guesses are confirmed by the reading itself."""
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    bom, _ = bom_encoding(head)
    declared = _codec(options.encoding, path) if options.encoding else None
    wide = declared if declared not in (None, "utf-8", "utf-8-sig", "cp1252") else None
    if bom in ("utf-16", "utf-32") and declared is None:
        wide = bom
    if wide is not None:  # not ASCII-compatible (or not known to be): transcode everything
        return _transcoded(_Plan(path, fmt, path, path, wide, False, "utf-8"), scratch)
    raw = _with_line_feeds(path, head, scratch)
    if declared is not None:
        plan = _Plan(path, fmt, raw, raw, declared, False, "utf-8")
        return _transcoded(plan, scratch) if declared == "cp1252" else plan
    if _sample_is_utf8(head, complete=len(head) < SAMPLE_BYTES):
        return _Plan(path, fmt, raw, raw, bom or "utf-8", True, "tolerant")
    return _plan_full_encoding(_Plan(path, fmt, raw, raw, "", True, "tolerant"), scratch)


def _plan_full_encoding(plan: _Plan, scratch: Path) -> _Plan:
    """Decide the encoding from the whole file: cp1252 is transcoded, mixed goes line by line.

    The file is not UTF-8 (its sample or DuckDB said so), so it is most likely cp1252: it is
    transcoded in the same pass that checks every chunk, and the copy is dropped if not."""
    target = scratch / "utf-8.csv"
    with target.open("wb") as out:
        encoding = sniff_encoding(
            plan.raw, each_chunk=lambda chunk: out.write(cp1252_to_utf8(chunk))
        )
    if encoding == "cp1252":
        return _Plan(plan.path, plan.fmt, plan.raw, target, encoding, False, "utf-8")
    target.unlink()
    if encoding == MIXED:
        return _Plan(plan.path, plan.fmt, plan.raw, plan.raw, MIXED, False, "tolerant")
    replanned = _Plan(plan.path, plan.fmt, plan.raw, plan.raw, encoding, False, "utf-8")
    return replanned if encoding in ("utf-8", "utf-8-sig") else _transcoded(replanned, scratch)


def _with_line_feeds(path: Path, head: bytes, scratch: Path) -> Path:
    """The file itself, or, for an old Mac file (CR line breaks only), a copy with LFs."""
    if b"\n" in head or b"\r" not in head:
        return path
    target = scratch / "line-feeds.csv"
    with path.open("rb") as source, target.open("wb") as out:
        while block := source.read(1 << 22):
            out.write(block.replace(b"\r", b"\n"))
    return target


def _codec(name: str, path: Path) -> str:
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


def _sample_is_utf8(head: bytes, *, complete: bool) -> bool:
    if not complete:
        cut = head.rfind(b"\n") + 1
        head = head[:cut] if cut else head[:-4]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _transcoded(plan: _Plan, scratch: Path) -> _Plan:
    """``plan`` reading a UTF-8 transcoding of its bytes, made in big chunks (line breaks kept)."""
    target = scratch / "utf-8.csv"
    encoding = plan.encoding
    convert: Callable[[bytes, bool], bytes]
    if encoding == "cp1252":

        def convert(data: bytes, final: bool) -> bytes:
            return cp1252_to_utf8(data)

    else:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")

        def convert(data: bytes, final: bool) -> bytes:
            return decoder.decode(data, final).encode("utf-8")

    lines = 0
    block = b""
    try:
        with plan.raw.open("rb") as source, target.open("wb") as out:
            first = True
            cr_only = False
            while True:
                block = source.read(1 << 22)
                final = not block
                data = convert(block, final)
                if first and data:
                    data = data.removeprefix(codecs.BOM_UTF8)
                    cr_only = b"\n" not in data and b"\r" in data
                    first = False
                if cr_only:
                    data = data.replace(b"\r", b"\n")
                out.write(data)
                if final:
                    break
                lines += block.count(b"\n")
    except UnicodeDecodeError as exc:
        line = lines + block.count(b"\n", 0, max(exc.start, 0)) + 1
        raise IngestError(
            f"cannot read {plan.path} as {encoding}: expected {encoding} text, found bytes that "
            f"are not, near line {line} ({exc.reason}); set `read: encoding:`"
        ) from None
    return _Plan(plan.path, plan.fmt, plan.raw, target, encoding, plan.guessed, "utf-8")


def _plan_layout(plan: _Plan, options: ReadOptions) -> None:
    """Separator and header, from the first lines of the source."""
    lines, complete = _head_lines(plan, options.skip_rows + SAMPLE_RECORDS * 4)
    where = f"{plan.path}"
    if len(lines) <= options.skip_rows:
        raise IngestError(
            f"cannot read {where}: expected a header at line {options.skip_rows + 1}, found "
            f"the end of the file after {len(lines)} line(s)"
        )
    body = lines[options.skip_rows :]
    if not strip_line_break(body[0]).strip():
        raise IngestError(
            f"cannot read {where}: expected a header at line {options.skip_rows + 1}, found a "
            "blank line (set `read: skip_rows:` to the number of lines before the header)"
        )
    if options.separator is not None:
        sep = options.separator.replace("\\t", "\t")
        if sep.lower() == "tab":
            sep = "\t"
        if len(sep) != 1 or sep in '"\r\n':
            raise IngestError(
                f"cannot read {where}: expected a one-character separator (other than a quote or a "
                f"line break), found {options.separator!r}"
            )
    elif plan.fmt == "tsv":
        sep = "\t"
    else:
        sep = sniff_separator(body, complete=complete)
    text = body[0]
    used = 1
    while True:
        try:
            cells = split_record(strip_line_break(text), sep)
        except OpenQuoteError:
            if used >= len(body):
                raise IngestError(
                    f"cannot read {where}: expected a header line, found a quote opened at line "
                    f"{options.skip_rows + 1} and never closed"
                ) from None
            text += body[used]
            used += 1
            continue
        except RecordError as problem:
            raise IngestError(
                f"cannot read {where}: expected a header at line {options.skip_rows + 1}, found "
                f"{problem.reason}"
            ) from None
        break
    plan.separator = sep
    plan.skip_rows = options.skip_rows
    plan.header_lines = used
    plan.columns = header_names(cells)


def _head_lines(plan: _Plan, count: int) -> tuple[list[str], bool]:
    """The first ``count`` lines of the source, decoded; and whether they are the whole file."""
    decode = _line_decoder(plan)
    lines: list[str] = []
    with plan.source.open("rb") as handle:
        size = 0
        for raw in handle:
            text = decode(raw)
            if not lines:
                text = text.removeprefix("\ufeff")
            lines.append(text)
            size += len(raw)
            if len(lines) >= count or size >= SAMPLE_BYTES:
                return lines, handle.read(1) == b""
    return lines, True


def _line_decoder(plan: _Plan) -> Decoder:
    """Decode one physical line: UTF-8, else cp1252 (tolerant plans) or U+FFFD (strict ones)."""
    if plan.line_decoding == "utf-8":
        return lambda raw: raw.decode("utf-8", errors="replace")

    def tolerant(raw: bytes) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return decode_cp1252(raw)

    return tolerant


# -- delimited text: the fast path --------------------------------------------------------------

_BAD_ENCODING = "lines that are not UTF-8"


def _fast_path(
    wh: Warehouse, plan: _Plan, staging: str, progress: Progress, scratch: Path
) -> RawRead | str:
    """Stage with DuckDB's ``read_csv``; a string (why) when the result cannot be trusted."""
    table = _ident(staging)
    rejects_table = f"{staging}__rejects"
    scans_table = f"{staging}__scans"
    width = len(plan.columns)
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    source = _engine_path(plan.source, scratch)
    # Into a table made first, so that __row comes first; it is set from rowid afterwards, which
    # keeps file order (preserve_insertion_order) where row_number() OVER () halves the speed.
    body = ", ".join(f"{_ident(name)} VARCHAR" for name in plan.columns)
    wh.execute(f"CREATE OR REPLACE TEMP TABLE {table} (__row BIGINT, {body})")
    sql = (
        f"INSERT INTO {table} SELECT NULL, {', '.join(f'c{i}' for i in range(width))} "
        f"FROM read_csv({_lit(source)}, columns = {{{columns}}}, header = false, "
        f"skip = {plan.skip_rows + 1}, delim = {_lit(plan.separator)}, quote = '\"', "
        "escape = '\"', all_varchar = true, auto_detect = false, strict_mode = true, "
        "null_padding = false, compression = 'none', comment = '', store_rejects = true, "
        f"rejects_table = {_lit(rejects_table)}, rejects_scan = {_lit(scans_table)})"
    )
    size = plan.source.stat().st_size
    ordered = wh.fetchone("SELECT current_setting('preserve_insertion_order')")
    try:
        if not (ordered and ordered[0]):
            wh.execute("SET preserve_insertion_order = true")
        try:
            lines, breaks_ok = _run(wh, sql, size, progress, lambda: _count_lines(plan.source))
        except Exception as exc:  # any engine error: the exact path decides what is wrong
            return f"DuckDB could not read it: {str(exc).splitlines()[0]}"
        found = wh.fetchall(
            f"SELECT line, list(DISTINCT error_type) FROM {_ident(rejects_table)} "
            "GROUP BY line ORDER BY line"
        )
    finally:
        if not (ordered and ordered[0]):
            wh.execute("SET preserve_insertion_order = false")
        wh.execute(f"DROP TABLE IF EXISTS {_ident(rejects_table)}")
        wh.execute(f"DROP TABLE IF EXISTS {_ident(scans_table)}")
    good = wh.fetchone(f"SELECT count(*) FROM {table}")
    good_rows = int(good[0]) if good else 0

    def refuse(why: str) -> str:
        wh.execute(f"DROP TABLE IF EXISTS {table}")
        return why

    if any("INVALID ENCODING" in kinds or "INVALID UNICODE" in kinds for _, kinds in found):
        return refuse(_BAD_ENCODING)
    if not breaks_ok:
        return refuse("carriage returns other than in CRLF line breaks (DuckDB miscounts lines)")
    reject_lines = [int(line) for line, _ in found]
    blanks: list[int] = []
    texts: dict[int, str] = {}
    followers: dict[int, str] = {}
    if lines != plan.header_end + good_rows + len(reject_lines) or width == 1 or reject_lines:
        blanks, texts, followers = _scan_lines(plan, set(reject_lines))
    if width == 1 and blanks:
        return refuse("blank lines in a one-column file (DuckDB reads them as empty records)")
    if lines != plan.header_end + good_rows + len(reject_lines) + len(blanks):
        return refuse("records over several lines (quoted line breaks), or lines skipped otherwise")
    rejects = [_check_record(plan, line, texts[line]) for line in reject_lines]
    if any(reject is None for reject in rejects):
        return refuse("a quote left open, or DuckDB refused a record the reference grammar reads")
    _renumber(wh, table, plan.header_end, sorted(reject_lines + blanks))
    if not _same_records(wh, staging, plan, followers):
        return refuse("DuckDB resumed after a rejected record elsewhere than on the next line")
    return RawRead(
        path=plan.path,
        format=plan.fmt,
        encoding=plan.encoding,
        separator=plan.separator,
        columns=list(plan.columns),
        rows_read=good_rows + len(rejects),
        rejects=[r for r in rejects if r is not None],
    )


def _same_records(wh: Warehouse, staging: str, plan: _Plan, lines: dict[int, str]) -> bool:
    """Whether the staged rows at these lines hold what the reference grammar reads there.

    Checked on the first good line after each reject: after an error DuckDB looks for the next
    record on its own, and a record read from the middle of a line would otherwise go unnoticed.
    """
    if not lines:
        return True
    view = f"{staging}__lines"
    wh.register(view, pa.table({"n": pa.array(sorted(lines), pa.int64())}))
    try:
        rows = wh.fetchall(
            f"SELECT s.* FROM {_ident(staging)} s JOIN {_ident(view)} v ON s.__row = v.n"
        )
    finally:
        wh.unregister(view)
    staged = {int(r[0]): tuple(r[1:]) for r in rows}
    width = len(plan.columns)
    for number, text in lines.items():
        try:
            fields = split_record(text, plan.separator)
        except RecordError:
            return False
        if len(fields) < width or any(fields[width:]):
            return False
        if staged.get(number) != tuple(f or None for f in fields[:width]):
            return False
    return True


def _check_record(plan: _Plan, line: int, text: str) -> StructuralReject | None:
    """The reject for a one-line record DuckDB refused; None when the reference grammar reads it
    into the header's columns, or when a quote left open makes it run over the next lines (the
    line count cannot vouch for the numbering then)."""
    try:
        fields = split_record(text, plan.separator)
    except OpenQuoteError:
        return None
    except RecordError as problem:
        column = plan.columns[problem.field] if problem.field < len(plan.columns) else None
        return StructuralReject(line, column, text[:MAX_REJECT_TEXT], problem.reason)
    width = len(plan.columns)
    if len(fields) == width or (len(fields) > width and not any(fields[width:])):
        return None
    return StructuralReject(
        line,
        None,
        text[:MAX_REJECT_TEXT],
        f"expected {len(plan.columns)} fields, found {len(fields)}",
    )


def _count_lines(path: Path) -> tuple[int, bool]:
    """Physical lines (line feeds, plus a last line without one); and whether the line breaks are
    all LF or all CRLF, with no other CR: DuckDB miscounts lines otherwise."""
    lines = crs = crlfs = 0
    last = previous = 10
    with path.open("rb", buffering=0) as handle:
        buffer = bytearray(1 << 22)
        view = memoryview(buffer)
        while size := handle.readinto(buffer):
            data = np.frombuffer(view[:size], np.uint8)
            lines += int(np.count_nonzero(data == 10))
            if buffer.find(b"\r", 0, size) >= 0:  # memchr: an LF file pays nothing more
                crs += int(np.count_nonzero(data == 13))
                crlfs += int(np.count_nonzero((data[:-1] == 13) & (data[1:] == 10)))
                crlfs += previous == 13 and data[0] == 10
            previous = last = int(data[-1])
    lines += last != 10
    return lines, crs == 0 or crs == crlfs == lines - (last != 10)


def _scan_lines(plan: _Plan, wanted: set[int]) -> tuple[list[int], dict[int, str], dict[int, str]]:
    """The blank data lines (empty, or a lone CR); the text of the ``wanted`` lines; and the text
    of the first line after each of them that is neither blank nor wanted.

    DuckDB gives the line of each reject; its byte positions are not to be relied on, so the file
    is scanned (vectorised, about a second per gigabyte).
    """
    decode = _line_decoder(plan)
    blanks: list[np.ndarray[Any, Any]] = []
    texts: dict[int, str] = {}
    followers: dict[int, str] = {}
    targets = sorted(wanted)
    heapq.heapify(targets)

    def take(number: int, raw: bytes) -> None:
        text = strip_line_break(decode(raw))
        if number in wanted:
            texts[number] = text
            heapq.heappush(targets, number + 1)
        elif not text and number > plan.header_end:
            heapq.heappush(targets, number + 1)
        else:
            followers[number] = text

    lines_before = 0  # line feeds before the block
    previous_break = -1  # absolute offset of the last line feed seen
    previous_byte = 10
    offset = 0
    with plan.source.open("rb") as handle:
        while block := handle.read(1 << 22):
            data = np.frombuffer(block, np.uint8)
            breaks = np.flatnonzero(data == 10)
            if breaks.size:
                starts = np.empty_like(breaks)
                starts[0] = previous_break + 1 - offset
                starts[1:] = breaks[:-1] + 1
                lengths = breaks - starts
                first_bytes = np.where(starts >= 0, data[np.clip(starts, 0, None)], previous_byte)
                blank = (lengths == 0) | ((lengths == 1) & (first_bytes == 13))
                numbers = lines_before + 1 + np.flatnonzero(blank)
                blanks.append(numbers[numbers > plan.header_end])
                while targets and targets[0] <= lines_before + breaks.size:
                    number = heapq.heappop(targets)
                    start = offset + int(starts[number - lines_before - 1])
                    take(number, _line_at(handle, start))
                lines_before += int(breaks.size)
                previous_break = offset + int(breaks[-1])
            previous_byte = int(data[-1])
            offset += len(block)
            handle.seek(offset)
        last = _line_at(handle, previous_break + 1)  # a last line without a line feed
        while targets:
            number = heapq.heappop(targets)
            if number == lines_before + 1 and last:
                take(number, last)
    found = [int(n) for n in np.concatenate(blanks)] if blanks else []
    return found, texts, followers


def _line_at(handle: BinaryIO, position: int) -> bytes:
    handle.seek(position)
    return handle.readline()


def _renumber(wh: Warehouse, table: str, header_end: int, skipped: list[int]) -> None:
    """Set ``__row`` to the physical line of each record, given the lines that hold no good record.

    The k-th good record (``rowid`` k - 1, in file order) lives on the k-th data line that is not
    skipped: line ``header_end + k + j``, where j counts the skipped lines before it. Updating only
    ``__row``, with a binary-search CASE over the skipped lines, costs a fraction of a second on
    ten million rows, where rebuilding the table would cost as much as reading the file again.
    """
    wh.execute(f"UPDATE {table} SET __row = rowid + {header_end + 1}")
    # Before the i-th skipped line (0-based) lie line - header_end - 1 - i good records: the
    # record of rowid r comes after it when r + 1 > line - header_end - 1 - i.
    thresholds = [line - header_end - 2 - i for i, line in enumerate(skipped)]
    count = len(thresholds)

    def search(low: int, high: int) -> str:
        if low == high:
            return str(low)
        middle = (low + high + 1) // 2
        return (
            f"CASE WHEN rowid > {thresholds[middle - 1]} THEN {search(middle, high)} "
            f"ELSE {search(low, middle - 1)} END"
        )

    # In groups, each over the rows between two skipped lines far apart (a CASE stays small).
    for start in range(0, count, UPDATE_GROUP):
        stop = min(start + UPDATE_GROUP, count)
        low = max(start, 1)
        high = count if stop == count else stop - 1
        where = [f"rowid > {thresholds[low - 1]}"]
        if stop < count:
            where.append(f"rowid <= {thresholds[stop - 1]}")
        wh.execute(
            f"UPDATE {table} SET __row = __row + ({search(low, high)}) WHERE {' AND '.join(where)}"
        )


# -- delimited text: the exact path -------------------------------------------------------------


@dataclass
class _Records:
    """The physical lines of a delimited file, decoded one by one and kept until their record is
    complete; a line can be pushed back to be read again by Python's ``csv`` module."""

    plan: _Plan
    progress: Progress
    pending: list[str] = field(default_factory=list)
    """The decoded lines of the record being read, line breaks included."""
    first: int = 0
    """Physical number of its first line."""
    invalid: bool = False
    """Whether one of its lines is not valid UTF-8 although UTF-8 was declared."""
    fallbacks: int = 0
    """Lines read as cp1252 because they are not valid UTF-8."""
    pushed: str | None = None

    def lines(self, handle: BinaryIO) -> Iterator[str]:
        """Decoded physical lines (each on its own: UTF-8, else cp1252 or flagged invalid)."""
        strict = self.plan.line_decoding == "utf-8"
        total = self.plan.source.stat().st_size
        pending = self.pending
        for number, raw in enumerate(handle, start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                if strict:
                    self.invalid = True
                    text = raw.decode("utf-8", errors="replace")
                else:
                    self.fallbacks += 1
                    text = decode_cp1252(raw)
            if not pending:
                self.first = number
            pending.append(text)
            if not number & 0xFFFF:
                self.progress(handle.tell(), total)
            yield text
            while self.pushed is not None:
                text, self.pushed = self.pushed, None
                yield text

    def reparse(self, lines: Iterator[str]) -> list[str] | RecordError:
        """The pending record split by the reference grammar, reading on while a quote is open."""
        text = "".join(self.pending)
        while True:
            try:
                return split_record(strip_line_break(text), self.plan.separator)
            except OpenQuoteError as problem:
                # Re-split only once a quote may have closed: the search stays linear.
                while True:
                    line = next(lines, None)
                    if line is None:
                        return problem
                    text += line
                    if '"' in line:
                        break
            except RecordError as problem:
                return problem


def _exact_path(
    wh: Warehouse, plan: _Plan, staging: str, progress: Progress, scratch: Path
) -> RawRead:
    """Stage line by line: exact physical lines, per-line decoding, mixed encodings.

    A line without quotes is a whole record: its fields are counted, not split. A line with a
    quote is handed to Python's ``csv`` module (which reads on while the quote is open), and to
    the reference grammar where the two could differ. Good records are written, prefixed with
    their line number, to a clean UTF-8 file that DuckDB then loads: as they were, or quoted field
    by field when their text could be read otherwise.
    """
    clean = scratch / "records.csv"
    width = len(plan.columns)
    sep = plan.separator
    records = _Records(plan, progress)
    rejects: list[StructuralReject] = []
    rows_read = good = longest = 0
    pending = records.pending
    with plan.source.open("rb") as handle, clean.open("w", encoding="utf-8", newline="") as out:
        write = out.write
        lines = records.lines(handle)
        for _ in range(plan.header_end):
            next(lines, None)
        pending.clear()
        reader = csv.reader(lines, delimiter=sep, quotechar='"', strict=True)
        for text in lines:
            if '"' not in text and not records.invalid:
                if text[-1:] == "\n":
                    body = text[:-2] if text[-2:-1] == "\r" else text[:-1]
                else:
                    body = text[:-1] if text[-1:] == "\r" else text
                if body:  # else a blank line
                    rows_read += 1
                    extra = body.count(sep) + 1 - width
                    if extra > 0 and body.endswith(sep * extra):  # empty fields after the last
                        body, extra = body[:-extra], 0
                    if not extra and "\r" not in body:
                        write(f"{records.first}{sep}{body}\n")
                        good += 1
                        if len(body) > longest:
                            longest = len(body)
                    else:
                        written = _other_record(
                            plan, records, body.split(sep), lines, rejects, write
                        )
                        good += written > 0
                        longest = max(longest, written)
                pending.clear()
                continue
            records.pushed = text
            try:
                parsed: list[str] | None = next(reader)
            except csv.Error:
                parsed = None
            rows_read += 1
            if parsed is not None and len(parsed) == width and len(pending) == 1:
                body = text[:-2] if text[-2:] == "\r\n" else text.removesuffix("\n")
                if ' "' not in body and "\r" not in body and not records.invalid:
                    write(f"{records.first}{sep}{body}\n")
                    good += 1
                    longest = max(longest, len(body))
                    pending.clear()
                    continue
            written = _other_record(plan, records, parsed, lines, rejects, write)
            good += written > 0
            longest = max(longest, written)
            pending.clear()
            records.invalid = False
    progress(plan.source.stat().st_size, plan.source.stat().st_size)
    _load_clean(wh, staging, plan, clean, good, longest)
    encoding = plan.encoding
    if plan.guessed and records.fallbacks:
        encoding = MIXED if sniff_encoding(plan.raw) == MIXED else "cp1252"
    return RawRead(
        path=plan.path,
        format=plan.fmt,
        encoding=encoding,
        separator=plan.separator,
        columns=list(plan.columns),
        rows_read=rows_read,
        rejects=rejects,
    )


def _other_record(
    plan: _Plan,
    records: _Records,
    parsed: list[str] | None,
    lines: Iterator[str],
    rejects: list[StructuralReject],
    write: Callable[[str], object],
) -> int:
    """A record that needs a closer look: written (its length returned) or rejected (0 returned).

    ``parsed`` is what the ``csv`` module made of it (None when it raised); fields that start with
    spaces and a quote are read by the reference grammar, as DuckDB does.
    """
    fields: list[str] | RecordError
    as_read = parsed is not None and not (
        (' "' in records.pending[0] or len(records.pending) > 1) and _spaced_quote(parsed)
    )
    fields = parsed if as_read and parsed is not None else records.reparse(lines)
    body = strip_line_break("".join(records.pending))
    width = len(plan.columns)
    reason: str | None = None
    column: str | None = None
    if records.invalid:
        reason = f"expected {plan.encoding} text (the declared encoding), found other bytes"
    elif isinstance(fields, RecordError):
        reason = fields.reason
        column = plan.columns[fields.field] if fields.field < width else None
    elif len(fields) != width:
        if len(fields) > width and not any(fields[width:]):
            fields, as_read = fields[:width], False
        else:
            reason = f"expected {width} fields, found {len(fields)}"
    if reason is not None:
        rejects.append(StructuralReject(records.first, column, body[:MAX_REJECT_TEXT], reason))
        return 0
    assert not isinstance(fields, RecordError)
    if not as_read or "\r" in body:
        body = plan.separator.join('"' + f.replace('"', '""') + '"' for f in fields)
    write(f"{records.first}{plan.separator}{body}\n")
    return max(len(body), 1)


def _spaced_quote(fields: list[str]) -> bool:
    """A field like `` "x"``: DuckDB reads it as quoted, Python's csv as text; we follow DuckDB."""
    return any(f.startswith(' "') for f in fields)


def _load_clean(
    wh: Warehouse, staging: str, plan: _Plan, clean: Path, good: int, longest: int
) -> None:
    """Load the records the exact path wrote; their count is checked against what was written."""
    columns = ", ".join(
        ["'__row': 'BIGINT'"] + [f"'c{i}': 'VARCHAR'" for i in range(len(plan.columns))]
    )
    select = ", ".join(["__row"] + [f"c{i} AS {_ident(n)}" for i, n in enumerate(plan.columns)])
    line_size = max(1 << 21, 4 * longest + 1024)  # in bytes: a character takes up to 4
    wh.execute(
        f"CREATE OR REPLACE TEMP TABLE {_ident(staging)} AS SELECT {select} "
        f"FROM read_csv({_lit(str(clean))}, columns = {{{columns}}}, header = false, "
        f"delim = {_lit(plan.separator)}, quote = '\"', escape = '\"', new_line = '\\n', "
        "auto_detect = false, strict_mode = true, null_padding = false, compression = 'none', "
        "comment = '', "
        f"max_line_size = {line_size}, buffer_size = {2 * line_size})"
    )
    loaded = wh.fetchone(f"SELECT count(*) FROM {_ident(staging)}")
    if not loaded or int(loaded[0]) != good:
        raise IngestError(
            f"cannot stage {plan.path}: expected {good} records from the line-by-line reading, "
            f"found {loaded[0] if loaded else 0} (please report this file)"
        )


# -- rows made in Python → the staging table ----------------------------------------------------


class _Sink:
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
        self.table = _ident(staging)
        self.view = f"{staging}__batch"
        self.columns = list(columns)
        self.sheet = sheet
        self.rows: list[int] = []
        self.sheets: list[str | None] = []
        self.values: list[Sequence[str | None]] = []
        head = ["__row BIGINT"] + (["__sheet VARCHAR"] if sheet else [])
        body = [f"{_ident(c)} VARCHAR" for c in self.columns]
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
        self.wh.execute(f"ALTER TABLE {self.table} ADD COLUMN {_ident(name)} VARCHAR")
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
                + f" FROM {_ident(self.view)}"
            )
        finally:
            self.wh.unregister(self.view)
        self.rows, self.sheets, self.values = [], [], []

    def close(self) -> None:
        self.flush()


# -- canonical text of typed values -------------------------------------------------------------


def value_text(value: object) -> str | None:
    """A typed cell as canonical text: ISO dates, '12' for 12.0, '.' decimals, true/false."""
    render = _RENDER.get(type(value))
    if render is not None:
        return render(value)
    for kind, how in _RENDER.items():  # subclasses (numpy floats, pandas timestamps...)
        if kind is not type(None) and isinstance(value, kind):
            return how(value)
    return str(value)


def _number_text(value: float) -> str:
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    if "e" in text and math.isfinite(value):
        text = format(Decimal(text), "f")
    return text


def _datetime_text(value: dt.datetime) -> str:
    if not value.microsecond and value.tzinfo is None:
        return value.isoformat(" ")
    # Workbooks store date-times as fractions of days: round to the millisecond, drop a zero one.
    millis = round(value.microsecond / 1000)
    base = value.replace(microsecond=0, tzinfo=None) + dt.timedelta(milliseconds=millis)
    text = base.isoformat(sep=" ", timespec="seconds" if not base.microsecond else "milliseconds")
    return text if value.tzinfo is None else text + _offset(value)


def _time_text(value: dt.time) -> str:
    return value.isoformat(timespec="seconds" if not value.microsecond else "milliseconds")


def _duration_text(value: dt.timedelta) -> str:
    seconds = round(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"


# By exact type first (a bool is an int, a datetime a date: the order matters for subclasses).
_RENDER: dict[type, Callable[[Any], str | None]] = {
    type(None): lambda _v: None,
    str: lambda v: v or None,
    bool: lambda v: "true" if v else "false",
    int: str,
    float: _number_text,
    dt.datetime: _datetime_text,
    dt.date: dt.date.isoformat,
    dt.time: _time_text,
    dt.timedelta: _duration_text,
}


def _offset(value: dt.datetime) -> str:
    delta = value.utcoffset() or dt.timedelta(0)
    minutes = int(delta.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# -- workbooks ----------------------------------------------------------------------------------


def _read_workbook(
    wh: Warehouse, path: Path, options: ReadOptions, staging: str, progress: Progress
) -> RawRead:
    """Every visible sheet (or the one asked), same header expected; blank rows are not records."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # python-calamine raises several unrelated types
        raise IngestError(
            f"cannot read {path} as a workbook: expected an .xlsx, .xls or .ods file, found "
            f"{type(exc).__name__}: {exc}"
        ) from None
    try:
        if options.sheet is not None:
            if options.sheet not in book.sheet_names:
                raise IngestError(
                    f"cannot read {path}: expected a sheet named {options.sheet!r}, found "
                    f"{', '.join(repr(s) for s in book.sheet_names) or 'no sheet'}"
                )
            names = [options.sheet]
        else:
            names = [
                m.name
                for m in book.sheets_metadata
                if m.visible == SheetVisibleEnum.Visible and m.typ == SheetTypeEnum.WorkSheet
            ]
        sheets = [(name, book.get_sheet_by_name(name)) for name in names]
        total = sum(max(int(sheet.height), 0) for _, sheet in sheets) or 1
        done = 0
        progress(0, total)
        sink: _Sink | None = None
        header_from: tuple[str, list[str]] | None = None
        read_sheets: list[str] = []
        rows_read = 0
        for name, sheet in sheets:
            offset, rows = _numbered_rows(sheet)
            header: list[str] | None = None
            for index, cells in enumerate(rows):
                number = offset + index + 1
                done += 1
                if not done % 10_000:
                    progress(min(done, total), total)
                if number <= options.skip_rows:
                    continue
                values = list(map(value_text, cells))
                if not any(values) or not "".join(filter(None, values)).strip():
                    continue  # a blank row (empty cells, or only spaces): not a record
                if header is None:
                    header = header_names(values)
                    if header_from is None:
                        header_from = (name, header)
                        sink = _Sink(wh, staging, header, sheet=True)
                    elif header != header_from[1]:
                        raise IngestError(
                            f"cannot read {path}: expected every sheet to have the header of "
                            f"sheet {header_from[0]!r} ({', '.join(header_from[1])}), found in "
                            f"sheet {name!r}: {', '.join(header)} (set `read: sheet:` to read one)"
                        )
                    read_sheets.append(name)
                    continue
                assert sink is not None
                sink.add(number, values[: len(header)], name)
                rows_read += 1
        if sink is None or header_from is None:
            which = f"sheet {options.sheet!r}" if options.sheet else "any sheet"
            raise IngestError(
                f"cannot read {path}: expected a header row in {which}, found only blank rows"
            )
        sink.close()
        progress(total, total)
        return RawRead(
            path=path,
            format="xlsx",
            encoding=None,
            separator=None,
            columns=list(header_from[1]),
            rows_read=rows_read,
            rejects=[],
            sheets=read_sheets,
        )
    finally:
        with contextlib.suppress(Exception):
            book.close()


def _numbered_rows(sheet: Any) -> tuple[int, Iterator[list[object]]]:
    """A sheet's rows, and the sheet row number (0-based) of the first one.

    python-calamine pads the rows above the data with empty rows, so that row i is sheet row i + 1;
    were it to stop padding, the first row would be the first row with data: number it from there.
    """
    rows: Iterator[list[object]] = iter(sheet.iter_rows())
    first = next(rows, None)
    if first is None:
        return 0, iter(())
    start = sheet.start
    blank = all(c is None or (isinstance(c, str) and not c.strip()) for c in first)
    offset = int(start[0]) if start is not None and start[0] > 0 and not blank else 0
    return offset, itertools.chain([first], rows)


# -- Parquet ------------------------------------------------------------------------------------


def _read_parquet(
    wh: Warehouse, path: Path, staging: str, progress: Progress, scratch: Path
) -> RawRead:
    """Parquet through DuckDB: every column cast to canonical text, structs flattened."""
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError...
        raise IngestError(
            f"cannot read {path} as Parquet: expected a Parquet file, found "
            f"{type(exc).__name__}: {exc}"
        ) from None
    leaves: list[tuple[str, str]] = []
    for column in schema:
        _parquet_leaves(_ident(column.name), column.name, column.type, leaves)
    names = header_names([name for name, _ in leaves])
    select = ", ".join(
        f"{expr} AS {_ident(name)}" for name, (_, expr) in zip(names, leaves, strict=True)
    )
    source = _engine_path(path, scratch)
    sql = (
        f"CREATE OR REPLACE TEMP TABLE {_ident(staging)} AS "
        f"SELECT file_row_number + 2 AS __row{', ' + select if select else ''} "
        f"FROM read_parquet({_lit(source)}, file_row_number = true)"
    )
    try:
        _run(wh, sql, path.stat().st_size, progress)
    except Exception as exc:
        raise IngestError(
            f"cannot read {path} as Parquet: expected a readable Parquet file, found "
            f"{str(exc).splitlines()[0]}"
        ) from None
    count = wh.fetchone(f"SELECT count(*) FROM {_ident(staging)}")
    return RawRead(
        path=path,
        format="parquet",
        encoding=None,
        separator=None,
        columns=names,
        rows_read=int(count[0]) if count else 0,
        rejects=[],
    )


def _parquet_leaves(expr: str, name: str, kind: pa.DataType, out: list[tuple[str, str]]) -> None:
    """(column name, SQL text expression) for each leaf; struct fields become ``parent.child``."""
    if pa.types.is_struct(kind):
        for index in range(kind.num_fields):
            child = kind.field(index)
            _parquet_leaves(
                f"struct_extract({expr}, {_lit(child.name)})",
                f"{name}.{child.name}",
                child.type,
                out,
            )
        return
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if (
        pa.types.is_list(kind)
        or pa.types.is_large_list(kind)
        or pa.types.is_fixed_size_list(kind)
        or pa.types.is_map(kind)
    ):
        text = f"CAST(to_json({expr}) AS VARCHAR)"
    elif pa.types.is_floating(kind):
        text = (
            f"CASE WHEN isfinite({expr}) AND {expr} = trunc({expr}) AND abs({expr}) < 1e18 "
            f"THEN CAST(CAST({expr} AS HUGEINT) AS VARCHAR) ELSE CAST({expr} AS VARCHAR) END"
        )
    elif pa.types.is_timestamp(kind) and kind.tz is not None:
        text = f"CAST(timezone('UTC', {expr}) AS VARCHAR) || '+00:00'"
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = f"NULLIF({expr}, '')"
    else:
        text = f"CAST({expr} AS VARCHAR)"
    out.append((name, text))


# -- JSON Lines ---------------------------------------------------------------------------------


def _read_json(
    wh: Warehouse, path: Path, options: ReadOptions, staging: str, progress: Progress
) -> RawRead:
    """One JSON object per line (or one JSON array of objects); nested objects flattened.

    The columns are the union of the keys, in order of first appearance; a line that is not a
    JSON object is a structural reject with its line number.
    """
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    bom, _ = bom_encoding(head)
    declared = _codec(options.encoding, path) if options.encoding else None
    counts = {"cp1252": 0, "utf-8": 0}
    lines: Iterator[tuple[int, str]]
    if declared not in (None, "utf-8", "utf-8-sig", "cp1252") or bom in ("utf-16", "utf-32"):
        codec = declared or bom or "utf-8"
        try:
            text = path.read_bytes().decode(codec)
        except UnicodeDecodeError as exc:
            raise IngestError(
                f"cannot read {path} as {codec}: expected {codec} text, found {exc.reason}"
            ) from None
        lines = enumerate(text.removeprefix("\ufeff").split("\n"), start=1)
        encoding = codec
    else:
        lines = _json_lines(path, declared, counts, progress, size)
        encoding = declared or bom or "utf-8"
    if head.lstrip(codecs.BOM_UTF8 + b" \t\r\n").startswith(b"["):
        lines = _json_array(path, lines)
    sink = _Sink(wh, staging, [])
    index: dict[str, int] = {}
    taken = {"__row", "__sheet"}
    rejects: list[StructuralReject] = []
    rows_read = 0
    for number, line in lines:
        text = line.strip()
        if not text:
            continue
        rows_read += 1
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            rejects.append(
                StructuralReject(
                    number,
                    None,
                    text[:MAX_REJECT_TEXT],
                    f"expected a JSON object, found invalid JSON ({exc.msg} at column {exc.colno})",
                )
            )
            continue
        if not isinstance(record, dict):
            rejects.append(
                StructuralReject(
                    number,
                    None,
                    text[:MAX_REJECT_TEXT],
                    f"expected a JSON object, found {_json_kind(record)}",
                )
            )
            continue
        flat = flatten(record)
        for key in flat:
            if key not in index:
                index[key] = len(index)
                sink.add_column(_unique(key, len(index), taken))
        values: list[str | None] = [None] * len(index)
        for key, value in flat.items():
            values[index[key]] = value
        sink.add(number, values)
    sink.close()
    progress(size, size)
    if counts["cp1252"] and declared is None:
        encoding = MIXED if counts["utf-8"] or bom else "cp1252"
    return RawRead(
        path=path,
        format="jsonl",
        encoding=encoding,
        separator=None,
        columns=list(sink.columns),
        rows_read=rows_read,
        rejects=rejects,
    )


def _json_lines(
    path: Path, declared: str | None, counts: dict[str, int], progress: Progress, size: int
) -> Iterator[tuple[int, str]]:
    """Numbered lines, each decoded on its own (UTF-8, else cp1252, unless one was declared)."""
    done = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            done += len(raw)
            if number % 10_000 == 0:
                progress(done, size)
            if declared == "cp1252":
                text = decode_cp1252(raw)
            else:
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    counts["cp1252"] += 1
                    text = decode_cp1252(raw)
                else:
                    counts["utf-8"] += not raw.isascii()
            yield number, text.removeprefix("\ufeff") if number == 1 else text


def _json_array(path: Path, lines: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """The elements of a JSON array document, each as JSON text with the line where it starts."""
    text = "".join(line for _, line in lines)
    decoder = json.JSONDecoder()
    position = text.index("[") + 1
    line = 1 + text.count("\n", 0, position)
    counted = position
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text) or text[position] == "]":
            return
        line += text.count("\n", counted, position)
        counted = position
        try:
            element, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise IngestError(
                f"cannot read {path}: expected a JSON array of objects, found invalid JSON at "
                f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None
        yield line, json.dumps(element, ensure_ascii=False)
        position = end


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def flatten(
    value: dict[str, Any], prefix: str = "", out: dict[str, str | None] | None = None
) -> dict[str, str | None]:
    """Nested objects as dotted keys (``user.email``); arrays as JSON text; scalars as text."""
    out = {} if out is None else out
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict):
            flatten(item, f"{name}.", out)
        elif isinstance(item, list):
            out[name] = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
        else:
            out[name] = value_text(item)
    return out
