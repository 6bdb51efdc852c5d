"""Power cut under load (issue 19, item 8): `kiosk serve` (1 and 2 workers) killed with SIGKILL,
process group and all, while 8 threads issue tickets; then started again and every unanswered
request retried with its idempotency key, as the kiosks' outbox does.

After every round: nothing acknowledged is lost, no number is given twice, no gap in any line's
numbers, and a retried key gives back its ticket instead of a second one. Bounded (the issue's
probe ran 20 rounds): SQLite 3 rounds with 1 worker (23 s, 121 acknowledged tickets) and with 2
workers (39 s, 191), PostgreSQL 2 rounds with 2 workers (33 s, 87), measured on the shared 2-core
machine at load average ~7; most of the time is `kiosk serve` starting again.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict

import pytest
import requests
from sqlalchemy import create_engine, text

from kiosk.office.settings import sqlite_url
from office_testing import free_port, pg_schema

pytestmark = pytest.mark.slow
KIOSK = {"Authorization": "Bearer demo-kiosk-key"}


def start(url: str, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_CONFIG"}
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "serve", "--port", str(port), "--workers", str(workers),
                             "--database", url, "--demo"], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, f"kiosk serve exited {proc.returncode} on restart"
        try:
            if requests.get(f"{base}/api/health", timeout=1).status_code == 200:
                return proc, base
        except requests.RequestException:
            pass
        assert time.monotonic() < deadline, "kiosk serve did not come back"
        time.sleep(0.1)


def power_cut(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)  # the workers too, as a power cut would
    proc.wait()


def load(base: str, prefix: str, acked: dict, unanswered: set, stop: threading.Event) -> None:
    services = ["ho-tich", "chung-thuc"]
    i = 0
    with requests.Session() as s:
        while not stop.is_set():
            i += 1
            key = f"{prefix}-{i}"
            try:
                r = s.post(f"{base}/api/tickets", headers=KIOSK, timeout=10,
                           json={"service": services[i % 2], "idempotency_key": key})
            except requests.RequestException:
                unanswered.add(key)
                return  # the server is gone
            if r.status_code in (200, 201):
                acked[key] = (r.json()["id"], r.json()["number"])
            else:
                unanswered.add(key)


def check_database(url: str, acked: dict) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            rows = c.execute(text("SELECT id, idempotency_key, label, service_id, day, number FROM tickets")).all()
    finally:
        engine.dispose()
    by_key = {r.idempotency_key: (r.id, r.label) for r in rows}
    lost = {k: v for k, v in acked.items() if by_key.get(k) != v}
    assert not lost, f"acknowledged tickets lost or changed: {list(lost.items())[:5]}"
    lines = defaultdict(list)
    for r in rows:
        lines[(r.service_id, r.day)].append(r.number)
    for line, numbers in lines.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), f"duplicate or gap in {line}"
    return len(rows)


def kill_rounds(url: str, workers: int, rounds: int) -> None:
    rng = random.Random(workers)
    acked: dict[str, tuple[int, str]] = {}
    proc, base = start(url, workers)
    try:
        for rnd in range(rounds):
            unanswered: set[str] = set()
            stop = threading.Event()
            threads = [threading.Thread(target=load, args=(base, f"r{rnd}t{t}", acked, unanswered, stop))
                       for t in range(8)]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.5, 1.5))
            power_cut(proc)
            stop.set()
            for t in threads:
                t.join(15)
            proc, base = start(url, workers)  # every restart must succeed by itself
            for key in sorted(unanswered):  # the outbox retries what got no answer
                service = ["ho-tich", "chung-thuc"][int(key.rsplit("-", 1)[1]) % 2]
                r = requests.post(f"{base}/api/tickets", headers=KIOSK, timeout=10,
                                  json={"service": service, "idempotency_key": key})
                assert r.status_code in (200, 201), r.text
                acked[key] = (r.json()["id"], r.json()["number"])
                again = requests.post(f"{base}/api/tickets", headers=KIOSK, timeout=10,
                                      json={"service": service, "idempotency_key": key})
                assert again.status_code == 200 and again.json()["id"] == r.json()["id"]
            total = check_database(url, acked)
    finally:
        power_cut(proc)
    print(f"\n{workers} worker(s): {rounds} power cuts, {len(acked)} acknowledged tickets, {total} in the database")
    assert len(acked) == total and len(acked) >= 8 * rounds


@pytest.mark.parametrize("workers", [1, 2])
def test_power_cuts_under_ticket_load_sqlite(tmp_path, workers):
    kill_rounds(sqlite_url(tmp_path / "office.db"), workers, rounds=3)


@pytest.mark.postgres
def test_power_cuts_under_ticket_load_postgresql(pg_url):
    with pg_schema(pg_url) as url:
        kill_rounds(url, 2, rounds=2)
