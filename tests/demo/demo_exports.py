"""The demo exports read with ordinary tools (pandas, csv, json, openpyxl), for the demo tests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import load_workbook

from parcours.demo import Truth


@dataclass(frozen=True)
class Exports:
    """Every raw export of one demo, as read by ordinary tools."""

    crm_clients: pd.DataFrame  # every row, planted bad rows included, all text
    crm_actions: pd.DataFrame
    web: list[dict[str, Any]]
    calls: pd.DataFrame  # every workbook, with a "file" column
    survey: pd.DataFrame
    erp: pd.DataFrame


def read_crm(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)


def read_calls(paths: tuple[Path, ...]) -> pd.DataFrame:
    frames = []
    for path in paths:
        wb = load_workbook(path, read_only=True)
        rows = list(wb["Appels"].iter_rows(values_only=True))
        wb.close()
        frame = pd.DataFrame(rows[1:], columns=list(rows[0]))
        frame["file"] = path.name
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def planted_lines(truth: Truth, file: str) -> set[int]:
    return {q.line for q in truth.files[file].quarantined}


def clean(frame: pd.DataFrame, truth: Truth, file: str) -> pd.DataFrame:
    """The rows a correct ingest loads: all but the planted bad rows (line = index + 2)."""
    bad = planted_lines(truth, file)
    keep = [i + 2 not in bad for i in range(len(frame))]
    return frame[keep]


def e164(raw: str) -> str | None:
    """A French phone number as typed, in E.164 (+33...), or None."""
    digits = re.sub(r"[^0-9+]", "", raw or "")
    if re.fullmatch(r"0[1-9]\d{8}", digits):
        return "+33" + digits[1:]
    if re.fullmatch(r"\+33[1-9]\d{8}", digits):
        return digits
    return None
