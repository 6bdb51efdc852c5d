"""Before a ticket is issued: is the centre open, and has the field numbers left today? (issue 15)

The rules are kiosk/domain/opening_hours.py; this applies them to POST /api/tickets. The usual
answer (open, no cap on the field) costs no database query. A refusal is a 409 with the next
opening, `next_open` (ISO, local time) and `message_vi` (the sentence a citizen reads).

A retry of a ticket already issued (same kiosk, same idempotency key) is never refused: a kiosk
whose first answer was lost at 11:29:59 must get its ticket back at 11:30:01, not a second
answer saying the office is closed.

The daily cap is checked inside the ticket's write transaction (tickets.issue_ticket, on the
number the day's counter hands out), so it is exact under concurrency; `service_full` builds the
answer.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from kiosk.domain import opening_hours
from kiosk.office.errors import Conflict
from kiosk.office.operations.dossiers import calendar
from kiosk.office.operations.tickets import find_by_key

# for the route's OpenAPI entry (the body is the error shape, see api/docs.py)
RESPONSES = {409: {"description": "service_closed (no counter serves the field), office_closed (outside "
                                  "the opening hours or a closed day) or service_full (the field's daily cap): "
                                  "`next_open` (ISO, local time, or null) and `message_vi` say when to come back"}}


def refuse_if_closed(db, settings, now: dt.datetime, kiosk_id: str, service_code: str, key: str) -> None:
    """Raise Conflict office_closed unless the centre is open now (or this is a replay)."""
    local = now.astimezone(ZoneInfo(settings.timezone))
    schedule, cal = settings.schedule(), calendar(settings)
    if schedule.is_open(local, cal):
        return
    with db.read() as s:
        if find_by_key(s, kiosk_id, key) is not None:  # a replay: issue_ticket answers it
            return
    raise _conflict("office_closed", "the centre is closed now; no tickets until it opens",
                    schedule.next_opening(local, cal), opening_hours.closed_sentence_vi)


def service_full(settings, now: dt.datetime, svc, cap: int) -> Conflict:
    """The 409 service_full answer: the field has handed out its `cap` numbers today."""
    local = now.astimezone(ZoneInfo(settings.timezone))
    when = settings.schedule().next_opening(local, calendar(settings), after_today=True)
    return _conflict("service_full", f"{svc.name_vi} ({svc.code}) has issued its {cap} numbers for today", when,
                     lambda w: opening_hours.full_sentence_vi(svc.name_vi, w), field="service",
                     cap=cap, service=svc.code, service_name_vi=svc.name_vi, service_name_en=svc.name_en)


def _conflict(code: str, detail: str, next_open: dt.datetime | None, sentence, field: str | None = None,
              **extra) -> Conflict:
    return Conflict(code, detail, field, next_open=next_open.isoformat() if next_open else None,
                   message_vi=sentence(next_open), **extra)
