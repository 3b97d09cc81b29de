"""`parcours.export.write_csv`: no cell a spreadsheet would run, numbers kept, two dialects."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.errors import ParcoursError
from parcours.export import (
    CSV_DIALECTS,
    FORMULA_STARTS,
    csv_dialect_for,
    neutralise,
    read_csv_export,
    write_csv,
)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("a=b", "a=b"),
        ("", ""),
        (-12.5, -12.5),
        (None, None),
    ],
)
def test_neutralise(value, written):
    assert neutralise(value) == written


def test_excel_fr_is_bom_semicolon_decimal_comma_and_crlf(tmp_path):
    frame = pd.DataFrame(
        {"name": ["=1+1", "Zoé"], "amount": [-12.5, 3.25], "n": [1, -2], "mixed": [-0.5, "-x"]}
    )
    path = write_csv(frame, tmp_path / "sub" / "f.csv", dialect="excel-fr")
    assert path.read_bytes() == (
        "\ufeffname;amount;n;mixed\r\n'=1+1;-12,5;1;-0,5\r\nZoé;3,25;-2;'-x\r\n".encode()
    )
    back = read_csv_export(path, dialect="excel-fr")
    assert back["amount"].tolist() == [-12.5, 3.25]
    assert back["n"].tolist() == [1, -2]
    assert back["name"].tolist() == ["'=1+1", "Zoé"]


def test_rfc4180_is_plain_utf8_comma_and_point(tmp_path):
    frame = pd.DataFrame({"name": ["@x", "a,b"], "amount": [-12.5, 3.0]})
    path = write_csv(frame, tmp_path / "f.csv", dialect="rfc4180")
    assert path.read_bytes() == b'name,amount\r\n\'@x,-12.5\r\n"a,b",3.0\r\n'


def test_a_stream_gets_no_bom_and_column_names_are_cells_too():
    buffer = io.StringIO()
    assert write_csv(pd.DataFrame({"=cmd": [1]}), buffer, dialect="excel-fr") is None
    assert buffer.getvalue() == "'=cmd\r\n1\r\n"


def test_the_dialect_by_language_and_by_setting():
    assert csv_dialect_for("fr") == "excel-fr"
    assert csv_dialect_for("en") == "rfc4180"
    assert csv_dialect_for("fr", "rfc4180") == "rfc4180"
    with pytest.raises(ParcoursError, match="expected one of excel-fr, rfc4180, found 'tsv'"):
        csv_dialect_for("fr", "tsv")


_TEXT = st.text(alphabet="ab =+-@\t\r;,\"'\n é", min_size=1, max_size=10).filter(
    lambda s: any(c in s for c in "abé")
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(_TEXT, st.floats(-1e6, 1e6, allow_nan=False), st.integers(-(10**9), 10**9)),
        min_size=1,
        max_size=6,
    ),
    dialect=st.sampled_from(CSV_DIALECTS),
)
def test_read_back_numbers_are_equal_and_no_text_cell_is_live(tmp_path, rows, dialect):
    frame = pd.DataFrame(rows, columns=["text", "amount", "count"])
    path = write_csv(frame, tmp_path / "p.csv", dialect=dialect)
    back = read_csv_export(path, dialect=dialect)
    assert back["amount"].tolist() == pytest.approx(frame["amount"].tolist(), rel=1e-12)
    assert back["count"].tolist() == frame["count"].tolist()
    for original, read in zip(frame["text"], back["text"].astype(str), strict=True):
        assert not read.startswith(FORMULA_STARTS)
        assert read == ("'" + original if original.startswith(FORMULA_STARTS) else original)
