"""Survey formulas against hand-computed values (z = 1.959964 for 95 %)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from parcours.errors import ParcoursError
from parcours.voc import agresti_coull, ces, csat, nps, wilson


def test_nps_adjusted_wald_balanced() -> None:
    # 4 promoters (10, 9, 9, 10), 2 passives (8, 7), 4 detractors (6, 3, 0, 5): NPS = 0.
    # n~ = 13, p~ = d~ = 4.75 / 13 = 0.365385; se = sqrt(0.730769 / 13) = 0.237093;
    # half-width = 1.959964 x 0.237093 = 0.464693.
    result = nps([10, 9, 9, 10, 8, 7, 6, 3, 0, 5])
    assert result.value == 0
    assert result.n == 10
    assert result.counts == {"promoters": 4, "passives": 2, "detractors": 4}
    assert result.ci_low == pytest.approx(-46.4693, abs=1e-3)
    assert result.ci_high == pytest.approx(46.4693, abs=1e-3)
    assert result.small_sample
    assert result.method == "adjusted-wald"


def test_nps_adjusted_wald_skewed() -> None:
    # 12 promoters, 5 passives, 3 detractors: NPS = (12 - 3) / 20 = 45 points.
    # n~ = 23, p~ = 12.75/23 = 0.554348, d~ = 3.75/23 = 0.163043, NPS~ = 0.391304;
    # var = (0.717391 - 0.391304^2) / 23 = 0.024534, se = 0.156633, half = 0.306995.
    scores = [9] * 6 + [10] * 6 + [7, 8, 8, 7, 8] + [0, 6, 4]
    result = nps(scores, min_n=20)
    assert result.value == pytest.approx(45.0)
    assert result.ci_low == pytest.approx(8.431, abs=1e-2)
    assert result.ci_high == pytest.approx(69.830, abs=1e-2)
    assert not result.small_sample  # n = 20 reaches min_n = 20


def test_nps_accepts_series_and_drops_missing() -> None:
    result = nps(pd.Series([10.0, None, 0.0]))
    assert (result.n, result.value) == (2, 0.0)
    assert nps(np.array([9, 10])).value == 100
    assert nps(pd.Series([10, None, 3], dtype="Int64")).n == 2  # nullable integers
    import polars as pl

    assert nps(pl.Series([10, None, 3])).n == 2


def test_nps_rejects_out_of_scale() -> None:
    with pytest.raises(ParcoursError, match=r"expected whole scores from 0 to 10.*11"):
        nps([3, 11])


def test_nps_empty() -> None:
    result = nps([])
    assert result.n == 0
    assert math.isnan(result.value)
    assert result.small_sample


def test_wilson_and_agresti_coull_8_of_10() -> None:
    # Wilson: centre (0.8 + 3.841459/20) / 1.384146 = 0.716738,
    # half = 1.959964 / 1.384146 x sqrt(0.016 + 3.841459/400) = 0.226577.
    assert wilson(8, 10) == pytest.approx((0.490161, 0.943315), abs=1e-5)
    # Agresti-Coull: n~ = 13.841459, p~ = 9.920729 / 13.841459 = 0.716738,
    # half = 1.959964 x sqrt(p~ (1 - p~) / n~) = 0.237375.
    assert agresti_coull(8, 10) == pytest.approx((0.479363, 0.954113), abs=1e-5)


def test_csat_top2_box() -> None:
    result = csat([5, 4, 4, 3, 2, 5, 1, 4, 5, 5])  # 7 answers of 4-5 out of 10
    assert result.value == pytest.approx(70.0)
    low, high = wilson(7, 10)
    assert (result.ci_low, result.ci_high) == pytest.approx((100 * low, 100 * high))
    assert result.mean == pytest.approx(3.8)
    ac = csat([5, 4, 4, 3, 2, 5, 1, 4, 5, 5], method="agresti-coull")
    assert ac.method == "agresti-coull"
    assert ac.value == pytest.approx(70.0)


def test_csat_mean() -> None:
    # mean 3, sample variance 2.5 (1..5), se = sqrt(2.5 / 5) = 0.707107, t(0.975, 4) = 2.776445.
    result = csat([1, 2, 3, 4, 5], statistic="mean")
    assert result.value == pytest.approx(3.0)
    assert result.ci_low == pytest.approx(3 - 1.963243, abs=1e-5)
    assert result.ci_high == pytest.approx(3 + 1.963243, abs=1e-5)


def test_ces_effort_5() -> None:
    # mean 2.6, squares of deviations sum 9.2, var 2.3, se 0.678233, half 2.776445 x se = 1.883077
    result = ces([1, 2, 2, 3, 5])
    assert result.value == pytest.approx(2.6)
    assert (result.ci_low, result.ci_high) == pytest.approx((0.716923, 4.483077), abs=1e-5)
    assert result.counts["agree"] == 3  # low effort: answers 1-2
    share = ces([1, 2, 2, 3, 5], statistic="agree")
    assert share.value == pytest.approx(60.0)


def test_ces_agree_7() -> None:
    result = ces([7, 6, 5, 4, 2, 1, 7, 5], scale="agree-7")  # 5 answers of 5-7 out of 8
    assert result.value == pytest.approx(62.5)
    assert result.mean == pytest.approx(37 / 8)
    with pytest.raises(ParcoursError, match="from 1 to 5"):
        ces([6])


def test_small_sample_threshold_is_configurable() -> None:
    assert nps([10] * 29).small_sample
    assert not nps([10] * 30).small_sample
    assert not nps([10] * 5, min_n=5).small_sample


@given(st.lists(st.integers(0, 10), min_size=1, max_size=200))
def test_nps_interval_properties(scores: list[int]) -> None:
    result = nps(scores)
    assert -100 <= result.ci_low <= result.ci_high <= 100
    assert -100 <= result.value <= 100
    promoters = sum(s >= 9 for s in scores)
    detractors = sum(s <= 6 for s in scores)
    assert result.value == pytest.approx(100 * (promoters - detractors) / len(scores))


@given(st.integers(0, 300), st.integers(0, 300))
def test_proportion_intervals_contain_estimate(successes: int, extra: int) -> None:
    n = successes + extra
    if n == 0:
        return
    for method in (wilson, agresti_coull):
        low, high = method(successes, n)
        assert 0 <= low <= successes / n <= high <= 1
