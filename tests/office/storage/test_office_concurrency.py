"""Atomic numbering and call-next under real concurrency: several processes, each with several
threads, issuing and calling at once, on SQLite and on PostgreSQL. Zero duplicates, zero gaps,
zero lost, no ticket called twice, and a retried key never makes a second ticket."""

import multiprocessing as mp
import threading
from collections import Counter as Tally
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import select

from kiosk.office.storage.models import AuditEntry, Ticket
from kiosk.office.service import Office
from kiosk.office.settings import OfficeSettings
from office_testing import SSEReader, running_server, stress_call, stress_issue

pytestmark = pytest.mark.slow

ISSUERS, KEYS_PER_ISSUER = 3, 24




def prepared(url: str) -> Office:
    office = Office(OfficeSettings(database_url=url, demo=True))
    office.prepare()
    return office


def key_plan() -> list[list[str]]:
    """Keys per issuing process; every fourth key is also sent by the next process (a retry or
    double tap racing the original) on the same kiosk."""
    plans = [[f"p{p}-{i}" for i in range(KEYS_PER_ISSUER)] for p in range(ISSUERS)]
    for p in range(ISSUERS):
        plans[p] += [k for k in plans[(p + 1) % ISSUERS] if int(k.rsplit("-", 1)[1]) % 4 == 0]
    return plans


def check_numbering(office: Office, expected_keys: set[str]) -> list[Ticket]:
    with office.db.read() as s:
        tickets = s.scalars(select(Ticket)).all()
        called_audits = Tally(a.ticket_id for a in s.scalars(
            select(AuditEntry).where(AuditEntry.action.in_(("call_next", "call")))))
    assert {t.idempotency_key for t in tickets} == expected_keys  # none lost
    assert len(tickets) == len(expected_keys)  # none doubled
    by_service: dict[int, list[int]] = {}
    for t in tickets:
        by_service.setdefault(t.issued_service_id, []).append(t.number)
    for numbers in by_service.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))  # no duplicate, no gap
    assert all(n <= 1 for n in called_audits.values())
    return tickets


def test_processes_and_threads_issue_and_call_at_once(db_url):
    office = prepared(db_url)
    ctx = mp.get_context("spawn")
    done = ctx.Manager().Event()
    plans = key_plan()
    with ctx.Pool(ISSUERS + 3) as pool:
        callers = [pool.apply_async(stress_call, (db_url, counter, done)) for counter in (1, 2, 3)]
        issuers = [pool.apply_async(stress_issue, (db_url, "kiosk-1", keys)) for keys in plans]
        issued = [pair for r in issuers for pair in r.get(timeout=300)]
        done.set()
        called = [tid for r in callers for tid in r.get(timeout=300)]

    ids_by_key: dict[str, set[int]] = {}
    for key, tid in issued:
        ids_by_key.setdefault(key, set()).add(tid)
    assert all(len(ids) == 1 for ids in ids_by_key.values())  # a raced key got one ticket
    tickets = check_numbering(office, set(ids_by_key))
    assert sorted(called) == sorted(t.id for t in tickets)  # every ticket called exactly once
    assert {t.status for t in tickets} == {"done"}
    office.db.dispose()


def test_same_key_from_many_threads_makes_one_ticket(db_url):
    office = prepared(db_url)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: office.issue("kiosk-1", "ho-tich", None, "double-tap"), range(16)))
    assert len({t["id"] for t, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert office.issue("kiosk-1", "ho-tich", None, "next")[0]["number"] == "A002"
    office.db.dispose()


def test_several_uvicorn_workers_over_http(db_url):
    """`kiosk serve --workers 2`: kiosks retrying with the same key and counters calling at once,
    while boards connected to BOTH worker processes receive every call."""
    with running_server(db_url, workers=2) as url:
        boards: list[SSEReader] = []
        for _ in range(80):  # the kernel spreads connections, not always evenly
            if len({b.worker for b in boards}) == 2:
                break
            board = SSEReader(f"{url}/api/events?kinds=call")
            if board.status == 200:
                boards.append(board)
            else:  # 503: this worker's 32 streams for one address are taken (it once got 32 in a row)
                board.close()
        assert len({b.worker for b in boards}) == 2 and None not in {b.worker for b in boards}
        kiosk = requests.Session()
        kiosk.headers["Authorization"] = "Bearer demo-kiosk-key"
        keys = [f"http-{i}" for i in range(40)]
        sent = keys + keys[::3]  # a third of the requests are retries of an earlier key

        def issue(key):
            r = kiosk.post(f"{url}/api/tickets", json={"service": ["ho-tich", "dat-dai"][hash(key) % 2],
                                                         "idempotency_key": key}, timeout=30)
            assert r.status_code in (200, 201), r.text
            return key, r.json()["id"], r.json()["number"]

        token = requests.post(f"{url}/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"},
                              timeout=30).json()["token"]
        staff = {"Authorization": f"Bearer {token}"}
        stop = threading.Event()
        called: list[int] = []

        def counter_loop(counter):
            idle = 0
            while idle < 5:
                r = requests.post(f"{url}/api/counters/{counter}/call-next", headers=staff, timeout=30)
                assert r.status_code in (200, 204), r.text
                if r.status_code == 204:
                    idle += stop.is_set()
                    continue
                called.append(r.json()["id"])
                assert requests.post(f"{url}/api/tickets/{r.json()['id']}/finish", headers=staff,
                                     timeout=30).status_code == 200

        counters = [threading.Thread(target=counter_loop, args=(c,)) for c in (1, 2, 3)]
        for t in counters:
            t.start()
        with ThreadPoolExecutor(6) as pool:
            results = list(pool.map(issue, sent))
        stop.set()
        for t in counters:
            t.join(120)
        for board in boards:
            got = [board.next("call")["data"]["ticket_id"] for _ in called]
            assert sorted(got) == sorted(called)
            board.close()

    by_key: dict[str, set] = {}
    for key, tid, number in results:
        by_key.setdefault(key, set()).add((tid, number))
    assert all(len(v) == 1 for v in by_key.values())
    office = Office(OfficeSettings(database_url=db_url, migrate=False))
    tickets = check_numbering(office, set(keys))
    assert sorted(called) == sorted(t.id for t in tickets)
    office.db.dispose()
