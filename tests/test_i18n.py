"""Texts in both languages; packages register their own words without overwriting others'."""

from __future__ import annotations

import pytest

from parcours import i18n


def test_register_adds_words_in_both_languages():
    i18n.register({"test.hello": {"fr": "Bonjour {name}", "en": "Hello {name}"}})
    assert i18n.t("test.hello", "fr", name="Léa") == "Bonjour Léa"
    assert i18n.t("test.hello", "en", name="Léa") == "Hello Léa"
    i18n.register({"test.hello": {"fr": "Bonjour {name}", "en": "Hello {name}"}})  # same: fine


def test_register_refuses_a_missing_language_or_an_overwrite():
    with pytest.raises(ValueError, match="missing en"):
        i18n.register({"test.half": {"fr": "moitié"}})  # type: ignore[typeddict-item]
    with pytest.raises(ValueError, match="already registered"):
        i18n.register({"cli.error": {"fr": "autre", "en": "other"}})


def test_french_and_english_number_formats():
    assert i18n.number(1234.5, "fr", decimals=1) == "1\u202f234,5"
    assert i18n.number(1234.5, "en", decimals=1) == "1,234.5"


def test_set_lang_refuses_a_language_parcours_does_not_write():
    from parcours.errors import LanguageError, ParcoursError

    before = i18n.get_lang()
    with pytest.raises(LanguageError, match="expected a language among fr, en, found 'de'"):
        i18n.set_lang("de")
    assert issubclass(LanguageError, ParcoursError)
    assert i18n.get_lang() == before
