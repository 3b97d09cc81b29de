"""Scale-out engine: the same Ibis expressions on PySpark (``pip install "parcours[spark]"``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from parcours.errors import WarehouseError
from parcours.warehouse._base import BaseWarehouse, CanExportParquet
from parcours.warehouse._schema import CANONICAL_TABLES

if TYPE_CHECKING:
    import pandas as pd


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


class SparkWarehouse(BaseWarehouse):
    """Canonical tables read by Spark from Parquet (exported from DuckDB or written by a pipeline).

    ``directory`` holds one ``<table>.parquet`` file or dataset per table. It implements the
    engine contract (:class:`BaseWarehouse`) but not bulk loading: its tables are written by
    :meth:`from_warehouse` (a DuckDB export) or by a pipeline, and small result tables by
    :meth:`write_table`.
    """

    engine = "pyspark"

    def __init__(
        self, directory: Path | str, session: Any | None = None, *, timezone: str = "Europe/Paris"
    ) -> None:
        self.directory = Path(directory)
        self.timezone = timezone
        self.session = session or spark_session()
        self._ibis: Any = ibis.pyspark.connect(self.session)
        self._tables: dict[str, ir.Table] = {}

    @classmethod
    def from_warehouse(
        cls,
        warehouse: CanExportParquet,
        directory: Path | str,
        session: Any | None = None,
        *,
        timezone: str | None = None,
    ) -> SparkWarehouse:
        """Export a DuckDB warehouse's canonical tables to Parquet and open them in Spark."""
        directory = Path(directory)
        warehouse.export_parquet(directory, CANONICAL_TABLES)
        zone = timezone or getattr(warehouse, "timezone", None) or "Europe/Paris"
        return cls(directory, session, timezone=zone)

    @property
    def ibis(self) -> Any:
        return self._ibis

    def _path(self, name: str) -> Path:
        return self.directory / f"{name}.parquet"

    def table(self, name: str) -> ir.Table:
        if name not in self._tables:
            path = self._path(name)
            if not path.exists():
                raise WarehouseError(
                    f"expected a Parquet file for table {name!r} at {path}, found none"
                )
            self._tables[name] = self._ibis.read_parquet(str(path), table_name=f"parcours_{name}")
        return self._tables[name]

    def tables(self) -> list[str]:
        if not self.directory.is_dir():
            return []
        return sorted(p.name.removesuffix(".parquet") for p in self.directory.glob("*.parquet"))

    def write_table(self, name: str, frame: pd.DataFrame) -> None:
        if not name.replace("_", "").isalnum():
            raise WarehouseError(
                f"expected a table name made of letters, digits and _, found {name!r}"
            )
        self.directory.mkdir(parents=True, exist_ok=True)
        self.session.createDataFrame(frame).write.mode("overwrite").parquet(str(self._path(name)))
        self._tables.pop(name, None)  # read again on next use, under a fresh view
