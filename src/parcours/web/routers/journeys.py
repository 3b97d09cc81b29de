"""``/journeys/{id}``: the interactive one-page map, a cell's drill-down, and editing (analysts)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from parcours.web._core import Page, check_csrf, guard, render
from parcours.web._data import (
    cell_customers,
    channel_choices,
    journey_choices,
    map_view,
    persona_choices,
    stage_funnel,
    stage_labels,
    touchpoint_scores,
    verbatims,
)
from parcours.web._export import csv_response

router = APIRouter()


def _known(page: Page, journey_id: str) -> bool:
    return journey_id in {j for j, _ in journey_choices(page.ctx, page.lang)}


def _not_found(page: Page, journey_id: str) -> Response:
    return render(
        page,
        "message.html",
        {"title": journey_id, "message": ("web.journey.unknown", {"id": journey_id})},
        status=404,
    )


def _counterpart(page: Page, journey_id: str) -> str | None:
    """The to-be map derived from an as-is one, or the as-is a to-be derives from."""

    def build(ws: Any) -> str | None:
        from pathlib import Path

        from parcours.errors import ParcoursError
        from parcours.model import load_journey

        current = ws.journey(journey_id)
        for file in ws.journey_files():
            try:
                other = load_journey(file)
            except ParcoursError:
                continue
            if file.stem == journey_id:
                continue
            forward = (
                current.state == "as-is"
                and other.state == "to-be"
                and bool(other.derived_from)
                and Path(str(other.derived_from)).stem in (journey_id, current.id)
            )
            backward = (
                current.state == "to-be"
                and bool(current.derived_from)
                and Path(str(current.derived_from)).stem in (file.stem, other.id)
            )
            if forward or backward:
                return str(file.stem)
        return None

    result: str | None = page.ctx.cached(("web.counterpart", journey_id), build)
    return result


def _grid(page: Page, journey_id: str) -> dict[str, Any]:
    """The map as rows × stages for the template: header, promise, channels, irritants..."""
    view = map_view(page.ctx, journey_id, page.filters, page.lang)
    data = view["data"]
    model = page.ctx.cached(("web.journey", journey_id), lambda ws: ws.journey(journey_id))
    scores = touchpoint_scores(page.ctx, journey_id, page.filters)
    numbers = {tp.id: tp for s in data.stages for tp in s.touchpoints}
    channels = channel_choices(page.ctx, journey_id, page.lang)
    if page.filters.channel:
        channels = [c for c in channels if c[0] == page.filters.channel] or channels
    cells: dict[tuple[str, str], list[dict[str, Any]]] = {}
    from parcours.model import text

    for tp in model.touchpoints:
        shown = numbers.get(tp.id)
        score = scores.get(tp.id)
        cells.setdefault((tp.channel, tp.stage), []).append(
            {
                "id": tp.id,
                "label": text(tp.label, page.lang) if tp.label else tp.id,
                "interactions": shown.interactions if shown else None,
                "customers": shown.customers if shown else None,
                "direction": tp.direction,
                "nature": tp.nature,
                "score": score,
            }
        )
    phases: list[tuple[str, int]] = []
    labels = dict(data.phases)
    for stage in data.stages:
        name = labels.get(stage.phase, stage.phase)
        if phases and phases[-1][0] == name:
            phases[-1] = (name, phases[-1][1] + 1)
        else:
            phases.append((name, 1))
    irritant_ids = {(i.stage, text(i.label, page.lang)): i.id for i in model.irritants}
    ruptures = [
        {"id": r.id, "label": text(r.label, page.lang), "from": r.from_, "to": r.to}
        for r in model.ruptures
    ]
    return {
        "data": data,
        "printable": view["printable"],
        "phases": phases,
        "channels": channels,
        "cells": cells,
        "ruptures": ruptures,
        "irritant_ids": irritant_ids,
    }


@router.get("/journeys/{journey_id}")
def journey_page(journey_id: str, request: Request) -> Response:
    page = guard(request, "viewer")
    if not isinstance(page, Page):
        return page
    if not _known(page, journey_id):
        return _not_found(page, journey_id)
    other = _counterpart(page, journey_id)
    view = page.filters.view
    maps = []
    if view == "tobe" and other is not None:
        maps = [(other, _grid(page, other))]
    elif view == "side" and other is not None:
        maps = [(journey_id, _grid(page, journey_id)), (other, _grid(page, other))]
    else:
        maps = [(journey_id, _grid(page, journey_id))]
    context = {
        "title": maps[0][1]["data"].title,
        "journey_id": journey_id,
        "maps": maps,
        "counterpart": other,
        "view_missing": view in ("tobe", "side") and other is None,
        "show_filters": True,
        "personas": persona_choices(page.ctx, journey_id, page.lang),
        "channels": channel_choices(page.ctx, journey_id, page.lang),
    }
    return render(page, "journey.html", context)


@router.get("/journeys/{journey_id}/cell")
def cell_page(
    journey_id: str,
    request: Request,
    stage: str | None = None,
    channel: str | None = None,
    touchpoint: str | None = None,
    rupture: str | None = None,
    irritant: str | None = None,
) -> Response:
    """A cell of the map: its numbers, the funnel to its stage, verbatims, paths, customers."""
    page = guard(request, "viewer")
    if not isinstance(page, Page):
        return page
    if not _known(page, journey_id):
        return _not_found(page, journey_id)
    from parcours.model import text
    from parcours.render import charts

    model = page.ctx.cached(("web.journey", journey_id), lambda ws: ws.journey(journey_id))
    labels = stage_labels(page.ctx, journey_id, page.lang)
    heading = []
    tp = next((x for x in model.touchpoints if x.id == touchpoint), None) if touchpoint else None
    found_rupture = next((r for r in model.ruptures if r.id == rupture), None) if rupture else None
    found_irritant = (
        next((i for i in model.irritants if i.id == irritant), None) if irritant else None
    )
    if found_rupture is not None:
        tp = next((x for x in model.touchpoints if x.id == found_rupture.from_), None)
        heading.append(text(found_rupture.label, page.lang))
    if found_irritant is not None:
        stage = found_irritant.stage
        heading.append(text(found_irritant.label, page.lang))
    if tp is not None:
        stage, channel, touchpoint = tp.stage, tp.channel, tp.id
        heading.append(text(tp.label, page.lang) if tp.label else tp.id)
    if stage not in labels:
        return render(
            page,
            "message.html",
            {"title": journey_id, "message": ("web.cell.unknown", {})},
            status=404,
        )
    assert stage is not None
    channel_names = dict(channel_choices(page.ctx, journey_id, page.lang))
    if channel and not touchpoint:
        heading.append(channel_names.get(channel, channel))
    heading.insert(0, labels[stage])
    steps = stage_funnel(page.ctx, journey_id, stage, page.filters)
    chart = ""
    if steps:
        names = [labels.get(str(r.get("name") or r.get("step")), str(r.get("name"))) for r in steps]
        values = [float(r.get("customers") or 0) for r in steps]
        chart = charts.inline(
            charts.funnel(
                names, values, title=page_lang_title(page, "web.cell.funnel"), lang=page.lang
            )
        )
    customers = None
    if page.can("analyst"):
        customers = cell_customers(page.ctx, stage=stage, channel=channel, touchpoint=touchpoint)
    score = touchpoint_scores(page.ctx, journey_id, page.filters).get(touchpoint or "")
    context = {
        "title": " · ".join(heading),
        "journey_id": journey_id,
        "stage": stage,
        "channel": channel,
        "touchpoint": touchpoint,
        "steps": steps,
        "labels": labels,
        "chart": chart,
        "score": score,
        "verbatims": verbatims(
            page.ctx, journey_id, page.filters, stage=stage, touchpoint=touchpoint
        ),
        "customers": customers.head(50).to_dict("records") if customers is not None else None,
        "customers_n": len(customers) if customers is not None else None,
        "query": page.filters.query(stage=stage, channel=channel, touchpoint=touchpoint),
        "show_filters": True,
        "keep": {
            k: v
            for k, v in (("stage", stage), ("channel", channel), ("touchpoint", touchpoint))
            if v
        },
        "personas": persona_choices(page.ctx, journey_id, page.lang),
        "channels": channel_choices(page.ctx, journey_id, page.lang),
    }
    return render(page, "cell.html", context)


def page_lang_title(page: Page, key: str) -> str:
    from parcours.i18n import t

    return t(key, page.lang)


@router.get("/journeys/{journey_id}/cell/customers.csv")
def cell_customers_csv(
    journey_id: str,
    request: Request,
    stage: str | None = None,
    channel: str | None = None,
    touchpoint: str | None = None,
) -> Response:
    """The customers of a cell as CSV that French Excel opens, formulas neutralised (analyst)."""
    page = guard(request, "analyst")
    if not isinstance(page, Page):
        return page
    frame = cell_customers(
        page.ctx, stage=stage, channel=channel, touchpoint=touchpoint, limit=None
    )
    name = "-".join(x for x in (journey_id, stage, channel, touchpoint) if x)
    return csv_response(frame, f"{name}-customers.csv", page.lang)


# -- editing (analysts) ------------------------------------------------------------------------------


def _read(page: Page, journey_id: str) -> Any:
    from parcours.api.routers.journeys import read_journey

    return read_journey(journey_id, page.request, Response())


@router.get("/journeys/{journey_id}/edit")
def edit_page(journey_id: str, request: Request) -> Response:
    page = guard(request, "analyst")
    if not isinstance(page, Page):
        return page
    if not _known(page, journey_id):
        return _not_found(page, journey_id)
    current = _read(page, journey_id)
    return render(
        page, "edit.html", _edit_context(page, journey_id, current.document, current.etag)
    )


def _edit_context(
    page: Page, journey_id: str, document: dict[str, Any], etag: str, **extra: Any
) -> dict[str, Any]:
    return {
        "title": journey_id,
        "journey_id": journey_id,
        "doc": document,
        "etag": etag,
        "directions": ("pull", "push"),
        "natures": ("informative", "transactional"),
        **extra,
    }


def _apply(document: dict[str, Any], form: Any, lang: str) -> dict[str, Any]:
    """The document with the form's change: one action per save (the file changes by it)."""
    import copy

    doc = copy.deepcopy(document)
    action = str(form.get("action", ""))
    if action == "rename_stage":
        stage_id = str(form.get("stage", ""))
        for stage in doc.get("stages", []):
            if stage.get("id") == stage_id:
                label = stage.get("label")
                label = dict(label) if isinstance(label, dict) else {"fr": label or ""}
                for code in ("fr", "en"):
                    value = str(form.get(f"label_{code}", "")).strip()
                    if value:
                        label[code] = value
                stage["label"] = label
                promise = str(form.get("promise", "")).strip()
                if promise:
                    old = stage.get("promise")
                    old = dict(old) if isinstance(old, dict) else ({"fr": old} if old else {})
                    old[lang] = promise
                    stage["promise"] = old
                moment = form.get("moment_of_truth")
                if moment in ("yes", "no"):  # left out: unchanged
                    stage["moment_of_truth"] = moment == "yes"
    elif action == "add_touchpoint":
        entry: dict[str, Any] = {
            "id": str(form.get("id", "")).strip(),
            "stage": str(form.get("stage", "")),
            "channel": str(form.get("channel", "")),
            "direction": str(form.get("direction", "")),
            "nature": str(form.get("nature", "")),
        }
        label = {c: str(form.get(f"label_{c}", "")).strip() for c in ("fr", "en")}
        if any(label.values()):
            entry["label"] = {k: v for k, v in label.items() if v}
        doc.setdefault("touchpoints", []).append(entry)
    elif action == "add_irritant":
        doc.setdefault("irritants", []).append(
            {
                "id": str(form.get("id", "")).strip(),
                "stage": str(form.get("stage", "")),
                "label": {lang: str(form.get("label", "")).strip()},
            }
        )
    elif action == "promise":
        doc["promise"] = {
            c: str(form.get(f"promise_{c}", "")).strip()
            for c in ("fr", "en")
            if str(form.get(f"promise_{c}", "")).strip()
        }
    return doc


@router.post("/journeys/{journey_id}/edit")
async def edit_save(journey_id: str, request: Request) -> Response:
    """Validate (``check``) or save one change; the save carries the version it was made on
    (If-Match): a concurrent edit is shown, never overwritten."""
    from parcours.api.routers.journeys import JourneyIn, validate, write_journey
    from parcours.errors import ApiError

    page = guard(request, "analyst")
    if not isinstance(page, Page):
        return page
    form = await request.form()
    if not check_csrf(page, str(form.get("csrf", "")) or request.headers.get("x-csrf-token")):
        return render(page, "refused.html", {"needed": "csrf", "home": "/"}, status=403)
    etag = str(form.get("etag", ""))
    current = _read(page, journey_id)
    changed = _apply(current.document, form, page.lang)
    check = validate(JourneyIn(document=changed))
    problems = [p.model_dump() for p in check.problems]
    htmx = request.headers.get("hx-request") == "true"

    def answer(status: int, **values: Any) -> Response:
        # htmx swaps 2xx answers only: the status goes in the markup for it, in HTTP otherwise
        return render(page, "edit_result.html", values, status=200 if htmx else status)

    if form.get("check") == "1" or problems:
        return answer(200 if not problems else 422, problems=problems, checked=True)
    try:
        written = write_journey(
            journey_id,
            JourneyIn(document=changed),
            request,
            Response(),
            if_match=etag,
            if_none_match=None,
        )
    except ApiError as exc:
        if exc.status == 412:
            return answer(409, conflict=True)
        return answer(exc.status, error=exc.detail)
    if htmx:
        return answer(200, saved=True, etag=written.etag)
    return RedirectResponse(f"/journeys/{journey_id}/edit?saved=1", status_code=303)
