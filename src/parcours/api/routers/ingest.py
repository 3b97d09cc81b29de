"""``/api/v1/ingest``, ``/api/v1/mappings``, ``/api/v1/quarantine``, ``/api/v1/jobs``.

An upload is saved under ``raw/uploads/`` and loaded in the background through a mapping of the
workspace; ``GET /api/v1/jobs/{id}`` follows its progress and gives the load reports.
"""

from __future__ import annotations

import re
import shutil
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile

from parcours.api._auth import Principal, ctx_of, require
from parcours.api._context import Job
from parcours.api._models import Model, TableOut, table_out
from parcours.errors import ApiError

router = APIRouter(tags=["ingest"], dependencies=[require("viewer")])
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class ProgressOut(Model):
    phase: str
    done: int
    total: int


class JobOut(Model):
    id: str
    kind: str
    owner: str
    status: str
    progress: ProgressOut
    result: Any = None
    error: str | None = None
    created_at: float
    finished_at: float | None = None


def job_out(job: Job) -> JobOut:
    return JobOut.model_validate(job.as_dict())


def _mapping(ws: Any, name: str) -> Path:
    for path in sorted((Path(ws.root) / "mappings").glob("*.y*ml")):
        if path.stem == name:
            return path
    known = ", ".join(p.stem for p in sorted((Path(ws.root) / "mappings").glob("*.y*ml")))
    raise ApiError(
        404, "", f"expected a mapping of the workspace ({known or 'none'}), found {name!r}"
    )


@router.get("/mappings", response_model=list[str])
def mappings(request: Request) -> list[str]:
    """The mapping names an upload may use."""
    root = ctx_of(request).root / "mappings"
    return sorted(p.stem for p in root.glob("*.y*ml"))


@router.post("/ingest", response_model=JobOut, status_code=202, dependencies=[require("analyst")])
def ingest(
    request: Request,
    file: Annotated[UploadFile, File(description="CSV, TSV, xlsx, Parquet or JSON lines export")],
    mapping: Annotated[str, Form(min_length=1, max_length=100)],
    source: Annotated[str | None, Form(max_length=100)] = None,
) -> JobOut:
    """Load an export through a mapping, in the background (analyst); follow ``/jobs/{id}``."""
    ctx = ctx_of(request)
    principal: Principal = request.state.principal
    mapping_path = _mapping(ctx.workspace, mapping)
    name = _SAFE.sub("_", Path(file.filename or "upload").name).strip("._") or "upload"
    folder = ctx.root / "raw" / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex[:12]}-{name[:120]}"
    with target.open("wb") as handle:
        shutil.copyfileobj(file.file, handle, 1 << 20)

    def work(job: Job) -> Any:
        def progress(phase: str, done: int, total: int) -> None:
            job.phase, job.done, job.total = phase, done, total

        with ctx.warehouse() as ws:
            reports = ws.ingest(target, mapping=mapping_path, source=source, progress=progress)
        ctx.changed()
        return [asdict(r) for r in reports]

    return job_out(ctx.jobs.submit("ingest", principal.user.name, work))


@router.get("/jobs", response_model=list[JobOut])
def jobs(request: Request) -> list[JobOut]:
    """The jobs of this server process, oldest first."""
    return [job_out(j) for j in ctx_of(request).jobs.all()]


@router.get("/jobs/{job_id}", response_model=JobOut)
def job(job_id: str, request: Request) -> JobOut:
    """A job's status, progress, result (load reports...) or error."""
    return job_out(ctx_of(request).jobs.get(job_id))


@router.get("/quarantine", response_model=TableOut, dependencies=[require("analyst")])
def quarantine(
    request: Request,
    source: Annotated[str | None, Query(max_length=100)] = None,
    load_id: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> TableOut:
    """Rejected rows with file, row, column, value and reason (analyst: values are raw data)."""
    ctx = ctx_of(request)

    def build(ws: Any) -> TableOut:
        table = ws.quarantine(source=source, load_id=load_id)
        return table_out(table.limit(limit, offset=offset))

    result: TableOut = ctx.cached(("quarantine", source, load_id, limit, offset), build)
    return result
