"""Texts in both languages; packages register their own words without overwriting others'."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


@pytest.mark.parametrize(
    ("seconds", "fr", "en"),
    [
        (13_347_325, "154\u00a0j", "154\u00a0d"),
        (3 * 3600 + 20 * 60, "3\u00a0h\u00a020", "3\u00a0h\u00a020\u00a0min"),
        (3 * 86400 + 4 * 3600 + 59, "3\u00a0j\u00a04\u00a0h", "3\u00a0d\u00a04\u00a0h"),
        (2 * 86400, "2\u00a0j", "2\u00a0d"),
        (7200, "2\u00a0h", "2\u00a0h"),
        (12 * 60 + 5, "12\u00a0min", "12\u00a0min"),
        (40, "< 1\u00a0min", "< 1\u00a0min"),
        (float("nan"), "—", "—"),
        (None, "—", "—"),
    ],
)
def test_durations_read_the_human_way(seconds, fr, en):
    assert i18n.duration(seconds, "fr") == fr
    assert i18n.duration(seconds, "en") == en


@given(st.floats(min_value=0, max_value=1e10))
def test_a_duration_never_shows_raw_seconds(seconds):
    text = i18n.duration(seconds, "fr")
    assert "nan" not in text
    assert "." not in text
    assert "," not in text  # whole units only: 154 j, 3 h 20
