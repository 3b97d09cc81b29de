"""`parcours map` (the one-page journey map) and `parcours report` (the map and the analyses)."""

from __future__ import annotations

from pathlib import Path

import click

from parcours.cli._common import handle_errors, lang_option, open_workspace, out, workspace_option
from parcours.i18n import set_lang, t

__all__ = ["register"]


@click.command("map")
@click.argument("journey", required=False, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="map.html, map.svg, map.png or map.pdf (default: WORKSPACE/out/map.html).",
)
@click.option("--persona", default=None, help="Only this persona's customers, or 'all'.")
@click.option("--period", default=None, help="START..END, e.g. 2026-01-01..2026-06-30.")
@click.option(
    "--compare",
    type=click.Path(path_type=Path),
    default=None,
    help="To-be journey (YAML) beside this one (default: the workspace's that derives from it).",
)
@click.option("--no-compare", is_flag=True, help="Do not set the to-be journey beside it.")
@workspace_option
@lang_option
@handle_errors
def map_command(
    journey: Path | None,
    out_path: Path | None,
    persona: str | None,
    period: str | None,
    compare: Path | None,
    no_compare: bool,
    workspace: Path,
    lang: str | None,
) -> None:
    """Draw the one-page journey map / dessiner la carte du parcours.

    JOURNEY is a journey YAML file or an id of the workspace (default: its only journey). Without
    a workspace (no parcours.toml), the map shows the model alone and says that data is missing.
    """
    from parcours.errors import WorkspaceError
    from parcours.render import render_map

    try:
        ws = open_workspace(workspace, lang)
    except WorkspaceError:
        if journey is None:
            raise
        ws = None
        set_lang(lang or "fr")
    try:
        target = out_path or (ws.path("out", "map.html") if ws is not None else Path("map.html"))
        path = render_map(
            ws,
            journey,
            target,
            lang=lang,
            persona=persona,
            period=period,
            compare=False if no_compare else compare,
        )
    finally:
        if ws is not None:
            ws.close()
    out.print(t("render.map.written", path=str(path)), markup=False)


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: WORKSPACE/out).",
)
@click.option("--journey", default=None, help="Journey id or file stem (default: the only one).")
@workspace_option
@lang_option
@handle_errors
def report(out_dir: Path | None, journey: str | None, workspace: Path, lang: str | None) -> None:
    """Write the HTML report: the map, the stage x channel table, the analyses / écrire le rapport."""
    from parcours.render import write_report

    with open_workspace(workspace, lang) as ws:
        target = out_dir or ws.path("out")
        path = write_report(ws, ws.journey(journey), target, lang=lang)
        out.print(t("demo.report", path=str(path)), markup=False)


def register(group: click.Group) -> None:
    group.add_command(map_command)
    group.add_command(report)
