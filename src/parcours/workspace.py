"""A workspace: the folder a CX team versions (settings, journey maps, mappings) plus its data."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from parcours import errors as _errors
from parcours import export as _export
from parcours.errors import WorkspaceError
from parcours.export import CSV_DIALECTS, CsvDialect

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from parcours.ingest import LoadReport
    from parcours.model import Journey
    from parcours.warehouse import BaseWarehouse, Warehouse

__all__ = [
    "ENGINES",
    "FOLDERS",
    "LANGS",
    "SETTINGS_FILE",
    "Settings",
    "Workspace",
    "WorkspaceError",
]

SETTINGS_FILE = "parcours.toml"
FOLDERS = ("journeys", "personas", "scenarios", "mappings", "raw")
LANGS = ("fr", "en")
ENGINES = ("duckdb", "spark")
"""The engines a workspace can read its canonical tables with (``[warehouse] engine``)."""

_GITIGNORE = """\
# Data stays out of version control: the warehouse, the operational store, raw exports, outputs.
*.duckdb
*.duckdb.wal
*.sqlite
*.sqlite-journal
raw/
out/
.tmp/
lake/
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
    engine: Literal["duckdb", "spark"] = "duckdb"
    spark_master: str = "local[2]"
    spark_conf: dict[str, str] = field(default_factory=dict)
    lake: str | None = None
    """Where the canonical tables live for Spark: a folder (relative to the workspace) or a
    ``s3a://`` / ``abfss://`` URI; ``parcours warehouse sync`` writes it from DuckDB."""
    export_csv: str | None = None
    """``[export] csv``: excel-fr or rfc4180; None: by the language (see :attr:`csv_dialect`)."""

    @property
    def csv_dialect(self) -> CsvDialect:
        """The dialect of the CSV files this workspace writes: the setting, else excel-fr in French."""
        return _export.csv_dialect_for(self.lang, self.export_csv)

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
            f'engine = "{self.engine}"  # duckdb | spark: the engine analyses read with\n'
            "\n[warehouse.spark]\n"
            f'master = "{_escape(self.spark_master)}"  # local[2], spark://host:7077, yarn, k8s://...\n'
            f'lake = "{_escape(self.lake or "lake")}"  # folder or s3a://, abfss:// URI '
            "(parcours warehouse sync writes it)\n"
            "# [warehouse.spark.conf]  # any Spark setting, e.g.\n"
            '# "spark.executor.memory" = "8g"\n'
            "\n[orchestrate]\n"
            f'store = "{_escape(self.ops_store)}"  # SQLite file by default, postgresql://... in production\n'
            "\n[export]\n"
            + (f'csv = "{self.export_csv}"' if self.export_csv else '# csv = "excel-fr"')
            + "  # excel-fr (UTF-8 BOM, ;, 12,5: French Excel) | rfc4180 (, and 12.5);"
            " default: excel-fr in French, rfc4180 in English\n"
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
    export = data.get("export", {})
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
    engine = wh.get("engine", "duckdb")
    if engine not in ENGINES:
        raise WorkspaceError(
            f"{path}: [warehouse] engine: expected one of {', '.join(ENGINES)}, found {engine!r}"
        )
    spark = wh.get("spark", {})
    if not isinstance(spark, dict):
        raise WorkspaceError(f"{path}: [warehouse.spark]: expected a table, found {spark!r}")
    conf = spark.get("conf", {})
    if not isinstance(conf, dict):
        raise WorkspaceError(
            f"{path}: [warehouse.spark.conf]: expected a table of Spark settings, found {conf!r}"
        )
    lake = spark.get("lake")
    return Settings(
        name=str(ws.get("name", path.parent.name)),
        lang=lang,
        timezone=timezone,
        warehouse=str(wh.get("path", "warehouse.duckdb")),
        ops_store=str(ops.get("store", "sqlite:///ops.sqlite")),
        memory_limit=wh.get("memory_limit"),
        ingest_memory_limit=wh.get("ingest_memory_limit", "1GB"),
        export_csv=_export_csv(path, export.get("csv")),
        engine=engine,
        spark_master=str(spark.get("master", "local[2]")),
        spark_conf={str(k): str(v) for k, v in conf.items()},
        lake=None if lake is None else str(lake),
    )


def _export_csv(path: Path, value: object) -> str | None:
    if value is None or value in CSV_DIALECTS:
        return None if value is None else str(value)
    raise WorkspaceError(
        f"{path}: [export] csv: expected one of {', '.join(CSV_DIALECTS)}, found {value!r}"
    )


_STARTER = {"parcours-client.yaml": "journeys", "crm.yaml": "mappings"}


def _write_starter(root: Path) -> None:
    """The starter journey and CRM mapping, each into its folder when that folder is empty."""
    from importlib.resources import files

    source = files("parcours.model") / "starter"
    for name, folder in _STARTER.items():
        target = root / folder
        if not any(target.iterdir()):
            (target / name).write_text((source / name).read_text(encoding="utf-8"), "utf-8")


class Workspace:
    """An opened workspace. ``Workspace.open(path)`` finds it; ``Workspace.init(path)`` makes one."""

    def __init__(self, root: Path, settings: Settings, *, engine: str | None = None) -> None:
        self.root = root
        self.settings = settings
        chosen = engine or settings.engine
        if chosen not in ENGINES:
            raise WorkspaceError(
                f"engine: expected one of {', '.join(ENGINES)}, found {chosen!r} "
                f"(--engine or [warehouse] engine in {root / SETTINGS_FILE})"
            )
        self.engine: str = chosen
        """The engine analyses read with: the setting, or the ``engine`` given to :meth:`open`."""
        self._warehouse: Warehouse | None = None
        self._reader: BaseWarehouse | None = None

    # -- making and finding ---------------------------------------------------------------------
    @classmethod
    def init(
        cls,
        path: Path | str,
        *,
        name: str | None = None,
        lang: Literal["fr", "en"] = "fr",
        timezone: str = "Europe/Paris",
        starter: bool = False,
    ) -> Workspace:
        """Create the workspace layout in ``path`` (kept as is if it already is a workspace).

        ``starter``: also write, into empty ``journeys/`` and ``mappings/`` folders, a generic
        ten-stage journey in the customer's voice and a commented mapping of a typical CRM
        export, so that ``parcours validate`` and ``parcours ingest`` have something to start from.
        """
        root = Path(path).resolve()
        root.mkdir(parents=True, exist_ok=True)
        settings_path = root / SETTINGS_FILE
        if not settings_path.exists():
            settings = Settings(name=name or root.name, lang=lang, timezone=timezone)
            settings_path.write_text(settings.to_toml(), encoding="utf-8")
        for folder in FOLDERS:
            (root / folder).mkdir(exist_ok=True)
        if starter:
            _write_starter(root)
        gitignore = root / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text(_GITIGNORE, encoding="utf-8")
        return cls.open(root)

    @classmethod
    def open(cls, path: Path | str = ".", *, engine: str | None = None) -> Workspace:
        """Open the workspace at ``path`` (or the nearest parent folder holding parcours.toml).

        ``engine`` (``"duckdb"`` or ``"spark"``) overrides ``[warehouse] engine`` for this session.
        """
        start = Path(path).resolve()
        for folder in (start, *start.parents):
            if (folder / SETTINGS_FILE).is_file():
                return cls(folder, _read_settings(folder / SETTINGS_FILE), engine=engine)
        raise WorkspaceError(
            f"expected a parcours workspace (a folder with {SETTINGS_FILE}) at {start} or above, "
            f"found none: create one with `parcours init {path}`"
        )

    # -- data -------------------------------------------------------------------------------------
    @property
    def warehouse(self) -> Warehouse:
        """The workspace's DuckDB warehouse (the store of record ingest loads), opened on first use.

        Code that runs on any engine uses only the :class:`parcours.warehouse.BaseWarehouse`
        contract of it; ingest uses its bulk-loading capability. Analyses read through
        :meth:`table` / :attr:`reader`, which follow the chosen engine.
        """
        if self._warehouse is None:
            from parcours.warehouse import Warehouse

            self._warehouse = Warehouse(
                self.root / self.settings.warehouse,
                timezone=self.settings.timezone,
                memory_limit=self.settings.memory_limit,
            )
        return self._warehouse

    @property
    def lake(self) -> str:
        """The lake's location: an absolute folder, or the ``s3a://`` / ``abfss://`` URI as set."""
        if not self.settings.lake:
            raise WorkspaceError(
                f"{self.root / SETTINGS_FILE}: [warehouse.spark] lake: expected the folder or URI "
                'where the canonical tables live for Spark (e.g. lake = "lake"), found none'
            )
        if "://" in self.settings.lake:
            return self.settings.lake
        return str((self.root / self.settings.lake).resolve())

    @property
    def reader(self) -> BaseWarehouse:
        """The warehouse analyses read, on the chosen engine: the DuckDB file, or the lake
        read by Spark (``[warehouse.spark]`` master and conf), opened on first use."""
        if self.engine == "duckdb":
            return self.warehouse
        if self._reader is None:
            from parcours.warehouse import lake_tables

            lake = self.lake
            if "://" not in lake and not lake_tables(lake):
                raise WorkspaceError(
                    f"engine spark: expected the canonical tables in the lake at {lake}, found "
                    + ("no table" if Path(lake).exists() else "no folder")
                    + ": write it first with `parcours warehouse sync`"
                )
            from parcours.warehouse import SparkWarehouse, spark_session

            session = spark_session(self.settings.spark_master, conf=self.settings.spark_conf)
            self._reader = SparkWarehouse.open_lake(
                self.lake, session, timezone=self.settings.timezone
            )
        return self._reader

    def table(self, name: str) -> ir.Table:
        """A canonical table as an Ibis table expression (``.to_pandas()`` to materialise),
        read by the chosen engine."""
        return self.reader.table(name)

    def ingest(
        self,
        files: Path | str | Iterable[Path | str],
        *,
        mapping: Path | str | Any,
        source: str | None = None,
        progress: bool | Callable[[str, int, int], None] = False,
        verbose: bool = False,
    ) -> list[LoadReport]:
        """Load raw exports through a mapping; see :func:`parcours.ingest.ingest`."""
        from parcours.ingest import ingest

        paths: Sequence[Path | str] = [files] if isinstance(files, str | Path) else list(files)
        return ingest(
            self, paths, mapping=mapping, source=source, progress=progress, verbose=verbose
        )

    def customers(self) -> ir.Table:
        """The customers table with each one's ``persona`` (from the persona projection's
        ``persona_scores`` table, null where a customer has none) once personas were projected."""
        from parcours.warehouse import PERSONA_SCORES

        people = self.table("customers")
        if "persona" in people.columns or not self.warehouse.has_table(PERSONA_SCORES):
            return people
        scores = self.table(PERSONA_SCORES).select("customer_id", "persona")
        return people.left_join(scores, "customer_id").drop("customer_id_right")

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
            if len(files) == 1:
                return load_journey(files[0])
            if not files:
                raise WorkspaceError(
                    f"expected a journey in {self.root / 'journeys'} (a YAML file), found none"
                )
            # As-is beside its to-be is the method's normal state: the as-is map is the journey.
            as_is = [j for j in (load_journey(f) for f in files) if j.state == "as-is"]
            if len(as_is) != 1:
                raise WorkspaceError(
                    f"expected exactly one as-is journey in {self.root / 'journeys'} (or a name), "
                    f"found {len(as_is)} among {', '.join(f.name for f in files)}"
                )
            return as_is[0]
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

        try:
            return self.journey()
        except _errors.ParcoursError:
            return None

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._warehouse is not None:
            self._warehouse.close()
            self._warehouse = None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workspace({str(self.root)!r})"
