"""SQLite writers of one process queue first-come first-served (storage.db.WriterQueue): a writer
waits only for those ahead of it, a nested write in the same thread does not deadlock, and one
kept waiting past the timeout gets "database is locked" (answered 503 by the API) instead of
hanging."""

import threading
import time

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from kiosk.office.storage.db import Database, WriterQueue
from kiosk.office.settings import sqlite_url


def test_writers_are_served_in_arrival_order():
    q = WriterQueue(timeout_s=10)
    order: list[int] = []
    arrived: list[int] = []

    def writer(i: int) -> None:
        arrived.append(i)
        with q.held():
            order.append(i)

    with q.held():  # the first writer holds the lock while the others line up
        threads = []
        for i in range(6):
            t = threading.Thread(target=writer, args=(i,))
            t.start()
            threads.append(t)
            deadline = time.monotonic() + 5
            while len(arrived) <= i and time.monotonic() < deadline:
                time.sleep(0.001)
            time.sleep(0.02)  # it is now waiting in the queue
    for t in threads:
        t.join(5)
    assert order == list(range(6))


def test_nested_write_in_the_same_thread_does_not_wait_for_itself():
    q = WriterQueue(timeout_s=0.5)
    with q.held(), q.held():
        pass
    with q.held():  # and the lock is free again afterwards
        pass


def test_a_writer_kept_waiting_past_the_timeout_gets_database_locked():
    q = WriterQueue(timeout_s=0.2)
    errors: list[Exception] = []

    def late() -> None:
        try:
            with q.held():
                pass
        except OperationalError as exc:
            errors.append(exc)

    with q.held():
        t0 = time.monotonic()
        t = threading.Thread(target=late)
        t.start()
        t.join(5)
        waited = time.monotonic() - t0
    assert len(errors) == 1 and "database is locked" in str(errors[0])
    assert 0.15 <= waited < 2
    with q.held():  # the one that gave up left the queue: nobody is stuck behind it
        pass


def test_sqlite_writes_from_many_threads_all_land(tmp_path):
    db = Database(sqlite_url(tmp_path / "w.db"))
    with db.write() as s:
        s.execute(text("CREATE TABLE n (v INTEGER)"))

    def add(i: int) -> None:
        with db.write() as s:
            s.execute(text("INSERT INTO n VALUES (:v)"), {"v": i})

    threads = [threading.Thread(target=add, args=(i,)) for i in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    with db.read() as s:
        assert sorted(s.scalars(text("SELECT v FROM n"))) == list(range(24))
    db.dispose()


def test_timeout_leaves_the_handover_consistent():
    """A waiter whose turn comes just as it times out either runs or leaves; the lock never ends
    up owned by nobody-yet-busy."""
    timeout = 0.05
    q = WriterQueue(timeout_s=timeout)
    for _ in range(20):
        done = threading.Event()

        def contender() -> None:
            try:
                with q.held():
                    pass
            except OperationalError:
                pass
            done.set()

        with q.held():
            t = threading.Thread(target=contender)
            t.start()
            time.sleep(timeout * 0.9)
        done.wait(5)
        t.join(5)
        with q.held():
            pass
