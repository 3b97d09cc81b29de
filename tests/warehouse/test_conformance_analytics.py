"""The analytics give the same results on DuckDB and on PySpark local (one Spark session)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from tests.warehouse.test_conformance import STAGES, _fill, _same

from parcours import analytics
from parcours.workspace import Workspace

pytestmark = pytest.mark.spark

TOUCHPOINT_STEPS = ["compare-web", "quote-web", "subscribe-web"]


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.fail("Java is needed for PySpark: ./scripts/test installs it (default-jre-headless)")
    from parcours.warehouse import SparkWarehouse

    root = tmp_path_factory.mktemp("ws")
    ws = Workspace.init(root)
    _fill(ws, root)
    spark = SparkWarehouse.from_warehouse(ws.warehouse, root / "parquet")
    yield ws.warehouse.table("interactions"), spark.table("interactions")
    ws.close()


def _both(engines, build):
    duck, spark = engines
    return build(duck).to_pandas(), build(spark).to_pandas()


def _utc(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
            frame[column] = frame[column].dt.tz_convert("UTC")
        elif pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.tz_localize("UTC")
    return frame


def test_matrix_per_day(engines):
    expected, got = _both(engines, lambda t: analytics.matrix(t, period="day"))
    assert len(expected) > 10
    assert expected.previous_interactions.notna().any()
    _same(_utc(expected), _utc(got), ["period", "stage", "channel"])


@pytest.mark.parametrize("mode", ["ordered", "strict", "unordered"])
def test_funnel_counts(engines, mode):
    def build(t):
        return analytics.funnel(
            t, [{"stage": s} for s in STAGES[:4]], window="7d", mode=mode, breakdown="channel"
        ).steps

    expected, got = _both(engines, build)
    assert expected.customers.sum() > 0
    _same(expected, got, ["channel", "step"])


def test_funnel_customers_and_dropped(engines):
    def build(t):
        return analytics.funnel(
            t, TOUCHPOINT_STEPS, window="14d", exclusions=["TEL_RECLAMATION"]
        ).dropped()

    expected, got = _both(engines, build)
    assert len(expected) > 0
    _same(_utc(expected), _utc(got), ["customer_id"])


def test_dfg(engines):
    expected, got = _both(engines, lambda t: analytics.dfg(t))
    assert expected["count"].sum() > 100
    _same(expected, got, ["source", "target"])


def test_variants(engines):
    expected, got = _both(engines, lambda t: analytics.variants(t))
    _same(expected, got, ["variant"])


def test_paths_and_sankey(engines):
    expected, got = _both(engines, lambda t: analytics.paths(t, steps=4, top=None, gap="1d"))
    assert len(expected) > 5
    _same(expected, got, ["path"])
    expected, got = _both(engines, lambda t: analytics.sankey_edges(t, steps=4, gap="1d"))
    _same(expected, got, ["step", "source", "target"])


def test_conversion_paths(engines):
    expected, got = _both(engines, lambda t: analytics.conversion_paths(t, "subscribe-web"))
    assert expected.total_conversions.sum() > 0
    _same(expected, got, ["path"])


def test_matrix_views(engines):
    for build, keys in (
        (lambda t: analytics.preferred_channels(t), ["stage"]),
        (lambda t: analytics.undefined_event_codes(t), ["event_code"]),
    ):
        expected, got = _both(engines, build)
        assert len(expected) > 0
        _same(expected, got, keys)


def test_redundancies_and_ruptures(engines):
    expected, got = _both(engines, lambda t: analytics.redundancies(t, gap="1d", push_only=False))
    assert expected.customers.sum() > 0
    _same(expected, got, ["first", "second"])
    expected, got = _both(engines, lambda t: analytics.ruptures(t, within="1d"))
    assert expected.customers.sum() > 0
    _same(expected, got, ["from_touchpoint", "to_touchpoint", "from_channel", "to_channel"])


def test_blocking_points_and_timing(engines):
    expected, got = _both(engines, lambda t: analytics.blocking_points(t, STAGES))
    assert expected.lost.sum() > 0
    assert expected.median_seconds_before_drop.notna().any()
    _same(expected, got, ["position"])
    expected, got = _both(engines, lambda t: analytics.timing(t, STAGES, by="channel"))
    assert expected.p90_seconds.notna().any()
    _same(expected, got, ["from_stage", "channel"])


def test_winning_journeys(engines):
    expected, got = _both(
        engines, lambda t: analytics.winning_journeys(t, {"stage": "subscribe"}, min_support=5)
    )
    assert len(expected) > 0
    _same(expected, got, ["pattern"])


@pytest.mark.parametrize("model", ["markov", "first", "last", "linear", "position", "time_decay"])
def test_attribution_from_events(engines, model):
    expected, got = _both(
        engines,
        lambda t: analytics.attribution(t, model=model, conversions={"stage": "subscribe"}),
    )
    assert expected.conversions.sum() > 0
    _same(expected, got, ["touchpoint"])


@pytest.mark.parametrize(("period", "mode"), [("week", "recurring"), ("month", "first_time")])
def test_retention(engines, period, mode):
    def build(t):
        return analytics.retention(
            t,
            {"stage": STAGES[0]},
            {"stage": STAGES[1]},
            period=period,
            intervals=6,
            mode=mode,
            breakdown="channel",
        )

    expected, got = _both(engines, build)
    assert expected.customers.sum() > 0
    for frame in (expected, got):
        frame["cohort"] = pd.to_datetime(frame["cohort"]).dt.date
    _same(expected, got, ["channel", "cohort", "interval"])
