"""A fresh clone runs every test: the reference data is in the repository, nothing reads ../shared."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).parent
REFERENCE = TESTS / "cases" / "reference"


def test_no_test_reads_outside_the_repository() -> None:
    outside = re.compile(r"""["'/]shared["'/]|\.\./shared""")
    offenders = [
        f"{path.relative_to(TESTS)}:{number}"
        for path in sorted(TESTS.rglob("*.py"))
        if path.name != Path(__file__).name
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if outside.search(line)
    ]
    assert offenders == []


def test_every_vendored_file_is_described_with_its_source_and_licence() -> None:
    readme = (REFERENCE / "README.md").read_text(encoding="utf-8")
    files = sorted(p.relative_to(REFERENCE).as_posix() for p in REFERENCE.rglob("*") if p.is_file())
    files.remove("README.md")
    assert len(files) == 7
    for name in files:
        row = next((line for line in readme.splitlines() if f"`{name}`" in line), None)
        assert row is not None, f"{name} is not in the README"
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        assert len(cells) == 5, f"{name}: expected file, what, source, licence, figures"
        assert cells[2], f"{name}: expected its source"
        assert cells[3], f"{name}: expected its licence"
    assert sum(p.stat().st_size for p in REFERENCE.rglob("*")) < 1_000_000  # keep the repo lean
