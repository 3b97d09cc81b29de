"""A load killed with SIGKILL leaves the warehouse exactly as it was before the load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parcours.i18n import t
from parcours.workspace import Workspace

MAPPING = """\
parcours: 1
target: interactions
source: big
identifiers: {crm_id: client}
columns:
  event_id: {from: id}
  ts: {from: date, type: datetime, format: "%d/%m/%Y %H:%M"}
  amount: {from: montant, type: decimal}
"""


def _big_csv(path: Path, rows: int, offset: int = 0) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("id;client;date;montant\n")
        for i in range(offset, offset + rows):
            out.write(
                f"{i};C{i % 50_000};{1 + i % 28:02d}/0{1 + i % 9}/2026 10:{i % 60:02d};{i % 997},5\n"
            )


def _counts(root: Path) -> dict[str, int]:
    with Workspace.open(root) as ws:
        return {
            t: ws.warehouse.count(t)
            for t in ("interactions", "customers", "identities", "quarantine", "loads")
        }


def _ingest_command(root: Path, file: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "parcours",
        "ingest",
        str(file),
        "--mapping",
        str(root / "m.yaml"),
        "--workspace",
        str(root),
    ]


def _ingest_and_kill(root: Path, file: Path, phase: str) -> int | None:
    """Start `parcours ingest`, SIGKILL it once it reports `phase`; return its exit code."""
    # Away from a terminal the phases are logged only with -v (in English with --lang en).
    proc = subprocess.Popen(
        [*_ingest_command(root, file), "-v", "--lang", "en"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "120"},
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 120
    for line in proc.stderr:
        if f": {t('ingest.phase.' + phase, 'en')}" in line:
            time.sleep(0.2)
            proc.send_signal(signal.SIGKILL)
            break
        if time.monotonic() > deadline:
            break
    proc.wait(timeout=60)
    return proc.returncode


@pytest.mark.slow
@pytest.mark.parametrize("phase", ["check", "write"])
def test_sigkill_mid_load_leaves_the_warehouse_as_before(tmp_path, phase):
    ws = Workspace.init(tmp_path / "ws")
    ws.close()
    root = ws.root
    (root / "m.yaml").write_text(MAPPING)
    first = tmp_path / "first.csv"
    _big_csv(first, 1_000)
    subprocess.run(_ingest_command(root, first), check=True, capture_output=True)
    before = _counts(root)
    assert before["interactions"] == 1_000
    big = tmp_path / "big.csv"
    _big_csv(big, 1_500_000, offset=1_000)
    code = _ingest_and_kill(root, big, phase)
    assert code == -signal.SIGKILL, "the load ended before it could be killed: make the file larger"
    assert _counts(root) == before
    # And the warehouse still works: the same file loads fully afterwards.
    subprocess.run(_ingest_command(root, big), check=True, capture_output=True)
    after = _counts(root)
    assert after["interactions"] == 1_501_000
    assert after["loads"] == 2
