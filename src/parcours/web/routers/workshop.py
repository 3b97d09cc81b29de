"""``/workshop``: the world café in the room. A facilitator (analyst) seats a list of people
(``parcours.plan.world_cafe``), opens the session and shows its join code; participants join from
their phones with the code (no password), see their table and the round's question, post ideas
linked to a stage and vote with dots; closing a round writes its ideas to ``plan/ideas.yaml``."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from parcours.web._core import Page, check_csrf, guard, render
from parcours.web._data import journey_choices, stage_labels
from parcours.web._workshop import DOTS, Workshops, WorkshopSession

router = APIRouter(prefix="/workshop")


def _rooms(request: Request) -> Workshops:
    rooms = getattr(request.app.state, "workshops", None)
    if rooms is None:
        rooms = request.app.state.workshops = Workshops()
    assert isinstance(rooms, Workshops)
    return rooms


def _stages(page: Page) -> dict[str, str]:
    journeys = journey_choices(page.ctx, page.lang)
    return stage_labels(page.ctx, journeys[0][0], page.lang) if journeys else {}


def _csrf_ok(page: Page, form: Any) -> bool:
    return check_csrf(
        page, str(form.get("csrf", "")) or page.request.headers.get("x-csrf-token", "")
    )


def _refuse_csrf(page: Page) -> Response:
    return render(page, "refused.html", {"needed": "csrf", "home": "/workshop"}, status=403)


@router.get("")
def workshop_home(request: Request) -> Response:
    from parcours.i18n import t

    page = guard(request, "participant")
    if not isinstance(page, Page):
        return page
    rooms = _rooms(request)
    mine = [s for s in rooms.all() if page.user.name in s.joined and not s.closed]
    if page.role == "participant" and mine:
        return RedirectResponse(f"/workshop/{mine[-1].code}", status_code=303)
    sessions = rooms.all() if page.can("analyst") else []
    return render(
        page, "workshop.html", {"title": t("web.workshop.title", page.lang), "sessions": sessions}
    )


@router.get("/new")
def new_page(request: Request) -> Response:
    from parcours.i18n import t

    page = guard(request, "analyst")
    if not isinstance(page, Page):
        return page
    return render(page, "workshop_new.html", {"title": t("web.workshop.new", page.lang)})


def _people(text: str) -> Any:
    """``name;department[;host]`` lines (a header line is allowed) as a frame for read_people."""
    import pandas as pd

    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in re.split(r"[;,\t]", line)]
        if not cells or not cells[0]:
            continue
        if cells[0].lower() in ("name", "nom"):
            continue
        rows.append(
            {
                "name": cells[0],
                "department": cells[1] if len(cells) > 1 else "",
                "host": cells[2] if len(cells) > 2 else "",
            }
        )
    return pd.DataFrame(rows, columns=["name", "department", "host"])


@router.post("/new")
async def open_session(request: Request) -> Response:
    from parcours.errors import ParcoursError
    from parcours.i18n import t
    from parcours.plan import world_cafe

    page = guard(request, "analyst")
    if not isinstance(page, Page):
        return page
    form = await request.form()
    if not _csrf_ok(page, form):
        return _refuse_csrf(page)
    name = str(form.get("name", "")).strip()[:100] or t("web.workshop.default_name", page.lang)
    questions = [q.strip() for q in str(form.get("questions", "")).splitlines() if q.strip()]
    try:
        tables, rounds = int(str(form.get("tables", "0"))), int(str(form.get("rounds", "0")))
        cafe = world_cafe(_people(str(form.get("people", ""))), tables=tables, rounds=rounds)
    except (ValueError, ParcoursError) as exc:
        return render(
            page,
            "workshop_new.html",
            {"title": t("web.workshop.new", page.lang), "error": str(exc), "form": dict(form)},
            status=422,
        )
    session = _rooms(request).open(
        name,
        page.user.name,
        [{str(k): v for k, v in row.items()} for row in cafe.rotation.to_dict("records")],
        questions,
        rounds,
    )
    return RedirectResponse(f"/workshop/{session.code}/facilitate", status_code=303)


def _session(request: Request, code: str) -> WorkshopSession | None:
    return _rooms(request).get(code)


def _gone(page: Page, code: str) -> Response:
    return render(
        page,
        "message.html",
        {"title": code, "message": ("web.workshop.unknown", {"code": code})},
        status=404,
    )


@router.get("/{code}/facilitate")
def facilitate(code: str, request: Request) -> Response:
    page = guard(request, "analyst")
    if not isinstance(page, Page):
        return page
    session = _session(request, code)
    if session is None:
        return _gone(page, code)
    template = (
        "workshop_live.html"
        if request.headers.get("hx-request") == "true"
        else "workshop_facilitate.html"
    )
    return render(
        page,
        template,
        {"title": session.name, "s": session, "stages": _stages(page)},
    )


@router.post("/{code}/close")
async def close_round(code: str, request: Request) -> Response:
    page = guard(request, "analyst")
    if not isinstance(page, Page):
        return page
    form = await request.form()
    if not _csrf_ok(page, form):
        return _refuse_csrf(page)
    session = _session(request, code)
    if session is None:
        return _gone(page, code)
    with page.ctx.journeys() as ws:
        _rooms(request).close_round(session, ws, page.lang)
    page.ctx.changed()
    return RedirectResponse(f"/workshop/{code}/facilitate", status_code=303)


@router.get("/join")
def join_page(request: Request, code: str = "") -> Response:
    from parcours.i18n import t

    page = guard(request, None)
    assert isinstance(page, Page)
    return render(
        page, "workshop_join.html", {"title": t("web.workshop.join", page.lang), "code": code}
    )


@router.post("/join")
async def join(request: Request) -> Response:
    """Join with the room's code and one's name from the list: a participant session, no password."""
    from parcours.api._auth import cookie_name, session_cookie
    from parcours.errors import AccountsError
    from parcours.i18n import t

    page = guard(request, None)
    assert isinstance(page, Page)
    form = await request.form()
    code = str(form.get("code", "")).strip().upper()[:12]
    person = str(form.get("person", "")).strip()[:100]
    origin = request.headers.get("origin")
    session = _session(request, code)
    error = None
    if origin and origin != f"{request.url.scheme}://{request.headers.get('host', '')}":
        error = t("web.login.origin", page.lang)
    elif session is None or session.closed:
        error = t("web.workshop.bad_code", page.lang)
    else:
        match = next((p for p in session.people if p.lower() == person.lower()), None)
        if match is None:
            error = t("web.workshop.bad_name", page.lang)
        else:
            accounts = page.ctx.accounts
            index = session.people.index(match) + 1
            account = f"wc-{session.code.lower()}-{index}"
            try:
                user = accounts.user(account)
            except AccountsError:
                user = accounts.add_user(account, "participant")
            opened = accounts.open_session(user)
            accounts.audit(account, "workshop-join", detail=session.code)
            session.joined[account] = match
            response = RedirectResponse(f"/workshop/{session.code}", status_code=303)
            response.set_cookie(
                cookie_name(page.ctx),
                session_cookie(page.ctx, opened),
                httponly=True,
                samesite="lax",
                secure=page.ctx.options.secure,
                path="/",
            )
            return response
    return render(
        page,
        "workshop_join.html",
        {"title": t("web.workshop.join", page.lang), "code": code, "error": error},
        status=400,
    )


def _table_context(page: Page, session: WorkshopSession) -> dict[str, Any]:
    person = session.joined.get(page.user.name, "")
    seat = session.seat(person) if person else None
    table = int(seat["table"]) if seat else 0
    return {
        "title": session.name,
        "s": session,
        "person": person,
        "display_name": person or page.user.name,
        "seat": seat,
        "table": table,
        "ideas": session.table_ideas(table) if table else [],
        "dots": session.dots_left(person) if person else 0,
        "dots_total": DOTS,
        "stages": _stages(page),
    }


@router.get("/{code}")
def table_page(code: str, request: Request) -> Response:
    page = guard(request, "participant")
    if not isinstance(page, Page):
        return page
    session = _session(request, code)
    if session is None:
        return _gone(page, code)
    if page.user.name not in session.joined:
        if page.can("analyst"):
            return RedirectResponse(f"/workshop/{code}/facilitate", status_code=303)
        return RedirectResponse(f"/workshop/join?code={code}", status_code=303)
    template = (
        "workshop_table_live.html"
        if request.headers.get("hx-request") == "true"
        else "workshop_table.html"
    )
    return render(page, template, _table_context(page, session))


@router.post("/{code}/ideas")
async def post_idea(code: str, request: Request) -> Response:
    page = guard(request, "participant")
    if not isinstance(page, Page):
        return page
    session = _session(request, code)
    if session is None or page.user.name not in session.joined:
        return _gone(page, code)
    form = await request.form()
    if not _csrf_ok(page, form):
        return _refuse_csrf(page)
    text = str(form.get("text", "")).strip()[:500]
    stage = str(form.get("stage", ""))
    if text and not session.closed:
        stage = stage if stage in _stages(page) else ""
        _rooms(request).post(session, session.joined[page.user.name], text, stage)
    return render(page, "workshop_table_live.html", _table_context(page, session))


@router.post("/{code}/vote")
async def vote(code: str, request: Request) -> Response:
    page = guard(request, "participant")
    if not isinstance(page, Page):
        return page
    session = _session(request, code)
    if session is None or page.user.name not in session.joined:
        return _gone(page, code)
    form = await request.form()
    if not _csrf_ok(page, form):
        return _refuse_csrf(page)
    _rooms(request).vote(session, session.joined[page.user.name], str(form.get("idea", "")))
    return render(page, "workshop_table_live.html", _table_context(page, session))
