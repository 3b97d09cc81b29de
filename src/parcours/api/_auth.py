"""Who is calling, and may they: the one place roles are checked.

Every route of a router declares the role it needs once, ``dependencies=[require("viewer")]``
(or on the route for writes, ``require("analyst")``). The caller is an API client
(``Authorization: Bearer pcat_...``) or a browser (the signed session cookie); a browser's writes
also need the session's CSRF token in ``X-CSRF-Token`` and, when the browser sends ``Origin``, an
origin of this server. Intake routes use :func:`intake_source` instead (per-source tokens).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import anyio
from fastapi import Depends, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from parcours.accounts import Session, User, allows
from parcours.accounts._accounts import SESSION_MAX
from parcours.api._context import ServerContext
from parcours.errors import ApiError

__all__ = [
    "CSRF_HEADER",
    "Principal",
    "cookie_name",
    "ctx_of",
    "intake_source",
    "require",
    "session_cookie",
]

CSRF_HEADER = "X-CSRF-Token"
SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Principal:
    user: User
    via: str  # "token" | "session"
    session: Session | None = None


def ctx_of(request: Request) -> ServerContext:
    ctx: ServerContext = request.app.state.ctx
    return ctx


def cookie_name(ctx: ServerContext) -> str:
    # __Host- cookies are only sent over TLS, to this host, for every path: the browser enforces it.
    return "__Host-parcours_session" if ctx.options.secure else "parcours_session"


def _serializer(ctx: ServerContext) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(ctx.accounts.signing_key("session-cookie"), salt="session")


def session_cookie(ctx: ServerContext, session: Session) -> str:
    """The signed cookie value of a session."""
    return str(_serializer(ctx).dumps(session.id))


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiError(401, "", "expected 'Authorization: Bearer <token>', found another scheme")
    return value.strip()


async def _principal(request: Request) -> Principal:
    ctx = ctx_of(request)
    token = _bearer(request)
    if token is not None:
        digest = hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
        user = ctx.token_user(digest)
        if user is None:
            user = await anyio.to_thread.run_sync(ctx.accounts.user_for_token, token)
            if user is None:
                raise ApiError(
                    401, "", "expected a valid API token, found an unknown or revoked one"
                )
            ctx.remember_token(digest, user)
        return Principal(user, "token")
    raw = request.cookies.get(cookie_name(ctx))
    if raw:
        try:
            secret = _serializer(ctx).loads(raw, max_age=int(SESSION_MAX))
        except BadSignature:
            secret = None
        session = (
            await anyio.to_thread.run_sync(ctx.accounts.session, secret)
            if isinstance(secret, str)
            else None
        )
        if session is not None:
            return Principal(session.user, "session", session)
    raise ApiError(
        401,
        "",
        "expected an API token (Authorization: Bearer) or a session (POST /api/v1/auth/login)",
    )


def _check_csrf(request: Request, principal: Principal) -> None:
    if principal.via != "session" or request.method in SAFE or principal.session is None:
        return
    given = request.headers.get(CSRF_HEADER.lower(), "")
    if not hmac.compare_digest(given.encode(), principal.session.csrf.encode()):
        raise ApiError(
            403, "", f"expected the session's CSRF token in {CSRF_HEADER}, found none or another"
        )
    origin = request.headers.get("origin")
    if origin and origin != "null":
        ctx = ctx_of(request)
        allowed = {f"{request.url.scheme}://{request.headers.get('host', '')}"}
        if ctx.options.public_host:
            parts = urlsplit(ctx.options.public_host)
            allowed.add(f"{parts.scheme}://{parts.netloc}")
        if origin not in allowed:
            raise ApiError(
                403, "", f"expected a request from this server's pages, found Origin {origin}"
            )


def require(role: str) -> Any:
    """The dependency that lets through callers whose role covers ``role`` (``"any"``: every
    signed-in role; 401 unknown caller, 403 role too low or CSRF missing); the caller is then
    ``request.state.principal``."""

    async def dependency(request: Request) -> Principal:
        principal = await _principal(request)
        if role != "any" and not allows(principal.user.role, role):
            raise ApiError(
                403,
                "",
                f"expected the role {role} or above, found {principal.user.role} ({principal.user.name})",
            )
        _check_csrf(request, principal)
        request.state.principal = principal
        request.state.actor = principal.user.name
        return principal

    dependency.required_role = role  # type: ignore[attr-defined]  # read by the role-matrix test and docs
    return Depends(dependency)


def intake_source(request: Request) -> str:
    """The event source whose intake token is in ``Authorization: Bearer`` (401 otherwise)."""
    ctx = ctx_of(request)
    token = _bearer(request)
    source = ctx.accounts.source_for_intake_token(token) if token else None
    if source is None:
        raise ApiError(
            401,
            "",
            "expected an intake token (Authorization: Bearer pcin_...; "
            "`parcours intake token create SOURCE`), found none or a revoked one",
        )
    request.state.actor = f"intake:{source}"
    return source


intake_source.required_role = "intake"  # type: ignore[attr-defined]  # read by the role-matrix test
