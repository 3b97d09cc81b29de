"""The gain x effort matrix: every classed idea drawn, numbered and listed, in both languages."""

from __future__ import annotations

from parcours.plan import Idea, matrix_svg, score_ideas


def test_matrix_draws_every_classed_idea_with_its_class():
    ideas = [
        Idea(id="fast", title={"fr": "Rapide", "en": "Fast"}, gain=4, effort=1),
        Idea(id="big", title="Gros chantier", gain=5, effort=5),
        Idea(id="small", title="Petit", gain=2, effort=2),
        Idea(id="same", title="Même place", gain=2, effort=2),
        Idea(id="unknown", title="Sans note"),
    ]
    svg = matrix_svg(score_ideas(ideas, lang="fr"), lang="fr")
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert "Gain × effort" in svg
    assert svg.count("<circle") == 4  # the idea with no gain nor effort has no place
    assert "1. big — Gros chantier (Indispensable; Gain 5,0, Effort 5,0)" in svg
    assert "Gain rapide" in svg
    assert "Sans note" not in svg
    english = matrix_svg(score_ideas(ideas, lang="en"), lang="en")
    assert "Fast (Quick win; Gain 4.0, Effort 1.0)" in english
    assert "Time sink" in english  # the quadrants are named even when empty


def test_stage_lane_places_approved_ideas_at_their_stages(journey):
    from parcours.plan import stage_lane

    ideas = [
        Idea(
            id="track",
            title={"fr": "Suivi", "en": "Tracking"},
            touchpoints=["reimbursement-phone"],
            status="approved",
            gain=4,
            effort=2,
        ),
        Idea(
            id="agency",
            title="Agence",
            irritants=["quote-not-found"],
            ruptures=["web-quote-to-agency"],
            status="in_progress",
            gain=2,
            effort=4,
        ),
        Idea(id="idle", title="Proposée", stages=["quote"]),
    ]
    lane = stage_lane(ideas, journey, scores=score_ideas(ideas, lang="fr"), lang="fr")
    assert list(zip(lane["stage"], lane["idea"], strict=True)) == [
        ("quote", "agency"), ("subscribe", "agency"), ("reimbursement", "track"),
    ]  # fmt: skip
    assert list(lane["class_label"]) == ["Gouffre", "Gouffre", "Gain rapide"]
    assert lane.loc[2, "status_label"] == "approuvée"
