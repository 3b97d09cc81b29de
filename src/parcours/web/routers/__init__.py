"""One router per page group; each page declares the role it needs through ``guard``."""

from __future__ import annotations

from fastapi import APIRouter

from parcours.web.routers import analyses, home, ingest, journeys, workshop

__all__ = ["ROUTERS"]

ROUTERS: list[APIRouter] = [
    home.router,
    journeys.router,
    analyses.router,
    ingest.router,
    workshop.router,
]
