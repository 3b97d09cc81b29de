"""French formats and identifier spellings, coerced inside the engine."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.ingest import _coerce as sql
from parcours.ingest._mapping import ColumnSpec
from parcours.warehouse import Warehouse


@pytest.fixture(scope="module")
def wh() -> Warehouse:
    return Warehouse(None, timezone="Europe/Paris")


def _eval(wh: Warehouse, expr_of, text: str | None):
    raw = "NULL" if text is None else sql.lit(text)
    row = wh.fetchone("SELECT " + expr_of(f"NULLIF(trim({raw}), '')"))
    assert row is not None
    return row[0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1234,56", 1234.56),
        ("1 234,56", 1234.56),
        ("1\u00a0234,56", 1234.56),
        ("1\u202f234,5 €", 1234.5),
        ("1.234,56", 1234.56),
        ("1,234.56", 1234.56),
        ("12,5", 12.5),
        ("-3", -3.0),
        (",5", 0.5),
        ("54,90 EUR", 54.9),
        ("1e3", 1000.0),
        ("abc", None),
        ("12,34,5", None),
        ("", None),
    ],
)
def test_decimal_reads_french_and_english_numbers(wh, text, value):
    assert _eval(wh, sql.decimal, text) == value


@settings(max_examples=60, deadline=None)
@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_decimal_round_trips_french_writing(wh, number):
    whole, _, cents = f"{abs(number):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    french = ("-" if number < 0 else "") + "\u202f".join(groups) + "," + cents
    assert _eval(wh, sql.decimal, french) == pytest.approx(float(number))


def test_datetime_reads_naive_text_in_the_mapping_zone(wh):
    expr = lambda raw: sql.datetime(raw, ["%d/%m/%Y %H:%M", "%d/%m/%Y"], "Europe/Paris")  # noqa: E731
    summer = _eval(wh, expr, "14/07/2026 10:30")
    assert summer.astimezone(dt.UTC) == dt.datetime(2026, 7, 14, 8, 30, tzinfo=dt.UTC)
    winter = _eval(wh, expr, "23/11/2026")
    assert winter.astimezone(dt.UTC) == dt.datetime(2026, 11, 22, 23, 0, tzinfo=dt.UTC)
    iso = _eval(wh, expr, "2026-11-23T10:00:00Z")
    assert iso.astimezone(dt.UTC) == dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
    offset = _eval(wh, expr, "2026-11-23 10:00:00+02:00")
    assert offset.astimezone(dt.UTC) == dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
    assert _eval(wh, expr, "31/02/2025") is None
    assert _eval(wh, expr, "demain") is None


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("phone", "06 12 34 56 78", "+33612345678"),
        ("phone", "+33 6 12 34 56 78", "+33612345678"),
        ("phone", "+33 (0)6 12 34 56 78", "+33612345678"),
        ("phone", "0033612345678", "+33612345678"),
        ("phone", "06.12.34.56.78", "+33612345678"),
        ("phone", "+44 20 7946 0958", "+442079460958"),
        ("phone", "12", None),
        ("email", "  Marie.Dupont@Exemple.FR ", "marie.dupont@exemple.fr"),
        ("email", "marie.dupont", None),
        ("crm_id", "C000123", "C000123"),
    ],
)
def test_identifiers_are_normalised(wh, kind, text, value):
    assert _eval(wh, lambda raw: sql.normalised_identifier(kind, raw), text) == value


def test_booleans_and_recoding(wh):
    spec = ColumnSpec.model_validate({"from": "x", "type": "boolean"})
    assert _eval(wh, lambda raw: sql.typed(raw, spec, "boolean", "UTC"), "Oui") is True
    assert _eval(wh, lambda raw: sql.typed(raw, spec, "boolean", "UTC"), "non") is False
    assert _eval(wh, lambda raw: sql.typed(raw, spec, "boolean", "UTC"), "peut-être") is None
    recode = ColumnSpec.model_validate({"from": "x", "values": {"Agence": "agency"}})
    assert _eval(wh, lambda raw: sql.typed(raw, recode, "string", "UTC"), "agence ") == "agency"
    assert _eval(wh, lambda raw: sql.typed(raw, recode, "string", "UTC"), "Fax") is None


def test_integer_refuses_fractions(wh):
    spec = ColumnSpec.model_validate({"from": "x", "type": "integer"})
    assert _eval(wh, lambda raw: sql.typed(raw, spec, "integer", "UTC"), "1 200") == 1200
    assert _eval(wh, lambda raw: sql.typed(raw, spec, "integer", "UTC"), "2,5") is None
