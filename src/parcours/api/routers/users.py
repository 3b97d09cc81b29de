"""``/api/v1/users``, ``/api/v1/audit``, ``/api/v1/intake/tokens``: what an admin manages."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from pydantic import Field

from parcours.api._auth import ctx_of, require
from parcours.api._models import Model, RoleName
from parcours.api.routers.auth import NewTokenOut, TokenIn, TokenOut, _out

router = APIRouter(tags=["users"], dependencies=[require("admin")])


class UserOut(Model):
    name: str
    role: str
    has_password: bool
    created_at: float


class UserIn(Model):
    name: str = Field(min_length=1, max_length=64)
    role: RoleName
    password: str | None = Field(None, max_length=1024, description="none: token-only account")


class RoleIn(Model):
    role: RoleName


class PasswordIn(Model):
    password: str = Field(max_length=1024)


class AuditOut(Model):
    at: float
    actor: str
    action: str
    target: str
    outcome: str
    detail: str


class IntakeTokenIn(Model):
    source: str = Field(min_length=1, max_length=64)
    name: str = Field("intake", min_length=1, max_length=100)


def _user(user: object) -> UserOut:
    return UserOut.model_validate(user, from_attributes=True)


@router.get("/users", response_model=list[UserOut])
def list_users(request: Request) -> list[UserOut]:
    return [_user(u) for u in ctx_of(request).accounts.users()]


@router.post("/users", response_model=UserOut, status_code=201)
def add_user(body: UserIn, request: Request) -> UserOut:
    return _user(ctx_of(request).accounts.add_user(body.name, body.role, body.password))


@router.get("/users/{name}", response_model=UserOut)
def read_user(name: str, request: Request) -> UserOut:
    return _user(ctx_of(request).accounts.user(name))


@router.put("/users/{name}/role", response_model=UserOut)
def set_role(name: str, body: RoleIn, request: Request) -> UserOut:
    """Change a role; the user's open sessions end."""
    ctx = ctx_of(request)
    user = _user(ctx.accounts.set_role(name, body.role))
    ctx.forget_tokens()
    return user


@router.put("/users/{name}/password", status_code=204)
def set_password(name: str, body: PasswordIn, request: Request) -> Response:
    ctx_of(request).accounts.set_password(name, body.password)
    return Response(status_code=204)


@router.delete("/users/{name}", status_code=204)
def remove_user(name: str, request: Request) -> Response:
    ctx = ctx_of(request)
    ctx.accounts.remove_user(name)
    ctx.forget_tokens()
    return Response(status_code=204)


@router.get("/users/{name}/tokens", response_model=list[TokenOut])
def user_tokens(name: str, request: Request) -> list[TokenOut]:
    ctx = ctx_of(request)
    ctx.accounts.user(name)
    return [_out(t) for t in ctx.accounts.tokens(owner=name)]


@router.post("/users/{name}/tokens", response_model=NewTokenOut, status_code=201)
def user_token(name: str, body: TokenIn, request: Request) -> NewTokenOut:
    token, secret = ctx_of(request).accounts.create_token(name, body.name)
    return NewTokenOut(**_out(token).model_dump(), token=secret)


@router.get("/audit", response_model=list[AuditOut])
def audit(
    request: Request,
    limit: int = Query(100, ge=1, le=10_000),
    actor: str | None = Query(None, max_length=120),
) -> list[AuditOut]:
    """Who wrote what, when; latest first."""
    entries = ctx_of(request).accounts.audit_log(limit=limit, actor=actor)
    return [AuditOut.model_validate(e, from_attributes=True) for e in entries]


@router.get("/intake/tokens", response_model=list[TokenOut])
def intake_tokens(request: Request) -> list[TokenOut]:
    return [_out(t) for t in ctx_of(request).accounts.tokens(kind="intake")]


@router.post("/intake/tokens", response_model=NewTokenOut, status_code=201)
def new_intake_token(body: IntakeTokenIn, request: Request) -> NewTokenOut:
    """A new intake token for an event source; the secret is in this answer only."""
    token, secret = ctx_of(request).accounts.create_intake_token(body.source, body.name)
    return NewTokenOut(**_out(token).model_dump(), token=secret)


@router.delete("/intake/tokens/{token_id}", status_code=204)
def revoke_intake_token(token_id: str, request: Request) -> Response:
    ctx_of(request).accounts.revoke_token(token_id, kind="intake")
    return Response(status_code=204)
