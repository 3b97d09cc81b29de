"""parcours: the customer-journey method as code.

Map journeys as data, quantify them from interaction logs, qualify them with the voice of the customer,
project personas, detect churn, orchestrate trigger scenarios and prioritise improvements.

Importing parcours has no side effect: no engine is started, no file is opened.
"""

from __future__ import annotations

from parcours._version import __version__
from parcours.errors import (
    IngestError,
    MappingError,
    ModelError,
    ParcoursError,
    WarehouseError,
    WorkspaceError,
)

__all__ = [
    "IngestError",
    "MappingError",
    "ModelError",
    "ParcoursError",
    "WarehouseError",
    "Workspace",
    "WorkspaceError",
    "__version__",
]


def __getattr__(name: str) -> object:
    # Workspace pulls in the engine layer; load it on first use so `import parcours` stays light.
    if name == "Workspace":
        from parcours.workspace import Workspace

        return Workspace
    raise AttributeError(f"module 'parcours' has no attribute {name!r}")
