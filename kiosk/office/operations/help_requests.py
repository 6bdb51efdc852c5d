"""Help requests: "Cần hỗ trợ" pressed on a kiosk, taken by a volunteer or staff, closed when done.

Each function runs inside the caller's write transaction and writes its audit entry and its
`help` event. No personal data: a request names the kiosk and its screen, never the citizen.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.office.errors import Conflict, Invalid, NotFound
from kiosk.office.operations.context import Ctx, audit, runtime_settings
from kiosk.office.operations.volunteers import given_name, volunteer_by_id
from kiosk.office.storage.events import publish
from kiosk.office.storage.models import HelpRequest, Kiosk, User

SCREEN_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,39}$")

OPEN, TAKEN, CLOSED = "open", "taken", "closed"
HELP_STATUSES = (OPEN, TAKEN, CLOSED)


def help_timeout(s: Session) -> dt.timedelta:
    return dt.timedelta(minutes=float(runtime_settings(s)["help_request_timeout_minutes"]))


def help_view(h: HelpRequest, now: dt.datetime, timeout: dt.timedelta, kiosk_name: str | None = None,
              viewer: tuple[str, int] | None = None) -> dict[str, Any]:
    """No personal data: which kiosk and screen, the state, and the first name of who is coming.
    viewer ("volunteer"|"user", id) adds `mine`: the viewer took it."""
    overdue_at = h.created_at + timeout
    taker = ("volunteer", h.taken_by_volunteer_id) if h.taken_by_volunteer_id else ("user", h.taken_by_user_id)
    return {"mine": viewer is not None and h.status != OPEN and taker == viewer,"id": h.id, "kiosk_id": h.kiosk_id, "kiosk_name": kiosk_name or h.kiosk_id, "screen": h.screen,
            "status": h.status, "created_at": h.created_at.isoformat(),
            "taken_at": h.taken_at.isoformat() if h.taken_at else None, "taker": h.taker_name,
            "closed_at": h.closed_at.isoformat() if h.closed_at else None, "closed_reason": h.closed_reason,
            "overdue_at": overdue_at.isoformat(), "overdue": h.status == OPEN and now >= overdue_at}


def _help_event(s: Session, ctx: Ctx, h: HelpRequest, action: str) -> None:
    # the event stream is public: ids and states only, never a name
    publish(s, "help", {"action": action, "id": h.id, "kiosk_id": h.kiosk_id, "screen": h.screen,
                        "status": h.status, "at": ctx.now.isoformat()}, ctx.now)


def help_by_id(s: Session, help_id: int, *, lock: bool = False) -> HelpRequest:
    h = s.get(HelpRequest, help_id, with_for_update=lock or None, populate_existing=lock)
    if h is None:
        raise NotFound("help_request_not_found", f"no help request with id {help_id}")
    return h


def ask_help(s: Session, ctx: Ctx, kiosk_id: str, screen: str) -> tuple[HelpRequest, bool]:
    """Open a help request for this kiosk, or return the one it already has open or taken
    (created=False): a double tap or a retried request never asks twice."""
    if not SCREEN_RE.match(screen or ""):
        raise Invalid("bad_screen", "screen must be a short lowercase name such as 'form'", "screen")
    s.get(Kiosk, kiosk_id, with_for_update=True)  # one request at a time per kiosk, even on PostgreSQL
    for stale in s.scalars(select(HelpRequest).where(HelpRequest.kiosk_id == kiosk_id, HelpRequest.day < ctx.today,
                                                     HelpRequest.status.in_((OPEN, TAKEN)))):
        stale.status, stale.closed_at, stale.closed_reason = CLOSED, ctx.now, "day_closed"  # left over from another day
    existing = s.scalar(select(HelpRequest).where(HelpRequest.kiosk_id == kiosk_id,
                                                  HelpRequest.status.in_((OPEN, TAKEN)),
                                                  HelpRequest.day == ctx.today)
                        .order_by(HelpRequest.id.desc()).limit(1))
    if existing is not None:
        return existing, False
    h = HelpRequest(kiosk_id=kiosk_id, screen=screen, status=OPEN, day=ctx.today, created_at=ctx.now)
    s.add(h)
    s.flush()
    audit(s, ctx, "help_open", "help", h.id, kiosk_id=kiosk_id, screen=screen)
    _help_event(s, ctx, h, "open")
    return h, True


def take_help(s: Session, ctx: Ctx, help_id: int, *, volunteer_id: int | None = None,
              user_id: int | None = None) -> HelpRequest:
    h = help_by_id(s, help_id, lock=True)
    if h.status != OPEN:
        raise Conflict("bad_status", f"help request {h.id} is {h.status}"
                       + (f" (taken by {h.taker_name})" if h.status == TAKEN and h.taker_name else ""),
                       "status", status=h.status, taker=h.taker_name)
    if volunteer_id is not None:
        name = volunteer_by_id(s, volunteer_id).name
    else:
        u = s.get(User, user_id)
        name = (u.full_name or u.username) if u else ""
    h.status, h.taken_at = TAKEN, ctx.now
    h.taken_by_volunteer_id, h.taken_by_user_id = volunteer_id, user_id
    h.taker_name = given_name(name) or None
    s.flush()
    audit(s, ctx, "help_take", "help", h.id, kiosk_id=h.kiosk_id,
          minutes=round((ctx.now - h.created_at).total_seconds() / 60, 1))
    _help_event(s, ctx, h, "take")
    return h


def close_help(s: Session, ctx: Ctx, help_id: int, *, kiosk_id: str | None = None) -> HelpRequest:
    """Close (done) by a volunteer or staff, or by its own kiosk (cancelled unless already taken).
    Closing a closed request changes nothing (a retry is harmless)."""
    h = help_by_id(s, help_id, lock=True)
    if kiosk_id is not None and h.kiosk_id != kiosk_id:
        raise NotFound("help_request_not_found", f"no help request with id {help_id}")
    if h.status == CLOSED:
        return h
    h.closed_reason = "cancelled" if kiosk_id is not None and h.status == OPEN else "done"
    h.status, h.closed_at = CLOSED, ctx.now
    s.flush()
    audit(s, ctx, "help_close", "help", h.id, kiosk_id=h.kiosk_id, reason=h.closed_reason)
    _help_event(s, ctx, h, "close")
    return h


def list_help(s: Session, day: dt.date, statuses: Iterable[str]) -> list[HelpRequest]:
    return list(s.scalars(select(HelpRequest).where(HelpRequest.day == day,
                                                    HelpRequest.status.in_(tuple(statuses)))
                          .order_by(HelpRequest.created_at, HelpRequest.id)))


def kiosk_names(s: Session) -> dict[str, str]:
    return {k.id: (k.name or k.id) for k in s.scalars(select(Kiosk))}
