"""`kiosk bench office`: a load check an installer can run against a running office service.

N simulated kiosks (one keep-alive HTTP/1.1 connection each) issue tickets for S seconds through
the kiosk API (`POST /api/tickets`, a fresh idempotency key per request), then the tickets/s,
latency percentiles and errors are printed. Bounded in clients, time and requests; loopback by
default. The tickets are real: run it before opening hours (the day's close closes them).

A small asyncio client rather than `requests`, so the load generator takes as little CPU as it
can from a small box that also runs the office.
"""

from __future__ import annotations

import asyncio
import json
import math
import secrets
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

DEFAULT_URL = "http://127.0.0.1:8080"
MAX_CLIENTS = 64
MAX_SECONDS = 120.0
MAX_REQUESTS = 100_000
REQUEST_TIMEOUT_S = 30.0


class BenchError(Exception):
    """The office could not be benchmarked (unreachable, no open service); one line for the user."""


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)  # seconds, answered requests
    statuses: dict[int, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)  # what went wrong, how often
    numbers: list[tuple[str, str]] = field(default_factory=list)  # (day, number) of new tickets
    wall_s: float = 0.0

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


class Connection:
    """One keep-alive HTTP/1.1 connection with Content-Length bodies (bench/load.py drives the
    benchmarks with it too)."""

    def __init__(self, url: str, ssl_context: ssl.SSLContext | None):
        parts = urlsplit(url)
        self.https = parts.scheme == "https"
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (443 if self.https else 80)
        self.base = parts.path.rstrip("/")
        self.ssl = ssl_context if self.https else None
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> "Connection":
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port, ssl=self.ssl)
        return self

    async def request(self, method: str, path: str, body: object = None,
                      headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        if self.writer is None:
            await self.open()
        data = b"" if body is None else json.dumps(body).encode()
        head = [f"{method} {self.base}{path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                f"Content-Length: {len(data)}", "Content-Type: application/json",
                *(f"{k}: {v}" for k, v in (headers or {}).items())]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
        await self.writer.drain()
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length, close = 0, False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        payload = await self.reader.readexactly(length) if length else b""
        if close:
            self.close()
        return status, payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _open_services(conn: Connection) -> list[str]:
    status, payload = await conn.request("GET", "/api/services")
    if status != 200:
        raise BenchError(f"GET /api/services answered {status}")
    codes = [s["code"] for s in json.loads(payload)["services"] if s.get("counters")]
    if not codes:
        raise BenchError("no service has an open counter: no ticket can be issued")
    return codes


async def _run(url: str, key: str, clients: int, seconds: float, max_requests: int,
               ssl_context: ssl.SSLContext | None) -> Outcome:
    probe = Connection(url, ssl_context)
    try:
        services = await asyncio.wait_for(_open_services(probe), REQUEST_TIMEOUT_S)
    except (OSError, asyncio.TimeoutError, ValueError, KeyError, asyncio.IncompleteReadError) as exc:
        raise BenchError(f"cannot reach the office at {url}: {exc or type(exc).__name__}") from exc
    finally:
        probe.close()
    out = Outcome()
    run_id = secrets.token_hex(4)
    headers = {"Authorization": f"Bearer {key}"}
    budget = [max_requests]
    deadline = time.perf_counter() + seconds

    async def kiosk(ci: int) -> None:
        conn = Connection(url, ssl_context)
        i = 0
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            body = {"service": services[(ci + i) % len(services)], "priority": None,
                    "idempotency_key": f"bench-{run_id}-{ci}-{i}"}
            i += 1
            t0 = time.perf_counter()
            try:
                status, payload = await asyncio.wait_for(conn.request("POST", "/api/tickets", body, headers),
                                                         REQUEST_TIMEOUT_S)
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
                out.error(type(exc).__name__)
                conn.close()
                await asyncio.sleep(0.1)  # do not spin on a refused connection
                continue
            out.latencies.append(time.perf_counter() - t0)
            out.statuses[status] = out.statuses.get(status, 0) + 1
            if status == 201:
                t = json.loads(payload)
                out.numbers.append((t["day"], t["number"]))
            else:
                out.error(f"HTTP {status}")
                if status == 401:
                    break  # a wrong key will not become right
        conn.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(kiosk(ci) for ci in range(clients)))
    out.wall_s = time.perf_counter() - t0
    return out


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100) of values, None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]


def run(url: str, key: str, clients: int, seconds: float, max_requests: int = MAX_REQUESTS,
        ca_file: str = "") -> Outcome:
    """Drive the office; clients and seconds are clamped to MAX_CLIENTS and MAX_SECONDS."""
    if not url.startswith(("http://", "https://")):
        raise BenchError(f"--url must be an http(s):// address, not {url!r}")
    clients = max(1, min(clients, MAX_CLIENTS))
    seconds = max(0.1, min(seconds, MAX_SECONDS))
    ctx = ssl.create_default_context(cafile=ca_file or None) if url.startswith("https://") else None
    return asyncio.run(_run(url.rstrip("/"), key, clients, seconds, max(1, min(max_requests, MAX_REQUESTS)), ctx))


def report(out: Outcome, clients: int) -> str:
    ms = [x * 1000 for x in out.latencies]
    ok = out.statuses.get(201, 0)
    dup = len(out.numbers) - len(set(out.numbers))

    def f(p: float) -> str:
        v = percentile(ms, p)
        return "-" if v is None else f"{v:.1f}"

    lines = [f"{clients} clients, {out.wall_s:.1f} s: {ok} tickets, {ok / out.wall_s if out.wall_s else 0:.1f} tickets/s",
             f"latency ms: p50 {f(50)}  p95 {f(95)}  p99 {f(99)}  max {f(100)}",
             f"errors: {sum(out.errors.values())}" + ("" if not out.errors else " (" + ", ".join(
                 f"{k} ×{v}" for k, v in sorted(out.errors.items())) + ")"),
             f"duplicate numbers: {dup}"]
    return "\n".join(lines)


def main(settings, args) -> int:
    """`kiosk bench office`: 0 when every request got its ticket, 1 otherwise, 2 when it could not run."""
    url = args.url or DEFAULT_URL
    clients = max(1, min(args.clients, MAX_CLIENTS))
    try:
        out = run(url, args.key or settings.kiosk.api_key, clients, args.seconds, args.max_requests,
                  settings.office.ca_file)
    except BenchError as exc:
        print(f"bench: {exc}")
        return 2
    print(f"office at {url}")
    print(report(out, clients))
    return 0 if not out.errors and out.numbers and len(out.numbers) == len(set(out.numbers)) else 1
