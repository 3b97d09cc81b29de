"""The long-running worker: scan time triggers, claim due steps, sleep a little, repeat.

Several workers may run at once (processes, machines): claims are atomic and leased, so a worker
killed with ``kill -9`` leaves claims that expire and are taken over; a message it was handing
to a provider is reconciled, not resent.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from types import FrameType

from sqlalchemy.exc import DBAPIError

from parcours.orchestrate._engine import Orchestrator

__all__ = ["Worker"]

log = logging.getLogger("parcours.orchestrate")


class Worker:
    def __init__(
        self,
        orchestrator: Orchestrator,
        *,
        name: str | None = None,
        poll: float = 0.05,
        batch: int = 100,
        scan_every: float = 60.0,
    ) -> None:
        self.orch = orchestrator
        self.name = name or f"{socket.gethostname()}-{os.getpid()}"
        self.poll = poll
        self.batch = batch
        self.scan_every = scan_every
        self.stop = threading.Event()
        self.processed = 0

    def run(self, *, until_idle: bool = False, max_seconds: float | None = None) -> int:
        """Work until stopped (SIGTERM/SIGINT, ``stop.set()``), or until nothing is due."""
        started = time.monotonic()
        last_scan = 0.0
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, self._on_signal)
        while not self.stop.is_set():
            try:
                if time.monotonic() - last_scan >= self.scan_every:
                    self.orch.scan()
                    last_scan = time.monotonic()
                done = self.orch.run_due(self.name, self.batch)
            except DBAPIError as exc:
                # a lost connection, a deadlock victim, a busy SQLite file: nothing half-done
                # survives a rolled-back transaction, and claims expire; try again shortly
                log.warning("worker %s: %s; retrying", self.name, exc.orig)
                self.stop.wait(min(5.0, self.poll * 20))
                continue
            self.processed += done
            if max_seconds is not None and time.monotonic() - started > max_seconds:
                break
            if done == 0:
                if until_idle:
                    break
                self.stop.wait(self.poll)
        for channel in self.orch.channels.values():
            channel.close()
        return self.processed

    def _on_signal(self, _sig: int, _frame: FrameType | None) -> None:
        self.stop.set()
