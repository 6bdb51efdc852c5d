"""Office service under load on loopback: tickets/s, latency, duplicates and server CPU per request,
against a bare FastAPI endpoint on the same server (bench/office_server.py); call-next the same
way; and call-to-board: call-next -> the `call` event on an SSE client.

Server CPU = utime+stime of the server and all its worker processes (/proc/<pid>/stat) over a
phase, divided by the requests served. It includes each worker's event-listener thread (it polls
every 100 ms on SQLite), in the floor as in the real endpoints.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from bench.common import ROOT, stop_process, summary_ms, tree, tree_cpu_seconds
from bench.load import Conn, Phase, drive, timed

HOST = "127.0.0.1"
KIOSK_KEY = "demo-kiosk-key"
SERVICES = ["ho-tich", "chung-thuc", "dat-dai", "lao-dong-xa-hoi", "khac"]
# issue 18: server CPU against the floor measured in the same run (call-next: per call-next +
# finish pair against two floor requests), and latency goals by number of clients
GOAL_CPU_RATIO = {"tickets": {"sqlite": 4.0, "postgresql": 5.0}, "call_next": 4.0}
GOAL_LATENCY_MS = {"8": {"p99_ms": 150.0, "max_ms": 1000.0}, "32": {"max_ms": 2000.0}}
GOAL_BOARD_P95_MS = 100.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(database: str, workers: int, log: Path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_CONFIG"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "office_server.py"), "--database", database,
                                 "--port", str(port), "--workers", str(workers)],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            seen: set[int] = set()
            deadline = time.monotonic() + 90
            while len(seen) < workers:  # up when every worker has answered once
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"office server did not start: {log.read_text()[-1500:]}")
                try:
                    seen.add(requests.get(f"http://{HOST}:{port}/api/health", timeout=2).json()["worker"])
                except requests.RequestException:
                    time.sleep(0.1)
            yield proc, port
        finally:
            stop_process(proc, 15)


def _setup(port: int, counters: int) -> tuple[str, list[int]]:
    """Log in, add `counters` counters serving every service; (staff token, their ids)."""
    base = f"http://{HOST}:{port}"
    admin = requests.post(f"{base}/api/auth/login", json={"username": "admin", "password": "admin-demo"}).json()
    auth = {"Authorization": f"Bearer {admin['token']}"}
    ids = []
    for n in range(counters):
        r = requests.post(f"{base}/api/admin/counters", headers=auth,
                          json={"number": 100 + n, "name": f"Bench {n}", "services": SERVICES, "active": True})
        r.raise_for_status()
        ids.append(r.json()["id"])
    staff = requests.post(f"{base}/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"}).json()
    return staff["token"], ids


def _cpu_phase(pids: list[int], port: int, clients: int, seconds: float, step, max_requests: int) -> tuple[Phase, float]:
    c0 = tree_cpu_seconds(pids)
    phase = drive(HOST, port, clients, seconds, step, max_requests)
    time.sleep(0.05)  # let the server finish writing the last access-log lines
    return phase, tree_cpu_seconds(pids) - c0


def _idle_cpu_rate(pids: list[int], seconds: float) -> float:
    """Server CPU seconds per second with no requests (event listeners polling, housekeeping)."""
    c0, t0 = tree_cpu_seconds(pids), time.monotonic()
    time.sleep(seconds)
    return (tree_cpu_seconds(pids) - c0) / (time.monotonic() - t0)


def _row(phase: Phase, cpu_s: float, ok: int, idle_rate: float) -> dict:
    """CPU per request is net of the server's idle rate over the phase, so a slow phase is not
    charged for the background polling that runs whatever the load."""
    net = max(0.0, cpu_s - idle_rate * phase.wall_s)
    return {"requests": len(phase.latencies), "ok": ok, "per_s": round(ok / phase.wall_s, 1) if phase.wall_s else None,
            **summary_ms(phase.latencies), "cpu_ms_per_request": round(1000 * net / ok, 2) if ok else None,
            "cpu_ms_per_request_gross": round(1000 * cpu_s / ok, 2) if ok else None,
            "statuses": {str(k): v for k, v in sorted(phase.statuses.items())}, "errors": phase.errors[:3]}


def _floor_step(ci, i, conn, phase):
    async def go():
        status, _ = await timed(conn, phase, "GET", "/bench/floor")
        return status == 200
    return go()


def _ticket_step(tag: str):
    headers = {"Authorization": f"Bearer {KIOSK_KEY}"}

    async def step(ci, i, conn, phase):
        body = {"service": SERVICES[(ci + i) % len(SERVICES)], "priority": None,
                "idempotency_key": f"{tag}-{ci}-{i}"}
        status, payload = await timed(conn, phase, "POST", "/api/tickets", body, headers)
        if status == 201:
            t = json.loads(payload)
            phase.kept.append((t["day"], t["number"], t["id"]))
        return status in (200, 201)
    return step


def _call_step(token: str, counter_ids: list[int]):
    headers = {"Authorization": f"Bearer {token}"}

    async def step(ci, i, conn, phase):
        status, payload = await timed(conn, phase, "POST", f"/api/counters/{counter_ids[ci]}/call-next", None, headers)
        if status != 200:
            return False  # 204: nobody waiting any more
        ticket_id = json.loads(payload)["id"]
        phase.kept.append(ticket_id)
        # the counter must be free before its next call; the finish is not in the latencies
        fstatus, _ = await conn.request("POST", f"/api/tickets/{ticket_id}/finish", None, headers)
        return fstatus == 200
    return step


def _call_to_board(port: int, token: str, counter_id: int, samples: int) -> dict:
    """Sequential call-next (+finish) at one counter while an SSE client listens for `call` events."""
    headers = {"Authorization": f"Bearer {token}"}

    answered: list[float] = []  # call-next's own response time, to tell the two parts apart

    async def go() -> list[float]:
        reader, writer = await asyncio.open_connection(HOST, port)
        writer.write(f"GET /api/events?kinds=call HTTP/1.1\r\nHost: {HOST}\r\nAccept: text/event-stream\r\n\r\n".encode())
        await writer.drain()
        await reader.readuntil(b"\r\n\r\n")  # response head; the body is chunked SSE text
        arrived: dict[int, float] = {}

        async def listen() -> None:
            while True:
                line = await reader.readline()
                if not line:
                    return
                if line.startswith(b"data: {") and b'"ticket_id"' in line:
                    arrived[json.loads(line[6:])["ticket_id"]] = time.perf_counter()

        listener = asyncio.create_task(listen())
        await asyncio.sleep(0.3)  # the subscription is live
        conn = await Conn(HOST, port).open()
        kiosk = {"Authorization": f"Bearer {KIOSK_KEY}"}
        for i in range(samples):  # people to call, whatever the load phases left in the line
            await conn.request("POST", "/api/tickets", {"service": SERVICES[0], "priority": None,
                                                        "idempotency_key": f"board-{i}"}, kiosk)
        out: list[float] = []
        for i in range(samples):
            await asyncio.sleep((i * 37 % 100) / 1000)  # spread calls over the listener's poll cycle
            t0 = time.perf_counter()
            status, payload = await conn.request("POST", f"/api/counters/{counter_id}/call-next", None, headers)
            answered.append(time.perf_counter() - t0)
            if status != 200:
                break
            tid = json.loads(payload)["id"]
            deadline = time.perf_counter() + 5
            while tid not in arrived and time.perf_counter() < deadline:
                await asyncio.sleep(0.001)
            if tid in arrived:
                out.append(arrived[tid] - t0)
            await conn.request("POST", f"/api/tickets/{tid}/finish", None, headers)
        listener.cancel()
        writer.close()
        conn.close()
        return out

    lat = asyncio.run(go())
    res = summary_ms(lat)
    res["call_next_p50_ms"] = summary_ms(answered)["p50_ms"]
    res["missed"] = samples - len(lat)
    res["goal_p95_ms"] = GOAL_BOARD_P95_MS
    return res


def bench_config(name: str, database: str, workers: int, levels: list[int], seconds: float,
                 board_samples: int, tmp: Path) -> dict:
    max_req = 20_000
    out: dict = {"database": name.split("-")[0], "workers": workers, "phase_s": seconds, "levels": {}}
    with server(database, workers, tmp / f"server-{name}.log") as (proc, port):
        pids = tree(proc.pid)
        out["server_processes"] = len(pids)
        token, counter_ids = _setup(port, max(levels) + 1)
        idle = _idle_cpu_rate(pids, 1.0 if seconds < 2 else 3.0)
        out["idle_cpu_ms_per_s"] = round(1000 * idle, 1)
        numbers: list[tuple] = []
        for c in levels:  # floor and tickets back to back at each concurrency
            floor, floor_cpu = _cpu_phase(pids, port, c, seconds, _floor_step, max_req)
            tick, tick_cpu = _cpu_phase(pids, port, c, seconds, _ticket_step(f"{name}-c{c}"), max_req)
            numbers += tick.kept
            f = _row(floor, floor_cpu, floor.statuses.get(200, 0), idle)
            t = _row(tick, tick_cpu, tick.statuses.get(201, 0), idle)
            t["cpu_ratio_to_floor"] = (round(t["cpu_ms_per_request"] / f["cpu_ms_per_request"], 2)
                                       if t["cpu_ms_per_request"] and f["cpu_ms_per_request"] else None)
            t["goal_cpu_ratio"] = GOAL_CPU_RATIO["tickets"][out["database"]]
            out["levels"][str(c)] = {"floor": f, "tickets": t}
        labels = [(d, n) for d, n, _ in numbers]
        out["tickets_issued"] = len(numbers)
        out["duplicate_numbers"] = len(labels) - len(set(labels))
        called: list[int] = []
        for c in levels:
            ids = counter_ids[1:c + 1]
            call, call_cpu = _cpu_phase(pids, port, c, seconds, _call_step(token, ids), max_req)
            called += call.kept
            row = _row(call, call_cpu, call.statuses.get(200, 0), idle)
            # each call-next is followed by a finish (the counter must be free to call again)
            row["cpu_ms_per_call_and_finish"] = row.pop("cpu_ms_per_request")
            row["cpu_ms_per_request"] = None
            row["cpu_ratio_to_floor"] = (round(row["cpu_ms_per_call_and_finish"] / 2
                                               / out["levels"][str(c)]["floor"]["cpu_ms_per_request"], 2)
                                         if call.kept else None)
            row["goal_cpu_ratio"] = GOAL_CPU_RATIO["call_next"]
            out["levels"][str(c)]["call_next"] = row
        out["tickets_called"] = len(called)
        out["duplicate_calls"] = len(called) - len(set(called))
        out["call_to_board"] = _call_to_board(port, token, counter_ids[0], board_samples)
    return out


def run(quick: bool, pg_url: str | None = None, workers: int = 4) -> dict:
    levels = [1, 8] if quick else [1, 8, 32]
    seconds = 0.6 if quick else 5.0
    board = 6 if quick else 60
    if not quick:  # quick (the smoke test) measures PostgreSQL only when --pg names it
        pg_url = pg_url or os.environ.get("KIOSK_TEST_PG_URL")
    several = 2 if quick else workers
    # quick (the smoke test): one SQLite server, with workers, as starting servers is the slow part
    sqlite_workers = (several,) if quick else (1, several)
    res: dict = {"goal_cpu_ratio": GOAL_CPU_RATIO, "goal_latency_ms": GOAL_LATENCY_MS, "configs": {}}
    with tempfile.TemporaryDirectory(prefix="bench-office-") as d:
        tmp = Path(d)
        from kiosk.office.settings import sqlite_url

        for w in sqlite_workers:
            name = f"sqlite-{w}w"
            res["configs"][name] = bench_config(name, sqlite_url(tmp / f"{name}.db"), w, levels, seconds, board, tmp)
        if pg_url:
            sys.path.insert(0, str(ROOT / "tests" / "support"))  # the tests' office helpers
            from office_testing import pg_schema

            with pg_schema(pg_url) as url:
                name = f"postgresql-{several}w"
                res["configs"][name] = bench_config(name, url, several, levels, seconds, board, tmp)
        else:
            res["postgresql"] = ("skipped: quick run without --pg" if quick
                                 else "skipped: no KIOSK_TEST_PG_URL or --pg URL")
    return res


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
