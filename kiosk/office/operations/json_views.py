"""JSON shapes of tickets, services, counters, the queue, users and kiosks, as the API returns them
(api/schemas.py declares the same shapes as response models)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.office.operations import queue_rules as rules
from kiosk.office.operations import tickets
from kiosk.office.operations.context import Ctx
from kiosk.office.storage.models import Counter, Event, Kiosk, Service, Ticket, User


def iso(t: dt.datetime | None) -> str | None:
    return t.isoformat() if t else None


def service_view(svc: Service) -> dict[str, Any]:
    return {"id": svc.id, "code": svc.code, "prefix": svc.prefix, "name_vi": svc.name_vi,
            "name_en": svc.name_en, "active": svc.active, "sort_order": svc.sort_order}


def counter_view(c: Counter) -> dict[str, Any]:
    return {"id": c.id, "number": c.number, "name": c.name, "active": c.active, "paused": c.paused,
            "pause_reason": c.pause_reason, "services": [svc.code for svc in c.services]}


def user_view(u: User) -> dict[str, Any]:
    return {"id": u.id, "username": u.username, "full_name": u.full_name, "role": u.role, "active": u.active}


def kiosk_device_view(k: Kiosk) -> dict[str, Any]:
    return {"id": k.id, "name": k.name, "active": k.active, "last_seen": iso(k.last_seen),
            "status": k.status or {}}


def ticket_view(s: Session, t: Ticket, settings, *, ahead: int | None = None, serving: list[Any] | None = None,
                durations: list[float] | None = None) -> dict[str, Any]:
    """Full ticket for kiosks and staff (no personal data is ever stored on a ticket). `serving`
    (the service's open counters) and `durations` (its recent service times) when already known."""
    if ahead is None:
        ahead = tickets.ahead_of(s, t)
    svc = t.service
    if serving is None:
        serving = tickets.open_counters(s, svc.id)
    return {
        "id": t.id, "number": t.label, "service": svc.code, "service_name_vi": svc.name_vi,
        "service_name_en": svc.name_en, "status": t.status, "priority": t.priority,
        "ahead": ahead,
        "estimated_wait_minutes": tickets.estimate(s, svc.id, ahead, settings.estimate_sample,
                                               settings.default_minutes_per_person, serving, durations)
        if t.status == rules.WAITING else 0,
        "public_token": t.public_token, "day": t.day.isoformat(), "kiosk_id": t.kiosk_id,
        "volunteer_code": t.volunteer_code, "counters": [c.number for c in serving],
        "counter": t.counter.number if t.counter else None, "counter_id": t.counter_id,
        "target_counter_id": t.target_counter_id,
        "printed": t.printed, "print_error": t.print_error, "reprint_count": t.reprint_count,
        "call_count": t.call_count, "transfer_count": t.transfer_count, "closed_reason": t.closed_reason,
        "issued_at": iso(t.issued_at), "queued_at": iso(t.queued_at), "called_at": iso(t.called_at),
        "started_at": iso(t.started_at), "finished_at": iso(t.finished_at), "no_show_at": iso(t.no_show_at),
        "cancelled_at": iso(t.cancelled_at), "transferred_at": iso(t.transferred_at),
        "reprint_requested_at": iso(t.reprint_requested_at),
    }


def public_ticket_view(s: Session, t: Ticket, settings) -> dict[str, Any]:
    """What the citizen's phone sees: no kiosk, no staff, no personal data."""
    ahead = tickets.ahead_of(s, t)
    waiting = t.status == rules.WAITING
    return {
        "number": t.label, "service": t.service.code, "service_name_vi": t.service.name_vi,
        "service_name_en": t.service.name_en, "status": t.status, "day": t.day.isoformat(),
        "ahead": ahead if waiting else 0, "position": ahead + 1 if waiting else None,
        "estimated_wait_minutes": tickets.estimate(s, t.service_id, ahead, settings.estimate_sample,
                                               settings.default_minutes_per_person) if waiting else 0,
        "counter": t.counter.number if t.counter and t.status in (rules.CALLED, rules.SERVING) else None,
        "issued_at": iso(t.issued_at), "called_at": iso(t.called_at),
    }


def queue_view(s: Session, ctx: Ctx, settings) -> dict[str, Any]:
    day = ctx.today
    waiting = s.execute(select(Ticket.service_id, Ticket.priority, Ticket.id).where(
        Ticket.day == day, Ticket.status == rules.WAITING)).all()
    services = []
    for svc in s.scalars(select(Service).where(Service.active.is_(True)).order_by(Service.sort_order, Service.id)):
        mine = [w for w in waiting if w.service_id == svc.id]
        services.append({
            **service_view(svc), "waiting": len(mine),
            "waiting_priority": sum(1 for w in mine if w.priority),
            "estimated_wait_minutes": tickets.estimate(s, svc.id, len(mine), settings.estimate_sample,
                                                   settings.default_minutes_per_person),
            "counters": [c.number for c in tickets.open_counters(s, svc.id)],
        })
    counters = []
    for c in s.scalars(select(Counter).where(Counter.active.is_(True)).order_by(Counter.number)):
        cur = tickets.current_ticket(s, c.id, day)
        counters.append({**counter_view(c), "current": None if cur is None else {
            "ticket_id": cur.id, "number": cur.label, "service": cur.service.code, "status": cur.status,
            "priority": cur.priority, "called_at": iso(cur.called_at)}})
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(ctx.tz))
    calls = s.scalars(select(Event).where(Event.kind == "call", Event.at >= midnight)
                      .order_by(Event.id.desc()).limit(10)).all()
    last_event = s.scalar(select(Event.id).order_by(Event.id.desc()).limit(1)) or 0
    return {"day": day.isoformat(), "server_time": iso(ctx.now), "services": services, "counters": counters,
            "last_calls": [{**e.data, "event_id": e.id} for e in calls], "last_event_id": last_event}
