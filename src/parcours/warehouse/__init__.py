"""The canonical tables and the engine connection (the one room that talks to an engine)."""

from __future__ import annotations

from parcours.warehouse._duckdb import Warehouse, as_table
from parcours.warehouse._schema import CANONICAL_DDL, CANONICAL_TABLES

__all__ = ["CANONICAL_DDL", "CANONICAL_TABLES", "Warehouse", "as_table"]
