"""Errors and warnings of the lifecycle package."""

from __future__ import annotations

from parcours.errors import ParcoursError

__all__ = ["LifecycleError", "ZeroRepeatAliveWarning"]


class LifecycleError(ParcoursError):
    """Lifecycle input is not what a model or a summary needs (missing column, negative recency...)."""


class ZeroRepeatAliveWarning(UserWarning):
    """BG/NBD gives P(alive) = 1 to every customer with no repeat purchase (a property of the model)."""
