"""``parcours serve``: the REST API (``/api/v1``, OpenAPI at ``/api/v1/openapi.json``).

    >>> from parcours.api import create_app, serve
    >>> app = create_app("my-workspace")              # an ASGI application  # doctest: +SKIP
    >>> serve("my-workspace", host="127.0.0.1", port=8000)                   # doctest: +SKIP

Accounts and roles come from :mod:`parcours.accounts`; every error is an RFC 9457 problem. The
routes call the library's public functions only. See docs/api.md and docs/security.md.
"""

from __future__ import annotations

from parcours.api._app import API_PREFIX, create_app, route_roles
from parcours.api._context import ServerContext, ServerOptions
from parcours.api._serve import PublicServer, serve, serve_public
from parcours.errors import ApiError

__all__ = [
    "API_PREFIX",
    "ApiError",
    "PublicServer",
    "ServerContext",
    "ServerOptions",
    "create_app",
    "route_roles",
    "serve",
    "serve_public",
]
