"""The voice-of-the-customer error (a :class:`parcours.errors.ParcoursError`)."""

from __future__ import annotations

from parcours.errors import VocError

__all__ = ["VocError"]
