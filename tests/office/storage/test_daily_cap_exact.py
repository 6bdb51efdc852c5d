"""A field's daily cap is exact under concurrency: requests racing for the last number (threads of
one process, two processes) get exactly one ticket and every other one a 409 service_full; a
retry of an issued ticket's key still returns that ticket once the cap is reached. SQLite, and
PostgreSQL when KIOSK_TEST_PG_URL is set."""

import multiprocessing as mp
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from kiosk.office.errors import Conflict
from kiosk.office.service import Office
from kiosk.office.settings import OfficeSettings
from kiosk.office.storage.models import Ticket

CAP, RACERS = 6, 8


def capped(url: str, **kw) -> Office:
    return Office(OfficeSettings(database_url=url, daily_caps={"ho-tich": CAP}, **kw))


def race(office: Office, keys: list[str], start: threading.Barrier | None = None) -> list[str]:
    """Issue one ticket per key from as many threads at once; 'created', 'service_full' or another error code."""
    gate = start or threading.Barrier(len(keys))

    def one(key: str) -> str:
        gate.wait()
        try:
            _, created = office.issue("kiosk-1", "ho-tich", None, key)
            return "created" if created else "replayed"
        except Conflict as e:
            return e.code

    with ThreadPoolExecutor(len(keys)) as pool:
        return list(pool.map(one, keys))


def race_in_process(url: str, keys: list[str], barrier, out) -> None:
    office = capped(url, migrate=False)
    try:
        out.put(race(office, keys, _ProcessGate(barrier)))
    finally:
        office.db.dispose()


class _ProcessGate:
    """Threads of this process wait at a barrier shared with the other process (one party per process)."""

    def __init__(self, barrier):
        self.barrier, self.lock, self.passed = barrier, threading.Lock(), False

    def wait(self):
        with self.lock:
            if not self.passed:
                self.barrier.wait()
                self.passed = True


def at_cap_minus_one(url: str) -> tuple[Office, list[str]]:
    office = capped(url, demo=True)
    office.prepare()
    first = [f"early-{i}" for i in range(CAP - 1)]
    for k in first:
        office.issue("kiosk-1", "ho-tich", None, k)
    return office, first


def issued(office: Office) -> int:
    with office.db.read() as s:
        return s.scalar(select(func.count()).select_from(Ticket))


def test_threads_racing_for_the_last_number_get_one_ticket(db_url):
    office, early = at_cap_minus_one(db_url)
    try:
        answers = race(office, [f"race-{i}" for i in range(RACERS)])
        assert sorted(answers).count("created") == 1
        assert sorted(answers).count("service_full") == RACERS - 1
        assert issued(office) == CAP
        winner = f"race-{answers.index('created')}"
        # a retry of an issued ticket is answered even though the field is full now
        for key in (winner, early[0]):
            again, created = office.issue("kiosk-1", "ho-tich", None, key)
            assert created is False and again["number"].startswith("A")
        with pytest.raises(Conflict) as refused:
            office.issue("kiosk-1", "ho-tich", None, "one-more")
        assert refused.value.code == "service_full"
        assert issued(office) == CAP
    finally:
        office.db.dispose()


def test_two_processes_racing_for_the_last_number_get_one_ticket(db_url):
    office, _ = at_cap_minus_one(db_url)
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=race_in_process, args=(db_url, [f"p{p}-{i}" for i in range(RACERS // 2)], barrier, out))
             for p in range(2)]
    try:
        for p in procs:
            p.start()
        answers = out.get(timeout=120) + out.get(timeout=120)
        for p in procs:
            p.join(30)
        assert answers.count("created") == 1
        assert answers.count("service_full") == RACERS - 1
        assert issued(office) == CAP
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
        office.db.dispose()
