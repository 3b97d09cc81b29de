"""Delimited text, the exact path: line by line, for whatever the fast path cannot vouch for.

Quoted line breaks, mixed encodings, stray carriage returns, or whatever DuckDB refuses: the
physical lines are decoded one by one (UTF-8, else cp1252), split by Python's ``csv`` module (and
by the reference grammar where the two could differ), and the good records are written with their
line number to a clean UTF-8 file that DuckDB loads.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
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
    MAX_REJECT_TEXT,
    Progress,
    RawRead,
    StructuralReject,
    ident,
    lit,
)
from parcours.ingest.readers._plan import Plan
from parcours.warehouse import Warehouse


@dataclass
class _Records:
    """The physical lines of a delimited file, decoded one by one and kept until their record is
    complete; a line can be pushed back to be read again by Python's ``csv`` module."""

    plan: Plan
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


def exact_path(
    wh: Warehouse, plan: Plan, staging: str, progress: Progress, scratch: Path
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
    plan: Plan,
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
