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
        # factual complaints and praise, with no opinion word (cues)
        ("Trois semaines et toujours pas de remboursement", "fr", "irritant"),
        ("On m'a raccroché au nez", "fr", "irritant"),
        ("Commande annoncée en 3 jours, livrée en 15.", "fr", "irritant"),
        ("J'ai appelé 3 fois, aucune réponse", "fr", "irritant"),
        ("Ça fait deux mois que mon dossier est en cours", "fr", "irritant"),
        ("Le colis n'est jamais arrivé", "fr", "irritant"),
        ("Réglé dès le premier appel", "fr", "enchantment"),
        ("Je suis client depuis 2019.", "fr", "neutral"),
        ("Le remboursement a été effectué en cinq jours.", "fr", "neutral"),
        ("It's been three weeks and still no refund", "en", "irritant"),
        ("They transferred me three times, then the line dropped", "en", "irritant"),
        ("Sorted on the first call", "en", "enchantment"),
        ("I have been a customer for ten years.", "en", "neutral"),
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
    with pytest.raises(ParcoursError, match=r"x.tsv:1: expected a regular expression"):
        Lexicon("fr", [("cue", "(non ferme", "-1")], source="x.tsv")


def test_cue_adds_its_value_once() -> None:
    lex = Lexicon("fr", [("cue", r"\b[0-9]+ fois\b", "-1.5")])
    assert lex.score("appelé 3 fois").score == pytest.approx(-1.5)
    assert lex.score("appelé 3 fois, relancé 2 fois").score == pytest.approx(-1.5)
    assert lex.score("appelé une fois").label == "neutral"
