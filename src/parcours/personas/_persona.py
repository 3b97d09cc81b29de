"""Personas as typed objects: portrait, expectations, channels, tone and key drivers (YAML).

A persona is one YAML file (``personas/*.yaml`` in a workspace, or the demo's in
``parcours/personas/data/demo``) validated through :func:`parcours.model.load_model_file`, so a
mistake is reported with its file, line and column. Its **key drivers** are rules over the
customer features (:mod:`parcours.personas._features`): customers meeting every driver are the
persona's *seeds*. A driver's ``role`` says what it describes:

- ``profile`` (default): who the persona is (age, region, family). A seed must be known to meet it.
- ``habit``: how typical members behave (channel habits, purchases). It selects the typical seeds,
  is not held against a customer for whom it cannot be measured (a prospect has no premium), and
  its feature family is left out of the persona's model: the model must recognise the persona, not
  re-learn the selection rule (the positive-unlabelled correction assumes seeds are a random sample
  of the persona as the model sees it).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from parcours.errors import ModelError
from parcours.model import LocalizedText, text

__all__ = [
    "DEMO_PERSONAS",
    "Driver",
    "Persona",
    "Relative",
    "load_persona",
    "load_personas",
]

DEMO_PERSONAS = Path(__file__).parent / "data" / "demo"
OPERATORS = ("equals", "in", "not_in", "between", "at_least", "at_most", "above", "below")
Scalar = str | int | float | bool


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Relative(_Strict):
    """A threshold relative to the customer base: ``{mean: 3}`` is three times the average."""

    mean: float | None = None
    """This many times the base's mean (``{mean: 3}``: "3x the average donation")."""
    median: float | None = None
    """This many times the base's median (``{median: 1}``: above the median)."""
    quantile: float | None = Field(default=None, ge=0, le=1)
    """The base's quantile (``{quantile: 0.75}``: the top quarter)."""

    @model_validator(mode="after")
    def _one(self) -> Relative:
        given = [k for k in ("mean", "median", "quantile") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "exactly one of mean, median, quantile (such as {mean: 3}), found "
                + (", ".join(given) or "none")
            )
        return self

    def resolve(self, values: Any) -> float:
        """The threshold on these values (a pandas Series; missing values ignored)."""
        known = values.dropna()
        if known.empty:
            return float("nan")
        if self.mean is not None:
            return float(known.mean()) * self.mean
        if self.median is not None:
            return float(known.median()) * self.median
        return float(known.quantile(self.quantile))

    def describe(self) -> str:
        if self.mean is not None:
            return f"{self.mean:g}x mean"
        if self.median is not None:
            return "median" if self.median == 1 else f"{self.median:g}x median"
        return f"q{self.quantile:g}"


Bound = float | Relative


class Driver(_Strict):
    """A key driver: one rule over one customer feature."""

    feature: str = Field(min_length=1)
    """The customer feature (age, city, digital_share, monetary...; `parcours personas features`)."""
    equals: Scalar | None = None
    """The feature equals this value."""
    in_: list[Scalar] | None = Field(default=None, alias="in")
    """The feature is one of these values."""
    not_in: list[Scalar] | None = None
    """The feature is none of these values."""
    between: tuple[float, float] | None = None
    """The feature lies in [low, high], both included."""
    at_least: Bound | None = None
    """The feature is >= this number or relative threshold ({mean: 3})."""
    at_most: Bound | None = None
    """The feature is <= this number or relative threshold."""
    above: Bound | None = None
    """The feature is > this number or relative threshold ({median: 1})."""
    below: Bound | None = None
    """The feature is < this number or relative threshold."""
    role: Literal["profile", "habit"] = "profile"
    """profile: who the persona is; habit: how typical members behave (see the module docs)."""
    label: LocalizedText | None = None
    """How the driver reads in a persona card (default: written from the rule)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, use_attribute_docstrings=True
    )

    @model_validator(mode="after")
    def _one_operator(self) -> Driver:
        given = [op for op in OPERATORS if getattr(self, "in_" if op == "in" else op) is not None]
        if len(given) != 1:
            raise ValueError(
                "exactly one of "
                + ", ".join(OPERATORS)
                + " in a driver, found "
                + (", ".join(given) or "none")
            )
        if self.between is not None and self.between[0] > self.between[1]:
            raise ValueError(f"between [low, high] with low <= high, found {list(self.between)}")
        return self

    @property
    def operator(self) -> str:
        return next(
            op for op in OPERATORS if getattr(self, "in_" if op == "in" else op) is not None
        )

    @property
    def value(self) -> Any:
        return getattr(self, "in_" if self.operator == "in" else self.operator)

    def describe(self, lang: str = "fr") -> str:
        """The driver as one line of a persona card."""
        if self.label is not None:
            return text(self.label, lang)
        value = self.value
        if isinstance(value, Relative):
            shown = value.describe()
        elif isinstance(value, list | tuple):
            shown = ", ".join(str(v) for v in value)
            shown = f"[{shown}]"
        else:
            shown = str(value)
        symbol = {
            "equals": "=",
            "in": "∈",
            "not_in": "∉",
            "between": "∈",
            "at_least": "≥",
            "at_most": "≤",
            "above": ">",
            "below": "<",
        }[self.operator]
        return f"{self.feature} {symbol} {shown}"


class Persona(_Strict):
    """A persona from a qualitative study, with the key drivers that find it in the base."""

    parcours: int = 1
    """Version of the persona file format."""
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    """Id of the persona (lowercase letters, digits, '-', '_'); the journey map refers to it."""
    name: LocalizedText
    """Name of the persona, {fr: ..., en: ...}."""
    portrait: LocalizedText | None = None
    """A few sentences: who they are, their situation, what they want."""
    expectations: list[LocalizedText] = []
    """What they expect from the company."""
    channels: list[str] = []
    """Preferred channels (channel ids of the journey map)."""
    tone: LocalizedText | None = None
    """The tone to use with them."""
    drivers: list[Driver] = Field(min_length=1)
    """Key drivers: rules over customer features that typical members meet."""

    @property
    def profile_drivers(self) -> list[Driver]:
        return [d for d in self.drivers if d.role == "profile"]

    @property
    def habit_drivers(self) -> list[Driver]:
        return [d for d in self.drivers if d.role == "habit"]


def load_persona(path: str | os.PathLike[str]) -> Persona:
    """Read one persona file; raises ModelError with every problem (file, line, column)."""
    from parcours.model import load_model_file

    return load_model_file(path, Persona, what="persona", error=ModelError)


def load_personas(source: Any = None) -> list[Persona]:
    """Every persona of a folder, a workspace (its ``personas/``) or a list of files, by file name.

    ``None`` gives the demo company's personas. Two files with the same id are an error.
    """
    if source is None:
        source = DEMO_PERSONAS
    if hasattr(source, "path") and hasattr(source, "root"):  # a Workspace
        source = source.path("personas")
    if isinstance(source, str | os.PathLike):
        folder = Path(source)
        files = (
            sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else [folder]
        )
    else:
        files = [Path(f) for f in source]
    personas: list[Persona] = []
    seen: dict[str, Path] = {}
    for file in files:
        persona = load_persona(file)
        if persona.id in seen:
            from parcours.errors import Problem

            raise ModelError(
                [
                    Problem(
                        str(file),
                        None,
                        None,
                        "id",
                        f"an id not used by {seen[persona.id]}",
                        repr(persona.id),
                    )
                ],
                what=str(file),
            )
        seen[persona.id] = file
        personas.append(persona)
    return personas
