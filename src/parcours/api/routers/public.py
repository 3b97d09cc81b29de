"""The routes that may face the internet: health, event intake, one-click unsubscribe.

- ``POST /api/v1/events`` needs an intake token of a source (``Authorization: Bearer pcin_...``);
  the body is one event, an array of events, or JSON lines (``application/x-ndjson``).
- ``GET /unsubscribe/{token}`` shows a confirmation button (a GET must not unsubscribe: mail
  link scanners follow links); ``POST /unsubscribe/{token}`` is RFC 8058's one-click request,
  effective before the answer is written.
"""

from __future__ import annotations

import html
import json
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from parcours.api._auth import ctx_of, intake_source
from parcours.api._models import Model
from parcours.errors import ApiError, OrchestrateError

router = APIRouter(tags=["public"])

MAX_EVENTS = 10_000


class EventIn(BaseModel):
    """One event (the contract of :func:`parcours.orchestrate.parse_events`, which validates)."""

    model_config = ConfigDict(extra="forbid")

    event_id: str = Field(min_length=1, max_length=200)
    customer_id: str = Field(min_length=1, max_length=200)
    type: str = Field(min_length=1, max_length=200)
    ts: str | float = Field(
        description="ISO 8601 with a zone (2026-11-26T10:00:00Z), or Unix seconds; "
        "from 2000 to one day ahead",
        examples=["2026-11-26T10:00:00Z"],
    )
    data: dict[str, Any] = Field(default_factory=dict)


_EVENT_SCHEMA = EventIn.model_json_schema()
_BODY_SCHEMA = {
    "oneOf": [
        _EVENT_SCHEMA,
        {"type": "array", "items": _EVENT_SCHEMA, "maxItems": MAX_EVENTS},
    ]
}


class IngestOut(Model):
    source: str
    received: int
    duplicates: int
    suppressed: int
    enrolled: int
    exited: int
    converted: int
    absorbed: int


class HealthOut(Model):
    ok: bool
    version: str


def _parse(body: bytes, content_type: str) -> Any:
    """One JSON object, an array, or JSON lines (one object a line; also without the
    ``application/x-ndjson`` type, as the former listener read them)."""
    try:
        text = body.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise ApiError(400, "", "expected a UTF-8 body, found other bytes") from None
    try:
        if "ndjson" in content_type or "jsonl" in content_type:
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            if "\n" not in text:
                raise
            return [json.loads(line) for line in text.splitlines() if line.strip()]
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ApiError(400, "", f"expected JSON, found a syntax error ({exc})") from None
    return data


@router.get("/health", response_model=HealthOut)
def health() -> HealthOut:
    from parcours._version import __version__

    return HealthOut(ok=True, version=__version__)


@router.post(
    "/api/v1/events",
    response_model=IngestOut,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": _BODY_SCHEMA},
                "application/x-ndjson": {"schema": {"type": "string"}},
            },
        }
    },
)
async def post_events(
    request: Request, source: Annotated[str, Depends(intake_source)]
) -> IngestOut:
    """Feed events to the workspace's scenarios (needs an intake token of a source)."""
    from parcours.orchestrate import parse_events

    raw = _parse(await request.body(), request.headers.get("content-type", ""))
    if isinstance(raw, list) and len(raw) > MAX_EVENTS:
        raise ApiError(
            413, "", f"expected at most {MAX_EVENTS} events per request, found {len(raw)}"
        )
    try:
        events = parse_events(raw)
    except OrchestrateError as exc:
        raise ApiError(422, "", str(exc)) from None
    ctx = ctx_of(request)

    def ingest() -> Any:
        orch = ctx.orchestrator()
        with ctx.orchestrate_lock:
            return orch.ingest(events)

    result = await anyio.to_thread.run_sync(ingest)
    return IngestOut(source=source, **result.__dict__)


def _page(lang: str, content: str) -> HTMLResponse:
    return HTMLResponse(
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>parcours</title></head><body>{content}</body></html>",
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_page(token: str, request: Request) -> HTMLResponse:
    """A page with the confirmation button (nothing changes until it is pressed)."""
    from parcours.i18n import t

    lang = ctx_of(request).lang
    action = html.escape(f"/unsubscribe/{token}?page=1", quote=True)
    return _page(
        lang,
        f'<form method="post" action="{action}">'
        '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
        f"<button>{html.escape(t('orchestrate.unsub.confirm', lang))}</button></form>",
    )


class UnsubscribedOut(Model):
    unsubscribed: bool


@router.post("/unsubscribe/{token}", response_model=UnsubscribedOut)
def unsubscribe(token: str, request: Request, page: str | None = None) -> Any:
    """RFC 8058 one-click unsubscribe (JSON); the confirmation page's button gets a page."""
    from parcours.i18n import t

    ctx = ctx_of(request)
    orch = ctx.orchestrator()
    with ctx.orchestrate_lock:
        orch.unsubscribe_by_token(token)
    if page is not None:
        return _page(ctx.lang, f"<p>{html.escape(t('orchestrate.unsub.page', ctx.lang))}</p>")
    return UnsubscribedOut(unsubscribed=True)
