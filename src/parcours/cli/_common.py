"""What every `parcours` command shares: the console, --workspace/--lang options, error handling.

Command modules (`cli/cmd_*.py`) import from here, never from `parcours.cli`, and each exposes
`register(group)`; `parcours.cli` discovers them, so a new capability adds a file, not an edit.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from parcours.errors import MappingError, ModelError, ParcoursError
from parcours.i18n import set_lang, t

__all__ = [
    "DATE",
    "ENGINE_KEY",
    "csv_dialect",
    "csv_dialect_option",
    "err",
    "handle_errors",
    "lang_option",
    "open_workspace",
    "out",
    "workspace_option",
]

F = TypeVar("F", bound=Callable[..., Any])
# Piped or captured output gets wide tables rather than folded cells; a terminal uses its own width.
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
# Where `parcours --engine` leaves its choice for the command (click's context meta).
ENGINE_KEY = "parcours.engine"
# A date option's type: ISO or French day/month/year.
DATE = click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y"])


def workspace_option(func: F) -> F:
    return click.option(
        "--workspace",
        "-w",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(),
        show_default=True,
        help="Workspace folder (holds parcours.toml) / dossier de l'espace de travail.",
    )(func)


def lang_option(func: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(["fr", "en"]),
        default=None,
        help="Language / langue (default: the workspace's, else fr).",
    )(func)


_DIALECT = "parcours.csv_dialect"
_WORKSPACE_DIALECT = "parcours.workspace_csv_dialect"


def _keep_dialect(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.meta[_DIALECT] = value


def csv_dialect_option(func: F) -> F:
    """``--csv-dialect`` on a command that writes CSV; :func:`csv_dialect` gives the choice."""
    return click.option(
        "--csv-dialect",
        type=click.Choice(["excel-fr", "rfc4180"]),
        default=None,
        expose_value=False,
        callback=_keep_dialect,
        help="CSV written: excel-fr (French Excel: BOM, ';', 12,5) or rfc4180 (',', 12.5); "
        "default: the workspace's [export] csv, else excel-fr in French / format des CSV écrits.",
    )(func)


def csv_dialect() -> str:
    """The CSV dialect of this command: --csv-dialect, else the workspace's, else by language."""
    from parcours.export import csv_dialect_for
    from parcours.i18n import get_lang

    ctx = click.get_current_context(silent=True)
    meta = ctx.meta if ctx is not None else {}
    chosen = meta.get(_DIALECT) or meta.get(_WORKSPACE_DIALECT)
    return str(chosen) if chosen else csv_dialect_for(get_lang())


def handle_errors(func: F) -> F:
    """Turn parcours errors into a clear message and exit code 2, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (ModelError, MappingError) as exc:
            err.print(f"[bold red]{t('cli.error')}[/]", str(exc).splitlines()[0])
            for problem in exc.problems:
                err.print(f"  {problem}", markup=False, highlight=False)
            sys.exit(2)
        except ParcoursError as exc:
            err.print(f"[bold red]{t('cli.error')}[/]", end=" ")
            err.print(str(exc), markup=False, highlight=False)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]  # functools.wraps keeps the signature


def open_workspace(workspace: Path, lang: str | None) -> Any:
    from parcours.workspace import Workspace

    context = click.get_current_context(silent=True)
    engine = context.meta.get(ENGINE_KEY) if context is not None else None
    ws = Workspace.open(workspace, engine=engine)
    set_lang(lang or ws.settings.lang)
    ctx = click.get_current_context(silent=True)
    if ctx is not None:  # the workspace's CSV dialect, for csv_dialect()
        ctx.meta[_WORKSPACE_DIALECT] = ws.settings.csv_dialect
    return ws
