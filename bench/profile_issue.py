"""Where a ticket's server time goes (issue 18), in one process on SQLite:

1. the whole request through the ASGI app (routing, body guard, JSON, auth, issue, response),
   driven in-process without sockets, so the CPU is the server's alone;
2. the same pieces one by one: the kiosk key check, Office.issue (ORM + SQL + commit + view),
   with SQL statement counts and the time spent inside the driver (execute, commit);
3. a cProfile of the whole request, top functions by cumulative time.

Run: .venv/bin/python bench/profile_issue.py [--n 300] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

KEY = "demo-kiosk-key"
SERVICES = ["ho-tich", "chung-thuc", "dat-dai", "lao-dong-xa-hoi", "khac"]


def _sql_meter(engine):
    """Counts statements and the time inside the DB-API (execute and commit) on this engine."""
    from sqlalchemy import event

    m = {"statements": 0, "execute_s": 0.0, "commit_s": 0.0, "begin_s": 0.0}

    @event.listens_for(engine, "before_cursor_execute")
    def before(conn, cursor, statement, params, context, executemany):
        conn.info["t0"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def after(conn, cursor, statement, params, context, executemany):
        m["statements"] += 1
        m["execute_s"] += time.perf_counter() - conn.info.pop("t0", time.perf_counter())

    @event.listens_for(engine, "commit")
    def on_commit(conn):
        conn.info["c0"] = time.perf_counter()

    real_do_commit = engine.dialect.do_commit

    def do_commit(dbapi_conn):
        t0 = time.perf_counter()
        real_do_commit(dbapi_conn)
        m["commit_s"] += time.perf_counter() - t0

    engine.dialect.do_commit = do_commit
    return m


async def _asgi_call(app, method: str, path: str, body: bytes, headers: list[tuple[bytes, bytes]]):
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": [(b"host", b"127.0.0.1"), (b"content-length", str(len(body)).encode()),
                                          *headers],
             "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8080)}
    sent = False
    out = {}

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)

    async def send(message):
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
        elif message["type"] == "http.response.body":
            out["body"] = out.get("body", b"") + message.get("body", b"")

    await app(scope, receive, send)
    return out["status"], out["body"]


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=300)
    p.add_argument("--profile", action="store_true", help="print the cProfile of the ASGI loop")
    p.add_argument("--database", help="SQLAlchemy URL (default: a fresh SQLite file)")
    p.add_argument("--lines", default="120,1400",
                   help="call-next + finish pairs measured with this many tickets waiting (comma list; '' to skip)")
    args = p.parse_args()

    from kiosk.office.api.deps import identify
    from kiosk.office.app import create_app
    from kiosk.office.settings import OfficeSettings, sqlite_url

    tmp = tempfile.TemporaryDirectory(prefix="profile-issue-")
    url = args.database or sqlite_url(Path(tmp.name) / "office.db")
    app = create_app(OfficeSettings(database_url=url, demo=True, event_poll_seconds=3600))
    office = app.state.office
    meters = [_sql_meter(office.db.engine)]
    if office.db.is_sqlite:  # on PostgreSQL the read engine is a view of the write engine: its events too
        meters.append(_sql_meter(office.db.read_engine))
    n = args.n
    res: dict = {"n": n, "database": office.db.engine.dialect.name}

    def sql_snapshot():
        return {k: sum(m[k] for m in meters) for k in meters[0]}

    def measure(label, fn):
        s0, c0, w0 = sql_snapshot(), time.process_time(), time.perf_counter()
        fn()
        c1, w1, s1 = time.process_time(), time.perf_counter(), sql_snapshot()
        res[label] = {"cpu_ms": round(1000 * (c1 - c0) / n, 3), "wall_ms": round(1000 * (w1 - w0) / n, 3),
                      "statements": round((s1["statements"] - s0["statements"]) / n, 2),
                      "sql_execute_ms": round(1000 * (s1["execute_s"] - s0["execute_s"]) / n, 3),
                      "commit_ms": round(1000 * (s1["commit_s"] - s0["commit_s"]) / n, 3)}

    loop = asyncio.new_event_loop()
    headers = [(b"authorization", f"Bearer {KEY}".encode()), (b"content-type", b"application/json")]

    def floor_requests():
        for _ in range(n):
            loop.run_until_complete(_asgi_call(app, "GET", "/api/health", b"", []))

    def http_issue(tag):
        def go():
            for i in range(n):
                body = json.dumps({"service": SERVICES[i % 5], "priority": None,
                                   "idempotency_key": f"{tag}-{i}"}).encode()
                status, _ = loop.run_until_complete(_asgi_call(app, "POST", "/api/tickets", body, headers))
                assert status == 201, status
        return go

    class FakeRequest:  # identify() reads only the Authorization header
        headers = {"authorization": f"Bearer {KEY}"}
        cookies: dict = {}

    def auth_only():
        for _ in range(n):
            assert identify(FakeRequest, office, ("kiosk",)) is not None

    def issue_only():
        for i in range(n):
            office.issue("demo-kiosk", SERVICES[i % 5], None, f"direct-{i}")

    if True:
        http_issue("warm")()  # warm-up: imports, caches, the first pages of the database
        measure("health_asgi", floor_requests)
        measure("issue_asgi", http_issue("asgi"))
        measure("kiosk_auth", auth_only)
        measure("office_issue", issue_only)
        for size in [int(x) for x in args.lines.split(",") if x]:
            call_next_pairs(office, size, n, measure)
        if args.lines:
            asgi_pairs(app, loop, int(args.lines.split(",")[-1]), n, measure)
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            http_issue("prof")()
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
    loop.close()
    office.db.dispose()
    print(json.dumps(res, indent=2))
    return 0


def call_next_pairs(office, size: int, n: int, measure) -> None:
    """`n` call-next + finish pairs at counter 3 (it serves every service) with a line of
    size + n tickets before and `size` after (one in seven a priority ticket)."""
    from sqlalchemy import update

    from kiosk.office.operations import tickets as ops
    from kiosk.office.storage.models import Ticket

    with office.db.write() as s:  # an empty line first: earlier phases left tickets waiting
        s.execute(update(Ticket).where(Ticket.status == "waiting").values(status="cancelled"))
    for i in range(size + n):
        office.issue("demo-kiosk", SERVICES[i % 5], "elderly" if i % 7 == 0 else None, f"line{size}-{i}")

    def pairs():
        for _ in range(n):
            t = office.ticket_op("user:canbo1", ops.call_next, 3)
            office.ticket_op("user:canbo1", ops.finish, t["id"])

    measure(f"call_next_finish_line_{size}", pairs)


def asgi_pairs(app, loop, size: int, n: int, measure) -> None:
    """The same pairs as whole requests through the ASGI app (staff login, call-next, finish)."""
    office = app.state.office

    def call(method, path, body=b"", headers=()):
        return loop.run_until_complete(_asgi_call(app, method, path, body, [(b"content-type", b"application/json"),
                                                                            *headers]))

    status, payload = call("POST", "/api/auth/login", json.dumps({"username": "canbo1", "password": "canbo1-demo"})
                           .encode())
    assert status == 200, payload
    staff = [(b"authorization", f"Bearer {json.loads(payload)['token']}".encode())]
    for i in range(size + n):
        office.issue("demo-kiosk", SERVICES[i % 5], "elderly" if i % 7 == 0 else None, f"asgi-line{size}-{i}")

    def pairs():
        for _ in range(n):
            status, payload = call("POST", "/api/counters/3/call-next", headers=staff)
            assert status == 200, payload
            status, payload = call("POST", f"/api/tickets/{json.loads(payload)['id']}/finish", headers=staff)
            assert status == 200, payload

    measure(f"call_next_finish_asgi_line_{size}", pairs)


if __name__ == "__main__":
    sys.exit(main())
