"""Workbooks (xlsx, xlsm, xls, xlsb, ods) through python-calamine: one row per sheet row."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from parcours.errors import IngestError
from parcours.ingest.readers._base import (
    Progress,
    RawRead,
    ReadJob,
    ReadOptions,
    Sink,
    header_names,
    merged_note,
)
from parcours.ingest.readers._values import value_text
from parcours.warehouse import Warehouse

if TYPE_CHECKING:
    from python_calamine import CalamineSheet

__all__ = ["WorkbookReader"]


class WorkbookReader:
    """Every visible sheet with the same header, or the one ``read: sheet:`` names."""

    formats = ("xlsx",)
    suffixes = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")

    def read(self, job: ReadJob) -> RawRead:
        return _read_workbook(job.wh, job.path, job.options, job.staging, job.progress)


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
        sink: Sink | None = None
        header_from: tuple[str, list[str]] | None = None
        read_sheets: list[str] = []
        rows_read = 0
        filled = 0
        for name, sheet in sheets:
            offset, rows = _numbered_rows(sheet)
            merges = _Merges(sheet)
            header: list[str] | None = None
            for index, cells in enumerate(rows):
                number = offset + index + 1
                done += 1
                if not done % 10_000:
                    progress(min(done, total), total)
                if number <= options.skip_rows:
                    continue
                if header is not None and merges.ranges:
                    cells = merges.fill(number - 1, cells)
                values = list(map(value_text, cells))
                if not any(values) or not "".join(filter(None, values)).strip():
                    continue  # a blank row (empty cells, or only spaces): not a record
                if header is None:
                    header = header_names(values)
                    if header_from is None:
                        header_from = (name, header)
                        sink = Sink(wh, staging, header, sheet=True)
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
            filled += merges.filled
        if sink is None or header_from is None:
            which = f"sheet {options.sheet!r}" if options.sheet else "any sheet"
            raise IngestError(
                f"cannot read {path}: expected a header row in {which}, found only blank rows"
            )
        sink.close()
        progress(total, total)
        notes = (merged_note(path, filled),) if filled else ()
        return RawRead(
            path=path,
            format="xlsx",
            encoding=None,
            separator=None,
            columns=list(header_from[1]),
            rows_read=rows_read,
            rejects=[],
            sheets=read_sheets,
            notes=notes,
        )
    finally:
        with contextlib.suppress(Exception):
            book.close()


def _numbered_rows(sheet: CalamineSheet) -> tuple[int, Iterator[Sequence[object]]]:
    """A sheet's rows, and the sheet row number (0-based) of the first one.

    python-calamine pads the rows above the data with empty rows, so that row i is sheet row i + 1;
    were it to stop padding, the first row would be the first row with data: number it from there.
    """
    rows: Iterator[Sequence[object]] = iter(sheet.iter_rows())
    first = next(rows, None)
    if first is None:
        return 0, iter(())
    start = sheet.start
    blank = all(c is None or (isinstance(c, str) and not c.strip()) for c in first)
    offset = int(start[0]) if start is not None and start[0] > 0 and not blank else 0
    return offset, itertools.chain([first], rows)


class _Merges:
    """The merged ranges of a sheet: a workbook keeps a range's value in its top-left cell only
    and leaves the others empty; :meth:`fill` gives them that value. Only data rows are filled
    (a range that starts in the header or above it is left as it is)."""

    def __init__(self, sheet: CalamineSheet) -> None:
        self.ranges = list(getattr(sheet, "merged_cell_ranges", None) or [])
        self.first_col = int(sheet.start[1]) if sheet.start is not None else 0
        self.values: dict[int, object] = {}
        self.filled = 0

    def fill(self, row: int, cells: Sequence[object]) -> Sequence[object]:
        """``cells`` of the 0-based sheet ``row``, merged cells filled."""
        current = [(i, r) for i, r in enumerate(self.ranges) if r[0][0] <= row <= r[1][0]]
        if not current:
            return cells
        out = list(cells)
        for i, ((top, left), (_bottom, right)) in current:
            start, stop = left - self.first_col, right - self.first_col
            if stop >= len(out):
                out.extend([None] * (stop + 1 - len(out)))
            if row == top:
                self.values[i] = out[start] if start >= 0 else None
            value = self.values.get(i)
            if value is None or value == "":
                continue
            for col in range(max(start, 0), stop + 1):
                if (row, col) != (top, start) and out[col] in (None, ""):
                    out[col] = value
                    self.filled += 1
        return out
