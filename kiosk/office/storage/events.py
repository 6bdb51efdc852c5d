"""Events across worker processes.

A change writes its event row in the same transaction (so an event exists iff the change was
committed). Each worker runs ONE listener thread that reads new rows (woken by PostgreSQL
LISTEN/NOTIFY, or polling every ~100 ms on SQLite) and fans them out to that worker's SSE clients.
A commit in the same process also wakes the listener at once, so a single-process office (the
kiosk's embedded one) can poll rarely and still deliver at once.
A worker with no stream open reads nothing: it notes that it is behind, and the first stream to
open moves it to the newest id (`live_start`) — reading every event in every worker cost a
read transaction per commit per worker (issue 18).
On PostgreSQL event inserts take a transaction advisory lock, so event ids become visible in
order and a reader that remembers the last id never skips one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
import time
import weakref
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, insert, literal, select, text, true
from sqlalchemy.sql.selectable import CTE
from sqlalchemy.orm import Session

from kiosk.office.storage.db import after_commit, mark_for_commit
from kiosk.office.storage.models import Event

log = logging.getLogger(__name__)
CHANNEL = "motcua_events"
_EVENT_LOCK_KEY = 7_450_002


_hubs: "weakref.WeakSet[EventHub]" = weakref.WeakSet()  # this process's listeners


_PUBLISHED = "published_events"  # Session.info flag: this transaction published events


@after_commit(_PUBLISHED)
def _wake_local_listeners() -> None:
    for hub in list(_hubs):
        hub.wake()


def publish(s: Session, kind: str, data: dict[str, Any], now: dt.datetime) -> None:
    first = mark_for_commit(s, _PUBLISHED)
    if first and s.get_bind().dialect.name == "postgresql":
        # once per transaction: the lock is held to its end, and one NOTIFY wakes the listeners
        # for every event it commits (a call-next publishes two; each pair was two round trips)
        s.connection().execute(_LOCK_AND_NOTIFY, {"k": _EVENT_LOCK_KEY, "c": CHANNEL})
    s.connection().execute(_INSERT_EVENT, {"at": now, "kind": kind, "data": data})  # no unit of work


_INSERT_EVENT = insert(Event.__table__)
_LOCK_AND_NOTIFY = text("SELECT pg_advisory_xact_lock(:k), pg_notify(:c, '')")


def event_ctes(kind: str, data: ColumnElement, after: CTE) -> tuple[CTE, CTE]:
    """publish() inside one PostgreSQL statement that also writes the change (issue 18: each
    statement is a round trip). The lock and NOTIFY are taken from `after`'s row, so after the
    change and before the event's id is drawn; `data` (a json_build_object over `after`'s columns)
    becomes the event row. The time is the statement's `now` parameter. Add both CTEs to the
    statement and call `published(s)` in its transaction; nothing is published if `after` has
    no row."""
    lock = (select(func.pg_advisory_xact_lock(_EVENT_LOCK_KEY).label("locked"),
                   func.pg_notify(CHANNEL, "").label("notified")).select_from(after).cte("event_lock"))
    row = (insert(Event.__table__).from_select(
        ["at", "kind", "data"],
        select(bindparam("now", type_=Event.__table__.c.at.type), literal(kind), data)
        .select_from(after).join(lock, true())).cte("event_row"))
    return lock, row


def published(s: Session) -> None:
    """This transaction wrote events with event_ctes: wake this process's listeners on commit."""
    mark_for_commit(s, _PUBLISHED)


def format_sse(event_id: int, kind: str, data: str) -> bytes:
    return f"id: {event_id}\nevent: {kind}\ndata: {data}\n\n".encode()


class EventHub:
    """The worker's listener thread plus its subscribers (asyncio queues of (id, kind, data))."""

    def __init__(self, db, poll_seconds: float = 0.1, housekeeping=None, housekeeping_every: float = 60.0):
        self.db = db
        self.poll = poll_seconds
        self._subs: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue]] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()  # set by a commit in this process that published events
        self._thread: threading.Thread | None = None
        self._housekeeping = housekeeping
        self._housekeeping_every = housekeeping_every
        self.last_id = 0
        # _reading: held while last_id moves (a delivery, a catch-up), so a stream's live start
        # and the listener agree on which events are before it and which it gets from its queue
        self._reading = threading.Lock()
        self._behind = False  # events may have come after last_id while nobody listened
        _hubs.add(self)

    def wake(self) -> None:
        self._wake.set()

    # ---- subscribers (called from the event loop)
    def subscribe(self) -> asyncio.Queue:
        q: asyncio.Queue = asyncio.Queue(maxsize=1000)
        with self._lock:
            self._subs.add((asyncio.get_running_loop(), q))
        return q

    def live_start(self) -> int:
        """The id a stream that has just subscribed goes live after (blocking: call it in a
        thread). Every event above it reaches the stream's queue; none at or below it does
        unless it was already there (the stream drops those by id)."""
        with self._reading:
            if self._behind:
                self.last_id, self._behind = self.max_id(), False
            return self.last_id

    def unsubscribe(self, q: asyncio.Queue) -> None:
        with self._lock:
            self._subs = {(lp, x) for lp, x in self._subs if x is not q}

    # ---- the listener thread
    def start(self) -> None:
        self.last_id = self.max_id()
        self._thread = threading.Thread(target=self._run, name="office-events", daemon=True)
        self._thread.start()

    def close_streams(self) -> None:
        """End every open event stream (the server is stopping; browsers reconnect elsewhere)."""
        with self._lock:
            subs = list(self._subs)
        for loop, q in subs:
            _put(loop, q, None)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=5)
        self.close_streams()

    def max_id(self) -> int:
        with self.db.read() as s:
            return s.scalar(select(Event.id).order_by(Event.id.desc()).limit(1)) or 0

    def fetch_since(self, last_id: int, limit: int = 500) -> list[tuple[int, str, dict]]:
        with self.db.read() as s:
            rows = s.execute(select(Event.id, Event.kind, Event.data).where(Event.id > last_id)
                             .order_by(Event.id).limit(limit)).all()
        return [(r.id, r.kind, r.data) for r in rows]

    def _deliver(self) -> None:
        with self._reading:
            while True:
                with self._lock:
                    subs = list(self._subs)
                if not subs:
                    self._behind = True
                    return
                if self._behind:  # a stream opened: events before it were nobody's
                    self.last_id, self._behind = self.max_id(), False
                rows = self.fetch_since(self.last_id)
                if not rows:
                    return
                self.last_id = rows[-1][0]
                for item in rows:
                    for loop, q in subs:
                        _put(loop, q, item)

    def _run(self) -> None:
        listen = self._pg_listener() if not self.db.is_sqlite else None
        next_housekeeping = 0.0
        while not self._stop.is_set():
            try:
                if time.monotonic() >= next_housekeeping and self._housekeeping:
                    next_housekeeping = time.monotonic() + self._housekeeping_every
                    self._housekeeping()
                self._deliver()
                if listen is not None:
                    listen()
                else:
                    self._wake.wait(self.poll)
                    self._wake.clear()
            except Exception:  # keep listening whatever happens; the database may come back
                log.exception("event listener error")
                listen = None if self.db.is_sqlite else self._pg_listener()
                self._stop.wait(1.0)

    def _pg_listener(self):
        """Return a function that blocks until a NOTIFY arrives, or 0.5 s pass (the fallback poll
        bounds the delay even if a notification were missed)."""
        import psycopg
        from sqlalchemy.engine import make_url

        try:
            url = make_url(self.db.url).set(drivername="postgresql")
            conn = psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)
            conn.execute(f"LISTEN {CHANNEL}")
        except Exception:
            log.warning("LISTEN failed; polling events instead")
            return lambda: self._stop.wait(self.poll)

        def wait() -> None:
            for _ in conn.notifies(timeout=0.5, stop_after=1):
                pass
        return wait


def _put(loop: asyncio.AbstractEventLoop, q: asyncio.Queue, item) -> None:
    def put():
        try:
            q.put_nowait(item)
        except asyncio.QueueFull:  # a stuck client: drop it rather than hold memory
            pass
    try:
        loop.call_soon_threadsafe(put)
    except RuntimeError:  # loop closed
        pass
