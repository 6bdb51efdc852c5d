"""Tickets: issue (kiosk), staff steps, reprint and print outcome."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from kiosk.domain.contract import IDEMPOTENCY_KEY_MAX, IDEMPOTENCY_KEY_PATTERN, Priority
from kiosk.office import ops, views
from kiosk.office import queue as rules
from kiosk.office.api.deps import KioskCaller, Staff, kiosk, office, staff, staff_or_kiosk
from kiosk.office.errors import Invalid
from kiosk.office.models import Service, Ticket
from kiosk.office.runtime import Office

router = APIRouter(prefix="/api", tags=["tickets"])


class IssueBody(BaseModel):
    service: str = Field(min_length=1, max_length=30, description="service code from GET /api/services")
    priority: Priority | None = None
    idempotency_key: str = Field(min_length=1, max_length=IDEMPOTENCY_KEY_MAX, pattern=IDEMPOTENCY_KEY_PATTERN,
                                 description="one per citizen action; a retry sends the same key")
    volunteer_code: str | None = Field(None, max_length=40)


class CallBody(BaseModel):
    counter_id: int


class TransferBody(BaseModel):
    service: str | None = Field(None, min_length=1, max_length=30)
    counter_id: int | None = None


class PrintResultBody(BaseModel):
    printed: bool
    error: str | None = Field(None, max_length=300)


@router.post("/tickets", status_code=201, responses={200: {"description": "the key was seen: same ticket"}})
def issue(body: IssueBody, caller: KioskCaller = Depends(kiosk), o: Office = Depends(office)):
    ticket, created = o.issue(caller.id, body.service, body.priority, body.idempotency_key, body.volunteer_code)
    return JSONResponse(ticket, status_code=201 if created else 200)


@router.get("/tickets")
def list_tickets(status: str | None = Query(None), service: str | None = Query(None),
                 day: dt.date | None = Query(None), limit: int = Query(500, ge=1, le=5000),
                 user: Staff = Depends(staff), o: Office = Depends(office)):
    if status is not None and status not in rules.STATUSES:
        raise Invalid("unknown_status", f"status must be one of {', '.join(rules.STATUSES)}", "status")
    with o.db.read() as s:
        ctx = o.ctx(user.actor)
        q = select(Ticket).where(Ticket.day == (day or ctx.today))
        if status:
            q = q.where(Ticket.status == status)
        if service:
            svc = s.scalar(select(Service).where(Service.code == service))
            if svc is None:
                raise Invalid("unknown_service", f"no service with code {service!r}", "service")
            q = q.where(Ticket.service_id == svc.id)
        tickets = s.scalars(q.order_by(Ticket.queued_at, Ticket.id).limit(limit)).unique().all()
        position: dict[int, int] = {}  # ordered by queued_at, so position = waiting seen so far
        out = []
        for t in tickets:
            ahead = 0
            if t.status == rules.WAITING:
                ahead = position.get(t.service_id, 0)
                position[t.service_id] = ahead + 1
            out.append(views.ticket_view(s, t, o.settings, ahead=ahead))
        return {"day": (day or ctx.today).isoformat(), "tickets": out}


@router.get("/tickets/{ticket_id}")
def get_ticket(ticket_id: int, caller=Depends(staff_or_kiosk), o: Office = Depends(office)):
    with o.db.read() as s:
        return views.ticket_view(s, ops.ticket_by_id(s, ticket_id, lock=False), o.settings)


@router.post("/tickets/{ticket_id}/call")
def call(ticket_id: int, body: CallBody, user: Staff = Depends(staff), o: Office = Depends(office)):
    return o.ticket_op(user.actor, ops.call_ticket, ticket_id, body.counter_id)


def _step(name: str, fn):
    def handler(ticket_id: int, user: Staff = Depends(staff), o: Office = Depends(office)):
        return o.ticket_op(user.actor, fn, ticket_id)
    handler.__name__ = name.replace("-", "_")
    router.add_api_route(f"/tickets/{{ticket_id}}/{name}", handler, methods=["POST"],
                         summary=f"{name} a ticket")


for _name, _fn in [("recall", ops.recall), ("start", ops.start), ("finish", ops.finish),
                   ("no-show", ops.no_show), ("requeue", ops.requeue), ("cancel", ops.cancel)]:
    _step(_name, _fn)


@router.post("/tickets/{ticket_id}/transfer")
def transfer(ticket_id: int, body: TransferBody, user: Staff = Depends(staff), o: Office = Depends(office)):
    return o.ticket_op(user.actor, ops.transfer, ticket_id, body.service, body.counter_id)


@router.post("/tickets/{ticket_id}/reprint")
def reprint(ticket_id: int, caller=Depends(staff_or_kiosk), o: Office = Depends(office)):
    return o.ticket_op(caller.actor, ops.reprint, ticket_id)


@router.post("/tickets/{ticket_id}/print-result")
def print_result(ticket_id: int, body: PrintResultBody, caller=Depends(staff_or_kiosk),
                 o: Office = Depends(office)):
    return o.ticket_op(caller.actor, ops.print_result, ticket_id, body.printed, body.error)


