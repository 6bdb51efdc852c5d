"""The office service object (`Office`): settings, database, clock and the worker's event hub.

Routes, the CLI and tests call it; it owns the transaction boundaries around the operations.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from kiosk.office.operations import auth, json_views, tickets, ward
from kiosk.office.operations.context import Ctx
from kiosk.office.settings import OfficeSettings
from kiosk.office.storage.db import Database
from kiosk.office.storage.events import EventHub

log = logging.getLogger(__name__)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Office:
    def __init__(self, settings: OfficeSettings, clock: Callable[[], dt.datetime] = utcnow):
        self.settings = settings
        self.clock = clock
        self.db = Database(settings.database_url, busy_timeout=settings.db_busy_timeout_seconds)
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
        with self.db.write() as s:
            t = fn(s, self.ctx(actor), *args)
            return None if t is None else json_views.ticket_view(s, t, self.settings)

    def issue(self, kiosk_id: str, service: str, priority: str | None, idempotency_key: str,
              volunteer_code: str | None = None) -> tuple[dict[str, Any], bool]:
        """Issue or replay a ticket; returns (ticket view, created)."""
        def attempt(s) -> tuple[dict[str, Any], bool]:
            t, created = tickets.issue_ticket(s, self.ctx(f"kiosk:{kiosk_id}"), service_code=service,
                                              priority=priority, idempotency_key=idempotency_key,
                                              kiosk_id=kiosk_id, volunteer_code=volunteer_code)
            return json_views.ticket_view(s, t, self.settings), created
        return self.db.write_retrying_duplicates(attempt)

    def close(self) -> None:
        self.hub.stop()
        self.db.dispose()
