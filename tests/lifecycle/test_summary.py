"""The frequency / recency / T summary: conservation of purchase days, inputs of every kind."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.lifecycle import LifecycleError, summary


@settings(max_examples=20, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 60), st.floats(1, 100)), min_size=1, max_size=40
    )
)
def test_purchase_days_are_conserved(rows: list[tuple[int, int, float]]) -> None:
    frame = pd.DataFrame(rows, columns=["customer_id", "day", "amount"])
    frame["ts"] = pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(frame["day"], unit="D")
    out = summary(frame, monetary_value_col="amount", freq="D")
    distinct = frame[["customer_id", "day"]].drop_duplicates()
    assert (out["frequency"] + 1).sum() == len(distinct)
    assert (out["recency"] <= out["T"]).all()
    assert (out["recency"] >= 0).all()
    first_day = frame.groupby("customer_id")["day"].min()
    repeat_value = (
        frame["amount"].sum()
        - frame[frame["day"] == frame["customer_id"].map(first_day)]["amount"].sum()
    )
    assert (out["monetary_value"] * out["frequency"]).sum() == pytest.approx(repeat_value)


@pytest.mark.parametrize(
    "make",
    [lambda f: f, pl.from_pandas, lambda f: pa.Table.from_pandas(f)],
    ids=["pandas", "polars", "pyarrow"],
)
def test_calibration_and_holdout_from_any_table(make) -> None:  # type: ignore[no-untyped-def]
    frame = pd.DataFrame(
        {
            "id": ["a", "a", "a", "b", "c"],
            "when": pd.to_datetime(
                ["2026-01-01", "2026-01-15", "2026-03-01", "2026-01-08", "2026-02-20"]
            ),
            "value": [10.0, 20.0, 30.0, 5.0, 7.0],
        }
    )
    out = summary(
        make(frame),
        customer_id_col="id",
        datetime_col="when",
        monetary_value_col="value",
        observation_period_end="2026-03-31",
        calibration_period_end="2026-01-31",
        freq="W",
    ).set_index("id")
    assert list(out.index) == ["a", "b"]  # c's first purchase is after the calibration end
    assert out.loc["a", "frequency_cal"] == 1
    assert out.loc["a", "recency_cal"] == pytest.approx(2.0)
    assert out.loc["a", "T_cal"] == pytest.approx(30 / 7)
    assert out.loc["a", "monetary_value_cal"] == 20.0
    assert out.loc["a", "frequency_holdout"] == 1
    assert out.loc["a", "monetary_value_holdout"] == 30.0
    assert np.allclose(out["duration_holdout"], 59 / 7)


def test_summary_errors_say_what_is_expected() -> None:
    frame = pd.DataFrame({"customer_id": ["a"], "ts": ["2026-01-01"], "amount": [1.0]})
    with pytest.raises(LifecycleError, match="parse it first"):
        summary(frame)
    with pytest.raises(LifecycleError, match="missing amnt"):
        summary(frame, monetary_value_col="amnt")
    with pytest.raises(LifecycleError, match="freq among D, W, M"):
        summary(frame, freq="Y")
