"""The public surface is explicit, and importing parcours starts nothing."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import parcours
from parcours import analytics


def test_top_level_names():
    assert set(parcours.__all__) >= {"Workspace", "ParcoursError", "__version__"}
    for name in parcours.__all__:
        assert getattr(parcours, name) is not None
    assert issubclass(parcours.WorkspaceError, parcours.ParcoursError)
    assert issubclass(parcours.MappingError, parcours.ParcoursError)


@pytest.mark.parametrize("module", ["parcours", "parcours.cli"])
def test_importing_parcours_or_its_cli_loads_no_engine(module):
    # The CLI registers every capability's commands at start-up: none may load an engine there.
    code = (
        f"import sys, {module}; "
        "print(sorted(m for m in ('duckdb', 'ibis', 'pyspark', 'pandas', 'sklearn', 'scipy') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


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
