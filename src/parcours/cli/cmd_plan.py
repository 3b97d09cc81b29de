"""`parcours plan ...`: ideas, scores, road map, KPI follow-up, workshops, workstream sheets.

A thin shell: every command calls names of ``parcours.plan.__all__`` and prints what they return.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import click

from parcours.cli._common import (
    DATE,
    csv_dialect,
    csv_dialect_option,
    err,
    handle_errors,
    lang_option,
    open_workspace,
    out,
    workspace_option,
)

__all__ = ["register"]


def _num(value: Any, decimals: int = 1) -> str:
    from parcours.i18n import number

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return number(float(value), None, decimals)


def _capacities(values: tuple[str, ...]) -> dict[str, float]:
    capacity: dict[str, float] = {}
    for value in values:
        team, sep, days = value.partition("=")
        try:
            amount = float(days.replace(",", "."))
        except ValueError:
            amount = -1.0
        if not sep or not team.strip() or amount < 0:
            raise click.BadParameter(
                f"expected TEAM=DAYS (person-days per period, >= 0), found {value!r}",
                param_hint="--capacity",
            )
        capacity[team.strip()] = amount
    return capacity


def register(group: click.Group) -> None:
    @group.group()
    def plan() -> None:
        """Prioritise ideas into a road map / prioriser les idées en feuille de route."""

    @plan.command("import")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @workspace_option
    @lang_option
    @handle_errors
    def import_(file: Path, workspace: Path, lang: str | None) -> None:
        """Merge ideas from a workshop sheet (CSV, xlsx) by id / importer des idées."""
        from parcours.i18n import t
        from parcours.plan import ideas_path, import_ideas

        with open_workspace(workspace, lang) as ws:
            report = import_ideas(ws, file)
            out.print(
                t(
                    "plan.import.done",
                    file=file.name,
                    added=len(report.added),
                    updated=len(report.updated),
                    target=str(ideas_path(ws)),
                ),
                markup=False,
            )

    @plan.command()
    @click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
    @workspace_option
    @lang_option
    @handle_errors
    def validate(files: tuple[Path, ...], workspace: Path, lang: str | None) -> None:
        """Validate ideas files (default: the workspace's) / valider les idées."""
        import sys

        from parcours.i18n import t
        from parcours.plan import ideas_path, validate_ideas_file

        with open_workspace(workspace, lang) as ws:
            journey = ws.journey_or_none()
            failed = False
            for file in files or (ideas_path(ws),):
                problems = validate_ideas_file(file, journey)
                if problems:
                    failed = True
                    err.print(t("validate.problems", file=str(file), n=len(problems)), markup=False)
                    for problem in problems:
                        err.print(f"  {problem}", markup=False, highlight=False)
                else:
                    out.print(t("validate.ok", file=str(file)), markup=False)
        if failed:
            sys.exit(1)

    @plan.command()
    @workspace_option
    @lang_option
    @click.option(
        "--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=None
    )
    @click.option("--evidence/--no-evidence", default=True, show_default=True,
                  help="Measure each idea's gain in the warehouse / mesurer le gain.")  # fmt: skip
    @click.option("--votes", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Dot-vote sheet (idea, votes) / feuille de gommettes.")  # fmt: skip
    @csv_dialect_option
    @handle_errors
    def score(
        workspace: Path, lang: str | None, out_path: Path | None, evidence: bool, votes: Path | None
    ) -> None:
        """Score and class the ideas / noter et classer les idées."""
        from rich.table import Table

        from parcours.i18n import get_lang, t
        from parcours.plan import (
            apply_votes,
            export_csv,
            moscow_check,
            plan_settings,
            read_votes,
            score_ideas,
            sensitivity,
            workspace_ideas,
        )
        from parcours.plan import (
            evidence as measure,
        )

        with open_workspace(workspace, lang) as ws:
            ideas = workspace_ideas(ws)
            if votes is not None:
                ideas = apply_votes(ideas, read_votes(votes))
            settings = plan_settings(ws)
            facts = measure(ws, ideas) if evidence else None
            table = score_ideas(ideas, settings, evidence=facts, lang=get_lang())
            if out_path is not None:
                export_csv(table, out_path, dialect=csv_dialect())
            grid = Table(title=t("plan.score.title"))
            for key in ("idea", "gain", "effort", "class", "evidence"):
                grid.add_column(
                    t(f"plan.col.{key}"), justify="left" if key in ("idea", "class") else "right"
                )
            grid.add_column("RICE", justify="right")
            grid.add_column("ICE", justify="right")
            for row in table.to_dict("records"):
                grid.add_row(
                    f"{row['idea']} — {row['title']}",
                    _num(row["gain"]),
                    _num(row["effort"]),
                    row["class_label"],
                    _num(row["evidence_gain"]),
                    _num(row["rice"], 0),
                    _num(row["ice"], 0),
                )
            out.print(grid)
            moved = sensitivity(ideas, settings, evidence=facts)
            if len(moved):
                out.print(
                    t("plan.score.sensitive", ideas=", ".join(sorted(set(moved["idea"])))),
                    markup=False,
                )
            else:
                out.print(t("plan.score.robust"), markup=False)
            check = moscow_check(ideas)
            if check.warning:
                err.print(check.warning, markup=False)
            if out_path is not None:
                out.print(t("plan.score.written", path=str(out_path)), markup=False)

    @plan.command()
    @workspace_option
    @lang_option
    @click.option("--capacity", "capacities", multiple=True, metavar="TEAM=DAYS",
                  help="Person-days per period of a team (repeat) / capacité d'une équipe.")  # fmt: skip
    @click.option("--period", type=click.Choice(["month", "quarter"]), default=None,
                  help="Period length (default: [plan] period, else month).")  # fmt: skip
    @click.option("--start", type=DATE, default=None, help="First day (default: next month).")
    @click.option("--horizon", type=click.IntRange(1, 240), default=None, help="Periods available.")
    @click.option("--time-limit", type=click.FloatRange(0.1, 3600), default=None,
                  help="Seconds for the exact solver (default: [plan] time_limit, else 10).")  # fmt: skip
    @click.option("--solver", type=click.Choice(["auto", "cp-sat", "greedy"]), default="auto",
                  show_default=True)  # fmt: skip
    @click.option(
        "--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=None
    )
    @click.option("--gantt", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Write the Gantt chart (SVG) / écrire le diagramme de Gantt.")  # fmt: skip
    @click.option("--evidence/--no-evidence", default=True, show_default=True)
    @csv_dialect_option
    @handle_errors
    def roadmap(
        workspace: Path,
        lang: str | None,
        capacities: tuple[str, ...],
        period: str | None,
        start: dt.datetime | None,
        horizon: int | None,
        time_limit: float | None,
        solver: str,
        out_path: Path | None,
        gantt: Path | None,
        evidence: bool,
    ) -> None:
        """Schedule the approved ideas under team capacities / planifier la feuille de route."""
        from rich.table import Table

        from parcours.i18n import date, get_lang, t
        from parcours.plan import (
            evidence as measure,
        )
        from parcours.plan import (
            export_csv,
            gantt_svg,
            plan_settings,
            schedule,
            score_ideas,
            workspace_ideas,
        )

        capacity = _capacities(capacities)
        with open_workspace(workspace, lang) as ws:
            ideas = workspace_ideas(ws)
            settings = plan_settings(ws)
            facts = measure(ws, ideas) if evidence and ideas.ideas else None
            scores = score_ideas(ideas, settings, evidence=facts, lang=get_lang())
            first = start.date() if start else _next_month(dt.date.today())
            result = schedule(
                ideas,
                start=first,
                capacity=capacity,
                period=period,  # type: ignore[arg-type]  # click.Choice checked it
                horizon=horizon,
                time_limit=time_limit,
                settings=settings,
                scores=scores,
                solver=solver,  # type: ignore[arg-type]  # click.Choice checked it
                lang=get_lang(),
            )
            if out_path is not None:
                export_csv(
                    result.plan[["idea", "team", "start", "end", "depends_on"]],
                    out_path,
                    dialect=csv_dialect(),
                )
            if gantt is not None:
                gantt.parent.mkdir(parents=True, exist_ok=True)
                gantt.write_text(gantt_svg(result), encoding="utf-8")
            grid = Table(title=t("plan.gantt.title"))
            for key in ("idea", "team", "start", "end"):
                grid.add_column(t(f"plan.col.{key}"))
            for row in result.plan.to_dict("records"):
                grid.add_row(
                    str(row["idea"]),
                    str(row["team"]),
                    date(dt.date.fromisoformat(row["start"])),
                    date(dt.date.fromisoformat(row["end"])),
                )
            out.print(grid)
            out.print(result.message(), markup=False)
            if len(result.unscheduled):
                left = Table(title=t("plan.roadmap.unscheduled"))
                for key in ("idea", "team", "reason"):
                    left.add_column(t(f"plan.col.{key}"))
                for row in result.unscheduled.to_dict("records"):
                    left.add_row(str(row["idea"]), str(row["team"]), str(row["reason"]))
                out.print(left)
            if out_path is not None:
                out.print(t("plan.roadmap.written", path=str(out_path)), markup=False)

    @plan.command()
    @click.argument("people", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--tables", type=click.IntRange(1, 100), required=True)
    @click.option("--rounds", type=click.IntRange(1, 20), required=True)
    @click.option("--seed", type=int, default=0, show_default=True)
    @click.option(
        "--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=None
    )
    @click.option("--questions", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Text file, one question per round / une question par tour.")  # fmt: skip
    @click.option("--sheets", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Write printable table and participant sheets (HTML).")  # fmt: skip
    @lang_option
    @csv_dialect_option
    @handle_errors
    def worldcafe(
        people: Path,
        tables: int,
        rounds: int,
        seed: int,
        out_path: Path | None,
        questions: Path | None,
        sheets: Path | None,
        lang: str | None,
    ) -> None:
        """Seat a world café: hosts stay, others move / organiser un world café."""
        from rich.table import Table

        from parcours.i18n import set_lang, t
        from parcours.plan import export_csv, world_cafe, worldcafe_sheets

        set_lang(lang or "fr")
        cafe = world_cafe(people, tables=tables, rounds=rounds, seed=seed)
        if out_path is not None:
            export_csv(
                cafe.rotation[["participant", "round", "table", "host"]],
                out_path,
                dialect=csv_dialect(),
            )
        if sheets is not None:
            asked = []
            if questions is not None:
                lines = questions.read_text(encoding="utf-8-sig").splitlines()
                asked = [line.strip() for line in lines if line.strip()]
            sheets.parent.mkdir(parents=True, exist_ok=True)
            sheets.write_text(worldcafe_sheets(cafe, asked), encoding="utf-8")
        for number in range(1, rounds + 1):
            grid = Table(title=f"{t('plan.cafe.round')} {number}")
            grid.add_column(t("plan.cafe.table"), justify="right")
            grid.add_column(t("plan.cafe.host"))
            grid.add_column(t("plan.cafe.guests"))
            here = cafe.rotation[cafe.rotation["round"] == number]
            for table, seated in here.groupby("table"):
                host = ", ".join(seated[seated["host"]]["participant"])
                guests = ", ".join(seated[~seated["host"]]["participant"])
                grid.add_row(str(table), host, guests)
            out.print(grid)
        out.print(cafe.message(), markup=False)
        if out_path is not None:
            out.print(t("plan.cafe.written", path=str(out_path)), markup=False)

    @plan.command()
    @click.argument("people", type=click.Path(dir_okay=False, path_type=Path))
    @click.option(
        "--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=None
    )
    @lang_option
    @csv_dialect_option
    @handle_errors
    def workshop(people: Path, out_path: Path | None, lang: str | None) -> None:
        """Plan creative workshops of 8-10 people / organiser des ateliers créatifs."""
        from parcours.i18n import set_lang, t
        from parcours.plan import creative_workshop, export_csv

        set_lang(lang or "fr")
        plan_ = creative_workshop(people)
        if out_path is not None:
            export_csv(plan_.groups, out_path, dialect=csv_dialect())
        for number, group in plan_.groups.groupby("workshop"):
            names = ", ".join(group["participant"])
            out.print(t("plan.creative.group", number=str(number), people=names), markup=False)
        for minutes, step in plan_.agenda:
            out.print(f"  {minutes:>3} min  {step}", markup=False)

    @plan.command()
    @workspace_option
    @lang_option
    @click.option("--at", type=DATE, default=None, help="Date of the follow-up (default: today).")
    @click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Write the monthly values (CSV) / écrire les valeurs mensuelles.")  # fmt: skip
    @csv_dialect_option
    @handle_errors
    def kpis(
        workspace: Path, lang: str | None, at: dt.datetime | None, out_path: Path | None
    ) -> None:
        """Follow the ideas' KPIs month by month / suivre les indicateurs."""
        from rich.table import Table

        from parcours.i18n import date, t
        from parcours.plan import export_csv, follow_kpis, workspace_ideas

        with open_workspace(workspace, lang) as ws:
            follow = follow_kpis(ws, workspace_ideas(ws), at=at.date() if at else None)
        if not len(follow.summary):
            out.print(t("plan.kpi.none"), markup=False)
            return
        if out_path is not None:
            export_csv(follow.series, out_path, dialect=csv_dialect())
        grid = Table(title=t("plan.kpi.title"))
        for key in ("idea", "kpi", "baseline", "latest", "target", "deadline", "status"):
            grid.add_column(t(f"plan.col.{key}"),
                            justify="right" if key in ("baseline", "latest", "target") else "left")  # fmt: skip
        for row in follow.summary.to_dict("records"):
            latest = _num(row["latest"])
            if row["ci_low"] == row["ci_low"] and latest:
                latest += f" [{_num(row['ci_low'])} ; {_num(row['ci_high'])}] n={row['n']}"
            elif latest:
                latest += f" n={row['n']}"
            grid.add_row(
                str(row["idea"]),
                str(row["label"]),
                _num(row["baseline"]),
                latest,
                _num(row["target"]),
                date(row["deadline"]),
                str(row["status_label"]),
            )
        out.print(grid)

    @plan.command()
    @workspace_option
    @lang_option
    @click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
                  required=True, help="Folder of the sheets / dossier des fiches.")  # fmt: skip
    @click.option("--capacity", "capacities", multiple=True, metavar="TEAM=DAYS")
    @click.option("--start", type=DATE, default=None, help="First day of the road map.")
    @click.option("--kpis/--no-kpis", "with_kpis", default=True, show_default=True,
                  help="Measure the KPI baselines (slower) / mesurer les références.")  # fmt: skip
    @handle_errors
    def sheets(
        workspace: Path,
        lang: str | None,
        out_dir: Path,
        capacities: tuple[str, ...],
        start: dt.datetime | None,
        with_kpis: bool,
    ) -> None:
        """Write one printable sheet per workstream / écrire les fiches chantier."""
        from parcours.i18n import get_lang, t
        from parcours.plan import (
            evidence,
            follow_kpis,
            plan_settings,
            schedule,
            score_ideas,
            workspace_ideas,
            workstream_sheets,
            write_sheets,
        )

        capacity = _capacities(capacities)
        with open_workspace(workspace, lang) as ws:
            ideas = workspace_ideas(ws)
            journey = ws.journey_or_none()
            settings = plan_settings(ws)
            facts = (
                evidence(ws, ideas, journey=journey)
                if journey is not None and ideas.ideas
                else None
            )
            scores = score_ideas(ideas, settings, evidence=facts, lang=get_lang())
            first = start.date() if start else _next_month(dt.date.today())
            roadmap = schedule(ideas, start=first, capacity=capacity, settings=settings,
                               scores=scores, lang=get_lang())  # fmt: skip
            follow = follow_kpis(ws, ideas, journey=journey) if with_kpis else None
            pages = workstream_sheets(ideas, journey=journey, scores=scores, evidence=facts,
                                      roadmap=roadmap, kpis=follow, lang=get_lang())  # fmt: skip
        written = write_sheets(pages, out_dir)
        out.print(t("plan.sheet.written", n=len(written), path=str(out_dir)), markup=False)


def _next_month(day: dt.date) -> dt.date:
    from parcours.plan import period_starts

    return period_starts(day, "month", 1)[1]
