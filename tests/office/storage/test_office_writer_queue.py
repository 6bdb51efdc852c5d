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


# -- across processes: the writer file lock beside the database (kiosk serve --workers N on SQLite)

_HOLD = """
import sys, time
sys.path.insert(0, {root!r})
from sqlalchemy import text
from kiosk.office.storage.db import Database
db = Database({url!r})
with db.write() as s:
    s.execute(text("INSERT INTO n VALUES (1)"))
    print("holding", flush=True)
    time.sleep({hold})
print("released", flush=True)
"""


def _holder(url: str, hold: float):
    import subprocess
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[3])
    p = subprocess.Popen([sys.executable, "-c", _HOLD.format(root=root, url=url, hold=hold)],
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "holding"
    return p


def test_another_process_writing_keeps_a_writer_waiting_until_it_commits(tmp_path):
    url = sqlite_url(tmp_path / "w.db")
    db = Database(url)
    with db.write() as s:
        s.execute(text("CREATE TABLE n (v INTEGER)"))
    other = _holder(url, 0.6)
    t0 = time.monotonic()
    with db.write() as s:  # waits on the file lock, then gets in at once (no busy-handler sleeps)
        waited = time.monotonic() - t0
        s.execute(text("INSERT INTO n VALUES (2)"))
    other.wait(10)
    assert (tmp_path / "w.db-writer.lock").exists()
    assert 0.3 <= waited < 3
    with db.read() as s:
        assert sorted(s.scalars(text("SELECT v FROM n"))) == [1, 2]
    db.dispose()


def test_a_writer_kept_waiting_by_another_process_past_the_timeout_gets_database_locked(tmp_path):
    url = sqlite_url(tmp_path / "w.db")
    db = Database(url, busy_timeout=0.3)
    with db.write() as s:
        s.execute(text("CREATE TABLE n (v INTEGER)"))
    other = _holder(url, 3)
    t0 = time.monotonic()
    try:
        with db.write() as s:
            s.execute(text("INSERT INTO n VALUES (2)"))
        raise AssertionError("the write should have given up")
    except OperationalError as exc:
        assert "database is locked" in str(exc)
    waited = time.monotonic() - t0
    other.kill()
    other.wait(10)
    assert 0.25 <= waited < 2
    with db.write() as s:  # the lock of a killed process is gone with it
        s.execute(text("INSERT INTO n VALUES (3)"))
    db.dispose()
