"""One router per capability (FastAPI's "bigger applications" layout); each declares its role."""

from __future__ import annotations

from fastapi import APIRouter

from parcours.api.routers import (
    analytics,
    auth,
    capabilities,
    erasure,
    ingest,
    journeys,
    orchestrate,
    public,
    render,
    users,
    workspace,
)

__all__ = ["PUBLIC_ROUTERS", "ROUTERS"]

PUBLIC_ROUTERS: list[APIRouter] = [public.router]
ROUTERS: list[APIRouter] = [
    auth.router,
    users.router,
    workspace.router,
    journeys.router,
    ingest.router,
    analytics.router,
    capabilities.router,
    orchestrate.router,
    render.router,
    erasure.router,
]
