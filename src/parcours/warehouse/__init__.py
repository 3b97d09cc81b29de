"""The canonical tables and the engine connection (the one room that talks to an engine)."""

from __future__ import annotations

from parcours.warehouse._duckdb import Warehouse, as_table
from parcours.warehouse._schema import CANONICAL_DDL, CANONICAL_TABLES
from parcours.warehouse._suppression import (
    SUPPRESSION_TABLE,
    compact_file,
    erasure_key,
    skip_erased,
    suppress,
    suppressed,
    suppression_hash,
)


def __getattr__(name: str) -> object:
    # Spark is optional: importing it only when asked keeps `import parcours` light.
    if name in ("SparkWarehouse", "spark_session"):
        from parcours.warehouse import _spark

        return getattr(_spark, name)
    raise AttributeError(name)


__all__ = [
    "CANONICAL_DDL",
    "CANONICAL_TABLES",
    "SUPPRESSION_TABLE",
    "SparkWarehouse",
    "Warehouse",
    "as_table",
    "compact_file",
    "erasure_key",
    "skip_erased",
    "spark_session",
    "suppress",
    "suppressed",
    "suppression_hash",
]
