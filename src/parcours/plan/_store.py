"""The ideas of a workspace: read ``plan/ideas.yaml`` against its journey map, import into it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from parcours.plan._ideas import IDEAS_FILE, Ideas, load_ideas, save_ideas
from parcours.plan._import import ImportReport, merge_ideas

__all__ = ["ideas_path", "import_ideas", "workspace_ideas"]


def ideas_path(workspace: Any) -> Path:
    """Where the workspace keeps its ideas (``plan/ideas.yaml``)."""
    return Path(workspace.root) / IDEAS_FILE


def workspace_ideas(workspace: Any) -> Ideas:
    """The workspace's ideas (none when it has no ideas file), checked against its journey map
    when it has exactly one; ``ModelError`` with every problem otherwise."""
    path = ideas_path(workspace)
    if not path.is_file():
        return Ideas()
    return load_ideas(path, workspace.journey_or_none())


def import_ideas(workspace: Any, file: str | Path) -> ImportReport:
    """Merge a workshop sheet (CSV or xlsx) into the workspace's ideas by id and save them; on any
    bad row :class:`~parcours.errors.PlanError` names it and the ideas file is not touched."""
    journey = workspace.journey_or_none()
    report = merge_ideas(workspace_ideas(workspace), file, journey=journey)
    save_ideas(report.ideas, ideas_path(workspace))
    return report
