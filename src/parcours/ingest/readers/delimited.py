"""Delimited text (CSV, TSV): the reader, and the choice between its two paths.

Delimited text takes one of two paths, which give the same result on the same content (the record
grammar is DuckDB's, written down in :mod:`parcours.ingest._sniff`): the fast path
(:mod:`._fast`, DuckDB's ``read_csv``, its result checked) and the exact path (:mod:`._exact`,
line by line in Python). Pure cp1252 (or UTF-16) files are transcoded to UTF-8 in big chunks
first (:mod:`._plan`), then take the fast path.
"""

from __future__ import annotations

import logging
from pathlib import Path

from parcours.errors import IngestError
from parcours.ingest.readers._base import Progress, RawRead, ReadJob, ReadOptions
from parcours.ingest.readers._exact import exact_path
from parcours.ingest.readers._fast import BAD_ENCODING, fast_path
from parcours.ingest.readers._plan import plan_encoding, plan_full_encoding, plan_layout
from parcours.warehouse import Warehouse

__all__ = ["DelimitedReader", "stage_delimited"]

_log = logging.getLogger("parcours.ingest._readers")


class DelimitedReader:
    """CSV and TSV files (and .txt exports): separator and encoding sniffed unless declared."""

    formats = ("csv", "tsv")
    suffixes = (".csv", ".txt", ".tsv", ".tab")

    def read(self, job: ReadJob) -> RawRead:
        return stage_delimited(
            job.wh, job.path, job.format, job.options, job.staging, job.progress, job.scratch
        )[0]


def stage_delimited(
    wh: Warehouse,
    path: Path,
    fmt: str,
    options: ReadOptions,
    staging: str,
    progress: Progress,
    scratch: Path,
    only: str | None = None,
) -> tuple[RawRead, str]:
    """Stage a delimited file; also says which path did it ('fast' or 'exact').

    ``only`` forces one path (tests compare them): 'exact' skips DuckDB's reader, 'fast' raises
    :class:`IngestError` instead of falling back.
    """
    plan = plan_encoding(path, fmt, options, scratch)
    plan_layout(plan, options)
    if only == "exact":
        return exact_path(wh, plan, staging, progress, scratch), "exact"
    outcome = fast_path(wh, plan, staging, progress, scratch)
    if outcome == BAD_ENCODING and plan.guessed:
        plan = plan_full_encoding(plan, scratch)
        plan_layout(plan, options)
        if plan.line_decoding == "utf-8":
            outcome = fast_path(wh, plan, staging, progress, scratch)
    if isinstance(outcome, RawRead):
        return outcome, "fast"
    if only == "fast":
        raise IngestError(f"cannot read {path} with DuckDB's reader: {outcome}")
    _log.info("%s: read line by line (%s)", path, outcome)
    return exact_path(wh, plan, staging, progress, scratch), "exact"
