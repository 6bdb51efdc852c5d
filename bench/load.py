"""A small asyncio HTTP/1.1 client for load on loopback: one keep-alive connection per
simulated client, raw requests, Content-Length bodies. Lighter than a full client library, so on
a 2-core machine the load generator takes as little CPU from the server as it can.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from kiosk.loadtest import Connection


def Conn(host: str, port: int) -> Connection:
    """A keep-alive connection to the office on HOST:PORT (kiosk/loadtest.py's, as `kiosk bench
    office` uses); `await Conn(host, port).open()`."""
    return Connection(f"http://{host}:{port}", None)


@dataclass
class Phase:
    """What a load phase saw: per-request latencies (s), status counts, and what the callback kept."""
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    kept: list = field(default_factory=list)
    wall_s: float = 0.0


# step(client_index, i, conn, phase) -> False to stop this client; it times its own requests
Step = Callable[[int, int, Connection, Phase], Awaitable[bool]]


async def timed(conn: Connection, phase: Phase, method: str, path: str, body=None, headers=None) -> tuple[int, bytes]:
    t0 = time.perf_counter()
    status, payload = await conn.request(method, path, body, headers)
    phase.latencies.append(time.perf_counter() - t0)
    phase.statuses[status] = phase.statuses.get(status, 0) + 1
    return status, payload


async def _drive(host: str, port: int, clients: int, seconds: float, max_requests: int, step: Step) -> Phase:
    phase = Phase()
    conns = [await Conn(host, port).open() for _ in range(clients)]
    deadline = time.perf_counter() + seconds
    budget = [max_requests]

    async def client(ci: int) -> None:
        i = 0
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            try:
                if not await step(ci, i, conns[ci], phase):
                    return
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                phase.errors.append(f"{type(exc).__name__}: {exc}")
                conns[ci].close()
                if len(phase.errors) > 50:
                    return
            i += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(client(ci) for ci in range(clients)))
    phase.wall_s = time.perf_counter() - t0
    for c in conns:
        c.close()
    return phase


def drive(host: str, port: int, clients: int, seconds: float, step: Step, max_requests: int = 100_000) -> Phase:
    """Run `clients` concurrent clients calling step until `seconds` pass or the budget is spent."""
    return asyncio.run(_drive(host, port, clients, seconds, max_requests, step))
