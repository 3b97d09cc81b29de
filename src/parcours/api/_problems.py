"""One error shape for every 4xx and 5xx: RFC 9457 problem details (``application/problem+json``).

    {"type": "about:blank", "title": "Not found", "status": 404,
     "detail": "expected a journey named 'x' ...", "instance": "/api/v1/journeys/x",
     "request_id": "5f0c..."}

422 answers add ``errors`` (where, what was expected); 429 and 503 carry ``Retry-After``. A 500
never shows a traceback: the request id finds it in the server's log.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from parcours.errors import (
    AccountsError,
    ApiError,
    ModelError,
    ParcoursError,
    ThrottledError,
    WorkspaceError,
)
from parcours.i18n import CATALOG, t

__all__ = ["install", "problem"]

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("parcours.api")


def request_lang(request: Request) -> str:
    """``?lang=`` first, then the first of fr/en in Accept-Language, then the workspace's."""
    asked = request.query_params.get("lang")
    if asked in ("fr", "en"):
        return asked
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in ("fr", "en"):
            return tag
    ctx = getattr(request.app.state, "ctx", None)
    return str(ctx.lang) if ctx is not None else "fr"


def problem(
    request: Request,
    status: int,
    detail: str = "",
    *,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    lang = request_lang(request)
    key = f"api.problem.{status}"
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or t(key if key in CATALOG else "api.problem.other", lang),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "request_id": getattr(request.state, "request_id", None)
        or request.scope.get("state", {}).get("request_id", ""),
    }
    body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers, media_type=MEDIA_TYPE)


def _status_of(exc: ParcoursError) -> int:
    if isinstance(exc, ThrottledError):
        return 429
    if isinstance(exc, ModelError):
        return 422
    if isinstance(exc, WorkspaceError) and "expected a journey named" in str(exc):
        return 404
    if isinstance(exc, AccountsError) and "expected an existing" in str(exc):
        return 404
    return 400


def _clean(errors: list[Any]) -> list[dict[str, Any]]:
    """Validation errors without the input (it may hold a password) or Python objects."""
    return [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": e.get("type", ""),
        }
        for e in errors
    ]


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else ""
        if exc.status_code == 404 and detail == "Not Found":
            detail = (
                f"expected a route of parcours, found none at {request.method} {request.url.path}"
            )
        elif exc.status_code == 405 and detail == "Method Not Allowed":
            detail = f"expected another method for {request.url.path}, found {request.method}"
        return problem(request, exc.status_code, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _clean(list(exc.errors()))
        first = errors[0] if errors else {"loc": [], "msg": ""}
        detail = f"{'.'.join(first['loc'])}: {first['msg']}" if errors else ""
        return problem(request, 422, detail, errors=errors)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return problem(request, exc.status, exc.detail, title=exc.title or None)

    @app.exception_handler(ParcoursError)
    async def parcours_error(request: Request, exc: ParcoursError) -> JSONResponse:
        status = _status_of(exc)
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, ThrottledError) else None
        extra: dict[str, Any] = {}
        if isinstance(exc, ModelError):
            extra["errors"] = [
                {"loc": [p.path], "msg": f"expected {p.expected}, found {p.found}", "line": p.line}
                for p in exc.problems
            ]
        return problem(request, status, str(exc), headers=headers, **extra)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> JSONResponse:
        rid = request.scope.get("state", {}).get("request_id", "")
        log.error("request %s failed", rid, exc_info=exc)
        return problem(request, 500, t("api.server_error", request_lang(request)))
