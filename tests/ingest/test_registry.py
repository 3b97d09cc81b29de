"""The reader registry: one reader per format, chosen by the declared format or the extension."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcours.errors import IngestError
from parcours.ingest import readers
from parcours.ingest.readers import FORMATS, READERS, SUFFIXES, ReadOptions, format_of, reader_for


def test_every_format_has_exactly_one_reader() -> None:
    for fmt in FORMATS:
        assert [r for r in READERS if fmt in r.formats] == [reader_for(fmt)]


def test_every_extension_names_a_format_its_reader_reads() -> None:
    for suffix, fmt in SUFFIXES.items():
        assert suffix in reader_for(fmt).suffixes
        assert format_of(Path(f"export{suffix.upper()}"), ReadOptions()) == fmt


@pytest.mark.parametrize(
    ("name", "declared", "expected"),
    [
        ("a.tsv", None, "tsv"),
        ("a.txt", None, "csv"),
        ("a.json", None, "jsonl"),
        ("a.ods", None, "xlsx"),
        ("a.data", " CSV ", "csv"),
    ],
)
def test_the_format_comes_from_the_declaration_then_the_extension(
    name: str, declared: str | None, expected: str
) -> None:
    assert format_of(Path(name), ReadOptions(format=declared)) == expected


def test_an_unknown_extension_or_format_is_refused_with_what_is_known() -> None:
    with pytest.raises(IngestError, match=r"cannot tell the format of a\.data: expected one of"):
        format_of(Path("a.data"), ReadOptions())
    with pytest.raises(IngestError, match=r"expected a format among csv, tsv, xlsx"):
        format_of(Path("a.csv"), ReadOptions(format="xml"))


def test_no_reader_module_outgrows_600_lines() -> None:
    folder = Path(readers.__file__).parent
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in folder.glob("*.py")}
    assert sizes
    assert {name: n for name, n in sizes.items() if n > 600} == {}
