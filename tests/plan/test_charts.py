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
