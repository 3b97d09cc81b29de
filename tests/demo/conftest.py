"""One small demo (2,000 people) generated once per session, and its exports read back.

The exports are read with pandas, csv, json and openpyxl, never with parcours' ingest: these tests
pin what the files are, so that the ingest can be tested against them.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from demo_exports import Exports, read_calls, read_crm

from parcours.demo import JOURNEY_PATH, DemoFiles, Truth, generate, load_truth

SEED = 7
PEOPLE = 2_000


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    return generate(tmp_path_factory.mktemp("demo"), customers=PEOPLE, seed=SEED)


@pytest.fixture(scope="session")
def truth(demo: DemoFiles) -> Truth:
    return load_truth(demo.out_dir)


@pytest.fixture(scope="session")
def exports(demo: DemoFiles) -> Exports:
    (web_path,) = demo.raw["web_analytics"]
    with web_path.open(encoding="utf-8") as handle:
        web = [json.loads(line) for line in handle]
    return Exports(
        crm_clients=read_crm(demo.raw["crm_clients"][0]),
        crm_actions=read_crm(demo.raw["crm_actions"][0]),
        web=web,
        calls=read_calls(demo.raw["appels"]),
        survey=pd.read_csv(
            demo.raw["enquete_satisfaction"][0],
            encoding="utf-8-sig",
            dtype=str,
            keep_default_na=False,
        ),
        erp=pd.read_csv(demo.raw["erp_contrats"][0], dtype=str, keep_default_na=False),
    )


@pytest.fixture(scope="session")
def journey_codes() -> dict[str, str]:
    """Raw event code -> touchpoint, from the packaged journey map."""
    journey = yaml.safe_load(JOURNEY_PATH.read_text(encoding="utf-8"))
    return {code: tp["id"] for tp in journey["touchpoints"] for code in tp.get("event_codes", [])}
