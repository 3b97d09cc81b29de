"""Survey metrics with their sample size and confidence interval: NPS, CSAT, CES, proportions.

Every function takes the raw answers (a list, NumPy array or pandas Series; missing answers are
dropped) and returns a :class:`MetricResult`. The counting versions (``nps_from_counts``...) take
the sufficient statistics, so that a grouped aggregation can run in the engine (Ibis) and only the
interval maths runs here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from parcours import _intervals
from parcours._intervals import clip_share
from parcours.voc._errors import VocError

__all__ = [
    "DEFAULT_MIN_N",
    "MetricResult",
    "agresti_coull",
    "ces",
    "ces_from_counts",
    "csat",
    "csat_from_counts",
    "mean_interval",
    "nps",
    "nps_from_counts",
    "wilson",
]

DEFAULT_MIN_N = 30
"""Below this many answers a result is flagged ``small_sample`` (configurable per call)."""

ProportionMethod = Literal["wilson", "agresti-coull"]
CesScale = Literal["effort-5", "agree-7"]


@dataclass(frozen=True)
class MetricResult:
    """A survey metric: its value, the number of answers, the interval and how it was computed.

    NPS is in points (-100..100); CSAT and the CES "% agree" in percent (0..100); means on the
    scale of the question. ``ci_low``/``ci_high`` are ``nan`` when there is no answer.
    """

    metric: str
    value: float
    n: int
    ci_low: float
    ci_high: float
    small_sample: bool
    method: str
    confidence: float = 0.95
    counts: dict[str, int] = field(default_factory=dict)
    mean: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "value": self.value,
            "n": self.n,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "small_sample": self.small_sample,
            "method": self.method,
            "confidence": self.confidence,
            "mean": self.mean,
            **self.counts,
        }


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise VocError(f"confidence: expected a level strictly between 0 and 1, found {confidence}")
    from scipy.stats import norm

    return float(norm.ppf(0.5 + confidence / 2))


def _answers(scores: Iterable[Any], low: float, high: float, what: str) -> np.ndarray:
    if hasattr(scores, "to_numpy"):  # pandas / polars series, nullable integers included
        try:
            raw = scores.to_numpy(dtype="float64", na_value=np.nan)
        except TypeError:  # polars: nulls already come out as NaN
            raw = scores.to_numpy()
        values = np.asarray(raw, dtype="float64")
    else:
        values = np.asarray([np.nan if s is None else s for s in scores], dtype="float64")
    values = values[~np.isnan(values)]
    values = np.asarray(values, dtype="float64")
    bad = values[(values < low) | (values > high) | (values != np.round(values))]
    if bad.size:
        raise VocError(
            f"{what}: expected whole scores from {low:g} to {high:g}, "
            f"found {bad.size} other value(s), e.g. {bad[0]:g}"
        )
    return values


def _flag(n: int, min_n: int) -> bool:
    return n < min_n


def nps_from_counts(
    promoters: int,
    passives: int,
    detractors: int,
    *,
    confidence: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
) -> MetricResult:
    """NPS from its three counts, with the adjusted-Wald interval.

    Adjusted Wald for the NPS (Rocks, B. 2016, "Interval estimation for the 'net promoter score'",
    *The American Statistician* 70(4), 365-372; recommended by Sauro & Lewis, MeasuringU,
    "Evaluating NPS confidence intervals with real-world data", 2021): add 3 to n and 3/4 to the
    promoters and to the detractors, then use the variance of a difference of two proportions of
    one multinomial sample::

        n~ = n + 3,  p~ = (P + 3/4) / n~,  d~ = (D + 3/4) / n~
        NPS~ = p~ - d~,  se = sqrt((p~ + d~ - (p~ - d~)^2) / n~)
        interval = NPS~ +/- z * se, clipped to [-100, 100]

    ``value`` is the observed NPS (P - D) / n; the interval is centred on the adjusted NPS~.
    """
    n = promoters + passives + detractors
    counts = {"promoters": promoters, "passives": passives, "detractors": detractors}
    if min(counts.values()) < 0:
        raise VocError(f"NPS counts: expected non-negative counts, found {counts}")
    if n == 0:
        return MetricResult("nps", math.nan, 0, math.nan, math.nan, True, "adjusted-wald",
                            confidence, counts)  # fmt: skip
    z = _z(confidence)
    n_adj = n + 3
    p = (promoters + 0.75) / n_adj
    d = (detractors + 0.75) / n_adj
    centre = p - d
    se = math.sqrt((p + d - centre**2) / n_adj)
    return MetricResult(
        metric="nps",
        value=100 * (promoters - detractors) / n,
        n=n,
        ci_low=max(-100.0, 100 * (centre - z * se)),
        ci_high=min(100.0, 100 * (centre + z * se)),
        small_sample=_flag(n, min_n),
        method="adjusted-wald",
        confidence=confidence,
        counts=counts,
    )


def nps(
    scores: Iterable[Any], *, confidence: float = 0.95, min_n: int = DEFAULT_MIN_N
) -> MetricResult:
    """Net Promoter Score of 0-10 answers: % promoters (9-10) - % detractors (0-6), in points.

    The interval is the adjusted-Wald interval (see :func:`nps_from_counts`).
    """
    values = _answers(scores, 0, 10, "NPS")
    return nps_from_counts(
        int((values >= 9).sum()),
        int(((values >= 7) & (values <= 8)).sum()),
        int((values <= 6).sum()),
        confidence=confidence,
        min_n=min_n,
    )


def wilson(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion (Wilson 1927), as shares 0..1."""
    if n == 0:
        return math.nan, math.nan
    return _intervals.wilson(successes, n, _z(confidence))


def agresti_coull(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Agresti-Coull interval (Agresti & Coull 1998): add z^2/2 successes and z^2/2 failures."""
    if n == 0:
        return math.nan, math.nan
    z = _z(confidence)
    n_adj = n + z * z
    p = (successes + z * z / 2) / n_adj
    half = z * math.sqrt(p * (1 - p) / n_adj)
    return clip_share(successes, n, p - half, p + half)


def _proportion(successes: int, n: int, method: str, confidence: float) -> tuple[float, float]:
    if method == "wilson":
        return wilson(successes, n, confidence)
    if method == "agresti-coull":
        return agresti_coull(successes, n, confidence)
    raise VocError(f"interval method: expected wilson or agresti-coull, found {method!r}")


def mean_interval(
    total: float, total_squares: float, n: int, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Mean and Student-t interval from n, the sum and the sum of squares of the answers."""
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = total / n
    if n == 1:
        return mean, math.nan, math.nan
    from scipy.stats import t as student

    variance = max(0.0, (total_squares - n * mean * mean) / (n - 1))
    half = float(student.ppf(0.5 + confidence / 2, n - 1)) * math.sqrt(variance / n)
    return mean, mean - half, mean + half


def csat_from_counts(
    top2: int,
    n: int,
    total: float | None = None,
    total_squares: float | None = None,
    *,
    method: ProportionMethod = "wilson",
    confidence: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
) -> MetricResult:
    """CSAT top-2-box from its counts, in percent, with a Wilson or Agresti-Coull interval."""
    if not 0 <= top2 <= n:
        raise VocError(f"CSAT counts: expected 0 <= top-2-box <= n, found {top2} of {n}")
    low, high = _proportion(top2, n, method, confidence)
    mean = total / n if (total is not None and n) else None
    return MetricResult(
        metric="csat",
        value=100 * top2 / n if n else math.nan,
        n=n,
        ci_low=100 * low,
        ci_high=100 * high,
        small_sample=_flag(n, min_n),
        method=method,
        confidence=confidence,
        counts={"top2": top2},
        mean=mean,
    )


def csat(
    scores: Iterable[Any],
    *,
    statistic: Literal["top2", "mean"] = "top2",
    method: ProportionMethod = "wilson",
    confidence: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
) -> MetricResult:
    """CSAT of 1-5 answers: share of 4-5 (top-2-box) in percent, or the mean (``statistic="mean"``).

    Top-2-box intervals: Wilson score (default) or Agresti-Coull; mean: Student t.
    """
    values = _answers(scores, 1, 5, "CSAT")
    n = int(values.size)
    if statistic == "mean":
        mean, low, high = mean_interval(
            float(values.sum()), float((values**2).sum()), n, confidence
        )
        return MetricResult("csat", mean, n, low, high, _flag(n, min_n), "mean-t", confidence,
                            {"top2": int((values >= 4).sum())}, mean)  # fmt: skip
    return csat_from_counts(
        int((values >= 4).sum()),
        n,
        float(values.sum()),
        float((values**2).sum()),
        method=method,
        confidence=confidence,
        min_n=min_n,
    )


_CES_RANGE = {"effort-5": (1, 5), "agree-7": (1, 7)}


def ces_from_counts(
    n: int,
    total: float,
    total_squares: float,
    agree: int,
    *,
    scale: CesScale = "effort-5",
    statistic: Literal["mean", "agree"] | None = None,
    method: ProportionMethod = "wilson",
    confidence: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
) -> MetricResult:
    """CES from its sufficient statistics (see :func:`ces`)."""
    if scale not in _CES_RANGE:
        raise VocError(f"CES scale: expected effort-5 or agree-7, found {scale!r}")
    chosen = statistic or ("mean" if scale == "effort-5" else "agree")
    mean, m_low, m_high = mean_interval(total, total_squares, n, confidence)
    counts = {"agree": agree}
    if chosen == "mean":
        return MetricResult("ces", mean, n, m_low, m_high, _flag(n, min_n), "mean-t",
                            confidence, counts, mean)  # fmt: skip
    if chosen != "agree":
        raise VocError(f"CES statistic: expected mean or agree, found {chosen!r}")
    low, high = _proportion(agree, n, method, confidence)
    return MetricResult(
        "ces",
        100 * agree / n if n else math.nan,
        n,
        100 * low,
        100 * high,
        _flag(n, min_n),
        method,
        confidence,
        counts,
        mean if n else None,
    )


def ces(
    scores: Iterable[Any],
    *,
    scale: CesScale = "effort-5",
    statistic: Literal["mean", "agree"] | None = None,
    method: ProportionMethod = "wilson",
    confidence: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
) -> MetricResult:
    """Customer Effort Score in one of its two common forms.

    - ``effort-5``: "How much effort did you have to make?" 1 (very little) to 5 (a lot); lower is
      better. Default statistic: the mean (t interval). ``agree`` counts the low-effort answers 1-2.
    - ``agree-7``: "The company made it easy for me" 1 (strongly disagree) to 7 (strongly agree);
      default statistic: % agree (5-7) with a Wilson or Agresti-Coull interval; the mean is there too.
    """
    if scale not in _CES_RANGE:
        raise VocError(f"CES scale: expected effort-5 or agree-7, found {scale!r}")
    low, high = _CES_RANGE[scale]
    values = _answers(scores, low, high, f"CES ({scale})")
    agree = int((values <= 2).sum()) if scale == "effort-5" else int((values >= 5).sum())
    return ces_from_counts(
        int(values.size),
        float(values.sum()),
        float((values**2).sum()),
        agree,
        scale=scale,
        statistic=statistic,
        method=method,
        confidence=confidence,
        min_n=min_n,
    )
