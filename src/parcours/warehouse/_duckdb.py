"""The embedded default engine: one DuckDB file in the workspace, seen through Ibis."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import ibis
import ibis.expr.types as ir

from parcours.errors import WarehouseError
from parcours.warehouse._base import (
    BaseWarehouse,
    CanBulkLoad,
    CanExportParquet,
    CanReportProgress,
)
from parcours.warehouse._schema import CANONICAL_DDL, CANONICAL_TABLES

if TYPE_CHECKING:
    import pandas as pd


class Warehouse(BaseWarehouse, CanBulkLoad, CanExportParquet, CanReportProgress):
    """The canonical tables in one DuckDB file, with an Ibis backend on the same connection.

    The default engine, and the one that can bulk-load: everything outside ``parcours.warehouse``
    reaches it through this object: analyses use :meth:`table` (Ibis expressions), ingest uses
    :meth:`execute` / :meth:`transaction` for bulk SQL (the :class:`CanBulkLoad` capability).
    """

    engine = "duckdb"

    def __init__(
        self,
        path: Path | str | None,
        *,
        timezone: str = "Europe/Paris",
        memory_limit: str | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.timezone = timezone
        try:
            self._con = duckdb.connect(str(path) if path is not None else ":memory:")
        except duckdb.IOException as exc:  # locked by another process, unreadable file
            raise WarehouseError(
                f"cannot open the warehouse {path}: expected a DuckDB file that no other process "
                f"is writing, found: {exc}"
            ) from exc
        self._con.execute(f"SET TimeZone = '{_quote(timezone)}'")
        # Bulk statements run in parallel without keeping row order; code that needs file order
        # (the CSV reader's row numbers) turns it on for its own statement.
        self._con.execute("SET preserve_insertion_order = false")
        # Progress is tracked (for parcours' own bars, see query_progress) but never printed.
        self._con.execute("SET enable_progress_bar = true")
        self._con.execute("SET enable_progress_bar_print = false")
        if self.path is not None:
            # Spill beside the warehouse, not in /tmp, which may be small or in memory.
            spill = self.path.parent / ".tmp"
            self._con.execute(f"SET temp_directory = '{_quote(str(spill))}'")
        if memory_limit:
            self._con.execute(f"SET memory_limit = '{_quote(memory_limit)}'")
        for name, ddl in CANONICAL_DDL.items():
            self._con.execute(_physical(name, ddl))
        self._ibis: Any = None

    # -- engine-neutral surface -------------------------------------------------------------
    @property
    def ibis(self) -> Any:
        """The Ibis backend bound to this warehouse's connection."""
        if self._ibis is None:
            self._ibis = ibis.duckdb.from_connection(self._con)
        return self._ibis

    def table(self, name: str) -> ir.Table:
        """An Ibis table expression over a warehouse table."""
        if name not in self.tables():
            raise WarehouseError(
                f"unknown table {name!r}: expected one of {', '.join(sorted(self.tables()))}"
            )
        return self.ibis.table(name)

    def tables(self) -> list[str]:
        rows = self._con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
        return [r[0] for r in rows]

    def count(self, name: str) -> int:
        # fetchall, not fetchone: an unfinished result would block a later register() on the
        # connection (DuckDB's ResourceInUseException).
        rows = self._con.execute(f'SELECT count(*) FROM "{_ident(name)}"').fetchall()
        return int(rows[0][0]) if rows else 0

    def write_table(self, name: str, frame: pd.DataFrame) -> None:
        view = f"_parcours_{_ident(name)}"
        self._con.register(view, frame)
        try:
            self._con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM {view}')
        finally:
            self._con.unregister(view)

    # -- bulk SQL for ingest ------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        """Run one SQL statement; returns the DuckDB result (``fetchall``/``fetchone``/``df``)."""
        if params is None:
            return self._con.execute(sql)
        return self._con.execute(sql, params)

    def register(self, name: str, data: Any) -> None:
        """Expose a pandas/pyarrow/polars object as a view to SQL on this connection."""
        self._con.register(name, data)

    def unregister(self, name: str) -> None:
        self._con.unregister(name)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one parameterised statement for each row of parameters."""
        if rows:
            self._con.executemany(sql, rows)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: a killed process leaves no partial write (DuckDB's WAL is discarded)."""
        self._con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        else:
            self._con.execute("COMMIT")

    @contextlib.contextmanager
    def memory_limit(self, limit: str | None) -> Iterator[None]:
        """Cap the engine's memory for a heavy job (it spills to disk beyond), then restore it."""
        if not limit:
            yield
            return
        row = self._con.execute("SELECT current_setting('memory_limit')").fetchone()
        previous = row[0] if row else None
        self._con.execute(f"SET memory_limit = '{_quote(limit)}'")
        try:
            yield
        finally:
            if previous:
                self._con.execute(f"SET memory_limit = '{_quote(str(previous))}'")

    def query_progress(self) -> float:
        """Percentage done of the statement running on this connection (-1 when unknown)."""
        return float(self._con.query_progress())

    def interrupt(self) -> None:
        """Stop the running statement (from another thread, e.g. on Ctrl-C)."""
        self._con.interrupt()

    def checkpoint(self) -> None:
        self._con.execute("CHECKPOINT")

    def export_parquet(
        self, directory: Path | str, names: Sequence[str] = CANONICAL_TABLES
    ) -> Path:
        """Write tables as Parquet files (one per table), e.g. to hand them to Spark."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        for name in names:
            target = directory / f"{name}.parquet"
            self._con.execute(
                f"COPY \"{_ident(name)}\" TO '{_quote(str(target))}' (FORMAT parquet)"
            )
        return directory

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Warehouse:
        return self


# DuckDB-only storage choices, kept out of the portable DDL. The ids of the big fact tables are
# nearly all distinct: DuckDB's default string compression (dictionary + FSST) saves them little
# space and is the largest single cost of a bulk load (about 7 of the 24 CPU seconds of writing
# ten million interactions). Stored plainly, they also read back without decompression.
_UNCOMPRESSED: dict[str, tuple[str, ...]] = {
    "interactions": ("event_id", "customer_id"),
    "transactions": ("transaction_id", "customer_id"),
    "responses": ("response_id", "customer_id"),
    "identities": ("customer_id", "value"),
}


def _physical(name: str, ddl: str) -> str:
    """The canonical DDL of ``name`` with this engine's storage choices."""
    for column in _UNCOMPRESSED.get(name, ()):
        declaration = f"{column} VARCHAR NOT NULL,"
        if declaration not in ddl:
            raise WarehouseError(f"expected a column {column} in table {name}, found: {ddl}")
        ddl = ddl.replace(
            declaration, f"{column} VARCHAR NOT NULL USING COMPRESSION uncompressed,", 1
        )
    return ddl


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise WarehouseError(f"expected a table name made of letters, digits and _, found {name!r}")
    return name


def _quote(text: str) -> str:
    return text.replace("'", "''")


def as_table(data: Any) -> ir.Table:
    """Any table-like input (Ibis, pandas, polars, pyarrow) as an Ibis table expression."""
    if isinstance(data, ir.Table):
        return data
    module = type(data).__module__.split(".")[0]
    if module in ("pandas", "pyarrow", "polars"):
        return ibis.memtable(data)
    raise WarehouseError(
        "expected an Ibis, pandas, polars or pyarrow table, found " + type(data).__name__
    )
