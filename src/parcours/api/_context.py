"""What one server process holds: the workspace, its accounts, the orchestrator, the jobs.

The DuckDB warehouse is one file one process owns; its connection is not for concurrent threads,
so every route reaches it through :meth:`ServerContext.warehouse` (one at a time), and analytic
answers are cached per data version (bumped by every load, edit and erasure made through this
server: while the server runs, nothing else can write the file).
"""

from __future__ import annotations

import contextlib
import threading
import time
import traceback
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from parcours.errors import ApiError, ParcoursError

__all__ = ["Job", "Jobs", "ServerContext", "ServerOptions"]

MiB = 1024 * 1024
# A token found valid is trusted this long without reading the store again: a revocation or a
# role change made through this server applies at once, one made by the CLI within this time.
TOKEN_TTL = 5.0
T = TypeVar("T")


@dataclass(frozen=True)
class ServerOptions:
    public_host: str | None = None
    """Public base URL (https://cx.example.org) for generated links; https makes cookies Secure."""
    max_body: int = 10 * MiB
    max_upload: int = 1024 * MiB
    body_timeout: float = 30.0
    public_only: bool = False
    secure_cookies: bool | None = None
    cache_entries: int = 256

    @property
    def secure(self) -> bool:
        if self.secure_cookies is not None:
            return self.secure_cookies
        return bool(self.public_host and self.public_host.startswith("https://"))


@dataclass
class Job:
    id: str
    kind: str
    owner: str
    status: str = "queued"  # queued | running | done | failed
    phase: str = ""
    done: int = 0
    total: int = 0
    result: Any = None
    error: str | None = None
    created_at: float = field(default_factory=time.time)
    finished_at: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "owner": self.owner,
            "status": self.status,
            "progress": {"phase": self.phase, "done": self.done, "total": self.total},
            "result": self.result,
            "error": self.error,
            "created_at": self.created_at,
            "finished_at": self.finished_at,
        }


class Jobs:
    """Background work (ingest, report) with progress; kept in memory for this process's life."""

    def __init__(self, workers: int = 2, keep: int = 500) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="parcours-job")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._keep = keep

    def submit(self, kind: str, owner: str, work: Callable[[Job], Any]) -> Job:
        job = Job(uuid.uuid4().hex, kind, owner)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > self._keep:
                self._jobs.popitem(last=False)
        self._pool.submit(self._run, job, work)
        return job

    def _run(self, job: Job, work: Callable[[Job], Any]) -> None:
        job.status = "running"
        try:
            job.result = work(job)
            job.status = "done"
        except ParcoursError as exc:
            job.error = str(exc)
            job.status = "failed"
        except Exception as exc:  # a job's failure is reported on the job, never lost
            job.error = f"unexpected error: {type(exc).__name__}"
            job.status = "failed"
            traceback.print_exc()
        finally:
            job.finished_at = time.time()

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise ApiError(404, "", f"expected a job id of this server, found {job_id!r}")
        return job

    def all(self) -> list[Job]:
        with self._lock:
            return list(self._jobs.values())

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class ServerContext:
    """The workspace a server serves, opened once per process."""

    def __init__(self, root: Path | str, options: ServerOptions | None = None) -> None:
        from parcours.accounts import Accounts
        from parcours.workspace import Workspace

        self.options = options or ServerOptions()
        self.workspace = Workspace.open(root)
        self.root = self.workspace.root
        self.lang = self.workspace.settings.lang
        self.accounts = Accounts.for_workspace(self.workspace)
        self.jobs = Jobs()
        self._warehouse_lock = threading.RLock()
        self._orch: Any = None
        self._own_orch = True
        self._orch_lock = threading.Lock()
        self.orchestrate_lock = threading.Lock()  # one engine call at a time (SQLite connections)
        self._journey_lock = threading.Lock()
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.version = 0
        self._closed = False
        self._tokens: dict[str, tuple[Any, float]] = {}

    @contextlib.contextmanager
    def warehouse(self) -> Iterator[Any]:
        """The workspace, with the warehouse to this thread alone while the block runs."""
        with self._warehouse_lock:
            yield self.workspace

    def changed(self) -> None:
        """Data or maps changed: cached answers are stale."""
        with self._cache_lock:
            self.version += 1
            self._cache.clear()

    def peek(self, key: tuple[Any, ...]) -> Any:
        """The cached answer for ``key`` in this data version, or None (no lock, no work)."""
        with self._cache_lock:
            return self._cache.get((self.version, *key))

    def token_user(self, digest: str) -> Any:
        """The user a token digest was found to belong to in the last ``TOKEN_TTL`` seconds."""
        hit = self._tokens.get(digest)
        if hit is None or hit[1] < time.monotonic():
            return None
        return hit[0]

    def remember_token(self, digest: str, user: Any) -> None:
        if len(self._tokens) > 10_000:
            self._tokens.clear()
        self._tokens[digest] = (user, time.monotonic() + TOKEN_TTL)

    def forget_tokens(self) -> None:
        """Tokens, users or roles changed through this server: check every token again."""
        self._tokens.clear()

    def cached(self, key: tuple[Any, ...], compute: Callable[[Any], T]) -> T:
        """``compute(workspace)`` under the warehouse lock, remembered for this data version."""
        full = (self.version, *key)
        with self._cache_lock:
            if full in self._cache:
                self._cache.move_to_end(full)
                return self._cache[full]  # type: ignore[no-any-return]  # stored by this method as a T
        with self.warehouse() as ws:
            with self._cache_lock:  # another thread may have computed it while this one waited
                if full in self._cache:
                    return self._cache[full]  # type: ignore[no-any-return]  # stored by this method as a T
            value = compute(ws)
        with self._cache_lock:
            if full[0] == self.version:
                self._cache[full] = value
                while len(self._cache) > self.options.cache_entries:
                    self._cache.popitem(last=False)
        return value

    @contextlib.contextmanager
    def journeys(self) -> Iterator[Any]:
        """The workspace while journey files are read-compared-written (one editor at a time)."""
        with self._journey_lock:
            yield self.workspace

    def orchestrator(self) -> Any:
        """The workspace's orchestrator (its store, scenarios and channels), built on first use;
        with ``public_host``, unsubscribe links point at this server's public route."""
        with self._orch_lock:
            if self._orch is None:
                from parcours.orchestrate import from_workspace

                overrides: dict[str, Any] = {}
                if self.options.public_host:
                    overrides["unsubscribe_url"] = (
                        self.options.public_host.rstrip("/") + "/unsubscribe"
                    )
                self._orch = from_workspace(self.workspace, **overrides)
            return self._orch

    def use_orchestrator(self, orchestrator: Any) -> None:
        """Serve this orchestrator (its owner disposes of it) instead of building one."""
        with self._orch_lock:
            self._orch = orchestrator
            self._own_orch = False

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.jobs.shutdown()
        if self._orch is not None and self._own_orch:
            self._orch.store.dispose()
        self.accounts.dispose()
        self.workspace.close()
