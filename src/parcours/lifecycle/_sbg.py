# ruff: noqa: N803  # X is scikit-learn's name for the input table
"""The shifted-beta-geometric (sBG) model of contractual retention (Fader & Hardie 2007).

In a subscription business a customer renews at the end of every period until they cancel; the
cancellation is observed. Each customer has a constant churn probability ``theta`` per period and
``theta`` varies across customers as Beta(alpha, beta). Then, for the lifetime ``T`` (the period in
which the customer cancels, 1, 2, ...)::

    P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta)
    S(t)     = P(T > t) = B(alpha, beta + t) / B(alpha, beta)
    r(t)     = S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1)   (retention rises with t)

Fader, P. S. & Hardie, B. G. S. (2007), "How to project customer retention", Journal of
Interactive Marketing 21(1); the discounted expected residual lifetime (DERL) is from Fader &
Hardie (2010), "Customer-base valuation in a contractual setting: the perils of ignoring
heterogeneity", Marketing Science 29(1)::

    DERL(d | n - 1 renewals) = (beta + n - 1) / (alpha + beta + n - 1)
                               * 2F1(1, beta + n; alpha + beta + n; 1 / (1 + d))

Conventions: a *period* is the contract's renewal period (a month, a year); ``periods`` for a
customer is the number of periods they started (1 for someone who cancelled during the first
period); ``churned`` says whether they cancelled during their last started period.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import optimize, special
from sklearn.base import BaseEstimator

from parcours.errors import LifecycleError

__all__ = ["ShiftedBetaGeometric"]

F = npt.NDArray[np.float64]
LOG_MIN, LOG_MAX = -9.0, 12.0  # alpha and beta between 1e-4 and 1.6e5
POLARISATION_MIN = 1e-3  # below it, churn rates hardly vary across customers


def _log_beta(a: F | float, b: F | float) -> F:
    return np.asarray(special.betaln(a, b), dtype=np.float64)


def _cohort_counts(table: Any) -> tuple[F, F]:
    """From a cohort table (period, customers): the lost in each period 1..n and the survivors."""
    frame = pd.DataFrame(table)
    missing = {"period", "customers"} - set(frame.columns)
    if missing:
        raise LifecycleError(
            "expected a cohort table with columns period and customers (or one row per customer "
            f"with periods and churned), found columns {sorted(map(str, frame.columns))}"
        )
    frame = frame.sort_values("period")
    periods = frame["period"].to_numpy(dtype=np.float64)
    alive = frame["customers"].to_numpy(dtype=np.float64)
    if len(alive) < 2 or not np.array_equal(periods, np.arange(len(periods), dtype=np.float64)):
        raise LifecycleError(
            "expected consecutive periods 0, 1, 2... (at least two), found "
            f"{periods.astype(int).tolist()}"
        )
    if np.any(np.diff(alive) > 0) or np.any(alive < 0) or alive[0] <= 0:
        raise LifecycleError(
            "expected the customers still subscribed to shrink (or stay) from one period to the "
            f"next, found {alive.astype(int).tolist()}"
        )
    lost = -np.diff(alive)  # lost during period 1, 2, ..., n
    return lost, alive[-1:]


class ShiftedBetaGeometric(BaseEstimator):  # type: ignore[misc]  # sklearn is untyped
    """Contractual retention: fit on a cohort table or on one row per customer.

    ``fit(X)`` takes either columns ``period`` (0, 1, 2...) and ``customers`` (still subscribed at the
    start of each period: period 0 is the cohort's size), or one row per customer with ``periods``
    (periods started, >= 1) and ``churned`` (cancelled during the last one). Learned: ``params_``
    (``alpha``, ``beta``), ``log_likelihood_``, ``geometric_`` (True when the data show no
    heterogeneity: the polarisation ``1 / (alpha + beta + 1)`` is under 0.001, every customer churns
    at about the same rate ``alpha / (alpha + beta)`` and the curves are those of one geometric
    lifetime).
    """

    def __init__(self, tol: float = 1e-10) -> None:
        self.tol = tol

    # -- fitting ---------------------------------------------------------------------------
    @staticmethod
    def _rows(table: Any) -> tuple[F, F, F, F]:
        """Lifetimes t with weights for P(T = t) and for S(t)."""
        frame = pd.DataFrame(table)
        if {"periods", "churned"} <= set(frame.columns):
            periods = frame["periods"].to_numpy(dtype=np.float64)
            if len(periods) == 0 or np.any(periods < 1) or np.any(periods != np.floor(periods)):
                raise LifecycleError(
                    "expected periods to be whole numbers >= 1 (periods started), found "
                    f"{sorted(set(periods.tolist()))[:5]}"
                )
            churned = frame["churned"].astype(bool).to_numpy()
            t_lost, w_lost = np.unique(periods[churned], return_counts=True)
            t_alive, w_alive = np.unique(periods[~churned], return_counts=True)
            return (
                t_lost.astype(np.float64),
                w_lost.astype(np.float64),
                t_alive.astype(np.float64),
                w_alive.astype(np.float64),
            )
        lost, survivors = _cohort_counts(frame)
        n = len(lost)
        return (
            np.arange(1, n + 1, dtype=np.float64),
            lost,
            np.array([float(n)]),
            survivors,
        )

    @staticmethod
    def _loglik(logp: F, t_lost: F, w_lost: F, t_alive: F, w_alive: F) -> float:
        a, b = np.exp(logp)
        base = _log_beta(a, b)
        lost = _log_beta(a + 1.0, b + t_lost - 1.0) - base
        alive = _log_beta(a, b + t_alive) - base
        return float(np.dot(w_lost, lost) + np.dot(w_alive, alive))

    def fit(self, X: Any, y: Any = None) -> ShiftedBetaGeometric:
        t_lost, w_lost, t_alive, w_alive = self._rows(X)
        if w_lost.sum() == 0:
            raise LifecycleError(
                "expected at least one cancellation to fit the sBG model, found none: "
                "retention cannot be estimated without observed churn"
            )
        total = float(w_lost.sum() + w_alive.sum())

        def objective(logp: F) -> float:
            return -self._loglik(logp, t_lost, w_lost, t_alive, w_alive) / total

        # Bounded in log space: when every customer has about the same churn probability, the
        # likelihood keeps rising as alpha and beta grow together (the geometric limit); the bound
        # stops there and ``geometric_`` says so.
        bounds = [(LOG_MIN, LOG_MAX), (LOG_MIN, LOG_MAX)]
        best: Any = None
        for start in ((0.0, 0.0), (-1.0, 1.0), (1.0, 2.0), (3.0, 6.0)):
            found = optimize.minimize(
                objective,
                np.array(start),
                method="L-BFGS-B",
                bounds=bounds,
                options={"ftol": self.tol, "gtol": 1e-10, "maxiter": 10_000},
            )
            if best is None or found.fun < best.fun:
                best = found
        alpha, beta = (float(v) for v in np.exp(best.x))
        self.params_ = {"alpha": alpha, "beta": beta}
        self.log_likelihood_ = -float(best.fun) * total
        self.n_customers_ = total
        # polarisation 1 / (alpha + beta + 1): 0 when every customer has the same churn rate
        self.geometric_ = bool(1.0 / (alpha + beta + 1.0) < POLARISATION_MIN)
        return self

    # -- predictions -----------------------------------------------------------------------
    def _ab(self) -> tuple[float, float]:
        if not hasattr(self, "params_"):
            raise LifecycleError("expected a fitted model: call fit() first")
        return self.params_["alpha"], self.params_["beta"]

    def survival(self, periods: Any) -> F:
        """S(t): the share of a new cohort still subscribed after ``t`` periods (S(0) = 1)."""
        a, b = self._ab()
        t = np.asarray(periods, dtype=np.float64)
        return np.exp(_log_beta(a, b + t) - _log_beta(a, b))

    def retention(self, periods: Any) -> F:
        """r(t): the share of those subscribed in period t - 1 who renew for period t (t >= 1)."""
        a, b = self._ab()
        t = np.asarray(periods, dtype=np.float64)
        return (b + t - 1.0) / (a + b + t - 1.0)

    def churn_probability(self, periods: Any) -> F:
        """P(T = t): the share of a new cohort that cancels during period t (t >= 1)."""
        a, b = self._ab()
        t = np.asarray(periods, dtype=np.float64)
        return np.exp(_log_beta(a + 1.0, b + t - 1.0) - _log_beta(a, b))

    def expected_lifetime(self, horizon: int | None = None) -> float:
        """Mean number of periods a new customer stays (truncated at ``horizon`` when given).

        Without a horizon it is ``(alpha + beta - 1) / (alpha - 1)``, infinite when alpha <= 1
        (the heterogeneity leaves enough loyal customers for the mean to diverge).
        """
        a, b = self._ab()
        if horizon is None:
            return float("inf") if a <= 1.0 else (a + b - 1.0) / (a - 1.0)
        return float(self.survival(np.arange(horizon)).sum())

    def derl(self, renewals: Any, discount_rate: float) -> F:
        """Discounted expected residual lifetime of a customer who has renewed ``renewals`` times
        (``n - 1`` in Fader & Hardie 2010), in periods, discounted at ``discount_rate`` per period."""
        if discount_rate <= 0:
            raise LifecycleError(
                f"expected a discount rate above 0 per period, found {discount_rate}"
            )
        a, b = self._ab()
        n = np.asarray(renewals, dtype=np.float64) + 1.0
        if np.any(n < 1):
            raise LifecycleError("expected renewals >= 0, found a negative count")
        ratio = (b + n - 1.0) / (a + b + n - 1.0)
        return np.asarray(
            ratio * special.hyp2f1(1.0, b + n, a + b + n, 1.0 / (1.0 + discount_rate)),
            dtype=np.float64,
        )

    def customer_lifetime_value(self, X: Any, margin: Any, discount_rate: float) -> F:
        """Residual CLV per active customer: margin per period × DERL.

        ``X`` has one row per customer with ``periods`` (periods started); ``margin`` is the value of
        one period's renewal (a number or one per row).
        """
        frame = pd.DataFrame(X)
        if "periods" not in frame.columns:
            raise LifecycleError(
                f"expected a column periods, found {sorted(map(str, frame.columns))}"
            )
        renewals = frame["periods"].to_numpy(dtype=np.float64) - 1.0
        return np.asarray(margin, dtype=np.float64) * self.derl(renewals, discount_rate)
