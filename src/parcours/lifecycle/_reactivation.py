"""Churn risk ranking, reactivation targets with the reason each one is on the list, and the
reactivation rate measured afterwards against an untargeted control group.

Behavioural context per customer (main channel, channels used, products, last touchpoint, last
irritant from the survey answers, recent complaints) comes from the canonical tables through Ibis.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import numpy as np

from parcours._intervals import newcombe, wilson
from parcours.i18n import Lang, number, percent, t
from parcours.i18n import date as fmt_date
from parcours.lifecycle._errors import LifecycleError
from parcours.lifecycle._states import CUSTOMER_STATES, Thresholds, lifecycle_states, utc_stamp
from parcours.warehouse import as_table

__all__ = [
    "RiskRanking",
    "churn_risk",
    "customer_context",
    "export_targets",
    "reactivation_rate",
    "reactivation_targets",
]

_COMPLAINT_STAGE = re.compile(r"complain|r[ée]clam", re.IGNORECASE)
YEAR_DAYS = 365.0


def customer_context(
    at: dt.date | dt.datetime | str,
    interactions: Any | None = None,
    responses: Any | None = None,
    transactions: Any | None = None,
    complaint_stages: tuple[str, ...] | None = None,
) -> Any:
    """Per customer, from what happened up to ``at``: ``main_channel`` (of the contacts they
    initiated) and ``channels``,
    ``products`` bought and ``main_product`` (of the largest purchase), ``last_touchpoint`` (and its stage and date), ``complaints_365``, and the
    last irritant: the last survey answer with NPS <= 6 or CSAT <= 2 (``last_irritant_stage``,
    ``_touchpoint``, ``_metric``, ``_score``, ``_verbatim``, ``_at``), ``irritants`` (how many
    such answers) and ``pull_share_<channel>``, the share of each channel in the contacts the
    customer initiated, and ``pull_log_<touchpoint>``, log(1 + times they used it)."""
    import pandas as pd

    end = utc_stamp(at)
    year_before = end - pd.Timedelta(days=YEAR_DAYS)
    frames: list[Any] = []
    if interactions is not None:
        it = as_table(interactions)
        it = it.filter(it.ts <= end.to_pydatetime())
        stages = complaint_stages
        if stages is None:
            known = it.select("stage").distinct().to_pandas()["stage"].dropna().tolist()
            stages = tuple(s for s in known if _COMPLAINT_STAGE.search(str(s)))
        pull = it.filter((it.direction == "pull") & it.channel.notnull())  # what the customer chose
        mix = pull.group_by(["customer_id", "channel"]).aggregate(n=pull.count())
        ranked = mix.mutate(
            rank=ibis.row_number().over(
                ibis.window(group_by=mix.customer_id, order_by=[ibis.desc(mix.n), mix.channel])
            )
        )
        main = ranked.filter(ranked["rank"] == 0).select("customer_id", main_channel="channel")
        has_tp = it.touchpoint.notnull()
        is_complaint = it.stage.isin(list(stages)) if stages else ibis.literal(False)
        last = it.group_by("customer_id").aggregate(
            channels=it.channel.collect(distinct=True),
            last_complaint_at=it.ts.max(where=is_complaint),
            last_touchpoint=it.touchpoint.argmax(it.ts, where=has_tp),
            last_touchpoint_stage=it.stage.argmax(it.ts, where=has_tp),
            last_touchpoint_at=it.ts.max(where=has_tp),
            complaints_365=(is_complaint & (it.ts > year_before.to_pydatetime())).sum()
            if stages
            else ibis.literal(0),
        )
        joined = last.left_join(main, "customer_id").drop("customer_id_right")
        frames.append(joined.to_pandas())
        counts = mix.to_pandas()
        if len(counts):
            shares = counts.pivot_table(
                index="customer_id", columns="channel", values="n", fill_value=0
            )
            shares = shares.div(shares.sum(axis=1), axis=0)
            shares.columns = [f"pull_share_{c}" for c in shares.columns]
            frames.append(shares.reset_index())
        tps = it.filter((it.direction == "pull") & it.touchpoint.notnull())
        used = tps.group_by(["customer_id", "touchpoint"]).aggregate(n=tps.count()).to_pandas()
        if len(used):
            flags = used.pivot_table(
                index="customer_id", columns="touchpoint", values="n", fill_value=0
            )
            flags = np.log1p(flags)
            flags.columns = [f"pull_log_{c}" for c in flags.columns]
            frames.append(flags.reset_index())
    if responses is not None:
        rs = as_table(responses)
        rs = rs.filter(rs.ts <= end.to_pydatetime())
        bad = ((rs.metric == "nps") & (rs.score <= 6)) | ((rs.metric == "csat") & (rs.score <= 2))
        rs = rs.filter(bad)
        irritant = rs.group_by("customer_id").aggregate(
            last_irritant_stage=rs.stage.argmax(rs.ts),
            last_irritant_touchpoint=rs.touchpoint.argmax(rs.ts),
            last_irritant_channel=rs.channel.argmax(rs.ts),
            last_irritant_metric=rs.metric.argmax(rs.ts),
            last_irritant_score=rs.score.argmax(rs.ts),
            last_irritant_verbatim=rs.verbatim.argmax(rs.ts),
            last_irritant_at=rs.ts.max(),
            irritants=rs.count(),
        )
        frames.append(irritant.to_pandas())
    if transactions is not None:
        tr = as_table(transactions)
        tr = tr.filter(tr.ts <= end.to_pydatetime())
        if "attrs" in tr.columns and (tr.attrs.type().is_json() or tr.attrs.type().is_string()):
            product = tr.attrs.cast("json")["product"].unwrap_as("string")
        elif "product" in tr.columns:
            product = tr["product"].cast("string")
        else:
            product = None
        if product is not None:
            tr = tr.mutate(product=product)
            products = tr.group_by("customer_id").aggregate(
                products=tr["product"].collect(distinct=True),
                main_product=tr["product"].argmax(tr.amount),
            )
            frames.append(products.to_pandas())
    if not frames:
        raise LifecycleError("expected interactions, responses or transactions, found none")
    out = frames[0]
    for frame in frames[1:]:
        out = out.merge(frame, on="customer_id", how="outer")
    for name in ("channels", "products"):
        if name in out.columns:
            out[name] = [
                ", ".join(sorted(str(v) for v in values if v is not None))
                if isinstance(values, list | tuple | np.ndarray)
                else ""
                for values in out[name]
            ]
    if "complaints_365" in out.columns:
        out["complaints_365"] = out["complaints_365"].fillna(0).astype(np.int64)
    return out.sort_values("customer_id", kind="stable").reset_index(drop=True)


@dataclass
class RiskRanking:
    """Customers ranked by churn risk: ``table`` (pandas) and how the risk was obtained."""

    table: Any
    method: str  # "logistic" (trained on the previous horizon) or "p_alive" (too few churners)
    horizon_days: float
    training_customers: int = 0
    training_lost: int = 0
    training_auc: float = float("nan")
    coefficients: dict[str, float] = field(default_factory=dict)


_FEATURES = (
    "log_days_since_activity",
    "gap_ratio",
    "p_alive",
    "log_tenure_days",
    "log_purchases",
    "log_value",
    "irritant_365",
    "irritant_ever",
    "complaints_365",
)


def _features(events: Any, at: Any, states: Any, context: Any | None) -> Any:
    """One row per customer (not prospect, not lost) on ``at`` with the risk features, from the
    :func:`lifecycle_states` table on ``at``."""
    import pandas as pd

    from parcours.lifecycle._btyd import ModifiedBetaGeo
    from parcours.lifecycle._summary import summary

    table = states[states["state"].isin(CUSTOMER_STATES)].copy()
    e = as_table(events)
    active = e.filter(e.kind.isin(["purchase", "activity"]))
    p_alive = pd.Series(np.nan, index=table["customer_id"])
    if len(table):
        rfm_t = summary(active, observation_period_end=at, freq="W")
        rfm_t = rfm_t[rfm_t["customer_id"].isin(table["customer_id"])]
        if len(rfm_t) >= 20 and (rfm_t["frequency"] > 0).sum() >= 10:
            model = ModifiedBetaGeo().fit(rfm_t)
            p_alive = pd.Series(model.probability_alive(rfm_t), index=rfm_t["customer_id"])
    table["p_alive"] = p_alive.reindex(table["customer_id"]).fillna(0.5).to_numpy()
    since = table["days_since_activity"].fillna(YEAR_DAYS)
    table["log_days_since_activity"] = np.log1p(since)
    gap = table["median_gap_days"].where(table["median_gap_days"] > 0)
    table["gap_ratio"] = (since / gap).fillna(1.0).clip(upper=20)
    tenure = (utc_stamp(at) - table["first_purchase"]).dt.total_seconds() / 86_400
    table["log_tenure_days"] = np.log1p(tenure.fillna(0).clip(lower=0))
    table["log_purchases"] = np.log1p(table["purchases"])
    table["log_value"] = np.log1p(table["value"].clip(lower=0))
    table["irritant_365"] = 0.0
    table["irritant_ever"] = 0.0
    table["complaints_365"] = 0.0
    if context is not None and len(context):
        ctx = context.set_index("customer_id")
        if "last_irritant_at" in ctx.columns:
            recent = ctx["last_irritant_at"] > utc_stamp(at) - pd.Timedelta(days=YEAR_DAYS)
            table["irritant_365"] = (
                recent.reindex(table["customer_id"]).fillna(False).astype(float).to_numpy()
            )
            table["irritant_ever"] = (
                ctx["last_irritant_at"].notna().reindex(table["customer_id"]).fillna(False)
            ).to_numpy(float)
        for name in ctx.columns:
            if name.startswith(("pull_share_", "pull_log_")):
                table[name] = ctx[name].reindex(table["customer_id"]).fillna(0.0).to_numpy(float)
        if "complaints_365" in ctx.columns:
            table["complaints_365"] = (
                ctx["complaints_365"].reindex(table["customer_id"]).fillna(0).to_numpy(float)
            )
    return table.reset_index(drop=True)


def churn_risk(
    events: Any,
    at: dt.date | dt.datetime | str,
    horizon_days: float = 180.0,
    thresholds: Thresholds | None = None,
    behaviour: dict[str, Any] | None = None,
    snapshots: int = 3,
    *,
    context: Any = None,
) -> RiskRanking:
    """Probability that each current customer is lost within ``horizon_days`` after ``at``.

    A logistic regression is trained on up to ``snapshots`` past horizons (features on
    ``at - k x horizon``, label: lost ``horizon`` later) and applied on ``at``. Features: days
    since the last activity and its ratio to the customer's own rhythm, P(alive) from a modified
    BG/NBD fitted on activity days, tenure, purchases, value, an irritant answer (in the last
    year, ever), complaints in the last year, the share of each channel in the contacts they
    initiated and how often they used each touchpoint (from :func:`customer_context` on
    ``behaviour``: a dict of its ``interactions``,
    ``responses``, ``transactions`` tables; ``context``: that context on ``at`` when the caller
    already has it). With fewer than 5 lost or kept customers to learn from, the risk is
    1 - P(alive) (``method = "p_alive"``). Sorted by value at risk (risk x past value)."""
    import pandas as pd
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    th = thresholds or Thresholds()
    end = utc_stamp(at)
    first = as_table(events).ts.min().execute()

    known: dict[Any, Any] = {}  # the states on a date: a horizon's end is the next one's start

    def states_on(when: Any) -> Any:
        if when not in known:
            known[when] = lifecycle_states(events, when, th)
        return known[when]

    def snapshot(when: Any, known_context: Any = None) -> Any:
        if known_context is None and behaviour:
            known_context = customer_context(when, **behaviour)
        return _features(events, when, states_on(when), known_context)

    now = snapshot(end, context)
    training, labels = [], []
    for k in range(1, max(snapshots, 1) + 1):
        start = end - pd.Timedelta(days=horizon_days * k)
        if first is None or start <= pd.Timestamp(first):
            break
        before = snapshot(start)
        later = states_on(start + pd.Timedelta(days=horizon_days))
        state = later.set_index("customer_id")["state"]
        training.append(before)
        labels.append((state.reindex(before["customer_id"]) == "lost").to_numpy())
    before = pd.concat(training, ignore_index=True) if training else now.iloc[:0]
    label = np.concatenate(labels) if labels else np.zeros(0, dtype=bool)
    lost, kept = int(label.sum()), int((~label).sum())
    ranking = RiskRanking(
        table=None, method="p_alive", horizon_days=horizon_days, training_customers=len(label)
    )
    ranking.training_lost = lost
    if lost >= 5 and kept >= 5 and len(now):
        model = make_pipeline(
            StandardScaler(),
            LogisticRegression(class_weight="balanced", C=0.1, max_iter=1000),
        )
        features = list(_FEATURES) + sorted(
            c
            for c in before.columns
            if c.startswith(("pull_share_", "pull_log_")) and c in now.columns
        )
        x_train = before[features].fillna(0.0).to_numpy(dtype=np.float64)
        model.fit(x_train, label)
        ranking.method = "logistic"
        ranking.training_auc = float(roc_auc_score(label, model.predict_proba(x_train)[:, 1]))
        coefs = model[-1].coef_[0]
        ranking.coefficients = {n: float(c) for n, c in zip(features, coefs, strict=True)}
        x_now = now[features].fillna(0.0).to_numpy(dtype=np.float64)
        now["risk"] = model.predict_proba(x_now)[:, 1]
    else:
        now["risk"] = 1.0 - now["p_alive"]
    now["value_at_risk"] = now["risk"] * now["value"]
    columns = [
        "customer_id",
        "state",
        "risk",
        "p_alive",
        "value",
        "value_at_risk",
        "days_since_activity",
        "median_gap_days",
        "irritant_365",
        "complaints_365",
    ]
    ranking.table = (
        now[columns].sort_values(["value_at_risk", "customer_id"], ascending=[False, True])
    ).reset_index(drop=True)
    return ranking


_DIGITAL = {"web", "app", "email", "sms", "chat", "social"}


def _segments(chosen: Any) -> list[str]:
    """Needs and behaviour in one label: what they bought most (needs), the channel they use
    (behaviour, digital or not), and whether an irritant is on record."""
    out = []
    for _, row in chosen.iterrows():
        channel = _text(row.get("main_channel"))
        behaviour = "digital" if channel in _DIGITAL else channel or "?"
        parts = [_text(row.get("main_product")) or "?", behaviour]
        if _is_time(row.get("last_irritant_at")):
            parts.append("irritant")
        out.append(" / ".join(parts))
    return out


def _text(value: Any) -> str:
    return value if isinstance(value, str) and value else ""


def _is_time(value: Any) -> bool:
    return isinstance(value, dt.datetime) and value == value  # NaT is a datetime unequal to itself


def _reason(row: Any, language: str, share: float, labels: dict[str, str]) -> str:
    lang: Lang = "fr" if language == "fr" else "en"
    parts = []
    days = "" if math.isnan(row["days_since_activity"]) else int(row["days_since_activity"])
    state = row["state"]
    if state == "lost" and _is_time(row.get("last_cancel")):
        parts.append(t("lifecycle.reason.cancelled", lang, date=fmt_date(row["last_cancel"], lang)))
    elif state == "lost":
        parts.append(t("lifecycle.reason.lost", lang, days=days))
    elif state in ("at_risk", "inactive"):
        parts.append(t(f"lifecycle.reason.{state}", lang, days=days))
    parts.append(
        t(
            "lifecycle.reason.value",
            lang,
            value=number(float(row["value"]), lang, 0),
            share=percent(share, lang, 0),
        )
    )
    irritant_at = row.get("last_irritant_at")
    if _is_time(irritant_at):
        stage = _text(row.get("last_irritant_touchpoint")) or _text(row.get("last_irritant_stage"))
        stage = labels.get(stage, stage)
        parts.append(
            t(
                "lifecycle.reason.irritant",
                lang,
                stage=stage or "?",
                score=number(float(row["last_irritant_score"]), lang, 0),
                date=fmt_date(irritant_at, lang),
            )
        )
    if row.get("complaints_365", 0) and _is_time(row.get("last_complaint_at")):
        parts.append(
            t(
                "lifecycle.reason.complaint",
                lang,
                date=fmt_date(row["last_complaint_at"], lang),
            )
        )
    return "; ".join(parts)


def reactivation_targets(
    events: Any,
    at: dt.date | dt.datetime | str,
    thresholds: Thresholds | None = None,
    context: Any | None = None,
    states: tuple[str, ...] = ("lost", "at_risk", "inactive"),
    min_value_quantile: float = 0.5,
    risk: RiskRanking | None = None,
    control_share: float = 0.0,
    seed: int = 0,
    lang: str = "en",
    labels: dict[str, str] | None = None,
) -> Any:
    """Lost, at-risk or inactive customers whose past value is at least the ``min_value_quantile``
    quantile of all customers' (prospects excepted), highest value first, with their behaviour
    (channels, products, last touchpoint, last irritant, complaints), their churn ``risk`` when a
    :class:`RiskRanking` is given, a ``segment`` by needs and behaviour (main product / digital or
    main channel / irritant), the ``reason`` they are on the list in ``lang``, and ``group``:
    ``target``, or ``control`` for a random ``control_share`` kept out of the campaign to measure
    the reactivation rate against. ``labels`` name stages and touchpoints in the reasons (e.g.
    the journey's stage labels in ``lang``)."""

    if not 0 <= min_value_quantile < 1 or not 0 <= control_share < 1:
        raise LifecycleError(
            "expected 0 <= min_value_quantile < 1 and 0 <= control_share < 1, found "
            f"{min_value_quantile} and {control_share}"
        )
    unknown = set(states) - {"lost", "at_risk", "inactive", "active", "new", "reactivated"}
    if unknown:
        raise LifecycleError(f"expected customer states, found {', '.join(sorted(unknown))}")
    th = thresholds or Thresholds()
    all_states = lifecycle_states(events, at, th, lang=lang)
    customers = all_states[all_states["state"] != "prospect"]
    threshold = float(customers["value"].quantile(min_value_quantile)) if len(customers) else 0.0
    ranks = customers["value"].rank(ascending=False, method="min") / max(len(customers), 1)
    chosen = customers[customers["state"].isin(states) & (customers["value"] >= threshold)].copy()
    chosen["value_top_share"] = ranks.loc[chosen.index]
    if context is not None and len(context):
        chosen = chosen.merge(context, on="customer_id", how="left")
    if risk is not None:
        chosen = chosen.merge(risk.table[["customer_id", "risk"]], on="customer_id", how="left")
        chosen.loc[chosen["state"] == "lost", "risk"] = 1.0
    chosen["segment"] = _segments(chosen)
    chosen["reason"] = [
        _reason(row, lang, float(row["value_top_share"]), labels or {})
        for _, row in chosen.iterrows()
    ]
    chosen = chosen.sort_values(["value", "customer_id"], ascending=[False, True])
    rng = np.random.default_rng(seed)
    n = len(chosen)
    control = np.zeros(n, dtype=bool)
    control[rng.permutation(n)[: round(n * control_share)]] = True
    chosen["group"] = np.where(control, "control", "target")
    front = ["customer_id", "group", "state", "state_label", "value", "segment", "reason"]
    rest = [
        c
        for c in chosen.columns
        if c not in front and c not in ("known", "comeback", "purchases", "value_top_share")
    ]
    return chosen[front + rest].reset_index(drop=True)


def export_targets(targets: Any, path: str | Path, *, dialect: str = "rfc4180") -> Path:
    """Write the targets for a campaign tool: ``.csv`` (through :func:`parcours.export.write_csv`:
    formulas neutralised; ``dialect`` excel-fr for French Excel, or rfc4180) or ``.parquet``."""
    from parcours.export import write_csv

    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame = targets.copy()
    if out.suffix.lower() == ".csv":
        write_csv(frame, out, dialect=dialect)
    elif out.suffix.lower() == ".parquet":
        frame.to_parquet(out, index=False)
    else:
        raise LifecycleError(f"expected a .csv or .parquet file, found {out.name}")
    return out


def reactivation_rate(
    targets: Any,
    events: Any,
    since: dt.date | dt.datetime | str,
    until: dt.date | dt.datetime | str | None = None,
    came_back: str = "purchase",
) -> Any:
    """Share of targeted customers who came back (a ``purchase``, or any ``activity``) between
    ``since`` (the campaign) and ``until``, per group (target, control) with a 95 % Wilson
    interval, and the uplift target - control with Newcombe's interval when a control exists."""
    import pandas as pd

    if came_back not in ("purchase", "activity"):
        raise LifecycleError(f"expected came_back 'purchase' or 'activity', found {came_back!r}")
    frame = targets if isinstance(targets, pd.DataFrame) else as_table(targets).to_pandas()
    if "group" not in frame.columns:
        frame = frame.assign(group="target")
    e = as_table(events)
    kinds = ["purchase"] if came_back == "purchase" else ["purchase", "activity"]
    window = e.kind.isin(kinds) & (e.ts > utc_stamp(since).to_pydatetime())
    if until is not None:
        window = window & (e.ts <= utc_stamp(until).to_pydatetime())
    back = set(e.filter(window).select("customer_id").distinct().to_pandas()["customer_id"])
    rows: list[dict[str, Any]] = []
    for group in ("target", "control"):
        members = frame.loc[frame["group"] == group, "customer_id"]
        n = len(members)
        k = int(members.isin(back).sum())
        low, high = wilson(k, n)
        rows.append(
            {
                "group": group,
                "customers": n,
                "came_back": k,
                "rate": k / n if n else float("nan"),
                "low": low,
                "high": high,
            }
        )
    target, control = rows
    if control["customers"] and target["customers"]:
        diff, d_low, d_high = newcombe(
            target["came_back"], target["customers"], control["came_back"], control["customers"]
        )
        rows.append(
            {
                "group": "uplift",
                "customers": target["customers"] + control["customers"],
                "came_back": target["came_back"] + control["came_back"],
                "rate": diff,
                "low": d_low,
                "high": d_high,
            }
        )
    return pd.DataFrame(rows)
