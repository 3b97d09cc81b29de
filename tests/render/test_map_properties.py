"""Any valid journey map draws as well-formed, accessible SVG, whatever its texts and sizes."""

from __future__ import annotations

import importlib.util
import xml.etree.ElementTree as ET
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from parcours.render import map_data
from parcours.render._map import map_svg

_spec = importlib.util.spec_from_file_location(
    "journey_strategies", Path(__file__).parents[1] / "model" / "journey_strategies.py"
)
assert _spec is not None
assert _spec.loader is not None
strategies = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(strategies)

SVG = "{http://www.w3.org/2000/svg}"


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.journeys())
def test_any_journey_draws_as_well_formed_svg(journey):
    for lang in ("fr", "en"):
        data = map_data(None, journey, lang=lang)[0]
        root = ET.fromstring(map_svg(data, fit=None))
        assert root.get("role") == "img"
        assert root.find(f"{SVG}title").text
        groups = {
            g.get("data-stage") for g in root.iter(f"{SVG}g") if g.get("data-lane") == "stage"
        }
        assert groups == {stage.id for stage in journey.stages}
