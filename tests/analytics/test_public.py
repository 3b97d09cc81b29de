"""Every input kind the analytics accept (their public names: tests/test_exported_members.py)."""

from __future__ import annotations

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from tests.analytics.conftest import events

from parcours import analytics

LOG = events([("a", "2026-01-01", "A"), ("a", "2026-01-02", "B"), ("b", "2026-01-01", "A")])


@pytest.mark.parametrize(
    "make",
    [lambda f: f, pl.from_pandas, pa.Table.from_pandas],
    ids=["pandas", "polars", "pyarrow"],
)
def test_funnel_and_dfg_accept_every_table_kind(make):
    assert list(analytics.funnel(make(LOG), ["A", "B"]).to_pandas().customers) == [2, 1]
    graph = analytics.dfg(make(LOG)).to_pandas()
    assert list(zip(graph.source, graph.target, graph["count"], strict=True)) == [("A", "B", 1)]


def test_string_timestamps_are_parsed():
    log = pd.DataFrame(
        {
            "customer_id": ["a", "a"],
            "ts": ["2026-01-01T10:00:00+01:00", "2026-01-01T10:30:00+01:00"],
            "touchpoint": ["A", "B"],
        }
    )
    assert analytics.dfg(log).to_pandas().mean_seconds.iloc[0] == 1800.0


def test_durations_read_french_and_english_units():
    assert analytics.parse_duration("14d") == 14 * 86400
    assert analytics.parse_duration("30min") == 1800
    assert analytics.parse_duration("2 j") == 2 * 86400
    assert analytics.parse_duration("1,5h") == 5400
    with pytest.raises(analytics.AnalyticsError, match="units"):
        analytics.parse_duration("soon")
