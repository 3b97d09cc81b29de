"""The ``[plan]`` settings of ``parcours.toml``: criteria weights, class threshold, capacities.

[plan]
threshold = 3          # gain and effort at or above it are "high" (1-5 scale)
ice = "product"        # product | mean: how ICE combines its three scores
period = "month"       # month | quarter: road-map periods
horizon = 24           # periods the road map may use
time_limit = 10        # seconds the exact solver may search
effort_days = [5, 15, 40, 100]  # person-days up to which the effort is 1, 2, 3, 4 (else 5)

[plan.weights]         # the method's five criteria (and votes, or your own), default 1 each
customer_expectations = 2

[plan.capacity]        # person-days per period for each team
digital = 20
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from parcours.errors import PlanError

__all__ = ["DEFAULT_WEIGHTS", "PlanSettings", "plan_settings"]

DEFAULT_WEIGHTS: dict[str, float] = {
    "customer_expectations": 1.0,
    "business_development": 1.0,
    "technical_feasibility": 1.0,
    "internal_expectations": 1.0,
    "resources": 1.0,
    "votes": 1.0,
}


@dataclass(frozen=True)
class PlanSettings:
    """How ideas are scored and scheduled (defaults as in the method)."""

    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    threshold: float = 3.0
    ice: Literal["product", "mean"] = "product"
    period: Literal["month", "quarter"] = "month"
    horizon: int = 24
    time_limit: float = 10.0
    effort_days: tuple[float, float, float, float] = (5.0, 15.0, 40.0, 100.0)
    capacity: dict[str, float] = field(default_factory=dict)

    def with_weights(self, weights: dict[str, float]) -> PlanSettings:
        return replace(self, weights={**self.weights, **weights})


def _number(value: Any, where: str, *, positive: bool = False) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value < 0 or (positive and value == 0):
        kind = "a positive number" if positive else "a number >= 0"
        raise PlanError(f"{where}: expected {kind}, found {value!r}")
    return float(value)


def plan_settings(root: str | Path | Any) -> PlanSettings:
    """The ``[plan]`` settings of the workspace at ``root`` (a folder or a Workspace)."""
    # A Path has a .root too ("/"): only a Workspace's root is its folder.
    folder = Path(root) if isinstance(root, str | Path) else Path(root.root)
    path = folder / "parcours.toml"
    if not path.is_file():
        return PlanSettings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(f"{path}: expected valid TOML, found a syntax error ({exc})") from exc
    plan = data.get("plan", {})
    if not isinstance(plan, dict):
        raise PlanError(f"{path}: [plan]: expected a table, found {plan!r}")
    where = f"{path}: [plan]"
    weights = dict(DEFAULT_WEIGHTS)
    for key, value in dict(plan.get("weights", {})).items():
        weights[str(key)] = _number(value, f"{where}.weights.{key}")
    capacity = {
        str(team): _number(days, f"{where}.capacity.{team}")
        for team, days in dict(plan.get("capacity", {})).items()
    }
    ice = plan.get("ice", "product")
    if ice not in ("product", "mean"):
        raise PlanError(f"{where}.ice: expected product or mean, found {ice!r}")
    period = plan.get("period", "month")
    if period not in ("month", "quarter"):
        raise PlanError(f"{where}.period: expected month or quarter, found {period!r}")
    horizon = plan.get("horizon", 24)
    if not isinstance(horizon, int) or isinstance(horizon, bool) or horizon < 1:
        raise PlanError(f"{where}.horizon: expected a whole number >= 1, found {horizon!r}")
    bounds = plan.get("effort_days", [5, 15, 40, 100])
    if (
        not isinstance(bounds, list)
        or len(bounds) != 4
        or any(not isinstance(b, int | float) or isinstance(b, bool) for b in bounds)
        or sorted(bounds) != bounds
    ):
        raise PlanError(f"{where}.effort_days: expected 4 increasing numbers, found {bounds!r}")
    return PlanSettings(
        weights=weights,
        threshold=_number(plan.get("threshold", 3), f"{where}.threshold", positive=True),
        ice=ice,
        period=period,
        horizon=horizon,
        time_limit=_number(plan.get("time_limit", 10), f"{where}.time_limit", positive=True),
        effort_days=(float(bounds[0]), float(bounds[1]), float(bounds[2]), float(bounds[3])),
        capacity=capacity,
    )
