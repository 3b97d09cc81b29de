"""Lifecycle states of each customer at any date, transitions between two dates, churn per period.

The input is a tidy event table ``(customer_id, ts, kind, amount)`` where ``kind`` is ``purchase``
(a transaction), ``activity`` (anything the customer did: a pull interaction), ``cancel`` (a
cancellation request) or ``known`` (the customer entered the base). :func:`lifecycle_events`
builds it from the canonical tables; :func:`workspace_events` from a workspace.

States at a date ``at`` (only events up to ``at`` count):

- ``prospect``: known, no purchase yet;
- ``lost``: cancelled since the last purchase, or (non-contractual) no activity for longer than
  the inactive threshold;
- ``reactivated``: came back (a purchase after a cancellation or after an inactive gap) less than
  ``new_days`` ago;
- ``new``: first purchase less than ``new_days`` ago;
- ``active`` / ``at_risk`` / ``inactive``: by the time since the last activity, against fixed
  thresholds in days or multiples of the customer's own median gap between activities.

With ``contract=True`` (subscriptions: a member stays a member until they cancel) only a
cancellation makes a customer lost; a long silence makes them inactive, never lost.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir
import numpy as np

from parcours.i18n import t
from parcours.lifecycle._errors import LifecycleError
from parcours.warehouse import as_table

if TYPE_CHECKING:
    from parcours.model import Journey
    from parcours.workspace import Workspace

__all__ = [
    "CUSTOMER_STATES",
    "STATES",
    "Thresholds",
    "churn_rates",
    "lifecycle_events",
    "lifecycle_states",
    "transitions",
    "workspace_events",
]

STATES = ("prospect", "new", "active", "at_risk", "inactive", "lost", "reactivated")
CUSTOMER_STATES = ("new", "active", "at_risk", "inactive", "reactivated")  # counted in churn
DAY = 86_400.0
# customer attributes that date a cancellation (CRM exports often carry one)
CANCEL_COLUMNS = (
    "cancelled_on",
    "cancelled_at",
    "canceled_on",
    "canceled_at",
    "churn_date",
    "churned_at",
)
_CANCEL_STAGE = re.compile(r"cancel|churn|resil|résil|termin|close", re.IGNORECASE)


@dataclass(frozen=True)
class Thresholds:
    """Where one state ends and the next begins. Days, or multiples of each customer's median gap
    between two activities when ``relative`` (customers with one activity use the days)."""

    new_days: float = 90.0
    active_days: float = 90.0
    at_risk_days: float = 180.0
    inactive_days: float = 365.0
    relative: bool = False
    active_gaps: float = 1.5
    at_risk_gaps: float = 3.0
    inactive_gaps: float = 6.0
    contract: bool = False

    def __post_init__(self) -> None:
        days = (self.active_days, self.at_risk_days, self.inactive_days)
        gaps = (self.active_gaps, self.at_risk_gaps, self.inactive_gaps)
        if not (0 < days[0] <= days[1] <= days[2]) or not (0 < gaps[0] <= gaps[1] <= gaps[2]):
            raise LifecycleError(
                "expected 0 < active <= at risk <= inactive thresholds, found "
                f"days {days} and gap multiples {gaps}"
            )
        if self.new_days < 0:
            raise LifecycleError(f"expected new_days >= 0, found {self.new_days}")

    def describe(self, lang: str) -> str:
        """The thresholds in one sentence, to print beside any count that depends on them."""
        if self.relative:
            return t(
                "lifecycle.thresholds.relative",
                lang,
                active=_num(self.active_gaps),
                at_risk=_num(self.at_risk_gaps),
                inactive=_num(self.inactive_gaps),
            )
        return t(
            "lifecycle.thresholds.fixed_contract"
            if self.contract
            else "lifecycle.thresholds.fixed",
            lang,
            new=_days(self.new_days, lang),
            active=_days(self.active_days, lang),
            at_risk=_days(self.at_risk_days, lang),
            inactive=_days(self.inactive_days, lang),
        )


def _num(value: float) -> str:
    return f"{value:g}"


def _days(value: float, lang: str) -> str:
    return t("lifecycle.days", lang, n=_num(value))


def utc_stamp(value: dt.date | dt.datetime | str) -> Any:
    """A pandas Timestamp in UTC (a date or time without a time zone is taken as UTC)."""
    import pandas as pd

    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _epoch(value: dt.date | dt.datetime | str) -> float:
    return float(utc_stamp(value).timestamp())


def lifecycle_events(
    transactions: Any | None = None,
    interactions: Any | None = None,
    customers: Any | None = None,
    cancel_stages: tuple[str, ...] | None = ("cancel",),
    activity: str = "pull",
) -> ir.Table:
    """The event table the states are computed from, as an Ibis expression.

    ``transactions`` give purchases (with their amount); ``interactions`` give activity (``pull``:
    what the customer initiated; ``all``: every interaction; ``none``: ignored) and cancellations
    (interactions at one of ``cancel_stages``); ``customers`` give the date each customer entered
    the base (``created_at``, else ``first_seen``) and cancellations dated by an attribute named
    in ``CANCEL_COLUMNS`` (``cancelled_on``, ``churn_date``...).
    """
    if activity not in ("pull", "all", "none"):
        raise LifecycleError(f"expected activity 'pull', 'all' or 'none', found {activity!r}")
    parts: list[ir.Table] = []
    if transactions is not None:
        tr = as_table(transactions)
        parts.append(
            tr.select(
                customer_id=tr.customer_id.cast("string"),
                ts=tr.ts.cast("timestamp('UTC')"),
                kind=ibis.literal("purchase"),
                amount=tr.amount.cast("float64"),
            )
        )
    if interactions is not None:
        it = as_table(interactions)
        stages = list(cancel_stages or ())
        is_cancel = it.stage.isin(stages).fill_null(False) if stages else ibis.literal(False)
        if activity == "pull":
            is_activity = (it.direction == "pull").fill_null(False) & ~is_cancel
        elif activity == "all":
            is_activity = ~is_cancel
        else:
            is_activity = ibis.literal(False)
        kind = ibis.cases((is_cancel, "cancel"), (is_activity, "activity"), else_="known")
        parts.append(
            it.select(
                customer_id=it.customer_id.cast("string"),
                ts=it.ts.cast("timestamp('UTC')"),
                kind=kind,
                amount=ibis.null("float64"),
            )
        )
    if customers is not None:
        cu = as_table(customers)
        columns = [c for c in ("created_at", "first_seen") if c in cu.columns]
        if columns:
            since = ibis.coalesce(*[cu[c].cast("timestamp('UTC')") for c in columns])
            known = cu.select(
                customer_id=cu.customer_id.cast("string"),
                ts=since,
                kind=ibis.literal("known"),
                amount=ibis.null("float64"),
            )
            parts.append(known.filter(known.ts.notnull()))
        for column in [c for c in CANCEL_COLUMNS if c in cu.columns]:
            ended = cu.select(
                customer_id=cu.customer_id.cast("string"),
                ts=cu[column].cast("timestamp('UTC')"),
                kind=ibis.literal("cancel"),
                amount=ibis.null("float64"),
            )
            parts.append(ended.filter(ended.ts.notnull()))
    if not parts:
        raise LifecycleError("expected transactions, interactions or customers, found none")
    return parts[0] if len(parts) == 1 else ibis.union(*parts)


def workspace_events(
    workspace: Workspace, journey: Journey | None = None, activity: str = "pull"
) -> tuple[ir.Table, bool]:
    """Events of a workspace and whether it is contractual (cancellations were recorded).

    Cancellation stages are the journey's stages whose id says so (cancel, churn, résiliation,
    termination...)."""
    if journey is None:
        journey = workspace.journey_or_none()
    stages = tuple(s.id for s in journey.stages if _CANCEL_STAGE.search(s.id)) if journey else ()
    events = lifecycle_events(
        workspace.table("transactions"),
        workspace.table("interactions"),
        workspace.table("customers"),
        cancel_stages=stages or ("cancel",),
        activity=activity,
    )
    contract = bool(events.filter(events.kind == "cancel").count().execute() > 0)
    return events, contract


def _per_customer(events: Any, at: float, inactive_days: float) -> Any:
    """One row per customer known at ``at`` with the dates the states depend on (epoch seconds)."""
    e = as_table(events)
    e = e.mutate(s=e.ts.epoch_seconds().cast("float64"))
    e = e.filter(e.s <= at)
    is_purchase = e.kind == "purchase"
    is_active = e.kind.isin(["purchase", "activity"])
    before = ibis.window(group_by=e.customer_id, order_by=[e.s, e.kind], rows=(None, -1))
    moving = e.filter(e.kind.isin(["purchase", "activity", "cancel"]))
    moving = moving.mutate(
        prev_cancel=moving.s.max(where=moving.kind == "cancel").over(before),
        prev_purchase=moving.s.max(where=moving.kind == "purchase").over(before),
        prev_active=moving.s.max(where=moving.kind.isin(["purchase", "activity"])).over(before),
    )
    comeback = (
        (moving.kind == "purchase")
        & moving.prev_purchase.notnull()
        & (
            (moving.prev_cancel > moving.prev_purchase).fill_null(False)
            | ((moving.s - moving.prev_active) > inactive_days * DAY).fill_null(False)
        )
    )
    gaps = moving.filter(moving.kind.isin(["purchase", "activity"]))
    gaps = gaps.mutate(
        gap=gaps.s - gaps.s.lag().over(ibis.window(group_by=gaps.customer_id, order_by=gaps.s))
    )
    rhythm = gaps.group_by("customer_id").aggregate(
        median_gap=gaps.gap.median(), activities=gaps.count()
    )
    comebacks = moving.filter(comeback).group_by("customer_id").aggregate(comeback=moving.s.max())
    per = e.group_by("customer_id").aggregate(
        known=e.s.min(),
        first_purchase=e.s.min(where=is_purchase),
        last_purchase=e.s.max(where=is_purchase),
        last_activity=e.s.max(where=is_active),
        last_cancel=e.s.max(where=e.kind == "cancel"),
        purchases=is_purchase.sum(),
        value=e.amount.sum(where=is_purchase),
    )
    per = per.left_join(rhythm, "customer_id").drop("customer_id_right")
    per = per.left_join(comebacks, "customer_id").drop("customer_id_right")
    return per.to_pandas()


def lifecycle_states(
    events: Any,
    at: dt.date | dt.datetime | str,
    thresholds: Thresholds | None = None,
    lang: str = "en",
) -> Any:
    """The state of every customer known on ``at`` (pandas): ``state``, ``state_label``,
    ``days_since_activity``, ``median_gap_days``, the dates it rests on and ``value`` (total
    purchases up to ``at``)."""
    import pandas as pd

    th = thresholds or Thresholds()
    at_s = _epoch(at)
    frame = _per_customer(events, at_s, th.inactive_days)
    frame = frame.sort_values("customer_id", kind="stable").reset_index(drop=True)
    n = len(frame)

    def col(name: str) -> Any:
        return frame[name].to_numpy(dtype=np.float64, na_value=np.nan)

    first_purchase, last_purchase = col("first_purchase"), col("last_purchase")
    last_activity, last_cancel, comeback = col("last_activity"), col("last_cancel"), col("comeback")
    median_gap = col("median_gap") / DAY
    since = (at_s - last_activity) / DAY
    has_purchase = ~np.isnan(first_purchase)
    cancelled = ~np.isnan(last_cancel) & (np.isnan(last_purchase) | (last_cancel >= last_purchase))
    if th.relative:
        rhythm = np.where(np.isnan(median_gap) | (median_gap <= 0), np.nan, median_gap)
        limits = [
            np.where(np.isnan(rhythm), days, rhythm * k)
            for days, k in (
                (th.active_days, th.active_gaps),
                (th.at_risk_days, th.at_risk_gaps),
                (th.inactive_days, th.inactive_gaps),
            )
        ]
    else:
        limits = [np.full(n, v) for v in (th.active_days, th.at_risk_days, th.inactive_days)]
    state = np.full(n, "lost", dtype=object)
    state[since <= limits[2]] = "inactive"
    state[since <= limits[1]] = "at_risk"
    state[since <= limits[0]] = "active"
    if th.contract:
        state[state == "lost"] = "inactive"
    state[has_purchase & ((at_s - first_purchase) / DAY <= th.new_days)] = "new"
    back = ~np.isnan(comeback) & ((at_s - comeback) / DAY <= th.new_days)
    state[back & (state != "lost")] = "reactivated"
    state[cancelled & has_purchase] = "lost"
    state[~has_purchase] = "prospect"
    out = pd.DataFrame({"customer_id": frame["customer_id"].to_numpy()})
    out["state"] = state
    out["state_label"] = [t(f"lifecycle.state.{s}", lang) for s in state]
    out["days_since_activity"] = since
    out["median_gap_days"] = median_gap
    for name in ("known", "first_purchase", "last_purchase", "last_activity", "last_cancel"):
        out[name] = pd.to_datetime(frame[name], unit="s", utc=True)
    out["comeback"] = pd.to_datetime(frame["comeback"], unit="s", utc=True)
    out["purchases"] = frame["purchases"].fillna(0).astype(np.int64).to_numpy()
    out["value"] = frame["value"].fillna(0.0).to_numpy(dtype=np.float64)
    return out


def transitions(
    events: Any,
    start: dt.date | dt.datetime | str,
    end: dt.date | dt.datetime | str,
    thresholds: Thresholds | None = None,
) -> Any:
    """Customers per (state on ``start``, state on ``end``) as a matrix (pandas, rows = from);
    ``unknown`` is the row of customers not yet known on ``start``. Counts add up to the customers
    known on ``end``."""
    import pandas as pd

    if _epoch(start) > _epoch(end):
        raise LifecycleError(f"expected start on or before end, found {start} after {end}")
    before = lifecycle_states(events, start, thresholds)[["customer_id", "state"]]
    after = lifecycle_states(events, end, thresholds)[["customer_id", "state"]]
    both = after.merge(before, on="customer_id", how="left", suffixes=("", "_start"))
    both["state_start"] = both["state_start"].fillna("unknown")
    matrix = pd.crosstab(both["state_start"], both["state"])
    rows = ["unknown", *STATES]
    matrix = matrix.reindex(index=rows, columns=list(STATES), fill_value=0).astype(np.int64)
    matrix.index.name = "from"
    matrix.columns.name = "to"
    return matrix


def churn_rates(
    events: Any,
    freq: str = "Q",
    start: dt.date | dt.datetime | str | None = None,
    end: dt.date | dt.datetime | str | None = None,
    thresholds: Thresholds | None = None,
    lang: str = "en",
) -> Any:
    """Churn rate per period (``M``, ``Q`` or ``Y``): customers at the start of the period (new,
    active, at risk, inactive or reactivated) who are lost at its end, over those customers.
    The ``definition`` column says so in ``lang`` with the thresholds used."""
    import pandas as pd

    th = thresholds or Thresholds()
    offsets = {"M": "MS", "Q": "QS", "Y": "YS"}
    if freq not in offsets:
        raise LifecycleError(f"expected freq among M, Q, Y, found {freq!r}")
    e = as_table(events)
    if start is None or end is None:
        bounds = e.aggregate(lo=e.ts.min(), hi=e.ts.max()).to_pandas().iloc[0]
        if pd.isna(bounds["lo"]):
            raise LifecycleError("expected events to measure churn on, found none")
    first = utc_stamp(start if start is not None else bounds["lo"])
    last = utc_stamp(end if end is not None else bounds["hi"])
    edges = list(pd.date_range(first.normalize(), last, freq=offsets[freq]))
    if not edges or edges[0] > first:
        edges.insert(0, first.normalize())
    if edges[-1] < last:
        edges.append(last)
    if th.contract:
        rule = t("lifecycle.churn.rule_contract", lang)
    else:
        rule = t("lifecycle.churn.rule_silence", lang, lost=_days(th.inactive_days, lang))
    definition = t("lifecycle.churn.definition", lang, rule=rule) + " " + th.describe(lang)
    rows = []
    states = {edge: lifecycle_states(e, edge, th) for edge in edges}
    for begin, finish in itertools.pairwise(edges):
        s0 = states[begin].set_index("customer_id")["state"]
        s1 = states[finish].set_index("customer_id")["state"]
        at_start = s0[s0.isin(CUSTOMER_STATES)].index
        lost = int((s1.reindex(at_start) == "lost").sum())
        rows.append(
            {
                "period_start": begin,
                "period_end": finish,
                "customers_at_start": len(at_start),
                "lost": lost,
                "rate": lost / len(at_start) if len(at_start) else float("nan"),
            }
        )
    table = pd.DataFrame(
        rows, columns=["period_start", "period_end", "customers_at_start", "lost", "rate"]
    )
    table["definition"] = definition
    return table
