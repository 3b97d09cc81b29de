"""`parcours warehouse ...`: the lake that Spark reads (`parcours warehouse sync`)."""

from __future__ import annotations

from pathlib import Path

import click

from parcours import i18n
from parcours.cli._common import handle_errors, lang_option, open_workspace, out, workspace_option
from parcours.i18n import number, t

i18n.register(
    {
        "warehouse.sync.table": {
            "fr": "  {table} : {rows} lignes, {loads} chargements",
            "en": "  {table}: {rows} rows, {loads} loads",
        },
        "warehouse.sync.snapshot": {
            "fr": "  {table} : {rows} lignes (table réécrite en entier)",
            "en": "  {table}: {rows} rows (whole table rewritten)",
        },
        "warehouse.sync.done": {
            "fr": "Lac {lake} : {rows} lignes écrites",
            "en": "Lake {lake}: {rows} rows written",
        },
        "warehouse.sync.nothing": {
            "fr": "Lac {lake} : déjà à jour, rien à écrire",
            "en": "Lake {lake}: already up to date, nothing to write",
        },
    }
)


def register(group: click.Group) -> None:
    @group.group("warehouse")
    def warehouse() -> None:
        """The warehouse and its lake / l'entrepôt et son lac (sync for Spark)."""

    @warehouse.command("sync")
    @workspace_option
    @lang_option
    @click.option(
        "--full",
        is_flag=True,
        help="Rewrite the lake from scratch (after an erasure) / réécrire le lac en entier.",
    )
    @handle_errors
    def sync_cmd(workspace: Path, lang: str | None, full: bool) -> None:
        """Write the canonical tables to the lake, only new loads / écrire les tables dans le lac.

        Each table's new batch is written to a temporary folder and published by one rename: a
        killed sync leaves nothing half-written. Spark reads the lake (--engine spark).
        """
        from parcours.warehouse import sync_lake

        with open_workspace(workspace, lang) as ws:
            report = sync_lake(ws.warehouse, ws.lake, full=full)
            if not report.rows:
                out.print(t("warehouse.sync.nothing", lake=report.lake), markup=False)
                return
            for table, rows in report.rows.items():
                if table in report.loads:
                    line = t(
                        "warehouse.sync.table",
                        table=table,
                        rows=number(rows),
                        loads=number(report.loads[table]),
                    )
                else:
                    line = t("warehouse.sync.snapshot", table=table, rows=number(rows))
                out.print(line, markup=False, highlight=False)
            out.print(
                t("warehouse.sync.done", lake=report.lake, rows=number(report.total_rows)),
                markup=False,
            )
