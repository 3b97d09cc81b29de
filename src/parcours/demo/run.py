"""`parcours demo`: generate Mutuelle Horizon, ingest its exports like real data, write the report."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from parcours.demo._catalog import JOURNEY_PATH, MAPPINGS_DIR
from parcours.demo._generate import generate
from parcours.i18n import Lang, number, t
from parcours.workspace import Workspace

__all__ = ["JOURNEY_FILE", "prepare_workspace", "run_demo"]

JOURNEY_FILE = "mutuelle-horizon.yaml"
TO_BE_SOURCE = "journey-cible.yaml"
TO_BE_FILE = "mutuelle-horizon-cible.yaml"


def prepare_workspace(out_dir: Path, lang: str = "fr") -> Workspace:
    """A workspace holding the demo journey map and the mappings of its exports."""
    language: Lang = "en" if lang == "en" else "fr"
    ws = Workspace.init(out_dir, name="Mutuelle Horizon (démo)", lang=language)
    shutil.copyfile(JOURNEY_PATH, ws.path("journeys", JOURNEY_FILE))
    # The to-be map of the workshops beside it: the report compares the two.
    shutil.copyfile(JOURNEY_PATH.parent / TO_BE_SOURCE, ws.path("journeys", TO_BE_FILE))
    for mapping in sorted(MAPPINGS_DIR.glob("*.yaml")):
        shutil.copyfile(mapping, ws.path("mappings", mapping.name))
    from parcours.personas import DEMO_PERSONAS

    for persona in sorted(DEMO_PERSONAS.glob("*.yaml")):
        shutil.copyfile(persona, ws.path("personas", persona.name))
    # The plan: ideas drawn from the diagnosis, team capacities, the world-café list.
    ws.path("plan").mkdir(exist_ok=True)
    for name in ("ideas.yaml", "people.csv"):
        shutil.copyfile(JOURNEY_PATH.parent / name, ws.path("plan", name))
    return ws


def _project_personas(ws: Workspace) -> None:
    """Fit one model per demo persona and score the base, so the report shows who is who."""
    import warnings

    from parcours import personas

    with warnings.catch_warnings():
        # A shortfall of look-alikes is reported in the model card the report shows.
        warnings.simplefilter("ignore", personas.PersonaWarning)
        projection = personas.fit(ws)
    personas.score(ws, projection)


def run_demo(
    out_dir: Path,
    *,
    customers: int = 100_000,
    seed: int = 0,
    lang: str = "fr",
    console: Console | None = None,
    verbose: bool = False,
) -> dict[str, Any]:
    """Generate, ingest and report; return the paths and load reports (for tests and scripts).

    ``verbose``: away from a terminal, log each file's load phases (else only the summary)."""
    console = console or Console()
    started = time.perf_counter()
    out_dir = Path(out_dir)
    if (out_dir / "warehouse.duckdb").exists():
        # A demo run starts from scratch: the same seed must give the same warehouse.
        (out_dir / "warehouse.duckdb").unlink()
    ws = prepare_workspace(out_dir, lang)
    console.print(t("demo.workspace", path=str(ws.root)), markup=False)
    console.print(t("demo.generating", customers=customers, seed=str(seed)), markup=False)
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("simulation", total=None)

        def step(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total or None)

        files = generate(ws.root, customers=customers, seed=seed, progress=step)
    console.print(t("demo.ingesting"), markup=False)
    reports = []
    with ws:
        for mapping, raw in files.sources():
            reports.extend(
                ws.ingest(
                    [raw],
                    mapping=ws.path("mappings", mapping.name),
                    progress=True,
                    verbose=verbose,
                )
            )
        console.print(t("demo.personas"), markup=False)
        _project_personas(ws)
        from parcours.render import write_report

        report = write_report(ws, ws.journey(), ws.path("out"), lang=lang)
    grid = Table(show_edge=False)
    for key in ("file", "read", "loaded", "quarantined"):
        grid.add_column(t(f"report.loads.{key}"), justify="left" if key == "file" else "right")
    for r in reports:
        grid.add_row(
            Path(r.file).name,
            number(r.rows_read, ws.settings.lang),
            number(r.rows_loaded, ws.settings.lang),
            number(r.rows_quarantined, ws.settings.lang),
        )
    console.print(grid)
    quarantined = sum(r.rows_quarantined for r in reports)
    if quarantined:
        console.print(
            t("demo.quarantined", n=quarantined, path=str(ws.root)),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    console.print(t("demo.truth", path=str(files.truth.parent)), markup=False)
    console.print(t("demo.report", path=str(report)), markup=False)
    console.print(f"{time.perf_counter() - started:.0f} s", style="dim")
    return {"workspace": ws.root, "report": report, "reports": reports, "files": files}
