"""``/workshop``: where a participant lands (the only pages their role opens)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from parcours.web._core import Page, guard, render

router = APIRouter()


@router.get("/workshop")
def workshop_home(request: Request) -> Response:
    from parcours.i18n import t

    page = guard(request, "participant")
    if not isinstance(page, Page):
        return page
    return render(page, "workshop.html", {"title": t("web.workshop.title", page.lang)})
