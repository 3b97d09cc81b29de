"""The lake: the canonical tables as Parquet datasets that Spark (and DuckDB) read in place.

Layout (one folder per table under the lake's root)::

    lake/
      interactions/sync=000001/month=2026-01/data_0.parquet   (event tables: by month of ts)
      interactions/sync=000001/_loads.json                     (the loads this batch holds)
      loads/sync=000001/data.parquet                           (other append tables)
      customers/sync=000003/data.parquet                       (snapshot tables: latest wins)

Why plain Parquet and not Delta Lake or Iceberg: both engines read Parquet with what is
installed (DuckDB natively, Spark without a jar), whereas Delta and Iceberg need their jars (or
DuckDB extensions) fetched from the network when a session starts. The guarantees those formats
give are kept here by the layout:

* **incremental**: a sync writes only the loads (``load_id``) a table does not hold yet; each
  batch lists its loads in ``_loads.json``, and the union of those files is the manifest;
* **atomic per table**: a batch is written whole into ``_tmp-<id>/`` (a name Spark and the
  readers here ignore) and published by one rename to ``sync=<n>/``; a killed or failed sync
  leaves at most a ``_tmp-`` folder, which the next sync removes, never a partial partition;
* **snapshot tables** (customers, identities: rows updated in place by ingest) are written
  whole at each sync that brings new loads; readers take the highest ``sync=`` folder.

What the lake does not follow: an erasure done in DuckDB after a sync (rows already in the lake
stay there until the table is synced again from scratch: ``sync(..., full=True)``).
"""

from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from parcours.errors import WarehouseError
from parcours.warehouse._schema import CANONICAL_TABLES

if TYPE_CHECKING:
    from parcours.warehouse._duckdb import Warehouse

__all__ = ["MONTHLY_TABLES", "SNAPSHOT_TABLES", "LakeSync", "lake_tables", "sync_lake"]

MONTHLY_TABLES: tuple[str, ...] = ("interactions", "transactions", "responses")
"""Event tables, partitioned by the month of ``ts`` (UTC) inside each batch."""
SNAPSHOT_TABLES: tuple[str, ...] = ("customers", "identities")
"""Tables ingest updates in place: written whole, the latest batch is the table."""
MANIFEST = "_loads.json"
PARTITION_COLUMNS = ("sync", "month")


@dataclass
class LakeSync:
    """What one sync wrote: rows and loads per table (tables with nothing new are absent)."""

    lake: str
    rows: dict[str, int] = field(default_factory=dict)
    loads: dict[str, int] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def _local(lake: str | Path) -> Path:
    text = str(lake)
    if "://" in text and not text.startswith("file://"):
        raise WarehouseError(
            f"warehouse sync writes a local (or mounted) folder, found the URI {text}: sync to a "
            "folder, then copy it to the object store (aws s3 sync, azcopy, gsutil rsync), or "
            "mount the bucket"
        )
    return Path(text.removeprefix("file://"))


def _batches(folder: Path) -> list[Path]:
    """The published batches of one table, oldest first (``_tmp-`` folders are not batches)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("sync=*") if p.is_dir())


def synced_loads(folder: Path) -> set[str]:
    """The loads a table's published batches hold (the manifest)."""
    done: set[str] = set()
    for batch in _batches(folder):
        done.update(_read_manifest(batch))
    return done


def _read_manifest(batch: Path) -> list[str]:
    manifest = batch / MANIFEST
    if not manifest.is_file():
        return []
    return list(json.loads(manifest.read_text(encoding="utf-8"))["loads"])


def lake_tables(lake: str | Path) -> list[str]:
    """The canonical tables a local lake holds (at least one published batch)."""
    root = _local(lake)
    return [name for name in CANONICAL_TABLES if _batches(root / name)]


def latest_batch(folder: Path) -> Path | None:
    batches = _batches(folder)
    return batches[-1] if batches else None


def _publish(temporary: Path, final: Path) -> None:
    """The commit point of a table's batch: one rename of a folder (atomic on one file system)."""
    temporary.replace(final)


def sync_lake(warehouse: Warehouse, lake: str | Path, *, full: bool = False) -> LakeSync:
    """Write the DuckDB warehouse's canonical tables to the lake, only what is not there yet.

    Each table gets at most one new batch, written into a temporary folder and published by a
    rename; ``full`` drops the lake's tables first (after an erasure, or to compact).
    """
    root = _local(lake)
    root.mkdir(parents=True, exist_ok=True)
    report = LakeSync(lake=str(root))
    new_anywhere = False
    for name in CANONICAL_TABLES:
        folder = root / name
        if full and folder.exists():
            shutil.rmtree(folder)
        _clean_temporary(folder)
        if name in SNAPSHOT_TABLES:
            continue
        done = synced_loads(folder)
        rows = warehouse.fetchall(f'SELECT DISTINCT load_id FROM "{name}"')
        todo = sorted({str(r[0]) for r in rows} - done)
        if not todo:
            continue
        new_anywhere = True
        report.rows[name] = _write_batch(warehouse, folder, name, todo)
        report.loads[name] = len(todo)
    for name in SNAPSHOT_TABLES:
        folder = root / name
        if new_anywhere or not _batches(folder):
            report.rows[name] = _write_batch(warehouse, folder, name, None)
            for old in _batches(folder)[:-1]:
                shutil.rmtree(old, ignore_errors=True)
    return report


def _clean_temporary(folder: Path) -> None:
    if folder.is_dir():
        for leftover in folder.glob("_tmp-*"):
            shutil.rmtree(leftover, ignore_errors=True)


def _write_batch(warehouse: Warehouse, folder: Path, name: str, loads: list[str] | None) -> int:
    """Write one batch of ``name`` (the rows of ``loads``, or all rows) and publish it."""
    batches = _batches(folder)
    number = int(batches[-1].name.removeprefix("sync=")) + 1 if batches else 1
    temporary = folder / f"_tmp-{uuid.uuid4().hex[:12]}"
    temporary.mkdir(parents=True)
    where = ""
    view = "_parcours_sync_loads"
    if loads is not None:
        warehouse.register(view, pd.DataFrame({"load_id": loads}))
        where = f" WHERE load_id IN (SELECT load_id FROM {view})"
    try:
        count_row = warehouse.fetchall(f'SELECT count(*) FROM "{name}"{where}')
        count = int(count_row[0][0])
        target = str(temporary).replace("'", "''")
        if name in MONTHLY_TABLES:
            warehouse.execute(
                f"COPY (SELECT *, strftime(timezone('UTC', ts), '%Y-%m') AS month "
                f"FROM \"{name}\"{where}) TO '{target}' "
                "(FORMAT parquet, PARTITION_BY (month), OVERWRITE_OR_IGNORE)"
            )
        else:
            warehouse.execute(
                f"COPY (SELECT * FROM \"{name}\"{where}) TO '{target}/data.parquet' "
                "(FORMAT parquet)"
            )
    finally:
        if loads is not None:
            warehouse.unregister(view)
    (temporary / MANIFEST).write_text(
        json.dumps({"table": name, "loads": loads or [], "rows": count}), encoding="utf-8"
    )
    _publish(temporary, folder / f"sync={number:06d}")
    return count
