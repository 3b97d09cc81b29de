"""`parcours voc ...`: thin shells over parcours.voc (survey metrics, verbatims, scoring, Kano)."""

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

__all__ = ["register"]


def _fmt(value: Any, lang: str) -> str:
    import math

    from parcours.i18n import number, t

    if value is None:
        return ""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return t("voc.yes" if value else "voc.no", lang)
    if isinstance(value, float | int) or type(value).__name__.startswith(("float", "int")):
        number_value = float(value)
        if math.isnan(number_value):
            return ""
        return number(number_value, lang, 0 if number_value.is_integer() else 2)  # type: ignore[arg-type]
    if isinstance(value, list | tuple):
        return " / ".join(str(v) for v in value)
    return str(value)


_VALUE_KEYS = {"theme": "theme", "kind": "kind", "label": "kind", "verdict": "verdict"}


def _show(frame: Any, title: str, lang: str, out_path: Path | None, limit: int = 40) -> None:
    """Print a frame as a table with translated headers; write it as CSV when asked."""
    from rich.table import Table

    from parcours.i18n import CATALOG, t

    grid = Table(title=title)
    columns = [str(c) for c in frame.columns]
    for column in columns:
        key = f"voc.col.{column}"
        grid.add_column(t(key, lang) if key in CATALOG else column, overflow="fold")
    for row in frame.head(limit).itertuples(index=False, name=None):
        cells = []
        for column, value in zip(columns, row, strict=True):
            key = f"voc.{_VALUE_KEYS.get(column, '')}.{value}"
            cells.append(t(key, lang) if key in CATALOG else _fmt(value, lang))
        grid.add_row(*cells)
    if frame.empty:
        out.print(t("voc.empty", lang))
    else:
        out.print(grid)
    _write(frame, out_path, lang)


def _write(frame: Any, out_path: Path | None, lang: str) -> None:
    """Write a frame as CSV (its folder created) and say so; nothing when no path was asked."""
    from parcours.i18n import t

    if out_path is None:
        return
    from parcours.export import write_csv

    write_csv(frame, out_path, dialect=csv_dialect())
    out.print(t("voc.written", lang, n=len(frame), path=str(out_path)), markup=False)


def _period(start: Any, end: Any) -> tuple[Any, Any] | None:
    if start is None and end is None:
        return None
    return (start.date() if start else None, end.date() if end else None)


def _scope(func: Any) -> Any:
    for option in reversed(
        [
            click.option(
                "--journey", "-j", default=None, help="Journey id (default: the only one)."
            ),
            click.option("--persona", default=None, help="Only customers of this persona."),
            click.option("--from", "start", type=DATE, default=None, help="Start date, included."),
            click.option("--to", "end", type=DATE, default=None, help="End date, included."),
            click.option(
                "--out", "out_path", type=click.Path(path_type=Path), default=None, help="CSV file."
            ),
            csv_dialect_option,
        ]
    ):
        func = option(func)
    return func


def _metric_command(metric: str) -> Any:
    @click.command(metric)
    @_scope
    @click.option(
        "--by",
        default="stage",
        show_default=True,
        help="Groups, comma-separated: stage, channel, touchpoint, persona, period.",
    )
    @click.option("--min-n", type=int, default=30, show_default=True, help="Small-sample flag.")
    @click.option(
        "--method",
        type=click.Choice(["wilson", "agresti-coull"]),
        default="wilson",
        show_default=True,
        help="Interval of proportions (CSAT, CES % agree).",
    )
    @click.option(
        "--scale",
        type=click.Choice(["effort-5", "agree-7"]),
        default="effort-5",
        show_default=True,
        help="CES scale.",
    )
    @click.option(
        "--unit",
        type=click.Choice(["day", "week", "month", "quarter", "year"]),
        default="month",
        show_default=True,
        help="Period length for --by period.",
    )
    @workspace_option
    @lang_option
    @handle_errors
    def command(
        journey: str | None,
        persona: str | None,
        start: Any,
        end: Any,
        out_path: Path | None,
        by: str,
        min_n: int,
        method: str,
        scale: str,
        unit: str,
        workspace: Path,
        lang: str | None,
    ) -> None:
        from parcours.i18n import CATALOG, get_lang, t
        from parcours.voc import journey_responses, satisfaction

        with open_workspace(workspace, lang) as ws:
            keys = [k.strip() for k in by.split(",") if k.strip()]
            responses = journey_responses(
                ws,
                journey,
                persona=persona,
                period=_period(start, end),
                with_persona="persona" in keys,
            )
            frame = satisfaction(
                responses,
                keys,
                metrics=[metric],
                min_n=min_n,
                csat_method=method,  # type: ignore[arg-type]
                ces_scale=scale,  # type: ignore[arg-type]
                period_unit=unit,
            )
            language = get_lang()
            by_text = ", ".join(
                t(f"voc.col.{k}", language) if f"voc.col.{k}" in CATALOG else k for k in keys
            )
            title = t(
                "voc.title.satisfaction", language, metric=t(f"voc.metric.{metric}"), by=by_text
            )
            _show(frame, title, language, out_path)

    command.help = {
        "nps": "NPS with adjusted-Wald intervals / NPS avec intervalles (Wald ajusté).",
        "csat": "CSAT top-2-box with Wilson or Agresti-Coull intervals / CSAT (% de 4-5).",
        "ces": "Customer effort (1-5 effort or 1-7 agreement) / effort client.",
    }[metric]
    return command


@click.command("verbatims")
@click.argument("file", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--column", default="text", show_default=True, help="Text column of FILE.")
@click.option(
    "--classifier",
    type=click.Choice(["auto", "lexicon", "model"]),
    default="auto",
    show_default=True,
    help="auto: the workspace's trained model when there is one.",
)
@_scope
@workspace_option
@lang_option
@handle_errors
def verbatims_command(
    file: Path | None,
    column: str,
    classifier: str,
    journey: str | None,
    persona: str | None,
    start: Any,
    end: Any,
    out_path: Path | None,
    workspace: Path,
    lang: str | None,
) -> None:
    """Classify verbatims: irritant / enchantment / neutral and theme / classer les verbatims.

    Without FILE, the comments of the workspace's survey answers.
    """
    from parcours.i18n import get_lang, t
    from parcours.ingest import read_table
    from parcours.voc import (
        VocError,
        classify_verbatims,
        journey_responses,
        journey_verbatims,
        workspace_model,
    )

    with open_workspace(workspace, lang) as ws:
        model = None if classifier == "lexicon" else workspace_model(ws)
        if classifier == "model" and model is None:
            raise VocError("--classifier model: expected a trained model, run `parcours voc train`")
        if file is not None:
            frame = read_table(file)
            if column not in frame.columns:
                raise VocError(
                    f"{file}: expected a column {column!r} (--column), found {', '.join(frame.columns)}"
                )
            langs = frame["lang"] if "lang" in frame.columns else None
            result = classify_verbatims(frame[column], langs, model=model)
        else:
            responses = journey_responses(ws, journey, persona=persona, period=_period(start, end))
            result = journey_verbatims(responses, model=model)[
                ["stage", "touchpoint", "ts", "lang", "label", "theme", "score", "verbatim"]
            ]
        _show(result, t("voc.title.verbatims", get_lang()), get_lang(), out_path)


@click.command("irritants")
@click.option("--half-life", type=float, default=180.0, show_default=True, help="Days.")
@click.option("--top", type=int, default=15, show_default=True)
@click.option(
    "--kind", type=click.Choice(["irritant", "enchantment"]), default="irritant", show_default=True
)
@click.option(
    "--classifier",
    type=click.Choice(["auto", "lexicon", "model"]),
    default="auto",
    show_default=True,
)
@_scope
@workspace_option
@lang_option
@handle_errors
def irritants_command(
    half_life: float,
    top: int,
    kind: str,
    classifier: str,
    journey: str | None,
    persona: str | None,
    start: Any,
    end: Any,
    out_path: Path | None,
    workspace: Path,
    lang: str | None,
) -> None:
    """Irritants ranked by occurrences x volume x recency / irritants classés."""
    from parcours.i18n import get_lang, t
    from parcours.voc import journey_voc

    with open_workspace(workspace, lang) as ws:
        voc = journey_voc(
            ws,
            journey,
            persona=persona,
            period=_period(start, end),
            half_life_days=half_life,
            classifier=classifier,
        )
        ranking = voc.ranking
        rows = ranking[ranking["kind"] == kind] if len(ranking) else ranking
        shown = rows.drop(columns=["verbatim"]).head(top) if len(rows) else rows
        key = "voc.title.irritants" if kind == "irritant" else "voc.title.enchantments"
        _show(shown, t(key, get_lang()), get_lang(), None)
        if out_path is not None:
            _write(rows.assign(examples=rows["examples"].map(" | ".join)), out_path, get_lang())


@click.command("emotion")
@_scope
@click.option(
    "--source",
    type=click.Choice(["satisfaction", "verbatims"]),
    default="satisfaction",
    show_default=True,
    help="Scores (CSAT, else NPS) or the polarity of the comments.",
)
@workspace_option
@lang_option
@handle_errors
def emotion_command(
    journey: str | None,
    persona: str | None,
    start: Any,
    end: Any,
    out_path: Path | None,
    source: str,
    workspace: Path,
    lang: str | None,
) -> None:
    """Emotion curve per stage (-2..+2) and peak-end / courbe des émotions et pic-fin."""
    from parcours.i18n import get_lang, number, t
    from parcours.voc import journey_voc

    with open_workspace(workspace, lang) as ws:
        voc = journey_voc(
            ws, journey, persona=persona, period=_period(start, end), emotion_from=source
        )
        language = get_lang()
        _show(voc.emotion, t("voc.title.emotion", language), language, out_path)
        value = "—" if voc.peak_end is None else number(voc.peak_end, language, 2)
        out.print(t("voc.peak_end", language, value=value), markup=False)


@click.command("score")
@click.argument("reference", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("observations", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--deceptive-below", type=float, default=50.0, show_default=True)
@click.option("--enchanting-from", type=float, default=80.0, show_default=True)
@click.option("--max-score", type=float, default=1.0, show_default=True, help="Top of the grid.")
@click.option("--journey", "-j", default=None, help="Journey for key moments (optional).")
@click.option("--actions", is_flag=True, help="Also list the actions losing the most points.")
@click.option("--out", "out_path", type=click.Path(path_type=Path), default=None)
@csv_dialect_option
@workspace_option
@lang_option
@handle_errors
def score_command(
    reference: Path,
    observations: Path,
    deceptive_below: float,
    enchanting_from: float,
    max_score: float,
    journey: str | None,
    actions: bool,
    out_path: Path | None,
    workspace: Path,
    lang: str | None,
) -> None:
    """Experience score per stage from observations / score d'expérience (visites mystère...)."""
    from parcours.errors import WorkspaceError
    from parcours.i18n import get_lang, t
    from parcours.voc import read_observations, read_reference, score_actions, score_experience

    model = None
    try:
        ws = open_workspace(workspace, lang)
        model = ws.journey(journey) if ws.journey_files() else None
    except WorkspaceError:  # no workspace: key moments come from the reference alone
        from parcours.i18n import set_lang

        set_lang(lang or "fr")
    ref, observed = read_reference(reference), read_observations(observations)
    result = score_experience(
        ref,
        observed,
        journey=model,
        max_score=max_score,
        deceptive_below=deceptive_below,
        enchanting_from=enchanting_from,
    )
    language = get_lang()
    shown = result.assign(
        **{
            "class": [
                t(f"voc.class.{c}", language) if isinstance(c, str) else "" for c in result["class"]
            ]
        }
    )
    _show(shown, t("voc.title.score", language), language, None)
    if actions:
        ranked = score_actions(
            ref,
            observed,
            journey=model,
            max_score=max_score,
            lang=language,
        )
        _show(ranked, t("voc.title.actions", language), language, None)
    _write(result, out_path, language)


@click.command("kano")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--feature", default="feature", show_default=True)
@click.option("--functional", default="functional", show_default=True)
@click.option("--dysfunctional", default="dysfunctional", show_default=True)
@click.option("--approve-from", type=float, default=0.5, show_default=True)
@click.option("--reject-below", type=float, default=0.3, show_default=True)
@click.option("--out", "out_path", type=click.Path(path_type=Path), default=None)
@csv_dialect_option
@workspace_option
@lang_option
@handle_errors
def kano_command(
    file: Path,
    feature: str,
    functional: str,
    dysfunctional: str,
    approve_from: float,
    reject_below: float,
    out_path: Path | None,
    workspace: Path,
    lang: str | None,
) -> None:
    """Kano categories, Better/Worse and verdicts / Kano : catégories et verdicts.

    The workspace (when there is one) gives the language and the CSV dialect.
    """
    from parcours.errors import WorkspaceError
    from parcours.i18n import get_lang, set_lang, t
    from parcours.voc import kano, read_observations

    try:
        open_workspace(workspace, lang).close()
    except WorkspaceError:  # no workspace: the answers file is enough
        set_lang(lang or "fr")
    result = kano(
        read_observations(file),
        feature=feature,
        functional=functional,
        dysfunctional=dysfunctional,
        approve_from=approve_from,
        reject_below=reject_below,
    )
    language = get_lang()
    shown = result.assign(verdict=[t(f"voc.verdict.{v}", language) for v in result["verdict"]])
    _show(shown, t("voc.title.kano", language), language, None)
    _write(result, out_path, language)


@click.command("train")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--folds", type=int, default=5, show_default=True, help="0: no cross-validation.")
@click.option(
    "--estimator", type=click.Choice(["svm", "logistic"]), default="svm", show_default=True
)
@workspace_option
@lang_option
@handle_errors
def train_command(
    file: Path, folds: int, estimator: str, workspace: Path, lang: str | None
) -> None:
    """Train the verbatim model on labelled verbatims (text, label[, theme, lang]) / entraîner.

    Prints a cross-validated precision / recall table, then saves the model trained on every
    verbatim in the workspace (models/voc_verbatims.joblib), used from then on.
    """
    from parcours.i18n import get_lang, t
    from parcours.voc import train_verbatim_model

    with open_workspace(workspace, lang) as ws:
        language = get_lang()
        result = train_verbatim_model(ws, file, folds=folds, estimator=estimator)
        if result.evaluation is not None:
            out.print(t("voc.model.cv", language, folds=folds), markup=False)
            out.print(result.evaluation_text(str(file)), markup=False, highlight=False)
        out.print(
            t("voc.model.saved", language, n=result.rows, path=str(result.path)), markup=False
        )


@click.command("employees")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--low", type=float, default=1, show_default=True, help="Lowest score.")
@click.option("--high", type=float, default=5, show_default=True, help="Highest score.")
@click.option("--journey", "-j", default=None)
@click.option("--out", "out_path", type=click.Path(path_type=Path), default=None)
@csv_dialect_option
@workspace_option
@lang_option
@handle_errors
def employees_command(
    file: Path,
    low: float,
    high: float,
    journey: str | None,
    out_path: Path | None,
    workspace: Path,
    lang: str | None,
) -> None:
    """Employee experience per stage beside the customer's / vécu collaborateur et client."""
    from parcours.i18n import get_lang, t
    from parcours.voc import employee_experience, journey_voc, read_observations

    with open_workspace(workspace, lang) as ws:
        model = ws.journey(journey)
        result = employee_experience(
            read_observations(file),
            scale=(low, high),
            journey=model,
            customer=journey_voc(ws, model),
            lang=get_lang(),
        )
        _show(result, t("voc.title.employees", get_lang()), get_lang(), out_path)


def register(group: click.Group) -> None:
    @click.group("voc")
    def voc() -> None:
        """Voice of the customer / voix du client: NPS, CSAT, CES, verbatims, Kano..."""

    for metric in ("nps", "csat", "ces"):
        voc.add_command(_metric_command(metric))
    for command in (
        verbatims_command,
        irritants_command,
        emotion_command,
        score_command,
        kano_command,
        train_command,
        employees_command,
    ):
        voc.add_command(command)
    group.add_command(voc)
