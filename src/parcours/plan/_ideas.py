"""Ideas of improvement as data: ``plan/ideas.yaml``, its models, schema and validation.

The file is validated like a journey map (every problem with file, line and column, all at once)
through :func:`parcours.model.load_model_file`; cross-references (a dependency names an idea of the
file, a stage or touchpoint exists in the journey map) are checked by a model validator, so their
problems carry places too.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import math
import os
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal, Self

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from parcours.errors import ModelError, Problem
from parcours.model import LocalizedText, load_model_file

__all__ = [
    "CRITERIA",
    "IDEAS_FILE",
    "IDEAS_SCHEMA_PATH",
    "KANO_CLASSES",
    "STATUSES",
    "Idea",
    "IdeaKpi",
    "IdeaOrigin",
    "Ideas",
    "dump_ideas",
    "ideas_json_schema",
    "load_ideas",
    "save_ideas",
    "validate_ideas_file",
    "write_ideas_schema",
]

IDEAS_FILE = Path("plan") / "ideas.yaml"
"""Where a workspace keeps its ideas, relative to its root."""
IDEAS_SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "ideas.schema.json"
"""The published JSON Schema of ideas files (regenerate with ``python -m parcours.plan``)."""

CRITERIA = (
    "customer_expectations",
    "business_development",
    "technical_feasibility",
    "internal_expectations",
    "resources",
)
"""The method's five criteria (DOMAIN §7), each scored 1-5, higher is better for the idea."""
STATUSES = ("proposed", "to_study", "approved", "rejected", "in_progress", "done")
KANO_CLASSES = ("M", "O", "A", "I", "R", "Q")
"""Kano categories as :func:`parcours.voc.kano` writes them: M = must-be (basic), O = one-
dimensional (performance), A = attractive, I = indifferent, R = reverse, Q = questionable."""

SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
_JOURNEY: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "parcours_plan_journey", default=None
)


def _fail(kind: str, expected: str) -> PydanticCustomError:
    return PydanticCustomError(f"parcours_{kind}", "{expected}", {"expected": expected})


def _slug(value: Any) -> str:
    if isinstance(value, str) and re.match(SLUG_PATTERN, value):
        return value
    raise _fail(
        "slug", "an id made of lowercase letters, digits, '-' and '_' (such as 'quote-web')"
    )


def _number(minimum: float, maximum: float | None, strict_min: bool) -> Any:
    if maximum is None:
        expected = f"a number {'>' if strict_min else '>='} {minimum:g}"
    else:
        expected = f"a number from {minimum:g} to {maximum:g}"

    def check(value: Any) -> int | float:
        # bool is an int in Python and YAML reads yes/no as booleans: refuse them.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _fail("number", expected)
        if isinstance(value, float) and not math.isfinite(value):
            raise _fail("number", expected)
        low_ok = value > minimum if strict_min else value >= minimum
        if not low_ok or (maximum is not None and value > maximum):
            raise _fail("number", expected)
        return value

    return PlainValidator(check)


def _number_schema(minimum: float, maximum: float | None, strict_min: bool) -> Any:
    schema: dict[str, Any] = {"type": "number"}
    schema["exclusiveMinimum" if strict_min else "minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return WithJsonSchema(schema)


Slug = Annotated[
    str, PlainValidator(_slug), WithJsonSchema({"type": "string", "pattern": SLUG_PATTERN})
]
Score = Annotated[int | float, _number(1, 5, False), _number_schema(1, 5, False)]
"""A score on the method's 1-5 scale."""
NonNegative = Annotated[int | float, _number(0, None, False), _number_schema(0, None, False)]
Share = Annotated[int | float, _number(0, 1, False), _number_schema(0, 1, False)]
Ten = Annotated[int | float, _number(1, 10, False), _number_schema(1, 10, False)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class IdeaOrigin(_Model):
    """Where the idea comes from: a workshop table, a verbatim, an analysis, Kano answers."""

    kind: Literal["workshop", "verbatim", "analysis", "kano", "benchmark", "other"]
    """workshop, verbatim, analysis, kano, benchmark or other."""
    workshop: str | None = None
    """Name of the workshop (world café, creative workshop...)."""
    round: int | None = Field(default=None, ge=1)
    """Round of the world café (1-based)."""
    table: int | None = Field(default=None, ge=1)
    """Table of the world café (1-based)."""
    verbatim: str | None = None
    """The customer quote the idea answers."""
    analysis: str | None = None
    """The analysis the idea comes from (e.g. blocking point at 'subscribe')."""


class IdeaKpi(_Model):
    """An indicator that tells whether the idea works, computed monthly from the warehouse."""

    id: Slug
    """Id of the indicator, unique within the idea."""
    metric: Literal["nps", "csat", "ces", "conversion", "churn", "complaints"]
    """nps, csat, ces (at a stage or touchpoint), conversion (stage -> to_stage), churn (rate),
    complaints (interactions at a touchpoint or stage)."""
    label: LocalizedText | None = None
    """Name shown in reports; a default one is made from the metric and its place."""
    stage: Slug | None = None
    """Stage the metric is measured at (conversion: the stage customers leave)."""
    touchpoint: Slug | None = None
    """Touchpoint the metric is measured at."""
    to_stage: Slug | None = None
    """For a conversion: the stage customers should reach."""
    baseline: float | None = None
    """Value at approval; measured from the data when left out."""
    target: float
    """Value to reach (NPS in points, CSAT and conversion and churn in %, CES on its scale)."""
    deadline: dt.date
    """Date by which the target should be reached."""
    direction: Literal["up", "down"] | None = None
    """up when higher is better; default: down for ces, churn and complaints, up otherwise."""

    def better(self) -> Literal["up", "down"]:
        if self.direction is not None:
            return self.direction
        return "down" if self.metric in ("ces", "churn", "complaints") else "up"


class Ice(_Model):
    """ICE's three scores, 1-10 each."""

    impact: Ten
    """How much the idea moves the goal (1-10)."""
    confidence: Ten
    """How sure we are of the impact (1-10)."""
    ease: Ten
    """How easy it is to do (1-10)."""


class Idea(_Model):
    """An idea of solution: its links to the journey, its origin, its scores and its plan."""

    id: Slug
    """Id of the idea, used by depends_on and by workshop sheets."""
    title: LocalizedText
    """Short title: {fr: ..., en: ...}."""
    description: LocalizedText | None = None
    """What the idea is (the solution)."""
    kind: Literal["feature", "process", "scenario", "content", "training", "other"] = "feature"
    """feature (a tool), process, scenario (an orchestrate trigger scenario), content, training."""
    scenario: Slug | None = None
    """For kind scenario: id of the orchestrate scenario that implements it."""
    stages: list[Slug] = []
    """Ids of the journey stages the idea improves."""
    touchpoints: list[Slug] = []
    """Ids of the touchpoints the idea improves."""
    irritants: list[Slug] = []
    """Ids of the journey irritants the idea addresses."""
    ruptures: list[Slug] = []
    """Ids of the journey ruptures the idea repairs."""
    personas: list[Slug] = []
    """Ids of the personas the idea is for."""
    expectations: list[LocalizedText] = []
    """Customer expectations the idea answers."""
    origin: IdeaOrigin | None = None
    """Where the idea comes from."""
    owner: str | None = None
    """Person accountable for the workstream."""
    team: str | None = None
    """Team that does the work (its capacity is in person-days per period)."""
    status: Literal["proposed", "to_study", "approved", "rejected", "in_progress", "done"] = (
        "proposed"
    )
    """proposed, to_study, approved, rejected, in_progress or done."""
    approved_on: dt.date | None = None
    """Date of approval: KPI baselines are measured on the month before it."""
    gain: Score | None = None
    """Gain on 1-5; left out, it comes from the criteria or from the evidence in the data."""
    effort: Score | None = None
    """Effort on 1-5; left out, it comes from effort_days or from the criteria."""
    effort_days: NonNegative | None = None
    """Effort in person-days (what the road map schedules)."""
    criteria: dict[str, Score] = {}
    """Scores 1-5 per criterion (customer_expectations, business_development,
    technical_feasibility, internal_expectations, resources, votes or your own); higher is
    better for the idea (feasible, resources available)."""
    reach: NonNegative | None = None
    """RICE reach: customers (or events) affected per period."""
    impact: NonNegative | None = None
    """RICE impact: 3 massive, 2 high, 1 medium, 0.5 low, 0.25 minimal."""
    confidence: Share | None = None
    """RICE confidence, 0-1 (0.8 for 80 %)."""
    ice: Ice | None = None
    """ICE scores (1-10 each); derived from gain, confidence and effort when left out."""
    moscow: Literal["must", "should", "could", "wont"] | None = None
    """MoSCoW priority."""
    kano: Literal["M", "O", "A", "I", "R", "Q"] | None = None
    """Kano class: M must-be, O one-dimensional, A attractive, I indifferent, R reverse."""
    votes: NonNegative | None = None
    """Dot votes received in a workshop."""
    depends_on: list[Slug] = []
    """Ids of the ideas that must be done before this one."""
    group: Slug | None = None
    """Ideas of one group ship together (features of one tool)."""
    target_experience: LocalizedText | None = None
    """The experience the customer should live once the idea is done."""
    risks: list[LocalizedText] = []
    """Risks of the workstream."""
    kpis: list[IdeaKpi] = []
    """Indicators that tell whether the idea works."""


class Ideas(_Model):
    """The ideas file of a workspace (``plan/ideas.yaml``)."""

    parcours: Literal[1] = 1
    """Version of the ideas format; 1 for now."""
    capacity: dict[str, NonNegative] = {}
    """Person-days each team can give per period (month by default)."""
    ideas: list[Idea] = []
    """The ideas."""

    @model_validator(mode="after")
    def _check_references(self) -> Self:
        errors = [
            _reference_error(loc, expected, found)
            for loc, expected, found in reference_issues(self, _JOURNEY.get())
        ]
        if errors:
            raise ValidationError.from_exception_data("Ideas", errors)
        return self

    def by_id(self) -> dict[str, Idea]:
        return {idea.id: idea for idea in self.ideas}


def _reference_error(loc: tuple[str | int, ...], expected: str, found: str) -> InitErrorDetails:
    error = PydanticCustomError(
        "parcours_reference",
        "expected {expected}, found {found}",
        {"expected": expected, "found": found},
    )
    return {"type": error, "loc": loc, "input": found}


def _ids(values: list[str]) -> str:
    return ", ".join(sorted(values)) or "none"


def reference_issues(
    ideas: Ideas, journey: Any = None
) -> list[tuple[tuple[str | int, ...], str, str]]:
    """Broken references as (location, expected, found): duplicate ids, unknown dependencies, and,
    with a journey map, unknown stages, touchpoints, irritants, ruptures and personas."""
    issues: list[tuple[tuple[str | int, ...], str, str]] = []
    seen: set[str] = set()
    known = {idea.id for idea in ideas.ideas}
    for i, idea in enumerate(ideas.ideas):
        if idea.id in seen:
            issues.append((("ideas", i, "id"), "an id not used by another idea", repr(idea.id)))
        seen.add(idea.id)
        for j, dep in enumerate(idea.depends_on):
            if dep == idea.id:
                issues.append(
                    (("ideas", i, "depends_on", j), "another idea's id", f"{dep!r} itself")
                )
            elif dep not in known:
                issues.append(
                    (("ideas", i, "depends_on", j), "the id of an idea of this file", repr(dep))
                )
    if not issues:
        issues += _cycle_issues(ideas)
    if journey is None:
        return issues
    collections = {
        "stages": {s.id for s in journey.stages},
        "touchpoints": {tp.id for tp in journey.touchpoints},
        "irritants": {x.id for x in journey.irritants},
        "ruptures": {x.id for x in journey.ruptures},
        "personas": {x.id for x in journey.personas},
    }
    for i, idea in enumerate(ideas.ideas):
        for name, ids in collections.items():
            for j, value in enumerate(getattr(idea, name)):
                if value not in ids:
                    what = name[:-1]
                    issues.append(
                        (
                            ("ideas", i, name, j),
                            f"a {what} of journey {journey.id!r} ({_ids(list(ids))})",
                            repr(value),
                        )
                    )
        for k, kpi in enumerate(idea.kpis):
            for field in ("stage", "to_stage"):
                value = getattr(kpi, field)
                if value is not None and value not in collections["stages"]:
                    issues.append(
                        (
                            ("ideas", i, "kpis", k, field),
                            f"a stage of journey {journey.id!r}",
                            repr(value),
                        )
                    )
            if kpi.touchpoint is not None and kpi.touchpoint not in collections["touchpoints"]:
                issues.append(
                    (
                        ("ideas", i, "kpis", k, "touchpoint"),
                        f"a touchpoint of journey {journey.id!r}",
                        repr(kpi.touchpoint),
                    )
                )
    return issues


def _cycle_issues(ideas: Ideas) -> list[tuple[tuple[str | int, ...], str, str]]:
    from parcours.plan._graph import find_cycles

    issues: list[tuple[tuple[str | int, ...], str, str]] = []
    for cycle in find_cycles(ideas.ideas):
        found = "a cycle among the ideas " + ", ".join(cycle)
        issues += [
            (("ideas", i, "depends_on"), "dependencies without a cycle", found)
            for i, idea in enumerate(ideas.ideas)
            if idea.id in cycle and idea.depends_on
        ]
    return issues


def load_ideas(path: str | os.PathLike[str], journey: Any = None) -> Ideas:
    """Read an ideas file; ``ModelError`` with every problem (file, line, column) if invalid.

    With ``journey`` (a journey map), links to stages, touchpoints, irritants, ruptures and
    personas must exist in it.
    """
    token = _JOURNEY.set(journey)
    try:
        return load_model_file(path, Ideas, what="ideas", error=ModelError)
    finally:
        _JOURNEY.reset(token)


def validate_ideas_file(path: str | os.PathLike[str], journey: Any = None) -> list[Problem]:
    """Every problem of an ideas file, each with its line and column; [] when it is valid."""
    try:
        load_ideas(path, journey)
    except ModelError as exc:
        return exc.problems
    return []


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def dump_ideas(ideas: Ideas) -> str:
    """The ideas as YAML (fields left at their default omitted); :func:`load_ideas` reads it back."""
    data = _plain(ideas.model_dump(mode="python", exclude_defaults=True))
    data = {"parcours": 1, **data}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def save_ideas(ideas: Ideas, path: str | os.PathLike[str]) -> Path:
    """Write the ideas atomically: a reader never sees half a file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = dump_ideas(ideas)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        Path(tmp).chmod(0o644)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def ideas_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of an ideas file, with help text per key."""
    schema = Ideas.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "parcours ideas",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def write_ideas_schema(path: str | os.PathLike[str] = IDEAS_SCHEMA_PATH) -> Path:
    """Write the schema to ``path`` (the published file by default)."""
    target = Path(path)
    text = json.dumps(ideas_json_schema(), indent=2, ensure_ascii=False) + "\n"
    target.write_text(text, encoding="utf-8")
    return target
