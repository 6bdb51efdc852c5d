"""What every operation gets and shares: the acting context (who, when, which time zone), the
audit log writer and the runtime settings admins change from the console."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kiosk.office.operations.queue_rules import local_day
from kiosk.office.storage.models import AuditEntry, SettingRow

RUNTIME_DEFAULTS: dict[str, Any] = {
    "priority_ratio_normal": 2,
    "priority_ratio_priority": 1,
    "max_wait_minutes": 30,
    "help_request_timeout_minutes": 10,
}


@dataclass(frozen=True)
class Ctx:
    """Who acts, when, and in which time zone."""
    actor: str
    now: dt.datetime
    tz: str

    @property
    def today(self) -> dt.date:
        return local_day(self.now, self.tz)


def audit(s: Session, ctx: Ctx, action: str, entity: str, entity_id: Any = None,
          ticket_id: int | None = None, **details: Any) -> None:
    s.add(AuditEntry(at=ctx.now, actor=ctx.actor, action=action, entity=entity,
                     entity_id=None if entity_id is None else str(entity_id), ticket_id=ticket_id,
                     details=details or None))


def audit_row(s: Session, ctx: Ctx, action: str, entity: str, entity_id: Any = None,
              ticket_id: int | None = None, **details: Any) -> None:
    """audit() as one INSERT statement, for hot paths that write no ORM objects."""
    s.connection().execute(_INSERT_AUDIT, dict(
        at=ctx.now, actor=ctx.actor, action=action, entity=entity,
        entity_id=None if entity_id is None else str(entity_id), ticket_id=ticket_id, details=details or None))


_INSERT_AUDIT = insert(AuditEntry.__table__)


def runtime_settings(s: Session) -> dict[str, Any]:
    values = dict(RUNTIME_DEFAULTS)
    values.update(s.connection().execute(_SETTINGS).tuples().all())  # columns only: read on every call-next
    return values


_SETTINGS = select(SettingRow.key, SettingRow.value)
