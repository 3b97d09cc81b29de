"""The inline-SVG charts: valid XML, text alternatives, numbers per language, readable colours."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.render import charts

SVG = "{http://www.w3.org/2000/svg}"
NNBSP = "\u202f"


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def _accessible(markup: str) -> ET.Element:
    root = _parse(markup)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None
    assert title.text
    assert desc is not None
    assert desc.text
    labelled = root.get("aria-labelledby", "").split()
    assert labelled == [title.get("id"), desc.get("id")]
    return root


def _texts(root: ET.Element) -> str:
    return " ".join("".join(node.itertext()) for node in root.iter(f"{SVG}text"))


MATRIX = pd.DataFrame(
    {
        "stage": ["compare", "compare", "quote", "quote", "subscribe"],
        "channel": ["web", "phone", "web", "phone", "agency"],
        "interactions": [12345, 678, 4500, 120.5, 9],
    }
)


def _every_chart(lang: str) -> dict[str, str]:
    return {
        "heatmap": charts.heatmap(
            MATRIX, "stage", "channel", "interactions", title="Matrice", lang=lang
        ),
        "bars": charts.bars(
            ["compare", "quote"],
            [1234.5, -12.0],
            low=[1000.0, -30.0],
            high=[1500.0, 4.0],
            notes=["n = 40", "n = 12"],
            weak=[False, True],
            title="NPS",
            lang=lang,
        ),
        "funnel": charts.funnel(["a", "b", "c"], [5000, 2300, 1150], title="Entonnoir", lang=lang),
        "line": charts.line(
            ["a", "b", "c"],
            {"as-is": [0.5, None, -1.5], "to-be": [1.0, 1.0, 0.5]},
            highlight=[1],
            title="Émotion",
            lang=lang,
        ),
        "sankey": charts.sankey(
            [("a", "b", 3000), ("b", "c", 1234.5), ("a", "c", 400), ("c", "b", 20)],
            title="Chemins",
            lang=lang,
        ),
        "flow": charts.flow(
            [("active", "active", 800), ("active", "lost", 100), ("lost", "active", 30)],
            title="Transitions",
            lang=lang,
            before="2025",
            after="2026",
        ),
        "stacked": charts.stacked(
            ["T1", "T2"], {"active": [500, 1234.5], "lost": [40, 60]}, title="États", lang=lang
        ),
    }


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_chart_is_valid_svg_with_a_text_alternative(lang):
    for name, markup in _every_chart(lang).items():
        root = _accessible(markup)
        assert float(root.get("width", 0)) > 0, name
        assert float(root.get("height", 0)) > 0, name


def test_numbers_are_written_the_french_and_the_english_way():
    fr = _every_chart("fr")
    en = _every_chart("en")
    for name in ("bars", "sankey", "stacked"):
        fr_root, en_root = _parse(fr[name]), _parse(en[name])
        fr_text = _texts(fr_root) + fr_root.find(f"{SVG}desc").text
        en_text = _texts(en_root) + en_root.find(f"{SVG}desc").text
        assert f"1{NNBSP}234,5" in fr_text, name
        assert "1,234.5" in en_text, name
        assert "1,234.5" not in fr_text, name
    assert f"12{NNBSP}345" in _texts(_parse(fr["heatmap"]))
    assert "12,345" in _texts(_parse(en["heatmap"]))
    # shares kept between funnel steps: 2 300 / 5 000
    assert f"46,0{NNBSP}%" in _texts(_parse(fr["funnel"]))
    assert "46.0%" in _texts(_parse(en["funnel"]))
    # the emotion curve signs its values and keeps the gap of a missing point
    assert "+0,5" in _texts(_parse(fr["line"]))
    assert "+0.5" in _texts(_parse(en["line"]))
    assert "b: —" in _parse(en["line"]).find(f"{SVG}desc").text


def test_intervals_are_drawn_and_described():
    root = _parse(_every_chart("fr")["bars"])
    desc = root.find(f"{SVG}desc").text
    assert f"1{NNBSP}234,5 [1{NNBSP}000 ; 1{NNBSP}500]" in desc
    en = _parse(_every_chart("en")["bars"]).find(f"{SVG}desc").text
    assert "1,234.5 [1,000, 1,500]" in en
    # a small sample is hatched, not plain
    assert "url(#" in _every_chart("fr")["bars"]


def test_heatmap_text_reads_on_its_cell_colour():
    root = _parse(charts.heatmap(MATRIX, "stage", "channel", "interactions", title="M", lang="fr"))
    children = list(root)
    checked = 0
    for i, node in enumerate(children):
        if node.tag == f"{SVG}rect" and node.get("height") == "34.0":
            label = children[i + 1]
            assert label.tag == f"{SVG}text"
            assert charts.contrast_ratio(label.get("fill"), node.get("fill")) >= 4.5
            checked += 1
    assert checked == 9  # 3 stages x 3 channels, missing cells included


def test_heatmap_accepts_wide_tables_and_polars():
    wide = MATRIX.pivot(index="stage", columns="channel", values="interactions")
    root = _accessible(charts.heatmap(wide, title="M", lang="en"))
    assert "12,345" in _texts(root)
    root = _accessible(
        charts.heatmap(
            pl.from_pandas(MATRIX), "stage", "channel", "interactions", title="M", lang="en"
        )
    )
    assert "4,500" in _texts(root)


def test_sankey_with_no_flow_says_so_and_cycles_do_not_loop():
    root = _accessible(charts.sankey([], title="Vide", lang="fr"))
    assert "—" in _texts(root)
    cyclic = [("a", "b", 5), ("b", "a", 3), ("b", "b", 1)]
    root = _accessible(charts.sankey(cyclic, title="Cycle", lang="fr"))
    assert "b → a" in root.find(f"{SVG}desc").text


def test_table_html_formats_numbers_dates_and_shares():
    frame = pd.DataFrame(
        {
            "stage": ["quote", "subscribe"],
            "customers": [12345, 7],
            "conversion": [0.4567, None],
            "day": pd.to_datetime(["2026-11-23", "2026-01-02"]),
        }
    )
    fr = charts.table_html(frame, "fr", percent_columns=["conversion"], caption="Passage")
    root = _parse(fr)
    text = " ".join(root.itertext())
    assert f"12{NNBSP}345" in text
    assert f"45,7{NNBSP}%" in text
    assert "23/11/2026" in text
    assert "—" in text  # a missing share
    en = " ".join(_parse(charts.table_html(frame, "en", percent_columns=["conversion"])).itertext())
    assert "12,345" in en
    assert "45.7%" in en
    assert "2026-11-23" in en


def test_text_is_escaped():
    root = _accessible(charts.bars(["<b>&co"], [1], title="a < b & c", lang="en"))
    assert "<b>&co" in _texts(root)


@given(st.from_regex(r"#[0-9a-f]{6}", fullmatch=True))
def test_ink_always_reads_on_any_background(colour):
    assert charts.contrast_ratio(charts.ink_for(colour), colour) >= 4.5


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_ramps_give_palette_colours(value):
    assert charts.ramp_colour(abs(value), 1e6) in charts.SEQUENTIAL
    assert charts.diverging_colour(value, 1e6) in charts.DIVERGING


@given(st.text(min_size=0, max_size=200), st.integers(min_value=30, max_value=400))
def test_wrapped_lines_fit(text, width):
    lines = charts.wrap(text, width, 12)
    for line in lines:
        assert charts.text_width(line, 12) <= width or len(line) <= 2
    assert "".join("".join(lines).split()).replace("-", "") == "".join(text.split()).replace(
        "-", ""
    )


def test_contrast_ratio_known_values():
    assert charts.contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert charts.contrast_ratio("#777777", "#777777") == pytest.approx(1)


def test_wrap_never_cuts_a_number_at_its_thousands_space():
    lines = charts.wrap(f"mesurée (enquêtes, n = 1{NNBSP}669)", 60, 10)
    assert any(f"1{NNBSP}669" in line for line in lines)


labels_st = st.lists(st.text(max_size=40), min_size=1, max_size=8)
values_st = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


@settings(max_examples=30, deadline=None)
@given(labels_st, st.data())
def test_charts_stay_well_formed_whatever_the_texts_and_numbers(labels, data):
    values = data.draw(st.lists(values_st, min_size=len(labels), max_size=len(labels)))
    positive = [abs(v) for v in values]
    lang = data.draw(st.sampled_from(["fr", "en"]))
    _accessible(charts.bars(labels, values, title=labels[0] or "b", lang=lang))
    _accessible(charts.funnel(labels, positive, title="f", lang=lang))
    _accessible(charts.line(labels, [max(-2, min(2, v)) for v in values], title="l", lang=lang))
    edges = [(a, b, v) for a, b, v in zip(labels, labels[1:], positive, strict=False)]
    _accessible(charts.sankey(edges, title="s", lang=lang))
    frame = pd.DataFrame({"r": labels, "c": labels[::-1], "v": values})
    _accessible(charts.heatmap(frame, "r", "c", "v", title="h", lang=lang))
    _parse(charts.table_html(frame, lang))


def test_signed_values_never_show_minus_zero():
    assert charts.signed(-0.04, "fr") == "0,0"
    assert charts.signed(0.04, "en") == "0.0"
    assert charts.signed(1.46, "fr") == "+1,5"
    assert charts.signed(-0.3, "en") == "-0.3"
