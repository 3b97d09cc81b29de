"""The demo company, Mutuelle Horizon: realistic raw exports with a planted truth.

:func:`generate` simulates a French health-insurance mutual over three years and writes what its
systems export (CRM, web analytics, call centre, survey tool, ERP), dirty rows included, with the
mappings that read them (:data:`MAPPINGS_DIR`) and the journey map they follow
(:data:`JOURNEY_PATH`). Beside the data it saves the truth that analyses must recover; read it
back with :func:`load_truth`; :func:`truth_reference` gives the planted personas of a demo
workspace's customers, to check a persona projection against (``parcours.personas.evaluate``).

Importing this package is cheap: NumPy, polars and openpyxl load when ``generate`` runs.
"""

from __future__ import annotations

from parcours.demo._catalog import JOURNEY_PATH, MAPPINGS_DIR
from parcours.demo._generate import DemoFiles, generate
from parcours.demo._personas import truth_reference
from parcours.demo._truth import (
    ChurnTruth,
    Experience,
    FileTruth,
    IdentityTruth,
    PersonaTruth,
    QuarantinedRow,
    Redundancy,
    Transition,
    Truth,
    load_truth,
)
from parcours.errors import DemoError

__all__ = [
    "JOURNEY_PATH",
    "MAPPINGS_DIR",
    "ChurnTruth",
    "DemoError",
    "DemoFiles",
    "Experience",
    "FileTruth",
    "IdentityTruth",
    "PersonaTruth",
    "QuarantinedRow",
    "Redundancy",
    "Transition",
    "Truth",
    "generate",
    "load_truth",
    "truth_reference",
]
