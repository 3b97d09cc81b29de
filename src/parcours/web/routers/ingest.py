"""``/ingest`` and ``/quarantine`` (analysts): upload an export through a mapping, follow the load,
read the rejected rows. The upload goes to the API (``POST /api/v1/ingest``, a background job);
these pages show its progress and its result."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from parcours.web._core import Page, guard, render

router = APIRouter()


@router.get("/ingest")
def ingest_page(request: Request) -> Response:
    from parcours.api.routers.ingest import jobs, mappings
    from parcours.i18n import t

    page = guard(request, "analyst")
    if not isinstance(page, Page):
        return page
    recent = [j for j in jobs(request) if j.kind == "ingest"][-10:][::-1]
    return render(
        page,
        "ingest.html",
        {"title": t("web.ingest.title", page.lang), "mappings": mappings(request), "jobs": recent},
    )


def _summary(job: Any) -> dict[str, Any]:
    reports = job.result or []
    return {
        "read": sum(int(r.get("rows_read") or 0) for r in reports),
        "loaded": sum(int(r.get("rows_loaded") or 0) for r in reports),
        "quarantined": sum(int(r.get("rows_quarantined") or 0) for r in reports),
        "already": sum(int(r.get("rows_already_loaded") or 0) for r in reports),
        "files": [Path(str(r.get("file") or "")).name for r in reports],
        "load_ids": [r.get("load_id") for r in reports if r.get("load_id")],
    }


@router.get("/ingest/jobs/{job_id}")
def job_page(job_id: str, request: Request) -> Response:
    """A load's progress (the fragment re-asks every second with htmx until the job ends)."""
    from parcours.api.routers.ingest import job
    from parcours.errors import ApiError
    from parcours.i18n import t

    page = guard(request, "analyst")
    if not isinstance(page, Page):
        return page
    try:
        found = job(job_id, request)
    except ApiError:
        return render(
            page,
            "message.html",
            {"title": job_id, "message": ("web.ingest.unknown", {})},
            status=404,
        )
    from parcours.i18n import CATALOG

    key = f"ingest.phase.{found.progress.phase}"
    context = {
        "title": t("web.ingest.job", page.lang),
        "phase": t(key, page.lang) if key in CATALOG else found.progress.phase,
        "job": found,
        "summary": _summary(found) if found.status == "done" else None,
    }
    template = "job_status.html" if request.headers.get("hx-request") == "true" else "job.html"
    return render(page, template, context)


@router.get("/quarantine")
def quarantine_page(
    request: Request,
    load_id: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 200,
) -> Response:
    """Rejected rows with file, row, column, value and reason."""
    from parcours.api.routers.ingest import quarantine
    from parcours.i18n import t

    page = guard(request, "analyst")
    if not isinstance(page, Page):
        return page
    table = quarantine(request, source=None, load_id=load_id or None, limit=limit, offset=0)
    rows = [{**r, "name": Path(str(r.get("file") or "")).name} for r in table.rows]
    return render(
        page,
        "quarantine.html",
        {"title": t("web.quarantine.title", page.lang), "rows": rows, "load_id": load_id},
    )
