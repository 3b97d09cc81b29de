"""Delimited text, the exact path: line by line, for whatever the fast path cannot vouch for.

Quoted line breaks, mixed encodings, stray carriage returns, or whatever DuckDB refuses: the
physical lines are decoded one by one (UTF-8, else cp1252), split by Python's ``csv`` module (and
by the reference grammar where the two could differ), and the good records are written with their
line number to a clean UTF-8 file that DuckDB loads.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from parcours.errors import IngestError, OpenQuoteError, RecordError
from parcours.ingest._sniff import (
    MIXED,
    decode_cp1252,
    sniff_encoding,
    split_record,
    strip_line_break,
)
from parcours.ingest.readers._base import (
    Progress,
    RawRead,
    StructuralReject,
    ident,
    lit,
    reject_text,
)
from parcours.ingest.readers._plan import Plan
from parcours.warehouse import Warehouse


class _Records:
    """The physical lines of a delimited file, decoded one by one and kept until their record is
    complete. Iterating gives the lines, to the ``for`` loop of :func:`exact_path` and to Python's
    ``csv`` module alike; a line can be replayed once (for the ``csv`` module to read it again),
    and lines can be given back to be read again as new records.

    While a record is being read (``reading``), no line is handed out past the limits of a quoted
    field (``quoted_max_lines`` lines, ``quoted_max_bytes`` bytes): the reader sees the end of the
    data there, and ``cut`` says why it stopped.
    """

    def __init__(self, plan: Plan, progress: Progress, handle: BinaryIO) -> None:
        self.plan = plan
        self.progress = progress
        self.handle = handle
        self.source = enumerate(handle, start=1)
        self.total = plan.source.stat().st_size
        self.strict = plan.line_decoding == "utf-8"
        self.pending: list[str] = []
        """The decoded lines of the record being read, line breaks included."""
        self.raw: list[bytes] = []
        """The same lines as bytes, to give them back."""
        self.first = 0
        """Physical number of the record's first line."""
        self.end = 0
        """Byte offset just after the last line handed out."""
        self.invalid = False
        """Whether one of its lines is not valid UTF-8 although UTF-8 was declared."""
        self.fallbacks = 0
        """Lines read as cp1252 because they are not valid UTF-8."""
        self.replay: str | None = None
        self.back: deque[tuple[int, bytes]] = deque()
        self.reading = False
        self.cut = False
        self._last_quote: int | None = None
        self.stream = self.lines()

    def lines(self) -> Iterator[str | None]:
        """The decoded physical lines (lines given back first), then None at the end of the file,
        again each time it is asked: lines given back later are still read."""
        pending, raws, back, source = self.pending, self.raw, self.back, self.source
        strict = self.strict
        while True:
            if back:
                number, raw = back.popleft()
            else:
                item = next(source, None)
                if item is None:
                    yield None
                    continue
                number, raw = item
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
            raws.append(raw)
            self.end += len(raw)
            if not number & 0xFFFF:
                self.progress(self.handle.tell(), self.total)
            yield text

    def __iter__(self) -> _Records:
        return self

    def __next__(self) -> str:
        """The next line for the ``csv`` module: the replayed one, else the next one within the
        limits of a quoted field."""
        if self.replay is not None:
            text, self.replay = self.replay, None
            return text
        if self.reading and (
            len(self.pending) >= self.plan.quoted_max_lines
            or sum(map(len, self.raw)) >= self.plan.quoted_max_bytes
        ):
            self.cut = True
            raise StopIteration
        line = next(self.stream)
        if line is None:
            raise StopIteration
        return line

    def done(self) -> None:
        """The pending record is dealt with: the next line starts a new one."""
        self.pending.clear()
        self.raw.clear()
        self.invalid = self.reading = self.cut = False

    def give_back(self, keep: int) -> None:
        """Keep the first ``keep`` lines of the pending record; read the others again."""
        lines = self.raw[keep:]
        self.back.extendleft(reversed(list(enumerate(lines, start=self.first + keep))))
        self.end -= sum(len(raw) for raw in lines)
        del self.pending[keep:], self.raw[keep:]

    def quote_closes_later(self) -> bool:
        """Whether the file holds a quote after the record's first line (one scan, from the end)."""
        if self._last_quote is None:
            self._last_quote = _last_quote(self.plan.source)
        return self._last_quote >= self.end

    def reparse(self) -> list[str] | RecordError:
        """The pending record split by the reference grammar, reading on while a quote is open
        (within the limits of a quoted field)."""
        text = "".join(self.pending)
        while True:
            try:
                return split_record(strip_line_break(text), self.plan.separator)
            except OpenQuoteError as problem:
                # Re-split only once a quote may have closed: the search stays linear.
                while True:
                    line = next(self, None)
                    if line is None:
                        return problem
                    text += line
                    if '"' in line:
                        break
            except RecordError as problem:
                return problem


def _last_quote(path: Path) -> int:
    """The byte offset of the last quote in the file (-1 when there is none)."""
    block = 1 << 20
    with path.open("rb") as handle:
        end = handle.seek(0, 2)
        while end > 0:
            start = max(0, end - block)
            handle.seek(start)
            found = handle.read(end - start).rfind(b'"')
            if found >= 0:
                return start + found
            end = start
    return -1


def exact_path(
    wh: Warehouse, plan: Plan, staging: str, progress: Progress, scratch: Path
) -> RawRead:
    """Stage line by line: exact physical lines, per-line decoding, mixed encodings.

    A line without quotes is a whole record: its fields are counted, not split. A line with a
    quote is handed to Python's ``csv`` module (which reads on while the quote is open), and to
    the reference grammar where the two could differ. Good records are written, prefixed with
    their line number, to a clean UTF-8 file that DuckDB then loads: as they were, or quoted field
    by field when their text could be read otherwise.

    A quote that stays open past the limits of a quoted field, or to the end of the file, makes
    its first line one rejected record; the lines after it are read again as records.
    """
    clean = scratch / "records.csv"
    width = len(plan.columns)
    sep = plan.separator
    rejects: list[StructuralReject] = []
    rows_read = good = longest = 0
    with plan.source.open("rb") as handle, clean.open("w", encoding="utf-8", newline="") as out:
        records = _Records(plan, progress, handle)
        pending = records.pending
        write = out.write
        raws = records.raw
        for _ in range(plan.header_end):
            next(records.stream)
        records.done()
        reader = csv.reader(records, delimiter=sep, quotechar='"', strict=True)
        for text in records.stream:
            if text is None:
                break
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
                        written = _other_record(plan, records, body.split(sep), rejects, write)
                        good += written > 0
                        longest = max(longest, written)
                pending.clear()  # records.done(), inlined: this is the hot loop
                raws.clear()
                continue
            records.replay = text
            records.reading = True
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
                    records.done()
                    continue
            written = _other_record(plan, records, parsed, rejects, write)
            good += written > 0
            longest = max(longest, written)
            records.done()
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
        notes=plan.notes,
        rows_read=rows_read,
        rejects=rejects,
    )


def _other_record(
    plan: Plan,
    records: _Records,
    parsed: list[str] | None,
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
    fields = parsed if as_read and parsed is not None else records.reparse()
    width = len(plan.columns)
    if isinstance(fields, OpenQuoteError):
        rejects.append(_open_quote(plan, records, fields))
        return 0
    body = strip_line_break("".join(records.pending))
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
        lines = len(records.pending)
        if lines > 1:
            reason += f" (one record over lines {records.first}-{records.first + lines - 1})"
        rejects.append(StructuralReject(records.first, column, reject_text(body), reason, lines))
        return 0
    assert not isinstance(fields, RecordError)
    if not as_read or "\r" in body:
        body = plan.separator.join('"' + f.replace('"', '""') + '"' for f in fields)
    write(f"{records.first}{plan.separator}{body}\n")
    return max(len(body), 1)


def _open_quote(plan: Plan, records: _Records, problem: OpenQuoteError) -> StructuralReject:
    """A quote left open past the limits or to the end of the file: its first line alone is the
    rejected record, and the lines after it go back to be read as records."""
    first, read = records.first, len(records.pending)
    cut = records.cut
    records.give_back(1)
    column = plan.columns[problem.field] if problem.field < len(plan.columns) else None
    field = f"field {column!r}" if column else f"field {problem.field + 1}"
    if not cut or not records.quote_closes_later():
        reason = (
            f"expected a closing quote, found the end of the file: the quote that opens {field} "
            f"on line {first} is never closed"
        )
    else:
        limit = (
            f"{plan.quoted_max_lines} lines (read: quoted_max_lines)"
            if read >= plan.quoted_max_lines
            else f"{plan.quoted_max_bytes} bytes (read: quoted_max_bytes)"
        )
        reason = (
            f"expected a closing quote within {limit}, found none in lines {first}-"
            f"{first + read - 1}: the quote that opens {field} on line {first} is left open"
        )
    reason += f"; line {first} is quarantined alone and reading resumes on line {first + 1}"
    return StructuralReject(
        first, column, reject_text(strip_line_break(records.pending[0])), reason
    )


def _spaced_quote(fields: list[str]) -> bool:
    """A field like `` "x"``: DuckDB reads it as quoted, Python's csv as text; we follow DuckDB."""
    return any(f.startswith(' "') for f in fields)


def _load_clean(
    wh: Warehouse, staging: str, plan: Plan, clean: Path, good: int, longest: int
) -> None:
    """Load the records the exact path wrote; their count is checked against what was written."""
    columns = ", ".join(
        ["'__row': 'BIGINT'"] + [f"'c{i}': 'VARCHAR'" for i in range(len(plan.columns))]
    )
    select = ", ".join(["__row"] + [f"c{i} AS {ident(n)}" for i, n in enumerate(plan.columns)])
    line_size = max(1 << 21, 4 * longest + 1024)  # in bytes: a character takes up to 4
    wh.execute(
        f"CREATE OR REPLACE TEMP TABLE {ident(staging)} AS SELECT {select} "
        f"FROM read_csv({lit(str(clean))}, columns = {{{columns}}}, header = false, "
        f"delim = {lit(plan.separator)}, quote = '\"', escape = '\"', new_line = '\\n', "
        "auto_detect = false, strict_mode = true, null_padding = false, compression = 'none', "
        "comment = '', "
        f"max_line_size = {line_size}, buffer_size = {2 * line_size})"
    )
    loaded = wh.fetchone(f"SELECT count(*) FROM {ident(staging)}")
    if not loaded or int(loaded[0]) != good:
        raise IngestError(
            f"cannot stage {plan.path}: expected {good} records from the line-by-line reading, "
            f"found {loaded[0] if loaded else 0} (please report this file)"
        )
