"""`parcours voc ...` on the demo company and on files: thin shells that write CSV."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from parcours.cli import cli
from parcours.export import read_csv_export

CASES = Path(__file__).parent / "cases"
DATA = Path(__file__).parent / "data" / "verbatims_labelled.csv"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_nps_by_stage_and_channel_to_csv(
    runner: CliRunner, demo_workspace: Path, tmp_path: Path
) -> None:
    target = tmp_path / "nps.csv"
    result = runner.invoke(
        cli,
        ["voc", "nps", "-w", str(demo_workspace), "--by", "stage,channel", "--out", str(target)],
    )
    assert result.exit_code == 0, result.output
    frame = read_csv_export(target, dialect="excel-fr")
    assert list(frame.columns[:3]) == ["stage", "channel", "metric"]
    assert set(frame["metric"]) == {"nps"}
    assert "NPS par étape, canal" in result.output


@pytest.mark.parametrize("command", ["csat", "ces", "emotion"])
def test_other_metrics_run_in_english(
    runner: CliRunner, demo_workspace: Path, command: str
) -> None:
    result = runner.invoke(cli, ["voc", command, "-w", str(demo_workspace), "--lang", "en"])
    assert result.exit_code == 0, result.output
    if command == "emotion":
        assert "Remembered experience (peak-end)" in result.output


def test_irritants_csv_has_the_planted_irritant_first(
    runner: CliRunner, demo_workspace: Path, tmp_path: Path
) -> None:
    target = tmp_path / "irritants.csv"
    result = runner.invoke(
        cli,
        [
            "voc",
            "irritants",
            "-w",
            str(demo_workspace),
            "--classifier",
            "lexicon",
            "--out",
            str(target),
        ],
    )
    assert result.exit_code == 0, result.output
    first = read_csv_export(target, dialect="excel-fr").iloc[0]
    assert (first["stage"], first["theme"]) == ("reimbursement", "delays")


def test_kano_and_score_from_files(runner: CliRunner, tmp_path: Path) -> None:
    answers = tmp_path / "kano.csv"
    answers.write_text(
        "feature;functional;dysfunctional\n"
        "suivi;J'aime;Je n'aime pas\nsuivi;J'aime;Ça m'est égal\nsuivi;J'aime;Je n'aime pas\n",
        encoding="utf-8",
    )
    out = tmp_path / "kano_out.csv"
    result = runner.invoke(cli, ["voc", "kano", str(answers), "--out", str(out)])
    assert result.exit_code == 0, result.output
    row = read_csv_export(out, dialect="excel-fr").iloc[0]
    assert (row["category"], row["better"], row["verdict"]) == ("O", 1.0, "approved")
    assert "retenue" in result.output
    result = runner.invoke(
        cli,
        [
            "voc",
            "score",
            str(CASES / "reference.yaml"),
            str(CASES / "observations.csv"),
            "-w",
            str(tmp_path),
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "enchanting" in result.output


def test_train_then_classify_with_the_workspace_model(
    runner: CliRunner, demo_workspace: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "ws"
    shutil.copytree(demo_workspace, copy, ignore=shutil.ignore_patterns("raw", "out", "truth"))
    labelled = pd.read_csv(DATA)
    small = labelled.groupby(["lang", "label"]).head(25)
    train_file = tmp_path / "train.csv"
    small.to_csv(train_file, index=False)
    result = runner.invoke(
        cli, ["voc", "train", str(train_file), "-w", str(copy), "--folds", "3", "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert "macro avg" in result.output
    assert (copy / "models" / "voc_verbatims.joblib").is_file()
    target = tmp_path / "classified.csv"
    texts = tmp_path / "texts.csv"
    pd.DataFrame({"text": ["Jamais rappelé, scandaleux", "Parfait, merci beaucoup !"]}).to_csv(
        texts, index=False
    )
    result = runner.invoke(
        cli,
        [
            "voc",
            "verbatims",
            str(texts),
            "-w",
            str(copy),
            "--classifier",
            "model",
            "--out",
            str(target),
        ],
    )
    assert result.exit_code == 0, result.output
    assert list(read_csv_export(target, dialect="excel-fr")["label"]) == ["irritant", "enchantment"]


def test_errors_are_messages_not_tracebacks(runner: CliRunner, demo_workspace: Path) -> None:
    result = runner.invoke(cli, ["voc", "nps", "-w", str(demo_workspace), "--by", "colour"])
    assert result.exit_code == 2
    assert "expected columns of the responses table" in result.output


def test_score_lists_the_actions_losing_points(runner: CliRunner, tmp_path: Path) -> None:
    reference, observations = CASES / "reference.yaml", CASES / "observations.csv"
    args = ["voc", "score", str(reference), str(observations), "-w", str(tmp_path), "--lang", "en"]
    target = tmp_path / "new" / "score.csv"
    result = runner.invoke(cli, [*args, "--actions", "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert "Expected actions losing the most points" in result.output
    assert "Acknowledge within 24 hours" in result.output
    # no workspace, in English: RFC 4180
    assert list(read_csv_export(target, dialect="rfc4180")["stage"]) == [
        "reimbursement",
        "quote",
        "complaint",
    ]
