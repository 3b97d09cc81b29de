"""No silent row loss in delimited text (issue 14, item 2): every line of a file is accounted for.

Whatever the quotes, separators, line breaks and encodings, each non-blank line after the header
belongs to exactly one record, staged or rejected, and the records are what ``rows_read`` counts.
A quote left open past the limits of a quoted field, or to the end of the file, rejects its own
line only and reading resumes on the next one.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.ingest.readers import RawRead, ReadOptions, read_raw
from parcours.warehouse import Warehouse
from parcours.workspace import Workspace

CASES = Path(__file__).parent / "cases"
TRUST = CASES / "trust"
STAGING = "stg"
sys.path.insert(0, str(CASES))
import make_trust_cases  # noqa: E402  (the case writer lives beside the cases, not in a package)


@pytest.fixture(scope="module")
def wh() -> Iterator[Warehouse]:
    warehouse = Warehouse(None)
    yield warehouse
    warehouse.close()


def covered_lines(wh: Warehouse, read: RawRead) -> list[tuple[int, int]]:
    """The (first, last) physical lines of every record, staged or rejected, in order."""
    names = [r[0] for r in wh.fetchall(f"DESCRIBE {STAGING}")][1:]
    spans = []
    for row in wh.fetchall(f"SELECT * FROM {STAGING}"):
        breaks = sum(str(value).count("\n") for value in row[1:] if value is not None)
        spans.append((int(row[0]), int(row[0]) + breaks))
    assert len(names) == len(read.columns)
    spans += [(r.row, r.row + r.lines - 1) for r in read.rejects]
    return sorted(spans)


def assert_every_line_accounted_for(
    wh: Warehouse, data: bytes, read: RawRead, limit: int = 100
) -> None:
    staged = wh.fetchone(f"SELECT count(*) FROM {STAGING}")
    assert staged is not None
    assert staged[0] + len(read.rejects) == read.rows_read
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    spans = covered_lines(wh, read)
    seen: set[int] = set()
    for first, last in spans:
        assert last - first < limit, f"lines {first}-{last}: one record over more than {limit}"
        block = set(range(first, last + 1))
        assert not block & seen, f"lines {first}-{last} belong to two records"
        seen |= block
    assert all(2 <= n <= len(lines) for n in seen)
    not_blank = {n for n, line in enumerate(lines, start=1) if n > 1 and line not in (b"", b"\r")}
    assert not_blank <= seen, f"lines read by no record: {sorted(not_blank - seen)[:10]}"


SEPARATORS = [";", ",", "\t", "|"]
piece = st.sampled_from(['"', '""', "a", "é", "€", " ", "x y", "12,5", "\n", "\r\n", "\r", "SEP"])


@st.composite
def hostile_csv(draw: st.DrawFn) -> tuple[bytes, str, str | None]:
    sep = draw(st.sampled_from(SEPARATORS))
    width = draw(st.integers(2, 4))
    end = draw(st.sampled_from(["\n", "\r\n"]))
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        fields = [
            "".join(draw(st.lists(piece, max_size=4))).replace("SEP", sep)
            for _ in range(draw(st.integers(1, width + 1)))
        ]
        rows.append(sep.join(fields))
    text = (
        sep.join(f"c{i}" for i in range(width))
        + end
        + end.join(rows)
        + draw(st.sampled_from(["", end]))
    )
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    declared = draw(st.sampled_from([None, encoding]))
    return text.encode(encoding), sep, declared


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=hostile_csv(), limit=st.sampled_from([2, 3, 100]))
def test_every_line_of_a_hostile_csv_is_in_exactly_one_record(
    wh: Warehouse, case: tuple[bytes, str, str | None], limit: int
) -> None:
    data, sep, declared = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hostile.csv"
        path.write_bytes(data)
        options = ReadOptions(separator=sep, encoding=declared, quoted_max_lines=limit)
        read = read_raw(wh, path, options, STAGING)
    body = data.removeprefix(b"\xef\xbb\xbf")
    assert_every_line_accounted_for(wh, body, read, limit)


def test_the_issue_case_a_quote_on_line_6_of_10000_rows(wh: Warehouse, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(make_trust_cases.open_quote_rows(10_000), encoding="utf-8")
    read = read_raw(wh, path, ReadOptions(), STAGING)
    assert (read.rows_read, len(read.rejects)) == (10_000, 1)
    (reject,) = read.rejects
    assert (reject.row, reject.column, reject.lines) == (6, "Libellé", 1)
    assert reject.value == 'C00005;03/01/2026 09:15;Web;"achat 5;12,50'
    assert "found the end of the file" in reject.reason
    assert "line 6 is quarantined alone and reading resumes on line 7" in reject.reason
    assert wh.fetchall(f"SELECT __row, Libellé FROM {STAGING} WHERE __row IN (5, 7, 10001)") == [
        (5, "achat 4"),
        (7, "achat 6"),
        (10001, "achat 10000"),
    ]
    assert_every_line_accounted_for(wh, path.read_bytes(), read)


def test_a_quote_open_past_the_line_limit_rejects_its_line_only(wh: Warehouse) -> None:
    path = TRUST / "open_quote_limit.csv"
    read = read_raw(wh, path, ReadOptions(), STAGING)
    assert (read.rows_read, [(r.row, r.lines) for r in read.rejects]) == (299, [(3, 1)])
    assert read.rejects[0].reason.startswith(
        "expected a closing quote within 100 lines (read: quoted_max_lines), found none in "
        "lines 3-102: the quote that opens field 'Libellé' on line 3 is left open"
    )
    # Line 249 holds a well-quoted field with a separator in it: read as it should be.
    assert wh.fetchall(f"SELECT Libellé FROM {STAGING} WHERE __row = 249") == [("fermé; ici",)]
    tight = read_raw(wh, path, ReadOptions(quoted_max_bytes=50), STAGING)
    assert "within 50 bytes (read: quoted_max_bytes)" in tight.rejects[0].reason
    assert_every_line_accounted_for(wh, path.read_bytes(), read)


def test_a_quote_closed_within_the_limit_is_one_record_with_its_line_range(
    wh: Warehouse,
) -> None:
    read = read_raw(wh, TRUST / "open_quote_closed.csv", ReadOptions(), STAGING)
    (reject,) = read.rejects
    assert (read.rows_read, reject.row, reject.lines) == (3, 3, 3)
    assert reject.reason.endswith("(one record over lines 3-5)")
    assert reject.value.count("\n") == 2  # kept whole


def test_a_long_rejected_record_is_cut_with_its_length(wh: Warehouse, tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("a;b\n1;" + '"x"' + "y" * 100_000 + "\n2;z\n", encoding="utf-8")
    read = read_raw(wh, path, ReadOptions(), STAGING)
    (reject,) = read.rejects
    assert reject.value.endswith("… [cut: 100005 characters in all]")
    assert len(reject.value) < 70_000


def test_loads_count_every_record_of_the_issue_case(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(make_trust_cases.open_quote_rows(10_000), encoding="utf-8")
    (report,) = workspace.ingest([path], mapping=TRUST / "crm.yaml")
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (10_000, 9_999, 1)
    assert workspace.warehouse.count("interactions") == 9_999
    rows = workspace.quarantine().to_pandas()
    assert list(rows.row) == [6]
    assert list(rows.column) == ["Libellé"]


def test_the_limit_is_set_in_the_mapping(workspace: Workspace) -> None:
    mapping = TRUST / "crm.yaml"
    text = mapping.read_text(encoding="utf-8").replace(
        "source: crm\n", "source: crm\nread: {quoted_max_lines: 300}\n"
    )
    custom = workspace.root / "mappings" / "crm_300.yaml"
    custom.parent.mkdir(exist_ok=True)
    custom.write_text(text, encoding="utf-8")
    (report,) = workspace.ingest([TRUST / "open_quote_limit.csv"], mapping=custom)
    # With room for 300 lines, the stray quote of line 3 closes on line 249: one bad record.
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (53, 52, 1)
