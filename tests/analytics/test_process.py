"""Directly-follows graph and variants equal PM4Py's on the public process-mining logs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from parcours import analytics

CASES = Path(__file__).parent / "cases"
LOG = {"case": "case:concept:name", "activity": "concept:name", "timestamp": "time:timestamp"}


@pytest.fixture(scope="module")
def logs(reference_data):
    data = reference_data / "processmining"
    return {
        "running-example": pd.read_csv(data / "pm4py_running-example.csv"),
        "receipt": pd.read_csv(data / "pm4py_receipt.csv.gz"),
    }


def test_running_example_dfg_has_16_edges_and_36_transitions(logs):
    graph = analytics.dfg(logs["running-example"], **LOG).to_pandas()
    assert len(graph) == 16
    assert graph["count"].sum() == 36


@pytest.mark.parametrize("name", ["running-example", "receipt"])
def test_dfg_equals_pm4py_frequency_and_performance(logs, name):
    got = analytics.dfg(logs[name], **LOG).to_pandas().sort_values(["source", "target"])
    expected = pd.read_csv(CASES / f"pm4py_{name}_dfg.csv")
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True)[list(expected.columns)],
        expected.reset_index(drop=True),
        check_dtype=False,
        rtol=1e-9,
        atol=1e-5,  # seconds since 1970 in float64: microsecond resolution
    )


def test_receipt_has_116_variants_and_the_top_one_713_cases(logs):
    found = analytics.variants(logs["receipt"], **LOG).to_pandas()
    assert len(found) == 116
    assert found.cases.iloc[0] == 713
    assert found.cases.sum() == 1434
    expected = pd.read_csv(CASES / "pm4py_receipt_variants.csv")
    assert dict(zip(found.variant, found.cases, strict=True)) == dict(
        zip(expected.variant, expected.cases, strict=True)
    )


def test_canonical_names_work_without_renaming(logs):
    log = logs["running-example"].rename(
        columns={
            "case:concept:name": "customer_id",
            "concept:name": "touchpoint",
            "time:timestamp": "ts",
        }
    )[["customer_id", "touchpoint", "ts"]]
    assert len(analytics.dfg(log).to_pandas()) == 16
    assert len(analytics.variants(log).to_pandas()) == 6


def test_a_missing_column_says_which_and_how_to_rename(logs):
    with pytest.raises(analytics.AnalyticsError, match="customer="):
        analytics.dfg(logs["running-example"])


def test_an_xes_log_is_read_and_mined_like_pm4py(reference_data):
    log = analytics.read_xes(reference_data / "processmining" / "pm4py_helpdesk.xes.gz")
    assert (len(log), log["case:concept:name"].nunique()) == (21_348, 4_580)
    graph = analytics.dfg(log, **LOG, performance=False).to_pandas()
    assert (len(graph), graph["count"].sum()) == (55, 16_768)  # PM4Py 2.7 on the same file
    found = analytics.variants(log, **LOG).to_pandas()
    assert (len(found), found.cases.iloc[0]) == (226, 2_366)


def test_a_file_that_is_not_xes_is_refused(tmp_path):
    bad = tmp_path / "log.xes"
    bad.write_text("not xml", encoding="utf-8")
    with pytest.raises(analytics.AnalyticsError, match="XES"):
        analytics.read_xes(bad)
