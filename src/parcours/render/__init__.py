"""Rendering: the report (HTML, self-contained, French or English) and, later, the journey map."""

from __future__ import annotations

from parcours.render._report import journey_table, write_report

__all__ = ["journey_table", "write_report"]
