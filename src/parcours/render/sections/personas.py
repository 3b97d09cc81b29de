"""The personas' sections of the report: their weight in the base and one card per persona."""

from __future__ import annotations

import dataclasses
from html import escape
from typing import TYPE_CHECKING, Any

from parcours.i18n import Lang, number, percent, t
from parcours.model import text
from parcours.personas import UNASSIGNED, PersonaError, load_projection, model_card, quantify
from parcours.render import _messages, charts  # noqa: F401  # _messages: the words of the cards
from parcours.render._section import Section

if TYPE_CHECKING:
    from parcours.model import Journey
    from parcours.workspace import Workspace

__all__ = ["sections"]


def _bars(weights: Any, names: dict[str, str], lang: Lang) -> str:
    """Share of the base and of revenue per persona as bars."""
    labels = [names[str(p)] for p in weights["persona"]]
    return "".join(
        charts.bars(
            labels,
            [float(v) for v in weights[column]],
            title=t(f"personas.col.{column}", lang),
            lang=lang,
            as_percent=True,
        )
        for column in ("share", "revenue_share")
    )


def sections(workspace: Workspace, journey: Journey | None, lang: str) -> list[Section]:
    """Persona weights (customers, prospects, revenue) and one card per persona, if scored."""
    lg: Lang = "en" if lang == "en" else "fr"
    try:
        projection = load_projection(workspace)
        weights = quantify(workspace, projection=projection)
    except PersonaError:
        return [
            Section(
                key="personas",
                title=t("personas.section.title", lg),
                reading=t("personas.section.none", lg),
                order=60,
                no_data=True,
            )
        ]
    names = {f.persona.id: text(f.persona.name, lg) for f in projection.fits}
    names[UNASSIGNED] = t("personas.unassigned", lg)
    shown = weights.assign(persona=weights["persona"].map(names))
    columns = [
        "persona",
        "customers",
        "prospects",
        "share",
        "revenue",
        "revenue_share",
        "estimated",
    ]
    headers = {c: t(f"personas.col.{c}", lg) for c in columns}
    html = charts.table_html(
        shown[columns],
        lg,
        caption=t("personas.table.title", lg),
        headers=headers,
        percent_columns=["share", "revenue_share"],
    )
    assigned = weights[weights["persona"] != UNASSIGNED]
    html = _bars(assigned, names, lg) + html
    top = assigned.sort_values("total", ascending=False).iloc[0]
    reading = t(
        "personas.section.reading",
        lg,
        assigned=percent(float(assigned["share"].sum()), lg),
        top=names[str(top["persona"])],
        share=percent(float(top["share"]), lg),
        revenue=percent(float(top["revenue_share"]), lg),
    )
    found = [
        Section(
            key="personas",
            title=t("personas.section.title", lg),
            reading=reading,
            html=html,
            tables={"personas_weights": weights},
            order=60,
        )
    ]
    channels = {c.id: text(c.label, lg) for c in (journey.channels if journey else [])}
    for k, f in enumerate(projection.fits):
        p = f.persona
        row = weights[weights["persona"] == p.id].iloc[0]
        weight = t(
            "personas.card.weight",
            lg,
            customers=number(int(row["total"]), lg),
            share=percent(float(row["share"]), lg),
            revenue=percent(float(row["revenue_share"]), lg),
        )
        sure = t(
            "render.persona.sure",
            lg,
            recall=percent(float(f.model.recall_), lg),
            size=number(round(f.estimated_size), lg),
        )
        parts = [f"<p><strong>{escape(weight)}</strong></p>", f"<p>{escape(sure)}</p>"]
        if p.portrait is not None:
            parts.append(
                f"<h4>{escape(t('personas.card.portrait', lg))}</h4>"
                f"<p>{escape(text(p.portrait, lg))}</p>"
            )
        if p.expectations:
            items = "".join(f"<li>{escape(text(e, lg))}</li>" for e in p.expectations)
            parts.append(f"<h4>{escape(t('personas.card.expectations', lg))}</h4><ul>{items}</ul>")
        sep = " : " if lg == "fr" else ": "
        if p.channels:
            label = escape(t("personas.card.channels", lg))
            named = ", ".join(channels.get(c, c) for c in p.channels)
            parts.append(f"<p>{label}{sep}{escape(named)}</p>")
        if p.tone is not None:
            label = escape(t("personas.card.tone", lg))
            parts.append(f"<p>{label}{sep}{escape(text(p.tone, lg))}</p>")
        drivers = "".join(
            f"<li>{escape(d.describe(lg))}"
            + (f" <em>({escape(t('personas.card.habit', lg))})</em>" if d.role == "habit" else "")
            + "</li>"
            for d in p.drivers
        )
        parts.append(f"<h4>{escape(t('personas.card.drivers', lg))}</h4><ul>{drivers}</ul>")
        single = dataclasses.replace(projection, fits=[f])
        parts.append(
            f"<details><summary>{escape(t('render.persona.model', lg))}</summary>"
            f'<pre style="white-space: pre-wrap">{escape(model_card(single, lg))}</pre></details>'
        )
        found.append(
            Section(
                key=f"persona_{p.id.replace('-', '_')}",
                title=text(p.name, lg),
                reading=weight,
                html="".join(parts),
                order=61 + k,
            )
        )
    return found
