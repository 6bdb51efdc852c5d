"""Before a ticket is issued: is the centre open, and has the field numbers left today? (issue 15)

The rules are kiosk/domain/opening_hours.py; this applies them to POST /api/tickets. The usual
answer (open, no cap on the field) costs no database query. A refusal is a 409 with the next
opening, `next_open` (ISO, local time) and `message_vi` (the sentence a citizen reads).

A retry of a ticket already issued (same kiosk, same idempotency key) is never refused: a kiosk
whose first answer was lost at 11:29:59 must get its ticket back at 11:30:01, not a second
answer saying the office is closed.

The cap is read before the ticket's own transaction: requests for the last number that arrive in
the same instant may each get one (a cap of 60 may become 61). Exact counting would sit inside
tickets.issue_ticket, the hot path; a daily cap is a guide for the counters' workload, not a quota.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain import opening_hours
from kiosk.office.errors import Conflict
from kiosk.office.operations.dossiers import calendar
from kiosk.office.operations.tickets import find_by_key
from kiosk.office.storage.models import DailyCounter, Service

# for the route's OpenAPI entry (the body is the error shape, see api/docs.py)
RESPONSES = {409: {"description": "service_closed (no counter serves the field), office_closed (outside "
                                  "the opening hours or a closed day) or service_full (the field's daily cap): "
                                  "`next_open` (ISO, local time, or null) and `message_vi` say when to come back"}}


def refuse_if_closed(db, settings, now: dt.datetime, kiosk_id: str, service_code: str, key: str) -> None:
    """Raise Conflict office_closed / service_full unless a ticket may be issued now."""
    local = now.astimezone(ZoneInfo(settings.timezone))
    schedule, cal = settings.schedule(), calendar(settings)
    closed = not schedule.is_open(local, cal)
    cap = settings.daily_caps.get(service_code)
    if not closed and cap is None:
        return
    with db.read() as s:
        if find_by_key(s, kiosk_id, key) is not None:  # a replay: issue_ticket answers it
            return
        if closed:
            _refuse("office_closed", "the centre is closed now; no tickets until it opens",
                    schedule.next_opening(local, cal), opening_hours.closed_sentence_vi)
        svc = s.scalar(select(Service).where(Service.code == service_code))
        if svc is not None and _issued_today(s, svc.id, local.date()) >= cap:
            _refuse("service_full", f"{svc.name_vi} ({svc.code}) has issued its {cap} numbers for today",
                    schedule.next_opening(local, cal, after_today=True),
                    lambda when: opening_hours.full_sentence_vi(svc.name_vi, when), field="service",
                    cap=cap, service=svc.code, service_name_vi=svc.name_vi, service_name_en=svc.name_en)


def _issued_today(s: Session, service_id: int, day: dt.date) -> int:
    # the field's last number today: numbers handed out, cancelled ones included
    return s.scalar(select(DailyCounter.last_number).where(DailyCounter.service_id == service_id,
                                                            DailyCounter.day == day)) or 0


def _refuse(code: str, detail: str, next_open: dt.datetime | None, sentence, field: str | None = None,
            **extra) -> None:
    raise Conflict(code, detail, field, next_open=next_open.isoformat() if next_open else None,
                   message_vi=sentence(next_open), **extra)
