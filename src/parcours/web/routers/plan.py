"""``/plan``: prioritise and follow (stories 5 and 6). The gain x effort matrix with each idea's
evidence beside it (re-scoring an idea writes its gain and effort to ``plan/ideas.yaml``), the
road map under the team capacities, a fiche chantier per workstream, and the KPI follow-up. Every
number comes from :mod:`parcours.plan` (``score_ideas``, ``evidence``, ``schedule``,
``follow_kpis``, ``workstream_sheets``) and :func:`parcours.orchestrate.uplift`."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from parcours.web._core import CSP, Page, check_csrf, guard, render

router = APIRouter(prefix="/plan")


def _ideas(page: Page) -> Any:
    from parcours.plan import workspace_ideas

    return page.ctx.cached(("web.plan.ideas",), workspace_ideas)


def _scored(page: Page) -> tuple[Any, Any, Any]:
    """(ideas, scores, evidence) for this data version."""
    from parcours.plan import evidence, plan_settings, score_ideas

    ideas = _ideas(page)
    lang = page.lang

    def build(ws: Any) -> tuple[Any, Any]:
        found = evidence(ws, ideas)
        return score_ideas(ideas, plan_settings(ws), evidence=found, lang=lang), found

    scores, found = page.ctx.cached(("web.plan.scores", lang), build)
    return ideas, scores, found


def _start() -> dt.date:
    today = dt.date.today()
    return (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _capacity(page: Page, ideas: Any) -> dict[str, float]:
    """The ideas file's capacities, with any ``cap_<team>`` of the address instead."""
    capacity = {str(k): float(v) for k, v in ideas.capacity.items()}
    for key, value in page.request.query_params.items():
        if key.startswith("cap_") and key[4:] in capacity:
            try:
                days = float(value)
            except ValueError:
                continue
            if math.isfinite(days) and days >= 0:
                capacity[key[4:]] = days
    return capacity


def _roadmap(page: Page, ideas: Any, scores: Any, capacity: dict[str, float]) -> Any:
    from parcours.plan import plan_settings, schedule

    key = ("web.plan.roadmap", page.lang, tuple(sorted(capacity.items())))
    return page.ctx.cached(
        key,
        lambda ws: schedule(
            ideas,
            start=_start(),
            capacity=capacity,
            settings=plan_settings(ws),
            scores=scores,
            time_limit=5.0,
            lang=page.lang,
        ),
    )


def _records(frame: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {str(k): (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
        for r in frame.to_dict("records")
    ]
    return rows


@router.get("")
def plan_page(request: Request, idea: str | None = None) -> Response:
    """The gain x effort matrix, each idea's class and evidence, and the road map."""
    from parcours.i18n import t
    from parcours.plan import gantt_svg, matrix_svg, workstreams
    from parcours.render import charts

    page = guard(request, "viewer")
    if not isinstance(page, Page):
        return page
    ideas, scores, found = _scored(page)
    capacity = _capacity(page, ideas)
    roadmap = _roadmap(page, ideas, scores, capacity)
    rows = _records(scores)
    by_evidence = {str(r["idea"]): r for r in _records(found)}
    selected = idea if idea in by_evidence else (str(rows[0]["idea"]) if rows else None)
    return render(
        page,
        "plan.html",
        {
            "title": t("web.plan.title", page.lang),
            "rows": rows,
            "evidence": by_evidence,
            "selected": selected,
            "matrix": charts.inline(matrix_svg(scores, lang=page.lang)) if rows else "",
            "gantt": charts.inline(gantt_svg(roadmap, lang=page.lang)) if len(roadmap.plan) else "",
            "roadmap": roadmap,
            "unscheduled": _records(roadmap.unscheduled),
            "capacity": capacity,
            "workstreams": list(workstreams(ideas)),
            "scores_range": range(1, 6),
        },
    )


@router.post("/ideas/{idea_id}/score")
async def rescore(idea_id: str, request: Request) -> Response:
    """Move an idea on the matrix: its manual gain and effort (1-5) are written to the ideas
    file, then everything is scored again (the class follows)."""
    from parcours.plan import Ideas, ideas_path, save_ideas, workspace_ideas

    page = guard(request, "analyst")
    if not isinstance(page, Page):
        return page
    form = await request.form()
    if not check_csrf(page, str(form.get("csrf", ""))):
        return render(page, "refused.html", {"needed": "csrf", "home": "/plan"}, status=403)
    try:
        gain, effort = int(str(form.get("gain"))), int(str(form.get("effort")))
    except ValueError:
        gain = effort = 0
    if not (1 <= gain <= 5 and 1 <= effort <= 5):
        return render(
            page,
            "message.html",
            {"title": idea_id, "message": ("web.plan.bad_score", {})},
            status=422,
        )
    with page.ctx.journeys() as ws:
        current = workspace_ideas(ws)
        if idea_id not in current.by_id():
            return render(
                page,
                "message.html",
                {"title": idea_id, "message": ("web.plan.unknown", {"id": idea_id})},
                status=404,
            )
        updated = [
            i.model_copy(update={"gain": gain, "effort": effort}) if i.id == idea_id else i
            for i in current.ideas
        ]
        save_ideas(Ideas(capacity=dict(current.capacity), ideas=updated), ideas_path(ws))
    page.ctx.changed()
    return RedirectResponse(f"/plan?idea={idea_id}#idea-{idea_id}", status_code=303)


@router.get("/sheets/{workstream}")
def sheet(workstream: str, request: Request) -> Response:
    """The fiche chantier of a workstream: one printable page (``parcours.plan.workstream_sheets``)."""
    from parcours.plan import workstream_sheets

    page = guard(request, "viewer")
    if not isinstance(page, Page):
        return page
    ideas, scores, found = _scored(page)
    roadmap = _roadmap(page, ideas, scores, _capacity(page, ideas))

    def build(ws: Any) -> dict[str, str]:
        return workstream_sheets(
            ideas,
            journey=ws.journey_or_none(),
            scores=scores,
            evidence=found,
            roadmap=roadmap,
            lang=page.lang,
        )

    sheets: dict[str, str] = page.ctx.cached(("web.plan.sheets", page.lang), build)
    if workstream not in sheets:
        return render(
            page,
            "message.html",
            {"title": workstream, "message": ("web.plan.unknown", {"id": workstream})},
            status=404,
        )
    return HTMLResponse(
        sheets[workstream], headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store"}
    )


@router.get("/kpis")
def kpis_page(request: Request) -> Response:
    """Each KPI's baseline, target, latest value with its interval and status; each
    scenario's uplift with its interval."""
    from parcours.errors import ParcoursError
    from parcours.i18n import t
    from parcours.plan import follow_kpis

    page = guard(request, "viewer")
    if not isinstance(page, Page):
        return page
    ideas = _ideas(page)
    follow = page.ctx.cached(
        ("web.plan.kpis", page.lang), lambda ws: follow_kpis(ws, ideas, lang=page.lang)
    )
    titles = {i.id: i.title for i in ideas.ideas}
    uplifts = []
    for scenario in sorted(p.stem for p in (page.ctx.root / "scenarios").glob("*.y*ml")):
        try:
            uplifts.append(_uplift(page, scenario))
        except ParcoursError as exc:
            uplifts.append({"scenario": scenario, "error": str(exc)})
    from parcours.model import text

    return render(
        page,
        "plan_kpis.html",
        {
            "title": t("web.kpis.title", page.lang),
            "rows": _records(follow.summary),
            "titles": {k: text(v, page.lang) for k, v in titles.items()},
            "uplifts": uplifts,
        },
    )


def _uplift(page: Page, scenario: str) -> dict[str, Any]:
    from parcours.orchestrate import uplift

    ctx = page.ctx

    def build(_ws: Any) -> dict[str, Any]:
        orch = ctx.orchestrator()
        with ctx.orchestrate_lock:
            result: dict[str, Any] = uplift(orch, scenario)
        return result

    found: dict[str, Any] = ctx.cached(("web.uplift", scenario), build)
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in found.items()}
