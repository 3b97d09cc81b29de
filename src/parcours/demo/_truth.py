"""The planted truth: what an analysis of the demo exports must find, saved beside the data.

``truth/truth.json`` holds the facts (funnel, irritants, personas, churn, expected loads) and
``truth/truth_customers.parquet`` one row per simulated person. Tests of later features load it
with :func:`load_truth` and check that their analyses recover it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parcours.errors import DemoError

if TYPE_CHECKING:
    import pandas as pd

TRUTH_VERSION = 1
TRUTH_DIR = "truth"
TRUTH_FILE = "truth.json"
CUSTOMERS_FILE = "truth_customers.parquet"


@dataclass(frozen=True)
class QuarantinedRow:
    """One planted bad row: where it is and why a correct ingest must reject it."""

    file: str
    line: int  # physical line in the file, the header being line 1
    column: str | None  # the raw column at fault (None: the whole row, duplicate or no identifier)
    value: str | None  # the raw value at fault
    reason: str  # invalid_date | missing_identifier | duplicate | invalid_amount
    detail: str


@dataclass(frozen=True)
class FileTruth:
    """What ingesting one raw file with its mapping must report."""

    file: str  # path relative to the raw directory
    mapping: str  # mapping file name in MAPPINGS_DIR
    target: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    quarantined: tuple[QuarantinedRow, ...] = ()


@dataclass(frozen=True)
class Transition:
    """Conversion from one stage to the next: the planted probability and what happened."""

    source: str
    target: str
    planted_probability: float | None  # None when the step is a process, not a coin toss
    planted_by_persona: dict[str, float]
    entered: int
    converted: int

    @property
    def rate(self) -> float:
        return self.converted / self.entered if self.entered else 0.0


@dataclass(frozen=True)
class Experience:
    """An irritant or an enchantment: where it is, and the survey scores it produced there."""

    id: str
    kind: str  # irritant | enchantment
    stage: str
    touchpoints: tuple[str, ...]
    population: str  # whose answers carry it
    planted_recommendation_mean: float
    responses: int
    nps: float
    csat: float
    nps_elsewhere: float  # every other answer of the same stage
    keyword: str | None = None
    keyword_share: float | None = None  # share of the comments here that mention the keyword
    keyword_share_elsewhere: float | None = None


@dataclass(frozen=True)
class Redundancy:
    """Two push touchpoints sent for one customer moment."""

    touchpoints: tuple[str, ...]
    customers: int
    max_gap_minutes: int  # as written in the export (minute precision)
    median_gap_seconds: float


@dataclass(frozen=True)
class PersonaTruth:
    """One persona: its key drivers as rules, its weight, and how it was planted."""

    id: str
    planted_share: float
    rules: dict[str, Any]
    people: int
    customers: int  # in the CRM (prospects and members)
    members: int
    revenue: float  # annual premiums sold (ERP), euros
    revenue_share: float
    channel_mix: dict[str, dict[str, float]]  # planted: stage -> channel -> probability
    quote_probability: float
    subscribe_probability: float
    claims_per_year: float
    churn_hazard: float


@dataclass(frozen=True)
class ChurnTruth:
    """Members who cancelled, and the planted link with the irritant."""

    members: int
    churned: int
    rate: float  # churned / members over the period
    member_years: float
    annual_rate: float  # churned / member-years
    hazard_by_persona: dict[str, float]
    irritant_multiplier: float
    notice_days: int
    members_with_irritant: int  # an irritating reimbursement before any cancellation request
    churned_with_irritant: int
    rate_with_irritant: float
    rate_without_irritant: float
    # Per member-year, split at each member's first irritant (what a hazard model estimates).
    annual_rate_before_irritant: float
    annual_rate_after_irritant: float


@dataclass(frozen=True)
class IdentityTruth:
    """How many customers a perfect identity resolution finds, and why."""

    people: int
    in_crm: int
    with_email: int
    web_cookies: int
    app_ids: int
    unstitched_visitor_ids: int  # cookies/app ids never seen with an e-mail or CRM id
    callers_outside_crm: int  # phone numbers that only the call centre knows
    expected_customers: int


@dataclass(frozen=True)
class Truth:
    """Everything planted in one generated demo (see the module docstring)."""

    version: int
    company: str
    seed: int
    people: int
    start: str
    end: str
    files: dict[str, FileTruth]
    stages: dict[str, int]  # people who reached each stage
    transitions: tuple[Transition, ...]
    touchpoint_volumes: dict[str, int]
    nps_by_touchpoint: dict[str, float]
    responses_by_touchpoint: dict[str, int]
    never_observed_touchpoints: tuple[str, ...]  # quote-app (planted); tiny demos may add some
    undefined_event_codes: dict[str, int]
    irritants: tuple[Experience, ...]
    enchantments: tuple[Experience, ...]
    redundant_touchpoints: tuple[Redundancy, ...]
    ruptures: dict[str, int]
    personas: dict[str, PersonaTruth]
    churn: ChurnTruth
    identity: IdentityTruth
    directory: Path = field(default=Path(), compare=False)

    @property
    def customers_path(self) -> Path:
        return self.directory / CUSTOMERS_FILE

    def customers(self) -> pd.DataFrame:
        """One row per simulated person (see truth_customers.parquet)."""
        import pandas as pd

        return pd.read_parquet(self.customers_path)

    def transition(self, source: str, target: str) -> Transition:
        for t in self.transitions:
            if (t.source, t.target) == (source, target):
                return t
        known = ", ".join(f"{t.source} -> {t.target}" for t in self.transitions)
        raise DemoError(f"expected a planted transition among {known}, found {source} -> {target}")

    def to_json(self) -> str:
        data = asdict(self)
        data.pop("directory")
        return json.dumps(data, ensure_ascii=False, indent=2)


def save_truth(truth: Truth, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / TRUTH_FILE
    path.write_text(truth.to_json() + "\n", encoding="utf-8")
    return path


def load_truth(out_dir: Path | str) -> Truth:
    """Read the truth written by ``generate(out_dir)`` (``out_dir/truth/truth.json``)."""
    directory = Path(out_dir) / TRUTH_DIR
    data = json.loads((directory / TRUTH_FILE).read_text(encoding="utf-8"))
    files = {
        name: FileTruth(
            **{
                **f,
                "quarantined": tuple(QuarantinedRow(**q) for q in f["quarantined"]),
            }
        )
        for name, f in data["files"].items()
    }
    return Truth(
        version=data["version"],
        company=data["company"],
        seed=data["seed"],
        people=data["people"],
        start=data["start"],
        end=data["end"],
        files=files,
        stages=data["stages"],
        transitions=tuple(Transition(**t) for t in data["transitions"]),
        touchpoint_volumes=data["touchpoint_volumes"],
        nps_by_touchpoint=data["nps_by_touchpoint"],
        responses_by_touchpoint=data["responses_by_touchpoint"],
        never_observed_touchpoints=tuple(data["never_observed_touchpoints"]),
        undefined_event_codes=data["undefined_event_codes"],
        irritants=tuple(_experience(e) for e in data["irritants"]),
        enchantments=tuple(_experience(e) for e in data["enchantments"]),
        redundant_touchpoints=tuple(
            Redundancy(**{**r, "touchpoints": tuple(r["touchpoints"])})
            for r in data["redundant_touchpoints"]
        ),
        ruptures=data["ruptures"],
        personas={k: PersonaTruth(**v) for k, v in data["personas"].items()},
        churn=ChurnTruth(**data["churn"]),
        identity=IdentityTruth(**data["identity"]),
        directory=directory,
    )


def _experience(data: dict[str, Any]) -> Experience:
    return Experience(**{**data, "touchpoints": tuple(data["touchpoints"])})
