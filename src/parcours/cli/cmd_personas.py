"""`parcours personas fit|score|export|features`: project personas into the customer base."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from parcours.cli._common import (
    csv_dialect,
    csv_dialect_option,
    handle_errors,
    lang_option,
    open_workspace,
    out,
    workspace_option,
)

__all__ = ["register"]


def _personas_source(value: str | None) -> Any:
    if value is None:
        return None
    if value == "demo":
        from parcours.personas import DEMO_PERSONAS

        return DEMO_PERSONAS
    return Path(value)


def _weights_table(ws: Any, lang: str, projection: Any, features: Any) -> Any:
    from rich.table import Table

    from parcours.i18n import number, percent, t
    from parcours.model import text
    from parcours.personas import UNASSIGNED, quantify

    names = {f.persona.id: text(f.persona.name, lang) for f in projection.fits}
    names[UNASSIGNED] = t("personas.unassigned")
    weights = quantify(ws, features, projection=projection)
    table = Table(title=t("personas.table.title"))
    for column in ("persona", "customers", "prospects", "share", "revenue_share", "estimated"):
        table.add_column(
            t(f"personas.col.{column}"), justify="left" if column == "persona" else "right"
        )
    for row in weights.to_dict("records"):
        size: Any = row["estimated"]
        table.add_row(
            names.get(str(row["persona"]), str(row["persona"])),
            number(int(row["customers"])),
            number(int(row["prospects"])),
            percent(float(row["share"])),
            percent(float(row["revenue_share"])),
            "" if size != size else number(round(size)),
        )
    return table


def register(group: click.Group) -> None:
    @group.group()
    def personas() -> None:
        """Personas in the customer base / les personas dans la base clients."""

    @personas.command()
    @workspace_option
    @lang_option
    @click.option(
        "--personas",
        "source",
        default=None,
        help="Persona files: a folder, a file, or 'demo' (default: the workspace's personas/).",
    )
    @click.option("--min-positives", default=300, show_default=True, type=click.IntRange(1))
    @click.option(
        "--estimator",
        type=click.Choice(["boosting", "logistic"]),
        default="boosting",
        show_default=True,
    )
    @click.option("--threshold", default=0.5, show_default=True, type=click.FloatRange(0, 1))
    @click.option("--margin", default=0.1, show_default=True, type=click.FloatRange(0, 1))
    @handle_errors
    def fit(
        workspace: Path,
        lang: str | None,
        source: str | None,
        min_positives: int,
        estimator: str,
        threshold: float,
        margin: float,
    ) -> None:
        """Fit one model per persona and print the model cards / apprendre un modèle par persona."""
        import warnings

        from parcours.demo import truth_reference
        from parcours.i18n import get_lang, number, t
        from parcours.personas import (
            PersonaWarning,
            assign,
            customer_features,
            evaluate,
            model_card,
            projection_path,
        )
        from parcours.personas import fit as fit_personas

        with open_workspace(workspace, lang) as ws:
            features = customer_features(ws)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", PersonaWarning)
                projection = fit_personas(
                    ws,
                    _personas_source(source),
                    min_positives=min_positives,
                    estimator=estimator,
                    threshold=threshold,
                    margin=margin,
                    features=features,
                )
            for warning in caught:
                out.print(f"[yellow]{warning.message}[/]", highlight=False)
            assigned = assign(projection.resemblance(features), threshold, margin)
            check = None
            reference = truth_reference(ws)
            if reference is not None:
                estimated = {f.persona.id: f.estimated_size for f in projection.fits}
                check = evaluate(assigned, reference[0], reference[1], estimated)
            out.print(
                model_card(projection, get_lang(), assigned=assigned, check=check),
                highlight=False,
                markup=False,
            )
            out.print(
                t(
                    "personas.fit.done",
                    n=len(projection.fits),
                    customers=number(projection.customers),
                    path=str(projection_path(ws)),
                )
            )

    @personas.command()
    @workspace_option
    @lang_option
    @click.option("--threshold", default=None, type=click.FloatRange(0, 1), help="Default: fit's.")
    @click.option("--margin", default=None, type=click.FloatRange(0, 1), help="Default: fit's.")
    @handle_errors
    def score(
        workspace: Path, lang: str | None, threshold: float | None, margin: float | None
    ) -> None:
        """Score every customer and write persona_scores / noter chaque client."""
        from parcours.i18n import get_lang, number, t
        from parcours.personas import customer_features, load_projection
        from parcours.personas import score as score_personas

        with open_workspace(workspace, lang) as ws:
            # one projection and one feature build for the scoring and the weights table
            projection = load_projection(ws)
            features = customer_features(ws)
            result = score_personas(
                ws, projection, threshold=threshold, margin=margin, features=features
            )
            out.print(_weights_table(ws, get_lang(), projection, features))
            out.print(t("personas.score.done", customers=number(len(result))))

    @personas.command()
    @click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
    @workspace_option
    @lang_option
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(["csv", "parquet"]),
        default=None,
        help="Default: from the file's suffix.",
    )
    @csv_dialect_option
    @handle_errors
    def export(workspace: Path, lang: str | None, output: Path, fmt: str | None) -> None:
        """Export (customer_id, persona, score, confidence) for the CRM / exporter pour le CRM."""
        from parcours.i18n import number, t
        from parcours.personas import assignments
        from parcours.personas import export as export_personas

        with open_workspace(workspace, lang) as ws:
            path = export_personas(ws, output, format=fmt, dialect=csv_dialect())
            rows = len(assignments(ws))
            out.print(t("personas.export.done", rows=number(rows), path=str(path)))

    @personas.command()
    @workspace_option
    @lang_option
    @handle_errors
    def features(workspace: Path, lang: str | None) -> None:
        """List the customer features drivers can use / lister les variables clients."""
        from rich.table import Table

        from parcours.personas import customer_features

        with open_workspace(workspace, lang) as ws:
            built = customer_features(ws)
            table = Table()
            for column in ("feature", "family", "known", "example"):
                table.add_column(column)
            frame = built.frame
            for name in frame.columns:
                values = frame[name].dropna()
                table.add_row(
                    name,
                    built.family(name),
                    str(len(values)),
                    str(values.iloc[0]) if len(values) else "",
                )
            out.print(table)
