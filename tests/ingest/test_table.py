"""`parcours.ingest.read_table`: the one reader of a user's table file (CSV, xlsx, Parquet, JSONL)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.errors import IngestError
from parcours.ingest import read_table

EXPECTED = pd.DataFrame(
    {
        "customer_id": ["007", "012", "100"],
        "name": ["Éloïse", 'Zoé; "la" grande', "Noël"],
        "score": [9, 4, 10],
        "amount": [12.5, -3.0, None],
    }
)


def _csv(sep: str) -> str:
    return (
        f"customer_id{sep}name{sep}score{sep}amount\n"
        f"007{sep}Éloïse{sep}9{sep}12.5\n"
        f'012{sep}"Zoé; ""la"" grande"{sep}4{sep}-3\n'
        f"100{sep}Noël{sep}10{sep}\n"
    )


def _check(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == list(EXPECTED.columns)
    assert frame["customer_id"].tolist() == ["007", "012", "100"]
    assert frame["name"].tolist() == EXPECTED["name"].tolist()
    assert frame["score"].tolist() == [9, 4, 10]
    assert frame["amount"].iloc[:2].tolist() == [12.5, -3.0]
    assert pd.isna(frame["amount"].iloc[2])


@pytest.mark.parametrize("sep", [";", ",", "\t", "|"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_separator_and_encoding_are_sniffed(tmp_path, sep, encoding):
    path = tmp_path / "answers.csv"
    path.write_bytes(_csv(sep).encode(encoding))
    _check(read_table(path, text_columns=["customer_id"]))


def test_without_text_columns_ids_are_typed_as_pandas_would(tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text(_csv(";"), encoding="utf-8")
    assert read_table(path)["customer_id"].tolist() == [7, 12, 100]


def test_mixed_utf8_and_cp1252_lines_are_each_read_right(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes("id;name\n1;Éloïse\n".encode() + "2;Noël\n".encode("cp1252"))
    assert read_table(path)["name"].tolist() == ["Éloïse", "Noël"]


def test_given_separator_and_encoding_win(tmp_path):
    path = tmp_path / "odd.txt"
    path.write_bytes("a,b:c\n1,2:3\n".encode("latin-1"))
    frame = read_table(path, sep=":", encoding="latin-1")
    assert list(frame.columns) == ["a,b", "c"]
    assert frame["c"].tolist() == [3]


def test_xlsx_parquet_jsonl_and_json(tmp_path):
    frame = EXPECTED.copy()
    with pd.ExcelWriter(tmp_path / "t.xlsx") as writer:
        frame.head(1).to_excel(writer, sheet_name="other", index=False)
        frame.to_excel(writer, sheet_name="answers", index=False)
    frame.to_parquet(tmp_path / "t.parquet")
    (tmp_path / "t.jsonl").write_text(frame.to_json(orient="records", lines=True), "utf-8")
    (tmp_path / "t.json").write_text(frame.to_json(orient="records"), "utf-8")
    for name, kwargs in [
        ("t.xlsx", {"sheet": "answers"}),
        ("t.xlsx", {"sheet": 1}),
        ("t.parquet", {}),
        ("t.jsonl", {}),
        ("t.json", {}),
    ]:
        _check(read_table(tmp_path / name, text_columns=["customer_id"], **kwargs))
    assert len(read_table(tmp_path / "t.xlsx")) == 1  # the first sheet by default


def test_a_line_ending_with_a_separator_is_read(tmp_path):
    path = tmp_path / "trailing.csv"
    path.write_text("a;b\n1;2;\n3;4;\n", encoding="utf-8")
    assert read_table(path).to_dict("list") == {"a": [1, 3], "b": [2, 4]}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "gone.csv",
            None,
            "expected a table file (CSV, xlsx, Parquet or JSON lines), found nothing",
        ),
        ("empty.csv", "\n\n", "empty.csv: expected a header line, found an empty file"),
        (
            "short.csv",
            "a;b;c\n1;2;3\n4;5\n",
            "short.csv, line 3: expected 3 fields separated by ';'",
        ),
        ("long.csv", "a;b\n1;2\n3;4;5\n", "long.csv, line 3: expected 2 fields separated by ';'"),
        (
            "stray.csv",
            'a;b\n1;x\n2;"oops\n3;y\n4;z\n',
            'stray.csv, line 3: expected the quoted field 2 (it starts with ") to close, found '
            "no closing quote up to the end of the file",
        ),
        ("after.csv", 'a;b\n1;"x"y\n', "after.csv, line 2: expected ';' or the end of the line"),
        ("dup.csv", "a;a\n1;2\n", "dup.csv, line 1: expected unique column names, found 'a' twice"),
        ("broken.jsonl", '{"a": 1}\n{"a": \n', "broken.jsonl, line 2: expected one JSON object"),
        (
            "list.jsonl",
            '{"a": 1}\n[1, 2]\n',
            "list.jsonl, line 2: expected a JSON object, found list",
        ),
        ("null.json", "[{}, null]", "null.json: item 2: expected a JSON object, found null"),
        ("bad.parquet", "not parquet", "bad.parquet: expected a Parquet file"),
        ("bad.xlsx", "not a workbook", "bad.xlsx: expected an xlsx workbook"),
    ],
)
def test_bad_files_are_refused_with_file_and_line(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        read_table(path)
    assert message in str(caught.value)


def test_a_missing_sheet_names_the_sheets(tmp_path):
    EXPECTED.to_excel(tmp_path / "t.xlsx", sheet_name="answers", index=False)
    with pytest.raises(IngestError, match="expected a sheet among answers, found 'nope'"):
        read_table(tmp_path / "t.xlsx", sheet="nope")


def test_an_unnamed_column_is_named_as_pandas_names_it(tmp_path):
    path = tmp_path / "index.csv"
    pd.DataFrame({"a": [1, 2]}).to_csv(path)
    assert list(read_table(path).columns) == ["Unnamed: 0", "a"]


def test_a_quoted_field_on_several_lines_is_one_value(tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text('id;text\n1;"first line\nsecond; line"\n2;plain\n', encoding="utf-8")
    frame = read_table(path)
    assert frame["text"].tolist() == ["first line\nsecond; line", "plain"]


_CELL = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"'), max_size=12
).filter(lambda s: s.strip() == s and s != "")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.tuples(_CELL, _CELL), min_size=1, max_size=8),
    sep=st.sampled_from([";", ",", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_what_pandas_writes_reads_back_the_same(tmp_path, rows, sep, encoding):
    frame = pd.DataFrame(rows, columns=["left", "right"], dtype="object")
    path = tmp_path / "round.csv"
    frame.to_csv(path, sep=sep, index=False, encoding=encoding)
    back = read_table(path, text_columns=["left", "right"], sep=sep)
    assert back.to_dict("list") == frame.to_dict("list")
