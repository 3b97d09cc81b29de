"""Done means: on the demo's planted personas, precision >= 0.9 at the default threshold and each
persona's estimated size within 20% of the truth; then score, assignments, quantify, export, CLI,
report sections on a copy of the demo workspace."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from parcours.cli import cli
from parcours.demo import truth_reference
from parcours.export import read_csv_export
from parcours.personas import (
    DEMO_PERSONAS,
    UNASSIGNED,
    Driver,
    Persona,
    PersonaError,
    Projection,
    assignments,
    crosstab,
    customer_features,
    evaluate,
    export,
    fit,
    model_card,
    quantify,
    resemblance,
    score,
)
from parcours.render.sections.personas import sections as report_sections
from parcours.workspace import Workspace


@dataclass
class Scored:
    root: Path
    projection: Projection
    check: pd.DataFrame


@pytest.fixture(scope="module")
def scored(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Scored:
    """A copy of the session demo (5,000 people) with the demo personas fitted and scored."""
    root = tmp_path_factory.mktemp("personas") / "mutuelle"
    shutil.copytree(demo_workspace, root)
    for file in DEMO_PERSONAS.glob("*.yaml"):
        shutil.copy(file, root / "personas" / file.name)
    with Workspace.open(root) as ws:
        features = customer_features(ws)
        projection = fit(ws, features=features)
        table = score(ws, projection, features=features)
        reference = truth_reference(ws)
        assert reference is not None
        estimated = {f.persona.id: f.estimated_size for f in projection.fits}
        check = evaluate(table, reference[0], reference[1], estimated)
    return Scored(root, projection, check)


def test_precision_and_size_on_the_planted_personas(scored: Scored) -> None:
    check = scored.check.set_index("persona")
    print(check.to_string())  # shown with -s: the numbers behind the claim
    assert set(check.index) == {"young-connected", "family", "senior"}
    assert (check["precision"] >= 0.9).all(), check
    assert (check["size_gap"].abs() <= 0.2).all(), check


def test_model_card_prints_quality_and_the_truth_check(scored: Scored) -> None:
    card = model_card(scored.projection, "fr", check=scored.check)
    assert card.count("Fiche modèle") == 3
    assert "Rappel sur les graines mises de côté" in card
    assert "Contrôle sur la vérité connue : précision" in card
    english = model_card(scored.projection, "en", check=scored.check)
    assert "Recall on held-out seeds" in english
    assert "AUC" in english
    for f in scored.projection.fits:
        assert f.model.recall_ > 0.8
        assert f.model.auc_ > 0.9
        assert 0 < f.model.c_ <= 1


def test_assignments_quantify_crosstab_export(scored: Scored, tmp_path: Path) -> None:
    with Workspace.open(scored.root) as ws:
        table = assignments(ws)
        assert list(table.columns) == ["customer_id", "persona", "score", "confidence"]
        assert table["customer_id"].is_unique
        assert set(table["persona"]) == {"young-connected", "family", "senior", UNASSIGNED}
        assert table["score"].between(0, 1).all()
        assert table["confidence"].between(0, 1).all()
        wide = resemblance(ws)
        assert list(wide.columns) == ["family", "senior", "young-connected"]
        assert len(wide) == len(table)

        weights = quantify(ws).set_index("persona")
        assert weights["total"].sum() == len(table)  # every customer counted once
        assert weights["share"].sum() == pytest.approx(1.0)
        assert weights["revenue_share"].sum() == pytest.approx(1.0)
        assert weights.loc["senior", "revenue"] > 0
        for f in scored.projection.fits:
            assert weights.loc[f.persona.id, "estimated"] == pytest.approx(f.estimated_size)
        assert weights["customers"].sum() == int((customer_features(ws).frame["buyer"] > 0).sum())

        cross = crosstab(ws, "formula")
        assert cross.to_numpy().sum() == len(table)
        assert "Excellence" in cross.columns
        with pytest.raises(PersonaError, match="expected a column of the customers table"):
            crosstab(ws, "shoe_size")

        csv = export(ws, tmp_path / "personas.csv")
        parquet = export(ws, tmp_path / "personas.parquet")
    assert read_csv_export(csv, dialect="excel-fr").shape == table.shape  # the workspace's dialect
    pd.testing.assert_frame_equal(pd.read_parquet(parquet), table)


def test_a_driver_on_an_unknown_feature_says_which(scored: Scored) -> None:
    persona = Persona(
        id="typo",
        name="Typo",
        drivers=[Driver(feature="age", at_least=30), Driver(feature="digital_shar", at_least=1)],
    )
    with Workspace.open(scored.root) as ws, pytest.raises(PersonaError) as caught:
        fit(ws, [persona], save=False)
    assert "drivers[1]" in str(caught.value)
    assert "did you mean digital_share" in str(caught.value)


def test_never_scored_is_a_clear_error(workspace: Workspace) -> None:
    with pytest.raises(PersonaError, match="never scored"):
        assignments(workspace)
    with pytest.raises(PersonaError, match="personas fit"):
        score(workspace)


def test_report_sections_fr_en(scored: Scored, workspace: Workspace) -> None:
    with Workspace.open(scored.root) as ws:
        fr = report_sections(ws, None, "fr")
        en = report_sections(ws, None, "en")
    assert [s.key for s in fr] == [s.key for s in en]
    assert len(fr) == 4  # weights, then one card per persona
    assert "Famille prévoyante" in fr[1].title or "Famille prévoyante" in fr[2].title
    cards = "".join(s.html for s in en[1:])
    assert "Key drivers" in cards
    assert "Model card" in cards
    assert "Portrait" in cards
    assert "personas_weights" in fr[0].tables
    assert "<svg" in fr[0].html  # shares as bars (parcours.render.charts)
    assert "<table" in fr[0].html
    empty = report_sections(workspace, None, "fr")
    assert len(empty) == 1
    assert empty[0].no_data


def test_cli_fit_score_export(scored: Scored, tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(scored.root, root)
    runner = CliRunner()
    result = runner.invoke(
        cli, ["personas", "score", "--workspace", str(root), "--lang", "en", "--threshold", "0.9"]
    )
    assert result.exit_code == 0, result.output
    assert "customers scored" in result.output
    target = tmp_path / "out.csv"
    result = runner.invoke(cli, ["personas", "export", str(target), "--workspace", str(root)])
    assert result.exit_code == 0, result.output
    assert "lignes exportées" in result.output
    assert target.is_file()
    result = runner.invoke(cli, ["personas", "features", "--workspace", str(root)])
    assert result.exit_code == 0, result.output
    assert "digital_share" in result.output
    assert "stage_reimbursement_per_year" in result.output
    result = runner.invoke(cli, ["personas", "fit", "--workspace", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
