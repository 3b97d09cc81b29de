"""The lifecycle analyses on a workspace's canonical tables, as the CLI and the report run them."""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from parcours.i18n import t
from parcours.lifecycle._btyd import BetaGeo, GammaGamma, ModifiedBetaGeo, ParetoNBD
from parcours.lifecycle._errors import LifecycleError, ZeroRepeatAliveWarning
from parcours.lifecycle._reactivation import churn_risk, customer_context, reactivation_targets
from parcours.lifecycle._states import (
    Thresholds,
    churn_rates,
    lifecycle_states,
    transitions,
    workspace_events,
)
from parcours.lifecycle._summary import UNIT_DAYS, summary

if TYPE_CHECKING:
    from parcours.model import Journey
    from parcours.workspace import Workspace

__all__ = [
    "MODELS",
    "ClvResult",
    "LifecycleView",
    "clv",
    "workspace_lifecycle",
    "workspace_targets",
]

MODELS: dict[str, type[BetaGeo | ModifiedBetaGeo | ParetoNBD]] = {
    "bgnbd": BetaGeo,
    "mbgnbd": ModifiedBetaGeo,
    "pareto": ParetoNBD,
}


@dataclass
class ClvResult:
    """A purchase model and a spend model fitted on one summary, and each customer's CLV."""

    model: str
    params: dict[str, float]
    spend_params: dict[str, float]
    table: Any  # pandas, one row per customer, highest CLV first
    months: int
    discount_rate: float
    freq: str
    zero_repeat: int  # customers with no repeat purchase
    quirk: str | None = None  # the BG/NBD warning, in the caller's language, when it applies
    notes: list[str] = field(default_factory=list)


def clv(
    transactions: Any,
    model: str = "mbgnbd",
    months: int = 12,
    discount_rate: float = 0.01,
    freq: str = "W",
    customer_id_col: str = "customer_id",
    datetime_col: str = "ts",
    monetary_value_col: str = "amount",
    observation_period_end: dt.date | dt.datetime | str | None = None,
    lang: str = "en",
) -> ClvResult:
    """Fit a purchase model (``bgnbd``, ``mbgnbd`` or ``pareto``) and Gamma-Gamma on the
    transactions' summary; each customer's P(alive), expected purchases and discounted CLV over
    ``months`` months."""
    if model not in MODELS:
        raise LifecycleError(f"expected a model among {', '.join(MODELS)}, found {model!r}")
    frame = summary(
        transactions,
        customer_id_col=customer_id_col,
        datetime_col=datetime_col,
        monetary_value_col=monetary_value_col,
        observation_period_end=observation_period_end,
        freq=freq,
    )
    frame = frame[frame["T"] > 0].reset_index(drop=True)
    if len(frame) < 10:
        raise LifecycleError(
            f"expected at least 10 customers with a first purchase before the end, found {len(frame)}"
        )
    purchases = MODELS[model]().fit(frame)
    spend = GammaGamma()
    repeat = frame[frame["frequency"] > 0]
    if len(repeat) < 5 or (repeat["monetary_value"] <= 0).any():
        raise LifecycleError(
            f"expected at least 5 repeat buyers with positive spend for Gamma-Gamma, "
            f"found {len(repeat)}"
        )
    spend.fit(repeat)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ZeroRepeatAliveWarning)
        alive = purchases.probability_alive(frame)
    unit = UNIT_DAYS[freq]
    table = frame.copy()
    table["p_alive"] = alive
    table["expected_purchases"] = purchases.expected_purchases(frame, months * 30.0 / unit)
    table["expected_spend"] = spend.expected_spend(frame)
    table["clv"] = spend.customer_lifetime_value(
        purchases, frame, months=months, discount_rate=discount_rate, unit_days=unit
    )
    table = table.sort_values(["clv", customer_id_col], ascending=[False, True])
    zero = int((frame["frequency"] == 0).sum())
    result = ClvResult(
        model=model,
        params=dict(purchases.params_),
        spend_params=dict(spend.params_),
        table=table.reset_index(drop=True),
        months=months,
        discount_rate=discount_rate,
        freq=freq,
        zero_repeat=zero,
    )
    if model == "bgnbd" and zero:
        result.quirk = t("lifecycle.quirk", lang, n=zero)
    return result


@dataclass
class LifecycleView:
    """States on a date, the flows since an earlier date and the churn rate per period."""

    at: Any
    start: Any
    thresholds: Thresholds
    states: Any
    matrix: Any
    churn: Any


def _end(events: Any) -> Any:
    import pandas as pd

    last = events.ts.max().execute()
    if last is None or pd.isna(last):
        raise LifecycleError("expected transactions or interactions in the warehouse, found none")
    return pd.Timestamp(last)


def workspace_lifecycle(
    workspace: Workspace,
    at: dt.date | dt.datetime | str | None = None,
    start: dt.date | dt.datetime | str | None = None,
    thresholds: Thresholds | None = None,
    freq: str = "Q",
    journey: Journey | None = None,
    lang: str = "en",
) -> LifecycleView:
    """States on ``at`` (default: the last event), transitions since ``start`` (default: one
    year before) and churn per period. Without explicit thresholds, a workspace that records
    cancellations is treated as contractual (lost = cancelled)."""
    import pandas as pd

    events, contract = workspace_events(workspace, journey)
    end = pd.Timestamp(at) if at is not None else _end(events)
    begin = pd.Timestamp(start) if start is not None else end - pd.DateOffset(years=1)
    th = thresholds or Thresholds(contract=contract)
    return LifecycleView(
        at=end,
        start=begin,
        thresholds=th,
        states=lifecycle_states(events, end, th, lang=lang),
        matrix=transitions(events, begin, end, th),
        churn=churn_rates(events, freq, end=end, thresholds=th, lang=lang),
    )


def workspace_targets(
    workspace: Workspace,
    at: dt.date | dt.datetime | str | None = None,
    thresholds: Thresholds | None = None,
    min_value_quantile: float = 0.5,
    control_share: float = 0.0,
    horizon_days: float = 180.0,
    seed: int = 0,
    journey: Journey | None = None,
    lang: str = "en",
) -> Any:
    """Reactivation targets of a workspace on ``at`` (default: the last event), with behaviour
    (channels, products, last touchpoint, last irritant) and churn risk."""
    import pandas as pd

    if journey is None:
        journey = workspace.journey_or_none()
    labels = {}
    if journey is not None:
        labels = {s.id: _label(s.label, lang) or s.id for s in journey.stages}
    events, contract = workspace_events(workspace, journey)
    end = pd.Timestamp(at) if at is not None else _end(events)
    th = thresholds or Thresholds(contract=contract)
    behaviour = {
        name: workspace.table(name) for name in ("interactions", "responses", "transactions")
    }
    context = customer_context(end, **behaviour)
    risk = churn_risk(events, end, horizon_days, th, behaviour, snapshots=2, context=context)
    return reactivation_targets(
        events,
        end,
        th,
        context,
        min_value_quantile=min_value_quantile,
        risk=risk,
        control_share=control_share,
        seed=seed,
        lang=lang,
        labels=labels,
    )


def _label(label: str | dict[str, str], lang: str) -> str | None:
    """A stage label in ``lang`` (None when it has none in that language)."""
    return label.get(lang) if isinstance(label, dict) else label
