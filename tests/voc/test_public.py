"""Tables accepted by parcours.voc in any of the usual forms (its names: test_exported_members.py)."""

from __future__ import annotations

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import parcours.voc as voc

RESPONSES = {
    "stage": ["quote"] * 4 + ["cancel"] * 2,
    "channel": ["web", "web", "phone", "web", "mail", "mail"],
    "metric": ["nps", "nps", "nps", "csat", "nps", "ces"],
    "score": [10.0, 6.0, 9.0, 5.0, 0.0, 4.0],
    "ts": pd.to_datetime([f"2026-01-0{d}" for d in range(1, 7)], utc=True),
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
def test_satisfaction_accepts_pandas_polars_pyarrow(make: object) -> None:
    table = voc.satisfaction(make(RESPONSES), ["stage"], min_n=3)  # type: ignore[operator]
    quote = table[(table["stage"] == "quote") & (table["metric"] == "nps")].iloc[0]
    # 2 promoters, 1 detractor of 3: NPS = 33.3 points, n = 3, not small with min_n = 3
    assert quote["value"] == pytest.approx(100 / 3)
    assert quote["n"] == 3
    assert not quote["small_sample"]
    cancel = table[(table["stage"] == "cancel") & (table["metric"] == "ces")].iloc[0]
    assert cancel["value"] == 4.0
    assert cancel["small_sample"]


def test_satisfaction_by_period() -> None:
    table = voc.satisfaction(pd.DataFrame(RESPONSES), ["period"], metrics=["nps"])
    assert list(table["n"]) == [4]
    with pytest.raises(voc.VocError, match="period_unit"):
        voc.satisfaction(pd.DataFrame(RESPONSES), ["period"], period_unit="fortnight")
    with pytest.raises(voc.VocError, match="expected columns of the responses table"):
        voc.satisfaction(pd.DataFrame(RESPONSES), ["persona"])
