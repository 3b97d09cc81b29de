"""One router per page group; each page declares the role it needs through ``guard``."""

from __future__ import annotations

from fastapi import APIRouter

from parcours.web.routers import analyses, home, ingest, journeys, plan, workshop

__all__ = ["ROUTERS"]

ROUTERS: list[APIRouter] = [
    home.router,
    journeys.router,
    analyses.router,
    ingest.router,
    plan.router,
    workshop.router,
]
