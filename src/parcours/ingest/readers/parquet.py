"""Parquet through DuckDB: every column cast to canonical text, structs flattened."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from parcours.errors import IngestError
from parcours.ingest.readers._base import (
    Progress,
    RawRead,
    ReadJob,
    engine_path,
    header_names,
    ident,
    lit,
    run_statement,
)
from parcours.warehouse import Warehouse

__all__ = ["ParquetReader"]


class ParquetReader:
    """A Parquet file; its rows are numbered 2, 3... as if it were a CSV export."""

    formats = ("parquet",)
    suffixes = (".parquet",)

    def read(self, job: ReadJob) -> RawRead:
        return _read_parquet(job.wh, job.path, job.staging, job.progress, job.scratch)


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
        _parquet_leaves(ident(column.name), column.name, column.type, leaves)
    names = header_names([name for name, _ in leaves])
    select = ", ".join(
        f"{expr} AS {ident(name)}" for name, (_, expr) in zip(names, leaves, strict=True)
    )
    source = engine_path(path, scratch)
    sql = (
        f"CREATE OR REPLACE TEMP TABLE {ident(staging)} AS "
        f"SELECT file_row_number + 2 AS __row{', ' + select if select else ''} "
        f"FROM read_parquet({lit(source)}, file_row_number = true)"
    )
    try:
        run_statement(wh, sql, path.stat().st_size, progress)
    except Exception as exc:
        raise IngestError(
            f"cannot read {path} as Parquet: expected a readable Parquet file, found "
            f"{str(exc).splitlines()[0]}"
        ) from None
    count = wh.fetchone(f"SELECT count(*) FROM {ident(staging)}")
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
                f"struct_extract({expr}, {lit(child.name)})",
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
