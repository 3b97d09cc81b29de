"""Progress bars for long work (rich, on stderr), and plain phase lines when not on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from parcours.i18n import t


class _LoadProgress:
    def __init__(self) -> None:
        self.console = Console(stderr=True)
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> _LoadProgress:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.progress.__exit__(*exc)

    def for_file(self, path: Path) -> Callable[[str, int, int], None]:
        task = self.progress.add_task(f"{path.name}", total=None)
        terminal = self.console.is_terminal
        last_phase = [""]

        def step(phase: str, done: int, total: int) -> None:
            label = f"{path.name} — {t('ingest.phase.' + phase)}"
            self.progress.update(task, description=label, completed=done, total=total or None)
            if not terminal and phase != last_phase[0]:
                # Not a terminal (CI, logs): one line per phase so that watchers can follow.
                print(f"parcours: {path.name}: {phase}", file=sys.stderr, flush=True)
                last_phase[0] = phase

        return step


def load_progress() -> _LoadProgress:
    return _LoadProgress()
