"""ASGI middleware: request ids and the access log, body limits enforced while reading, audit.

The body limit does not trust ``Content-Length``: a negative, malformed or lying length is refused
or overtaken by the count of the bytes actually received, chunked bodies are counted the same way,
and a client that stops sending mid-body gets 408 after ``body_timeout`` seconds instead of
holding a worker.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio
from starlette.exceptions import HTTPException

__all__ = ["AuditMiddleware", "BodyLimitMiddleware", "RequestIdMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("parcours.api")
access = logging.getLogger("parcours.api.access")
_RID = re.compile(r"[A-Za-z0-9._-]{1,64}")
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


class RequestIdMiddleware:
    """Give every request an id (the client's ``X-Request-ID`` when sane), answer it in the
    response header, and log one access line with it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _header(scope, b"x-request-id")
        rid = given if given and _RID.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        start = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", rid.encode()),
                    (b"x-content-type-options", b"nosniff"),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            access.info(
                "%s %s %s %s %.1f ms",
                rid,
                scope.get("method", ""),
                scope.get("path", ""),
                status or 500,
                (time.perf_counter() - start) * 1000,
            )


class _BodyError(HTTPException):
    pass


class BodyLimitMiddleware:
    """Refuse bodies over ``limit(path)`` bytes (413), bad lengths (400) and stalled bodies (408)."""

    def __init__(self, app: ASGIApp, *, limit: Callable[[str], int], timeout: float = 30.0) -> None:
        self.app = app
        self.limit = limit
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope.get("path", ""))
        declared = _header(scope, b"content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                await _refuse(
                    scope,
                    send,
                    400,
                    f"expected a Content-Length of digits, found {declared[:40]!r}",
                )
                return
            if int(declared) > limit:
                await _refuse(
                    scope,
                    send,
                    413,
                    f"expected a body of at most {limit} bytes, found a Content-Length of {int(declared)}",
                )
                return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            try:
                message = await asyncio.wait_for(receive(), self.timeout)
            except TimeoutError:
                raise _BodyError(
                    408, f"expected the rest of the body within {self.timeout:g} s, found silence"
                ) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyError(413, f"expected a body of at most {limit} bytes, found more")
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyError as exc:  # raised outside a route (form parsing in a dependency...)
            if not started:
                await _refuse(scope, send, exc.status_code, str(exc.detail))


async def _refuse(scope: Scope, send: Send, status: int, detail: str) -> None:
    """A problem answer written from middleware (no route has run); the connection closes."""
    from parcours.i18n import t

    titles = {400: "api.problem.400", 408: "api.problem.408", 413: "api.problem.413"}
    body = json.dumps(
        {
            "type": "about:blank",
            "title": t(titles.get(status, "api.problem.other"), "en"),
            "status": status,
            "detail": detail,
            "instance": scope.get("path", ""),
            "request_id": scope.get("state", {}).get("request_id", ""),
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class AuditMiddleware:
    """After every write (POST, PUT, PATCH, DELETE) by an authenticated caller, one audit entry:
    who (user or intake source), what (method and route), on what (path), the status."""

    def __init__(self, app: ASGIApp, *, record: Callable[..., None]) -> None:
        self.app = app
        self.record = record

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in UNSAFE:
            await self.app(scope, receive, send)
            return
        status = 0

        async def tracking_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        finally:
            actor = scope.get("state", {}).get("actor")
            if actor:
                route = scope.get("route")
                template = str(getattr(route, "path", "")) or scope.get("path", "")
                path = str(scope.get("path", ""))
                if path.startswith("/api/v1") and not template.startswith("/api/v1"):
                    template = "/api/v1" + template
                action = f"{scope['method']} {template}"
                outcome = "ok" if 200 <= status < 400 else str(status or 500)
                try:
                    await anyio.to_thread.run_sync(
                        lambda: self.record(actor, action, scope.get("path", ""), outcome=outcome)
                    )
                except Exception:  # the answer is already sent; a lost audit line is logged
                    log.exception("audit entry not written for %s %s", actor, action)
