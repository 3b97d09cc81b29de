"""``/api/v1/analytics/...``: the quantification of journeys, the parameters and numbers of
``parcours analytics`` (each route calls the same public function the command calls)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Query, Request, Response

from parcours.api._auth import ctx_of, require
from parcours.api._models import TableOut, table_out

router = APIRouter(prefix="/analytics", tags=["analytics"], dependencies=[require("viewer")])

Short = Annotated[str, Query(min_length=1, max_length=100)]
Duration = Annotated[str, Query(min_length=1, max_length=20, description="14d, 2h, 30min...")]
Journey = Annotated[
    str | None, Query(max_length=100, description="journey id (default: the only one)")
]


async def _table(request: Request, key: tuple[Any, ...], build: Callable[[Any], Any]) -> Response:
    """``build(workspace)``'s table as JSON (a :class:`TableOut`), cached as the bytes sent for
    the workspace's data version: a repeated read is one lookup, no validation, no encoding, no
    thread; a new one is computed in a worker thread."""
    ctx = ctx_of(request)
    body: bytes | None = ctx.peek(key)
    if body is None:
        body = await anyio.to_thread.run_sync(
            ctx.cached, key, lambda ws: table_out(build(ws)).model_dump_json().encode()
        )
    return Response(body, media_type="application/json")


@router.get("/matrix", response_model=TableOut)
async def matrix(
    request: Request,
    period: Literal["day", "week", "month", "quarter", "year"] | None = None,
    what: Literal["cells", "preferred", "missing", "undefined"] = "cells",
    journey: Journey = None,
) -> Response:
    """Stage × channel matrix (``parcours analytics matrix``); ``what`` as its ``--what``."""
    from parcours import analytics as a

    def build(ws: Any) -> Any:
        events = ws.table("interactions")
        if what == "cells":
            return a.matrix(events, period=period)
        if what == "preferred":
            return a.preferred_channels(events)
        if what == "missing":
            return a.missing_touchpoints(events, ws.journey(journey))
        return a.undefined_event_codes(events)

    return await _table(request, ("matrix", period, what, journey), build)


@router.get("/conversion", response_model=TableOut)
async def conversion(request: Request, journey: Journey = None) -> Response:
    """Share of each stage's customers who reach the next stage of the map."""
    from parcours import analytics as a

    def build(ws: Any) -> Any:
        stages = [s.id for s in ws.journey(journey).stages]
        return a.stage_conversion(ws.table("interactions"), stages)

    return await _table(request, ("conversion", journey), build)


@router.get("/funnel", response_model=TableOut)
async def funnel(
    request: Request,
    steps: Annotated[list[str], Query(min_length=2, max_length=30)],
    window: Duration = "14d",
    mode: Literal["ordered", "strict", "unordered"] = "ordered",
    stages: bool = False,
    exclude: Annotated[list[str], Query(max_length=30)] = [],  # noqa: B006  # FastAPI copies query defaults
    breakdown: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """Conversion funnel (``parcours analytics funnel``): touchpoints, or stages with ``stages``."""
    from parcours import analytics as a

    def build(ws: Any) -> Any:
        spec: list[Any] = [{"stage": s, "name": s} for s in steps] if stages else list(steps)
        return a.funnel(
            ws.table("interactions"),
            spec,
            window=window,
            mode=mode,
            exclusions=list(exclude),
            breakdown=breakdown,
        ).steps

    key = ("funnel", tuple(steps), window, mode, stages, tuple(exclude), breakdown)
    return await _table(request, key, build)


@router.get("/paths", response_model=TableOut)
async def paths(
    request: Request,
    steps: Annotated[int, Query(ge=1, le=20)] = 5,
    top: Annotated[int, Query(ge=1, le=1000)] = 20,
    gap: Duration = "30min",
    start: Annotated[str | None, Query(alias="from", max_length=100)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=100)] = None,
    sankey: bool = False,
    collapse: bool = False,
) -> Response:
    """Most frequent paths, or Sankey links (``parcours analytics paths``); ``gap=none``: whole history."""
    from parcours import analytics as a

    gap_value = None if gap.lower() in ("none", "aucun") else gap

    def build(ws: Any) -> Any:
        events = ws.table("interactions")
        if sankey:
            return a.sankey_edges(events, steps, gap_value, start=start, end=end, collapse=collapse)
        return a.paths(events, steps, top, gap_value, start=start, end=end, collapse=collapse)

    return await _table(request, ("paths", steps, top, gap, start, end, sankey, collapse), build)


@router.get("/dfg", response_model=TableOut)
async def dfg(request: Request, variants: bool = False) -> Response:
    """Directly-follows graph, or the variants (``parcours analytics dfg``)."""
    from parcours import analytics as a

    build = a.variants if variants else a.dfg
    return await _table(request, ("dfg", variants), lambda ws: build(ws.table("interactions")))


@router.get("/winning", response_model=TableOut)
async def winning(
    request: Request,
    outcome: Short,
    stage: bool = False,
    min_support: Annotated[int, Query(ge=1, le=1_000_000)] = 30,
) -> Response:
    """Winning journeys towards an outcome touchpoint (or stage)."""
    from parcours import analytics as a

    target: Any = {"stage": outcome} if stage else outcome
    return await _table(
        request,
        ("winning", outcome, stage, min_support),
        lambda ws: a.winning_journeys(ws.table("interactions"), target, min_support=min_support),
    )


@router.get("/attribution", response_model=TableOut)
async def attribution(
    request: Request,
    conversion: Short,
    stage: bool = False,
    model: Literal["markov", "first", "last", "linear", "position", "time_decay"] = "markov",
    order: Annotated[int, Query(ge=1, le=4)] = 1,
    converting_only: bool = False,
) -> Response:
    """Touchpoint impact towards a conversion touchpoint (or stage)."""
    from parcours import analytics as a

    def build(ws: Any) -> Any:
        return a.attribution(
            ws.table("interactions"),
            model=model,
            order=order,
            include_non_converting=not converting_only,
            conversions={"stage": conversion} if stage else conversion,
        )

    return await _table(
        request, ("attribution", conversion, stage, model, order, converting_only), build
    )


@router.get("/redundancies", response_model=TableOut)
async def redundancies(request: Request, gap: Duration = "10min") -> Response:
    """Push messages repeated within ``gap``."""
    from parcours import analytics as a

    return await _table(
        request, ("redundancies", gap), lambda ws: a.redundancies(ws.table("interactions"), gap)
    )


@router.get("/ruptures", response_model=TableOut)
async def ruptures(
    request: Request, within: Duration = "1h", map: bool = False, journey: Journey = None
) -> Response:
    """Ruptures between channels; ``map``: count the ruptures the journey map declares."""
    from parcours import analytics as a

    def build(ws: Any) -> Any:
        pairs = ws.journey(journey) if map else None
        return a.ruptures(ws.table("interactions"), pairs, within)

    return await _table(request, ("ruptures", within, map, journey), build)


@router.get("/blocking", response_model=TableOut)
async def blocking(request: Request, journey: Journey = None) -> Response:
    """Blocking points: where customers are lost, by lost customers."""
    from parcours import analytics as a

    return await _table(
        request,
        ("blocking", journey),
        lambda ws: a.blocking_points(ws.table("interactions"), ws.journey(journey)),
    )


@router.get("/timing", response_model=TableOut)
async def timing(
    request: Request,
    by: Annotated[str | None, Query(max_length=100)] = None,
    journey: Journey = None,
) -> Response:
    """Time between stages, optionally by channel or a customer column (persona)."""
    from parcours import analytics as a

    def build(ws: Any) -> Any:
        return a.timing(
            ws.table("interactions"), ws.journey(journey), by=by, customers=ws.table("customers")
        )

    return await _table(request, ("timing", by, journey), build)
