"""Progress bars for long work (rich, on stderr); when not on a terminal, nothing, or plain phase
lines in the reader's language when asked (``verbose``: a CLI's ``-v``, for logs)."""

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
    def __init__(self, verbose: bool = False) -> None:
        self.console = Console(stderr=True)
        self.verbose = verbose
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
            disable=not self.console.is_terminal,  # no bar drawn into a log
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
            if not terminal and self.verbose and phase != last_phase[0]:
                # Not a terminal (CI, logs) and asked: one line per phase for watchers to follow.
                line = t("ingest.phase_line", file=path.name, phase=t("ingest.phase." + phase))
                print(line, file=sys.stderr, flush=True)
                last_phase[0] = phase

        return step


def load_progress(verbose: bool = False) -> _LoadProgress:
    return _LoadProgress(verbose)
