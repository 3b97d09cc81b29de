"""The contract between each capability and the report: a capability contributes sections.

A capability package (``parcours.analytics``, ``parcours.voc``, ``parcours.lifecycle``,
``parcours.personas``, ``parcours.orchestrate``...) exposes, in its ``__init__``::

    def report_sections(workspace, journey, lang) -> list[Section]: ...

The report calls it for every package that has it, orders the sections by ``order`` and writes
each section's tables beside the HTML as CSV. A section with no data says so in ``reading``
(``no_data=True``) rather than showing an empty chart. Charts are inline SVG (no script, no CDN).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from parcours.errors import ParcoursError

__all__ = ["CAPABILITIES", "Section", "collect_sections"]

# The packages asked for sections, in the order their sections appear when ``order`` ties.
CAPABILITIES = ("analytics", "voc", "lifecycle", "personas", "orchestrate", "plan")


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


def optional(module: str, name: str) -> Any:
    """``parcours.<module>.<name>`` when that capability is installed and offers it, else None."""
    try:
        found = importlib.import_module(f"parcours.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"parcours.{module}":
            raise
        return None
    return getattr(found, name, None)


def collect_sections(workspace: Any, journey: Any, lang: str) -> list[Section]:
    """Every section the installed capabilities offer for this journey, in report order."""
    sections: list[Section] = []
    for name in CAPABILITIES:
        provider = optional(name, "report_sections")
        if provider is None:
            continue
        try:
            sections.extend(provider(workspace, journey, lang))
        except ParcoursError as exc:
            # A capability that cannot answer (never run, missing input) must not sink the
            # report: it gets a section that says why.
            sections.append(
                Section(key=name, title=name, reading=str(exc), no_data=True, order=1000)
            )
    return sorted(sections, key=lambda s: s.order)
