"""`parcours analytics ...`: the quantification of journeys from the command line.

Every command reads the workspace's interactions (or an event log given with ``--events``, a CSV
or Parquet file whose columns ``--customer/--ts/--touchpoint`` name), prints the result and
writes it as CSV with ``--csv FILE``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

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

F = TypeVar("F", bound=Callable[..., Any])


def _events_options(func: F) -> F:
    for option in reversed(
        [
            click.option(
                "--events",
                "events_file",
                type=click.Path(dir_okay=False, exists=True, path_type=Path),
                default=None,
                help="Event log (CSV, Parquet or XES) instead of the workspace's interactions / "
                "journal d'événements au lieu des interactions de l'espace.",
            ),
            click.option(
                "--customer",
                default="customer_id",
                show_default=True,
                help="Customer (case) column / colonne client.",
            ),
            click.option(
                "--ts",
                default="ts",
                show_default=True,
                help="Timestamp column / colonne date-heure.",
            ),
            click.option(
                "--touchpoint",
                default="touchpoint",
                show_default=True,
                help="Touchpoint (activity) column / colonne point de contact.",
            ),
            click.option(
                "--csv",
                "csv_file",
                type=click.Path(dir_okay=False, path_type=Path),
                default=None,
                help="Write the result as CSV / écrire le résultat en CSV.",
            ),
            csv_dialect_option,
        ]
    ):
        func = option(func)
    return func


class _Context:
    """The events (and the workspace when there is one) a command works on."""

    def __init__(self, workspace: Path, lang: str | None, events_file: Path | None) -> None:
        from parcours.i18n import set_lang

        self.ws: Any = None
        if events_file is None:
            self.ws = open_workspace(workspace, lang)
            self.events: Any = self.ws.table("interactions")
        else:
            set_lang(lang or "fr")
            self.events = _read(events_file)

    def journey(self) -> Any:
        if self.ws is None:
            from parcours.analytics import AnalyticsError

            raise AnalyticsError(
                "expected a workspace with a journey map for this command, found an --events file "
                "only (pass --workspace)"
            )
        return self.ws.journey()

    def __enter__(self) -> _Context:
        from parcours.i18n import get_lang
        from parcours.model import text

        journey = self.ws.journey_or_none() if self.ws is not None else None
        if journey is not None:  # tables then name stages in the customer's words, as the map
            _LABELS.update({s.id: text(s.label, get_lang()) for s in journey.stages})
        return self

    def __exit__(self, *exc: object) -> None:
        _LABELS.clear()
        if self.ws is not None:
            self.ws.close()


_LABELS: dict[str, str] = {}  # stage id -> its label, while a workspace's journey is open
_STAGE_COLUMNS = ("stage", "from_stage", "to_stage", "next_stage", "dropped_stage")


def _readable(frame: Any) -> Any:
    """The table as a reader reads it: stage labels for stage ids, durations for seconds."""
    from parcours.i18n import duration

    shown = frame.copy()
    for column in list(shown.columns):
        name = str(column)
        if name in _STAGE_COLUMNS and _LABELS:
            shown[column] = [_LABELS.get(str(v), v) for v in shown[column]]
        elif name.endswith("_seconds"):
            shown[column] = [duration(float(v)) if v is not None else "—" for v in shown[column]]
            shown = shown.rename(columns={column: name.replace("_seconds", "")})
    return shown


def _read(path: Path) -> Any:
    if path.name.lower().endswith((".xes", ".xes.gz")):
        from parcours.analytics import read_xes

        return read_xes(path)
    from parcours.ingest import read_table

    return read_table(path)


def _show(result: Any, csv_file: Path | None, limit: int = 40) -> None:
    from rich.table import Table

    import parcours.analytics  # noqa: F401  # its words (registered on import)
    from parcours.i18n import t

    frame = result.to_pandas() if hasattr(result, "to_pandas") else result
    if csv_file is not None:
        from parcours.export import write_csv

        write_csv(frame, csv_file, dialect=csv_dialect())
        out.print(t("analytics.cli.saved", path=str(csv_file), rows=len(frame)), markup=False)
        return
    if not len(frame):
        out.print(t("analytics.cli.empty"), markup=False)
        return
    table = Table()
    shown = _readable(frame.head(limit))
    for column in shown.columns:
        table.add_column(str(column))
    for row in shown.itertuples(index=False):
        table.add_row(*[_cell(v) for v in row])
    out.print(table)
    if len(frame) > limit:
        err.print(f"… {len(frame) - limit} more / de plus (--csv)", markup=False)


def _step(spec: str) -> Any:
    """A touchpoint, or ``column=value[,value...]`` as a step mapping (``stage=subscribe``)."""
    column, sep, values = spec.partition("=")
    if not sep:
        return spec
    if not column.strip() or not values.strip():
        from parcours.analytics import AnalyticsError

        raise AnalyticsError(
            f"expected a touchpoint or COLUMN=VALUE (stage=subscribe), found {spec!r}"
        )
    chosen = [v.strip() for v in values.split(",") if v.strip()]
    return {column.strip(): chosen, "name": spec}


def _cell(value: Any) -> str:
    from parcours.i18n import number

    if isinstance(value, float):
        if value != value:
            return "—"
        return number(value, None, 0 if value.is_integer() or abs(value) >= 100 else 2)
    if isinstance(value, int) and not isinstance(value, bool):
        return number(value)
    return "" if value is None else str(value)


def register(group: click.Group) -> None:
    @group.group("analytics")
    def analytics() -> None:
        """Quantify journeys / quantifier les parcours (matrix, funnel, paths, dfg, attribution...)."""

    @analytics.command("matrix")
    @workspace_option
    @lang_option
    @_events_options
    @click.option(
        "--period",
        type=click.Choice(["day", "week", "month", "quarter", "year"]),
        default=None,
        help="Per period, with the previous one / par période, avec la précédente.",
    )
    @click.option(
        "--what",
        type=click.Choice(["cells", "preferred", "missing", "undefined"]),
        default="cells",
        show_default=True,
        help="Cells, preferred channel per stage, never-observed touchpoints, undefined event codes / cellules, canal préféré, points de contact jamais observés, codes non définis.",
    )
    @handle_errors
    def matrix_cmd(
        workspace: Path,
        lang: str | None,
        events_file: Path | None,
        customer: str,
        ts: str,
        touchpoint: str,
        csv_file: Path | None,
        period: str | None,
        what: str,
    ) -> None:
        """Stage x channel matrix / matrice étapes x canaux."""
        from parcours import analytics as a

        with _Context(workspace, lang, events_file) as ctx:
            if what == "cells":
                result = a.matrix(ctx.events, period=period)
            elif what == "preferred":
                result = a.preferred_channels(ctx.events)
            elif what == "missing":
                result = a.missing_touchpoints(ctx.events, ctx.journey())
            else:
                result = a.undefined_event_codes(ctx.events)
            _show(result, csv_file)

    @analytics.command("funnel")
    @click.argument("steps", nargs=-1, required=True)
    @workspace_option
    @lang_option
    @_events_options
    @click.option(
        "--window",
        default="14d",
        show_default=True,
        help="Conversion window (14d, 2h...) / fenêtre de conversion.",
    )
    @click.option(
        "--mode",
        type=click.Choice(["ordered", "strict", "unordered"]),
        default="ordered",
        show_default=True,
    )
    @click.option(
        "--stages",
        is_flag=True,
        help="Steps are stages of the journey map / les étapes sont des étapes de la carte.",
    )
    @click.option(
        "--exclude",
        multiple=True,
        help="Exclusion touchpoint (repeatable) / point de contact d'exclusion.",
    )
    @click.option(
        "--breakdown",
        default=None,
        help="Column to split by (channel, persona...) / colonne de ventilation.",
    )
    @click.option(
        "--dropped",
        "dropped_file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Write the dropped customers (target list) as CSV / écrire les clients perdus (liste de ciblage).",
    )
    @handle_errors
    def funnel_cmd(
        steps: tuple[str, ...],
        workspace: Path,
        lang: str | None,
        events_file: Path | None,
        customer: str,
        ts: str,
        touchpoint: str,
        csv_file: Path | None,
        window: str,
        mode: str,
        stages: bool,
        exclude: tuple[str, ...],
        breakdown: str | None,
        dropped_file: Path | None,
    ) -> None:
        """Conversion funnel (PostHog semantics) / entonnoir de conversion.

        STEPS are touchpoints (or stages with --stages), at least two.
        """
        from parcours import analytics as a

        with _Context(workspace, lang, events_file) as ctx:
            spec: list[Any] = [{"stage": s, "name": s} for s in steps] if stages else list(steps)
            result = a.funnel(
                ctx.events,
                spec,
                window=window,
                mode=mode,  # type: ignore[arg-type]  # click.Choice checked it
                exclusions=list(exclude),
                breakdown=breakdown,
                customers=ctx.ws.customers() if ctx.ws is not None else None,
                customer=customer,
                ts=ts,
                touchpoint=touchpoint,
            )
            _show(result.steps, csv_file)
            if dropped_file is not None:
                _show(result.dropped(), dropped_file)

    @analytics.command("retention")
    @click.argument("start")
    @click.argument("returning")
    @workspace_option
    @lang_option
    @click.option(
        "--period", type=click.Choice(["day", "week", "month"]), default="week", show_default=True
    )
    @click.option(
        "--intervals",
        type=click.IntRange(1, 1000),
        default=11,
        show_default=True,
        help="Periods followed, the cohort's own included / périodes suivies.",
    )
    @click.option(
        "--mode",
        type=click.Choice(["recurring", "first_time"]),
        default="recurring",
        show_default=True,
        help="Cohort of every START or only of the first one / cohorte de chaque START ou du premier.",
    )
    @click.option(
        "--week-start", type=click.Choice(["monday", "sunday"]), default="monday", show_default=True
    )
    @click.option("--from", "date_from", type=DATE, default=None, help="First cohort's date.")
    @click.option(
        "--to", "date_to", type=DATE, default=None, help="Last date (default: last event)."
    )
    @click.option(
        "--breakdown",
        default=None,
        help="Column to split by (channel, persona...) / colonne de ventilation.",
    )
    @click.option(
        "--shares",
        is_flag=True,
        help="Cohort x interval shares of the cohort's size / parts de la taille de la cohorte.",
    )
    @click.option(
        "--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), default=None
    )
    @csv_dialect_option
    @handle_errors
    def retention_cmd(
        start: str,
        returning: str,
        workspace: Path,
        lang: str | None,
        period: str,
        intervals: int,
        mode: str,
        week_start: str,
        date_from: Any,
        date_to: Any,
        breakdown: str | None,
        shares: bool,
        csv_file: Path | None,
    ) -> None:
        """Retention cohorts (PostHog semantics) / cohortes de rétention.

        START and RETURNING are a touchpoint, or COLUMN=VALUE (stage=subscribe, channel=web,
        direction=pull; several values: stage=a,b).
        """
        from parcours import analytics as a

        with _Context(workspace, lang, None) as ctx:
            events = ctx.events
            if breakdown is not None and breakdown not in events.columns:
                people = ctx.ws.customers()
                if breakdown in people.columns:  # a customer column: persona, segment...
                    people = people.select("customer_id", people[breakdown])
                    events = events.left_join(people, "customer_id").drop("customer_id_right")
            table = a.retention(
                events,
                _step(start),
                _step(returning),
                period=period,  # type: ignore[arg-type]  # click.Choice checked it
                intervals=intervals,
                mode=mode,  # type: ignore[arg-type]  # click.Choice checked it
                date_from=date_from,
                date_to=date_to,
                week_start=week_start,  # type: ignore[arg-type]  # click.Choice checked it
                breakdown=breakdown,
            )
            _show(a.retention_shares(table, breakdown) if shares else table, csv_file)

    @analytics.command("paths")
    @workspace_option
    @lang_option
    @_events_options
    @click.option(
        "--steps",
        default=5,
        show_default=True,
        help="Touchpoints per path / points de contact par chemin.",
    )
    @click.option("--top", default=20, show_default=True)
    @click.option(
        "--gap",
        default="30min",
        show_default=True,
        help="Inactivity that splits sessions ('none': whole history) / inactivité qui coupe les sessions.",
    )
    @click.option(
        "--from",
        "start",
        default=None,
        help="Paths from this touchpoint / chemins depuis ce point de contact.",
    )
    @click.option(
        "--to",
        "end",
        default=None,
        help="Paths leading to this touchpoint / chemins menant à ce point de contact.",
    )
    @click.option("--sankey", is_flag=True, help="Sankey links instead of paths / liens de Sankey.")
    @click.option(
        "--collapse", is_flag=True, help="Merge repeats in a row / fusionner les répétitions."
    )
    @handle_errors
    def paths_cmd(
        workspace: Path,
        lang: str | None,
        events_file: Path | None,
        customer: str,
        ts: str,
        touchpoint: str,
        csv_file: Path | None,
        steps: int,
        top: int,
        gap: str,
        start: str | None,
        end: str | None,
        sankey: bool,
        collapse: bool,
    ) -> None:
        """Most frequent paths / chemins les plus fréquents."""
        from parcours import analytics as a

        gap_value = None if gap.lower() in ("none", "aucun") else gap
        with _Context(workspace, lang, events_file) as ctx:
            if sankey:
                result = a.sankey_edges(
                    ctx.events,
                    steps,
                    gap_value,
                    start=start,
                    end=end,
                    collapse=collapse,
                    customer=customer,
                    ts=ts,
                    touchpoint=touchpoint,
                )
            else:
                result = a.paths(
                    ctx.events,
                    steps,
                    top,
                    gap_value,
                    start=start,
                    end=end,
                    collapse=collapse,
                    customer=customer,
                    ts=ts,
                    touchpoint=touchpoint,
                )
            _show(result, csv_file)

    @analytics.command("dfg")
    @workspace_option
    @lang_option
    @_events_options
    @click.option(
        "--variants",
        is_flag=True,
        help="Variants instead of the graph / variantes au lieu du graphe.",
    )
    @handle_errors
    def dfg_cmd(
        workspace: Path,
        lang: str | None,
        events_file: Path | None,
        customer: str,
        ts: str,
        touchpoint: str,
        csv_file: Path | None,
        variants: bool,
    ) -> None:
        """Directly-follows graph or variants / graphe des successions directes ou variantes."""
        from parcours import analytics as a

        with _Context(workspace, lang, events_file) as ctx:
            build = a.variants if variants else a.dfg
            _show(build(ctx.events, customer=customer, ts=ts, touchpoint=touchpoint), csv_file)

    @analytics.command("attribution")
    @workspace_option
    @lang_option
    @_events_options
    @click.option(
        "--paths",
        "paths_file",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        default=None,
        help="Aggregated paths (path;total_conversions;...) / chemins agrégés.",
    )
    @click.option(
        "--conversion",
        default=None,
        help="Touchpoint that is the conversion (raw events) / point de contact de conversion.",
    )
    @click.option(
        "--stage",
        "is_stage",
        is_flag=True,
        help="The conversion is a stage (its events) / la conversion est une étape.",
    )
    @click.option(
        "--model",
        type=click.Choice(["markov", "first", "last", "linear", "position", "time_decay"]),
        default="markov",
        show_default=True,
    )
    @click.option(
        "--order", default=1, show_default=True, help="Markov order / ordre de la chaîne."
    )
    @click.option(
        "--converting-only",
        is_flag=True,
        help="Leave out non-converting paths / sans les chemins sans conversion.",
    )
    @handle_errors
    def attribution_cmd(
        workspace: Path,
        lang: str | None,
        events_file: Path | None,
        customer: str,
        ts: str,
        touchpoint: str,
        csv_file: Path | None,
        paths_file: Path | None,
        conversion: str | None,
        is_stage: bool,
        model: str,
        order: int,
        converting_only: bool,
    ) -> None:
        """Touchpoint impact (attribution) / impact des points de contact."""
        from parcours import analytics as a
        from parcours.i18n import set_lang

        if paths_file is not None:
            set_lang(lang or "fr")
            result = a.attribution(
                _read(paths_file),
                model=model,  # type: ignore[arg-type]  # click.Choice checked it
                order=order,
                include_non_converting=not converting_only,
            )
            _show(result, csv_file)
            return
        if conversion is None:
            raise click.UsageError(
                "expected --paths FILE or --conversion TOUCHPOINT / attendu --paths ou --conversion"
            )
        with _Context(workspace, lang, events_file) as ctx:
            result = a.attribution(
                ctx.events,
                model=model,  # type: ignore[arg-type]  # click.Choice checked it
                order=order,
                include_non_converting=not converting_only,
                conversions={"stage": conversion} if is_stage else conversion,
                customer=customer,
                ts=ts,
                touchpoint=touchpoint,
            )
            _show(result, csv_file)

    @analytics.command("winning")
    @click.argument("outcome")
    @workspace_option
    @lang_option
    @_events_options
    @click.option(
        "--stage", "is_stage", is_flag=True, help="OUTCOME is a stage / OUTCOME est une étape."
    )
    @click.option("--min-support", default=30, show_default=True)
    @handle_errors
    def winning_cmd(
        outcome: str,
        workspace: Path,
        lang: str | None,
        events_file: Path | None,
        customer: str,
        ts: str,
        touchpoint: str,
        csv_file: Path | None,
        is_stage: bool,
        min_support: int,
    ) -> None:
        """Winning journeys towards an outcome / parcours gagnants vers un résultat."""
        from parcours import analytics as a

        with _Context(workspace, lang, events_file) as ctx:
            target: Any = {"stage": outcome} if is_stage else outcome
            _show(
                a.winning_journeys(
                    ctx.events,
                    target,
                    min_support=min_support,
                    customer=customer,
                    ts=ts,
                    touchpoint=touchpoint,
                ),
                csv_file,
            )

    @analytics.command("redundancies")
    @workspace_option
    @lang_option
    @_events_options
    @click.option("--gap", default="10min", show_default=True)
    @handle_errors
    def redundancies_cmd(
        workspace: Path,
        lang: str | None,
        events_file: Path | None,
        customer: str,
        ts: str,
        touchpoint: str,
        csv_file: Path | None,
        gap: str,
    ) -> None:
        """Redundant push messages / messages sortants redondants."""
        from parcours import analytics as a

        with _Context(workspace, lang, events_file) as ctx:
            _show(
                a.redundancies(ctx.events, gap, customer=customer, ts=ts, touchpoint=touchpoint),
                csv_file,
            )

    @analytics.command("ruptures")
    @workspace_option
    @lang_option
    @_events_options
    @click.option(
        "--within",
        default=None,
        help="Maximum delay (default 30d with --map, 1h otherwise) / délai maximal "
        "(30d par défaut avec --map, 1h sinon).",
    )
    @click.option(
        "--map",
        "from_map",
        is_flag=True,
        help="Count the ruptures of the journey map / compter les ruptures de la carte.",
    )
    @handle_errors
    def ruptures_cmd(
        workspace: Path,
        lang: str | None,
        events_file: Path | None,
        customer: str,
        ts: str,
        touchpoint: str,
        csv_file: Path | None,
        within: str | None,
        from_map: bool,
    ) -> None:
        """Ruptures between channels / ruptures entre canaux."""
        from parcours import analytics as a

        with _Context(workspace, lang, events_file) as ctx:
            pairs = ctx.journey() if from_map else None
            _show(
                a.ruptures(
                    ctx.events, pairs, within, customer=customer, ts=ts, touchpoint=touchpoint
                ),
                csv_file,
            )

    @analytics.command("blocking")
    @workspace_option
    @lang_option
    @click.option(
        "--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), default=None
    )
    @csv_dialect_option
    @handle_errors
    def blocking_cmd(workspace: Path, lang: str | None, csv_file: Path | None) -> None:
        """Blocking points by lost customers / points de blocage par clients perdus."""
        from parcours import analytics as a

        with _Context(workspace, lang, None) as ctx:
            _show(a.blocking_points(ctx.events, ctx.journey()), csv_file)

    @analytics.command("timing")
    @workspace_option
    @lang_option
    @click.option(
        "--by",
        default=None,
        help="channel, or a column of the interactions or customers (persona) / canal ou colonne.",
    )
    @click.option(
        "--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), default=None
    )
    @csv_dialect_option
    @handle_errors
    def timing_cmd(
        workspace: Path, lang: str | None, by: str | None, csv_file: Path | None
    ) -> None:
        """Time between stages / temps entre les étapes."""
        from parcours import analytics as a

        with _Context(workspace, lang, None) as ctx:
            people = ctx.ws.customers()
            _show(a.timing(ctx.events, ctx.journey(), by=by, customers=people), csv_file)
