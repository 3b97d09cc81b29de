"""A real parcours server on a free loopback port, on a copy of the shared demo workspace.

Each role has a user with an API token; the server runs uvicorn in a thread with the same
protocol and settings as ``parcours serve`` (``parcours.api._serve``), and tests talk HTTP to it.
"""

from __future__ import annotations

import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from parcours.accounts import ROLES, Accounts
from parcours.api import ServerOptions, create_app
from parcours.workspace import Workspace

PASSWORD = "correct horse battery"


@dataclass
class Served:
    url: str
    root: Path
    tokens: dict[str, str]
    app: object
    server: object

    def client(self, role: str | None = None, **options: object) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=120, **options)

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])


def start(root: Path, options: ServerOptions, *, public_only: bool = False) -> tuple[object, str]:
    import uvicorn

    from parcours.api._serve import _config

    app = create_app(root, options, public_only=public_only)
    server = uvicorn.Server(_config(app, "127.0.0.1", 0, "warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}"


def stop(server: object) -> None:
    server.should_exit = True  # type: ignore[attr-defined]
    time.sleep(0.3)


def prepare(source: Path, target: Path) -> dict[str, str]:
    """Copy a workspace and give it one user (with a token) per role."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("ops.sqlite*", "out"))
    with Workspace.open(target) as ws:
        accounts = Accounts.for_workspace(ws)
        tokens = {}
        for role in ROLES:
            accounts.add_user(role, role, PASSWORD)
            tokens[role] = accounts.create_token(role, "tests")[1]
        accounts.dispose()
    return tokens


def serve_copy(source: Path, target: Path, options: ServerOptions | None = None) -> Served:
    tokens = prepare(source, target)
    opts = options or ServerOptions(
        body_timeout=2.0, max_body=1024 * 1024, max_upload=64 * 1024 * 1024
    )
    server, url = start(target, opts)
    return Served(url, target, tokens, server, server)


@pytest.fixture(scope="session")
def served(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Served:
    target = tmp_path_factory.mktemp("api") / "ws"
    running = serve_copy(demo_workspace, target)
    yield running
    stop(running.server)
