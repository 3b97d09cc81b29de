"""``/login``, ``/logout`` and ``/``: sign in, sign out, the workspace's home page."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from parcours.web._core import Page, check_csrf, guard, render
from parcours.web._data import headline, journey_choices, stage_labels

router = APIRouter()


def _safe_next(target: str | None, role: str) -> str:
    """Only a path of this server (never another host) after login."""
    default = "/workshop" if role == "participant" else "/"
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    from fastapi.responses import FileResponse

    from parcours.web._core import HERE

    return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    page = guard(request, None)
    assert isinstance(page, Page)
    return render(page, "login.html", {"title": page_title(page), "next": next or ""})


def page_title(page: Page) -> str:
    from parcours.i18n import t

    return t("web.login.title", page.lang)


@router.post("/login")
async def login(request: Request) -> Response:
    from parcours.api._auth import cookie_name, ctx_of, session_cookie
    from parcours.errors import AccountsError, ThrottledError
    from parcours.i18n import t

    page = guard(request, None)
    assert isinstance(page, Page)
    form = await request.form()
    name, password = str(form.get("name", ""))[:64], str(form.get("password", ""))[:1024]
    target = str(form.get("next", ""))
    origin = request.headers.get("origin")
    ctx = ctx_of(request)
    error = None
    if origin and origin != f"{request.url.scheme}://{request.headers.get('host', '')}":
        error = t("web.login.origin", page.lang)
    else:
        address = request.client.host if request.client else ""
        try:
            user = ctx.accounts.authenticate(name, password, address=address)
        except ThrottledError as exc:
            ctx.accounts.audit(name, "login", outcome="throttled", detail=address)
            error = t("web.login.throttled", page.lang, seconds=int(exc.retry_after))
        except AccountsError:
            ctx.accounts.audit(name, "login", outcome="refused", detail=address)
            error = t("web.login.refused", page.lang)
        else:
            session = ctx.accounts.open_session(user)
            ctx.accounts.audit(user.name, "login", detail=address)
            response = RedirectResponse(_safe_next(target, str(user.role)), status_code=303)
            from parcours.accounts._accounts import SESSION_MAX

            response.set_cookie(
                cookie_name(ctx),
                session_cookie(ctx, session),
                max_age=int(SESSION_MAX),
                httponly=True,
                samesite="lax",
                secure=ctx.options.secure,
                path="/",
            )
            return response
    return render(
        page,
        "login.html",
        {"title": page_title(page), "next": target, "error": error, "name": name},
        status=401,
    )


@router.post("/logout")
async def logout(request: Request) -> Response:
    from parcours.api._auth import cookie_name

    page = guard(request, "any")
    if not isinstance(page, Page):
        return RedirectResponse("/login", status_code=303)
    form = await request.form()
    if not check_csrf(page, str(form.get("csrf", ""))):
        return render(page, "refused.html", {"needed": "csrf", "home": "/"}, status=403)
    if page.session is not None:
        page.ctx.accounts.close_session(page.session.id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(cookie_name(page.ctx), path="/", secure=page.ctx.options.secure)
    return response


@router.get("/")
def home(request: Request) -> Response:
    """The workspace at a glance: the promise, headline KPIs with trend, loads, alerts."""
    page = guard(request, "any")
    if not isinstance(page, Page):
        return page
    if page.role == "participant":
        return RedirectResponse("/workshop", status_code=303)
    ctx = page.ctx
    journeys = journey_choices(ctx, page.lang)
    journey = journeys[0][0] if journeys else None
    data = headline(ctx, journey, page.filters, page.lang)
    labels = stage_labels(ctx, journey, page.lang) if journey else {}
    context: dict[str, Any] = {
        "title": ctx.workspace.settings.name,
        "journeys": journeys,
        "journey": journey,
        "labels": labels,
        "show_filters": True,
        "personas": data["personas"],
        "channels": data["channels"],
        **data,
    }
    context["loads"] = [
        {**row, "name": Path(str(row.get("file") or "")).name} for row in data["loads"]
    ]
    return render(page, "home.html", context)
