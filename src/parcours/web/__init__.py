"""The web application: the journey map, the analyses, ingest, the workshop and the plan in a
browser, served by ``parcours serve`` on the API's application, with the same accounts and roles.

    >>> from parcours.api import create_app
    >>> from parcours.web import mount
    >>> app = create_app("my-workspace", mounts=[mount])   # API + pages  # doctest: +SKIP

Server-rendered Jinja2 pages (one router per page group, one base template) with light
JavaScript: htmx for partial updates and polling, Alpine.js for small local state; both vendored
under ``static/vendor`` with their licences (no CDN, no external font). The pages call the
library's public functions and the API's own route functions, never an engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from parcours.web import _messages as _messages  # registers the package's words

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["STATIC_DIR", "TEMPLATES_DIR", "mount"]

from parcours.web._core import HERE

STATIC_DIR = HERE / "static"
TEMPLATES_DIR = HERE / "templates"


def mount(app: FastAPI, *, warm: bool = True) -> None:
    """Add the pages (``/``, ``/login``, ``/journeys/...``) and ``/static`` to an API application.

    ``warm``: compute the home page's and each map's numbers (default filters, the workspace's
    language) in a background thread at start-up, so the first visitor does not wait for them.
    """
    import threading

    from fastapi.staticfiles import StaticFiles

    from parcours.web._warm import warm_up
    from parcours.web.routers import ROUTERS

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="web-static")
    for router in ROUTERS:
        app.include_router(router, include_in_schema=False)
    ctx = getattr(app.state, "ctx", None)
    if warm and ctx is not None:
        threading.Thread(target=warm_up, args=(ctx,), name="parcours-web-warm", daemon=True).start()
