"""Decision rules: best persona above the threshold and ahead of the second by the margin."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from parcours.personas import UNASSIGNED, assign


def _scores(values: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        values,
        columns=[f"p{k}" for k in range(values.shape[1])],
        index=pd.Index([f"c{i}" for i in range(values.shape[0])], name="customer_id"),
    )


def test_rules_on_a_few_customers() -> None:
    scores = _scores(
        np.array(
            [
                [0.9, 0.1, 0.0],  # clear
                [0.6, 0.55, 0.0],  # too close to the second
                [0.4, 0.1, 0.0],  # below the threshold
                [0.2, 0.3, 0.95],  # clear, third persona
            ]
        )
    )
    result = assign(scores, threshold=0.5, margin=0.1)
    assert list(result.columns) == ["customer_id", "persona", "score", "confidence"]
    assert result["persona"].tolist() == ["p0", UNASSIGNED, UNASSIGNED, "p2"]
    assert result["score"].tolist() == [0.9, 0.6, 0.4, 0.95]
    np.testing.assert_allclose(result["confidence"], [0.8, 0.05, 0.3, 0.65])


def test_one_persona_has_its_score_as_confidence() -> None:
    result = assign(_scores(np.array([[0.7], [0.2]])), threshold=0.5, margin=0.1)
    assert result["persona"].tolist() == ["p0", UNASSIGNED]
    assert result["confidence"].tolist() == [0.7, 0.2]


unit = st.floats(0, 1, allow_nan=False)


@settings(max_examples=80, deadline=None)
@given(
    values=arrays(np.float64, st.tuples(st.integers(1, 40), st.integers(1, 5)), elements=unit),
    low=unit,
    high=unit,
    margin=st.floats(0, 0.5, allow_nan=False),
)
def test_raising_the_threshold_only_shrinks_each_persona(
    values: np.ndarray, low: float, high: float, margin: float
) -> None:
    low, high = min(low, high), max(low, high)
    scores = _scores(values)
    loose = assign(scores, threshold=low, margin=margin)
    strict = assign(scores, threshold=high, margin=margin)
    for persona in scores.columns:
        kept = set(strict.loc[strict["persona"] == persona, "customer_id"])
        before = set(loose.loc[loose["persona"] == persona, "customer_id"])
        assert kept <= before
    # nobody moves from one persona to another: they stay or become unassigned
    moved = (strict["persona"] != loose["persona"]) & (strict["persona"] != UNASSIGNED)
    assert not moved.any()
