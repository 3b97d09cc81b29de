"""Rendering: the report (HTML, self-contained, French or English) and, later, the journey map."""

from __future__ import annotations

from parcours.render import charts
from parcours.render._report import journey_table, write_report
from parcours.render._sections import Section, collect_sections

__all__ = ["Section", "charts", "collect_sections", "journey_table", "write_report"]
