"""One block of the report (:class:`Section`), the unit every section builder returns.

A section builder lives in :mod:`parcours.render.sections` (one module per capability) and is
listed there in ``BUILDERS``; capabilities themselves never import :mod:`parcours.render`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parcours.model import Journey
    from parcours.workspace import Workspace

__all__ = ["Section", "resolve_journey"]


@dataclass
class Section:
    """One block of the report: a title, a one-line reading, a chart or table, the numbers."""

    key: str  # stable id, also the anchor and the CSV file stem prefix ("funnel", "nps_by_stage")
    title: str  # in the report's language
    reading: str  # one plain sentence saying what the chart shows, in the report's language
    html: str = ""  # inline SVG and/or HTML table; already escaped, self-contained
    tables: dict[str, Any] = field(default_factory=dict)  # CSV stem -> pandas DataFrame
    order: int = 100  # smaller first
    no_data: bool = False  # True when the data for this section does not exist (reading says so)


def resolve_journey(workspace: Workspace, journey: Journey | str | None) -> Journey:
    """``journey`` itself, or the workspace's journey of that id (its only one when None)."""
    if journey is None or isinstance(journey, str):
        found: Journey = workspace.journey(journey)
        return found
    return journey
