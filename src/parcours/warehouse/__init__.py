"""The canonical tables and the engine connection (the one room that talks to an engine).

Every engine implements :class:`BaseWarehouse` (read tables as Ibis expressions, write a small
result table); what only some engines can do is a capability mixin (:class:`CanBulkLoad`, which
ingest needs, :class:`CanExportParquet`, :class:`CanReportProgress`) asked for with
:func:`require`. :class:`Warehouse` is the default engine, one DuckDB file with every capability;
:class:`SparkWarehouse` reads the same tables from Parquet on PySpark (an optional extra), from a
lake that :func:`sync_lake` writes (Parquet datasets by month, published atomically per table). The
expression-level choices that differ between engines are a :class:`Dialect` (:func:`dialect_of`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from parcours.warehouse._base import (
    BaseWarehouse,
    CanBulkLoad,
    CanExportParquet,
    CanReportProgress,
    require,
)
from parcours.warehouse._dialect import Dialect, DuckDBDialect, dialect_for, dialect_of
from parcours.warehouse._duckdb import Warehouse, as_table
from parcours.warehouse._lake import LakeSync, lake_tables, sync_lake
from parcours.warehouse._schema import (
    CANONICAL_DDL,
    CANONICAL_TABLES,
    PERSONA_SCORES,
    PERSONA_SCORES_COLUMNS,
)
from parcours.warehouse._suppression import (
    SUPPRESSION_TABLE,
    compact_file,
    erasure_key,
    skip_erased,
    suppress,
    suppressed,
    suppression_hash,
)

if TYPE_CHECKING:
    from parcours.warehouse._spark import SparkWarehouse, spark_session


def __getattr__(name: str) -> object:
    # Spark is optional: importing it only when asked keeps `import parcours` light.
    if name in ("SparkWarehouse", "spark_session"):
        from parcours.warehouse import _spark

        return getattr(_spark, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CANONICAL_DDL",
    "CANONICAL_TABLES",
    "PERSONA_SCORES",
    "PERSONA_SCORES_COLUMNS",
    "SUPPRESSION_TABLE",
    "BaseWarehouse",
    "CanBulkLoad",
    "CanExportParquet",
    "CanReportProgress",
    "Dialect",
    "DuckDBDialect",
    "LakeSync",
    "SparkWarehouse",
    "Warehouse",
    "as_table",
    "compact_file",
    "dialect_for",
    "dialect_of",
    "erasure_key",
    "lake_tables",
    "require",
    "skip_erased",
    "spark_session",
    "suppress",
    "suppressed",
    "suppression_hash",
    "sync_lake",
]
