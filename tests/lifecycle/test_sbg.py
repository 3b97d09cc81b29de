"""The shifted-beta-geometric model against Fader & Hardie (2007), "How to project customer retention".

The paper fits the model on years 0-7 of two cohorts of 1,000 customers each (its Table 1) and
reports alpha = 0.668, beta = 3.806 (high end) and alpha = 0.704, beta = 1.182 (regular); years 8-12
are the holdout its projections are judged on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.errors import LifecycleError
from parcours.lifecycle import ShiftedBetaGeometric

HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]


def cohort(alive: list[int], years: int = 8) -> pd.DataFrame:
    return pd.DataFrame({"period": range(years), "customers": alive[:years]})


@pytest.mark.parametrize(
    ("alive", "alpha", "beta"),
    [(HIGH_END, 0.668, 3.806), (REGULAR, 0.704, 1.182)],
)
def test_reproduces_the_papers_estimates(alive: list[int], alpha: float, beta: float) -> None:
    model = ShiftedBetaGeometric().fit(cohort(alive))
    assert not model.geometric_
    assert model.params_["alpha"] == pytest.approx(alpha, abs=0.001)
    assert model.params_["beta"] == pytest.approx(beta, abs=0.001)


@pytest.mark.parametrize("alive", [HIGH_END, REGULAR])
def test_projects_the_holdout_years_within_a_few_points(alive: list[int]) -> None:
    # The paper's point: the projection of years 8-12 from years 0-7 stays close to what happened.
    model = ShiftedBetaGeometric().fit(cohort(alive))
    projected = 1000 * model.survival(np.arange(8, 13))
    observed = np.array(alive[8:13], dtype=float)
    assert np.max(np.abs(projected - observed) / observed) < 0.06
    # and retention rises with tenure (heterogeneity: the loyal stay)
    r = model.retention(np.arange(1, 13))
    assert np.all(np.diff(r) > 0)


def test_one_row_per_customer_gives_the_same_fit_as_the_cohort() -> None:
    alive = REGULAR[:8]
    rows = []
    for t in range(1, 8):
        rows += [{"periods": t, "churned": True}] * (alive[t - 1] - alive[t])
    rows += [{"periods": 7, "churned": False}] * alive[7]
    per_customer = ShiftedBetaGeometric().fit(pd.DataFrame(rows))
    per_cohort = ShiftedBetaGeometric().fit(cohort(REGULAR))
    assert per_customer.params_["alpha"] == pytest.approx(per_cohort.params_["alpha"], rel=1e-4)
    assert per_customer.params_["beta"] == pytest.approx(per_cohort.params_["beta"], rel=1e-4)
    assert per_customer.log_likelihood_ == pytest.approx(per_cohort.log_likelihood_, rel=1e-8)


def test_curves_and_lifetime_are_consistent() -> None:
    model = ShiftedBetaGeometric().fit(cohort(HIGH_END))
    t = np.arange(1, 200)
    # S(t) = S(t-1) - P(T = t) and S(t) = prod r
    assert np.allclose(model.survival(t), model.survival(t - 1) - model.churn_probability(t))
    assert np.allclose(model.survival(t), np.cumprod(model.retention(t)))
    assert model.survival(0) == pytest.approx(1.0)
    assert model.params_["alpha"] < 1
    assert model.expected_lifetime() == float("inf")
    assert model.expected_lifetime(horizon=5) == pytest.approx(
        float(model.survival(np.arange(5)).sum())
    )


@pytest.mark.parametrize("renewals", [0, 1, 4, 10])
def test_derl_equals_the_discounted_sum_of_conditional_survival(renewals: int) -> None:
    model = ShiftedBetaGeometric().fit(cohort(REGULAR))
    d = 0.10
    n = renewals + 1  # the customer is in period n
    k = np.arange(1, 5000)
    conditional = model.survival(n - 1 + k) / model.survival(n - 1)
    # Fader & Hardie (2010): the next renewal counts in full, each later one is discounted once more
    expected = float(np.sum(conditional / (1 + d) ** (k - 1)))
    assert model.derl(renewals, d) == pytest.approx(expected, rel=1e-6)


def test_clv_is_margin_times_derl_and_grows_with_tenure() -> None:
    model = ShiftedBetaGeometric().fit(cohort(REGULAR))
    customers = pd.DataFrame({"periods": [1, 2, 5]})
    clv = model.customer_lifetime_value(customers, margin=100.0, discount_rate=0.1)
    assert np.allclose(clv, 100.0 * model.derl(np.array([0, 1, 4]), 0.1))
    assert np.all(np.diff(clv) > 0)  # the longer they stayed, the longer they are expected to stay


def test_bad_input_says_what_was_expected() -> None:
    with pytest.raises(LifecycleError, match="period and customers"):
        ShiftedBetaGeometric().fit(pd.DataFrame({"x": [1]}))
    with pytest.raises(LifecycleError, match="shrink"):
        ShiftedBetaGeometric().fit(pd.DataFrame({"period": [0, 1], "customers": [10, 12]}))
    with pytest.raises(LifecycleError, match="at least one cancellation"):
        ShiftedBetaGeometric().fit(pd.DataFrame({"periods": [3, 4], "churned": [False, False]}))
    with pytest.raises(LifecycleError, match="fitted"):
        ShiftedBetaGeometric().survival(3)
    with pytest.raises(LifecycleError, match="discount"):
        ShiftedBetaGeometric().fit(cohort(REGULAR)).derl(1, 0.0)


@settings(max_examples=25, deadline=None)
@given(
    alpha=st.floats(0.3, 5.0),
    beta=st.floats(0.3, 8.0),
)
def test_recovers_planted_parameters_from_a_large_cohort(alpha: float, beta: float) -> None:
    rng = np.random.default_rng(7)
    theta = rng.beta(alpha, beta, 20_000)
    lifetimes = rng.geometric(np.clip(theta, 1e-9, 1.0))
    horizon = 12
    rows = pd.DataFrame(
        {"periods": np.minimum(lifetimes, horizon), "churned": lifetimes <= horizon}
    )
    model = ShiftedBetaGeometric().fit(rows)
    # judge the fit where the data speak: the survival curve over the observed horizon
    t = np.arange(1, horizon + 1)
    empirical = np.array([(lifetimes > k).mean() for k in t])
    assert np.max(np.abs(model.survival(t) - empirical)) < 0.02


def test_no_heterogeneity_is_the_geometric_limit_and_stays_finite() -> None:
    rng = np.random.default_rng(3)
    lifetimes = rng.geometric(0.05, 30_000)  # every customer churns 5 % a period
    rows = pd.DataFrame({"periods": np.minimum(lifetimes, 24), "churned": lifetimes <= 24})
    model = ShiftedBetaGeometric().fit(rows)
    a, b = model.params_["alpha"], model.params_["beta"]
    assert a / (a + b) == pytest.approx(0.05, rel=0.05)
    assert model.geometric_
    t = np.arange(0, 40)
    assert np.allclose(model.survival(t), 0.95**t, atol=0.01)
    assert np.all(np.isfinite(model.derl(np.arange(10), 0.01)))
    assert model.derl(0, 0.01) == pytest.approx(0.95 * 1.01 / (1.01 - 0.95), rel=0.05)


def planted_subscriptions(n: int = 6000, seed: int = 5) -> tuple[pd.DataFrame, pd.Timestamp]:
    """Customers joining over three years, each churning with a Beta(1.2, 8) monthly probability."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2023-01-01", tz="UTC")
    at = pd.Timestamp("2026-01-01", tz="UTC")
    month = pd.Timedelta(days=365.25 / 12)
    joined = (start + pd.to_timedelta(rng.uniform(0, 3 * 365, n), unit="D")).floor("s")
    theta = rng.beta(1.2, 8.0, n)
    life = np.minimum(rng.geometric(theta), 600)  # the month in which each one cancels
    cancel = (joined + life * month - pd.Timedelta(days=3)).floor("s")
    ids = [f"c{i:05d}" for i in range(n)]
    rows = [pd.DataFrame({"customer_id": ids, "ts": joined, "kind": "known", "amount": np.nan})]
    rows.append(
        pd.DataFrame({"customer_id": ids, "ts": joined, "kind": "purchase", "amount": 120.0})
    )
    keep = cancel <= at
    rows.append(
        pd.DataFrame(
            {
                "customer_id": np.array(ids)[keep],
                "ts": cancel[keep],
                "kind": "cancel",
                "amount": np.nan,
            }
        )
    )
    return pd.concat(rows, ignore_index=True), at


def test_contractual_clv_recovers_the_planted_retention_of_a_subscription_base() -> None:
    from parcours.lifecycle import choose_clv_model, contract_lifetimes, contractual_clv

    events, at = planted_subscriptions()
    lives = contract_lifetimes(events, at, "month")
    assert len(lives) == 6000
    assert lives["periods"].min() >= 1
    result = contractual_clv(events, at, "month", discount_rate=0.01)
    # the fitted curve follows the planted one: S(t) = B(1.2, 8 + t) / B(1.2, 8)
    planted = ShiftedBetaGeometric()
    planted.params_ = {"alpha": 1.2, "beta": 8.0}
    t = np.arange(0, 25)
    assert np.max(np.abs(result.model.survival(t) - planted.survival(t))) < 0.03
    # the observed (Kaplan-Meier) curve is close to the fitted one
    km = result.survival.set_index("period")
    assert np.max(np.abs(km["observed"] - km["fitted"]).iloc[:25]) < 0.03
    # only active customers are valued, each at margin x DERL, all finite
    assert len(result.table) == 6000 - result.churned
    assert np.all(np.isfinite(result.table["clv"]))
    assert np.allclose(result.table["clv"], result.table["margin"] * result.table["derl"])
    assert result.table["clv"].is_monotonic_decreasing
    # paid 120 once at joining: a customer in their first year is worth 10 a month
    young = result.table[result.table["periods"] <= 12]
    assert np.allclose(young["margin"], 10.0)
    assert choose_clv_model(True, "fr")[0] == "sbg"
    assert "résiliations" in choose_clv_model(True, "fr")[1]
    assert choose_clv_model(False, "en")[0] == "mbgnbd"


def test_contractual_clv_without_cancellations_says_what_to_map() -> None:
    from parcours.lifecycle import contractual_clv

    events, at = planted_subscriptions(200)
    events = events[events["kind"] != "cancel"]
    with pytest.raises(LifecycleError, match="cancellation date"):
        contractual_clv(events, at)
