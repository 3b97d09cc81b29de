"""Delimited text, the fast path: DuckDB's ``read_csv``, trusted only once checked.

All text, explicit separator and quote, rejects stored with their line. DuckDB numbers no good
row, so ``__row`` comes from the record's ordinal, which is exact when every record is one
physical line: checked by counting line feeds against header + records + rejected lines + blank
lines, then corrected for the rejected and blank lines. Rejects are re-read and explained by the
reference grammar, and the record after each one is compared with it; on any doubt the result is
dropped (a string says why) and the exact path reads the file.
"""

from __future__ import annotations

import heapq
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa

from parcours.errors import OpenQuoteError, RecordError
from parcours.ingest._sniff import split_record, strip_line_break
from parcours.ingest.readers._base import (
    UPDATE_GROUP,
    Progress,
    RawRead,
    StructuralReject,
    engine_path,
    ident,
    lit,
    reject_text,
    run_statement,
)
from parcours.ingest.readers._plan import Plan, line_decoder
from parcours.warehouse import Warehouse

BAD_ENCODING = "lines that are not UTF-8"


def fast_path(
    wh: Warehouse, plan: Plan, staging: str, progress: Progress, scratch: Path
) -> RawRead | str:
    """Stage with DuckDB's ``read_csv``; a string (why) when the result cannot be trusted."""
    table = ident(staging)
    rejects_table = f"{staging}__rejects"
    scans_table = f"{staging}__scans"
    width = len(plan.columns)
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    source = engine_path(plan.source, scratch)
    # Into a table made first, so that __row comes first; it is set from rowid afterwards, which
    # keeps file order (preserve_insertion_order) where row_number() OVER () halves the speed.
    body = ", ".join(f"{ident(name)} VARCHAR" for name in plan.columns)
    wh.execute(f"CREATE OR REPLACE TEMP TABLE {table} (__row BIGINT, {body})")
    sql = (
        f"INSERT INTO {table} SELECT NULL, {', '.join(f'c{i}' for i in range(width))} "
        f"FROM read_csv({lit(source)}, columns = {{{columns}}}, header = false, "
        f"skip = {plan.skip_rows + 1}, delim = {lit(plan.separator)}, quote = '\"', "
        "escape = '\"', all_varchar = true, auto_detect = false, strict_mode = true, "
        "null_padding = false, compression = 'none', comment = '', store_rejects = true, "
        f"rejects_table = {lit(rejects_table)}, rejects_scan = {lit(scans_table)})"
    )
    size = plan.source.stat().st_size
    ordered = wh.fetchone("SELECT current_setting('preserve_insertion_order')")
    try:
        if not (ordered and ordered[0]):
            wh.execute("SET preserve_insertion_order = true")
        try:
            lines, breaks_ok = run_statement(
                wh, sql, size, progress, lambda: _count_lines(plan.source)
            )
        except Exception as exc:  # any engine error: the exact path decides what is wrong
            return f"DuckDB could not read it: {str(exc).splitlines()[0]}"
        found = wh.fetchall(
            f"SELECT line, list(DISTINCT error_type) FROM {ident(rejects_table)} "
            "GROUP BY line ORDER BY line"
        )
    finally:
        if not (ordered and ordered[0]):
            wh.execute("SET preserve_insertion_order = false")
        wh.execute(f"DROP TABLE IF EXISTS {ident(rejects_table)}")
        wh.execute(f"DROP TABLE IF EXISTS {ident(scans_table)}")
    good = wh.fetchone(f"SELECT count(*) FROM {table}")
    good_rows = int(good[0]) if good else 0

    def refuse(why: str) -> str:
        wh.execute(f"DROP TABLE IF EXISTS {table}")
        return why

    if any("INVALID ENCODING" in kinds or "INVALID UNICODE" in kinds for _, kinds in found):
        return refuse(BAD_ENCODING)
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
        notes=plan.notes,
        rows_read=good_rows + len(rejects),
        rejects=[r for r in rejects if r is not None],
    )


def _same_records(wh: Warehouse, staging: str, plan: Plan, lines: dict[int, str]) -> bool:
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
            f"SELECT s.* FROM {ident(staging)} s JOIN {ident(view)} v ON s.__row = v.n"
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


def _check_record(plan: Plan, line: int, text: str) -> StructuralReject | None:
    """The reject for a one-line record DuckDB refused; None when the reference grammar reads it
    into the header's columns, or when a quote left open makes it run over the next lines (the
    line count cannot vouch for the numbering then)."""
    try:
        fields = split_record(text, plan.separator)
    except OpenQuoteError:
        return None
    except RecordError as problem:
        column = plan.columns[problem.field] if problem.field < len(plan.columns) else None
        return StructuralReject(line, column, reject_text(text), problem.reason)
    width = len(plan.columns)
    if len(fields) == width or (len(fields) > width and not any(fields[width:])):
        return None
    return StructuralReject(
        line,
        None,
        reject_text(text),
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


def _scan_lines(plan: Plan, wanted: set[int]) -> tuple[list[int], dict[int, str], dict[int, str]]:
    """The blank data lines (empty, or a lone CR); the text of the ``wanted`` lines; and the text
    of the first line after each of them that is neither blank nor wanted.

    DuckDB gives the line of each reject; its byte positions are not to be relied on, so the file
    is scanned (vectorised, about a second per gigabyte).
    """
    decode = line_decoder(plan)
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
