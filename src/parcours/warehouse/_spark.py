"""Scale-out engine: the same Ibis expressions on PySpark (``pip install "parcours[spark]"``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from parcours.errors import WarehouseError
from parcours.warehouse._base import BaseWarehouse, CanExportParquet
from parcours.warehouse._lake import PARTITION_COLUMNS, SNAPSHOT_TABLES, lake_tables
from parcours.warehouse._schema import CANONICAL_TABLES

if TYPE_CHECKING:
    import pandas as pd


def spark_session(
    master: str = "local[2]", app_name: str = "parcours", *, conf: dict[str, str] | None = None
) -> Any:
    """A Spark session tuned for parcours: UTC session time zone, no UI, few shuffle partitions.

    ``conf`` adds or overrides Spark settings (``[warehouse.spark.conf]`` of a workspace).
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise WarehouseError(
            'expected PySpark (pip install "parcours[spark]") and a Java runtime, found no pyspark'
        ) from exc
    os.environ.setdefault("PYSPARK_PYTHON", _python())
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "2g")
        .config("spark.sql.ansi.enabled", "false")
    )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def _python() -> str:
    import sys

    return sys.executable


class SparkWarehouse(BaseWarehouse):
    """Canonical tables read by Spark from Parquet (exported from DuckDB or written by a pipeline).

    ``directory`` holds one ``<table>.parquet`` file or dataset per table, or is a lake
    (:meth:`open_lake`: one folder of ``sync=`` batches per table, see ``parcours warehouse
    sync``), local or a ``s3a://`` / ``abfss://`` URI. It implements the
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
        self.lake: str | None = None

    @classmethod
    def open_lake(
        cls, lake: str | Path, session: Any | None = None, *, timezone: str = "Europe/Paris"
    ) -> SparkWarehouse:
        """Read the canonical tables from a lake written by ``parcours warehouse sync``.

        A local lake must hold at least one table (else a WarehouseError says to sync); a
        ``s3a://`` or ``abfss://`` lake is read through the cluster's Hadoop file system (its
        connector jars and credentials are the cluster's configuration).
        """
        text = str(lake)
        remote = "://" in text and not text.startswith("file://")
        if not remote and not lake_tables(text):
            raise WarehouseError(
                f"expected a lake with the canonical tables at {text}, found "
                + ("an empty folder" if Path(text).exists() else "no folder")
                + ": write it with `parcours warehouse sync`"
            )
        folder = Path(text.removeprefix("file://")) if not remote else Path()
        warehouse = cls(folder, session, timezone=timezone)
        warehouse.lake = text
        return warehouse

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
        if self.lake is not None:
            return self._lake_table(self.lake, name)
        if name not in self._tables:
            path = self._path(name)
            if not path.exists():
                raise WarehouseError(
                    f"expected a Parquet file for table {name!r} at {path}, found none"
                )
            self._tables[name] = self._ibis.read_parquet(str(path), table_name=f"parcours_{name}")
        return self._tables[name]

    def _lake_table(self, lake: str, name: str) -> ir.Table:
        if name in self._tables:
            return self._tables[name]
        if not name.replace("_", "").isalnum():
            raise WarehouseError(
                f"expected a table name made of letters, digits and _, found {name!r}"
            )
        base = lake.rstrip("/") + "/" + name
        batches = self._batches(base)
        if not batches:
            raise WarehouseError(
                f"expected table {name!r} in the lake at {lake}, found no published batch: "
                "run `parcours warehouse sync`"
            )
        table_name = f"parcours_lake_{name}"
        if name in SNAPSHOT_TABLES:
            frame = self.session.read.parquet(batches[-1])
        else:
            frame = self.session.read.option("basePath", base).parquet(*batches)
        drop = [c for c in PARTITION_COLUMNS if c in frame.columns]
        if drop:
            frame = frame.drop(*drop)
        frame.createOrReplaceTempView(table_name)
        self._tables[name] = self._ibis.table(table_name)
        return self._tables[name]

    def _batches(self, base: str) -> list[str]:
        """The published ``sync=`` folders of a table, oldest first, through Hadoop's file system
        (local folders and object stores alike); ``_tmp-`` folders are never listed."""
        jvm = self.session.sparkContext._jvm
        path = jvm.org.apache.hadoop.fs.Path(base)
        fs = path.getFileSystem(self.session.sparkContext._jsc.hadoopConfiguration())
        if not fs.exists(path):
            return []
        names = [
            status.getPath().toString()
            for status in fs.listStatus(path)
            if status.isDirectory() and status.getPath().getName().startswith("sync=")
        ]
        return sorted(names)

    def tables(self) -> list[str]:
        if self.lake is not None:
            base = self.lake.rstrip("/")
            return [name for name in CANONICAL_TABLES if self._batches(f"{base}/{name}")]
        if not self.directory.is_dir():
            return []
        return sorted(p.name.removesuffix(".parquet") for p in self.directory.glob("*.parquet"))

    def write_table(self, name: str, frame: pd.DataFrame) -> None:
        if not name.replace("_", "").isalnum():
            raise WarehouseError(
                f"expected a table name made of letters, digits and _, found {name!r}"
            )
        if self.lake is not None:
            raise WarehouseError(
                f"writing table {name!r}: expected a DuckDB workspace, found a Spark lake, which "
                "parcours does not write from Spark yet (run this step with --engine duckdb, then "
                "parcours warehouse sync)"
            )
        self.directory.mkdir(parents=True, exist_ok=True)
        self.session.createDataFrame(frame).write.mode("overwrite").parquet(str(self._path(name)))
        self._tables.pop(name, None)  # read again on next use, under a fresh view
