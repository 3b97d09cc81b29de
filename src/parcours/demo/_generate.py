"""``generate``: simulate Mutuelle Horizon and write its raw exports and planted truth."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from parcours.demo._catalog import MAPPINGS_DIR
from parcours.demo._truth import CUSTOMERS_FILE, TRUTH_DIR, TRUTH_FILE, FileTruth
from parcours.errors import DemoError

Progress = Callable[[str, int, int], None]
"""progress(step, done, total): step is simulate, a file name, or truth."""

PARALLEL_CALL_ROWS = 20_000
MIN_CUSTOMERS = 200  # below this the planted bad rows and the persona rules lose their meaning

# Mapping name -> the raw files it reads, in the order `parcours demo` should ingest them
# (customers first, so that interactions find their customers).
INGEST_ORDER = (
    "crm_clients",
    "crm_actions",
    "web_analytics",
    "appels",
    "enquete_satisfaction",
    "erp_contrats",
)


@dataclass(frozen=True)
class DemoFiles:
    """What :func:`generate` wrote: the raw exports, grouped by the mapping that reads them."""

    out_dir: Path
    raw: dict[str, tuple[Path, ...]]  # mapping name -> files, in ingest order
    truth: Path  # truth/truth.json
    truth_customers: Path  # truth/truth_customers.parquet

    @property
    def raw_dir(self) -> Path:
        return self.out_dir / "raw"

    @property
    def files(self) -> tuple[Path, ...]:
        """Every raw file, in ingest order."""
        return tuple(path for paths in self.raw.values() for path in paths)

    def mapping(self, name: str) -> Path:
        """The packaged mapping for one kind of export (``crm_clients``, ``appels``...)."""
        return MAPPINGS_DIR / f"{name}.yaml"

    def sources(self) -> Iterator[tuple[Path, Path]]:
        """(mapping, raw file) pairs in ingest order."""
        for name, paths in self.raw.items():
            for path in paths:
                yield self.mapping(name), path


def _pool(rows: int, sheets: int) -> ProcessPoolExecutor | None:
    """Worker processes for the workbooks, when it pays: several cores, many rows, fork."""
    cores = os.cpu_count() or 1
    if cores < 2 or rows < PARALLEL_CALL_ROWS or "fork" not in mp.get_all_start_methods():
        return None
    # fork, not spawn: spawn re-imports the caller's main module, which scripts rarely guard.
    return ProcessPoolExecutor(min(cores, 4, sheets), mp_context=mp.get_context("fork"))


def generate(
    out_dir: Path | str,
    customers: int = 100_000,
    seed: int = 0,
    progress: Progress | None = None,
) -> DemoFiles:
    """Simulate ``customers`` people of Mutuelle Horizon over three years; write exports and truth.

    Writes ``out_dir/raw/`` (CRM, web analytics, call centre, survey and ERP exports) and
    ``out_dir/truth/`` (truth.json, truth_customers.parquet). The same seed gives the same data.
    ``customers`` counts every simulated person, from the anonymous visitor who only compared
    offers to the member who cancelled.
    """
    if isinstance(customers, bool) or not isinstance(customers, int) or customers < MIN_CUSTOMERS:
        raise DemoError(f"customers: expected an integer >= {MIN_CUSTOMERS}, found {customers!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise DemoError(f"seed: expected a non-negative integer, found {seed!r}")
    # Heavy imports here, so that `import parcours.demo` stays cheap.
    from parcours.demo import _writers as writers
    from parcours.demo._catalog import catalog
    from parcours.demo._facts import build_truth
    from parcours.demo._simulate import simulate
    from parcours.demo._truth import save_truth

    step = progress or (lambda _s, _d, _t: None)
    out = Path(out_dir)
    raw_dir = out / "raw"
    truth_dir = out / TRUTH_DIR
    raw_dir.mkdir(parents=True, exist_ok=True)
    for stale in raw_dir.glob("appels_*.xlsx"):  # a previous run may have split calls otherwise
        stale.unlink()
    cat = catalog()
    world = simulate(customers, seed, step)

    # The call-centre workbooks are the slow part (openpyxl writes XML cell by cell): with
    # several cores they are written by worker processes while this one writes the rest.
    sheets = writers.call_sheets(world, cat)
    calls_total = sum(len(s.caller) for s in sheets)
    pool = _pool(calls_total, len(sheets))
    raw: dict[str, tuple[Path, ...]] = {}
    files: list[FileTruth] = []
    try:
        pending = (
            [pool.submit(writers.write_call_sheet, raw_dir, s) for s in sheets] if pool else []
        )
        writes: tuple[tuple[str, Callable[[Path], FileTruth]], ...] = (
            ("crm_clients.csv", lambda p: writers.write_crm_clients(world, p)),
            ("crm_actions.csv", lambda p: writers.write_crm_actions(world, cat, p)),
            ("web_analytics.jsonl", lambda p: writers.write_web(world, cat, p)),
            ("enquete_satisfaction.csv", lambda p: writers.write_survey(world, p)),
            ("erp_contrats.csv", lambda p: writers.write_erp(world, p)),
        )
        for name, write in writes:
            path = raw_dir / name
            step(name, 0, 1)
            files.append(write(path))
            raw[path.stem] = (path,)
            step(name, 1, 1)
        done = 0
        for k, sheet in enumerate(sheets):
            files.append(pending[k].result() if pool else writers.write_call_sheet(raw_dir, sheet))
            done += len(sheet.caller)
            step("appels", done, calls_total)
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
    raw["appels"] = tuple(raw_dir / s.name for s in sheets)
    step("truth", 0, 1)
    truth = build_truth(world, cat, files, truth_dir)
    save_truth(truth, truth_dir)
    step("truth", 1, 1)
    return DemoFiles(
        out_dir=out,
        raw={name: raw[name] for name in INGEST_ORDER},
        truth=truth_dir / TRUTH_FILE,
        truth_customers=truth_dir / CUSTOMERS_FILE,
    )
