"""Survey metrics: the same Ibis aggregation on DuckDB and on PySpark gives the same table."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from parcours.voc import satisfaction
from parcours.workspace import Workspace

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def test_satisfaction_duckdb_equals_spark(demo_workspace: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.fail("Java is needed for PySpark: ./scripts/test installs it (default-jre-headless)")
    from parcours.warehouse import SparkWarehouse

    with Workspace.open(demo_workspace) as ws:
        duck = ws.table("responses")
        expected = satisfaction(duck, ["stage", "channel"])
        spark = SparkWarehouse.from_warehouse(ws.warehouse, tmp_path / "parquet")
        found = satisfaction(spark.table("responses"), ["stage", "channel"])
    keys = ["stage", "channel", "metric"]
    left = expected.sort_values(keys).reset_index(drop=True)
    right = found.sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right, check_dtype=False, rtol=1e-9)
