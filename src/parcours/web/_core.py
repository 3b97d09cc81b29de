"""What every page shares: the templates, the reader's language and filters, who is signed in.

A page handler starts with ``page = guard(request, "viewer")``: it returns a :class:`Page` (the
caller, the language, the filters) or the response to send instead (the login page for a stranger,
the refusal page for a role too low). Templates get ``t`` and the number/date formatters of the
reader's language; they hold no logic beyond loops and conditions.
"""

from __future__ import annotations

import hmac
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from parcours.accounts import allows
from parcours.i18n import Lang, date, number, percent, t

__all__ = [
    "FILTERS",
    "LANG_COOKIE",
    "Filters",
    "Page",
    "check_csrf",
    "fmt_number",
    "fmt_percent",
    "guard",
    "render",
]

HERE = Path(__file__).parent
LANG_COOKIE = "parcours_lang"
FILTER_COOKIE = "parcours_filters"
FILTERS = ("start", "end", "persona", "channel", "view")
VIEWS = ("asis", "tobe", "side")

# No other host is ever asked for anything: scripts, styles, images and fetches come from here.
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'self'"
)


def fmt_number(value: Any, lang: Lang, decimals: int | None = None) -> str:
    """A number the reader's way; an empty cell for a missing one."""
    if value is None:
        return "–"
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(as_float):
        return "–"
    return number(as_float, lang, decimals)


def fmt_percent(value: Any, lang: Lang, decimals: int = 1) -> str:
    if value is None:
        return "–"
    as_float = float(value)
    return "–" if math.isnan(as_float) else percent(as_float, lang, decimals)


def fmt_date(value: Any, lang: Lang) -> str:
    import datetime as dt

    if value is None:
        return "–"
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return str(value)
    if isinstance(value, int | float):
        value = dt.datetime.fromtimestamp(value, tz=dt.UTC)
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, dt.date):
        return date(value, lang)
    return str(value)


_MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}  # fmt: skip


def fmt_month(value: Any, lang: Lang) -> str:
    """A month the reader's way: « septembre 2026 », "September 2026"."""
    import datetime as dt

    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if isinstance(value, dt.date):
        return f"{_MONTHS[lang][value.month - 1]} {value.year}"
    return fmt_date(value, lang)


_env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.globals["static_version"] = "1"


@dataclass
class Filters:
    """Period, persona, channel and as-is/to-be view: the same bar on every page."""

    start: str = ""
    end: str = ""
    persona: str = ""
    channel: str = ""
    view: str = "asis"

    @property
    def period(self) -> str | None:
        if not self.start and not self.end:
            return None
        return f"{self.start}..{self.end}"

    def query(self, **extra: Any) -> str:
        items = {k: v for k, v in self.__dict__.items() if v and not (k == "view" and v == "asis")}
        items.update({k: v for k, v in extra.items() if v is not None})
        return urlencode(items, doseq=True)


@dataclass
class Page:
    request: Request
    lang: Lang
    filters: Filters
    user: Any = None
    session: Any = None
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def role(self) -> str:
        return str(self.user.role) if self.user is not None else ""

    def can(self, role: str) -> bool:
        return self.user is not None and allows(self.user.role, role)

    @property
    def csrf(self) -> str:
        return str(self.session.csrf) if self.session is not None else ""

    @property
    def ctx(self) -> Any:
        return self.request.app.state.ctx


def _lang(request: Request) -> tuple[Lang, bool]:
    asked = request.query_params.get("lang")
    if asked in ("fr", "en"):
        return asked, True  # type: ignore[return-value]  # narrowed by the `in` test
    saved = request.cookies.get(LANG_COOKIE)
    if saved in ("fr", "en"):
        return saved, False  # type: ignore[return-value]  # narrowed by the `in` test
    ctx = getattr(request.app.state, "ctx", None)
    lang = str(getattr(ctx, "lang", "fr"))
    return ("en" if lang == "en" else "fr"), False


def _filters(request: Request) -> tuple[Filters, bool]:
    query = request.query_params
    if any(k in query for k in FILTERS):
        values = {k: query.get(k, "")[:100] for k in FILTERS}
        given = True
    else:
        try:
            saved = json.loads(request.cookies.get(FILTER_COOKIE, "{}"))
        except ValueError:
            saved = {}
        values = (
            {k: str(saved.get(k, ""))[:100] for k in FILTERS} if isinstance(saved, dict) else {}
        )
        given = False
    if values.get("view") not in VIEWS:
        values["view"] = "asis"
    return Filters(**values), given


def _principal(request: Request) -> Any:
    """The signed-in caller (the session cookie, or an API token), or None: the same cookie and
    tokens as the API's, read synchronously (pages run in the thread pool)."""
    from itsdangerous import BadSignature

    from parcours.accounts._accounts import SESSION_MAX
    from parcours.api._auth import Principal, _bearer, _serializer, cookie_name
    from parcours.errors import ApiError

    ctx = request.app.state.ctx
    try:
        token = _bearer(request)
    except ApiError:
        return None
    if token is not None:
        user = ctx.accounts.user_for_token(token)
        return None if user is None else Principal(user, "token")
    raw = request.cookies.get(cookie_name(ctx))
    if not raw:
        return None
    try:
        secret = _serializer(ctx).loads(raw, max_age=int(SESSION_MAX))
    except BadSignature:
        return None
    session = ctx.accounts.session(secret) if isinstance(secret, str) else None
    return None if session is None else Principal(session.user, "session", session)


def guard(request: Request, role: str | None) -> Page | Response:
    """The page's context, or the response to send instead: the login page for a stranger, the
    refusal page (403) for a caller whose role does not cover ``role``; ``None``: public page."""
    lang, _ = _lang(request)
    filters, _ = _filters(request)
    principal = _principal(request)
    page = Page(request, lang, filters)
    if principal is not None:
        page.user, page.session = principal.user, principal.session
        request.state.principal = principal
        request.state.actor = principal.user.name
    if role is None:
        return page
    if principal is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)
    if role != "any" and not allows(principal.user.role, role):
        return refused(page, role)
    return page


def refused(page: Page, role: str) -> Response:
    home = "/workshop" if page.role == "participant" else "/"
    return render(page, "refused.html", {"needed": role, "home": home}, status=403)


def check_csrf(page: Page, given: str | None) -> bool:
    """The form's (or header's) CSRF token is the session's."""
    expected = page.csrf
    return bool(expected) and hmac.compare_digest((given or "").encode(), expected.encode())


def _lang_href(request: Request, other: str) -> str:
    items = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return "?" + urlencode([*items, ("lang", other)])


def _journeys(page: Page) -> list[str]:
    if page.user is None or page.role == "participant":
        return []
    return [p.stem for p in page.ctx.workspace.journey_files()]


def render(
    page: Page,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A template filled with the page's context, in the reader's language; the language and the
    filters given in the address are remembered in cookies (they survive navigation)."""
    lang = page.lang

    def tr(key: str, **values: Any) -> str:
        return t(key, lang, **values)

    values = {
        "page": page,
        "lang": lang,
        "t": tr,
        "num": lambda v, d=None: fmt_number(v, lang, d),
        "pct": lambda v, d=1: fmt_percent(v, lang, d),
        "day": lambda v: fmt_date(v, lang),
        "month": lambda v: fmt_month(v, lang),
        "filters": page.filters,
        "path": page.request.url.path,
        "other_lang": "en" if lang == "fr" else "fr",
        "lang_href": _lang_href(page.request, "en" if lang == "fr" else "fr"),
        "nav_journeys": _journeys(page),
        **(context or {}),
    }
    html = _env.get_template(template).render(values)
    response = HTMLResponse(html, status_code=status, headers=headers)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Cache-Control"] = "no-store"
    _, lang_given = _lang(page.request)
    if lang_given:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
    _, filters_given = _filters(page.request)
    if filters_given:
        response.set_cookie(
            FILTER_COOKIE,
            json.dumps(page.filters.__dict__),
            max_age=30 * 86400,
            samesite="lax",
            path="/",
            httponly=True,
        )
    return response
