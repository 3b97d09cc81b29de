"""The orchestration's section of the report: per-scenario counts when the store has any."""

from __future__ import annotations

from typing import TYPE_CHECKING

from parcours.i18n import t
from parcours.orchestrate import workspace_report
from parcours.render._section import Section

if TYPE_CHECKING:
    from parcours.model import Journey
    from parcours.workspace import Workspace

__all__ = ["sections"]


def sections(workspace: Workspace, journey: Journey | None, lang: str) -> list[Section]:
    """Entries, sends, opens, clicks and conversions per scenario (one table), or a section
    saying nothing has run yet."""
    title = t("orchestrate.section.title", lang)
    frame = workspace_report(workspace)
    if frame.empty:
        reading = t("orchestrate.section.empty", lang)
        return [Section(key="orchestrate", title=title, reading=reading, order=80, no_data=True)]
    html = frame.to_html(index=False, border=0, classes="table")
    reading = t(
        "orchestrate.section.reading", lang, scenarios=len(frame), sent=int(frame["sent"].sum())
    )
    return [
        Section(
            key="orchestrate",
            title=title,
            reading=reading,
            html=html,
            tables={"orchestrate_scenarios": frame},
            order=80,
        )
    ]
