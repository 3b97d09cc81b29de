"""``parcours serve``: uvicorn with production defaults, one or two listeners, one or N processes."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from parcours.api._context import ServerContext, ServerOptions
from parcours.errors import ApiError

__all__ = ["PublicServer", "app_from_env", "protocol", "serve", "serve_public"]

ENV = "PARCOURS_SERVE"


def _configure_logging(level: str) -> None:
    logger = logging.getLogger("parcours.api")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level.upper())


def protocol() -> type:
    """The h11 protocol class that answers unparsable requests with a problem."""
    from parcours.api._protocol import ProblemH11Protocol

    return ProblemH11Protocol


def _config(app: Any, host: str, port: int, log_level: str, **extra: Any) -> Any:
    import uvicorn

    return uvicorn.Config(
        app,
        http=protocol(),
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,  # parcours.api.access logs every request with its id
        server_header=False,
        proxy_headers=True,  # X-Forwarded-For/-Proto from the reverse proxy (forwarded_allow_ips)
        forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        timeout_keep_alive=5,
        timeout_graceful_shutdown=10,
        backlog=2048,
        h11_max_incomplete_event_size=64 * 1024,  # request line and headers
        **extra,
    )


def serve(
    workspace: Path | str,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    options: ServerOptions | None = None,
    public_port: int | None = None,
    workers: int = 1,
    log_level: str = "info",
    announce: Any = None,
    mounts: Any = (),
) -> None:
    """Serve ``workspace`` until interrupted.

    ``public_port`` adds a second listener with the public routes alone (intake, unsubscribe,
    health) for a proxy to expose; ``options.public_only`` serves only those on ``port``.
    ``workers`` > 1 starts that many processes; the DuckDB warehouse is one file one process
    owns, so several workers are for ``public_only`` servers (the ops store is shared).
    """
    opts = options or ServerOptions()
    _configure_logging(log_level)
    if workers > 1:
        if not opts.public_only:
            raise ApiError(
                400,
                "",
                f"--workers: expected 1 for a server with the analytic routes (one process owns "
                f"the DuckDB warehouse), found {workers}; several workers serve --public-only",
            )
        if public_port is not None:
            raise ApiError(400, "", "--public-port: expected one listener with --workers > 1")
        import uvicorn

        os.environ[ENV] = json.dumps({"workspace": str(Path(workspace).resolve()), **asdict(opts)})
        if announce:
            announce(f"http://{host}:{port}", None)
        uvicorn.run(
            "parcours.api._serve:app_from_env",
            factory=True,
            workers=workers,
            http=protocol(),
            host=host,
            port=port,
            log_level=log_level,
            access_log=False,
            server_header=False,
            proxy_headers=True,
            forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            timeout_keep_alive=5,
            timeout_graceful_shutdown=10,
            backlog=2048,
        )
        return
    from parcours.api._app import create_app

    ctx = ServerContext(workspace, opts)
    apps = [(create_app(workspace, context=ctx, mounts=mounts), host, port)]
    if public_port is not None:
        apps.append((create_app(workspace, context=ctx, public_only=True), host, public_port))
    if announce:
        announce(f"http://{host}:{port}", f"http://{host}:{public_port}" if public_port else None)
    try:
        asyncio.run(_run_all([_config(a, h, p, log_level) for a, h, p in apps]))
    finally:
        ctx.close()


async def _run_all(configs: list[Any]) -> None:
    import uvicorn

    servers = [uvicorn.Server(c) for c in configs]
    tasks = [asyncio.create_task(s.serve()) for s in servers]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for server in servers:  # one stopped (Ctrl+C reaches one of them): stop the other too
        server.should_exit = True
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        task.result()


def app_from_env() -> Any:
    """The application a worker process builds (``--workers``): settings from the environment."""
    from parcours.api._app import create_app

    data = json.loads(os.environ[ENV])
    root = data.pop("workspace")
    return create_app(root, ServerOptions(**data))


class PublicServer:
    """A public listener running in a background thread (``serve_public``)."""

    def __init__(self, server: Any, thread: Any) -> None:
        self._server = server
        self._thread = thread

    @property
    def server_address(self) -> tuple[str, int]:
        host, port = self._server.servers[0].sockets[0].getsockname()[:2]
        return str(host), int(port)

    def shutdown(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)


def serve_public(
    workspace: Path | str,
    host: str = "127.0.0.1",
    port: int = 8025,
    *,
    orchestrator: Any = None,
    options: ServerOptions | None = None,
) -> PublicServer:
    """Start the public routes (intake with its tokens, unsubscribe, health) of ``workspace`` in
    a background thread, serving ``orchestrator`` when given (``parcours orchestrate run
    --http``); ``.shutdown()`` stops them. ``port=0`` picks a free port (``.server_address``)."""
    import threading
    import time

    import uvicorn

    from parcours.api._app import create_app

    ctx = ServerContext(workspace, options)
    if orchestrator is not None:
        ctx.use_orchestrator(orchestrator)
    app = create_app(workspace, context=ctx, public_only=True)
    server = uvicorn.Server(_config(app, host, port, "warning"))
    thread = threading.Thread(target=server.run, daemon=True, name="parcours-public")
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            ctx.close()
            raise ApiError(
                500, "", f"expected the public listener to start on {host}:{port}, found it stopped"
            )
        time.sleep(0.02)
    return PublicServer(server, thread)
