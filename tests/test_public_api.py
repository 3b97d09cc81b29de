"""Analytics take pandas, polars and pyarrow tables alike (the names: test_exported_members.py)."""

from __future__ import annotations

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import parcours
from parcours import analytics

FRAME = {
    "customer_id": ["a", "a", "b", "c"],
    "stage": ["quote", "quote", "quote", "subscribe"],
    "channel": ["web", "phone", "web", "web"],
    "ts": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"], utc=True),
}


@pytest.mark.parametrize(
    "make",
    [
        pd.DataFrame,
        lambda d: pl.from_pandas(pd.DataFrame(d)),
        lambda d: pa.Table.from_pandas(pd.DataFrame(d)),
    ],
    ids=["pandas", "polars", "pyarrow"],
)
def test_analytics_accept_pandas_polars_and_pyarrow(make):
    matrix = analytics.stage_channel_matrix(make(FRAME)).to_pandas()
    quote_web = matrix[(matrix.stage == "quote") & (matrix.channel == "web")].iloc[0]
    assert (quote_web.interactions, quote_web.customers) == (2, 2)
    assert quote_web.channel_share == pytest.approx(2 / 3)


def test_analytics_refuse_what_is_not_a_table():
    with pytest.raises(parcours.ParcoursError, match="expected an Ibis, pandas, polars or pyarrow"):
        analytics.stage_channel_matrix([1, 2, 3])
