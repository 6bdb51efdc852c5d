"""The office service object: settings, database, clock and the worker's event hub.

Routes and tests call it; it owns the transaction boundaries around kiosk.office.ops.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError

from kiosk.office import auth, ops, views
from kiosk.office.db import Database
from kiosk.office.events import EventHub
from kiosk.office.settings import OfficeSettings

log = logging.getLogger(__name__)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Office:
    def __init__(self, settings: OfficeSettings, clock: Callable[[], dt.datetime] = utcnow):
        self.settings = settings
        self.clock = clock
        self.db = Database(settings.database_url)
        self.hub = EventHub(self.db, settings.event_poll_seconds, housekeeping=self.close_previous_days)

    def ctx(self, actor: str) -> ops.Ctx:
        return ops.Ctx(actor=actor, now=self.clock(), tz=self.settings.timezone)

    def prepare(self) -> None:
        """Migrate, seed demo data, register configured kiosks, close earlier days."""
        if self.settings.migrate:
            from kiosk.office.migrate import upgrade
            upgrade(self.settings.database_url)
        with self.db.write() as s:
            ctx = self.ctx("system")
            if self.settings.demo:
                from kiosk.office.seed import seed_demo
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
            closed = ops.close_previous_days(s, ctx)
            ops.prune_events(s, ctx)
            return closed

    def run(self, actor: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """fn(session, ctx, *args) inside one write transaction."""
        with self.db.write() as s:
            return fn(s, self.ctx(actor), *args, **kwargs)

    def ticket_op(self, actor: str, fn: Callable[..., Any], *args: Any) -> dict[str, Any] | None:
        with self.db.write() as s:
            t = fn(s, self.ctx(actor), *args)
            return None if t is None else views.ticket_view(s, t, self.settings)

    def issue(self, kiosk_id: str, service: str, priority: str | None, idempotency_key: str,
              volunteer_code: str | None = None) -> tuple[dict[str, Any], bool]:
        """Issue or replay a ticket; returns (ticket view, created)."""
        for attempt in range(3):
            try:
                with self.db.write() as s:
                    t, created = ops.issue_ticket(s, self.ctx(f"kiosk:{kiosk_id}"), service_code=service,
                                                  priority=priority, idempotency_key=idempotency_key,
                                                  kiosk_id=kiosk_id, volunteer_code=volunteer_code)
                    return views.ticket_view(s, t, self.settings), created
            except IntegrityError as exc:
                # a concurrent request with the same key won; the retry finds its ticket
                if not ops.is_duplicate_key(exc) or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.hub.stop()
        self.db.dispose()
