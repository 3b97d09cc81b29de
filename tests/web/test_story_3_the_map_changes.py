"""Story 3, the map changes: an analyst renames a stage and adds a touchpoint on the map page; the
schema answers inline; the journey file changes by exactly that; a second browser editing the
same map is told about the conflict."""

from __future__ import annotations

import pytest
import yaml
from tests.web.pages import EditPage, LoginPage

pytestmark = pytest.mark.browser


def test_an_analyst_edits_the_map_and_a_second_editor_sees_the_conflict(
    browser_page, web_server
) -> None:
    journey = next((web_server.root / "journeys").glob("*.yaml"))
    before = journey.read_text(encoding="utf-8")
    path = f"/journeys/{journey.stem}/edit"

    first, second = browser_page(), browser_page()
    LoginPage(first.page, web_server.url).login("analyst")
    LoginPage(second.page, web_server.url).login("analyst2")
    editor = EditPage(first.page, web_server.url)
    other = EditPage(second.page, web_server.url)
    other.open(path)  # the second editor opens the same version
    editor.open(path)

    answer = editor.rename_stage("quote", "Je demande mon devis", "I ask for my quote")
    assert "Enregistré" in answer
    # the map as data changes by exactly the new label (the file is one new version, written
    # by parcours.model.dump_journey: the first save through the browser re-serialises it)
    expected = yaml.safe_load(before)
    for stage in expected["stages"]:
        if stage["id"] == "quote":
            stage["label"] = {"fr": "Je demande mon devis", "en": "I ask for my quote"}
    assert _plain(yaml.safe_load(journey.read_text(encoding="utf-8"))) == _plain(expected)
    first.shot("3-renamed")

    assert editor.type_touchpoint_id("Pas Un Id!") == "invalid"
    assert editor.type_touchpoint_id("quote-chat") == "valid"
    answer = editor.add_touchpoint("quote-chat", "quote", "web", "Conversation en ligne")
    assert "Enregistré" in answer
    document = yaml.safe_load(journey.read_text(encoding="utf-8"))
    added = [t for t in document["touchpoints"] if t["id"] == "quote-chat"]
    assert added == [
        {
            "id": "quote-chat",
            "stage": "quote",
            "channel": "web",
            "direction": "pull",
            "nature": "informative",
            "label": {"fr": "Conversation en ligne"},
        }
    ]
    first.shot("3-touchpoint")

    saved = journey.read_text(encoding="utf-8")
    answer = other.rename_stage("quote", "Je veux un devis", "I want a quote")
    assert "Quelqu'un a enregistré la carte" in answer
    assert journey.read_text(encoding="utf-8") == saved  # never silently overwritten
    second.shot("3-conflict")
    first.assert_clean()
    second.assert_clean()


def _plain(document: dict) -> dict:
    """The map as data with the keys dump_journey fills in by default (moment_of_truth: false) made
    explicit on both sides."""
    for stage in document.get("stages", []):
        stage.setdefault("moment_of_truth", False)
    return document
