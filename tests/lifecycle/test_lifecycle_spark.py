"""The lifecycle's Ibis expressions give the same results on DuckDB and on PySpark local."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from parcours.lifecycle import Thresholds, lifecycle_events, lifecycle_states, rfm, summary
from parcours.workspace import Workspace

pytestmark = pytest.mark.spark

AT = "2026-06-30"


@pytest.fixture(scope="module")
def engines(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.fail("Java is needed for PySpark: ./scripts/test installs it (default-jre-headless)")
    from parcours.warehouse import SparkWarehouse

    with Workspace.open(demo_workspace) as ws:
        spark = SparkWarehouse.from_warehouse(
            ws.warehouse, tmp_path_factory.mktemp("lifecycle-spark") / "parquet"
        )
        yield ws.warehouse, spark


def _events(engine):  # type: ignore[no-untyped-def]
    return lifecycle_events(
        engine.table("transactions"), engine.table("interactions"), engine.table("customers")
    )


def test_summary_and_rfm_are_the_same_on_both_engines(engines) -> None:  # type: ignore[no-untyped-def]
    duck, spark = engines
    kwargs = {"monetary_value_col": "amount", "observation_period_end": AT}
    expected = summary(duck.table("transactions"), **kwargs)
    got = summary(spark.table("transactions"), **kwargs)
    assert len(expected) > 500
    pd.testing.assert_frame_equal(expected, got, check_dtype=False)
    left = rfm(duck.table("transactions"), at=AT)
    right = rfm(spark.table("transactions"), at=AT)
    pd.testing.assert_frame_equal(left, right, check_dtype=False)


def test_states_are_the_same_on_both_engines(engines) -> None:  # type: ignore[no-untyped-def]
    duck, spark = engines
    th = Thresholds(contract=True)
    expected = lifecycle_states(_events(duck), AT, th)
    got = lifecycle_states(_events(spark), AT, th)
    assert set(expected["state"]) >= {"prospect", "active", "lost"}
    columns = ["customer_id", "state", "purchases", "value", "days_since_activity"]
    # Spark's epoch seconds drop the fraction of a second: days agree to a few seconds
    pd.testing.assert_frame_equal(
        expected[columns], got[columns], check_dtype=False, check_exact=False, atol=3 / 86_400
    )
