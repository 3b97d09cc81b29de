"""The engine contract: what every warehouse does, and what only some engines can.

Shaped like Ibis' backends (``ibis/backends/__init__.py``): one abstract base class that every
engine implements (:class:`BaseWarehouse`: read a canonical table as an Ibis expression, list the
tables, write a small result table) and capability mixins for what only some engines offer
(:class:`CanBulkLoad`: SQL statements, transactions and registered frames, which ingest needs and
DuckDB gives; :class:`CanExportParquet`; :class:`CanReportProgress`). Code that runs on any engine
takes a :class:`BaseWarehouse`; code that needs a capability asks for it with :func:`require`,
which says which engine lacks it instead of failing on a missing method.

An engine also has a :class:`~parcours.warehouse.Dialect`: the few expression-level choices that
differ between engines (an exact median, seconds since the epoch), which analytics ask for
through :func:`~parcours.warehouse.dialect_of` instead of testing engine names themselves.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from parcours.errors import WarehouseError
from parcours.warehouse._dialect import Dialect, dialect_for

if TYPE_CHECKING:
    from types import TracebackType

    import ibis.expr.types as ir
    import pandas as pd

__all__ = [
    "BaseWarehouse",
    "CanBulkLoad",
    "CanExportParquet",
    "CanReportProgress",
    "require",
]


class BaseWarehouse(abc.ABC):
    """The canonical tables on one engine, read as Ibis expressions.

    Every engine implements the abstract methods; ``engine`` names it (``"duckdb"``,
    ``"pyspark"``, as Ibis names its backends). Analyses read with :meth:`table`; a capability
    that stores a small result (persona scores) writes it with :meth:`write_table`, so that any
    package can read it back by name.
    """

    engine: ClassVar[str]
    timezone: str

    @property
    @abc.abstractmethod
    def ibis(self) -> Any:
        """The Ibis backend bound to this warehouse (``ibis.duckdb`` or ``ibis.pyspark``)."""

    @abc.abstractmethod
    def table(self, name: str) -> ir.Table:
        """An Ibis table expression over a warehouse table; WarehouseError if there is none."""

    @abc.abstractmethod
    def tables(self) -> list[str]:
        """The names of the tables this warehouse holds."""

    @abc.abstractmethod
    def write_table(self, name: str, frame: pd.DataFrame) -> None:
        """Create or replace table ``name`` with the rows of ``frame`` (a small result table)."""

    def has_table(self, name: str) -> bool:
        return name in self.tables()

    def count(self, name: str) -> int:
        """The number of rows of a table."""
        return int(self.table(name).count().execute())

    @property
    def dialect(self) -> Dialect:
        """This engine's expression-level choices (exact median, epoch seconds)."""
        return dialect_for(self.engine)

    def close(self) -> None:  # noqa: B027  # optional hook: an engine without resources keeps it
        """Release the engine's resources (a file lock, a connection)."""

    def __enter__(self) -> BaseWarehouse:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class CanBulkLoad(abc.ABC):
    """SQL statements in transactions over registered frames: what ingest needs to load a file.

    DuckDB has it (ingest stages, types and merges a file in SQL inside one transaction);
    a lake engine gets its tables written by a pipeline (or ``warehouse sync``) instead.
    """

    @abc.abstractmethod
    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        """Run one SQL statement; returns the engine's result (``fetchall``/``fetchone``/``df``)."""

    def fetchall(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        return list(self.execute(sql, params).fetchall())

    def fetchone(self, sql: str, params: Sequence[Any] | None = None) -> tuple[Any, ...] | None:
        row = self.execute(sql, params).fetchone()
        return tuple(row) if row is not None else None

    @abc.abstractmethod
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one parameterised statement for each row of parameters."""

    @abc.abstractmethod
    def register(self, name: str, data: Any) -> None:
        """Expose a pandas/pyarrow/polars object as a view to SQL."""

    @abc.abstractmethod
    def unregister(self, name: str) -> None: ...

    @abc.abstractmethod
    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """All or nothing: a killed process leaves no partial write."""

    @abc.abstractmethod
    def memory_limit(self, limit: str | None) -> contextlib.AbstractContextManager[None]:
        """Cap the engine's memory for a heavy job (it spills to disk beyond), then restore it."""

    @abc.abstractmethod
    def checkpoint(self) -> None:
        """Write what the engine holds in its log into the main file."""


class CanExportParquet(abc.ABC):
    """Writes tables as Parquet files, one per table (to hand them to another engine)."""

    @abc.abstractmethod
    def export_parquet(self, directory: Path, names: Sequence[str]) -> Path: ...


class CanReportProgress(abc.ABC):
    """Tells how far the running statement is, and can stop it (progress bars, Ctrl-C)."""

    @abc.abstractmethod
    def query_progress(self) -> float:
        """Percentage done of the running statement (-1 when unknown)."""

    @abc.abstractmethod
    def interrupt(self) -> None:
        """Stop the running statement (from another thread)."""


_C = TypeVar("_C")


def require(warehouse: BaseWarehouse, capability: type[_C], purpose: str) -> _C:
    """``warehouse`` as a ``capability``, or a WarehouseError naming the engine that lacks it.

    ``purpose`` says what needed it, e.g. ``require(wh, CanBulkLoad, "loading a file")``.
    """
    if isinstance(warehouse, capability):
        return warehouse
    raise WarehouseError(
        f"{purpose}: expected an engine that {_ABILITY.get(capability.__name__, capability.__name__)}"
        f", found the {warehouse.engine} warehouse, which cannot"
    )


_ABILITY = {
    "CanBulkLoad": "runs SQL statements in transactions (DuckDB)",
    "CanExportParquet": "exports tables as Parquet files (DuckDB)",
    "CanReportProgress": "reports the progress of a statement (DuckDB)",
}
