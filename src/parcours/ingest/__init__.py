"""Raw exports → canonical tables: reading, mapping, French formats, identities, quarantine.

``ingest(workspace, files, mapping=...)`` loads each file in its own atomic transaction; loading the
same file again with the same mapping changes nothing; every rejected row lands in ``quarantine``
with its file, row, column, value and reason, so that loaded + quarantined = rows read.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from parcours.errors import IngestError
from parcours.ingest._load import LoadReport, load_file
from parcours.ingest._mapping import Mapping, load_mapping, mapping_from_dict
from parcours.ingest._touchpoints import TouchpointTable

if TYPE_CHECKING:
    from parcours.warehouse import Warehouse


class _Settings(Protocol):
    @property
    def ingest_memory_limit(self) -> str | None: ...
    @property
    def timezone(self) -> str: ...


class _Workspace(Protocol):
    """What ingest needs of a workspace (``parcours.Workspace`` is one; the workspace sits above
    ingest in the layers, so ingest names the shape, not the class)."""

    @property
    def root(self) -> Path: ...
    @property
    def settings(self) -> _Settings: ...
    @property
    def warehouse(self) -> Warehouse: ...


__all__ = ["LoadReport", "Mapping", "ingest", "load_mapping", "mapping_from_dict"]

Progress = Callable[[str, int, int], None]


def ingest(
    workspace: _Workspace,
    files: Sequence[Path | str],
    *,
    mapping: Path | str | Mapping | dict[str, Any],
    source: str | None = None,
    progress: bool | Progress = False,
) -> list[LoadReport]:
    """Load ``files`` into ``workspace``'s warehouse through ``mapping``; one report per file."""
    base = Path(workspace.root)
    mapping_file: str | None = None
    if isinstance(mapping, Mapping):
        spec, where = mapping, base
    elif isinstance(mapping, dict):
        spec, where = mapping_from_dict(mapping), base
    else:
        mapping_path = Path(mapping)
        if not mapping_path.is_absolute() and not mapping_path.exists():
            mapping_path = base / mapping_path
        spec, where = load_mapping(mapping_path), mapping_path.parent
        mapping_file = str(mapping_path)
    name = source or spec.source
    if not name:
        raise IngestError(
            "expected a source name (--source NAME, or `source:` in the mapping), found none"
        )
    touchpoints = _touchpoints(spec, where)
    paths = [Path(f) for f in files]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise IngestError(f"expected readable files, found no file at: {', '.join(missing)}")
    reports = []
    limit = workspace.settings.ingest_memory_limit
    with _progress_for(progress) as step, workspace.warehouse.memory_limit(limit):
        for path in paths:
            reports.append(
                load_file(
                    workspace.warehouse,
                    path,
                    spec,
                    source=name,
                    touchpoints=touchpoints,
                    timezone=workspace.settings.timezone,
                    progress=step(path),
                    mapping_file=mapping_file,
                )
            )
    return reports


def _touchpoints(spec: Mapping, where: Path) -> TouchpointTable | None:
    if spec.touchpoints is None:
        return None
    journey = None
    if spec.touchpoints.journey:
        from parcours.model import load_journey

        journey = load_journey(where / spec.touchpoints.journey)
    return TouchpointTable.build(spec.touchpoints, journey, str(where))


@contextlib.contextmanager
def _progress_for(progress: bool | Progress) -> Iterator[Callable[[Path], Progress | None]]:
    """Per-file progress callbacks: the caller's, a rich bar on stderr, or none."""
    if callable(progress):
        callback = progress
        yield lambda _path: callback
    elif not progress:
        yield lambda _path: None
    else:
        from parcours._progress import load_progress

        with load_progress() as bar:
            yield bar.for_file
