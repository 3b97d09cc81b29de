"""The journey map and the report on the demo company (100,000 people at scale 1): time to gather
the map's data and draw it as HTML, SVG, PNG and PDF (PNG/PDF through headless Chromium), and to
write the whole report with every capability's sections. No baseline draws journey maps; the
target is the issue's: the demo map in HTML < 5 s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from _common import DATA, GIB, HERE, run_child

JOBS = str(HERE / "_render_jobs.py")


def run(table, scale: float) -> None:  # type: ignore[no-untyped-def]
    DATA.mkdir(parents=True, exist_ok=True)
    people = max(1_000, int(100_000 * scale))
    workspace = DATA / f"render_demo_{people}"
    if not (workspace / "parcours.toml").exists():
        print(f"generating the demo ({people:,} people) ...", file=sys.stderr)
        subprocess.run([sys.executable, JOBS, "make-demo", str(workspace), str(people)], check=True)
    formats = [".html", ".svg"]
    if shutil.which("chromium"):
        formats += [".png", ".pdf"]
    for suffix in formats:
        load = f"load {os.getloadavg()[0]:.1f}"
        target = DATA / f"render_map_{people}{suffix}"
        _, rss, out = run_child([JOBS, "render", str(workspace), str(target)])
        result = json.loads(out.strip().splitlines()[-1])
        table.add_row(
            "render-map",
            f"parcours.render.render_map {suffix}",
            f"demo, {people:,} people",
            f"{result['seconds']:.2f} s",
            f"{rss / GIB:.2f} GiB",
            f"{target.stat().st_size / 1e3:,.0f} kB",
            "< 5 s" if suffix == ".html" else "",
            f"{load}; imports {result['imports']:.1f} s",
        )
    load = f"load {os.getloadavg()[0]:.1f}"
    out_dir = DATA / f"render_report_{people}"
    _, rss, out = run_child([JOBS, "report", str(workspace), str(out_dir)])
    result = json.loads(out.strip().splitlines()[-1])
    table.add_row(
        "render-report",
        "parcours.render.write_report (all sections)",
        f"demo, {people:,} people",
        f"{result['seconds']:.2f} s",
        f"{rss / GIB:.2f} GiB",
        f"{len(list(out_dir.glob('*.csv')))} CSV",
        "",
        f"{load}; imports {result['imports']:.1f} s",
    )
