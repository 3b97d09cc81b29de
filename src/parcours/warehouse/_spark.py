"""Scale-out engine: the same Ibis expressions on PySpark (``pip install "parcours[spark]"``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from parcours.errors import WarehouseError
from parcours.warehouse._schema import CANONICAL_TABLES


def spark_session(master: str = "local[2]", app_name: str = "parcours") -> Any:
    """A Spark session tuned for parcours: UTC session time zone, no UI, few shuffle partitions."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise WarehouseError(
            'expected PySpark (pip install "parcours[spark]") and a Java runtime, found no pyspark'
        ) from exc
    os.environ.setdefault("PYSPARK_PYTHON", _python())
    return (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "2g")
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )


def _python() -> str:
    import sys

    return sys.executable


class SparkWarehouse:
    """Canonical tables read by Spark from Parquet (exported from DuckDB or written by a pipeline)."""

    def __init__(self, directory: Path, session: Any | None = None) -> None:
        self.directory = Path(directory)
        self.session = session or spark_session()
        self.ibis: Any = ibis.pyspark.connect(self.session)
        self._tables: dict[str, ir.Table] = {}

    @classmethod
    def from_warehouse(
        cls, warehouse: Any, directory: Path, session: Any | None = None
    ) -> SparkWarehouse:
        """Export a DuckDB warehouse's canonical tables to Parquet and open them in Spark."""
        warehouse.export_parquet(directory, CANONICAL_TABLES)
        return cls(directory, session)

    def table(self, name: str) -> ir.Table:
        if name not in self._tables:
            path = self.directory / f"{name}.parquet"
            if not path.exists():
                raise WarehouseError(
                    f"expected a Parquet file for table {name!r} at {path}, found none"
                )
            self._tables[name] = self.ibis.read_parquet(str(path), table_name=f"parcours_{name}")
        return self._tables[name]
