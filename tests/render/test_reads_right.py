"""What a CX director reads on the demo's map and report: their language, definitions, no raw ids."""

from __future__ import annotations

import re

import pytest

from parcours.render import collect_sections, map_data
from parcours.voc import detect_lang
from parcours.workspace import Workspace


@pytest.fixture(scope="module")
def demo(demo_workspace):
    ws = Workspace.open(demo_workspace)
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def french(demo):
    return {s.key: s for s in collect_sections(demo, demo.journey(), "fr")}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_map_quotes_are_in_the_maps_language(demo, lang):
    from parcours.voc import journey_voc

    ranking = journey_voc(demo, demo.journey()).ranking
    heard: dict[str, list[str]] = {}  # every verbatim the voc ranking offers, by stage
    for row in ranking.itertuples(index=False):
        heard.setdefault(row.stage, []).extend(row.examples)
    (data,) = map_data(demo, demo.journey(), lang=lang)
    checked = 0
    for stage in data.stages:
        offered = [q for q in heard.get(stage.id, []) if detect_lang(q) == lang]
        for f in (*stage.irritants, *stage.enchantments):
            if f.from_model or not f.verbatim or not offered:
                continue
            mine = [q for q in offered if q in _examples_of(ranking, stage.id, f)]
            if mine:
                checked += 1
                assert detect_lang(f.verbatim) == lang, (stage.id, f.verbatim)
    assert checked >= 5


def _examples_of(ranking, stage: str, finding) -> list[str]:
    """The verbatims of the ranking rows of one stage and kind whose examples hold the quote's
    theme (the row whose example the map shows, or a row of the same theme)."""
    rows = ranking[(ranking["stage"] == stage) & (ranking["kind"] == finding.kind)]
    themes = {r.theme for r in rows.itertuples() if finding.verbatim in r.examples}
    same = rows[rows["theme"].isin(themes)]
    return [q for ex in same["examples"] for q in ex]


def test_map_findings_say_mention_in_the_singular_and_no_raw_weight(demo):
    (data,) = map_data(demo, demo.journey(), lang="fr")
    texts = [f.weight_text for s in data.stages for f in (*s.irritants, *s.enchantments)]
    assert not any(re.search(r"\b1 mentions\b", x) for x in texts), texts
    assert not any(re.search(r"poids \d", x) for x in texts), texts  # a raw weight: meaningless


def test_report_rankings_show_an_index_with_its_definition_and_quotes_in_french(french):
    irritants = french["voc_irritants"]
    assert "indice" in irritants.html
    assert "indice" in irritants.reading  # defined in the reading
    shares = re.findall(r"<td>(\d+(?:,\d)?)\u202f%</td>", irritants.html)
    assert shares
    enchantments = french["voc_enchantments"]
    quotes = re.findall(r"« (.+?) »", enchantments.html)
    assert quotes
    assert all(detect_lang(q) == "fr" for q in quotes), quotes


def test_durations_read_as_days_and_hours_and_the_two_losses_are_reconciled(french):
    timing = french["analytics_timing"].reading
    assert re.search(r"\d+\u00a0j", timing), timing  # « 58 j », not « 58,0 jours »
    assert not re.search(r"\d,\d jours", timing), timing
    blocking = french["analytics_blocking_points"].reading
    assert not re.search(r"\d,\d jours", blocking), blocking
    assert "entonnoir" in blocking  # the difference with the funnel's loss is stated


def test_the_demo_compares_its_as_is_and_to_be_maps_in_full(demo):
    assert len(demo.journey_files()) == 2  # as-is and to-be side by side
    (data,) = map_data(demo, demo.journey(), lang="fr")
    assert data.compared
    joined = " ".join(data.differences)
    for expected in (
        "Point de contact ajouté : « Je demande un remboursement · Suivi du remboursement",
        "Point de contact retiré : « Je souscris · E-mail de confirmation d'adhésion »",
        "Irritant résolu : « Remboursement trop lent et sans suivi »",
        "Rupture corrigée : « Le devis web n'est pas retrouvé en agence »",
        "Objectif « NPS relationnel » : 30 → 40",
    ):
        assert expected in joined, joined


def test_persona_cards_read_for_a_director_first_the_model_folded_below(french):
    card = french["persona_family"].html
    assert "Canaux préférés : Site web, Application mobile, Téléphone" in card  # not web, app
    assert "<details>" in card
    assert card.index("certitude") < card.index("<details>")  # who, how many, how sure first
    assert card.index("<details>") < card.index("<pre")  # the model's details folded below


def test_the_paths_chart_draws_the_one_step_paths_that_head_its_table(french):
    section = french["analytics_paths"]
    chart, table = section.html.split("<table", 1)
    one_step = [p for p in section.tables["analytics_top_paths"].path if " > " not in str(p)]
    assert one_step  # the demo's most frequent path is a single touchpoint
    assert "fin du chemin" in chart
    rows = re.findall(r"<td>([^<>]*)</td>", table)
    single = next(r for r in rows if " &gt; " not in r and "·" in r)
    assert f"{single} → fin du chemin" in chart


def test_employee_survey_comments_reach_the_maps_employee_lane_with_counts(
    demo_workspace, tmp_path
):
    import shutil

    copy = tmp_path / "ws"
    shutil.copytree(demo_workspace, copy, ignore=shutil.ignore_patterns("*.wal"))
    comment = "Trop d'outils différents, on ressaisit tout trois fois, c'est inadmissible."
    (copy / "raw" / "employee_survey.csv").write_text(
        "stage,score,comment\n" + f'complaint,1,"{comment}"\n' * 3 + "complaint,2,\n",
        encoding="utf-8",
    )
    with Workspace.open(copy) as ws:
        (data,) = map_data(ws, ws.journey(), lang="fr")
    complaint = next(s for s in data.stages if s.id == "complaint")
    heard = [d for d in complaint.difficulties if comment in d]
    assert len(heard) == 1, complaint.difficulties
    assert "(3 mentions)" in heard[0]
    assert "Données dispersées entre trois outils" in complaint.difficulties  # the map's own


def test_without_transactions_the_lifecycle_says_what_is_missing_and_how_to_map_it(workspace):
    from parcours.render.sections import lifecycle

    found = lifecycle.sections(workspace, None, "fr")
    assert found
    for section in found:
        assert section.no_data
        assert "transactions" in section.reading
        assert "target: transactions" in section.reading  # how to map it
        assert "Prospect" in section.reading  # why everyone reads as a prospect
