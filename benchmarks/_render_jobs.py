"""Child jobs of bench_render: make a demo workspace, render its map and its report, timed."""

from __future__ import annotations

import json
import sys
import time
from io import StringIO
from pathlib import Path


def make_demo(out: str, customers: int) -> None:
    from rich.console import Console

    from parcours.demo.run import run_demo

    run_demo(Path(out), customers=customers, seed=11, console=Console(file=StringIO()))


def render(workspace: str, target: str) -> None:
    """Open the workspace and write the map; time the whole call (data, drawing, browser)."""
    started = time.perf_counter()
    import parcours
    from parcours.render import render_map

    imported = time.perf_counter()
    with parcours.Workspace.open(workspace) as ws:
        render_map(ws, ws.journey(), target, lang="fr")
    done = time.perf_counter()
    print(json.dumps({"seconds": done - imported, "imports": imported - started}))


def report(workspace: str, out: str) -> None:
    started = time.perf_counter()
    import parcours
    from parcours.render import write_report

    imported = time.perf_counter()
    with parcours.Workspace.open(workspace) as ws:
        write_report(ws, ws.journey(), Path(out), lang="fr")
    done = time.perf_counter()
    print(json.dumps({"seconds": done - imported, "imports": imported - started}))


if __name__ == "__main__":
    job, *args = sys.argv[1:]
    if job == "make-demo":
        make_demo(args[0], int(args[1]))
    elif job == "render":
        render(args[0], args[1])
    elif job == "report":
        report(args[0], args[1])
    else:
        raise SystemExit(f"unknown job {job!r}")
