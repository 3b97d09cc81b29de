"""Sniffing: encodings over the whole file, separators from the first records, the record grammar."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parcours.ingest._sniff import (
    MIXED,
    OpenQuoteError,
    RecordError,
    bom_encoding,
    cp1252_to_utf8,
    decode_cp1252,
    is_utf8,
    iter_records,
    sniff_encoding,
    sniff_separator,
    split_record,
)

CASES = Path(__file__).parent / "cases"


# -- the record grammar (DuckDB's, with quote = escape = '"' and strict mode) ----------------------


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("a;b;c", ["a", "b", "c"]),
        ("", [""]),
        (";;", ["", "", ""]),
        ('"Dupont; fils";x', ["Dupont; fils", "x"]),
        ('"il a dit ""non""";x', ['il a dit "non"', "x"]),
        ('"";x', ["", "x"]),
        (' "entre"  ;x', ["entre", "x"]),  # one space before a quote, any after: they go
        ('  "deux"  ;x', ['  "deux"  ', "x"]),  # two spaces before: not a quoted field
        ("  libre  ;x", ["  libre  ", "x"]),  # around unquoted text spaces stay
        ('ab"c;x', ['ab"c', "x"]),  # a quote inside unquoted text is text
        ('"a"  "b" ;x', ["a  b", "x"]),  # DuckDB goes on after spaces and a quote
        ('\t"q";x', ['\t"q"', "x"]),  # only spaces may precede an opening quote
        ('"multi\nligne";x', ["multi\nligne", "x"]),
        ('"a\r\nb"', ["a\r\nb"]),
    ],
)
def test_split_record_follows_duckdb_grammar(text: str, fields: list[str]) -> None:
    assert split_record(text, ";") == fields


def test_split_record_refuses_text_after_a_closing_quote() -> None:
    with pytest.raises(RecordError) as caught:
        split_record('1;"fermé"trop tôt;x', ";")
    assert caught.value.field == 1
    assert caught.value.reason == (
        "expected ';' or the end of the line after the closing quote of field 2, found 'trop tôt;x'"
    )
    assert not isinstance(caught.value, OpenQuoteError)


def test_split_record_says_when_a_quote_stays_open() -> None:
    with pytest.raises(OpenQuoteError) as caught:
        split_record('1;"ouvert\nencore', ";")
    assert caught.value.field == 1


def test_iter_records_skips_blank_lines_and_follows_quoted_line_breaks() -> None:
    lines = ["a;b\n", "\n", '1;"x\n', 'y"\n', "\r\n", "2;3\r\n", '4;"jamais fermé\n', "5;6\n"]
    found = [(r.line, r.lines, r.fields, r.problem is not None) for r in iter_records(lines, ";")]
    assert found == [
        (0, 1, ["a", "b"], False),
        (2, 2, ["1", "x\ny"], False),
        (5, 1, ["2", "3"], False),
        (6, 2, None, True),
    ]


# -- separators ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "separator"),
    [
        (["a;b;c\n", "1;2,5;3\n", "4;5,5;6\n"], ";"),  # French decimals do not make ',' win
        (["a,b,c\n", "1,2.5,3\n", '4,"x;y",6\n'], ","),
        (["a\tb\n", "1\t2\n"], "\t"),
        (["a|b|c\n", "1|2|3\n"], "|"),
        # One comma per line everywhere: ',' is regular too, but ';' gives more fields.
        (["Montant (€, TTC);b;c\n", "1,5;2;3\n", "2,5;3;4\n"], ";"),
        # Quoted separators do not count.
        (['nom;"ville, pays"\n', '"Dupont, Jean";"Lyon, France"\n'], ";"),
    ],
)
def test_sniff_separator_picks_the_regular_candidate(lines: list[str], separator: str) -> None:
    assert sniff_separator(lines, complete=True) == separator


def test_sniff_separator_holds_on_a_messy_semicolon_file() -> None:
    # DuckDB's own sniffer picked '|' on a file like this one.
    lines = (CASES / "crm_hostile.csv").read_bytes().decode("utf-8", "replace").splitlines(True)
    assert sniff_separator(lines, complete=True) == ";"


def test_sniff_separator_ignores_a_cut_last_line() -> None:
    lines = ["a;b\n", "1;2\n", "3;4\n", "5"]
    assert sniff_separator(lines, complete=False) == ";"


def test_a_single_column_gets_a_separator_absent_from_it() -> None:
    assert sniff_separator(["email\n", "a@b.fr\n"], complete=True) == ";"
    assert sniff_separator(["verbatim\n", "bien; vraiment\n"], complete=True) == ","


# -- encodings ----------------------------------------------------------------------------------


def test_bom_encoding() -> None:
    assert bom_encoding(codecs.BOM_UTF8 + b"a") == ("utf-8-sig", 3)
    assert bom_encoding(codecs.BOM_UTF16_LE + b"a\x00") == ("utf-16", 2)
    assert bom_encoding(b"a;b") == (None, 0)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"a;b\n1;2\n", "utf-8"),
        ("a;b\nRémi;Zoé\n".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "a;b\nRémi;2\n".encode(), "utf-8-sig"),
        ("a;b\nRémi;l’été\n".encode("cp1252"), "cp1252"),
        (b"a;b\n" + "Rémi;1\n".encode("cp1252") + "Zoé;2\n".encode(), MIXED),
        (codecs.BOM_UTF8 + b"a;b\n" + "Rémi;1\n".encode("cp1252"), MIXED),
        (codecs.BOM_UTF16_LE + "a;b\n".encode("utf-16-le"), "utf-16"),
    ],
)
def test_sniff_encoding(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    assert sniff_encoding(path) == encoding


def test_sniff_encoding_reads_the_whole_file_in_chunks(tmp_path: Path) -> None:
    # UTF-8 for many chunks, then one cp1252 line near the end: mixed.
    path = tmp_path / "f.csv"
    path.write_bytes("Zoé;1\n".encode() * 5000 + "Rémi;2\n".encode("cp1252") + b"x;3\n")
    assert sniff_encoding(path, chunk_size=1024) == MIXED
    path.write_bytes(b"plain;1\n" * 5000 + "Rémi;2\n".encode("cp1252"))
    assert sniff_encoding(path, chunk_size=1024) == "cp1252"
    path.write_bytes("Zoé;1\n".encode() * 5000)
    assert sniff_encoding(path, chunk_size=1000) == "utf-8"  # chunks never cut a character


def test_sniff_encoding_is_not_fooled_by_cp1252_pairs_that_look_like_utf8(tmp_path: Path) -> None:
    # 'é' then '’' in cp1252 is E9 92: a lead byte and a continuation byte, but not valid UTF-8.
    path = tmp_path / "f.csv"
    path.write_bytes("a\nné’\n".encode("cp1252"))
    assert sniff_encoding(path) == "cp1252"


def test_is_utf8() -> None:
    assert is_utf8(b"plain")
    assert is_utf8("Zoé".encode())
    assert not is_utf8(b"R\xe9mi")
    assert not is_utf8("é".encode()[:1])


@given(st.binary(max_size=200))
def test_cp1252_decoding_never_fails_and_both_ways_agree(data: bytes) -> None:
    text = decode_cp1252(data)
    assert len(text) == len(data)
    assert cp1252_to_utf8(data) == text.encode("utf-8")


def test_cp1252_reads_the_undefined_bytes_as_latin1() -> None:
    assert decode_cp1252(b"\x80\x81\x92\x9c\xe9") == "€\x81’œé"
