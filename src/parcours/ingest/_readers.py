"""The former single reading module, kept as a name: the readers live in :mod:`.readers`.

New code imports from :mod:`parcours.ingest.readers`; these names stay for the code and tests
that still use this module (``_format`` and ``_stage_delimited`` are the hooks the reader tests
use to force a path).
"""

from __future__ import annotations

from parcours.ingest.readers import (
    FORMATS,
    SUFFIXES,
    RawRead,
    ReadOptions,
    StructuralReject,
    read_raw,
    value_text,
)
from parcours.ingest.readers import format_of as _format
from parcours.ingest.readers.delimited import stage_delimited as _stage_delimited

__all__ = [
    "FORMATS",
    "SUFFIXES",
    "RawRead",
    "ReadOptions",
    "StructuralReject",
    "_format",
    "_stage_delimited",
    "read_raw",
    "value_text",
]
