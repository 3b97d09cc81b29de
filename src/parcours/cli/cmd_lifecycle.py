"""`parcours lifecycle`, `rfm`, `clv`, `reactivation`: thin shells over parcours.lifecycle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from parcours.cli._common import (
    DATE,
    csv_dialect,
    csv_dialect_option,
    handle_errors,
    lang_option,
    open_workspace,
    out,
    workspace_option,
)
from parcours.i18n import Lang, date, get_lang, number, percent, t

__all__ = ["register"]


def _thresholds(relative: bool, contract: bool | None, days: tuple[float, ...] | None) -> Any:
    from parcours.lifecycle import Thresholds

    if not relative and contract is None and not days:
        return None  # the workspace decides whether it is contractual
    kwargs: dict[str, Any] = {"relative": relative, "contract": bool(contract)}
    if days:
        kwargs.update(active_days=days[0], at_risk_days=days[1], inactive_days=days[2])
    return Thresholds(**kwargs)


def _write(frame: Any, path: Path | None) -> None:
    if path is None:
        return
    from parcours.lifecycle import export_targets

    export_targets(frame, path, dialect=csv_dialect())
    out.print(t("lifecycle.written", n=len(frame), path=str(path)), markup=False)


def _table(
    title: str, headers: list[str], rows: list[list[str]], left: tuple[int, ...] = (0,)
) -> Any:
    from rich.table import Table

    grid = Table(title=title)
    for i, header in enumerate(headers):
        grid.add_column(header, justify="left" if i in left else "right", overflow="fold")
    for row in rows:
        grid.add_row(*row)
    return grid


@click.command("lifecycle")
@click.option("--at", type=DATE, default=None, help="Date of the states (default: last event).")
@click.option(
    "--since",
    "start",
    type=DATE,
    default=None,
    help="Start of the flows (default: a year before).",
)
@click.option(
    "--freq",
    type=click.Choice(["M", "Q", "Y"]),
    default="Q",
    show_default=True,
    help="Churn period.",
)
@click.option("--relative", is_flag=True, help="Thresholds relative to each customer's rhythm.")
@click.option(
    "--contract/--no-contract",
    default=None,
    help="Lost only by cancellation (default: when cancellations exist).",
)
@click.option(
    "--days",
    nargs=3,
    type=float,
    default=None,
    help="Active, at-risk, inactive thresholds in days.",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write each customer's state (.csv or .parquet).",
)
@csv_dialect_option
@workspace_option
@lang_option
@handle_errors
def lifecycle_command(
    at: Any,
    start: Any,
    freq: str,
    relative: bool,
    contract: bool | None,
    days: tuple[float, ...] | None,
    out_path: Path | None,
    workspace: Path,
    lang: str | None,
) -> None:
    """Lifecycle states, flows and churn rate / états du cycle de vie, flux et attrition."""
    from parcours.lifecycle import STATES, workspace_lifecycle

    with open_workspace(workspace, lang) as ws:
        language = get_lang()
        view = workspace_lifecycle(
            ws, at, start, _thresholds(relative, contract, days), freq, lang=language
        )
    counts = view.states["state"].value_counts()
    total = max(int(counts.sum()), 1)
    rows = [
        [
            t(f"lifecycle.state.{s}", language),
            number(int(counts.get(s, 0))),
            percent(counts.get(s, 0) / total),
        ]
        for s in STATES
    ]
    title = t("lifecycle.title.states", language) + f" — {date(view.at, language)}"
    headers = [t(f"lifecycle.col.{k}", language) for k in ("state", "customers", "share")]
    out.print(_table(title, headers, rows))
    out.print(view.thresholds.describe(language), markup=False)
    matrix = view.matrix
    labels = [t(f"lifecycle.state.{s}", language) for s in matrix.columns]
    flow_rows = [
        [t(f"lifecycle.state.{s}", language), *[number(int(v)) for v in matrix.loc[s]]]
        for s in matrix.index
    ]
    flows = t(
        "lifecycle.title.flows",
        language,
        start=date(view.start, language),
        end=date(view.at, language),
    )
    out.print(_table(flows, [t("lifecycle.from_to", language), *labels], flow_rows))
    churn = view.churn
    churn_rows = [
        [
            f"{date(r.period_start, language)} – {date(r.period_end, language)}",
            number(int(r.customers_at_start)),
            number(int(r.lost)),
            "" if r.rate != r.rate else percent(float(r.rate)),
        ]
        for r in churn.itertuples(index=False)
    ]
    headers = [t(f"lifecycle.col.{k}", language) for k in ("period", "at_start", "lost", "rate")]
    out.print(_table(t("lifecycle.title.churn", language), headers, churn_rows))
    if len(churn):
        out.print(churn["definition"].iloc[0], markup=False)
    _write(view.states, out_path)


@click.command("rfm")
@click.option("--at", type=DATE, default=None, help="Reference date (default: last transaction).")
@click.option(
    "--ties", type=click.Choice(["balanced", "together"]), default="balanced", show_default=True
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write each customer's scores (.csv or .parquet).",
)
@csv_dialect_option
@workspace_option
@lang_option
@handle_errors
def rfm_command(
    at: Any, ties: str, out_path: Path | None, workspace: Path, lang: str | None
) -> None:
    """RFM scores and segments with their revenue share / segments RFM et part du CA."""
    from parcours.lifecycle import rfm, rfm_segments

    with open_workspace(workspace, lang) as ws:
        language = get_lang()
        scores = rfm(ws.table("transactions"), at=at, ties=ties, lang=language)
    table = rfm_segments(scores, lang=language)
    headers = [
        t(f"lifecycle.col.{k}", language)
        for k in ("segment", "customers", "share", "revenue", "revenue_share")
    ]
    rows = [
        [
            str(r.label),
            number(int(r.customers)),
            percent(float(r.customer_share)),
            number(float(r.revenue), decimals=0),
            percent(float(r.revenue_share)),
        ]
        for r in table.itertuples(index=False)
    ]
    out.print(_table(t("lifecycle.title.rfm", language), headers, rows))
    _write(scores, out_path)


@click.command("clv")
@click.option(
    "--model",
    type=click.Choice(["auto", "sbg", "bgnbd", "mbgnbd", "pareto"]),
    default="auto",
    show_default=True,
    help="auto: sBG when the workspace records cancellations, else modified BG/NBD.",
)
@click.option("--months", default=12, show_default=True, help="Horizon in months (BTYD models).")
@click.option("--discount", default=0.01, show_default=True, help="Monthly discount rate.")
@click.option(
    "--freq",
    type=click.Choice(["D", "W", "M"]),
    default="W",
    show_default=True,
    help="Time unit of the BTYD models.",
)
@click.option(
    "--at", type=DATE, default=None, help="End of observation (default: last transaction)."
)
@click.option("--top", default=10, show_default=True, help="Customers to show.")
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write each customer's CLV (.csv or .parquet).",
)
@csv_dialect_option
@workspace_option
@lang_option
@handle_errors
def clv_command(
    model: str,
    months: int,
    discount: float,
    freq: str,
    at: Any,
    top: int,
    out_path: Path | None,
    workspace: Path,
    lang: str | None,
) -> None:
    """Customer lifetime value: sBG for subscriptions, BTYD otherwise / valeur client (CLV)."""
    from parcours.lifecycle import choose_clv_model, clv, workspace_events

    with open_workspace(workspace, lang) as ws:
        language = get_lang()
        why = t("lifecycle.clv.why_option", language)
        events = None
        if model in ("auto", "sbg"):
            events, contract = workspace_events(ws)
            if model == "auto":
                model, why = choose_clv_model(contract, language)
        out.print(t("lifecycle.clv.model", language, model=model, why=why), markup=False)
        if model == "sbg":
            _contractual(events, at, discount, top, out_path, language)
            return
        result = clv(
            ws.table("transactions"),
            model=model,
            months=months,
            discount_rate=discount,
            freq=freq,
            observation_period_end=at,
            lang=language,
        )
    params = {**result.params, **result.spend_params}
    table = result.table
    _check_finite(model, params, table["clv"], language)
    rows = [[name, number(value, decimals=4)] for name, value in params.items()]
    headers = [t("lifecycle.col.param", language), t("lifecycle.col.value", language)]
    out.print(
        _table(t("lifecycle.title.clv", language, months=months) + f" — {model}", headers, rows)
    )
    if result.quirk:
        out.print(f"[bold yellow]{result.quirk}[/]")
    out.print(
        t(
            "lifecycle.clv.summary",
            language,
            n=number(len(table)),
            total=number(float(table["clv"].sum()), decimals=0),
            mean=number(float(table["clv"].mean()), decimals=2),
            rate=percent(discount, decimals=1),
        ),
        markup=False,
    )
    cols = ["customer_id", "frequency", "p_alive", "expected_purchases", "expected_spend", "clv"]
    best = [
        [
            str(r.customer_id),
            number(float(r.frequency)),
            number(float(r.p_alive), decimals=2),
            number(float(r.expected_purchases), decimals=2),
            number(float(r.expected_spend), decimals=2),
            number(float(r.clv), decimals=2),
        ]
        for r in table.head(top).itertuples(index=False)
    ]
    out.print(_table("", cols, best))
    _write_clv(table, out_path)


def _check_finite(model: str, params: dict[str, float], values: Any, language: str) -> None:
    """Raise LifecycleError, saying what is not a number, when the fit degenerated."""
    import numpy as np

    from parcours.lifecycle import LifecycleError

    bad = [name for name, value in params.items() if not np.isfinite(value)]
    if bad:
        what = t("lifecycle.clv.what_params", language, names=", ".join(bad))
    else:
        count = int((~np.isfinite(values.to_numpy(dtype=float))).sum())
        if not count:
            return
        what = t("lifecycle.clv.what_values", language, n=number(count))
    raise LifecycleError(t("lifecycle.clv.unusable", language, model=model, what=what))


def _contractual(
    events: Any, at: Any, discount: float, top: int, out_path: Path | None, language: Lang
) -> None:
    """Print (and write) the sBG fit and each active subscriber's residual CLV."""
    from parcours.lifecycle import contractual_clv

    when = at if at is not None else events.ts.max().execute()
    result = contractual_clv(events, when, period="month", discount_rate=discount)
    table: Any = result.table
    _check_finite("sbg", result.params, table["clv"], language)
    rows = [[name, number(value, decimals=4)] for name, value in result.params.items()]
    headers = [t("lifecycle.col.param", language), t("lifecycle.col.value", language)]
    title = t("lifecycle.title.clv_sbg", language, at=date(result.at, language))
    out.print(_table(f"{title} — sbg", headers, rows))
    summary = t(
        "lifecycle.clv.sbg_summary",
        language,
        n=number(len(table)),
        customers=number(result.customers),
        churned=number(result.churned),
        total=number(float(table["clv"].sum()), decimals=0),
        mean=number(float(table["clv"].mean()), decimals=2) if len(table) else "—",
        rate=percent(discount, decimals=1),
    )
    out.print(summary, markup=False)
    cols = ["customer_id", "start", "periods", "margin", "derl", "clv"]
    best = [
        [
            str(r.customer_id),
            date(r.start, language),
            number(int(r.periods)),
            number(float(r.margin), decimals=2),
            number(float(r.derl), decimals=2),
            number(float(r.clv), decimals=2),
        ]
        for r in table.head(top).itertuples(index=False)
    ]
    out.print(_table("", cols, best))
    _write_clv(table, out_path)


def _write_clv(table: Any, path: Path | None) -> None:
    if path is None:
        return
    if path.suffix.lower() == ".parquet":
        path.parent.mkdir(parents=True, exist_ok=True)
        table.to_parquet(path, index=False)
    else:
        from parcours.export import write_csv

        write_csv(table, path, dialect=csv_dialect())
    out.print(t("lifecycle.clv.written", n=len(table), path=str(path)), markup=False)


@click.command("reactivation")
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="targets.csv or targets.parquet for the campaign.",
)
@click.option("--at", type=DATE, default=None, help="Date of the selection (default: last event).")
@click.option(
    "--min-value-quantile",
    default=0.5,
    show_default=True,
    help="Past value at least this quantile.",
)
@click.option(
    "--control",
    "control_share",
    default=0.0,
    show_default=True,
    help="Share kept as an untargeted control group.",
)
@click.option("--seed", default=0, show_default=True)
@click.option(
    "--track",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Targets file of a past campaign: measure who came back.",
)
@click.option("--since", type=DATE, default=None, help="Campaign date for --track.")
@click.option("--top", default=15, show_default=True, help="Targets to show.")
@csv_dialect_option
@workspace_option
@lang_option
@handle_errors
def reactivation_command(
    out_path: Path | None,
    at: Any,
    min_value_quantile: float,
    control_share: float,
    seed: int,
    track: Path | None,
    since: Any,
    top: int,
    workspace: Path,
    lang: str | None,
) -> None:
    """Reactivation targets with their reason, or the rate of a past campaign / cibles de
    réactivation avec leur raison, ou le taux de retour d'une campagne passée."""
    from parcours.ingest import read_table
    from parcours.lifecycle import (
        LifecycleError,
        reactivation_rate,
        workspace_events,
        workspace_targets,
    )

    with open_workspace(workspace, lang) as ws:
        language = get_lang()
        if track is not None:
            if since is None:
                raise LifecycleError("expected --since (the campaign date) with --track")
            targets = read_table(track, text_columns=("customer_id",))
            events, _ = workspace_events(ws)
            rate = reactivation_rate(targets, events, since).set_index("group")
            target = rate.loc["target"]
            control = rate.loc["control"]
            out.print(
                t(
                    "lifecycle.reactivation.rate",
                    language,
                    rate=percent(float(target["rate"])),
                    low=percent(float(target["low"])),
                    high=percent(float(target["high"])),
                    control=percent(float(control["rate"])) if control["customers"] else "—",
                ),
                markup=False,
            )
            return
        targets = workspace_targets(
            ws,
            at,
            min_value_quantile=min_value_quantile,
            control_share=control_share,
            seed=seed,
            lang=language,
        )
    rows = [
        [str(r.customer_id), str(r.state_label), number(float(r.value), decimals=0), str(r.reason)]
        for r in targets.head(top).itertuples(index=False)
    ]
    headers = [
        "customer_id",
        t("lifecycle.col.state", language),
        t("lifecycle.col.value", language),
        t("lifecycle.col.reason", language),
    ]
    title = t("lifecycle.title.reactivation", language) + f" ({len(targets)})"
    out.print(_table(title, headers, rows, left=(0, 1, 3)))
    if control_share:
        out.print(t("lifecycle.control", language, n=int((targets["group"] == "control").sum())))
    _write(targets, out_path)


def register(group: click.Group) -> None:
    group.add_command(lifecycle_command)
    group.add_command(rfm_command)
    group.add_command(clv_command)
    group.add_command(reactivation_command)
