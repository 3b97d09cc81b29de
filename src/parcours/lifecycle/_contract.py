"""Contractual CLV: the sBG model on a workspace whose customers subscribe and cancel.

BG/NBD-family models assume that a customer's departure is never seen and purchases come at
random; in a subscription business (a mutual, a telecom operator, a bank) the cancellation is
recorded and renewals are the purchases, so those models degenerate (the fit runs to infinity).
There the shifted-beta-geometric model (:class:`ShiftedBetaGeometric`) is the right one.

Conventions (stated in the result's ``notes``):
- a customer's subscription starts at the first event that makes them known (entry in the base, or
  first purchase) and ends at their first cancellation after it; a later comeback is not a new
  lifetime (the model has no place for it);
- the period is a month (30.44 days) or a year (365.25 days); ``periods`` counts the periods
  started up to the date (1 in the first period);
- the margin per period of an active customer is what they paid over the twelve months before the
  date, spread over the year; a customer who paid nothing in that year (an annual premium invoiced
  once at subscription, say) is valued at their mean yearly spend over their tenure (at least a year).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from parcours.errors import LifecycleError
from parcours.lifecycle._sbg import ShiftedBetaGeometric
from parcours.warehouse import as_table

__all__ = [
    "PERIOD_DAYS",
    "ContractualClv",
    "choose_clv_model",
    "contract_lifetimes",
    "contractual_clv",
]

PERIOD_DAYS = {"month": 365.25 / 12, "year": 365.25}
DAY = 86_400.0


def contract_lifetimes(
    events: Any, at: dt.date | dt.datetime | str | pd.Timestamp, period: str = "month"
) -> pd.DataFrame:
    """One row per customer known before ``at``: ``customer_id``, ``start``, ``end`` (first
    cancellation, or NaT), ``periods`` (started), ``churned`` and ``paid_12m`` (amount paid over
    the twelve months before ``at``).

    ``events`` is the table of :func:`parcours.lifecycle.lifecycle_events` (``customer_id``,
    ``ts``, ``kind``, ``amount``). ``paid_total`` is what they paid before ``at``."""
    if period not in PERIOD_DAYS:
        raise LifecycleError(f"expected a period among {', '.join(PERIOD_DAYS)}, found {period!r}")
    end = pd.Timestamp(at)
    if end.tzinfo is None:
        end = end.tz_localize("UTC")
    cutoff = end.timestamp()
    e = as_table(events)
    e = e.mutate(s=e.ts.epoch_seconds().cast("float64"))
    e = e.filter(e.s <= cutoff)
    starts = e.filter(e.kind.isin(["known", "purchase"]))
    starts = starts.group_by("customer_id").aggregate(start=starts.s.min())
    cancels = e.filter(e.kind == "cancel").select("customer_id", cancel_s=e.s)
    first = cancels.join(starts, "customer_id")
    first = first.filter(first.cancel_s >= first.start)
    first = first.group_by("customer_id").aggregate(end=first.cancel_s.min())
    paid = e.filter(e.kind == "purchase")
    paid = paid.group_by("customer_id").aggregate(
        paid_12m=paid.amount.sum(where=paid.s > cutoff - 365.25 * DAY),
        paid_total=paid.amount.sum(),
    )
    joined = starts.left_join(first, "customer_id").select("customer_id", "start", "end")
    joined = joined.left_join(paid, "customer_id").select(
        "customer_id", "start", "end", "paid_12m", "paid_total"
    )
    frame: pd.DataFrame = joined.to_pandas()
    for column in ("paid_12m", "paid_total"):
        frame[column] = frame[column].fillna(0.0).astype(float)
    length = PERIOD_DAYS[period] * DAY
    stop = frame["end"].fillna(cutoff).to_numpy(dtype=float)
    frame["churned"] = frame["end"].notna()
    frame["periods"] = np.floor((stop - frame["start"].to_numpy(dtype=float)) / length) + 1
    frame["periods"] = frame["periods"].clip(lower=1).astype(int)
    for column in ("start", "end"):
        frame[column] = pd.to_datetime(frame[column], unit="s", utc=True)
    return frame.sort_values("customer_id").reset_index(drop=True)


@dataclass
class ContractualClv:
    """The sBG fit on a workspace's subscriptions and each active customer's residual CLV."""

    model: ShiftedBetaGeometric
    period: str
    at: pd.Timestamp
    discount_rate: float  # per period
    customers: int  # known before the date
    churned: int
    table: pd.DataFrame  # active customers, highest CLV first
    survival: pd.DataFrame  # period, observed share still subscribed, fitted share
    notes: list[str] = field(default_factory=list)

    @property
    def params(self) -> dict[str, float]:
        return dict(self.model.params_)


def contractual_clv(
    events: Any,
    at: dt.date | dt.datetime | str | pd.Timestamp,
    period: str = "month",
    discount_rate: float = 0.01,
) -> ContractualClv:
    """Fit the sBG model on every subscription known before ``at`` and value each active one:
    margin per period (what they paid over the last twelve months, per period) × DERL.

    ``discount_rate`` is per period (0.01 a month is about 12.7 % a year)."""
    lives = contract_lifetimes(events, at, period)
    if len(lives) < 10:
        raise LifecycleError(
            f"expected at least 10 subscriptions before the date, found {len(lives)}"
        )
    churned = int(lives["churned"].sum())
    if churned == 0:
        raise LifecycleError(
            "expected cancellations to fit a contractual model, found none: "
            "map a cancellation date (cancelled_on, churn_date...) or a cancellation stage"
        )
    model = ShiftedBetaGeometric().fit(lives[["periods", "churned"]])
    active = lives[~lives["churned"]].copy()
    per_year = 365.25 / PERIOD_DAYS[period]
    tenure_years = np.maximum(active["periods"].to_numpy() / per_year, 1.0)
    yearly = np.where(
        active["paid_12m"] > 0, active["paid_12m"], active["paid_total"] / tenure_years
    )
    active["margin"] = yearly / per_year
    active["derl"] = model.derl(active["periods"].to_numpy() - 1, discount_rate)
    active["clv"] = active["margin"] * active["derl"]
    table = active.sort_values(["clv", "customer_id"], ascending=[False, True]).reset_index(
        drop=True
    )[["customer_id", "start", "periods", "margin", "derl", "clv"]]
    horizon = int(lives["periods"].max())
    t = np.arange(0, horizon + 1)
    survival = pd.DataFrame(
        {
            "period": t,
            "observed": _kaplan_meier(lives, horizon),
            "fitted": model.survival(t),
        }
    )
    notes = [
        f"sBG alpha={model.params_['alpha']:.3f} beta={model.params_['beta']:.3f}",
        f"{churned} cancellations among {len(lives)} subscriptions",
    ]
    return ContractualClv(
        model=model,
        period=period,
        at=pd.Timestamp(at),
        discount_rate=discount_rate,
        customers=len(lives),
        churned=churned,
        table=table,
        survival=survival,
        notes=notes,
    )


def _kaplan_meier(lives: pd.DataFrame, horizon: int) -> np.ndarray:
    """Observed share still subscribed after k periods, right-censoring the active (k = 0..horizon)."""
    out = np.ones(horizon + 1)
    share = 1.0
    periods = lives["periods"].to_numpy()
    churned = lives["churned"].to_numpy(dtype=bool)
    for k in range(1, horizon + 1):
        at_risk = int((periods >= k).sum())
        lost = int(((periods == k) & churned).sum())
        if at_risk:
            share *= 1.0 - lost / at_risk
        out[k] = share
    return out


def choose_clv_model(contract: bool, lang: str = "en") -> tuple[str, str]:
    """The CLV model a workspace calls for, and why, in the reader's language.

    A workspace that records cancellations is contractual: the sBG model; otherwise the modified
    BG/NBD (customers leave unseen, purchases come at random)."""
    from parcours.i18n import t

    if contract:
        return "sbg", t("lifecycle.clv.why_sbg", lang)
    return "mbgnbd", t("lifecycle.clv.why_mbgnbd", lang)
