"""Retention in the report: monthly cohorts of active customers (PostHog's semantics) and, when the
workspace records cancellations, the contractual retention curve (sBG) with each subscriber's
residual value."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from parcours.analytics import retention, retention_shares
from parcours.errors import AnalyticsError, LifecycleError
from parcours.i18n import Lang, date, number, percent, register, t
from parcours.lifecycle import contractual_clv, workspace_events
from parcours.render import charts
from parcours.render._section import Section

if TYPE_CHECKING:
    from parcours.model import Journey
    from parcours.workspace import Workspace

__all__ = ["MESSAGES", "sections"]

ORDER = 52
INTERVALS = 12

MESSAGES: dict[str, dict[Lang, str]] = {
    "render.retention.title": {
        "fr": "Cohortes de rétention (mois)",
        "en": "Retention cohorts (months)",
    },
    "render.retention.reading": {
        "fr": "Sur {cohorts} cohortes mensuelles de clients ayant pris contact d'eux-mêmes, "
        "{share} reviennent en moyenne le mois suivant et {share_last} au bout de {last} mois. "
        "Cohorte = le mois d'un contact à l'initiative du client ; colonne k = part de la "
        "cohorte revenue exactement k mois plus tard.",
        "en": "Over {cohorts} monthly cohorts of customers who made contact themselves, "
        "{share} come back on average the next month and {share_last} after {last} months. "
        "Cohort = the month of a contact the customer initiated; column k = share of the cohort "
        "back exactly k months later.",
    },
    "render.retention.none": {
        "fr": "Aucun contact à l'initiative des clients : pas de cohorte de rétention.",
        "en": "No contact initiated by customers: no retention cohort.",
    },
    "render.retention.size": {"fr": "Taille", "en": "Size"},
    "render.retention.month": {"fr": "M+{k}", "en": "M+{k}"},
    "render.contract.title": {
        "fr": "Rétention contractuelle et valeur résiduelle (modèle sBG)",
        "en": "Contractual retention and residual value (sBG model)",
    },
    "render.contract.reading": {
        "fr": "{churned} résiliations sur {customers} adhésions : {kept12} des adhérents sont "
        "encore là après 12 mois (courbe ajustée, {model}). Valeur résiduelle des {active} "
        "adhérents actifs : {total} (marge par mois × durée résiduelle actualisée à {rate} "
        "par mois).",
        "en": "{churned} cancellations among {customers} subscriptions: {kept12} of subscribers "
        "are still there after 12 months (fitted curve, {model}). Residual value of the {active} "
        "active subscribers: {total} (margin per month × discounted residual lifetime at "
        "{rate} a month).",
    },
    "render.contract.observed": {"fr": "Observé (Kaplan-Meier)", "en": "Observed (Kaplan-Meier)"},
    "render.contract.fitted": {"fr": "Ajusté (sBG)", "en": "Fitted (sBG)"},
    "render.contract.curve": {
        "fr": "Part des adhérents encore présents après k mois (%)",
        "en": "Share of subscribers still there after k months (%)",
    },
    "render.contract.heterogeneous": {
        "fr": "taux de résiliation hétérogènes : les fidèles restent, la rétention monte avec "
        "l'ancienneté",
        "en": "heterogeneous churn rates: the loyal stay, retention rises with tenure",
    },
    "render.contract.geometric": {
        "fr": "même taux de résiliation pour tous : {churn} par mois",
        "en": "the same churn rate for everyone: {churn} a month",
    },
}
register(MESSAGES)


def _cohorts(workspace: Workspace, lang: Lang) -> Section:
    title = t("render.retention.title", lang)
    events = workspace.table("interactions")
    active = {"direction": "pull"}
    try:
        table = retention(events, active, active, period="month", intervals=INTERVALS)
        shares = retention_shares(table)
    except AnalyticsError:
        shares = pd.DataFrame()
    if shares.empty:
        return Section(
            key="retention",
            title=title,
            reading=t("render.retention.none", lang),
            order=ORDER,
            no_data=True,
        )
    labels = {k: t("render.retention.month", lang, k=k) for k in range(INTERVALS)}
    rows = {c: date(pd.Timestamp(c).date(), lang)[3:] for c in shares["cohort"]}
    wide = shares.set_index("cohort")[[k for k in range(INTERVALS) if k in shares.columns]]
    html = charts.heatmap(
        wide,
        title=title,
        lang=lang,
        row_labels=rows,
        column_labels=labels,
        as_percent=True,
        cell_width=58,
        cell_height=26,
    )
    first = wide[1].dropna() if 1 in wide.columns else pd.Series(dtype=float)
    last = max(k for k in wide.columns if wide[k].notna().any())
    weights = shares.set_index("cohort")["size"]
    mean1 = (
        float((first * weights[first.index]).sum() / weights[first.index].sum())
        if len(first)
        else 0.0
    )
    tail = wide[last].dropna()
    mean_last = float((tail * weights[tail.index]).sum() / max(weights[tail.index].sum(), 1))
    reading = t(
        "render.retention.reading",
        lang,
        cohorts=len(shares),
        share=percent(mean1, lang),
        share_last=percent(mean_last, lang),
        last=last,
    )
    export = table.to_pandas()
    return Section(
        key="retention",
        title=title,
        reading=reading,
        html=html,
        tables={"retention_cohorts": export},
        order=ORDER,
    )


def _contract(workspace: Workspace, journey: Journey | None, lang: Lang) -> list[Section]:
    events, contract = workspace_events(workspace, journey)
    if not contract:
        return []
    at = events.ts.max().execute()
    try:
        result = contractual_clv(events, at, "month", discount_rate=0.01)
    except LifecycleError:
        return []
    title = t("render.contract.title", lang)
    # every sixth month over three years: enough to read the curve, few enough to label each point
    survival = result.survival[result.survival["period"].isin(range(0, 37, 6))]
    observed = [100 * v for v in survival["observed"]]
    fitted = [100 * v for v in survival["fitted"]]
    html = charts.line(
        [str(int(p)) for p in survival["period"]],
        {
            t("render.contract.observed", lang): observed,
            t("render.contract.fitted", lang): fitted,
        },
        title=t("render.contract.curve", lang),
        lang=lang,
        ymin=5 * math.floor(min(observed + fitted) / 5),
        ymax=100.0,
        step=5.0,
        decimals=1,
        signed_values=False,
    )
    a, b = result.params["alpha"], result.params["beta"]
    model = (
        t("render.contract.geometric", lang, churn=percent(a / (a + b), lang, decimals=2))
        if result.model.geometric_
        else t("render.contract.heterogeneous", lang)
    )
    reading = t(
        "render.contract.reading",
        lang,
        churned=number(result.churned, lang),
        customers=number(result.customers, lang),
        kept12=percent(float(result.model.survival(12)), lang),
        model=model,
        active=number(len(result.table), lang),
        total=number(float(result.table["clv"].sum()), lang, decimals=0),
        rate=percent(result.discount_rate, lang),
    )
    tables: dict[str, Any] = {
        "contract_survival": result.survival,
        "contract_clv": result.table,
    }
    return [
        Section(
            key="contract",
            title=title,
            reading=reading,
            html=html,
            tables=tables,
            order=ORDER + 1,
        )
    ]


def sections(workspace: Workspace, journey: Journey | None, lang: str) -> list[Section]:
    """Retention cohorts, and the contractual retention curve when cancellations are recorded."""
    language: Lang = "en" if lang == "en" else "fr"
    return [_cohorts(workspace, language), *_contract(workspace, journey, language)]
