"""Errors and warnings of the lifecycle package."""

from __future__ import annotations

from parcours.errors import LifecycleError

__all__ = ["LifecycleError", "ZeroRepeatAliveWarning"]


class ZeroRepeatAliveWarning(UserWarning):
    """BG/NBD gives P(alive) = 1 to every customer with no repeat purchase (a property of the model)."""
