"""The office service object (`Office`): settings, database, clock and the worker's event hub.

Routes, the CLI and tests call it; it owns the transaction boundaries around the operations.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

from kiosk.office.errors import CapReached
from kiosk.office.operations import auth, json_views, opening, tickets, ward
from kiosk.office.operations.context import Ctx
from kiosk.office.settings import OfficeSettings
from kiosk.office.storage.db import Database
from kiosk.office.storage.events import EventHub

log = logging.getLogger(__name__)
ESTIMATE_CACHE_S = 5.0
# how long a worker trusts a token it has seen valid (auth.KnownTokens): a staff session ended,
# a user changed or a kiosk key replaced in another worker of a multi-worker office stops working
# within this many seconds (in this worker: at once)
STAFF_TOKEN_CACHE_S = 3.0
KIOSK_KEY_CACHE_S = 10.0


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Office:
    def __init__(self, settings: OfficeSettings, clock: Callable[[], dt.datetime] = utcnow):
        self.settings = settings
        self.clock = clock
        self.db = Database(settings.database_url, busy_timeout=settings.db_busy_timeout_seconds)
        self._durations: dict[int, tuple[float, list[float]]] = {}  # service id -> (until, minutes)
        # token -> (the caller it proved, valid until: a session's expiry, or None)
        self.known_kiosk_keys = auth.KnownTokens(ttl=KIOSK_KEY_CACHE_S)
        self.known_staff_tokens = auth.KnownTokens(ttl=STAFF_TOKEN_CACHE_S)
        self.hub = EventHub(self.db, settings.event_poll_seconds, housekeeping=self.close_previous_days)

    def ctx(self, actor: str) -> Ctx:
        return Ctx(actor=actor, now=self.clock(), tz=self.settings.timezone)

    def prepare(self) -> None:
        """Migrate, seed demo data, register configured kiosks, close earlier days."""
        if self.settings.migrate:
            from kiosk.office.storage.migrate import upgrade
            upgrade(self.settings.database_url)
        with self.db.write() as s:
            ctx = self.ctx("system")
            ward.seed(s, ctx, self.settings)  # the config's [ward], once: then /admin owns it
            if self.settings.demo:
                from kiosk.office.operations.seed import seed_demo
                seed_demo(s, ctx)
            for kiosk_id, key in self.settings.kiosk_keys.items():
                try:
                    auth.register_kiosk(s, kiosk_id, key)
                except ValueError as exc:
                    log.warning("kiosk %s not registered: %s", kiosk_id, exc)
        self.close_previous_days()

    def close_previous_days(self) -> int:
        """Daily reset and housekeeping; each worker runs it at start and every minute."""
        with self.db.write() as s:
            ctx = self.ctx("system")
            closed = tickets.close_previous_days(s, ctx)
            tickets.prune_events(s, ctx)
            return closed

    def run(self, actor: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """fn(session, ctx, *args) inside one write transaction."""
        with self.db.write() as s:
            return fn(s, self.ctx(actor), *args, **kwargs)

    def ticket_op(self, actor: str, fn: Callable[..., Any], *args: Any) -> dict[str, Any] | None:
        self._durations.clear()  # a finish, transfer or requeue may change a service's recent times
        with self.db.write() as s:
            t = fn(s, self.ctx(actor), *args)
            return None if t is None else json_views.ticket_view(s, t, self.settings)

    def issue(self, kiosk_id: str, service: str, priority: str | None, idempotency_key: str,
              volunteer_code: str | None = None) -> tuple[dict[str, Any], bool]:
        """Issue or replay a ticket; returns (ticket view, created).

        A new ticket's people ahead are counted in its write transaction (one index-only count,
        issue 18); its estimate comes from the per-service cache of recent service times, so the
        view needs no read transaction of its own unless that cache has expired."""
        cap = self.settings.daily_caps.get(service)

        def attempt(s) -> tuple[Any, bool]:
            t, created = tickets.issue_ticket(s, self.ctx(f"kiosk:{kiosk_id}"), service_code=service,
                                              priority=priority, idempotency_key=idempotency_key,
                                              kiosk_id=kiosk_id, volunteer_code=volunteer_code, cap=cap)
            if created:
                t.ahead = tickets.ahead_of(s, t)
            return t, created
        try:
            t, created = self.db.write_retrying_duplicates(attempt)
        except CapReached as full:
            raise opening.service_full(self.settings, self.clock(), full.service, full.cap) from None
        if created:
            durations = self._cached_durations(t.service_id)
            if durations is None:
                with self.db.read() as s:
                    durations = self.recent_durations(s, t.service_id)
            return json_views.ticket_view(None, t, self.settings, ahead=t.ahead, serving=t.serving,
                                          durations=durations), True
        with self.db.read() as s:  # a replay: the ticket as it is now
            return json_views.ticket_view(s, tickets.ticket_by_id(s, t.id, lock=False), self.settings), False

    def _cached_durations(self, service_id: int) -> list[float] | None:
        hit = self._durations.get(service_id)
        return hit[1] if hit is not None and hit[0] >= time.monotonic() else None

    def recent_durations(self, s, service_id: int) -> list[float]:
        """A service's recent service times for estimates, kept for a few seconds: they change only
        when a ticket is finished (this process clears them then; other workers' finishes show
        within ESTIMATE_CACHE_S)."""
        cached = self._cached_durations(service_id)
        if cached is not None:
            return cached
        durations = tickets.recent_durations(s, service_id, self.settings.estimate_sample)
        self._durations[service_id] = (time.monotonic() + ESTIMATE_CACHE_S, durations)
        return durations

    def close(self) -> None:
        self.hub.stop()
        self.db.dispose()
