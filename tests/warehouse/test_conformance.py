"""One suite, two engines: every analytic gives the same result on DuckDB and on PySpark local."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from parcours import analytics
from parcours.workspace import Workspace

CASES = Path(__file__).parents[1] / "ingest" / "cases"
STAGES = ["compare", "quote", "subscribe", "reimbursement", "complaint", "cancel"]

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.fail("Java is needed for PySpark: ./scripts/test installs it (default-jre-headless)")
    from parcours.warehouse import SparkWarehouse

    root = tmp_path_factory.mktemp("ws")
    ws = Workspace.init(root)
    _fill(ws, root)
    spark = SparkWarehouse.from_warehouse(ws.warehouse, root / "parquet")
    yield ws.warehouse, spark
    ws.close()


def _fill(ws: Workspace, root: Path) -> None:
    """A small but varied journey log: several customers over all stages and channels."""
    import numpy as np

    rng = np.random.default_rng(7)
    codes = {
        "compare": ["WEB_OFFRES", "APP_OFFRES", "TEL_INFO_OFFRE"],
        "quote": ["WEB_DEVIS", "TEL_DEVIS", "AG_DEVIS"],
        "subscribe": ["WEB_ADHESION", "AG_ADHESION", "EML_COMPTE_CREE"],
        "reimbursement": ["APP_DEMANDE_RMB", "COUR_FEUILLE_SOINS", "SMS_RMB_EFFECTUE"],
        "complaint": ["TEL_RECLAMATION", "EML_RECLAMATION"],
        "cancel": ["COUR_RESILIATION", "WEB_RESILIATION"],
    }
    lines = ["client;date;code"]
    for customer in range(400):
        day = 1
        for stage in STAGES:
            if rng.random() < 0.25:
                break
            for _ in range(int(rng.integers(1, 3))):
                code = rng.choice(codes[stage])
                lines.append(f"C{customer};{day:02d}/03/2026 {int(rng.integers(8, 18))}:00;{code}")
            day += int(rng.integers(0, 3))
    lines.append("C9999;01/03/2026 10:00;WEB_CHATBOT")
    (root / "log.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ws.ingest(
        [root / "log.csv"],
        source="crm",
        mapping={
            "target": "interactions",
            "identifiers": {"crm_id": "client"},
            "columns": {"ts": {"from": "date", "type": "datetime", "format": "%d/%m/%Y %H:%M"}},
            "event_code": {"from": "code"},
            "touchpoints": {
                "journey": str(
                    Path(analytics.__file__).parents[1] / "demo" / "data" / "journey.yaml"
                )
            },
        },
    )


def _same(left: pd.DataFrame, right: pd.DataFrame, keys: list[str]) -> None:
    left = left.sort_values(keys).reset_index(drop=True)
    right = right.sort_values(keys).reset_index(drop=True)[list(left.columns)]
    pd.testing.assert_frame_equal(left, right, check_dtype=False, check_exact=False, rtol=1e-12)


def test_stage_channel_matrix_is_the_same_on_both_engines(engines):
    duck, spark = engines
    expected = analytics.stage_channel_matrix(duck.table("interactions")).to_pandas()
    got = analytics.stage_channel_matrix(spark.table("interactions")).to_pandas()
    assert len(expected) > 10
    _same(expected, got, ["stage", "channel"])


def test_stage_conversion_is_the_same_on_both_engines(engines):
    duck, spark = engines
    expected = analytics.stage_conversion(duck.table("interactions"), STAGES).to_pandas()
    got = analytics.stage_conversion(spark.table("interactions"), STAGES).to_pandas()
    assert list(expected.stage) == STAGES[:-1]
    _same(expected, got, ["position"])


def test_raw_tables_are_the_same_on_both_engines(engines):
    duck, spark = engines
    for name in ("interactions", "customers", "identities"):
        expected = duck.table(name).drop("attrs") if name == "interactions" else duck.table(name)
        got = spark.table(name).drop("attrs") if name == "interactions" else spark.table(name)
        key = {
            "interactions": ["event_id"],
            "customers": ["customer_id"],
            "identities": ["kind", "value"],
        }[name]
        left = expected.to_pandas()
        right = got.to_pandas()
        for frame in (left, right):
            for column in frame.columns:
                if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
                    frame[column] = frame[column].dt.tz_convert("UTC")
        _same(left, right, key)
