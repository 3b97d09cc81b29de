"""``/analyses/...``: the funnel builder, the verbatims, the lifecycle; each links back to the map."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from parcours.web._core import Page, guard, render
from parcours.web._data import (
    channel_choices,
    funnel_rows,
    journey_choices,
    persona_choices,
    stage_labels,
    verbatims,
)

router = APIRouter(prefix="/analyses")


def _journey(page: Page, asked: str | None) -> str | None:
    known = [j for j, _ in journey_choices(page.ctx, page.lang)]
    if asked in known:
        return asked
    return known[0] if known else None


def _common(page: Page, journey: str | None) -> dict[str, Any]:
    return {
        "journey_id": journey,
        "show_filters": True,
        "personas": persona_choices(page.ctx, journey, page.lang),
        "channels": channel_choices(page.ctx, journey, page.lang),
        "labels": stage_labels(page.ctx, journey, page.lang) if journey else {},
    }


@router.get("/funnel")
def funnel_page(
    request: Request,
    journey: str | None = None,
    steps: Annotated[list[str], Query(max_length=30)] = [],  # noqa: B006  # FastAPI copies query defaults
    stage: str | None = None,
    window: Annotated[str, Query(max_length=20)] = "30d",
) -> Response:
    """Build a funnel by picking stages in order (``parcours.analytics.funnel``)."""
    from parcours.errors import ParcoursError
    from parcours.i18n import t
    from parcours.render import charts

    page = guard(request, "viewer")
    if not isinstance(page, Page):
        return page
    jid = _journey(page, journey)
    common = _common(page, jid)
    labels: dict[str, str] = common["labels"]
    order = list(labels)
    chosen = [s for s in steps if s in labels]
    if not chosen and stage in labels:
        chosen = order[: order.index(stage) + 2] if stage else []
    if len(chosen) < 2:
        chosen = order[:3]
    rows: list[dict[str, Any]] = []
    error = None
    chart = ""
    try:
        rows = funnel_rows(page.ctx, chosen, window)
    except ParcoursError as exc:
        error = str(exc)
    if rows:
        chart = charts.inline(
            charts.funnel(
                [labels.get(str(r.get("name")), str(r.get("name"))) for r in rows],
                [float(r.get("customers") or 0) for r in rows],
                title=t("web.funnel.title", page.lang),
                lang=page.lang,
            )
        )
    return render(
        page,
        "funnel.html",
        {
            "title": t("web.funnel.title", page.lang),
            "chosen": chosen,
            "rows": rows,
            "chart": chart,
            "error": error,
            "window": window,
            "keep": {"journey": jid} if jid else {},
            **common,
        },
    )


@router.get("/verbatims")
def verbatims_page(
    request: Request,
    journey: str | None = None,
    stage: str | None = None,
    touchpoint: str | None = None,
) -> Response:
    """What customers wrote, by stage, with their score."""
    from parcours.i18n import t

    page = guard(request, "viewer")
    if not isinstance(page, Page):
        return page
    jid = _journey(page, journey)
    common = _common(page, jid)
    rows = verbatims(
        page.ctx, jid, page.filters, stage=stage or None, touchpoint=touchpoint or None, limit=200
    )
    return render(
        page,
        "verbatims.html",
        {
            "title": t("web.verbatims.title", page.lang),
            "rows": rows,
            "stage": stage or "",
            "keep": {k: v for k, v in (("stage", stage), ("journey", jid)) if v},
            **common,
        },
    )


@router.get("/lifecycle")
def lifecycle_page(request: Request) -> Response:
    """Each customer's state today, the churn rate per quarter (``parcours.lifecycle``)."""
    from parcours.api.routers.capabilities import lifecycle
    from parcours.errors import ApiError, ParcoursError
    from parcours.i18n import t
    from parcours.render import charts

    page = guard(request, "viewer")
    if not isinstance(page, Page):
        return page
    jid = _journey(page, None)
    error = None
    states: list[dict[str, Any]] = []
    churn: list[dict[str, Any]] = []
    chart = ""
    thresholds = ""
    try:
        view = lifecycle(request, at=None, start=None, freq="Q")
        states, churn, thresholds = view.states.rows, view.churn.rows, view.thresholds
    except (ApiError, ParcoursError) as exc:
        error = str(exc)
    counts: dict[str, int] = {}
    label_of: dict[str, str] = {}
    for row in states:
        key = str(row.get("state"))
        counts[key] = counts.get(key, 0) + 1
        label_of[key] = str(row.get("state_label") or key)
    if counts:
        names = sorted(counts, key=lambda k: -counts[k])
        chart = charts.inline(
            charts.bars(
                [label_of[k] for k in names],
                [float(counts[k]) for k in names],
                title=t("web.lifecycle.states", page.lang),
                lang=page.lang,
            )
        )
    return render(
        page,
        "lifecycle.html",
        {
            "title": t("web.lifecycle.title", page.lang),
            "counts": sorted(counts.items(), key=lambda kv: -kv[1]),
            "label_of": label_of,
            "total": sum(counts.values()),
            "churn": churn[-8:],
            "chart": chart,
            "thresholds": thresholds,
            "error": error,
            **_common(page, jid),
        },
    )
