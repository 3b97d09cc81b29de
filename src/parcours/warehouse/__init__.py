"""The canonical tables and the engine connection (the one room that talks to an engine)."""

from __future__ import annotations

from parcours.warehouse._duckdb import Warehouse, as_table
from parcours.warehouse._schema import (
    CANONICAL_DDL,
    CANONICAL_TABLES,
    PERSONA_SCORES,
    PERSONA_SCORES_COLUMNS,
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
    "PERSONA_SCORES",
    "PERSONA_SCORES_COLUMNS",
    "SparkWarehouse",
    "Warehouse",
    "as_table",
    "spark_session",
]
