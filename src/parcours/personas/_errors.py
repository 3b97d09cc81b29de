"""The personas error (a :class:`parcours.errors.ParcoursError`)."""

from __future__ import annotations

from parcours.errors import PersonaError

__all__ = ["PersonaError"]
