"""Database engine and transactions, plus the write patterns several operations share: the
atomic per-day number (`next_in_sequence`), the idempotent create that survives a race on its
key (`Database.write_retrying_duplicates`), and work done once a transaction has committed
(`mark_for_commit` / `after_commit`: wake the event listeners, the delivery worker, empty the
token caches).

SQLite: WAL journal, synchronous=FULL (a commit survives power loss), a busy timeout (short for
the office's request handlers: a write blocked by another writer answers 503 soon), and
write transactions opened with BEGIN IMMEDIATE so two processes never interleave a
read-then-write (numbering, call-next). Inside one process, SQLite write transactions also queue
first come, first served on a `WriterQueue` (issue 18): SQLite's busy handler retries a locked
database with sleeps growing to 100 ms, so with eight threads contending an unlucky one kept
losing for seconds; in the queue each waits only for the writers ahead of it. Across worker
processes the head of each queue takes turns on an flock of `<database>-writer.lock` (`_FileLock`).
PostgreSQL (psycopg 3): READ COMMITTED plus row locks taken by the operations themselves.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Integer, bindparam, create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_S = 30.0  # tools and migrations; the office passes its settings' db_busy_timeout_seconds
DUPLICATE_RETRIES = 3
T = TypeVar("T")


def _sqlite_engine(url: str, *, immediate: bool, busy_timeout: float,
                   budget: Callable[[], float] | None = None) -> Engine:
    u = make_url(url)
    if u.database and u.database != ":memory:":
        Path(u.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": busy_timeout, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if budget is not None:  # what is left of the writer's busy timeout after its wait in line
            conn.connection.dbapi_connection.execute(f"PRAGMA busy_timeout={int(budget() * 1000)}")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _locked(where: str) -> OperationalError:
    """The error SQLite's own busy timeout raises, which the API answers 503."""
    return OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError(f"database is locked ({where})"))


class WriterQueue:
    """A re-entrant lock granted in arrival order, with a timeout.

    A waiter that is not served within the timeout gets the same OperationalError ("database is
    locked") SQLite's own busy timeout raises, which the API answers with 503.
    """

    def __init__(self, timeout_s: float, lock_path: Path | None = None):
        self.timeout_s = timeout_s
        self._mutex = threading.Lock()
        self._waiters: deque[threading.Event] = deque()
        self._owner: int | None = None
        self._depth = 0
        self._files = _FileLock(lock_path) if lock_path is not None else None
        self._deadline = 0.0  # the owner's: its arrival + timeout_s, one budget for every wait

    def remaining(self) -> float:
        """Seconds left of the current owner's timeout (the whole timeout for a caller outside the queue)."""
        if self._owner != threading.get_ident():
            return self.timeout_s
        return max(self._deadline - time.monotonic(), 0.001)

    def close(self) -> None:
        if self._files is not None:
            self._files.close()

    @contextmanager
    def held(self) -> Iterator[None]:
        me = threading.get_ident()
        arrived = time.monotonic()
        with self._mutex:
            if self._owner == me:  # a nested write in the same thread
                self._depth += 1
                turn = None
            elif self._owner is None and not self._waiters:
                self._owner, self._depth = me, 1
                turn = None
            else:
                turn = threading.Event()
                self._waiters.append(turn)
        if turn is not None and not turn.wait(self.timeout_s):
            with self._mutex:
                if not turn.is_set():
                    self._waiters.remove(turn)
                    raise _locked("write queue")
            # handed over just as the wait timed out: it is ours
        if turn is not None:
            with self._mutex:
                self._owner, self._depth = me, 1
        outermost = self._depth == 1
        if outermost:
            self._deadline = arrived + self.timeout_s
        try:
            if outermost and self._files is not None:
                self._files.acquire(self.remaining())  # after the in-process line: one contender per process
            yield
        finally:
            with self._mutex:
                self._depth -= 1
                if self._depth == 0:
                    if outermost and self._files is not None:
                        self._files.release()  # other processes get their turn between ours
                    self._owner = None
                    if self._waiters:  # hand over directly, so a newcomer cannot jump the line
                        nxt = self._waiters.popleft()
                        self._owner = -1  # reserved until the next one takes it
                        nxt.set()


class _FileLock:
    """The writers of several processes (`kiosk serve --workers N` on SQLite) take turns on an
    flock of a file beside the database before BEGIN IMMEDIATE. Waiting on SQLite's lock meant its
    busy handler's sleeps of up to 100 ms, and an unlucky worker kept losing for seconds (32
    clients, 4 workers: 2-3.6 s, issue 18); here a waiter retries every millisecond or two. The
    lock is advisory: a process that does not take it (a CLI) is still arbitrated by SQLite."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def acquire(self, timeout_s: float) -> None:
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:  # a read-only directory: SQLite's own lock still arbitrates
                return
        deadline = time.monotonic() + timeout_s
        pause = 0.0005
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _locked("writer file lock") from None
                time.sleep(pause)
                pause = min(pause * 2, 0.002)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class Database:
    """Holds the engines; `write()` and `read()` give a Session inside one transaction.

    `busy_timeout` (seconds): the longest a statement waits for SQLite's write lock, and for a
    connection of the pool, before the error the API answers with 503."""

    def __init__(self, url: str, busy_timeout: float = BUSY_TIMEOUT_S):
        self.url = url
        self.is_sqlite = make_url(url).get_backend_name() == "sqlite"
        if self.is_sqlite:
            self.engine = _sqlite_engine(url, immediate=True, busy_timeout=busy_timeout,
                                         budget=lambda: self._writers.remaining())
            self.read_engine = _sqlite_engine(url, immediate=False, busy_timeout=busy_timeout)
        else:
            self.engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10,
                                        pool_timeout=busy_timeout)
            # one snapshot per read request: under READ COMMITTED a view's second statement could
            # see a commit its first did not (a hand-off "delivered" beside no official code)
            self.read_engine = self.engine.execution_options(isolation_level="REPEATABLE READ")
        self._writers = WriterQueue(busy_timeout, _writer_lock_path(url)) if self.is_sqlite else None
        self._write = sessionmaker(self.engine, expire_on_commit=False)
        self._read = sessionmaker(self.read_engine, expire_on_commit=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        if self._writers is None:
            with self._write() as s, s.begin():
                yield s
            return
        with self._writers.held(), self._write() as s, s.begin():
            yield s

    def write_retrying_duplicates(self, fn: Callable[[Session], T]) -> T:
        """Run fn(session) in its own write transaction, for an idempotent create.

        Two requests with the same idempotency key can both miss the existing row and insert; the
        loser's commit fails on the unique key. Running fn again then finds the winner's row, so
        the caller gets that one back instead of an error.
        """
        for attempt in range(DUPLICATE_RETRIES):
            try:
                with self.write() as s:
                    return fn(s)
            except IntegrityError as exc:
                if not is_duplicate_key(exc) or attempt == DUPLICATE_RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as s, s.begin():
            yield s

    def dispose(self) -> None:
        if self._writers is not None:
            self._writers.close()
        self.engine.dispose()
        if self.is_sqlite:  # PostgreSQL's read engine shares the write engine's pool
            self.read_engine.dispose()


def _writer_lock_path(url: str) -> Path | None:
    name = make_url(url).database
    return None if not name or name == ":memory:" or name.startswith("file:") else Path(name + "-writer.lock")


_after_commit: dict[str, Callable[[], None]] = {}  # Session.info flag -> what its commit does


def after_commit(flag: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """Register `fn` to run once after the commit of any transaction marked with `flag`
    (`mark_for_commit`); a rollback drops the mark, so nothing runs for work that never happened."""
    def register(fn: Callable[[], None]) -> Callable[[], None]:
        _after_commit[flag] = fn
        return fn
    return register


def mark_for_commit(s: Session, flag: str) -> bool:
    """Mark this transaction with `flag`; True the first time in this transaction."""
    first = not s.info.get(flag)
    s.info[flag] = True
    return first


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    for flag, fn in list(_after_commit.items()):
        if session.info.pop(flag, False):
            fn()


@event.listens_for(Session, "after_rollback")
def _drop_commit_marks(session: Session) -> None:
    for flag in list(_after_commit):
        session.info.pop(flag, None)  # a later transaction must mark again


def is_duplicate_key(exc: IntegrityError) -> bool:
    """The insert lost a race on an idempotency key (and not on some other constraint)."""
    return "idempotency" in str(exc.orig).lower() or "idempotency_key" in str(exc).lower()


def next_in_sequence(s: Session, counter: type, **key: Any) -> int:
    """Take the next number of a counter row atomically, inside the caller's transaction.

    `counter` is a model whose primary key is exactly the `key` columns and which has a
    `last_number` column (tickets: per service and day; dossiers: per day). INSERT ... ON
    CONFLICT DO UPDATE ... RETURNING locks the row until commit (PostgreSQL) or runs under the
    BEGIN IMMEDIATE write lock (SQLite): no two transactions get the same number, and a rolled-back
    insert gives its number back (no gap). The statement is written once per counter table: built
    with the dialects' insert() it was compiled afresh for every ticket (issue 18).
    """
    return s.connection().execute(_upsert_statement(counter.__table__, tuple(sorted(key))), key).scalar_one()


def next_in_sequence_cte(counter: type, *key: str, name: str = "number"):
    """next_in_sequence as a CTE (column `last_number`) for one PostgreSQL statement that also
    uses the number; the key columns are its bind parameters."""
    return _upsert_statement(counter.__table__, tuple(sorted(key))).columns(last_number=Integer).cte(name)


@lru_cache(maxsize=None)
def _upsert_statement(table, key: tuple[str, ...]):
    """The same SQL on SQLite (3.35+) and PostgreSQL."""
    names = ", ".join(key)
    stmt = text(f"INSERT INTO {table.name} ({names}, last_number) VALUES "
                f"({', '.join(':' + k for k in key)}, 1) ON CONFLICT ({names}) DO UPDATE "
                f"SET last_number = {table.name}.last_number + 1 RETURNING last_number")
    return stmt.bindparams(*(bindparam(k, type_=table.c[k].type) for k in key))
