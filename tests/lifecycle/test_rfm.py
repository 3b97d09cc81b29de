"""RFM scores are balanced quintiles and every (R, FM) cell has one named segment."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.lifecycle import SEGMENTS, LifecycleError, rfm, rfm_segments, segment_of


def _transactions(n_customers: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    counts = rng.geometric(0.5, n_customers)  # most customers buy once: many ties
    ids = np.repeat([f"c{i:04d}" for i in range(n_customers)], counts)
    days = rng.integers(0, 365, len(ids))
    return pd.DataFrame(
        {
            "customer_id": ids,
            "ts": pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(days, unit="D"),
            "amount": rng.gamma(2.0, 30.0, len(ids)).round(2),
        }
    )


def test_every_cell_has_exactly_one_segment() -> None:
    grid = {(r, fm): segment_of(r, fm) for r in range(1, 6) for fm in range(1, 6)}
    assert set(grid.values()) == set(SEGMENTS)
    assert len(SEGMENTS) == 10
    assert grid[5, 5] == "champions"
    assert grid[1, 5] == "cant_lose_them"
    assert grid[1, 1] == "hibernating"
    assert grid[5, 1] == "new"
    with pytest.raises(LifecycleError, match="between 1 and 5"):
        segment_of(0, 3)


def test_quintiles_are_balanced_despite_ties() -> None:
    scores = rfm(_transactions(1000), at="2026-12-31")
    assert len(scores) == 1000
    assert (scores["frequency"] == 1).mean() > 0.4  # heavy ties on frequency
    for column in ("r", "f", "m"):
        assert scores[column].value_counts().sort_index().tolist() == [200] * 5
    # higher frequency never gets a lower F score
    ordered = scores.sort_values("frequency")
    assert ordered.groupby("frequency")["f"].min().is_monotonic_increasing
    together = rfm(_transactions(1000), at="2026-12-31", ties="together")
    assert together.groupby("frequency")["f"].nunique().max() == 1


def test_segment_table_counts_and_revenue_share_in_both_languages() -> None:
    tx = _transactions(500, seed=2)
    scores = rfm(pl.from_pandas(tx), at="2026-12-31", lang="fr")
    table = rfm_segments(scores, lang="fr")
    assert table["segment"].tolist() == list(SEGMENTS)
    assert table["customers"].sum() == 500
    assert table["revenue"].sum() == pytest.approx(tx["amount"].sum())
    assert table["revenue_share"].sum() == pytest.approx(1.0)
    assert "Champions" in table["label"].tolist()
    assert "À ne pas perdre" in table["label"].tolist()
    english = rfm_segments(rfm(tx, at="2026-12-31"), lang="en")
    assert "Can't lose them" in english["label"].tolist()
    # champions bring more revenue per customer than hibernating customers
    per = table.set_index("segment")
    assert per.loc["champions", "monetary"] > per.loc["hibernating", "monetary"]


def test_at_cuts_the_history_and_measures_recency_from_it() -> None:
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b"],
            "ts": pd.to_datetime(["2026-01-01", "2026-03-01", "2026-02-01"], utc=True),
            "amount": [10.0, 20.0, 5.0],
        }
    )
    scores = rfm(tx, at="2026-02-15").set_index("customer_id")
    assert scores.loc["a", "frequency"] == 1
    assert scores.loc["a", "recency_days"] == 45
    assert scores.loc["b", "recency_days"] == 14
    with pytest.raises(LifecycleError, match="missing amount"):
        rfm(tx.drop(columns="amount"))


@settings(max_examples=20, deadline=None)
@given(n=st.integers(5, 200), seed=st.integers(0, 1000))
def test_scores_conserve_customers_and_stay_in_range(n: int, seed: int) -> None:
    scores = rfm(_transactions(n, seed), at="2026-12-31")
    assert len(scores) == n
    for column in ("r", "f", "m", "fm"):
        assert scores[column].between(1, 5).all()
    counts = scores["r"].value_counts()
    assert counts.max() - counts.min() <= 1  # balanced to one customer
    assert rfm_segments(scores)["customers"].sum() == n
