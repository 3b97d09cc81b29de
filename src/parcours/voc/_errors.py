"""The voice-of-the-customer error (a :class:`parcours.errors.ParcoursError`)."""

from __future__ import annotations

from parcours.errors import ParcoursError

__all__ = ["VocError"]


class VocError(ParcoursError):
    """Survey answers, verbatims, references or questionnaires that do not fit what is expected."""
