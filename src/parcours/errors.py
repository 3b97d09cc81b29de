"""One exception root for everything parcours raises on purpose.

Hierarchy::

    ParcoursError
    ├── WorkspaceError        no workspace, bad parcours.toml
    ├── ModelError            a journey map (or other YAML model) is invalid; carries every Problem
    ├── MappingError          a mapping spec is invalid or does not fit the file it is applied to
    ├── IngestError           a file cannot be read at all (nothing loaded, nothing quarantined)
    └── WarehouseError        a table is missing, an engine is not installed

Messages say what was expected, what was found, and where (file, line/row, column).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "IngestError",
    "MappingError",
    "ModelError",
    "ParcoursError",
    "Problem",
    "WarehouseError",
    "WorkspaceError",
]


class ParcoursError(Exception):
    """Root of every error parcours raises deliberately."""


class WorkspaceError(ParcoursError):
    """The workspace is missing or its settings are invalid."""


class WarehouseError(ParcoursError):
    """The warehouse cannot answer: unknown table, engine not installed."""


class IngestError(ParcoursError):
    """A file cannot be read at all (unknown format, unreadable, no header)."""


@dataclass(frozen=True)
class Problem:
    """One validation finding with its place in a file (1-based line and column)."""

    file: str
    line: int | None
    column: int | None
    path: str
    expected: str
    found: str

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        where = f" at {self.path}" if self.path else ""
        return f"{place}:{where} expected {self.expected}, found {self.found}"


class _ProblemsError(ParcoursError):
    def __init__(self, problems: list[Problem], what: str) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in {what}:\n{lines}")


class ModelError(_ProblemsError):
    """A YAML model (journey map, persona...) does not match its schema."""


class MappingError(_ProblemsError):
    """A mapping spec is invalid, or does not fit the file it is applied to."""
