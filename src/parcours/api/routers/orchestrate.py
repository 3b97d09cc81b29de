"""``/api/v1/orchestrate``: the scenarios, the engine's status, its report, uplift, dry runs."""

from __future__ import annotations

from typing import Any, Literal

import anyio
from fastapi import APIRouter, Request
from pydantic import Field

from parcours.api._auth import ctx_of, require
from parcours.api._models import Model, TableOut, table_out
from parcours.errors import ApiError

router = APIRouter(prefix="/orchestrate", tags=["orchestrate"], dependencies=[require("viewer")])


class ScenarioOut(Model):
    id: str
    file: str
    enabled: bool
    label: dict[str, str]
    touchpoint: str | None
    steps: int


class DryRunIn(Model):
    scenarios: list[str] = Field(
        min_length=1, max_length=50, description="scenario ids of the workspace"
    )
    since: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    until: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")


class DryRunOut(Model):
    entries: TableOut
    steps: TableOut
    pressure: dict[str, Any]


def _scenarios(ws: Any) -> list[tuple[Any, Any]]:
    from parcours.orchestrate import load_scenario

    files = sorted((ws.root / "scenarios").glob("*.y*ml"))
    return [(path, load_scenario(path)) for path in files]


@router.get("/scenarios", response_model=list[ScenarioOut])
def scenarios(request: Request) -> list[ScenarioOut]:
    """The workspace's scenario files (``scenarios/*.yaml``)."""
    return [
        ScenarioOut(
            id=s.id,
            file=f"scenarios/{path.name}",
            enabled=bool(s.enabled),
            label=dict(s.label),
            touchpoint=s.touchpoint,
            steps=len(s.steps),
        )
        for path, s in _scenarios(ctx_of(request).workspace)
    ]


@router.get("/status", response_model=dict[str, Any])
async def status(request: Request) -> dict[str, Any]:
    """Counts: enrolments, ledger, due now, stale claims, unknown outcomes."""
    ctx = ctx_of(request)

    def read() -> dict[str, Any]:
        orch = ctx.orchestrator()
        with ctx.orchestrate_lock:
            result: dict[str, Any] = orch.status()
        return result

    return await anyio.to_thread.run_sync(read)


@router.get("/report", response_model=TableOut)
def report(request: Request) -> TableOut:
    """Entries, sends, opens, clicks, conversions per scenario."""
    from parcours.orchestrate import report as compute

    ctx = ctx_of(request)
    orch = ctx.orchestrator()
    with ctx.orchestrate_lock:
        return table_out(compute(orch))


@router.get("/uplift/{scenario_id}", response_model=dict[str, Any])
def uplift(
    scenario_id: str,
    request: Request,
    baseline: Literal["control", "holdout"] = "control",
) -> dict[str, Any]:
    """A scenario's conversion uplift against its control (or holdout) arm, 95 % interval."""
    from fastapi.encoders import jsonable_encoder

    from parcours.orchestrate import uplift as compute

    ctx = ctx_of(request)
    orch = ctx.orchestrator()
    with ctx.orchestrate_lock:
        result = compute(orch, scenario_id, baseline=baseline)
    encoded: dict[str, Any] = jsonable_encoder(result)
    return encoded


@router.post("/dry-run", response_model=DryRunOut)
def dry_run(body: DryRunIn, request: Request) -> DryRunOut:
    """Replay the warehouse's interactions through scenarios; nothing is sent."""
    from fastapi.encoders import jsonable_encoder

    from parcours.orchestrate import dry_run as compute

    ctx = ctx_of(request)
    known = {s.id: s for _, s in _scenarios(ctx.workspace)}
    missing = [s for s in body.scenarios if s not in known]
    if missing:
        raise ApiError(
            404,
            "",
            f"expected scenario ids of the workspace ({', '.join(sorted(known)) or 'none'}), found {', '.join(missing)}",
        )

    def build(ws: Any) -> DryRunOut:
        result = compute(
            ws.table("interactions"),
            [known[s] for s in body.scenarios],
            contacts=ws.table("customers"),
            timezone=ws.settings.timezone,
            since=body.since,
            until=body.until,
        )
        return DryRunOut(
            entries=table_out(result["entries"]),
            steps=table_out(result["steps"]),
            pressure=jsonable_encoder(result["pressure"]),
        )

    key = ("dry-run", tuple(body.scenarios), body.since, body.until)
    out: DryRunOut = ctx.cached(key, build)
    return out
