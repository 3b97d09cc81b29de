"""The lifecycle's sections of the report: flows between states, RFM segments, churn rate."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from parcours.i18n import Lang, date, percent, t
from parcours.lifecycle import LifecycleError, rfm, rfm_segments, workspace_lifecycle
from parcours.render import _messages, charts  # noqa: F401  # _messages: the words below
from parcours.render._section import Section

if TYPE_CHECKING:
    from parcours.model import Journey
    from parcours.workspace import Workspace

__all__ = ["sections"]

ORDER = 50


def _no_data(key: str, title: str, lang: Lang) -> Section:
    return Section(
        key=key, title=title, reading=t("lifecycle.no_data", lang), order=ORDER, no_data=True
    )


def _flows(view: Any, lang: Lang) -> Section:
    matrix = view.matrix
    labels = {s: t(f"lifecycle.state.{s}", lang) for s in [*matrix.index, *matrix.columns]}
    long = matrix.stack().rename("customers").reset_index()
    # prospects who stay prospects (or appear as prospects) would dwarf the customers' flows
    long = long[(long["customers"] > 0) & (long["to"] != "prospect")]
    start, end = date(view.start, lang), date(view.at, lang)
    title = t("lifecycle.title.flows", lang, start=start, end=end)
    known = matrix.drop(index=["unknown", "prospect"])
    same = sum(int(known.loc[s, s]) for s in known.index if s in known.columns)
    kept = same / max(int(known.to_numpy().sum()), 1)
    html = charts.flow(
        long[["from", "to", "customers"]].to_numpy().tolist(),
        title=title,
        lang=lang,
        labels=labels,
        before=start,
        after=end,
    )
    html += charts.heatmap(
        matrix,
        title=title,
        lang=lang,
        row_labels=labels,
        column_labels=labels,
    )
    html += f"<p>{escape(view.thresholds.describe(lang))}</p>"
    return Section(
        key="lifecycle_flows",
        title=title,
        reading=t("lifecycle.reading.flows", lang, start=start, end=end, kept=percent(kept, lang)),
        html=html,
        tables={"lifecycle_transitions": matrix.reset_index()},
        order=ORDER,
    )


def _churn(view: Any, freq: str, lang: Lang) -> Section:
    churn = view.churn.dropna(subset=["rate"])
    churn = churn[churn["customers_at_start"] > 0]
    title = t("lifecycle.title.churn", lang)
    if churn.empty:
        return _no_data("lifecycle_churn", title, lang)
    definition = str(view.churn["definition"].iloc[0])
    labels = [
        f"{date(r.period_start, lang)} – {date(r.period_end, lang)}"
        for r in churn.itertuples(index=False)
    ]
    rate = float(churn["lost"].sum() / churn["customers_at_start"].sum())
    html = charts.bars(labels, churn["rate"].tolist(), title=title, lang=lang, as_percent=True)
    return Section(
        key="lifecycle_churn",
        title=title,
        reading=t(
            "lifecycle.reading.churn",
            lang,
            rate=percent(rate, lang),
            period=t(f"lifecycle.period.{freq}", lang),
            definition=definition,
        ),
        html=html,
        tables={"lifecycle_churn": view.churn},
        order=ORDER + 1,
    )


def _rfm(workspace: Any, lang: Lang) -> Section:
    title = t("lifecycle.title.rfm", lang)
    transactions = workspace.table("transactions")
    if int(transactions.count().execute()) == 0:
        return _no_data("lifecycle_rfm", title, lang)
    table = rfm_segments(rfm(transactions, lang=lang), lang=lang)
    columns = ["label", "customers", "customer_share", "revenue", "revenue_share"]
    headers = {
        "label": t("lifecycle.col.segment", lang),
        "customers": t("lifecycle.col.customers", lang),
        "customer_share": t("lifecycle.col.share", lang),
        "revenue": t("lifecycle.col.revenue", lang),
        "revenue_share": t("lifecycle.col.revenue_share", lang),
    }
    html = charts.table_html(
        table[columns],
        lang,
        caption=title,
        headers=headers,
        percent_columns=["customer_share", "revenue_share"],
        decimals={"revenue": 0},
    )
    top = table[table["segment"].isin(["champions", "loyal"])]
    names = " + ".join(top["label"])
    return Section(
        key="lifecycle_rfm",
        title=title,
        reading=t(
            "lifecycle.reading.rfm",
            lang,
            top=names,
            share=percent(float(top["revenue_share"].sum()), lang),
            customers=percent(float(top["customer_share"].sum()), lang),
        ),
        html=html,
        tables={"lifecycle_rfm_segments": table},
        order=ORDER + 2,
    )


def sections(workspace: Workspace, journey: Journey | None, lang: str) -> list[Section]:
    """Lifecycle flows over the last year, churn rate per quarter with its definition, and the
    RFM segments with their revenue share."""
    lg: Lang = "en" if lang == "en" else "fr"
    if int(workspace.table("transactions").count().execute()) == 0:
        # Interactions alone say who came, not who bought: name what is missing and how to map it.
        return [
            Section(key=key, title=t(title, lg), reading=t("render.lifecycle.no_transactions", lg),
                    order=ORDER + k, no_data=True)
            for k, (key, title) in enumerate(
                (("lifecycle_flows", "lifecycle.title.states"), ("lifecycle_rfm", "lifecycle.title.rfm"))
            )
        ]  # fmt: skip
    try:
        view = workspace_lifecycle(workspace, freq="Q", journey=journey, lang=lg)
    except LifecycleError:
        return [
            _no_data("lifecycle_flows", t("lifecycle.title.states", lg), lg),
            _rfm(workspace, lg),
        ]
    return [_flows(view, lg), _churn(view, "Q", lg), _rfm(workspace, lg)]
