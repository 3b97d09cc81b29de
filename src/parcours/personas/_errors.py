"""The personas error (a :class:`parcours.errors.ParcoursError`)."""

from __future__ import annotations

from parcours.errors import ParcoursError

__all__ = ["PersonaError"]


class PersonaError(ParcoursError):
    """Personas cannot be projected: no customers, no seeds, never fitted or never scored."""
