"""Web: the journey map page of a demo workspace (100k customers at scale 1), through a real
uvicorn server and a signed-in browser session: the first load with nothing cached (cold), a
reload, and the first load after the server's start-up warm-up (``parcours.web._warm``).

Target: the map page in < 2 s at 100k customers.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from io import StringIO
from pathlib import Path


def run(table, scale: float) -> None:  # type: ignore[no-untyped-def]
    from functools import partial

    import httpx
    import uvicorn
    from rich.console import Console

    from parcours.accounts import Accounts
    from parcours.api import ServerOptions, create_app
    from parcours.api._serve import _config
    from parcours.demo.run import run_demo
    from parcours.web import mount
    from parcours.web._warm import warm_up
    from parcours.workspace import Workspace

    customers = max(2_000, int(100_000 * scale))
    folder = Path(tempfile.mkdtemp(prefix="parcours-bench-web-"))
    try:
        root = folder / "ws"
        run_demo(root, customers=customers, seed=1, console=Console(file=StringIO()))
        with Workspace.open(root) as ws:
            accounts = Accounts.for_workspace(ws)
            accounts.add_user("bench", "viewer", "correct horse battery")
            accounts.dispose()
            journey = ws.journey_files()[0].stem
        app = create_app(root, ServerOptions(), mounts=[partial(mount, warm=False)])
        server = uvicorn.Server(_config(app, "127.0.0.1", 0, "warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        load = f"load {os.getloadavg()[0]:.1f}"
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300) as client:
            client.post("/login", data={"name": "bench", "password": "correct horse battery"})
            timings = []
            for _ in range(3):
                start = time.perf_counter()
                answer = client.get(f"/journeys/{journey}")
                timings.append(time.perf_counter() - start)
                answer.raise_for_status()
            ctx = app.state.ctx
            ctx.changed()  # forget everything, as a new server would
            start = time.perf_counter()
            warm_up(ctx)
            warming = time.perf_counter() - start
            start = time.perf_counter()
            client.get(f"/journeys/{journey}").raise_for_status()
            warmed = time.perf_counter() - start
        server.should_exit = True
        thread.join(timeout=10)
        table.add_row(
            "web-map",
            "GET /journeys/{id} (web page)",
            f"{customers:,} customers",
            f"{warmed:.2f} s",
            "-",
            f"after warm-up {warmed:.2f} s; cold {timings[0]:.2f} s; reload {min(timings[1:]):.2f} s",
            "< 2 s at 100k",
            f"warm-up at start-up {warming:.1f} s (background); cold = first load with nothing "
            f"cached (map_data dominates); {load}",
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
