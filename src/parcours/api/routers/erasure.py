"""``/api/v1/erase``: erasure everywhere (admin), through
:func:`parcours.orchestrate.erase_everywhere`, in the background (the warehouse is rewritten)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import Field, StringConstraints

from parcours.api._auth import Principal, ctx_of, require
from parcours.api._context import Job
from parcours.api._models import Model
from parcours.api.routers.ingest import JobOut, job_out

router = APIRouter(tags=["erasure"], dependencies=[require("admin")])

CustomerId = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]


class EraseIn(Model):
    customers: list[CustomerId] = Field(min_length=1, max_length=1000)


@router.post("/erase", response_model=JobOut, status_code=202)
def erase(body: EraseIn, request: Request) -> JobOut:
    """Erase people from the warehouse, the operational store and caches; keyed hashes go to the
    suppression list that every ingest honours; the job's result lists the files under ``out/``
    that still mention them."""
    from parcours.orchestrate import erase_everywhere

    ctx = ctx_of(request)
    principal: Principal = request.state.principal

    def work(job: Job) -> Any:
        job.phase = "erase"
        with ctx.warehouse() as ws:
            report = erase_everywhere(ws, body.customers)
        ctx.changed()
        return {
            key: [str(v) for v in value] if isinstance(value, tuple) else value
            for key, value in dataclasses.asdict(report).items()
        }

    return job_out(ctx.jobs.submit("erase", principal.user.name, work))
