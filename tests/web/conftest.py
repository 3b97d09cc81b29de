"""A real parcours server (API + web pages) on a free loopback port, on a copy of the shared demo
workspace, and the system's Chromium driven by Playwright.

Every page a test opens goes through :func:`browser_page`: console errors are collected (a test
ends by asserting there are none), every request is checked to go to the server alone (one to
another host is aborted and recorded), and screenshots land under the pytest tmp dir.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

pytest.importorskip("playwright.sync_api")

PASSWORD = "correct horse battery"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


@dataclass
class WebServer:
    url: str
    root: Path
    server: Any

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc


@pytest.fixture(scope="session")
def web_server(
    demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WebServer]:
    import uvicorn

    from parcours.accounts import ROLES, Accounts
    from parcours.api import ServerOptions, create_app
    from parcours.api._serve import _config
    from parcours.web import mount
    from parcours.workspace import Workspace

    root = tmp_path_factory.mktemp("web") / "ws"
    shutil.copytree(demo_workspace, root, ignore=shutil.ignore_patterns("ops.sqlite*", "out"))
    with Workspace.open(root) as ws:
        accounts = Accounts.for_workspace(ws)
        for role in ROLES:
            accounts.add_user(role, role, PASSWORD)
        accounts.add_user("analyst2", "analyst", PASSWORD)
        accounts.dispose()
    app = create_app(root, ServerOptions(max_upload=64 * 1024 * 1024), mounts=[mount])
    server = uvicorn.Server(_config(app, "127.0.0.1", 0, "warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web test server did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield WebServer(f"http://127.0.0.1:{port}", root, server)
    server.should_exit = True
    time.sleep(0.3)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip(f"the system Chromium is not at {CHROMIUM}")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@dataclass
class Watched:
    """A browser page with what it logged and asked for."""

    page: Any
    context: Any
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    expected_errors: list[str] = field(default_factory=list)
    shots: Path | None = None

    def shot(self, name: str) -> Path:
        assert self.shots is not None
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def expect_status_error(self, status: int) -> None:
        """The next page is meant to answer ``status`` (a refusal): Chromium logs that."""
        self.expected_errors.append(f"status of {status}")

    def assert_clean(self) -> None:
        unexpected = [e for e in self.errors if not any(x in e for x in self.expected_errors)]
        assert unexpected == [], f"console errors: {unexpected}"
        assert self.foreign == [], f"requests to another host: {self.foreign}"


@pytest.fixture
def browser_page(
    browser: Any, web_server: WebServer, tmp_path_factory: pytest.TempPathFactory, request: Any
) -> Iterator[Callable[..., Watched]]:
    opened: list[Watched] = []
    shots = tmp_path_factory.mktemp(f"shots-{request.node.name}"[:60])
    print(f"\nscreenshots: {shots}")

    def open_page(viewport: dict[str, int] | None = None, locale: str = "fr-FR") -> Watched:
        context = browser.new_context(viewport=viewport or LAPTOP, locale=locale)
        page = context.new_page()
        watched = Watched(page, context, shots=shots)

        def route(route: Any) -> None:
            if urlsplit(route.request.url).netloc == web_server.host:
                route.continue_()
            else:
                watched.foreign.append(route.request.url)
                route.abort()

        page.route("**/*", route)
        page.on("console", lambda m: watched.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: watched.errors.append(f"page error: {e}"))
        opened.append(watched)
        return watched

    yield open_page
    for watched in opened:
        watched.context.close()
