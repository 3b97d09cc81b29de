"""``parcours serve`` under load on loopback: 200 concurrent clients read the stage x channel
matrix of the demo company (100,000 people at scale 1) through HTTP with an API token, each
several times; p50/p99 latency and the error count. Target (issue 17): p99 <= 500 ms, 0 errors.

The server is the real command (``python -m parcours serve``) in its own process; the clients
are httpx on asyncio in this one. The first (cold) request, which computes the matrix, is
reported apart: the others are answered from the server's per-data-version cache.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from _common import DATA, HERE

JOBS = str(HERE / "_render_jobs.py")
CLIENTS = 200
REQUESTS_PER_CLIENT = 10
MATRIX = "/api/v1/analytics/matrix"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _token(workspace: Path) -> str:
    from parcours.accounts import Accounts
    from parcours.workspace import Workspace

    with Workspace.open(workspace) as ws:
        accounts = Accounts.for_workspace(ws)
        if not any(u.name == "bench" for u in accounts.users()):
            accounts.add_user("bench", "viewer")
        _, secret = accounts.create_token("bench", "bench_api")
        accounts.dispose()
    return secret


async def _load(url: str, token: str, clients: int, per_client: int) -> tuple[list[float], int]:
    import httpx

    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60) as http:

        async def client() -> None:
            nonlocal errors
            for _ in range(per_client):
                started = time.perf_counter()
                try:
                    response = await http.get(MATRIX)
                    ok = response.status_code == 200 and response.json()["n"] > 0
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - started)
                errors += not ok

        await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, errors


def measure(workspace: Path, clients: int = CLIENTS, per_client: int = REQUESTS_PER_CLIENT) -> dict:
    """Start the server on ``workspace``, load it, stop it; the numbers as a dict."""
    import httpx

    token = _token(workspace)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (DATA / "bench_api_server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "parcours",
            "serve",
            "-w",
            str(workspace),
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        stdout=log,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"the server did not start (see {log.name})")
            time.sleep(0.2)
        started = time.perf_counter()
        cold = httpx.get(
            f"{url}{MATRIX}", headers={"Authorization": f"Bearer {token}"}, timeout=300
        )
        cold_seconds = time.perf_counter() - started
        cold.raise_for_status()
        began = time.perf_counter()
        cpu_before = _cpu_seconds(server.pid)
        latencies, errors = asyncio.run(_load(url, token, clients, per_client))
        wall = time.perf_counter() - began
        server_cpu = _cpu_seconds(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    latencies.sort()

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))]

    return {
        "requests": len(latencies),
        "errors": errors,
        "p50": pct(0.50),
        "p99": pct(0.99),
        "max": latencies[-1],
        "wall": wall,
        "cold": cold_seconds,
        "rows": cold.json()["n"],
        "server_cpu_ms": 1000 * server_cpu / max(1, len(latencies)),
    }


def run(table, scale: float) -> None:  # type: ignore[no-untyped-def]
    DATA.mkdir(parents=True, exist_ok=True)
    people = max(1_000, int(100_000 * scale))
    workspace = DATA / f"api_demo_{people}"
    if not (workspace / "parcours.toml").exists():
        print(f"generating the demo ({people:,} people) ...", file=sys.stderr)
        subprocess.run([sys.executable, JOBS, "make-demo", str(workspace), str(people)], check=True)
    load = f"load {os.getloadavg()[0]:.1f}"
    result = measure(workspace)
    table.add_row(
        "api",
        f"parcours serve: GET {MATRIX}",
        f"demo, {people:,} people; {CLIENTS} clients x {REQUESTS_PER_CLIENT}",
        f"p50 {result['p50'] * 1000:.0f} ms, p99 {result['p99'] * 1000:.0f} ms",
        "",
        f"{result['requests'] / result['wall']:,.0f} req/s",
        "p99 <= 500 ms, 0 errors",
        f"{result['errors']} errors; max {result['max'] * 1000:.0f} ms; "
        f"server CPU {result['server_cpu_ms']:.1f} ms/request; "
        f"cold first request {result['cold']:.2f} s; {load}",
    )
