"""A workspace: the folder a CX team versions (settings, journey maps, mappings) plus its data."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from parcours.errors import WorkspaceError

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from parcours.ingest import LoadReport
    from parcours.model import Journey
    from parcours.warehouse import Warehouse

__all__ = ["FOLDERS", "LANGS", "SETTINGS_FILE", "Settings", "Workspace", "WorkspaceError"]

SETTINGS_FILE = "parcours.toml"
FOLDERS = ("journeys", "personas", "scenarios", "mappings", "raw")
LANGS = ("fr", "en")

_GITIGNORE = """\
# Data stays out of version control: the warehouse, the operational store, raw exports, outputs.
*.duckdb
*.duckdb.wal
*.sqlite
*.sqlite-journal
raw/
out/
.tmp/
"""


@dataclass(frozen=True)
class Settings:
    """The contents of parcours.toml, with their defaults."""

    name: str
    lang: Literal["fr", "en"] = "fr"
    timezone: str = "Europe/Paris"
    warehouse: str = "warehouse.duckdb"
    ops_store: str = "sqlite:///ops.sqlite"
    memory_limit: str | None = None
    ingest_memory_limit: str | None = "1GB"

    def to_toml(self) -> str:
        memory = f'memory_limit = "{self.memory_limit}"\n' if self.memory_limit else ""
        return (
            "# parcours workspace settings (https://github.com/parcours-cx/parcours)\n"
            "[workspace]\n"
            f'name = "{_escape(self.name)}"\n'
            f'lang = "{self.lang}"            # fr | en: language of reports, maps and messages\n'
            f'timezone = "{self.timezone}"  # zone used to show dates and to read naive ones\n'
            "\n[warehouse]\n"
            f'path = "{_escape(self.warehouse)}"  # the embedded DuckDB analytics file\n'
            f"{memory}"
            f'ingest_memory_limit = "{self.ingest_memory_limit}"  # cap while loading; spills beyond\n'
            "\n[orchestrate]\n"
            f'store = "{_escape(self.ops_store)}"  # SQLite file by default, postgresql://... in production\n'
        )


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _read_settings(path: Path) -> Settings:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise WorkspaceError(f"{path}: expected valid TOML, found a syntax error ({exc})") from exc
    ws = data.get("workspace", {})
    wh = data.get("warehouse", {})
    ops = data.get("orchestrate", {})
    lang = ws.get("lang", "fr")
    if lang not in LANGS:
        raise WorkspaceError(f"{path}: [workspace] lang: expected one of fr, en, found {lang!r}")
    timezone = str(ws.get("timezone", "Europe/Paris"))
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(timezone)
    except Exception as exc:
        raise WorkspaceError(
            f"{path}: [workspace] timezone: expected an IANA zone such as Europe/Paris, "
            f"found {timezone!r}"
        ) from exc
    return Settings(
        name=str(ws.get("name", path.parent.name)),
        lang=lang,
        timezone=timezone,
        warehouse=str(wh.get("path", "warehouse.duckdb")),
        ops_store=str(ops.get("store", "sqlite:///ops.sqlite")),
        memory_limit=wh.get("memory_limit"),
        ingest_memory_limit=wh.get("ingest_memory_limit", "1GB"),
    )


class Workspace:
    """An opened workspace. ``Workspace.open(path)`` finds it; ``Workspace.init(path)`` makes one."""

    def __init__(self, root: Path, settings: Settings) -> None:
        self.root = root
        self.settings = settings
        self._warehouse: Warehouse | None = None

    # -- making and finding ---------------------------------------------------------------------
    @classmethod
    def init(
        cls,
        path: Path | str,
        *,
        name: str | None = None,
        lang: Literal["fr", "en"] = "fr",
        timezone: str = "Europe/Paris",
    ) -> Workspace:
        """Create the workspace layout in ``path`` (kept as is if it already is a workspace)."""
        root = Path(path).resolve()
        root.mkdir(parents=True, exist_ok=True)
        settings_path = root / SETTINGS_FILE
        if not settings_path.exists():
            settings = Settings(name=name or root.name, lang=lang, timezone=timezone)
            settings_path.write_text(settings.to_toml(), encoding="utf-8")
        for folder in FOLDERS:
            (root / folder).mkdir(exist_ok=True)
        gitignore = root / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text(_GITIGNORE, encoding="utf-8")
        return cls.open(root)

    @classmethod
    def open(cls, path: Path | str = ".") -> Workspace:
        """Open the workspace at ``path`` (or the nearest parent folder holding parcours.toml)."""
        start = Path(path).resolve()
        for folder in (start, *start.parents):
            if (folder / SETTINGS_FILE).is_file():
                return cls(folder, _read_settings(folder / SETTINGS_FILE))
        raise WorkspaceError(
            f"expected a parcours workspace (a folder with {SETTINGS_FILE}) at {start} or above, "
            f"found none: create one with `parcours init {path}`"
        )

    # -- data -------------------------------------------------------------------------------------
    @property
    def warehouse(self) -> Warehouse:
        """The analytics warehouse (DuckDB file), opened on first use.

        Code that runs on any engine uses only the :class:`parcours.warehouse.BaseWarehouse`
        contract of it; ingest uses its bulk-loading capability. (When a workspace can choose its
        engine, this becomes the chosen engine's warehouse, typed ``BaseWarehouse``.)
        """
        if self._warehouse is None:
            from parcours.warehouse import Warehouse

            self._warehouse = Warehouse(
                self.root / self.settings.warehouse,
                timezone=self.settings.timezone,
                memory_limit=self.settings.memory_limit,
            )
        return self._warehouse

    def table(self, name: str) -> ir.Table:
        """A canonical table as an Ibis table expression (``.to_pandas()`` to materialise)."""
        return self.warehouse.table(name)

    def ingest(
        self,
        files: Path | str | Iterable[Path | str],
        *,
        mapping: Path | str | Any,
        source: str | None = None,
        progress: bool | Callable[[str, int, int], None] = False,
    ) -> list[LoadReport]:
        """Load raw exports through a mapping; see :func:`parcours.ingest.ingest`."""
        from parcours.ingest import ingest

        paths: Sequence[Path | str] = [files] if isinstance(files, str | Path) else list(files)
        return ingest(self, paths, mapping=mapping, source=source, progress=progress)

    def quarantine(self, *, source: str | None = None, load_id: str | None = None) -> ir.Table:
        """Rejected rows with file, row, column, value and reason (an Ibis table)."""
        table = self.table("quarantine")
        if source is not None:
            table = table.filter(table.source == source)
        if load_id is not None:
            table = table.filter(table.load_id == load_id)
        return table.order_by(["ingested_at", "file", "row"])

    def loads(self) -> ir.Table:
        table = self.table("loads")
        return table.order_by("started_at")

    # -- model files ------------------------------------------------------------------------------
    def path(self, *parts: str) -> Path:
        return self.root.joinpath(*parts)

    def journey_files(self) -> list[Path]:
        return sorted((self.root / "journeys").glob("*.y*ml"))

    def journey(self, name: str | None = None) -> Journey:
        """Load a journey map of the workspace by id or file stem (the only one if not given)."""
        from parcours.model import load_journey

        files = self.journey_files()
        if name is None:
            if len(files) != 1:
                raise WorkspaceError(
                    f"expected exactly one journey in {self.root / 'journeys'} (or a name), "
                    f"found {len(files)}"
                )
            return load_journey(files[0])
        for file in files:
            if file.stem == name:
                return load_journey(file)
        for file in files:
            journey = load_journey(file)
            if journey.id == name:
                return journey
        raise WorkspaceError(
            f"expected a journey named {name!r} in {self.root / 'journeys'}, found "
            + (", ".join(f.stem for f in files) or "none")
        )

    def journey_or_none(self) -> Journey | None:
        """The workspace's journey map, or None when it has none, several, or one that does not
        load: for what works without a map (lifecycle, personas, orchestrate)."""
        from parcours.errors import ParcoursError

        try:
            return self.journey()
        except ParcoursError:
            return None

    def close(self) -> None:
        if self._warehouse is not None:
            self._warehouse.close()
            self._warehouse = None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workspace({str(self.root)!r})"
