"""The journey model in Python: field rules, cross-references, helpers, localized texts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from parcours.errors import ModelError
from parcours.model import Journey, Rupture, Touchpoint, load_journey, text

CASES = Path(__file__).parent / "cases"


def _minimal(**extra: Any) -> dict[str, Any]:
    return {
        "parcours": 1,
        "id": "mini",
        "name": "Mini",
        "kind": "buyer",
        "state": "as-is",
        "phases": [{"id": "before", "label": "Avant"}, {"id": "after", "label": "Après"}],
        "stages": [
            {"id": "claim", "phase": "after", "label": "Je réclame"},
            {"id": "quote", "phase": "before", "label": "Je demande un devis"},
            {"id": "compare", "phase": "before", "label": "Je compare"},
        ],
        "channels": [{"id": "web", "label": "Web", "kind": "digital"}],
        "touchpoints": [
            {
                "id": "quote-web",
                "stage": "quote",
                "channel": "web",
                "direction": "pull",
                "nature": "transactional",
                "event_codes": ["WEB_DEVIS"],
                "event_patterns": ["WEB_.*"],
            },
            {
                "id": "claim-web",
                "stage": "claim",
                "channel": "web",
                "direction": "pull",
                "nature": "transactional",
                "event_patterns": ["WEB_DEVIS.*", r"RMB_\d+"],
            },
        ],
        **extra,
    }


@pytest.fixture
def journey() -> Journey:
    return Journey.model_validate(_minimal())


def test_stage_order_follows_phases_then_file_order(journey: Journey) -> None:
    assert [s.id for s in journey.stage_order()] == ["quote", "compare", "claim"]
    assert [s.id for s in journey.stages_of("before")] == ["quote", "compare"]
    assert [t.id for t in journey.touchpoints_of("claim")] == ["claim-web"]
    assert journey.touchpoints_of("compare") == []


def test_unknown_phase_or_stage_is_a_model_error(journey: Journey) -> None:
    with pytest.raises(ModelError, match=r"expected a phase of the journey \(.*\), found 'durign'"):
        journey.stages_of("durign")
    with pytest.raises(ModelError, match=r"expected a stage of the journey \(.*\), found 'nope'"):
        journey.touchpoints_of("nope")


def test_touchpoint_for_code_exact_codes_first_then_patterns_in_file_order(
    journey: Journey,
) -> None:
    def found(code: str) -> str | None:
        touchpoint = journey.touchpoint_for_code(code)
        return touchpoint.id if touchpoint else None

    assert found("WEB_DEVIS") == "quote-web"  # an exact code
    assert found("WEB_DEVIS_2") == "quote-web"  # both patterns match: the first touchpoint wins
    assert found("RMB_12") == "claim-web"
    assert found("RMB_12X") is None  # patterns match the whole code
    assert found("AG_DEVIS") is None


def test_exact_code_beats_an_earlier_pattern() -> None:
    data = _minimal()
    data["touchpoints"][0]["event_codes"] = []
    data["touchpoints"][1]["event_codes"] = ["WEB_X"]
    journey = Journey.model_validate(data)
    touchpoint = journey.touchpoint_for_code("WEB_X")
    assert touchpoint is not None
    assert touchpoint.id == "claim-web"


def test_python_built_journey_is_checked_for_references() -> None:
    data = _minimal()
    data["touchpoints"][1]["channel"] = "fax"
    data["touchpoints"][1]["event_codes"] = ["WEB_DEVIS"]
    with pytest.raises(ValidationError) as raised:
        Journey.model_validate(data)
    errors = raised.value.errors()
    assert [e["loc"] for e in errors] == [
        ("touchpoints", 1, "channel"),
        ("touchpoints", 1, "event_codes", 0),
    ]
    assert errors[0]["msg"] == "expected one of the channel ids [web], found 'fax'"


def test_unknown_keys_are_errors() -> None:
    with pytest.raises(ValidationError, match="lable"):
        Journey.model_validate(_minimal(lable="typo"))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("emotion", 2.5),
        ("emotion", -3),
        ("emotion", True),
        ("emotion", float("nan")),
        ("label", 12),
        ("label", {}),
        ("label", {"FR": "x"}),
        ("id", "Quote"),
        ("id", "-quote"),
        ("moment_of_truth", "maybe"),
    ],
)
def test_stage_field_rules(field: str, value: object) -> None:
    data = _minimal()
    data["stages"][1][field] = value
    with pytest.raises(ValidationError) as raised:
        Journey.model_validate(data)
    assert raised.value.errors()[0]["loc"][:3] == ("stages", 1, field)


def test_numbers_keep_their_type(journey: Journey) -> None:
    data = _minimal()
    data["stages"][0]["emotion"] = 2
    data["stages"][1]["emotion"] = -1.5
    loaded = Journey.model_validate(data)
    assert [type(s.emotion) for s in loaded.stages[:2]] == [int, float]


def test_event_patterns_must_compile() -> None:
    with pytest.raises(ValidationError, match="valid regular expression"):
        Touchpoint(
            id="t", stage="s", channel="c", direction="pull", nature="informative",
            event_patterns=["WEB_("],
        )  # fmt: skip


def test_derived_from_only_on_to_be() -> None:
    with pytest.raises(ValidationError, match="no derived_from on an as-is journey"):
        Journey.model_validate(_minimal(derived_from="other"))
    to_be = Journey.model_validate({**_minimal(derived_from="../as-is.yaml"), "state": "to-be"})
    assert to_be.derived_from == "../as-is.yaml"
    assert Journey.model_validate({**_minimal(), "state": "to-be"}).derived_from is None
    with pytest.raises(ValidationError, match="relative"):
        Journey.model_validate({**_minimal(derived_from="/abs/as-is.yaml"), "state": "to-be"})


def test_rupture_from_is_from_in_yaml_and_from__in_python() -> None:
    rupture = Rupture(id="r", from_="a", to="b", label="x")
    assert Rupture.model_validate({"id": "r", "from": "a", "to": "b", "label": "x"}) == rupture
    assert rupture.model_dump(by_alias=True)["from"] == "a"


def test_to_be_case_is_a_full_example() -> None:
    journey = load_journey(CASES / "valid" / "to-be.yaml")
    quote = journey.stages[0]
    assert quote.employee_experience is not None
    assert quote.employee_experience.tools == ["CRM", "Outil de tarification"]
    assert journey.ruptures[0].from_ == "quote-web"
    assert journey.personas[0].file == "../personas/family.yaml"


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        ("Je résilie", "en", "Je résilie"),
        ({"fr": "Je résilie", "en": "I cancel"}, "en", "I cancel"),
        ({"fr": "Je résilie", "en": "I cancel"}, "de", "Je résilie"),
        ({"fr": "Je résilie", "en": "I cancel"}, "en-GB", "I cancel"),
        ({"pt-BR": "Eu cancelo", "en": "I cancel"}, "pt-BR", "Eu cancelo"),
        ({"en": "I cancel", "de": "Ich kündige"}, "it", "I cancel"),
        (None, "fr", ""),
    ],
)
def test_text_picks_a_language_with_fallbacks(value: Any, lang: str, expected: str) -> None:
    assert text(value, lang) == expected


def test_text_fallback_language_is_configurable() -> None:
    assert text({"fr": "Je résilie", "en": "I cancel"}, "de", fallback="en") == "I cancel"
