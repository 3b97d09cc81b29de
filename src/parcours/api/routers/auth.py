"""``/api/v1/auth``: log in and out (browser sessions), who am I, my API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import Field

from parcours.accounts._accounts import SESSION_MAX
from parcours.api._auth import Principal, cookie_name, ctx_of, require, session_cookie
from parcours.api._models import Model
from parcours.errors import AccountsError, ApiError, ThrottledError

router = APIRouter(prefix="/auth", tags=["auth"])


class LoginIn(Model):
    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class MeOut(Model):
    name: str
    role: str
    via: str = Field(description="token or session")
    csrf_token: str | None = Field(None, description="send it as X-CSRF-Token with every write")


class TokenIn(Model):
    name: str = Field("api", min_length=1, max_length=100)


class TokenOut(Model):
    id: str
    owner: str
    name: str
    created_at: float
    last_used_at: float | None
    revoked_at: float | None


class NewTokenOut(TokenOut):
    token: str = Field(description="the secret, shown once")


@router.post("/login", response_model=MeOut)
def login(body: LoginIn, request: Request, response: Response) -> MeOut:
    """Open a browser session (a signed, HttpOnly, SameSite=Lax cookie)."""
    ctx = ctx_of(request)
    address = request.client.host if request.client else ""
    try:
        user = ctx.accounts.authenticate(body.name, body.password, address=address)
    except ThrottledError:
        ctx.accounts.audit(body.name, "login", outcome="throttled", detail=address)
        raise
    except AccountsError as exc:
        ctx.accounts.audit(body.name, "login", outcome="refused", detail=address)
        raise ApiError(401, "", str(exc)) from exc
    session = ctx.accounts.open_session(user)
    ctx.accounts.audit(user.name, "login", detail=address)
    response.set_cookie(
        cookie_name(ctx),
        session_cookie(ctx, session),
        max_age=int(SESSION_MAX),
        httponly=True,
        samesite="lax",
        secure=ctx.options.secure,
        path="/",
    )
    return MeOut(name=user.name, role=user.role, via="session", csrf_token=session.csrf)


@router.post("/logout", status_code=204, dependencies=[require("any")])
def logout(request: Request, response: Response) -> Response:
    """Close the browser session (an API token stays valid: revoke it instead)."""
    ctx = ctx_of(request)
    principal: Principal = request.state.principal
    if principal.session is not None:
        ctx.accounts.close_session(principal.session.id)
    response = Response(status_code=204)
    response.delete_cookie(cookie_name(ctx), path="/", secure=ctx.options.secure, httponly=True)
    return response


@router.get("/me", response_model=MeOut, dependencies=[require("any")])
def me(request: Request) -> MeOut:
    principal: Principal = request.state.principal
    return MeOut(
        name=principal.user.name,
        role=principal.user.role,
        via=principal.via,
        csrf_token=principal.session.csrf if principal.session else None,
    )


def _out(token: object) -> TokenOut:
    return TokenOut.model_validate(token, from_attributes=True)


@router.get("/tokens", response_model=list[TokenOut], dependencies=[require("viewer")])
def my_tokens(request: Request) -> list[TokenOut]:
    """My API tokens (never their secrets)."""
    principal: Principal = request.state.principal
    return [_out(t) for t in ctx_of(request).accounts.tokens(owner=principal.user.name)]


@router.post(
    "/tokens", response_model=NewTokenOut, status_code=201, dependencies=[require("viewer")]
)
def new_token(body: TokenIn, request: Request) -> NewTokenOut:
    """A new API token of mine; the secret is in this answer only."""
    principal: Principal = request.state.principal
    token, secret = ctx_of(request).accounts.create_token(principal.user.name, body.name)
    return NewTokenOut(**_out(token).model_dump(), token=secret)


@router.delete("/tokens/{token_id}", status_code=204, dependencies=[require("viewer")])
def revoke_my_token(token_id: str, request: Request) -> Response:
    """Revoke one of my API tokens (an admin may revoke anyone's)."""
    ctx = ctx_of(request)
    principal: Principal = request.state.principal
    mine = {t.id for t in ctx.accounts.tokens(owner=principal.user.name)}
    if token_id not in mine and principal.user.role != "admin":
        raise ApiError(404, "", f"expected one of your token ids, found {token_id!r}")
    ctx.accounts.revoke_token(token_id, kind="api")
    ctx.forget_tokens()
    return Response(status_code=204)
