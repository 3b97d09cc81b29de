"""The HTTP endpoint (stdlib): events in, one-click unsubscribe (RFC 8058).

- ``POST /events``: a JSON object, a JSON array or JSON lines, validated by ``parse_events``
  (400 with ``{"error": ...}`` saying which event and field); answers the ingest counts.
- ``POST /unsubscribe/<token>``: the one-click request mail clients send with
  ``List-Unsubscribe=One-Click`` in the body; effective before the response is written.
- ``GET /unsubscribe/<token>``: a page with a confirmation button (a GET must not unsubscribe:
  link scanners follow links); the button posts to ``/unsubscribe/<token>?page`` and gets a page
  saying the person is unsubscribed (the one-click POST gets JSON).
"""

from __future__ import annotations

import html
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from parcours.errors import OrchestrateError, ParcoursError
from parcours.i18n import t
from parcours.orchestrate._common import Event
from parcours.orchestrate._engine import Orchestrator
from parcours.orchestrate._events import parse_events

__all__ = ["serve"]

MAX_BODY = 32 * 1024 * 1024


def _events(body: bytes) -> list[Event]:
    """The events of a body: a JSON object, a JSON array, or JSON lines (one object a line),
    validated by ``parse_events``; anything else raises ``OrchestrateError``."""
    try:
        text = body.decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        raise OrchestrateError(f"events: expected UTF-8 JSON, found {exc}") from None
    if not text:
        return []
    try:
        if text[0] == "[" or (text[0] == "{" and "\n" not in text):  # an array, or one object
            return parse_events(json.loads(text))
        lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    except (json.JSONDecodeError, RecursionError) as exc:
        raise OrchestrateError(f"events: expected JSON, found {exc}") from None
    return parse_events(lines)


def _page(lang: str, content: str, *, escaped: bool = False) -> bytes:
    """A minimal HTML page in ``lang`` holding ``content`` (text, or HTML when ``escaped``)."""
    body = content if escaped else f"<p>{html.escape(content)}</p>"
    return (
        f'<!DOCTYPE html><html lang="{lang}"><meta charset="utf-8"><body>{body}</body></html>'
    ).encode()


def make_handler(orch: Orchestrator, lock: threading.Lock) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "parcours"

        def _reply(self, code: int, payload: Any) -> None:
            page = isinstance(payload, bytes)
            body = payload if page else json.dumps(payload).encode()
            self.send_response(code)
            self.send_header(
                "Content-Type", "text/html; charset=utf-8" if page else "application/json"
            )
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _body(self) -> bytes:
            declared = self.headers.get("Content-Length") or "0"
            if not declared.strip().isdigit() or int(declared) > MAX_BODY:
                raise ValueError(
                    f"expected a Content-Length from 0 to {MAX_BODY} bytes, found {declared!r}"
                )
            return self.rfile.read(int(declared))

        def do_POST(self) -> None:
            try:
                if self.path.rstrip("/") == "/events":
                    events = _events(self._body())
                    with lock:
                        result = orch.ingest(events)
                    self._reply(200, result.__dict__)
                elif self.path.startswith("/unsubscribe/"):
                    self._body()
                    token, _, query = self.path.split("/", 2)[2].partition("?")
                    with lock:
                        orch.unsubscribe_by_token(token)
                    if query == "page":  # the confirmation page's button: a person reads this
                        self._reply(200, _page(orch.lang, t("orchestrate.unsub.page", orch.lang)))
                    else:
                        self._reply(200, {"unsubscribed": True})
                else:
                    self._reply(
                        404,
                        {"error": f"expected /events or /unsubscribe/<token>, found {self.path}"},
                    )
            except (ParcoursError, ValueError, KeyError) as exc:
                self._reply(400, {"error": str(exc)})

        def do_GET(self) -> None:
            if self.path.startswith("/unsubscribe/"):
                token = html.escape(self.path.split("/", 2)[2].split("?")[0])
                lang = orch.lang
                form = (
                    f'<form method="post" action="/unsubscribe/{token}?page">'
                    f'<input type="hidden" name="List-Unsubscribe" value="One-Click">'
                    f"<button>{html.escape(t('orchestrate.unsub.confirm', lang))}</button></form>"
                )
                self._reply(200, _page(lang, form, escaped=True))
            elif self.path == "/health":
                self._reply(200, {"ok": True})
            else:
                self._reply(404, {"error": "not found"})

        def log_message(self, *args: Any) -> None:
            return None

    return Handler


def serve(orch: Orchestrator, host: str = "127.0.0.1", port: int = 8025) -> ThreadingHTTPServer:
    """Start the endpoint in a background thread; ``.shutdown()`` stops it."""
    lock = threading.Lock()  # one engine call at a time from this process (SQLite connections)
    server = ThreadingHTTPServer((host, port), make_handler(orch, lock))
    threading.Thread(target=server.serve_forever, daemon=True, name="parcours-http").start()
    return server
