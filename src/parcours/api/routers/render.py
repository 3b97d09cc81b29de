"""``/api/v1/map`` and ``/api/v1/report``: the one-page journey map (HTML, SVG, PNG, PDF) and the
report (written in the background, then served)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, Response

from parcours.api._auth import Principal, ctx_of, require
from parcours.api._context import Job
from parcours.api.routers.ingest import JobOut, job_out
from parcours.errors import ApiError

router = APIRouter(tags=["render"], dependencies=[require("viewer")])

MEDIA = {
    "html": "text/html; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
}
_JOB = re.compile(r"[0-9a-f]{32}")


@router.get(
    "/map",
    response_class=Response,
    responses={200: {"content": {m: {} for m in MEDIA.values()}}},
)
def journey_map(
    request: Request,
    format: Literal["html", "svg", "png", "pdf"] = "html",
    journey: Annotated[str | None, Query(max_length=100)] = None,
    persona: Annotated[str | None, Query(max_length=100)] = None,
    period: Annotated[str | None, Query(max_length=30, description="START..END")] = None,
    lang: Literal["fr", "en"] | None = None,
) -> Response:
    """The one-page journey map (``parcours map``); PNG and PDF need Chromium on the server."""
    from parcours.render import render_map

    ctx = ctx_of(request)

    def build(ws: Any) -> bytes:
        with tempfile.TemporaryDirectory(prefix="parcours-api-map-") as tmp:
            path = render_map(
                ws, journey, Path(tmp) / f"map.{format}", lang=lang, persona=persona, period=period
            )
            return path.read_bytes()

    data: bytes = ctx.cached(("map", format, journey, persona, period, lang), build)
    return Response(data, media_type=MEDIA[format])


@router.post("/report", response_model=JobOut, status_code=202)
def report(
    request: Request,
    journey: Annotated[str | None, Query(max_length=100)] = None,
    lang: Literal["fr", "en"] | None = None,
) -> JobOut:
    """Write the report in the background; when the job is done, ``GET /report/{job_id}``."""
    from parcours.render import write_report

    ctx = ctx_of(request)
    principal: Principal = request.state.principal

    def work(job: Job) -> Any:
        job.phase = "report"
        folder = ctx.root / "out" / "api-reports" / job.id
        with ctx.warehouse() as ws:
            write_report(ws, ws.journey(journey), folder, lang=lang)
        return {"url": f"/api/v1/report/{job.id}"}

    return job_out(ctx.jobs.submit("report", principal.user.name, work))


@router.get("/report/{job_id}", response_class=FileResponse)
def read_report(job_id: str, request: Request) -> FileResponse:
    """The report a finished job wrote (HTML)."""
    ctx = ctx_of(request)
    if not _JOB.fullmatch(job_id):
        raise ApiError(404, "", f"expected a report job id (32 hex digits), found {job_id!r}")
    path = ctx.root / "out" / "api-reports" / job_id / "report.html"
    if not path.is_file():
        raise ApiError(404, "", f"expected a finished report for job {job_id}, found none")
    return FileResponse(path, media_type=MEDIA["html"])
