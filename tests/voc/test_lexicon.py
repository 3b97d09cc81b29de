"""The lexicon: negation, intensifiers, contrast, themes, in French and English."""

from __future__ import annotations

import pytest

from parcours.errors import ParcoursError
from parcours.voc import classify, detect_lang
from parcours.voc._lexicon import Lexicon


@pytest.mark.parametrize(
    ("text", "lang", "label"),
    [
        ("Je suis satisfait", "fr", "enchantment"),
        ("Je ne suis pas satisfait", "fr", "irritant"),
        ("Pas du tout satisfait", "fr", "irritant"),
        ("Jamais rappelé", "fr", "irritant"),
        ("Personne ne m'a rappelé", "fr", "irritant"),
        ("Sans problème, rapide", "fr", "enchantment"),
        ("Pas mal du tout", "fr", "enchantment"),
        ("Toujours pas de remboursement", "fr", "irritant"),
        ("RAS", "fr", "neutral"),
        ("Conseiller aimable, mais délai de traitement trop long", "fr", "irritant"),
        ("I am happy", "en", "enchantment"),
        ("Not happy at all", "en", "irritant"),
        ("Nobody called me back", "en", "irritant"),
        ("No complaints, really smooth", "en", "enchantment"),
        ("I didn't get any answer", "en", "irritant"),
    ],
)
def test_labels(text: str, lang: str, label: str) -> None:
    assert classify(text, lang).label == label


def test_negation_flips_and_intensifiers_scale() -> None:
    plain = classify("satisfait", "fr").score
    assert classify("très satisfait", "fr").score == pytest.approx(1.5 * plain)
    assert classify("pas satisfait", "fr").score == pytest.approx(-0.8 * plain)
    assert classify("pas du tout satisfait", "fr").score == pytest.approx(-0.8 * 2 * plain)
    assert classify("pas du tout satisfait", "fr").score < classify("pas satisfait", "fr").score


def test_themes_prefer_the_aspect_over_the_topic() -> None:
    result = classify("Délais de remboursement catastrophiques", "fr")
    assert result.theme == "delays"
    assert set(result.themes) == {"delays", "reimbursement"}
    assert classify("Impossible de joindre le standard", "fr").theme == "reachability"
    assert classify("The app keeps crashing", "en").theme == "digital"
    assert classify("Merci", "fr").theme is None


def test_language_detection() -> None:
    assert detect_lang("Nobody called me back and I am still waiting") == "en"
    assert detect_lang("Personne ne m'a rappelé, je suis déçu") == "fr"
    assert detect_lang("Great app, fast refund") == "en"


def test_lexicon_file_errors_give_the_line() -> None:
    with pytest.raises(ParcoursError, match=r"x.tsv:2: expected a theme"):
        Lexicon.read("fr", "kind\tterm\tvalue\npol\tbien\t1\ntheme\tprix\tcost\n", "x.tsv")
    with pytest.raises(ParcoursError, match="expected a kind"):
        Lexicon("fr", [("colour", "bleu", "")])
