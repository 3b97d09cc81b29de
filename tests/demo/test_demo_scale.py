"""Scale: the generator writes in chunks and stays memory-light (1M people must fit in ~8 GiB)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from parcours.demo import _writers as writers
from parcours.demo import load_truth

PEOPLE = 200_000

SCRIPT = """
import json, resource, sys, time
from parcours.demo import generate
started = time.perf_counter()
generate(sys.argv[1], customers=int(sys.argv[2]), seed=3)
print(json.dumps({
    "seconds": time.perf_counter() - started,
    "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


@pytest.mark.slow
def test_200k_people_are_written_in_chunks_with_little_memory(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path), str(PEOPLE)],
        capture_output=True,
        text=True,
        check=True,
    )
    stats = json.loads(out.stdout.strip().splitlines()[-1])
    # Memory grows linearly with people (about 2 GiB for a million): 200k stays well under 1 GiB.
    assert stats["peak_mib"] < 1024, stats
    truth = load_truth(tmp_path)
    actions = truth.files["crm_actions.csv"]
    web = truth.files["web_analytics.jsonl"]
    assert actions.rows_read > 2 * writers.CHUNK_ROWS  # several chunks, planted rows among them
    assert web.rows_read > 2 * writers.CHUNK_ROWS
    with (tmp_path / "raw" / "crm_actions.csv").open("rb") as handle:
        assert sum(1 for _ in handle) == actions.rows_read + 1
    with (tmp_path / "raw" / "web_analytics.jsonl").open("rb") as handle:
        assert sum(1 for _ in handle) == web.rows_read
    assert truth.people == PEOPLE
