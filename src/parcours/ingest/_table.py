"""A user's small table file as a pandas DataFrame: the one reader behind every command that takes one.

Survey answers, Kano questionnaires, labelled verbatims, a campaign's targets, an event log: the
user hands parcours a CSV (any usual separator and encoding), an xlsx sheet, a Parquet file or JSON
lines. Unlike :func:`parcours.ingest.ingest`, nothing is mapped or quarantined: a file that cannot be
read whole is refused with an :class:`~parcours.errors.IngestError` that names the file and line.

CSV records follow the grammar of :func:`parcours.ingest._sniff.split_record` (the one ingest applies),
the separator and encoding are sniffed the way ingest sniffs them. Values are typed as pandas would
(numbers become numbers, empty cells missing) except in ``text_columns``, kept as written (ids with
leading zeros).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parcours.errors import IngestError, OpenQuoteError, RecordError
from parcours.ingest._sniff import (
    MIXED,
    QUOTE,
    bom_encoding,
    decode_cp1252,
    sniff_encoding,
    sniff_separator,
    split_record,
    strip_line_break,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MAX_QUOTED_LINES", "TABLE_SUFFIXES", "read_table"]

TABLE_SUFFIXES = (
    ".csv",
    ".tsv",
    ".txt",
    ".xlsx",
    ".xlsm",
    ".parquet",
    ".jsonl",
    ".ndjson",
    ".json",
)
"""What :func:`read_table` reads; any other suffix is read as delimited text."""

MAX_QUOTED_LINES = 1_000
"""A quoted field longer than this many lines is taken for a stray quote and refused."""

_SNIFF_LINES = 50


def read_table(
    path: Path | str,
    *,
    sheet: str | int | None = None,
    sep: str | None = None,
    encoding: str | None = None,
    text_columns: Collection[str] = (),
) -> pd.DataFrame:
    """Read a table file (CSV/TSV, xlsx, Parquet, JSON lines or a JSON array of objects).

    ``sheet`` picks an xlsx sheet (name or 0-based index; default the first); ``sep`` and
    ``encoding`` override what is sniffed from a text file (separator among ``; , TAB |``;
    UTF-8 with or without BOM, UTF-16, cp1252, or UTF-8 and cp1252 mixed line by line).
    Raises :class:`~parcours.errors.IngestError` with the file (and line) when it cannot be read.
    """
    source = Path(path)
    if not source.is_file():
        raise IngestError(
            f"expected a table file (CSV, xlsx, Parquet or JSON lines), found nothing at {source}"
        )
    suffix = source.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        frame = _read_excel(source, sheet, text_columns)
    elif suffix == ".parquet":
        frame = _read_parquet(source)
    elif suffix in (".jsonl", ".ndjson", ".json"):
        frame = _read_json(source, encoding)
    else:
        return _read_delimited(source, sep, encoding, set(text_columns))
    for column in text_columns:
        if column in frame.columns:
            frame[column] = frame[column].map(_as_text).astype("object")
    return frame


def _as_text(value: Any) -> Any:
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_excel(
    source: Path, sheet: str | int | None, text_columns: Collection[str]
) -> pd.DataFrame:
    import pandas as pd

    try:
        book = pd.ExcelFile(source, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many unrelated types on a damaged file
        raise IngestError(
            f"{source}: expected an xlsx workbook, could not open it ({exc})"
        ) from exc
    with book:
        names = [str(n) for n in book.sheet_names]
        if isinstance(sheet, int) and not 0 <= sheet < len(names):
            raise IngestError(
                f"{source}: expected a sheet number from 0 to {len(names) - 1}, found {sheet}"
            )
        if isinstance(sheet, str) and sheet not in names:
            raise IngestError(
                f"{source}: expected a sheet among {', '.join(names)}, found {sheet!r}"
            )
        # text columns as the cells hold them: a number typed as text ('007') keeps its zeros
        kept = dict.fromkeys(text_columns, object)
        return pd.read_excel(book, sheet_name=sheet if sheet is not None else 0, dtype=kept)


def _read_parquet(source: Path) -> pd.DataFrame:
    import pandas as pd
    import pyarrow as pa

    try:
        return pd.read_parquet(source)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise IngestError(f"{source}: expected a Parquet file, could not read it ({exc})") from exc


def _read_json(source: Path, encoding: str | None) -> pd.DataFrame:
    import pandas as pd

    text = _decode(source, encoding)
    records: list[dict[str, Any]] = []
    if source.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise IngestError(
                f"{source}, line {exc.lineno}: expected JSON, found an error: {exc.msg}"
            ) from exc
        items = data if isinstance(data, list) else [data]
        for number, item in enumerate(items, 1):
            if not isinstance(item, dict):
                raise IngestError(
                    f"{source}: item {number}: expected a JSON object, found {_kind(item)}"
                )
            records.append(item)
        return pd.DataFrame.from_records(records)
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise IngestError(
                f"{source}, line {number}: expected one JSON object per line, found an error "
                f"at column {exc.colno}: {exc.msg}"
            ) from exc
        if not isinstance(item, dict):
            raise IngestError(
                f"{source}, line {number}: expected a JSON object, found {_kind(item)}"
            )
        records.append(item)
    return pd.DataFrame.from_records(records)


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _decode(source: Path, encoding: str | None) -> str:
    """The whole text of ``source``: the given encoding, else the sniffed one."""
    data = source.read_bytes()
    if encoding is not None:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise IngestError(f"{source}: expected text in {encoding}, found {exc}") from exc
    found = sniff_encoding(source)
    if found == "cp1252":
        return decode_cp1252(data)
    if found == MIXED:
        _, skip = bom_encoding(data[:4])
        return "".join(_decode_line(line) for line in data[skip:].splitlines(keepends=True))
    return data.decode(found)


def _decode_line(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return decode_cp1252(line)


def _read_delimited(
    source: Path, sep: str | None, encoding: str | None, text_columns: set[str]
) -> pd.DataFrame:
    import pandas as pd

    text = _decode(source, encoding)
    lines = text.splitlines(keepends=True)
    if not any(line.strip() for line in lines):
        raise IngestError(f"{source}: expected a header line, found an empty file")
    if sep is None:
        head = [line for line in lines[: _SNIFF_LINES + 1] if line.strip()]
        sep = sniff_separator(head, complete=len(lines) <= _SNIFF_LINES + 1)
    rows = list(_records(source, lines, sep))
    (header_line, header), body = rows[0], rows[1:]
    names = _column_names(source, header_line, header)
    width = len(names)
    data: list[list[str]] = []
    for line, fields in body:
        if len(fields) > width and not any(fields[width:]):
            fields = fields[:width]  # lines that end with a separator, as many exports write them
        if len(fields) != width:
            raise IngestError(
                f"{source}, line {line}: expected {width} fields separated by {_show(sep)} "
                f"(as in the header), found {len(fields)}"
            )
        data.append(fields)
    frame = pd.DataFrame(data, columns=names, dtype="object")
    for column in names:
        if column not in text_columns:
            frame[column] = _typed(frame[column])
        else:
            frame[column] = frame[column].where(frame[column] != "", None)
    return frame


def _records(source: Path, lines: Sequence[str], sep: str) -> Iterator[tuple[int, list[str]]]:
    """(1-based first line, fields) of every record; blank lines are not records."""
    index = 0
    while index < len(lines):
        first = index
        text = strip_line_break(lines[index])
        index += 1
        if not text.strip():
            continue
        while True:
            try:
                fields = split_record(text, sep)
            except OpenQuoteError as problem:
                if index >= len(lines) or index - first >= MAX_QUOTED_LINES:
                    reach = "the end of the file" if index >= len(lines) else f"line {index}"
                    raise IngestError(
                        f"{source}, line {first + 1}: expected the quoted field {problem.field + 1} "
                        f"(it starts with {QUOTE}) to close, found no closing quote up to {reach}; "
                        f"a stray quote? double it ({QUOTE}{QUOTE}) or quote the whole field"
                    ) from problem
                text += "\n" + strip_line_break(lines[index])
                index += 1
                continue
            except RecordError as problem:
                raise IngestError(f"{source}, line {first + 1}: {problem.reason}") from problem
            yield first + 1, fields
            break


def _column_names(source: Path, line: int, header: list[str]) -> list[str]:
    names = [name.strip() for name in header]
    while len(names) > 1 and not names[-1]:
        names.pop()  # a header line that ends with a separator
    # an unnamed column (the index pandas writes) is named as pandas names it
    names = [name or f"Unnamed: {i}" for i, name in enumerate(names)]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise IngestError(
                f"{source}, line {line}: expected unique column names, found {name!r} twice"
            )
        seen.add(name)
    return names


def _typed(column: pd.Series[Any]) -> pd.Series[Any]:
    """Numbers when every filled cell is one (as pandas reads a CSV), else the text; '' is missing."""
    import pandas as pd

    filled = column.where(column.str.strip() != "", None)
    values = filled.dropna()
    if len(values):
        try:
            return pd.to_numeric(filled)
        except (ValueError, TypeError):
            pass
    return filled


def _show(sep: str) -> str:
    return "TAB" if sep == "\t" else repr(sep)
