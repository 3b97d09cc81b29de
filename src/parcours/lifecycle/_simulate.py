# ruff: noqa: N806  # X (scikit-learn) and T (the BTYD papers) are the usual names
"""Customers simulated from known BG/NBD parameters (tests and benchmarks check the fit recovers them)."""

from __future__ import annotations

from typing import Any

import numpy as np


def simulate_bgnbd(
    n: int,
    r: float,
    alpha: float,
    a: float,
    b: float,
    seed: int = 0,
    max_age_days: int = 364,
    unit_days: float = 7.0,
) -> Any:
    """``n`` customers' frequency / recency / T (in ``unit_days`` units, on a daily grid) drawn
    from the BG/NBD process: Poisson purchases at rate lambda ~ gamma(r, alpha), dropout with
    probability p ~ beta(a, b) after each repeat purchase; ages uniform over 1..max_age_days."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    age_days = rng.integers(1, max_age_days + 1, n)
    T = age_days / unit_days
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    purchases = rng.poisson(lam * T)
    last_before_death = rng.geometric(np.clip(p, 1e-12, 1.0))  # dies after this repeat purchase
    x = np.minimum(purchases, last_before_death)
    # the x-th of N uniform purchase times in [0, T] is T times a beta(x, N - x + 1) draw
    share = np.where(x > 0, rng.beta(np.maximum(x, 1), np.maximum(purchases - x + 1, 1)), 0.0)
    recency_days = np.floor(share * age_days)
    return pd.DataFrame(
        {"frequency": x.astype(np.float64), "recency": recency_days / unit_days, "T": T}
    )
