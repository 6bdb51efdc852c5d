"""The delivery worker: one thread per office process that sends the hand-off outbox
(operations/handoff.py) through the configured connector (connectors.py).

It never runs on the event loop. It wakes at once when a transaction of this process queued a
row (`storage.db.after_commit`, like the event hub), and otherwise every `poll_seconds` or when
the next retry is due, so rows queued by another process or left by a killed one are found too.
Each row is claimed with a lease before its send, its outcome stored after; the transaction is
never held open across the network call.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import weakref

from kiosk.office.connectors import Connector, Outcome, connector_for
from kiosk.office.operations import handoff
from kiosk.office.storage.db import after_commit
from kiosk.office.storage.models import Dossier, Handoff

log = logging.getLogger(__name__)
_workers: "weakref.WeakSet[DeliveryWorker]" = weakref.WeakSet()


@after_commit(handoff.WAKE_FLAG)
def _wake_local_workers() -> None:
    for worker in list(_workers):
        worker.wake()


class DeliveryWorker:
    def __init__(self, office, connector: Connector, poll_seconds: float = 1.0):
        self.office, self.connector, self.poll = office, connector, poll_seconds
        self.owner = f"{os.getpid()}-{secrets.token_hex(4)}"  # this worker's leases
        timeout = office.settings.connector.timeout
        self.lease_seconds = 2 * timeout + 3  # a send ends within the timeout; then another worker may take over
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None
        _workers.add(self)

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="office-handoff", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout)
        self.connector.close()

    def run_once(self) -> int:
        """Send every row due now; the number of sends made."""
        sent = 0
        while not self._stop.is_set():
            now = self.office.clock()
            with self.office.db.read() as s:  # look first: an idle poll takes no write lock (SQLite)
                due = handoff.due_ids(s, now, 5)
            if not due:
                return sent
            with self.office.db.write() as s:
                picked = next((i for i in due
                               if handoff.claim(s, now, i, self.owner, self.lease_seconds)), None)
                if picked is None:
                    return sent
                row = s.get(Handoff, picked)
                d = s.get(Dossier, row.dossier_id)
                code, body = d.code, handoff.payload(s, d, self.office.settings)
            outcome = self._send(code, body)
            with self.office.db.write() as s:
                ctx = self.office.ctx(f"system:connector-{self.connector.kind}")
                if handoff.record(s, ctx, picked, self.owner, outcome, self.office.settings) is None:
                    log.warning("hand-off of %s: result %s not stored (taken over meanwhile)", code, outcome.kind)
            if outcome.kind != "delivered":
                log.warning("hand-off of %s: %s %s", code, outcome.kind, outcome.detail[:200])
            sent += 1
        return sent

    def _send(self, code: str, body: dict) -> Outcome:
        try:
            return self.connector.send(code, body)
        except Exception as exc:  # a bug in a connector must not stop the worker: retry later
            log.exception("connector %s failed on %s", self.connector.kind, code)
            return Outcome("retry", detail=f"internal error: {type(exc).__name__}")

    def _seconds_to_next(self) -> float:
        with self.office.db.read() as s:
            now = self.office.clock()
            due = handoff.next_due(s, now)
        if due is None:
            return self.poll
        return max(0.02, min(self.poll, (due - now).total_seconds()))

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
                wait = self._seconds_to_next()
            except Exception:  # the database may be away for a while: keep trying
                log.exception("hand-off worker error")
                wait = max(self.poll, 1.0)
            self._wake.wait(wait)
            self._wake.clear()


def start(office) -> DeliveryWorker | None:
    """Start this process's worker (from the app's lifespan); None when kind = "none"."""
    connector = connector_for(office.settings)
    if connector is None:
        return None
    worker = DeliveryWorker(office, connector)
    worker.start()
    return worker
