"""`parcours serve`: the REST API and the public routes (intake, unsubscribe) over HTTP."""

from __future__ import annotations

from pathlib import Path

import click

from parcours.cli._common import err, handle_errors, lang_option, open_workspace, workspace_option

MiB = 1024 * 1024


def register(group: click.Group) -> None:
    @group.command("serve")
    @workspace_option
    @lang_option
    @click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
    @click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
    @click.option(
        "--public-host",
        default=None,
        help="Public base URL behind the proxy (https://cx.example.org): links, Secure cookies.",
    )
    @click.option(
        "--public-only",
        is_flag=True,
        help="Serve only the public routes (events intake, unsubscribe, health).",
    )
    @click.option(
        "--public-port",
        default=None,
        type=click.IntRange(0, 65535),
        help="Also serve the public routes alone on this port (for the internet-facing proxy).",
    )
    @click.option(
        "--workers",
        default=1,
        show_default=True,
        type=click.IntRange(1, 64),
        help="Processes (more than 1 with --public-only only: one process owns the warehouse).",
    )
    @click.option("--max-body", default=10, show_default=True, type=click.IntRange(1), help="MiB.")
    @click.option(
        "--max-upload",
        default=1024,
        show_default=True,
        type=click.IntRange(1),
        help="MiB (ingest).",
    )
    @click.option(
        "--log-level",
        type=click.Choice(["debug", "info", "warning", "error"]),
        default="info",
        show_default=True,
    )
    @handle_errors
    def serve_cmd(
        workspace: Path,
        lang: str | None,
        host: str,
        port: int,
        public_host: str | None,
        public_only: bool,
        public_port: int | None,
        workers: int,
        max_body: int,
        max_upload: int,
        log_level: str,
    ) -> None:
        """Serve the API and the web pages / servir l'API (loopback by default).

        Put a reverse proxy with TLS in front to reach it from other machines (docs/api.md).
        """
        from parcours.api import ServerOptions, serve
        from parcours.i18n import t
        from parcours.web import mount

        with open_workspace(workspace, lang) as ws:
            root = ws.root
        options = ServerOptions(
            public_host=public_host,
            max_body=max_body * MiB,
            max_upload=max_upload * MiB,
            public_only=public_only,
        )

        def announce(url: str, public_url: str | None) -> None:
            err.print(t("api.serving", workspace=str(root), url=url), markup=False)
            if public_url:
                err.print(t("api.serving_public", url=public_url), markup=False)

        serve(
            root,
            host=host,
            port=port,
            options=options,
            public_port=public_port,
            workers=workers,
            log_level=log_level,
            announce=announce,
            mounts=[mount],
        )
