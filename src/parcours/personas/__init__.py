"""Personas in the customer base: key drivers, seeds and twins, one model per persona, assignment.

    >>> from parcours import Workspace
    >>> from parcours import personas
    >>> with Workspace.open("mutuelle") as ws:  # doctest: +SKIP
    ...     projection = personas.fit(ws)            # personas/*.yaml -> one model per persona
    ...     personas.score(ws, projection)           # writes the table persona_scores
    ...     table = personas.assignments(ws)         # customer_id, persona, score, confidence

The method (DOMAIN.md §4): from each persona's key drivers, select typical customers (seeds) and
complete them with look-alikes (twins); learn one positive-unlabelled model per persona with the
label-frequency correction; score every customer's resemblance (0-1) to every persona; assign the
best persona only when its score clears the threshold and beats the second by a margin.
"""

from __future__ import annotations

from parcours.personas import _messages  # noqa: F401  # registers the package's words
from parcours.personas._card import evaluate, model_card
from parcours.personas._errors import PersonaError
from parcours.personas._features import Features, customer_features
from parcours.personas._model import PersonaModel
from parcours.personas._persona import (
    DEMO_PERSONAS,
    Driver,
    Persona,
    Relative,
    load_persona,
    load_personas,
)
from parcours.personas._project import (
    UNASSIGNED,
    PersonaFit,
    Projection,
    assign,
    assignments,
    crosstab,
    export,
    fit,
    load_projection,
    projection_path,
    quantify,
    resemblance,
    score,
)
from parcours.personas._seeds import (
    PersonaWarning,
    Positives,
    evaluate_driver,
    find_twins,
    positives,
    select_seeds,
)

__all__ = [
    "DEMO_PERSONAS",
    "UNASSIGNED",
    "Driver",
    "Features",
    "Persona",
    "PersonaError",
    "PersonaFit",
    "PersonaModel",
    "PersonaWarning",
    "Positives",
    "Projection",
    "Relative",
    "assign",
    "assignments",
    "crosstab",
    "customer_features",
    "evaluate",
    "evaluate_driver",
    "export",
    "find_twins",
    "fit",
    "load_persona",
    "load_personas",
    "load_projection",
    "model_card",
    "positives",
    "projection_path",
    "quantify",
    "resemblance",
    "score",
    "select_seeds",
]
