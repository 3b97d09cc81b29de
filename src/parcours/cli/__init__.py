"""The `parcours` command: a thin shell over the Python API (no logic the library lacks)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from parcours.cli._common import (
    ENGINE_KEY,
    err,
    handle_errors,
    lang_option,
    open_workspace,
    out,
    workspace_option,
)
from parcours.cli._common import (
    csv_dialect as _csv_dialect,
)
from parcours.cli._common import (
    csv_dialect_option as _csv_dialect_option,
)
from parcours.errors import ParcoursError
from parcours.i18n import number, set_lang, t

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="parcours")
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default=None,
    help="Engine for this command (default: [warehouse] engine) / moteur pour cette commande.",
)
@click.pass_context
def cli(ctx: click.Context, engine: str | None) -> None:
    """parcours — le parcours client de bout en bout / the customer journey, end to end.

    Cartographier, quantifier, qualifier, projeter les personas, détecter l'attrition,
    orchestrer et prioriser. Map, quantify, qualify, project personas, detect churn,
    orchestrate and prioritise.
    """
    ctx.meta[ENGINE_KEY] = engine


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default=None, help="Workspace name (default: the folder's name).")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.option("--timezone", default="Europe/Paris", show_default=True)
@handle_errors
def init(directory: Path, name: str | None, lang: str, timezone: str) -> None:
    """Create a workspace / créer un espace de travail."""
    from parcours.workspace import Workspace

    set_lang(lang)
    ws = Workspace.init(directory, name=name, lang=lang, timezone=timezone, starter=True)  # type: ignore[arg-type]
    out.print(t("init.done", path=str(ws.root)))
    out.print(t("init.next", path=str(directory)), markup=False)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@workspace_option
@lang_option
@handle_errors
def validate(files: tuple[Path, ...], workspace: Path, lang: str | None) -> None:
    """Validate journey maps (YAML) / valider des cartes de parcours.

    Every problem is reported with file, line and column and what was expected.
    """
    from parcours.model import validate_journey_file

    set_lang(lang or _lang_of(workspace))
    failed = False
    for file in files:
        problems = validate_journey_file(file)
        if problems:
            failed = True
            err.print(t("validate.problems", file=str(file), n=len(problems)), markup=False)
            for problem in problems:
                err.print(f"  {problem}", markup=False, highlight=False)
        else:
            out.print(t("validate.ok", file=str(file)), markup=False)
    if failed:
        sys.exit(1)


def _lang_of(workspace: Path) -> str:
    from parcours.workspace import Workspace

    try:
        return Workspace.open(workspace).settings.lang
    except ParcoursError:
        return "fr"


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--mapping", "-m", required=True, type=click.Path(path_type=Path), help="Mapping YAML."
)
@click.option("--source", "-s", default=None, help="Source name (default: the mapping's).")
@click.option("--verbose", "-v", is_flag=True, help="Away from a terminal, log each phase.")
@workspace_option
@lang_option
@handle_errors
def ingest(
    files: tuple[Path, ...],
    mapping: Path,
    source: str | None,
    verbose: bool,
    workspace: Path,
    lang: str | None,
) -> None:
    """Load raw exports (CSV, TSV, xlsx, Parquet, JSON lines) / charger des exports bruts."""
    with open_workspace(workspace, lang) as ws:
        reports = ws.ingest(
            list(files), mapping=mapping, source=source, progress=True, verbose=verbose
        )
        _print_reports(reports, workspace)


def _print_reports(reports: list[Any], workspace: Path) -> None:
    rejected = False
    for report in reports:
        name = Path(report.file).name
        if report.skipped:
            out.print(t("ingest.already", file=name, load_id=report.load_id), markup=False)
            continue
        out.print(
            t(
                "ingest.report",
                file=name,
                read=report.rows_read,
                loaded=report.rows_loaded,
                quarantined=report.rows_quarantined,
            ),
            markup=False,
        )
        for note in report.notes:
            out.print(note.text(), markup=False, highlight=False)
        if report.rows_already_loaded:
            out.print(t("ingest.existing", n=report.rows_already_loaded), markup=False)
        if getattr(report, "rows_erased", 0):
            out.print(t("ingest.erased", n=report.rows_erased), markup=False)
        if report.reasons:
            rejected = True
            out.print(t("ingest.reasons"), markup=False)
            for reason, count in list(report.reasons.items())[:8]:
                out.print(f"    {count:>8}  {reason}", markup=False, highlight=False)
    if rejected:
        import shlex

        out.print(t("ingest.see_quarantine", workspace=shlex.quote(str(workspace))), markup=False)


@cli.command()
@click.option("--source", "-s", default=None, help="Only this source.")
@click.option("--load", "load_id", default=None, help="Only this load id.")
@click.option("--limit", default=50, show_default=True, help="Rows to show.")
@click.option("--out", "out_path", type=click.Path(path_type=Path), default=None, help="Write CSV.")
@_csv_dialect_option
@workspace_option
@lang_option
@handle_errors
def quarantine(
    source: str | None,
    load_id: str | None,
    limit: int,
    out_path: Path | None,
    workspace: Path,
    lang: str | None,
) -> None:
    """List rejected rows with file, row, column, value and reason / lister les rejets."""
    with open_workspace(workspace, lang) as ws:
        table = ws.quarantine(source=source, load_id=load_id)
        total = int(table.count().execute())
        if out_path is not None:
            from parcours.export import write_csv

            write_csv(table.to_pandas(), out_path, dialect=_csv_dialect())
        if total == 0:
            out.print(t("quarantine.empty"))
            return
        frame = table.limit(limit).to_pandas()
        grid = Table(title=t("quarantine.title") + f" ({total})")
        for key in ("source", "file", "row", "column", "value", "reason"):
            grid.add_column(t(f"col.{key}"), overflow="fold")
        for rec in frame.itertuples(index=False):
            grid.add_row(
                str(rec.source),
                Path(str(rec.file)).name,
                _shown(rec.row),
                _shown(rec.column),
                _shown(rec.value)[:60],
                # one reason once, though two checks of the same column may both give it
                "; ".join(dict.fromkeys(str(rec.reason).split("; "))),
            )
        out.print(grid)
        if total > limit:
            out.print(t("quarantine.more", n=total - limit))


def _shown(value: object) -> str:
    """A cell as a reader reads it: a dash for nothing (None, NaN), never `nan`."""
    import pandas as pd

    return "—" if value is None or bool(pd.isna(value)) else str(value)  # type: ignore[call-overload]  # pandas' stubs do not take object


@cli.command()
@workspace_option
@lang_option
@handle_errors
def loads(workspace: Path, lang: str | None) -> None:
    """List the loads done in this workspace / lister les chargements."""
    with open_workspace(workspace, lang) as ws:
        frame = ws.loads().to_pandas()
        grid = Table(title=t("loads.title"))
        for key in ("file", "source", "target", "read", "loaded", "quarantined", "date"):
            grid.add_column(
                t(f"loads.{key}"),
                justify="right" if key in ("read", "loaded", "quarantined") else "left",
            )
        for rec in frame.itertuples(index=False):
            grid.add_row(
                Path(rec.file).name,
                rec.source,
                rec.target,
                number(int(rec.rows_read)),
                number(int(rec.rows_loaded)),
                number(int(rec.rows_quarantined)),
                str(rec.finished_at)[:19],
            )
        out.print(grid)


@cli.command()
@click.argument("kind", type=click.Choice(["journey"]), default="journey")
@handle_errors
def schema(kind: str) -> None:
    """Print the published JSON Schema of journey maps / afficher le schéma JSON."""
    import json

    from parcours.model import journey_json_schema

    click.echo(json.dumps(journey_json_schema(), indent=2, ensure_ascii=False))


@cli.command()
@click.option(
    "--out",
    "--workspace",
    "-w",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("parcours-demo"),
    show_default=True,
    help="Demo workspace folder (made or refreshed).",
)
@click.option("--customers", default=100_000, show_default=True, type=click.IntRange(min=200))
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.option("--verbose", "-v", is_flag=True, help="Away from a terminal, log each load phase.")
@handle_errors
def demo(out_dir: Path, customers: int, seed: int, lang: str, verbose: bool) -> None:
    """Generate a synthetic mutual, ingest its exports, write the report / démonstration."""
    from parcours.demo.run import run_demo

    set_lang(lang)
    run_demo(out_dir, customers=customers, seed=seed, lang=lang, console=out, verbose=verbose)


def _register_commands() -> None:
    """Add the commands of every `cli/cmd_*.py` module (each capability owns its own file)."""
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name.startswith("cmd_"):
            importlib.import_module(f"{__name__}.{module.name}").register(cli)


_register_commands()


def main() -> None:
    cli(prog_name="parcours")
