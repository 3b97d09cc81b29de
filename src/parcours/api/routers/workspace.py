"""``/api/v1/workspace`` and ``/api/v1/loads``: what the workspace is and what was loaded."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from parcours.api._auth import ctx_of, require
from parcours.api._models import Model, TableOut, table_out

router = APIRouter(tags=["workspace"], dependencies=[require("viewer")])


class WorkspaceOut(Model):
    name: str
    lang: str
    timezone: str
    journeys: list[str]
    mappings: list[str]
    scenarios: list[str]
    tables: dict[str, int]


@router.get("/workspace", response_model=WorkspaceOut)
def workspace(request: Request) -> WorkspaceOut:
    """Name, language, time zone, journey maps, mappings, scenarios, and rows per table."""
    ctx = ctx_of(request)

    def compute(ws: Any) -> dict[str, int]:
        from parcours.warehouse import CANONICAL_TABLES

        return {name: int(ws.warehouse.count(name)) for name in CANONICAL_TABLES}

    settings = ctx.workspace.settings
    return WorkspaceOut(
        name=settings.name,
        lang=settings.lang,
        timezone=settings.timezone,
        journeys=[p.stem for p in ctx.workspace.journey_files()],
        mappings=sorted(p.stem for p in (ctx.root / "mappings").glob("*.y*ml")),
        scenarios=sorted(p.stem for p in (ctx.root / "scenarios").glob("*.y*ml")),
        tables=ctx.cached(("tables",), compute),
    )


@router.get("/loads", response_model=TableOut)
def loads(request: Request) -> TableOut:
    """The loads done in this workspace (file, source, rows read, loaded, quarantined)."""
    result: TableOut = ctx_of(request).cached(("loads",), lambda ws: table_out(ws.loads()))
    return result
