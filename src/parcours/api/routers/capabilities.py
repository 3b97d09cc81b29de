"""``/api/v1/voc``, ``/api/v1/lifecycle``, ``/api/v1/personas``: what customers say, where they
are in their lifecycle, and who they are; the public functions of each package, as tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Query, Request
from pydantic import AfterValidator

from parcours.api._auth import ctx_of, require
from parcours.api._models import Model, TableOut, table_out

T = TypeVar("T")


def _plausible(day: dt.date | None) -> dt.date | None:
    if day is not None and not dt.date(1900, 1, 1) <= day < dt.date(2200, 1, 1):
        raise ValueError(f"expected a date from 1900 to 2199, found {day.isoformat()}")
    return day


router = APIRouter(tags=["voc", "lifecycle", "personas"], dependencies=[require("viewer")])

Journey = Annotated[
    str | None, Query(max_length=100, description="journey id (default: the only one)")
]
Persona = Annotated[str | None, Query(max_length=100)]
Day = Annotated[
    dt.date | None,
    Query(description="YYYY-MM-DD, from 1900 to 2199"),
    AfterValidator(_plausible),
]


def _cached(request: Request, key: tuple[Any, ...], build: Callable[[Any], T]) -> T:
    return ctx_of(request).cached(key, build)


class EmotionOut(Model):
    emotion: TableOut
    peak_end: float | None


class LifecycleOut(Model):
    at: str
    start: str | None
    thresholds: str
    states: TableOut
    matrix: TableOut
    churn: TableOut


@router.get("/voc/satisfaction", response_model=TableOut)
def satisfaction(
    request: Request,
    metric: Literal["nps", "csat", "ces"] = "nps",
    by: Annotated[
        str,
        Query(
            max_length=100,
            description="stage, channel, touchpoint, persona, period (comma-separated)",
        ),
    ] = "stage",
    min_n: Annotated[int, Query(ge=1, le=100_000)] = 30,
    journey: Journey = None,
    persona: Persona = None,
    start: Day = None,
    end: Day = None,
) -> TableOut:
    """NPS, CSAT or CES with n and intervals per group (``parcours voc nps|csat|ces``)."""
    from parcours.voc import journey_responses
    from parcours.voc import satisfaction as compute

    keys = [k.strip() for k in by.split(",") if k.strip()]

    def build(ws: Any) -> TableOut:
        responses = journey_responses(
            ws, journey, persona=persona, period=(start, end), with_persona="persona" in keys
        )
        return table_out(compute(responses, keys, metrics=[metric], min_n=min_n))

    return _cached(
        request, ("satisfaction", metric, by, min_n, journey, persona, start, end), build
    )


@router.get("/voc/irritants", response_model=TableOut)
def irritants(
    request: Request,
    kind: Literal["irritant", "enchantment"] = "irritant",
    top: Annotated[int, Query(ge=1, le=1000)] = 15,
    half_life: Annotated[float, Query(gt=0, le=10_000)] = 180.0,
    journey: Journey = None,
    persona: Persona = None,
    start: Day = None,
    end: Day = None,
) -> TableOut:
    """Irritants (or enchantments) ranked by occurrences × volume × recency."""
    from parcours.voc import journey_voc

    def build(ws: Any) -> TableOut:
        voc = journey_voc(
            ws, journey, persona=persona, period=(start, end), half_life_days=half_life
        )
        ranking = voc.ranking
        rows = ranking[ranking["kind"] == kind] if len(ranking) else ranking
        if len(rows):
            rows = rows.drop(columns=["verbatim"], errors="ignore").head(top)
            rows = rows.assign(examples=rows["examples"].map(list)) if "examples" in rows else rows
        return table_out(rows)

    return _cached(
        request, ("irritants", kind, top, half_life, journey, persona, start, end), build
    )


@router.get("/voc/emotion", response_model=EmotionOut)
def emotion(
    request: Request,
    source: Literal["satisfaction", "verbatims"] = "satisfaction",
    journey: Journey = None,
    persona: Persona = None,
    start: Day = None,
    end: Day = None,
) -> EmotionOut:
    """Emotion curve per stage (-2..+2) and the peak-end score."""
    from parcours.voc import journey_voc

    def build(ws: Any) -> EmotionOut:
        voc = journey_voc(ws, journey, persona=persona, period=(start, end), emotion_from=source)
        return EmotionOut(emotion=table_out(voc.emotion), peak_end=voc.peak_end)

    return _cached(request, ("emotion", source, journey, persona, start, end), build)


@router.get("/lifecycle", response_model=LifecycleOut)
def lifecycle(
    request: Request,
    at: Day = None,
    start: Day = None,
    freq: Literal["M", "Q", "Y"] = "Q",
) -> LifecycleOut:
    """Each customer's state on a date, the flows since ``start`` and the churn rate per period."""
    from parcours.lifecycle import workspace_lifecycle

    lang = ctx_of(request).lang

    def build(ws: Any) -> LifecycleOut:
        view = workspace_lifecycle(ws, at, start, None, freq, lang=lang)
        return LifecycleOut(
            at=str(view.at),
            start=None if view.start is None else str(view.start),
            thresholds=view.thresholds.describe(lang),
            states=table_out(view.states),
            matrix=table_out(view.matrix),
            churn=table_out(view.churn),
        )

    return _cached(request, ("lifecycle", at, start, freq), build)


@router.get("/lifecycle/targets", response_model=TableOut)
def targets(
    request: Request,
    at: Day = None,
    min_value_quantile: Annotated[float, Query(ge=0, le=1)] = 0.5,
    control_share: Annotated[float, Query(ge=0, lt=1)] = 0.0,
    seed: Annotated[int, Query(ge=0, le=2**31)] = 0,
) -> TableOut:
    """Reactivation targets with their reason (``parcours reactivation``)."""
    from parcours.lifecycle import workspace_targets

    lang = ctx_of(request).lang

    def build(ws: Any) -> TableOut:
        return table_out(
            workspace_targets(
                ws,
                at,
                min_value_quantile=min_value_quantile,
                control_share=control_share,
                seed=seed,
                lang=lang,
            )
        )

    return _cached(request, ("targets", at, min_value_quantile, control_share, seed), build)


@router.get("/personas", response_model=TableOut)
def personas(request: Request) -> TableOut:
    """Persona sizes and their numbers (``parcours personas`` after ``fit`` and ``score``)."""
    from parcours.personas import quantify

    return _cached(request, ("personas",), lambda ws: table_out(quantify(ws)))


@router.get("/personas/crosstab", response_model=TableOut)
def crosstab(
    request: Request,
    column: Annotated[str, Query(min_length=1, max_length=100)],
    normalize: bool = False,
) -> TableOut:
    """Personas × a customer column (counts, or shares with ``normalize``)."""
    from parcours.personas import crosstab as compute

    return _cached(
        request,
        ("crosstab", column, normalize),
        lambda ws: table_out(compute(ws, column, normalize=normalize)),
    )
