"""Customer lifecycle: BTYD models (BG/NBD, modified BG/NBD, Pareto/NBD, Gamma-Gamma) and CLV,
the frequency/recency/T summary, RFM segments, lifecycle states and churn, reactivation targets."""

from __future__ import annotations

from parcours.lifecycle._btyd import (
    BetaGeo,
    GammaGamma,
    HoldoutEvaluation,
    ModifiedBetaGeo,
    ParetoNBD,
    evaluate_holdout,
)
from parcours.lifecycle._errors import LifecycleError, ZeroRepeatAliveWarning
from parcours.lifecycle._summary import summary

__all__ = [
    "BetaGeo",
    "GammaGamma",
    "HoldoutEvaluation",
    "LifecycleError",
    "ModifiedBetaGeo",
    "ParetoNBD",
    "ZeroRepeatAliveWarning",
    "evaluate_holdout",
    "summary",
]
