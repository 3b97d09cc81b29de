"""The report's sections: one builder per capability, listed in one explicit, ordered tuple.

Each module here turns what one capability computes (tables and dataclasses from its public
functions) into :class:`~parcours.render.Section` blocks: titles, one-line readings, charts and
the CSV tables written beside the report. Capabilities never import :mod:`parcours.render`; the
report imports them, so data flows one way (``tests/test_architecture.py`` holds the layers).

A builder has the shape of :class:`SectionBuilder`::

    def sections(workspace: Workspace, journey: Journey | None, lang: str) -> list[Section]: ...

``journey`` None means the workspace's only journey. :func:`collect_sections` calls every entry
of :data:`BUILDERS` in order and sorts the sections by ``Section.order``; a builder that raises a
:class:`~parcours.errors.ParcoursError` gets one section saying why instead of sinking the report.

**Adding a capability's sections** (the coming ``parcours.plan``, for one): write
``render/sections/plan.py`` with a ``sections`` function of that shape, calling only names in
``parcours.plan.__all__``, import it below and add ``Builder("plan", plan.sections)`` to
:data:`BUILDERS`. Nothing else changes; no module is looked up by name at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from parcours.errors import ParcoursError
from parcours.render._section import Section
from parcours.render.sections import (
    analytics,
    lifecycle,
    orchestrate,
    personas,
    retention,
    voc,
)

if TYPE_CHECKING:
    from parcours.model import Journey
    from parcours.workspace import Workspace

__all__ = ["BUILDERS", "Builder", "SectionBuilder", "collect_sections"]


class SectionBuilder(Protocol):
    """What a capability's section builder is: the workspace, a journey, a language -> sections."""

    def __call__(
        self, workspace: Workspace, journey: Journey | None, lang: str, /
    ) -> list[Section]: ...


@dataclass(frozen=True)
class Builder:
    """One entry of the report: the capability's name (the key of its fallback section) and its
    section builder."""

    name: str
    sections: SectionBuilder


BUILDERS: tuple[Builder, ...] = (
    Builder("analytics", analytics.sections),
    Builder("voc", voc.sections),
    Builder("lifecycle", lifecycle.sections),
    Builder("retention", retention.sections),
    Builder("personas", personas.sections),
    Builder("orchestrate", orchestrate.sections),
    # Builder("plan", plan.sections),  <- parcours.plan's sections go here (render/sections/plan.py)
)
"""Every section builder of the report, in the order their sections appear when ``order`` ties."""


def collect_sections(workspace: Workspace, journey: Journey | None, lang: str) -> list[Section]:
    """Every section the builders offer for this journey, in report order."""
    found: list[Section] = []
    for builder in BUILDERS:
        try:
            found.extend(builder.sections(workspace, journey, lang))
        except ParcoursError as exc:
            # A capability that cannot answer (never run, missing input) must not sink the
            # report: it gets a section that says why.
            found.append(
                Section(
                    key=builder.name,
                    title=builder.name,
                    reading=str(exc),
                    no_data=True,
                    order=1000,
                )
            )
    return sorted(found, key=lambda s: s.order)
