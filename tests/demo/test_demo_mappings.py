"""The packaged mappings fit the files the generator writes (checked without the ingest engine)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from demo_exports import Exports, clean

from parcours.demo import MAPPINGS_DIR, DemoFiles, Truth

NAMES = (
    "crm_clients",
    "crm_actions",
    "web_analytics",
    "appels",
    "enquete_satisfaction",
    "erp_contrats",
)
FILE_OF = {
    "crm_clients": "crm_clients.csv",
    "crm_actions": "crm_actions.csv",
    "enquete_satisfaction": "enquete_satisfaction.csv",
    "erp_contrats": "erp_contrats.csv",
}


def mapping(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((MAPPINGS_DIR / f"{name}.yaml").read_text("utf-8"))
    return data


def specs(m: dict[str, Any]) -> list[dict[str, Any]]:
    out = [*m.get("columns", {}).values(), *m.get("metrics", {}).values()]
    out += [*m.get("attributes", {}).values()]
    if "event_code" in m:
        out.append(m["event_code"])
    return out


def table(exports: Exports, truth: Truth, name: str) -> list[dict[str, Any]]:
    """The clean rows of one export as dicts (nested JSON flattened with dots)."""
    if name == "web_analytics":
        rows = []
        for event in exports.web:
            flat = {k: v for k, v in event.items() if k != "user"}
            flat.update({f"user.{k}": v for k, v in event["user"].items()})
            rows.append(flat)
        return rows
    if name == "appels":
        return exports.calls.drop(columns="file").to_dict("records")
    frame = {
        "crm_clients": exports.crm_clients,
        "crm_actions": exports.crm_actions,
        "enquete_satisfaction": exports.survey,
        "erp_contrats": exports.erp,
    }[name]
    if name in FILE_OF:
        frame = clean(frame, truth, FILE_OF[name])
    return frame.to_dict("records")


@pytest.mark.parametrize("name", NAMES)
def test_every_column_read_exists(exports: Exports, truth: Truth, name: str) -> None:
    m = mapping(name)
    rows = table(exports, truth, name)
    seen = set().union(*(row.keys() for row in rows))
    wanted = [*m["identifiers"].values(), *(s["from"] for s in specs(m) if "from" in s)]
    assert set(wanted) <= seen, set(wanted) - seen


@pytest.mark.parametrize("name", NAMES)
def test_recodes_cover_every_raw_value(exports: Exports, truth: Truth, name: str) -> None:
    rows = table(exports, truth, name)
    for spec in specs(mapping(name)):
        if "values" not in spec:
            continue
        found = {str(r[spec["from"]]) for r in rows if r.get(spec["from"]) not in (None, "")}
        assert {k.casefold() for k in found} <= {k.casefold() for k in spec["values"]}


@pytest.mark.parametrize("name", NAMES)
def test_declared_formats_read_every_clean_value(exports: Exports, truth: Truth, name: str) -> None:
    rows = table(exports, truth, name)
    for spec in specs(mapping(name)):
        if "format" not in spec:
            continue
        for row in rows:
            value = row.get(spec["from"])
            if value not in (None, ""):
                dt.datetime.strptime(str(value), spec["format"])


@pytest.mark.parametrize("name", NAMES)
def test_read_options_match_the_file(demo: DemoFiles, name: str) -> None:
    m = mapping(name)
    path: Path = demo.raw[name][0]
    read = m.get("read", {})
    if read.get("format") in ("csv", None) and path.suffix == ".csv":
        header = path.read_bytes().split(b"\n", 1)[0].decode(read.get("encoding", "utf-8"))
        assert read["separator"] in header
    assert read["format"] == {".csv": "csv", ".jsonl": "jsonl", ".xlsx": "xlsx"}[path.suffix]
    if m["target"] == "interactions":
        assert m["touchpoints"]["journey"] == "../journeys/mutuelle-horizon.yaml"
        assert m["touchpoints"]["unmatched"] == "keep"


@pytest.mark.parametrize("name", NAMES)
def test_the_ingest_accepts_the_mapping(name: str) -> None:
    ingest = pytest.importorskip("parcours.ingest")
    loaded = ingest.load_mapping(MAPPINGS_DIR / f"{name}.yaml")
    assert loaded.target == mapping(name)["target"]
