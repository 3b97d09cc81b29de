"""The engine setting and the lake `parcours warehouse sync` writes (no Spark needed here)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from parcours import analytics
from parcours.cli import cli
from parcours.errors import WarehouseError, WorkspaceError
from parcours.warehouse import _lake, lake_tables, sync_lake
from parcours.workspace import Workspace

JOURNEY = Path(analytics.__file__).parents[1] / "demo" / "data" / "journey.yaml"
CODES = ["WEB_OFFRES", "WEB_DEVIS", "AG_ADHESION", "APP_DEMANDE_RMB", "TEL_RECLAMATION"]


def _ingest(ws: Workspace, root: Path, name: str, customers: range, month: int) -> None:
    lines = ["client;date;code"]
    for customer in customers:
        for step, code in enumerate(CODES[: 1 + customer % len(CODES)]):
            lines.append(
                f"C{customer};{1 + step:02d}/{month:02d}/2026 {8 + customer % 9}:00;{code}"
            )
    (root / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    ws.ingest(
        [root / name],
        source="crm",
        mapping={
            "target": "interactions",
            "identifiers": {"crm_id": "client"},
            "columns": {"ts": {"from": "date", "type": "datetime", "format": "%d/%m/%Y %H:%M"}},
            "event_code": {"from": "code"},
            "touchpoints": {"journey": str(JOURNEY)},
        },
    )


def _lake_frame(lake: Path, table: str) -> pd.DataFrame:
    """What a reader of the lake sees (pyarrow ignores `_`-prefixed files and folders, as Spark)."""
    frame = pd.read_parquet(lake / table)
    return frame.drop(columns=[c for c in ("sync", "month") if c in frame.columns])


@pytest.fixture
def ws(tmp_path: Path):  # type: ignore[no-untyped-def]
    workspace = Workspace.init(tmp_path / "ws")
    _ingest(workspace, tmp_path, "march.csv", range(60), 3)
    yield workspace
    workspace.close()


# -- the setting ----------------------------------------------------------------------------------


def _settings(root: Path, warehouse: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "parcours.toml").write_text(
        f'[workspace]\nname = "x"\n\n[warehouse]\n{warehouse}\n', encoding="utf-8"
    )
    return root


def test_a_new_workspace_reads_duckdb_and_names_its_lake(tmp_path: Path) -> None:
    with Workspace.init(tmp_path / "ws") as ws:
        assert ws.engine == "duckdb"
        assert ws.settings.engine == "duckdb"
        assert ws.settings.spark_master == "local[2]"
        assert ws.lake == str((tmp_path / "ws" / "lake").resolve())
        assert ws.reader is ws.warehouse


def test_the_spark_settings_are_read(tmp_path: Path) -> None:
    root = _settings(
        tmp_path / "ws",
        'engine = "spark"\n\n[warehouse.spark]\nmaster = "spark://10.0.0.1:7077"\n'
        'lake = "s3a://bucket/parcours"\n\n[warehouse.spark.conf]\n'
        '"spark.executor.memory" = "8g"\n"spark.sql.shuffle.partitions" = 400\n',
    )
    ws = Workspace.open(root)
    assert ws.engine == "spark"
    assert ws.settings.spark_master == "spark://10.0.0.1:7077"
    assert ws.settings.spark_conf == {
        "spark.executor.memory": "8g",
        "spark.sql.shuffle.partitions": "400",
    }
    assert ws.lake == "s3a://bucket/parcours"
    assert Workspace.open(root, engine="duckdb").engine == "duckdb"


def test_a_bad_engine_name_is_refused_where_it_is_written(tmp_path: Path) -> None:
    root = _settings(tmp_path / "ws", 'engine = "oracle"')
    with pytest.raises(
        WorkspaceError, match=r"\[warehouse\] engine: expected one of duckdb, spark"
    ):
        Workspace.open(root)
    good = _settings(tmp_path / "good", 'engine = "duckdb"')
    with pytest.raises(WorkspaceError, match="found 'Spark'"):
        Workspace.open(good, engine="Spark")


def test_a_spark_workspace_without_a_lake_says_what_is_missing(tmp_path: Path) -> None:
    root = _settings(tmp_path / "ws", 'engine = "spark"')
    ws = Workspace.open(root)
    with pytest.raises(WorkspaceError, match=r"\[warehouse.spark\] lake: expected the folder"):
        ws.table("interactions")
    with Workspace.init(tmp_path / "synced-never") as fresh:
        spark = Workspace.open(fresh.root, engine="spark")
        with pytest.raises(WorkspaceError, match="found no folder: write it first with `parcours"):
            spark.table("interactions")


def test_the_cli_engine_option_overrides_the_setting_for_one_command(tmp_path: Path) -> None:
    with Workspace.init(tmp_path / "ws"):
        pass
    runner = CliRunner()
    bad = runner.invoke(cli, ["--engine", "oracle", "loads", "-w", str(tmp_path / "ws")])
    assert bad.exit_code == 2
    assert "'oracle' is not one of 'duckdb', 'spark'" in bad.output
    # the spark engine is taken for this command only: the never-synced lake is the error
    spark = runner.invoke(cli, ["--engine", "spark", "loads", "-w", str(tmp_path / "ws")])
    assert spark.exit_code == 2, spark.output
    assert "parcours warehouse sync" in spark.output
    duck = runner.invoke(cli, ["loads", "-w", str(tmp_path / "ws"), "--lang", "en"])
    assert duck.exit_code == 0, duck.output


# -- the lake -------------------------------------------------------------------------------------


def test_sync_writes_every_table_partitioned_by_month(ws: Workspace) -> None:
    lake = Path(ws.lake)
    report = sync_lake(ws.warehouse, lake)
    assert report.rows["interactions"] == ws.warehouse.count("interactions") > 100
    assert set(lake_tables(lake)) >= {"interactions", "customers", "identities", "loads"}
    months = sorted(p.name for p in (lake / "interactions" / "sync=000001").glob("month=*"))
    assert months == ["month=2026-03"]
    for table in ("interactions", "customers", "identities", "loads"):
        expected = ws.warehouse.table(table).to_pandas()
        got = _lake_frame(lake, table)[list(expected.columns)]
        assert len(got) == len(expected), table
        keys = [c for c in ("event_id", "customer_id", "kind", "value", "load_id") if c in got]
        pd.testing.assert_frame_equal(
            expected.sort_values(keys).reset_index(drop=True),
            got.sort_values(keys).reset_index(drop=True),
            check_dtype=False,
        )


def test_sync_is_incremental(ws: Workspace, tmp_path: Path) -> None:
    lake = Path(ws.lake)
    sync_lake(ws.warehouse, lake)
    assert sync_lake(ws.warehouse, lake).rows == {}  # nothing new: nothing written
    _ingest(ws, tmp_path, "april.csv", range(40, 90), 4)
    second = sync_lake(ws.warehouse, lake)
    assert second.loads["interactions"] == 1
    new = ws.warehouse.table("interactions")
    first_load = _lake._read_manifest(lake / "interactions" / "sync=000001")
    assert second.rows["interactions"] == int(
        new.filter(~new.load_id.isin(first_load)).count().execute()
    )
    assert sorted(p.name for p in (lake / "interactions").iterdir()) == [
        "sync=000001",
        "sync=000002",
    ]
    assert len(_lake_frame(lake, "interactions")) == ws.warehouse.count("interactions")
    # customers are rewritten whole, and only the latest snapshot is kept
    assert [p.name for p in (lake / "customers").iterdir()] == ["sync=000002"]
    assert len(_lake_frame(lake, "customers")) == ws.warehouse.count("customers")


def test_a_failure_between_write_and_rename_leaves_nothing_visible(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lake = Path(ws.lake)
    sync_lake(ws.warehouse, lake)
    before = len(_lake_frame(lake, "interactions"))
    _ingest(ws, tmp_path, "april.csv", range(40, 90), 4)

    def crash(temporary: Path, final: Path) -> None:
        assert any(temporary.rglob("*.parquet"))  # the batch is written, not yet published
        raise OSError("disk pulled out between write and rename")

    monkeypatch.setattr(_lake, "_publish", crash)
    with pytest.raises(OSError, match="disk pulled out"):
        sync_lake(ws.warehouse, lake)
    assert list((lake / "interactions").glob("_tmp-*"))  # the leftover is there...
    assert len(_lake_frame(lake, "interactions")) == before  # ...and no reader sees it
    assert [p.name for p in (lake / "interactions").glob("sync=*")] == ["sync=000001"]
    monkeypatch.undo()
    again = sync_lake(ws.warehouse, lake)  # the next sync cleans up and publishes
    assert again.loads["interactions"] == 1
    assert not list((lake / "interactions").glob("_tmp-*"))
    assert len(_lake_frame(lake, "interactions")) == ws.warehouse.count("interactions")


def test_a_killed_sync_leaves_no_partial_partition(ws: Workspace, tmp_path: Path) -> None:
    """SIGKILL a real sync process once its batch is on disk and before it is published."""
    lake = Path(ws.lake)
    sync_lake(ws.warehouse, lake)
    before = len(_lake_frame(lake, "interactions"))
    _ingest(ws, tmp_path, "april.csv", range(40, 90), 4)
    ws.close()
    flag = tmp_path / "written"
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from parcours.warehouse import _lake, sync_lake\n"
        "from parcours.workspace import Workspace\n"
        "def slow(temporary, final):\n"
        f"    Path({str(flag)!r}).write_text(str(temporary))\n"
        "    time.sleep(60)\n"
        "_lake._publish = slow\n"
        f"ws = Workspace.open({str(ws.root)!r})\n"
        "sync_lake(ws.warehouse, ws.lake)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 60
        while not flag.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert flag.exists(), "the sync never reached the publication of its batch"
        process.kill()
    finally:
        process.kill()
        process.wait(timeout=30)
    assert Path(flag.read_text()).exists()  # a whole batch was on disk, unpublished
    assert len(_lake_frame(lake, "interactions")) == before
    with Workspace.open(ws.root) as again:
        report = sync_lake(again.warehouse, again.lake)
        assert report.loads["interactions"] == 1
        assert len(_lake_frame(lake, "interactions")) == again.warehouse.count("interactions")


def test_sync_refuses_an_object_store_uri_with_what_to_do(ws: Workspace) -> None:
    with pytest.raises(WarehouseError, match="found the URI s3a://bucket/lake: sync to a folder"):
        sync_lake(ws.warehouse, "s3a://bucket/lake")


def test_the_sync_command_reports_in_both_languages(ws: Workspace) -> None:
    root = str(ws.root)
    ws.close()
    runner = CliRunner()
    first = runner.invoke(cli, ["warehouse", "sync", "-w", root, "--lang", "en"])
    assert first.exit_code == 0, first.output
    assert "interactions:" in first.output
    assert "rows written" in first.output
    second = runner.invoke(cli, ["warehouse", "sync", "-w", root, "--lang", "fr"])
    assert second.exit_code == 0, second.output
    assert "déjà à jour, rien à écrire" in second.output
