"""Customer lifecycle: BTYD models (BG/NBD, modified BG/NBD, Pareto/NBD, Gamma-Gamma) and CLV,
the frequency/recency/T summary, RFM segments, lifecycle states and churn, reactivation targets."""

from __future__ import annotations

from parcours.lifecycle import _messages  # noqa: F401  # registers the package's words
from parcours.lifecycle._btyd import (
    BetaGeo,
    GammaGamma,
    HoldoutEvaluation,
    ModifiedBetaGeo,
    ParetoNBD,
    evaluate_holdout,
)
from parcours.lifecycle._contract import (
    PERIOD_DAYS,
    ContractualClv,
    choose_clv_model,
    contract_lifetimes,
    contractual_clv,
)
from parcours.lifecycle._errors import LifecycleError, ZeroRepeatAliveWarning
from parcours.lifecycle._reactivation import (
    RiskRanking,
    churn_risk,
    customer_context,
    export_targets,
    reactivation_rate,
    reactivation_targets,
)
from parcours.lifecycle._rfm import SEGMENT_TABLE, SEGMENTS, rfm, rfm_segments, segment_of
from parcours.lifecycle._sbg import ShiftedBetaGeometric
from parcours.lifecycle._states import (
    CUSTOMER_STATES,
    STATES,
    Thresholds,
    churn_rates,
    lifecycle_events,
    lifecycle_states,
    transitions,
    workspace_events,
)
from parcours.lifecycle._summary import summary
from parcours.lifecycle._workspace import (
    MODELS,
    ClvResult,
    LifecycleView,
    clv,
    workspace_lifecycle,
    workspace_targets,
)

__all__ = [
    "CUSTOMER_STATES",
    "MODELS",
    "PERIOD_DAYS",
    "SEGMENTS",
    "SEGMENT_TABLE",
    "STATES",
    "BetaGeo",
    "ClvResult",
    "ContractualClv",
    "GammaGamma",
    "HoldoutEvaluation",
    "LifecycleError",
    "LifecycleView",
    "ModifiedBetaGeo",
    "ParetoNBD",
    "RiskRanking",
    "ShiftedBetaGeometric",
    "Thresholds",
    "ZeroRepeatAliveWarning",
    "choose_clv_model",
    "churn_rates",
    "churn_risk",
    "clv",
    "contract_lifetimes",
    "contractual_clv",
    "customer_context",
    "evaluate_holdout",
    "export_targets",
    "lifecycle_events",
    "lifecycle_states",
    "reactivation_rate",
    "reactivation_targets",
    "rfm",
    "rfm_segments",
    "segment_of",
    "summary",
    "transitions",
    "workspace_events",
    "workspace_lifecycle",
    "workspace_targets",
]
