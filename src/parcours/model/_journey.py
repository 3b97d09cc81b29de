"""The journey map as typed objects, in the shape of the YAML files users write.

Field order is the order of the demo file: `dump_journey` writes keys in this order. Unknown keys
are errors (a typo such as ``lable`` must not silently drop a label). Cross-references between
collections are checked by `_references.check_references` once every field is valid.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from parcours.errors import ModelError, Problem
from parcours.model._references import check_references
from parcours.model._types import Emotion, LocalizedText, NumberOrText, Slug, Weight

__all__ = [
    "SCHEMA_VERSION",
    "SKIP_REFERENCES",
    "Channel",
    "EmployeeExperience",
    "Enchantment",
    "Irritant",
    "Journey",
    "Kpi",
    "PersonaRef",
    "Phase",
    "Rupture",
    "Scope",
    "Stage",
    "Touchpoint",
]

SCHEMA_VERSION = 1
"""The version of the journey-map format this code reads and writes (the ``parcours:`` key)."""

SKIP_REFERENCES = "parcours_skip_references"
"""Validation-context flag: the YAML loader checks references itself, on raw data, with places."""


def _event_code(value: Any) -> str:
    if isinstance(value, str) and value.strip():
        return value
    raise PydanticCustomError("parcours_event_code", "{expected}", {"expected": "a non-empty text"})


def _event_pattern(value: Any) -> str:
    if not isinstance(value, str) or not value:
        expected = "a regular expression (text) matching whole event codes"
        raise PydanticCustomError("parcours_event_pattern", "{expected}", {"expected": expected})
    try:
        re.compile(value)
    except re.error as exc:
        expected = f"a valid regular expression ({exc})"
        raise PydanticCustomError(
            "parcours_event_pattern", "{expected}", {"expected": expected}
        ) from None
    return value


def _relative_ref(value: Any) -> str:
    # Absolute paths break as soon as the workspace is moved or cloned, so refuse them.
    if isinstance(value, str) and value and not re.match(r"^([/\\]|[A-Za-z]:)", value):
        return value
    expected = "a journey id or a path relative to this file"
    raise PydanticCustomError("parcours_relative_ref", "{expected}", {"expected": expected})


EventCode = Annotated[
    str, PlainValidator(_event_code), WithJsonSchema({"type": "string", "minLength": 1})
]
EventPattern = Annotated[
    str,
    PlainValidator(_event_pattern),
    WithJsonSchema({"type": "string", "format": "regex", "minLength": 1}),
]
RelativeRef = Annotated[
    str, PlainValidator(_relative_ref), WithJsonSchema({"type": "string", "minLength": 1})
]


class _Model(BaseModel):
    # Attribute docstrings become the descriptions an editor shows from the JSON Schema.
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class Phase(_Model):
    """A macro-phase of the relationship (before purchase, purchase, after purchase...)."""

    id: Slug
    """Id of the phase, used by stages (`phase: before`)."""
    label: LocalizedText
    """Name of the phase, e.g. {fr: Avant l'adhésion, en: Before joining}."""


class EmployeeExperience(_Model):
    """What employees live at this stage (vécu collaborateur): difficulties, expectations, tools."""

    difficulties: list[LocalizedText] = []
    """Difficulties of employees, e.g. data scattered across three tools."""
    expectations: list[LocalizedText] = []
    """What employees would need."""
    tools: list[LocalizedText] = []
    """Tools employees use at this stage."""


class Stage(_Model):
    """A stage (étape) written from the customer's point of view: "Je demande un devis"."""

    id: Slug
    """Id of the stage, used by touchpoints, irritants and enchantments."""
    phase: Slug
    """Id of the phase the stage belongs to."""
    label: LocalizedText
    """The stage in the customer's voice, first person: {fr: Je demande un devis, en: ...}."""
    moment_of_truth: bool = False
    """True when the stage can tip the relationship (moment de vérité)."""
    promise: LocalizedText | None = None
    """The commitment made at this stage, e.g. "Votre devis en 1 h"."""
    emotion: Emotion | None = None
    """Customer emotion at this stage, from -2 (very negative) to +2 (very positive)."""
    customer_actions: list[LocalizedText] = []
    """What the customer does at this stage."""
    expectations: list[LocalizedText] = []
    """What the customer expects at this stage."""
    employee_experience: EmployeeExperience | None = None
    """What employees live at this stage (vécu collaborateur)."""
    best_practices: list[LocalizedText] = []
    """Good practices seen elsewhere (benchmark) for this stage."""
    notes: LocalizedText | None = None
    """Free notes."""


class Channel(_Model):
    """A channel (canal) through which customer and company interact."""

    id: Slug
    """Id of the channel, used by touchpoints and by scope.channels."""
    label: LocalizedText
    """Name of the channel, e.g. {fr: Site web, en: Web site}."""
    kind: Literal["digital", "human", "paper", "partner", "other"]
    """digital (web, app, email, SMS), human (phone, agency, rep), paper (mail), partner, other."""


class Touchpoint(_Model):
    """A touchpoint (point de contact): an interaction on one channel at one stage."""

    id: Slug
    """Id of the touchpoint, used by irritants, enchantments and ruptures."""
    stage: Slug
    """Id of the stage of this touchpoint."""
    channel: Slug
    """Id of the channel of this touchpoint."""
    direction: Literal["push", "pull"]
    """pull: initiated by the customer; push: initiated by the company."""
    nature: Literal["informative", "transactional"]
    """informative (the customer learns something) or transactional (something is done)."""
    label: LocalizedText | None = None
    """Optional name of the touchpoint."""
    event_codes: list[EventCode] = []
    """Event codes of the source systems that record this touchpoint (one touchpoint per code)."""
    event_patterns: list[EventPattern] = []
    """Regular expressions matching whole event codes, tried after exact codes, in file order."""
    description: LocalizedText | None = None
    """Optional description."""


class _Finding(_Model):
    id: Slug
    """Id, unique in its list."""
    stage: Slug
    """Id of the stage where it happens."""
    touchpoints: list[Slug] = []
    """Ids of the touchpoints involved; each must belong to the stage."""
    label: LocalizedText
    """What happens, from the customer's point of view."""
    weight: Weight | None = None
    """Optional weight (≥ 0), for instance the volume of the touchpoints involved."""
    verbatims: list[str] = []
    """Customer quotes that illustrate it."""


class Irritant(_Finding):
    """An irritant: a cause of customer dissatisfaction at a stage."""


class Enchantment(_Finding):
    """An enchantment: value delivered beyond the customer's expectations at a stage."""


class Rupture(_Model):
    """A rupture: the customer cannot go from one touchpoint to the next one."""

    # `from` is a Python keyword: the attribute is `from_`, the YAML key `from`.
    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True)

    id: Slug
    """Id of the rupture."""
    from_: Slug = Field(alias="from")
    """Id of the touchpoint the customer leaves."""
    to: Slug
    """Id of the touchpoint the customer cannot reach from it."""
    label: LocalizedText
    """What breaks, from the customer's point of view."""


class PersonaRef(_Model):
    """A persona this journey is drawn for; details live in their own file."""

    id: Slug
    """Id of the persona."""
    label: LocalizedText
    """Name of the persona."""
    file: RelativeRef | None = None
    """Optional path of the persona file, relative to this file."""


class Kpi(_Model):
    """An indicator followed on this journey (NPS, delays, conversion...)."""

    id: Slug
    """Id of the indicator."""
    label: LocalizedText
    """Name of the indicator."""
    target: NumberOrText | None = None
    """Target value: a number (30) or a text ("≥ 30")."""
    unit: LocalizedText | None = None
    """Unit of the indicator (days, %, points...)."""


class Scope(_Model):
    """What the map covers: target customers, sales channels, notes."""

    target: LocalizedText | None = None
    """Target customers (persona, segment, B2B role...)."""
    channels: list[Slug] = []
    """Ids of the channels in scope."""
    notes: LocalizedText | None = None
    """Free notes on the scope."""


class Journey(_Model):
    """A customer journey map (cartographie du parcours client), as-is or to-be."""

    parcours: Literal[1]
    """Version of the journey-map format; 1 for now."""
    id: Slug
    """Id of the journey."""
    name: LocalizedText
    """Name of the journey."""
    kind: Literal["customer", "buyer"]
    """customer: the whole relationship; buyer: stops at the purchase."""
    state: Literal["as-is", "to-be"]
    """as-is: the current journey; to-be: the target journey designed in workshops."""
    derived_from: RelativeRef | None = None
    """For a to-be journey: id, or relative path, of the as-is journey it comes from."""
    description: LocalizedText | None = None
    """Optional description."""
    scope: Scope | None = None
    """What the map covers."""
    promise: LocalizedText | None = None
    """The brand promise for the whole journey."""
    phases: list[Phase] = []
    """Macro-phases, in order."""
    stages: list[Stage] = []
    """Stages, in customer order."""
    channels: list[Channel] = []
    """Channels."""
    touchpoints: list[Touchpoint] = []
    """Touchpoints: one interaction on one channel at one stage."""
    irritants: list[Irritant] = []
    """Irritants (dissatisfaction)."""
    enchantments: list[Enchantment] = []
    """Enchantments (value beyond expectations)."""
    ruptures: list[Rupture] = []
    """Ruptures between touchpoints."""
    personas: list[PersonaRef] = []
    """Personas this map is drawn for."""
    kpis: list[Kpi] = []
    """Indicators followed on this journey."""

    @model_validator(mode="after")
    def _check_references(self, info: ValidationInfo) -> Self:
        if info.context and info.context.get(SKIP_REFERENCES):
            return self
        issues = check_references(self.model_dump(by_alias=True))
        if issues:
            errors: list[InitErrorDetails] = [
                {
                    "type": PydanticCustomError(
                        "parcours_reference",
                        "expected {expected}, found {found}",
                        {"expected": issue.expected, "found": issue.found},
                    ),
                    "loc": issue.loc,
                    "input": issue.value,
                }
                for issue in issues
            ]
            raise ValidationError.from_exception_data("Journey", errors)
        return self

    def stage_order(self) -> list[Stage]:
        """Stages in customer order: by phase (in phase order), then in file order."""
        rank = {phase.id: position for position, phase in enumerate(self.phases)}
        return sorted(self.stages, key=lambda stage: rank.get(stage.phase, len(rank)))

    def stages_of(self, phase: str) -> list[Stage]:
        """Stages of the phase `phase` (an id), in file order; ModelError if unknown."""
        if phase not in {p.id for p in self.phases}:
            unknown = self._unknown("phases", "phase", phase, [p.id for p in self.phases])
            raise ModelError([unknown], f"journey {self.id}")
        return [stage for stage in self.stages if stage.phase == phase]

    def touchpoints_of(self, stage: str) -> list[Touchpoint]:
        """Touchpoints of the stage `stage` (an id), in file order; ModelError if unknown."""
        if stage not in {s.id for s in self.stages}:
            unknown = self._unknown("stages", "stage", stage, [s.id for s in self.stages])
            raise ModelError([unknown], f"journey {self.id}")
        return [touchpoint for touchpoint in self.touchpoints if touchpoint.stage == stage]

    def _unknown(self, path: str, what: str, found: str, known: list[str]) -> Problem:
        expected = f"a {what} of the journey ({', '.join(known) or 'none'})"
        return Problem(f"journey {self.id}", None, None, path, expected, repr(found))

    def touchpoint_for_code(self, code: str) -> Touchpoint | None:
        """The touchpoint an event code belongs to, or None.

        Exact `event_codes` win; otherwise the first touchpoint (in file order) with an
        `event_patterns` regular expression matching the whole code.
        """
        for touchpoint in self.touchpoints:
            if code in touchpoint.event_codes:
                return touchpoint
        for touchpoint in self.touchpoints:
            if any(re.fullmatch(pattern, code) for pattern in touchpoint.event_patterns):
                return touchpoint
        return None
