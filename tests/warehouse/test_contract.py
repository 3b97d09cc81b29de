"""The engine contract: DuckDB implements the base class and every capability; dialects agree."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import ibis
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.errors import WarehouseError
from parcours.warehouse import (
    CANONICAL_TABLES,
    BaseWarehouse,
    CanBulkLoad,
    CanExportParquet,
    CanReportProgress,
    Dialect,
    DuckDBDialect,
    Warehouse,
    dialect_for,
    dialect_of,
    require,
)


@pytest.fixture
def duck(tmp_path: Path) -> Warehouse:
    with Warehouse(tmp_path / "w.duckdb") as wh:
        yield wh


def test_duckdb_is_a_warehouse_with_every_capability(duck: Warehouse) -> None:
    assert isinstance(duck, BaseWarehouse)
    assert duck.engine == "duckdb"
    for capability in (CanBulkLoad, CanExportParquet, CanReportProgress):
        assert require(duck, capability, "a test") is duck
    assert isinstance(duck.dialect, DuckDBDialect)
    assert set(CANONICAL_TABLES) <= set(duck.tables())


def test_the_base_class_cannot_be_used_without_an_engine() -> None:
    with pytest.raises(TypeError, match="abstract"):
        BaseWarehouse()  # type: ignore[abstract]  # the point of the test


def test_write_table_creates_then_replaces_and_anyone_reads_it_back(duck: Warehouse) -> None:
    assert not duck.has_table("scores")
    duck.write_table("scores", pd.DataFrame({"customer_id": ["a", "b"], "score": [0.5, 1.0]}))
    assert duck.has_table("scores")
    assert duck.count("scores") == 2
    duck.write_table("scores", pd.DataFrame({"customer_id": ["c"], "score": [2.0]}))
    back = duck.table("scores").to_pandas()
    assert back.to_dict("records") == [{"customer_id": "c", "score": 2.0}]


def test_write_table_refuses_a_name_that_is_not_an_identifier(duck: Warehouse) -> None:
    with pytest.raises(WarehouseError, match="letters, digits and _"):
        duck.write_table("x; DROP TABLE customers", pd.DataFrame({"a": [1]}))
    assert duck.has_table("customers")


def test_an_unknown_table_names_the_known_ones(duck: Warehouse) -> None:
    with pytest.raises(WarehouseError, match=r"unknown table 'nope': expected one of .*customers"):
        duck.table("nope")


def test_export_parquet_accepts_a_str_directory(duck: Warehouse, tmp_path: Path) -> None:
    out = duck.export_parquet(str(tmp_path / "lake"), ["customers"])
    assert (out / "customers.parquet").is_file()


def test_dialects_are_found_by_engine_name() -> None:
    assert isinstance(dialect_for("duckdb"), DuckDBDialect)
    assert type(dialect_for("pyspark")) is Dialect
    assert type(dialect_for("an engine never heard of")) is Dialect
    unbound = ibis.table({"x": "float64"}, name="t").x
    assert isinstance(dialect_of(unbound), DuckDBDialect)  # Ibis' default engine


@settings(max_examples=25, deadline=None)
@given(
    groups=st.lists(
        st.lists(
            st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)), min_size=1, max_size=12
        ),
        min_size=1,
        max_size=5,
    ),
    q=st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.9, 1.0]),
)
def test_duckdb_fast_quantile_equals_the_portable_one(groups: list[list[float | None]], q: float):
    """DuckDB's list form is an optimisation: it must give the portable aggregate's numbers."""
    rows = [(g, v) for g, values in enumerate(groups) for v in values]
    frame = pd.DataFrame(rows, columns=["g", "v"]).astype({"v": "float64"})
    t = ibis.memtable(frame)  # runs on DuckDB, Ibis' default engine
    fast, portable = DuckDBDialect(), Dialect()
    result = (
        t.group_by("g")
        .aggregate(
            fast=fast.quantile(t.v, q),
            slow=portable.quantile(t.v, q),
            fast_median=fast.median(t.v),
            slow_median=portable.median(t.v),
        )
        .to_pandas()
    )
    for row in result.itertuples():
        for a, b in ((row.fast, row.slow), (row.fast_median, row.slow_median)):
            if b is None or (isinstance(b, float) and math.isnan(b)):
                assert a is None or math.isnan(a)
            else:
                assert a == pytest.approx(b, rel=1e-9, abs=1e-9)


def test_duckdb_fast_seconds_equal_the_portable_ones() -> None:
    stamps = pd.to_datetime(
        ["2026-03-01 10:00:00.123", "1999-12-31 23:59:59.999", "2026-06-30 00:00:00.000"], utc=True
    )
    t = ibis.memtable(pd.DataFrame({"ts": stamps}))
    result = t.select(fast=DuckDBDialect().seconds(t.ts), slow=Dialect().seconds(t.ts)).to_pandas()
    assert result.fast.tolist() == pytest.approx(result.slow.tolist(), abs=1e-6)
    assert result.fast.iloc[0] == pytest.approx(stamps[0].timestamp(), abs=1e-6)


@pytest.mark.spark
def test_spark_implements_the_contract_but_cannot_bulk_load(duck: Warehouse, tmp_path: Path):
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.fail("Java is needed for PySpark: ./scripts/test installs it (default-jre-headless)")
    from parcours.warehouse import SparkWarehouse

    duck.execute("INSERT INTO customers (customer_id) VALUES ('a'), ('b')")
    spark = SparkWarehouse.from_warehouse(duck, str(tmp_path / "lake"))  # a str directory
    assert isinstance(spark, BaseWarehouse)
    assert spark.directory == tmp_path / "lake"
    assert spark.timezone == duck.timezone
    assert set(CANONICAL_TABLES) <= set(spark.tables())
    assert spark.count("customers") == 2
    assert type(spark.dialect) is Dialect
    with pytest.raises(WarehouseError, match="loading a file: expected an engine that runs SQL"):
        require(spark, CanBulkLoad, "loading a file")
    spark.write_table("persona_scores", pd.DataFrame({"customer_id": ["a"], "score": [0.5]}))
    assert spark.has_table("persona_scores")
    assert spark.table("persona_scores").to_pandas().to_dict("records") == [
        {"customer_id": "a", "score": 0.5}
    ]
    spark.write_table("persona_scores", pd.DataFrame({"customer_id": ["b"], "score": [1.5]}))
    assert spark.table("persona_scores").to_pandas().customer_id.tolist() == ["b"]
