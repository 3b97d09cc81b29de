"""`parcours.voc.train_verbatim_model`: what `parcours voc train` does, from Python."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from parcours import voc
from parcours.workspace import Workspace

DATA = Path(__file__).parent / "data" / "verbatims_labelled.csv"


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace.init(tmp_path / "ws", lang="fr")


def test_train_measures_then_saves_the_model_the_workspace_uses(workspace, tmp_path):
    small = pd.read_csv(DATA).groupby(["lang", "label"]).head(20)
    file = tmp_path / "labelled.csv"
    small.to_csv(file, index=False, sep=";")  # read by ingest.read_table: the separator is sniffed
    assert voc.workspace_model(workspace) is None
    result = voc.train_verbatim_model(workspace, file, folds=3, estimator="logistic")
    assert result.rows == len(small)
    assert result.folds == 3
    table = result.evaluation.set_index("class")
    assert set(voc.CLASSES) | {"macro avg", "accuracy"} == set(table.index)
    assert int(table.loc["macro avg", "support"]) == len(small)
    assert 0.5 < table.loc["accuracy", "f1"] <= 1.0
    assert "macro avg" in result.evaluation_text("labelled.csv")
    assert result.path == workspace.path("models", "voc_verbatims.joblib")
    model = voc.workspace_model(workspace)
    assert list(model.predict(["Parfait, merci beaucoup !"])) == ["enchantment"]


def test_without_folds_nothing_is_measured_and_a_frame_is_accepted(workspace):
    small = pd.read_csv(DATA).groupby(["lang", "label"]).head(10)
    result = voc.train_verbatim_model(workspace, small, folds=0)
    assert (result.folds, result.evaluation, result.evaluation_text("x")) == (0, None, "")
    assert result.path.is_file()


def test_a_file_without_labels_is_refused(workspace, tmp_path):
    file = tmp_path / "nolabel.csv"
    file.write_text("text\nbonjour\n", encoding="utf-8")
    with pytest.raises(voc.VocError, match="expected columns text and label"):
        voc.train_verbatim_model(workspace, file)
