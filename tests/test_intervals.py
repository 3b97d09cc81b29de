"""The shared proportion intervals against published values."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parcours._intervals import newcombe, wilson


def test_newcombe_hybrid_score_interval_equals_the_published_examples():
    # Newcombe (1998), Statistics in Medicine 17:873-890, table II, method 10.
    diff, low, high = newcombe(56, 70, 48, 80)
    assert diff == pytest.approx(0.2)
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)
    diff, low, high = newcombe(9, 10, 3, 10)
    assert (round(low, 4), round(high, 4)) == (0.1705, 0.8090)


def test_wilson_equals_the_published_example_and_empty_groups_give_nan():
    # Newcombe (1998), Statistics in Medicine 17:857-872 (single proportion), 81/263, method 3.
    low, high = wilson(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    assert all(math.isnan(v) for v in wilson(0, 0))
    assert all(math.isnan(v) for v in newcombe(1, 2, 0, 0))


@given(st.integers(min_value=1, max_value=500), st.data())
def test_the_observed_share_stays_inside_its_interval(n, data):
    k = data.draw(st.integers(min_value=0, max_value=n))
    low, high = wilson(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0
