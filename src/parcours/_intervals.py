"""Confidence intervals for proportions, shared by the capabilities that report rates: survey
scores (voc), reactivation against a control group (lifecycle), scenario uplift (orchestrate).

Plain ``math``: no engine, no model library.
"""

from __future__ import annotations

import math

__all__ = ["Z95", "clip_share", "newcombe", "wilson"]

Z95 = 1.959963984540054  # the standard normal quantile of 0.975


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of ``successes / n`` (Wilson 1927) as shares 0..1; NaN, NaN when
    ``n`` is 0. ``z``: the normal quantile of the confidence level (1.96 for 95 %)."""
    if n == 0:
        return math.nan, math.nan
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return clip_share(successes, n, centre - half, centre + half)


def clip_share(successes: int, n: int, low: float, high: float) -> tuple[float, float]:
    """An interval of ``successes / n`` kept within 0..1 and around the observed share: rounding
    must not put the observed share outside its own interval at 0 % or 100 %."""
    low = 0.0 if successes == 0 else max(0.0, min(low, successes / n))
    high = 1.0 if successes == n else min(1.0, max(high, successes / n))
    return low, high


def newcombe(
    successes_1: int, n_1: int, successes_0: int, n_0: int, z: float = Z95
) -> tuple[float, float, float]:
    """The difference of two proportions p1 - p0 with Newcombe's hybrid score interval (1998,
    method 10: from the two Wilson intervals): (difference, low, high); NaN when a group is
    empty."""
    if n_1 == 0 or n_0 == 0:
        return math.nan, math.nan, math.nan
    p1, p0 = successes_1 / n_1, successes_0 / n_0
    low_1, high_1 = wilson(successes_1, n_1, z)
    low_0, high_0 = wilson(successes_0, n_0, z)
    diff = p1 - p0
    return (
        diff,
        diff - math.sqrt((p1 - low_1) ** 2 + (high_0 - p0) ** 2),
        diff + math.sqrt((high_1 - p1) ** 2 + (p0 - low_0) ** 2),
    )
