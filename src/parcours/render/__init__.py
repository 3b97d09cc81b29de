"""Rendering: the one-page journey map (HTML, SVG, PNG, PDF) and the report, French or English.

    >>> from parcours.render import render_map
    >>> render_map(workspace, "mutuelle-horizon", "out/map.pdf", lang="en")  # doctest: +SKIP

Charts for the report's sections live in :mod:`parcours.render.charts` (inline SVG, no script);
the sections themselves, one module per capability, in :mod:`parcours.render.sections`.
"""

from __future__ import annotations

from parcours.errors import RenderError
from parcours.render import charts
from parcours.render._mapdata import MapData, parse_period
from parcours.render._render import chromium, map_data, map_html, render_map
from parcours.render._report import collect_sections, journey_table, write_report
from parcours.render._section import Section

__all__ = [
    "MapData",
    "RenderError",
    "Section",
    "charts",
    "chromium",
    "collect_sections",
    "journey_table",
    "map_data",
    "map_html",
    "parse_period",
    "render_map",
    "write_report",
]
