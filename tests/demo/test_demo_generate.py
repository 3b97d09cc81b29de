"""generate(): public surface, determinism, arguments, the files it lists, progress."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import parcours.demo
from conftest import PEOPLE, SEED
from parcours.demo import JOURNEY_PATH, MAPPINGS_DIR, DemoError, DemoFiles, generate, load_truth
from parcours.demo import _generate as generate_module
from parcours.demo import _writers as writers

MAPPINGS = {
    "crm_clients",
    "crm_actions",
    "web_analytics",
    "appels",
    "enquete_satisfaction",
    "erp_contrats",
}


def _same_outputs(a: Path, b: Path) -> None:
    raw_a = sorted(p.name for p in (a / "raw").iterdir())
    assert raw_a == sorted(p.name for p in (b / "raw").iterdir())
    for name in raw_a:
        assert (a / "raw" / name).read_bytes() == (b / "raw" / name).read_bytes(), name
    assert (a / "truth" / "truth.json").read_bytes() == (b / "truth" / "truth.json").read_bytes()
    pd.testing.assert_frame_equal(
        load_truth(a).customers(), load_truth(b).customers(), check_exact=True
    )


def test_public_surface() -> None:
    assert set(parcours.demo.__all__) == {
        "JOURNEY_PATH",
        "MAPPINGS_DIR",
        "ChurnTruth",
        "DemoError",
        "DemoFiles",
        "Experience",
        "FileTruth",
        "IdentityTruth",
        "PersonaTruth",
        "QuarantinedRow",
        "Redundancy",
        "Transition",
        "Truth",
        "generate",
        "load_truth",
        "truth_reference",
    }
    for name in parcours.demo.__all__:
        assert getattr(parcours.demo, name) is not None
    assert JOURNEY_PATH.is_file()
    assert {p.stem for p in MAPPINGS_DIR.glob("*.yaml")} == MAPPINGS


def test_import_is_light() -> None:
    heavy = "{'numpy', 'polars', 'openpyxl'}"
    code = f"import sys, parcours.demo; print(sorted({heavy} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_same_seed_gives_the_same_bytes(demo: DemoFiles, tmp_path: Path) -> None:
    again = generate(tmp_path, customers=PEOPLE, seed=SEED)
    _same_outputs(demo.out_dir, again.out_dir)


def test_chunk_size_does_not_change_the_output(
    demo: DemoFiles, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small chunks put planted rows near chunk boundaries; the files must not change.
    monkeypatch.setattr(writers, "CHUNK_ROWS", 333)
    small = generate(tmp_path, customers=PEOPLE, seed=SEED)
    _same_outputs(demo.out_dir, small.out_dir)


def test_worker_processes_write_the_same_workbooks(
    demo: DemoFiles, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Big demos write the call-centre workbooks in worker processes: same bytes as in-process.
    monkeypatch.setattr(generate_module, "PARALLEL_CALL_ROWS", 0)
    pooled = generate(tmp_path, customers=PEOPLE, seed=SEED)
    _same_outputs(demo.out_dir, pooled.out_dir)


def test_another_seed_gives_other_data(demo: DemoFiles, tmp_path: Path) -> None:
    other = generate(tmp_path, customers=PEOPLE, seed=SEED + 1)
    a = demo.raw["crm_clients"][0].read_bytes()
    b = other.raw["crm_clients"][0].read_bytes()
    assert a != b


@pytest.mark.parametrize(
    ("customers", "seed"), [(10, 0), (2_000.5, 0), (True, 0), (2_000, -1), (2_000, "1")]
)
def test_bad_arguments_are_refused(tmp_path: Path, customers: object, seed: object) -> None:
    with pytest.raises(DemoError, match="expected"):
        generate(tmp_path, customers=customers, seed=seed)  # type: ignore[arg-type]


def test_demo_files_lists_what_was_written(demo: DemoFiles) -> None:
    assert list(demo.raw) == [
        "crm_clients",
        "crm_actions",
        "web_analytics",
        "appels",
        "enquete_satisfaction",
        "erp_contrats",
    ]
    assert set(demo.files) == set(demo.raw_dir.iterdir())
    assert demo.truth.is_file()
    assert demo.truth_customers.is_file()
    pairs = list(demo.sources())
    assert len(pairs) == len(demo.files)
    assert all(mapping.is_file() and path.is_file() for mapping, path in pairs)
    assert next(p.name for p in demo.raw["appels"]) == "appels_2023-T4.xlsx"
    assert [p.name for p in demo.raw["appels"]][-1] == "appels_2026-T4.xlsx"


def test_progress_reports_every_step(tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    generate(tmp_path, customers=300, seed=1, progress=lambda s, d, t: seen.append((s, d, t)))
    steps = [s for s, _, _ in seen]
    for step in ("simulate", "crm_clients.csv", "web_analytics.jsonl", "appels", "truth"):
        assert step in steps
    assert seen[-1] == ("truth", 1, 1)
    assert all(0 <= d <= t for _, d, t in seen)
