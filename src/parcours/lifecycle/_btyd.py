# ruff: noqa: N802, N803, N806  # X (scikit-learn) and T (the BTYD papers) are the usual names
"""'Buy till you die' models: BG/NBD, modified BG/NBD, Pareto/NBD (purchases) and Gamma-Gamma (spend).

Our own NumPy/SciPy implementation of Fader, Hardie & Lee (2005, "Counting your customers the easy
way"), Batislam, Denizel & Filiztekin (2007, modified BG/NBD), Schmittlein, Morrison & Colombo (1987)
with the likelihood of Fader & Hardie's note "A note on deriving the Pareto/NBD model and related
expressions" (2005), and the Gamma-Gamma spend model of Fader, Hardie & Lee (2005, "RFM and CLV").

Each customer is summarised by ``frequency`` x (repeat purchases), ``recency`` t_x (time of the last
purchase since the first) and ``T`` (time since the first purchase), in one time unit (weeks for the
published CDNOW values). Log-likelihoods are computed in log space (``gammaln``, ``logaddexp``) and
fitted on log parameters, customers with identical (x, t_x, T) grouped into one weighted row.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
from scipy import optimize
from scipy.special import betaln, digamma, gammaln, hyp2f1, logsumexp
from sklearn.base import BaseEstimator

from parcours.lifecycle._errors import LifecycleError, ZeroRepeatAliveWarning

__all__ = [
    "BetaGeo",
    "GammaGamma",
    "HoldoutEvaluation",
    "ModifiedBetaGeo",
    "ParetoNBD",
    "evaluate_holdout",
]

F = npt.NDArray[np.float64]

# Column names accepted for each quantity, in order of preference.
_FREQUENCY = ("frequency", "x", "frequency_cal")
_RECENCY = ("recency", "t_x", "recency_cal")
_AGE = ("T", "T_cal")
_MONETARY = ("monetary_value", "zbar", "monetary_value_cal")


def _frame(X: Any) -> Any:
    """pandas view of a pandas/polars/pyarrow/Ibis table (None for arrays)."""
    module = type(X).__module__.split(".")[0]
    if module == "pandas":
        return X
    if module in ("polars", "pyarrow", "ibis"):
        return X.to_pandas()
    return None


def _column(frame: Any, names: tuple[str, ...], what: str) -> F:
    for name in names:
        if name in frame.columns:
            return np.asarray(frame[name], dtype=np.float64)
    raise LifecycleError(
        f"expected a {what} column named one of {', '.join(names)}, "
        f"found columns {', '.join(map(str, frame.columns))}"
    )


def _check(x: F, tx: F, T: F) -> None:
    problems = []
    if not (np.isfinite(x).all() and np.isfinite(tx).all() and np.isfinite(T).all()):
        problems.append("missing or infinite values")
    elif (x < 0).any():
        problems.append(f"{int((x < 0).sum())} negative frequencies")
    elif (tx < 0).any() or (tx > T * (1 + 1e-9) + 1e-9).any():
        bad = int(((tx < 0) | (tx > T * (1 + 1e-9) + 1e-9)).sum())
        problems.append(f"{bad} recencies outside [0, T]")
    elif ((x == 0) & (tx != 0)).any():
        problems.append(
            f"{int(((x == 0) & (tx != 0)).sum())} rows with frequency 0 and recency > 0"
        )
    if problems:
        raise LifecycleError(
            "expected frequency >= 0 and 0 <= recency <= T (recency 0 when frequency is 0), found "
            + problems[0]
        )


def frequency_recency_age(X: Any) -> tuple[F, F, F]:
    """(x, t_x, T) arrays from a table with frequency, recency, T columns or an (n, 3) array."""
    frame = _frame(X)
    if frame is None:
        arr = np.asarray(X, dtype=np.float64)
        if arr.ndim != 2 or arr.shape[1] < 3:
            raise LifecycleError(
                f"expected a table with frequency, recency, T columns or an (n, 3) array, "
                f"found an array of shape {arr.shape}"
            )
        x, tx, T = arr[:, 0].copy(), arr[:, 1].copy(), arr[:, 2].copy()
    else:
        x = _column(frame, _FREQUENCY, "frequency")
        tx = _column(frame, _RECENCY, "recency")
        T = _column(frame, _AGE, "T (customer age)")
    _check(x, tx, T)
    return x, tx, T


def _weights(sample_weight: Any, n: int) -> F:
    if sample_weight is None:
        return np.ones(n)
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.shape != (n,) or (w < 0).any() or not np.isfinite(w).all():
        raise LifecycleError(
            f"expected sample_weight as {n} non-negative numbers, found shape {w.shape}"
        )
    return w


def group_rows(*columns: F, weights: F | None = None) -> tuple[list[F], F]:
    """Identical rows merged into one row whose weight is the sum of theirs (hash grouping)."""
    import pandas as pd

    n = len(columns[0])
    w = np.ones(n) if weights is None else weights
    frame = pd.DataFrame({f"c{i}": c for i, c in enumerate(columns)})
    frame["w"] = w
    grouped = frame.groupby([f"c{i}" for i in range(len(columns))], sort=False).w.sum()
    keys = [
        np.asarray(grouped.index.get_level_values(i), dtype=np.float64) for i in range(len(columns))
    ]
    return keys, np.asarray(grouped.to_numpy(), dtype=np.float64)


def _indexed(values: F) -> tuple[F, npt.NDArray[np.intp]]:
    """Distinct values and the index of each row, to evaluate costly functions once per value."""
    uniq, inverse = np.unique(values, return_inverse=True)
    return uniq, inverse


def _dot(a: F, b: F) -> float:
    """Sum of products without BLAS: OpenBLAS threads fight for the cores of a busy machine and
    turn a 1 ms dot product into 15 ms."""
    return float(np.multiply(a, b).sum())


def _minimize(objective: Any, k: int, tol: float, jac: bool = False) -> Any:
    """BFGS on log parameters from 0 (parameters 1), with the analytic gradient when the model
    has one; Nelder-Mead takes over where BFGS stops short (a flat or badly scaled surface)."""
    res = optimize.minimize(
        objective, np.zeros(k), method="BFGS", jac=jac, options={"gtol": 1e-7 if jac else 1e-6}
    )
    if res.success:
        return res
    function = objective
    if jac:  # Nelder-Mead wants the value alone

        def function(logp: F) -> float:
            return float(objective(logp)[0])

    polished = optimize.minimize(
        function,
        res.x,
        method="Nelder-Mead",
        options={"xatol": tol, "fatol": tol, "maxiter": 500 * k},
    )
    return polished if polished.fun <= res.fun else res


@dataclass
class _Data:
    """Customers' (x, t_x, T) and weights. The distinct values of x, T and t_x with each row's
    index into them (``ux``/``xi``, ``uT``/``Ti``, ``utx``/``txi``) are sorted out on first use:
    the likelihoods need them, predictions never do."""

    x: F
    tx: F
    T: F
    w: F
    repeat: npt.NDArray[np.bool_]
    no_repeat: F  # 0 for repeat buyers, -inf for the others (masks the dropout term)

    @classmethod
    def build(cls, x: F, tx: F, T: F, w: F) -> _Data:
        repeat = x > 0
        return cls(x, tx, T, w, repeat, np.where(repeat, 0.0, -np.inf))

    @cached_property
    def _by_x(self) -> tuple[F, npt.NDArray[np.intp]]:
        return _indexed(self.x)

    @cached_property
    def _by_T(self) -> tuple[F, npt.NDArray[np.intp]]:
        return _indexed(self.T)

    @cached_property
    def _by_tx(self) -> tuple[F, npt.NDArray[np.intp]]:
        return _indexed(self.tx)

    @property
    def ux(self) -> F:
        return self._by_x[0]

    @property
    def xi(self) -> npt.NDArray[np.intp]:
        return self._by_x[1]

    @property
    def uT(self) -> F:
        return self._by_T[0]

    @property
    def Ti(self) -> npt.NDArray[np.intp]:
        return self._by_T[1]

    @property
    def utx(self) -> F:
        return self._by_tx[0]

    @property
    def txi(self) -> npt.NDArray[np.intp]:
        return self._by_tx[1]

    @cached_property
    def wx(self) -> F:
        """Total weight per distinct x."""
        return np.bincount(self.xi, weights=self.w, minlength=len(self.ux)).astype(np.float64)


class _TransactionModel(BaseEstimator):  # type: ignore[misc]  # sklearn is untyped
    """Fitting machinery shared by the purchase models (scikit-learn estimator contract)."""

    _param_names: ClassVar[tuple[str, ...]] = ()
    params_: dict[str, float]

    def __init__(self, penalizer_coef: float = 0.0, group: bool = True, tol: float = 1e-10) -> None:
        self.penalizer_coef = penalizer_coef
        self.group = group
        self.tol = tol

    # -- to implement -------------------------------------------------------------------------
    _has_gradient: ClassVar[bool] = False

    def _loglik(self, p: F, d: _Data) -> F:
        raise NotImplementedError

    def _value_and_gradient(self, p: F, d: _Data) -> tuple[float, F]:
        """Weighted total log-likelihood and its derivatives with respect to log(parameter)."""
        raise NotImplementedError

    # -- fitting ------------------------------------------------------------------------------
    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> _TransactionModel:
        """Maximum-likelihood parameters from frequency, recency, T (y is ignored)."""
        if self.penalizer_coef < 0:
            raise LifecycleError(f"expected penalizer_coef >= 0, found {self.penalizer_coef}")
        x, tx, T = frequency_recency_age(X)
        w = _weights(sample_weight, len(x))
        if len(x) == 0 or w.sum() == 0:
            raise LifecycleError("expected at least one customer to fit on, found none")
        if self.group:
            (x, tx, T), w = group_rows(x, tx, T, weights=w)
        d = _Data.build(x, tx, T, w)
        total = float(w.sum())
        k = len(self._param_names)

        def objective(logp: F) -> float:
            p = np.exp(logp)
            ll = self._loglik(p, d)
            value = -_dot(ll, d.w) / total + self.penalizer_coef * float(np.sum(p**2))
            return value if np.isfinite(value) else 1e100

        if self._has_gradient:

            def objective_and_gradient(logp: F) -> tuple[float, F]:
                p = np.exp(logp)
                value, grad = self._value_and_gradient(p, d)
                out = -grad / total + 2 * self.penalizer_coef * p**2
                value = -value / total + self.penalizer_coef * float(np.sum(p**2))
                if not np.isfinite(value):
                    return 1e100, np.zeros(k)
                return value, np.where(np.isfinite(out), out, 0.0)

            best = _minimize(objective_and_gradient, k, self.tol, True)
            self._finish(best, d, total)
            return self

        self._finish(_minimize(objective, k, self.tol), d, total)
        return self

    def _finish(self, best: Any, d: _Data, total: float) -> None:
        self.params_ = {n: float(v) for n, v in zip(self._param_names, np.exp(best.x), strict=True)}
        self.log_likelihood_ = _dot(self._loglik(np.exp(best.x), d), d.w)
        self.n_customers_ = total
        self.n_groups_ = len(d.x)
        self.converged_ = bool(best.success)

    def _p(self) -> F:
        if not hasattr(self, "params_"):
            raise LifecycleError(f"{type(self).__name__} is not fitted yet: call fit(X) first")
        return np.array([self.params_[n] for n in self._param_names])

    def _data(self, X: Any) -> _Data:
        x, tx, T = frequency_recency_age(X)
        return _Data.build(x, tx, T, np.ones(len(x)))

    def log_likelihood(self, X: Any) -> F:
        """Log-likelihood of each customer's (x, t_x, T) under the fitted parameters."""
        return self._loglik(self._p(), self._data(X))

    def score(self, X: Any, y: Any = None, sample_weight: Any = None) -> float:
        """Mean log-likelihood per customer (higher is better, as scikit-learn expects)."""
        ll = self.log_likelihood(X)
        return float(np.average(ll, weights=_weights(sample_weight, len(ll))))

    def predict(self, X: Any, t: float = 1.0) -> F:
        """Expected purchases of each customer in the next ``t`` time units."""
        return self.expected_purchases(X, t)

    def expected_purchases(self, X: Any, t: float) -> F:
        raise NotImplementedError

    def probability_alive(self, X: Any) -> F:
        raise NotImplementedError

    def expected_purchases_population(self, t: float | F) -> F:
        raise NotImplementedError


class BetaGeo(_TransactionModel):
    """BG/NBD (Fader, Hardie & Lee 2005): Poisson purchases at a gamma(r, alpha) rate; after each
    repeat purchase the customer drops out with a beta(a, b) probability.

    Known quirk: a customer who never bought again (x = 0) cannot have dropped out in this model,
    so P(alive) = 1 for every one of them. ``probability_alive`` warns when it returns such rows;
    :class:`ModifiedBetaGeo` and :class:`ParetoNBD` do not have the quirk.
    """

    _param_names = ("r", "alpha", "a", "b")
    quirk = (
        "BG/NBD gives P(alive) = 1 to every customer with no repeat purchase; "
        "use ModifiedBetaGeo or ParetoNBD for those customers"
    )

    def _loglik(self, p: F, d: _Data) -> F:
        r, alpha, a, b = p
        ux = d.ux
        a1 = (gammaln(r + ux) - gammaln(r))[d.xi] + r * np.log(alpha)
        a2 = (gammaln(a + b) + gammaln(b + ux) - gammaln(b) - gammaln(a + b + ux))[d.xi]
        a3 = -(r + d.x) * np.log(alpha + d.uT)[d.Ti]
        with np.errstate(divide="ignore", invalid="ignore"):
            a4 = np.where(
                d.repeat,
                np.log(a)
                - np.log(np.maximum(b + d.x - 1, 1e-300))
                - (r + d.x) * np.log(alpha + d.tx),
                -np.inf,
            )
        return np.asarray(a1 + a2 + np.logaddexp(a3, a4), dtype=np.float64)

    _has_gradient = True

    def _value_and_gradient(self, p: F, d: _Data) -> tuple[float, F]:
        r, alpha, a, b = p
        ux, w, wx = d.ux, d.w, d.wx
        total = float(wx.sum())
        lat = np.log(alpha + d.uT)[d.Ti]
        lax = np.log(alpha + d.utx)[d.txi]
        rx = r + d.x
        a3 = -rx * lat
        bx1 = np.maximum(b + d.x - 1, 1e-300)
        a4 = (np.log(a) + d.no_repeat) - np.log(bx1) - rx * lax
        high = np.maximum(a3, a4)
        rest = np.exp(-np.abs(a3 - a4))  # np.logaddexp is ~30x slower than exp + log1p
        top = high + np.log1p(rest)
        w4 = np.exp(a4 - top) * w
        w3 = w - w4
        per_x = gammaln(r + ux) - gammaln(r) + gammaln(a + b) + gammaln(b + ux) - gammaln(b)
        per_x -= gammaln(a + b + ux)
        value = _dot(wx, per_x) + total * r * np.log(alpha) + _dot(w, top)
        ab = digamma(a + b)
        dig_abx = digamma(a + b + ux)
        dr = _dot(wx, digamma(r + ux) - digamma(r)) + total * np.log(alpha)
        dr -= _dot(w3, lat) + _dot(w4, lax)
        dalpha = total * r / alpha - _dot(w3 * rx, (1.0 / (alpha + d.uT))[d.Ti])
        dalpha -= _dot(w4 * rx, (1.0 / (alpha + d.utx))[d.txi])
        w4_sum = float(w4.sum())
        da = _dot(wx, ab - dig_abx) + w4_sum / a
        db = _dot(wx, ab + digamma(b + ux) - digamma(b) - dig_abx) - _dot(w4, 1.0 / bx1)
        return value, np.array([dr * r, dalpha * alpha, da * a, db * b])

    def _odds_dead(self, d: _Data) -> F:
        r, alpha, a, b = self._p()
        with np.errstate(divide="ignore", invalid="ignore"):
            log_odds = (
                np.log(a)
                - np.log(np.maximum(b + d.x - 1, 1e-300))
                + (r + d.x) * (np.log(alpha + d.T) - np.log(alpha + d.tx))
            )
        return np.where(d.repeat, np.exp(log_odds), 0.0)

    def probability_alive(self, X: Any) -> F:
        """P(still active | x, t_x, T). Equals 1 for every x = 0 row (BG/NBD quirk, warned)."""
        self._p()  # not fitted: say so before anything else
        d = self._data(X)
        if (~d.repeat).any():
            warnings.warn(
                f"{int((~d.repeat).sum())} customers with no repeat purchase get P(alive) = 1: "
                + self.quirk,
                ZeroRepeatAliveWarning,
                stacklevel=2,
            )
        return np.asarray(1.0 / (1.0 + self._odds_dead(d)), dtype=np.float64)

    def expected_purchases(self, X: Any, t: float) -> F:
        """E[Y(t) | x, t_x, T]: expected purchases of each customer in the next ``t`` units."""
        r, alpha, a, b = self._p()
        d = self._data(X)
        z = t / (alpha + d.T + t)
        log_ratio = (r + d.x) * np.log((alpha + d.T) / (alpha + d.T + t))
        hyp = hyp2f1(r + d.x, b + d.x, a + b + d.x - 1, z)
        numer = (a + b + d.x - 1) / (a - 1) * (1 - np.exp(log_ratio) * hyp)
        return np.asarray(numer / (1.0 + self._odds_dead(d)), dtype=np.float64)

    def expected_purchases_population(self, t: float | F) -> F:
        """E[X(t)] for a customer picked at random at the time of first purchase."""
        r, alpha, a, b = self._p()
        t = np.asarray(t, dtype=np.float64)
        hyp = hyp2f1(r, b, a + b - 1, t / (alpha + t))
        return np.asarray(
            (a + b - 1) / (a - 1) * (1 - hyp * (alpha / (alpha + t)) ** r), dtype=np.float64
        )

    def probability_of_n_purchases(self, t: float, n: int) -> float:
        """P(X(t) = n) for a random new customer (Fader, Hardie & Lee 2005, eq. 8)."""
        r, alpha, a, b = self._p()
        first = (
            betaln(a, b + n)
            - betaln(a, b)
            + gammaln(r + n)
            - gammaln(r)
            - gammaln(n + 1)
            + r * np.log(alpha / (alpha + t))
            + n * np.log(t / (alpha + t))
        )
        value = np.exp(first)
        if n > 0:
            j = np.arange(n)
            terms = np.exp(
                gammaln(r + j) - gammaln(r) - gammaln(j + 1) + j * np.log(t / (alpha + t))
            )
            rest = 1 - np.sum(terms) * (alpha / (alpha + t)) ** r
            value += np.exp(betaln(a + 1, b + n - 1) - betaln(a, b)) * rest
        return float(value)


class ModifiedBetaGeo(_TransactionModel):
    """Modified BG/NBD (Batislam, Denizel & Filiztekin 2007): a customer may also drop out right
    after the first purchase, so customers with no repeat purchase get P(alive) < 1."""

    _param_names = ("r", "alpha", "a", "b")

    def _loglik(self, p: F, d: _Data) -> F:
        r, alpha, a, b = p
        ux = d.ux
        a1 = (gammaln(r + ux) - gammaln(r))[d.xi] + r * np.log(alpha)
        a2 = (gammaln(a + b) + gammaln(b + ux + 1) - gammaln(b) - gammaln(a + b + ux + 1))[d.xi]
        log_aT = np.log(alpha + d.uT)[d.Ti]
        a3 = -(r + d.x) * log_aT
        a4 = np.log(a) - np.log(b + d.x) + (r + d.x) * (log_aT - np.log(alpha + d.tx))
        return np.asarray(a1 + a2 + a3 + np.logaddexp(0.0, a4), dtype=np.float64)

    def _odds_dead(self, d: _Data) -> F:
        r, alpha, a, b = self._p()
        return np.asarray(
            a / (b + d.x) * np.exp((r + d.x) * (np.log(alpha + d.T) - np.log(alpha + d.tx))),
            dtype=np.float64,
        )

    def probability_alive(self, X: Any) -> F:
        """P(still active | x, t_x, T), below 1 also for customers with no repeat purchase."""
        return np.asarray(1.0 / (1.0 + self._odds_dead(self._data(X))), dtype=np.float64)

    def expected_purchases(self, X: Any, t: float) -> F:
        """E[Y(t) | x, t_x, T] (Batislam et al. 2007, eq. 6)."""
        r, alpha, a, b = self._p()
        d = self._data(X)
        hyp = hyp2f1(r + d.x, b + d.x + 1, a + b + d.x, t / (alpha + d.T + t))
        ratio = np.exp((r + d.x) * np.log((alpha + d.T) / (alpha + d.T + t)))
        numer = (a + b + d.x) / (a - 1) * (1 - hyp * ratio)
        return np.asarray(numer / (1.0 + self._odds_dead(d)), dtype=np.float64)

    def expected_purchases_population(self, t: float | F) -> F:
        r, alpha, a, b = self._p()
        t = np.asarray(t, dtype=np.float64)
        hyp = hyp2f1(r, b + 1, a + b, t / (alpha + t))
        return np.asarray(b / (a - 1) * (1 - hyp * (alpha / (alpha + t)) ** r), dtype=np.float64)


class ParetoNBD(_TransactionModel):
    """Pareto/NBD (Schmittlein, Morrison & Colombo 1987): Poisson purchases at a gamma(r, alpha)
    rate and an exponential lifetime at a gamma(s, beta) rate.

    The likelihood follows Fader & Hardie's note: the Gauss hypergeometric function 2F1 is taken on
    max(alpha, beta), so its argument |alpha - beta| / (max + t) stays in [0, 1), and the
    difference of the two 2F1 terms is computed in log space.
    """

    _param_names = ("r", "alpha", "s", "beta")

    @staticmethod
    def _log_a0(p: F, x: F, tx: F, T: F) -> F:
        r, alpha, s, beta = p
        if alpha >= beta:
            big, second = alpha, s + 1.0
        else:
            big, second = beta, r + x
        delta = abs(alpha - beta)
        rsx = r + s + x
        q1, q2 = big + tx, big + T
        with np.errstate(divide="ignore", invalid="ignore"):
            log_h1 = np.log(hyp2f1(rsx, second, rsx + 1.0, delta / q1))
            log_h2 = np.log(hyp2f1(rsx, second, rsx + 1.0, delta / q2))
            # h1 / q1^rsx - h2 / q2^rsx, both terms positive and the first the larger
            first = log_h1 - rsx * np.log(q1)
            other = log_h2 - rsx * np.log(q2)
            diff = logsumexp(
                np.stack([first, other]), axis=0, b=np.stack([np.ones_like(x), -np.ones_like(x)])
            )
        # t_x == T (bought at the end of the window) makes the difference exactly 0
        return np.asarray(np.where(q2 > q1, diff, -np.inf), dtype=np.float64)

    def _parts(self, p: F, d: _Data) -> tuple[F, F, F]:
        r, alpha, s, beta = p
        ux = d.ux
        a1 = (gammaln(r + ux) - gammaln(r))[d.xi] + r * np.log(alpha) + s * np.log(beta)
        alive = -(r + d.x) * np.log(alpha + d.T) - s * np.log(beta + d.T)
        dead = np.log(s) - np.log(r + s + d.x) + self._log_a0(p, d.x, d.tx, d.T)
        return a1, alive, dead

    def _loglik(self, p: F, d: _Data) -> F:
        a1, alive, dead = self._parts(p, d)
        with np.errstate(invalid="ignore", over="ignore"):
            return np.asarray(a1 + np.logaddexp(alive, dead), dtype=np.float64)

    def _alive(self, p: F, d: _Data) -> F:
        _, alive, dead = self._parts(p, d)
        return np.asarray(np.exp(alive - np.logaddexp(alive, dead)), dtype=np.float64)

    def probability_alive(self, X: Any) -> F:
        """P(still active | x, t_x, T); below 1 also for customers with no repeat purchase."""
        return self._alive(self._p(), self._data(X))

    def expected_purchases(self, X: Any, t: float) -> F:
        """E[Y(t) | x, t_x, T] = (r+x)(beta+T)/((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)]
        x P(alive) (the s = 1 limit uses a logarithm)."""
        p = self._p()
        r, alpha, s, beta = p
        d = self._data(X)
        palive = self._alive(p, d)
        if abs(s - 1.0) < 1e-9:
            horizon = np.log((beta + d.T + t) / (beta + d.T))
        else:
            horizon = (1 - ((beta + d.T) / (beta + d.T + t)) ** (s - 1)) / (s - 1)
        return np.asarray(
            (r + d.x) * (beta + d.T) / (alpha + d.T) * horizon * palive, dtype=np.float64
        )

    def expected_purchases_population(self, t: float | F) -> F:
        r, alpha, s, beta = self._p()
        t = np.asarray(t, dtype=np.float64)
        if abs(s - 1.0) < 1e-9:
            return np.asarray(r * beta / alpha * np.log((beta + t) / beta), dtype=np.float64)
        return np.asarray(
            r * beta / (alpha * (s - 1)) * (1 - (beta / (beta + t)) ** (s - 1)), dtype=np.float64
        )


class GammaGamma(BaseEstimator):  # type: ignore[misc]  # sklearn is untyped
    """Gamma-Gamma spend model (Fader, Hardie & Lee 2005): each customer's mean spend per
    transaction varies around their own gamma(p, nu) mean, with nu ~ gamma(q, v) across customers.

    Fitted on repeat buyers only (frequency > 0, ``monetary_value`` = mean spend of the repeat
    transactions); assumes spend independent of frequency (``frequency_monetary_corr_`` tells).
    """

    _param_names: ClassVar[tuple[str, ...]] = ("p", "q", "v")
    params_: dict[str, float]

    def __init__(self, penalizer_coef: float = 0.0, tol: float = 1e-10) -> None:
        self.penalizer_coef = penalizer_coef
        self.tol = tol

    @staticmethod
    def _arrays(X: Any) -> tuple[F, F]:
        frame = _frame(X)
        if frame is None:
            arr = np.asarray(X, dtype=np.float64)
            if arr.ndim != 2 or arr.shape[1] < 2:
                raise LifecycleError(
                    f"expected a table with frequency and monetary_value columns or an (n, 2) "
                    f"array, found an array of shape {arr.shape}"
                )
            return arr[:, 0].copy(), arr[:, 1].copy()
        return _column(frame, _FREQUENCY, "frequency"), _column(frame, _MONETARY, "monetary value")

    @staticmethod
    def _loglik(p: F, x: F, m: F) -> F:
        pp, q, v = p
        return np.asarray(
            gammaln(pp * x + q)
            - gammaln(pp * x)
            - gammaln(q)
            + q * np.log(v)
            + (pp * x - 1) * np.log(m)
            + pp * x * np.log(x)
            - (pp * x + q) * np.log(x * m + v),
            dtype=np.float64,
        )

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> GammaGamma:
        """Fit p, q, v on the repeat buyers of X (rows with frequency 0 are left out)."""
        x, m = self._arrays(X)
        w = _weights(sample_weight, len(x))
        keep = x > 0
        x, m, w = x[keep], m[keep], w[keep]
        if len(x) == 0:
            raise LifecycleError("expected repeat buyers (frequency > 0) to fit spend, found none")
        if not np.isfinite(m).all() or (m <= 0).any():
            raise LifecycleError(
                f"expected a positive monetary value for every repeat buyer, found "
                f"{int((~np.isfinite(m) | (m <= 0)).sum())} that are not"
            )
        total = float(w.sum())

        def objective(logp: F) -> float:
            p = np.exp(logp)
            value = -float(np.dot(self._loglik(p, x, m), w)) / total + self.penalizer_coef * float(
                np.sum(p**2)
            )
            return value if np.isfinite(value) else 1e100

        best = _minimize(objective, 3, self.tol)
        self.params_ = {n: float(v) for n, v in zip(self._param_names, np.exp(best.x), strict=True)}
        self.log_likelihood_ = float(np.dot(self._loglik(np.exp(best.x), x, m), w))
        self.n_customers_ = total
        self.frequency_monetary_corr_ = (
            float(np.corrcoef(x, m)[0, 1]) if len(x) > 1 else float("nan")
        )
        return self

    def _p(self) -> F:
        if not hasattr(self, "params_"):
            raise LifecycleError("GammaGamma is not fitted yet: call fit(X) first")
        return np.array([self.params_[n] for n in self._param_names])

    def expected_spend(self, X: Any) -> F:
        """E[Z | x, zbar] = (p (v + x zbar)) / (p x + q - 1): each customer's expected mean spend
        per transaction (the population mean p v / (q - 1) for customers with x = 0)."""
        pp, q, v = self._p()
        x, m = self._arrays(X)
        m = np.where(x > 0, np.nan_to_num(m), 0.0)
        return np.asarray(pp * (v + x * m) / (pp * x + q - 1), dtype=np.float64)

    def predict(self, X: Any) -> F:
        return self.expected_spend(X)

    def score(self, X: Any, y: Any = None, sample_weight: Any = None) -> float:
        """Mean log-likelihood per repeat buyer."""
        x, m = self._arrays(X)
        keep = x > 0
        w = _weights(sample_weight, len(x))[keep]
        return float(np.average(self._loglik(self._p(), x[keep], m[keep]), weights=w))

    def customer_lifetime_value(
        self,
        transaction_model: _TransactionModel,
        X: Any,
        months: int = 12,
        discount_rate: float = 0.01,
        unit_days: float = 7.0,
    ) -> F:
        """Discounted value of each customer's purchases over the next ``months`` months:
        sum over months i of (E[Y(i)] - E[Y(i - 1)]) x E[Z] / (1 + discount_rate)^i.

        ``discount_rate`` is monthly (0.01 = 12.7 % a year); ``unit_days`` is the length of the
        model's time unit in days (7 for weekly summaries, 1 for daily).
        """
        if discount_rate <= -1 or months < 0:
            raise LifecycleError(
                f"expected months >= 0 and a discount rate > -1, found {months}, {discount_rate}"
            )
        spend = self.expected_spend(X)
        step = 30.0 / unit_days
        value = np.zeros(len(spend))
        previous = np.zeros(len(spend))
        for i in range(1, months + 1):
            current = transaction_model.expected_purchases(X, i * step)
            value += (current - previous) * spend / (1 + discount_rate) ** i
            previous = current
        return value


@dataclass(frozen=True)
class HoldoutEvaluation:
    """How a purchase model fitted on the calibration period predicts the holdout period."""

    by_frequency: Any  # pandas: frequency_cal bucket, customers, actual, predicted (means)
    total_actual: float
    total_predicted: float
    mae: float
    rmse: float
    correlation: float


def evaluate_holdout(
    model: _TransactionModel, calibration_holdout: Any, max_frequency: int = 7
) -> HoldoutEvaluation:
    """Compare predicted and actual holdout purchases, per number of calibration repeat purchases
    (the usual BTYD check; the last bucket holds ``max_frequency`` and more)."""
    import pandas as pd

    frame = _frame(calibration_holdout)
    if frame is None:
        raise LifecycleError("expected the table returned by summary(calibration_period_end=...)")
    needed = {"frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"}
    missing = needed - set(frame.columns)
    if missing:
        raise LifecycleError(
            f"expected columns {', '.join(sorted(needed))}, missing {', '.join(sorted(missing))}"
        )
    cal = frame[["frequency_cal", "recency_cal", "T_cal"]]
    duration = np.asarray(frame["duration_holdout"], dtype=np.float64)
    predicted = np.empty(len(frame))
    for value in np.unique(duration):
        rows = duration == value
        predicted[rows] = model.expected_purchases(cal[rows], float(value))
    actual = np.asarray(frame["frequency_holdout"], dtype=np.float64)
    bucket = np.minimum(np.asarray(frame["frequency_cal"], dtype=np.int64), max_frequency)
    table = (
        pd.DataFrame({"frequency_cal": bucket, "actual": actual, "predicted": predicted})
        .groupby("frequency_cal")
        .agg(
            customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean")
        )
        .reset_index()
    )
    err = predicted - actual
    corr = float(np.corrcoef(actual, predicted)[0, 1]) if len(actual) > 1 else float("nan")
    return HoldoutEvaluation(
        by_frequency=table,
        total_actual=float(actual.sum()),
        total_predicted=float(predicted.sum()),
        mae=float(np.abs(err).mean()),
        rmse=float(np.sqrt((err**2).mean())),
        correlation=corr,
    )
