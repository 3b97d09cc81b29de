"""The plan's sections of the report: the gain x effort matrix, the road map and the KPI follow-up.

Everything comes from :mod:`parcours.plan`'s public functions; the report starts the road map on the
first day of the month after the last interaction (the plan is what comes next)."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import TYPE_CHECKING, Any

import pandas as pd

from parcours.i18n import Lang, date, number, register, t
from parcours.plan import (
    evidence,
    follow_kpis,
    gantt_svg,
    matrix_svg,
    period_starts,
    plan_settings,
    schedule,
    score_ideas,
    workspace_ideas,
)
from parcours.render import charts
from parcours.render._section import Section

if TYPE_CHECKING:
    from parcours.model import Journey
    from parcours.workspace import Workspace

__all__ = ["MESSAGES", "sections"]

ORDER = 90

MESSAGES: dict[str, dict[Lang, str]] = {
    "render.plan.matrix.title": {
        "fr": "Pistes d'amélioration : gain × effort",
        "en": "Improvement ideas: gain × effort",
    },
    "render.plan.matrix.reading": {
        "fr": "{ideas} pistes évaluées : {quick} gains rapides, {must} incontournables, {nice} "
        "confort, {sink} gouffres. En tête : « {top} ». Gain 1-5 (manuel, critères, sinon "
        "preuves de l'entrepôt), effort 1-5.",
        "en": "{ideas} ideas assessed: {quick} quick wins, {must} must haves, {nice} nice to "
        "haves, {sink} time sinks. First: “{top}”. Gain 1-5 (manual, criteria, else evidence "
        "from the warehouse), effort 1-5.",
    },
    "render.plan.none": {
        "fr": "Aucune piste d'amélioration : ajoutez plan/ideas.yaml ou importez une feuille "
        "d'atelier (parcours plan import).",
        "en": "No improvement idea: add plan/ideas.yaml or import a workshop sheet "
        "(parcours plan import).",
    },
    "render.plan.roadmap.title": {
        "fr": "Feuille de route à partir du {start}",
        "en": "Road map from {start}",
    },
    "render.plan.roadmap.reading": {
        "fr": "{scheduled} chantiers planifiés sous les capacités des équipes, {unscheduled} "
        "hors feuille de route ; dernière livraison le {last}. {solver}",
        "en": "{scheduled} workstreams scheduled within the teams' capacities, {unscheduled} "
        "left out; last delivery on {last}. {solver}",
    },
    "render.plan.kpis.title": {"fr": "Suivi des indicateurs", "en": "KPI follow-up"},
    "render.plan.kpis.reading": {
        "fr": "{kpis} indicateurs suivis chaque mois : {on} en bonne voie, {late} en retard, "
        "{reached} atteints, {none} sans donnée.",
        "en": "{kpis} KPIs followed monthly: {on} on track, {late} late, {reached} reached, "
        "{none} without data.",
    },
}
register(MESSAGES)


def _last_day(workspace: Workspace) -> dt.date:
    last = workspace.table("interactions").ts.max().execute()
    if last is None or pd.isna(last):
        return dt.date.today()
    return pd.Timestamp(last).date()


def sections(workspace: Workspace, journey: Journey | None, lang: str) -> list[Section]:
    """The gain x effort matrix, the road map (Gantt) and the KPI follow-up of the workspace's
    ideas; one section saying how to add ideas when there are none."""
    language: Lang = "en" if lang == "en" else "fr"
    ideas = workspace_ideas(workspace)
    title = t("render.plan.matrix.title", language)
    if not ideas.ideas:
        return [
            Section(
                key="plan",
                title=title,
                reading=t("render.plan.none", language),
                order=ORDER,
                no_data=True,
            )
        ]
    settings = plan_settings(workspace)
    facts = evidence(workspace, ideas)
    scores = score_ideas(ideas, settings, evidence=facts, lang=language)
    counts = scores["class"].value_counts()
    top = scores.iloc[0]
    matrix = Section(
        key="plan_matrix",
        title=title,
        reading=t(
            "render.plan.matrix.reading",
            language,
            ideas=len(scores),
            quick=int(counts.get("quick_win", 0)),
            must=int(counts.get("must_have", 0)),
            nice=int(counts.get("nice_to_have", 0)),
            sink=int(counts.get("time_sink", 0)),
            top=str(top["title"]),
        ),
        html=charts.inline(matrix_svg(scores, lang=language, threshold=settings.threshold)),
        tables={"plan_scores": scores},
        order=ORDER,
    )
    start = period_starts(_last_day(workspace), "month", 1)[1]  # the month after the data
    roadmap = schedule(ideas, start=start, settings=settings, scores=scores, lang=language)
    last = (
        date(pd.Timestamp(roadmap.plan["end"].max()).date(), language) if len(roadmap.plan) else "—"
    )
    road = Section(
        key="plan_roadmap",
        title=t("render.plan.roadmap.title", language, start=date(start, language)),
        reading=t(
            "render.plan.roadmap.reading",
            language,
            scheduled=number(len(roadmap.plan), language),
            unscheduled=number(len(roadmap.unscheduled), language),
            last=last,
            solver=roadmap.message(language),
        ),
        html=charts.inline(gantt_svg(roadmap, lang=language)) + _unscheduled(roadmap.unscheduled),
        tables={
            "plan_roadmap": roadmap.plan[["idea", "team", "start", "end", "depends_on"]],
            "plan_unscheduled": roadmap.unscheduled,
        },
        order=ORDER + 1,
    )
    follow = follow_kpis(workspace, ideas, journey=journey, lang=language)
    found: list[Section] = [matrix, road]
    if len(follow.summary):
        status = follow.summary["status"].value_counts()
        found.append(
            Section(
                key="plan_kpis",
                title=t("render.plan.kpis.title", language),
                reading=t(
                    "render.plan.kpis.reading",
                    language,
                    kpis=len(follow.summary),
                    on=int(status.get("on_track", 0)),
                    late=int(status.get("late", 0)),
                    reached=int(status.get("reached", 0)),
                    none=int(status.get("no_data", 0)),
                ),
                html=charts.table_html(
                    _kpi_rows(follow.summary),
                    language,
                    headers={
                        "idea": t("plan.col.idea", language),
                        "label": t("plan.col.kpi", language),
                        "baseline": t("plan.col.baseline", language),
                        "latest": t("plan.col.latest", language),
                        "target": t("plan.col.target", language),
                        "deadline": t("plan.col.deadline", language),
                        "status_label": t("plan.col.status", language),
                    },
                ),
                tables={"plan_kpis": follow.summary, "plan_kpi_series": follow.series},
                order=ORDER + 2,
            )
        )
    return found


def _unscheduled(frame: pd.DataFrame) -> str:
    if not len(frame):
        return ""
    items = "".join(
        f"<li>{escape(str(r.idea))} — {escape(str(r.reason))}</li>" for r in frame.itertuples()
    )
    return f"<ul class='unscheduled'>{items}</ul>"


def _kpi_rows(summary: pd.DataFrame) -> Any:
    columns = ("idea", "label", "baseline", "latest", "target", "deadline", "status_label")
    return summary[[c for c in columns if c in summary.columns]]
