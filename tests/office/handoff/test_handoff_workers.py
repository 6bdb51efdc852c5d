"""Exactly once with two office processes' delivery workers on one database (SQLite and
PostgreSQL): every dossier is sent once, never twice at the same time, and only one worker wins
a claim. Plus the backoff's bounds."""

import datetime as dt
import threading
import time

import pytest

from handoff_testing import connector, office_db, received
from kiosk.office.connectors import HttpConnector
from kiosk.office.delivery import DeliveryWorker
from kiosk.office.operations import dossiers, handoff
from kiosk.office.operations.catalogue import seed_catalogue_once
from kiosk.office.service import Office
from kiosk.office.settings import OfficeSettings
from kiosk.office.storage.models import Handoff
from office_testing import pg_schema
from province_standin import Province

N = 30


class CountingHttp(HttpConnector):
    """The real HTTP connector, counting this worker's sends and noticing overlapping ones."""

    in_flight: dict[str, int] = {}
    overlaps: list[str] = []
    lock = threading.Lock()

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.sent = 0

    def send(self, code, body):
        with self.lock:
            self.in_flight[code] = self.in_flight.get(code, 0) + 1
            if self.in_flight[code] > 1:
                self.overlaps.append(code)
        try:
            self.sent += 1
            return super().send(code, body)
        finally:
            with self.lock:
                self.in_flight[code] -= 1


def offices(url: str, conn, prepare: bool) -> tuple[Office, Office]:
    first = Office(OfficeSettings(database_url=url, demo=prepare, connector=conn, migrate=prepare))
    if prepare:
        first.prepare()
    seed_catalogue_once(first)  # as create_app does
    second = Office(OfficeSettings(database_url=url, connector=conn, migrate=False))
    return first, second


def check_exactly_once(url: str, prepare: bool) -> None:
    province = Province("slow", 0.02)
    conn = connector(url=province.url)
    a, b = offices(url, conn, prepare)
    workers = [DeliveryWorker(o, CountingHttp(conn.url, timeout=conn.timeout), poll_seconds=0.05) for o in (a, b)]
    try:
        for w in workers:
            w.start()
        codes = [received((a, b)[i % 2], f"k{i}")
                 for i in range(N)]
        assert province.wait_for(lambda p: len(p.created) == N, timeout=30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the last answers are being stored
            with a.db.read() as s:
                states = [r.state for r in s.query(Handoff)]
            if states.count(handoff.DELIVERED) == N:
                break
            time.sleep(0.05)
        assert states == [handoff.DELIVERED] * N
        with a.db.read() as s:
            found = {dossiers.by_code(s, c).official_code for c in codes}
        assert found == set(province.created.values())
        assert sorted(province.keys()) == sorted(codes)  # each dossier sent exactly once
        assert not CountingHttp.overlaps
        assert all(w.connector.sent > 0 for w in workers), [w.connector.sent for w in workers]
    finally:
        for w in workers:
            w.stop()
        for o in (a, b):
            o.db.dispose()
        province.stop()
        CountingHttp.in_flight.clear()
        CountingHttp.overlaps.clear()


def test_two_workers_send_each_dossier_once_on_sqlite(tmp_path):
    check_exactly_once(office_db(tmp_path), prepare=False)


@pytest.mark.postgres
def test_two_workers_send_each_dossier_once_on_postgresql(pg_url):
    with pg_schema(pg_url) as url:
        check_exactly_once(url, prepare=True)


def check_one_claim_wins(url: str, prepare: bool) -> None:
    a, b = offices(url, connector(url="http://127.0.0.1:9/x"), prepare)
    try:
        code = received(a, "only")
        now = a.clock() + dt.timedelta(seconds=1)
        barrier = threading.Barrier(2)
        won: list[bool] = []

        def take(o, owner):
            with o.db.write() as s:
                ids = handoff.due_ids(s, now)
                barrier.wait(5)
                won.append(bool(ids) and handoff.claim(s, now, ids[0], owner, 30))

        threads = [threading.Thread(target=take, args=(o, n)) for o, n in ((a, "A"), (b, "B"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert sorted(won) == [False, True]
        with a.db.read() as s:
            row = s.query(Handoff).one()
            assert row.attempts == 1 and row.lease_owner in ("A", "B")
            assert handoff.due_ids(s, now) == []  # leased: nobody else takes it
            assert handoff.due_ids(s, now + dt.timedelta(seconds=31)) == [row.id]  # a dead worker's lease ends
        assert code
    finally:
        for o in (a, b):
            o.db.dispose()


def test_only_one_of_two_claims_wins_on_sqlite(tmp_path):
    # SQLite's BEGIN IMMEDIATE makes the second transaction wait: the barrier cannot be met by both
    # inside their write transactions, so here the claims run one after the other on fresh sessions
    url = office_db(tmp_path)
    a, b = offices(url, connector(url="http://127.0.0.1:9/x"), False)
    try:
        received(a, "only")
        now = a.clock() + dt.timedelta(seconds=1)
        with a.db.read() as s:
            (row_id,) = handoff.due_ids(s, now)
        results = []
        for o, owner in ((a, "A"), (b, "B")):
            with o.db.write() as s:
                results.append(handoff.claim(s, now, row_id, owner, 30))
        assert results == [True, False]
    finally:
        for o in (a, b):
            o.db.dispose()


@pytest.mark.postgres
def test_only_one_of_two_simultaneous_claims_wins_on_postgresql(pg_url):
    with pg_schema(pg_url) as url:
        check_one_claim_wins(url, prepare=True)


def test_backoff_doubles_up_to_the_cap_with_jitter():
    assert handoff.backoff_seconds(1, 5, 900, rand=lambda: 1.0) == 5
    assert handoff.backoff_seconds(4, 5, 900, rand=lambda: 1.0) == 40
    assert handoff.backoff_seconds(30, 5, 900, rand=lambda: 1.0) == 900
    assert handoff.backoff_seconds(30, 5, 900, rand=lambda: 0.0) == 450
    assert 2.5 <= handoff.backoff_seconds(1, 5, 900) <= 5


def test_the_worker_wakes_at_the_commit_not_at_its_next_poll(tmp_path):
    """The worker polls every 30 s here; a dossier received in this process reaches the province
    at once, because the receiving transaction's commit wakes it."""
    province = Province()
    office = offices(office_db(tmp_path), connector(url=province.url), False)[0]
    worker = DeliveryWorker(office, HttpConnector(province.url, timeout=2), poll_seconds=30)
    try:
        worker.start()
        time.sleep(0.2)  # asleep in its 30 s wait
        started = time.monotonic()
        code = received(office, "wake")
        assert province.wait_for(lambda p: code in p.created, timeout=5)
        assert time.monotonic() - started < 5
    finally:
        worker.stop()
        office.db.dispose()
        province.stop()


def test_a_pending_row_left_by_an_earlier_run_is_sent_when_the_worker_starts(tmp_path):
    """Durability without a process boundary: a row queued while no worker ran (the office was
    down) is found by the next worker's first pass."""
    province = Province()
    url = office_db(tmp_path)
    office = offices(url, connector(url=province.url), False)[0]
    try:
        code = received(office, "left")
        time.sleep(0.2)
        assert province.requests == []  # no worker yet
        worker = DeliveryWorker(office, HttpConnector(province.url, timeout=2), poll_seconds=30)
        assert worker.run_once() == 1
        assert list(province.created) == [code]
        assert worker.run_once() == 0
        worker.connector.close()
    finally:
        office.db.dispose()
        province.stop()
