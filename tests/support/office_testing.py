"""Helpers for tests of the office service (and of code that talks to it): a private PostgreSQL
schema per test, a settable clock, a demo database, a running `kiosk serve`, load generators and
an SSE reader. Tests import it as `office_testing` (tests/support is on pytest's pythonpath);
bench/ puts tests/support on sys.path to use it too."""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def pg_schema(base_url: str) -> Iterator[str]:
    """Yield a URL whose connections use a fresh schema (search_path); drop it afterwards."""
    schema = "t_" + secrets.token_hex(6)
    engine = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.connect() as c:
            c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def demo_sqlite(template_dir: Path, dest: Path) -> str:
    """URL of a migrated demo SQLite database at dest, copied from a template built once in template_dir."""
    from kiosk.office.service import Office
    from kiosk.office.settings import OfficeSettings, sqlite_url

    template = template_dir / "office-template.db"
    if not template.exists():
        office = Office(OfficeSettings(database_url=sqlite_url(template), demo=True))
        office.prepare()
        office.db.dispose()
        with closing(sqlite3.connect(template)) as c:  # fold the WAL into the file before copying
            c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(template, dest)
    return sqlite_url(dest)


class Clock:
    """A clock tests move by hand: `clock.now = ...` or `clock.advance(minutes=5)`."""

    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


def office_clients(database_url: Callable[[int], str], clock: Callable[[], dt.datetime],
                   **defaults: Any) -> Iterator[Callable[..., Any]]:
    """The `make_client` fixture of the office's API tests: make(**settings) gives an entered
    TestClient of a new office app on database_url(n) (n: clients made so far), with `defaults`
    under `settings`; every client is closed at the end. Use as `yield from office_clients(...)`."""
    from fastapi.testclient import TestClient

    from kiosk.office.app import create_app
    from kiosk.office.settings import OfficeSettings

    clients = []

    def make(**settings: Any) -> TestClient:
        app = create_app(OfficeSettings(database_url=database_url(len(clients)), **{**defaults, **settings}),
                         clock=clock)
        c = TestClient(app)
        c.__enter__()
        clients.append(c)
        return c

    try:
        yield make
    finally:
        for c in clients:
            c.__exit__(None, None, None)


__all__ = ["pg_schema", "Clock", "office_clients"]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(database_url: str, *, workers: int = 2, demo: bool = True,
                   timeout: float = 60.0) -> Iterator[str]:
    """Run `kiosk serve` in a subprocess (several uvicorn workers); yield its base URL."""
    import os
    import subprocess
    import sys
    import time

    import requests

    port = free_port()
    cmd = [sys.executable, "-m", "kiosk", "serve", "--port", str(port), "--workers", str(workers),
           "--database", database_url] + (["--demo"] if demo else [])
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_CONFIG"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    try:
        pids: set[int] = set()
        while time.monotonic() < deadline:  # up when every worker has answered once
            if proc.poll() is not None:
                raise RuntimeError(f"kiosk serve exited {proc.returncode}: {proc.stdout.read()}")
            try:
                pids.add(requests.get(f"{url}/api/health", timeout=2).json()["worker"])
                if len(pids) >= workers:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.05)
        else:
            raise RuntimeError(f"kiosk serve did not start all {workers} workers")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


# ---- load generators for the concurrency tests (module level so spawned processes can import them)

def stress_issue(database_url: str, kiosk_id: str, keys: list[str], threads: int = 3) -> list[tuple[str, int]]:
    """Issue tickets for `keys` from several threads of this process; (key, ticket id) per request."""
    from concurrent.futures import ThreadPoolExecutor

    from kiosk.office.service import Office
    from kiosk.office.settings import OfficeSettings

    office = Office(OfficeSettings(database_url=database_url, migrate=False))
    services = ["ho-tich", "chung-thuc"]

    def one(key: str) -> tuple[str, int]:
        service = services[int(key.rsplit("-", 1)[1]) % 2]
        ticket, _ = office.issue(kiosk_id, service, None, key)
        return key, ticket["id"]

    try:
        with ThreadPoolExecutor(threads) as pool:
            return list(pool.map(one, keys))
    finally:
        office.db.dispose()


def stress_call(database_url: str, counter_id: int, done_flag, idle_after_done: int = 3) -> list[int]:
    """Call-next and finish at one counter until issuing is done and the line stays empty."""
    import time

    from kiosk.office.operations import tickets
    from kiosk.office.service import Office
    from kiosk.office.settings import OfficeSettings

    office = Office(OfficeSettings(database_url=database_url, migrate=False))
    called: list[int] = []
    empty_rounds = 0
    try:
        while empty_rounds < idle_after_done:
            t = office.ticket_op(f"user:counter{counter_id}", tickets.call_next, counter_id)
            if t is None:
                if done_flag.is_set():
                    empty_rounds += 1
                time.sleep(0.01)
                continue
            called.append(t["id"])
            office.ticket_op(f"user:counter{counter_id}", tickets.finish, t["id"])
        return called
    finally:
        office.db.dispose()


class SSEReader:
    """A minimal server-sent-events client on a raw socket, read on a thread (so close() is
    immediate). Events land in `events` as dicts: {"id", "event", "data" (parsed JSON), "received"}."""

    def __init__(self, url: str, headers: dict[str, str] | None = None, timeout: float = 15.0):
        import queue
        import socket
        import threading
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        self.events: queue.Queue = queue.Queue()
        self.comments: list[str] = []
        self.worker: int | None = None
        self._connected = threading.Event()
        self._sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
        self._sock.settimeout(None)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        lines = [f"GET {path} HTTP/1.1", f"Host: {parts.netloc}", "Accept: text/event-stream"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self._sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self._file = self._sock.makefile("rb")
        status = self._file.readline().decode()
        self.status = int(status.split()[1])
        self.headers: dict[str, str] = {}
        while (line := self._file.readline().decode().strip()):
            k, _, v = line.partition(":")
            self.headers[k.strip().lower()] = v.strip()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        if self.status == 200 and not self._connected.wait(timeout):
            raise TimeoutError("no greeting from the event stream")

    def _chunks(self):
        chunked = self.headers.get("transfer-encoding", "").lower() == "chunked"
        while True:
            if not chunked:
                data = self._file.read1(65536)
                if not data:
                    return
                yield data
                continue
            size = int(self._file.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                return
            yield self._file.read(size)
            self._file.readline()

    def _read(self) -> None:
        import json
        import time

        buf, event = "", {}
        try:
            for data in self._chunks():
                buf += data.decode()
                while "\n" in buf:
                    line, buf = buf.split("\n", 1)
                    line = line.rstrip("\r")
                    if line.startswith(":"):
                        self.comments.append(line)
                        if "worker=" in line:
                            self.worker = int(line.rsplit("=", 1)[1])
                            self._connected.set()
                    elif not line:
                        if "event" in event:
                            event["data"] = json.loads(event.get("data", "null"))
                            event["received"] = time.monotonic()
                            self.events.put(event)
                        event = {}
                    else:
                        name, _, value = line.partition(":")
                        event[name] = value[1:] if value.startswith(" ") else value
        except (OSError, ValueError):
            pass

    def next(self, kind: str, timeout: float = 15.0) -> dict:
        """The next event of this kind (others are skipped); raises queue.Empty on timeout."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            ev = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            if ev["event"] == kind:
                return ev

    def close(self) -> None:
        import socket

        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()


def staff_session(office, user: str, password: str):
    """A requests session logged in as a staff user of a running office."""
    import requests

    s = requests.Session()
    token = s.post(f"{office.url}/api/auth/login", json={"username": user, "password": password}).json()["token"]
    s.headers["Authorization"] = f"Bearer {token}"
    return s
