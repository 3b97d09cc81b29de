"""What every role of the engine reads: the store, the scenarios compiled by event type, the
channels and the settings. One object, shared by the roles the ``Orchestrator`` facade holds."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from parcours.errors import OrchestrateError
from parcours.orchestrate._model import Scenario
from parcours.orchestrate._pressure import Cap
from parcours.orchestrate._render import Renderer
from parcours.orchestrate._store import Store
from parcours.orchestrate.channels._base import Channel

if TYPE_CHECKING:
    from parcours.model import Journey

__all__ = ["Context"]


class Context:
    """The engine's shared state: settings, channels and scenarios indexed by event type."""

    def __init__(
        self,
        store: Store,
        scenarios: Iterable[Scenario],
        *,
        channels: Mapping[str, Channel] | None = None,
        caps: Iterable[Cap] = (),
        holdout: float = 0.0,
        consent_mode: str = "opt_in",
        unsubscribe_url: str | None = None,
        lang: str = "fr",
        timezone: str = "Europe/Paris",
        templates_dir: Path | None = None,
        journey: Journey | None = None,
        clock: Callable[[], float] = time.time,
        lease: float = 60.0,
        max_attempts: int = 6,
        backoff: float = 30.0,
    ) -> None:
        self.store = store
        self.scenarios = {s.id: s for s in scenarios if s.enabled}
        self.channels: dict[str, Channel] = dict(channels or {})
        self.caps = list(caps)
        self.holdout = holdout
        if consent_mode not in ("opt_in", "opt_out"):
            raise OrchestrateError(
                f"consent_mode: expected opt_in or opt_out, found {consent_mode!r}"
            )
        self.consent_mode = consent_mode
        self.unsubscribe_url = unsubscribe_url
        self.lang = lang
        self.timezone = timezone
        self.renderer = Renderer(templates_dir, journey)
        self.clock = clock
        self.lease = lease
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.compile()

    def compile(self) -> None:
        """Index the scenarios by the event types that trigger, exit and convert them."""
        self.by_trigger: dict[str, list[Scenario]] = defaultdict(list)
        self.by_exit: dict[str, list[Scenario]] = defaultdict(list)
        self.by_goal: dict[str, list[Scenario]] = defaultdict(list)
        self.by_enter: list[Scenario] = []
        for scenario in self.scenarios.values():
            for kind in scenario.trigger.events:
                self.by_trigger[kind].append(scenario)
            for kind in scenario.exit.events:
                self.by_exit[kind].append(scenario)
            if scenario.goal is not None:
                for kind in scenario.goal.events:
                    self.by_goal[kind].append(scenario)
            if scenario.trigger.enter is not None:
                self.by_enter.append(scenario)
        self.watched = set(self.by_trigger) | set(self.by_exit) | set(self.by_goal)
        self.marketing_ids = [s.id for s in self.scenarios.values() if not s.transactional]

    def scenario(self, scenario_id: str) -> Scenario:
        try:
            return self.scenarios[scenario_id]
        except KeyError:
            raise OrchestrateError(
                f"expected a known scenario, found {scenario_id!r} (known: "
                f"{', '.join(sorted(self.scenarios)) or 'none'})"
            ) from None
