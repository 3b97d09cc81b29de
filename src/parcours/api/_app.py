"""The ASGI application: one router per capability under ``/api/v1``, problems for every error.

``create_app(workspace)`` is the whole server; ``create_app(workspace, public_only=True)`` has only
the routes that may face the internet (event intake with its own credential, one-click
unsubscribe, health).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

from fastapi import FastAPI

import parcours.api._messages  # noqa: F401  # registers the package's words
from parcours.api import _problems
from parcours.api._context import ServerContext, ServerOptions
from parcours.api._middleware import AuditMiddleware, BodyLimitMiddleware, RequestIdMiddleware

__all__ = ["API_PREFIX", "create_app"]

API_PREFIX = "/api/v1"
UPLOAD_PATHS = (f"{API_PREFIX}/ingest",)


def create_app(
    workspace: Path | str,
    options: ServerOptions | None = None,
    *,
    public_only: bool | None = None,
    context: ServerContext | None = None,
    mounts: Sequence[Callable[[FastAPI], None]] = (),
) -> FastAPI:
    """The application serving ``workspace``; ``public_only`` (default: ``options.public_only``)
    keeps the public routes alone. Two applications may share one ``context`` (two listeners).
    ``mounts`` add more to a full application (``parcours.web.mount``: the web pages)."""
    from parcours._version import __version__
    from parcours.api.routers import PUBLIC_ROUTERS, ROUTERS

    ctx = context or ServerContext(workspace, options)
    opts = ctx.options
    public = opts.public_only if public_only is None else public_only

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        ctx.close()

    app = FastAPI(
        title="parcours",
        version=__version__,
        description="The customer journey, end to end: map, quantify, qualify, orchestrate.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None if public else f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    app.state.public_only = public
    _problems.install(app)
    for router in PUBLIC_ROUTERS:
        app.include_router(router)
    if not public:
        for router in ROUTERS:
            app.include_router(router, prefix=API_PREFIX)
        for add in mounts:  # the one hook: the web pages mount themselves here
            add(app)

    def limit(path: str) -> int:
        return opts.max_upload if path.startswith(UPLOAD_PATHS) else opts.max_body

    # Added last is outermost: ids first, then the body limit, then the audit around the routes.
    app.add_middleware(AuditMiddleware, record=ctx.accounts.audit)
    app.add_middleware(BodyLimitMiddleware, limit=limit, timeout=opts.body_timeout)
    app.add_middleware(RequestIdMiddleware)
    return app


def route_roles(app: FastAPI | None = None) -> list[dict[str, Any]]:
    """Every route with its methods and the role it needs (``None``: public; ``"intake"``: an
    intake token), for the role-matrix test and the docs; ``app`` given: only the routes it has."""
    from fastapi.routing import APIRoute

    from parcours.api.routers import PUBLIC_ROUTERS, ROUTERS

    groups = [("", PUBLIC_ROUTERS)]
    if app is None or not getattr(app.state, "public_only", False):
        groups.append((API_PREFIX, ROUTERS))
    rows = []
    for prefix, routers in groups:
        for router in routers:
            for route in router.routes:
                if not isinstance(route, APIRoute):
                    continue
                roles = [
                    getattr(dep.call, "required_role", None)
                    for dep in route.dependant.dependencies
                    if getattr(dep.call, "required_role", None)
                ]
                rows.append(
                    {
                        "path": prefix + route.path,
                        "methods": sorted(route.methods or ()),
                        "role": roles[-1] if roles else None,
                    }
                )
    return rows
