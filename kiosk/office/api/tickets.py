"""Tickets: issue (kiosk), staff steps, reprint and print outcome."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Query, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from kiosk.domain.contract import IDEMPOTENCY_KEY_MAX, IDEMPOTENCY_KEY_PATTERN, Priority
from kiosk.office.api import schemas
from kiosk.office.api.deps import KioskCaller, KioskDep, OfficeDep, StaffDep, StaffOrKioskDep
from kiosk.office.api.routing import OfficeRouter
from kiosk.office.errors import Invalid
from kiosk.office.operations import json_views, opening, tickets
from kiosk.office.operations import queue_rules as rules
from kiosk.office.storage.models import Service, Ticket

router = OfficeRouter(prefix="/api", tags=["tickets"])


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


@router.post("/tickets", status_code=201, response_model=schemas.TicketOut,
             responses={200: {"description": "the key was seen: same ticket", "model": schemas.TicketOut},
                        **opening.RESPONSES})
def issue(body: IssueBody, response: Response, caller: KioskDep, office: OfficeDep):
    opening.refuse_if_closed(office.db, office.settings, office.clock(), caller.id, body.service,
                             body.idempotency_key)  # opening hours and daily caps (issue 15)
    ticket, created = office.issue(caller.id, body.service, body.priority, body.idempotency_key, body.volunteer_code)
    if not created:
        response.status_code = 200
    return ticket


@router.get("/tickets", response_model=schemas.TicketList)
def list_tickets(user: StaffDep, office: OfficeDep, status: Annotated[str | None, Query()] = None,
                 service: Annotated[str | None, Query()] = None, day: Annotated[dt.date | None, Query()] = None,
                 limit: Annotated[int, Query(ge=1, le=5000)] = 500):
    if status is not None and status not in rules.STATUSES:
        raise Invalid("unknown_status", f"status must be one of {', '.join(rules.STATUSES)}", "status")
    with office.db.read() as s:
        ctx = office.ctx(user.actor)
        q = select(Ticket).where(Ticket.day == (day or ctx.today))
        if status:
            q = q.where(Ticket.status == status)
        if service:
            svc = s.scalar(select(Service).where(Service.code == service))
            if svc is None:
                raise Invalid("unknown_service", f"no service with code {service!r}", "service")
            q = q.where(Ticket.service_id == svc.id)
        found = s.scalars(q.order_by(Ticket.queued_at, Ticket.id).limit(limit)).unique().all()
        position: dict[int, int] = {}  # ordered by queued_at, so position = waiting seen so far
        out = []
        for t in found:
            ahead = 0
            if t.status == rules.WAITING:
                ahead = position.get(t.service_id, 0)
                position[t.service_id] = ahead + 1
            out.append(json_views.ticket_view(s, t, office.settings, ahead=ahead))
        return {"day": (day or ctx.today).isoformat(), "tickets": out}


def _own(caller) -> str | None:
    """A kiosk sees only the tickets it issued; staff see every ticket."""
    return caller.id if isinstance(caller, KioskCaller) else None


@router.get("/tickets/{ticket_id}", response_model=schemas.TicketOut)
def get_ticket(ticket_id: int, caller: StaffOrKioskDep, office: OfficeDep):
    """A kiosk's key reads only that kiosk's tickets (another kiosk's answers 404)."""
    with office.db.read() as s:
        t = tickets.ticket_by_id(s, ticket_id, lock=False, kiosk_id=_own(caller))
        return json_views.ticket_view(s, t, office.settings)


@router.post("/tickets/{ticket_id}/call", response_model=schemas.TicketOut)
def call(ticket_id: int, body: CallBody, user: StaffDep, office: OfficeDep):
    return office.ticket_op(user.actor, tickets.call_ticket, ticket_id, body.counter_id)


def _step(name: str, fn) -> None:
    def handler(ticket_id: int, user: StaffDep, office: OfficeDep):
        return office.ticket_op(user.actor, fn, ticket_id)
    handler.__name__ = name.replace("-", "_")
    router.add_api_route(f"/tickets/{{ticket_id}}/{name}", handler, methods=["POST"],
                         response_model=schemas.TicketOut, summary=f"{name} a ticket")


for _name, _fn in [("recall", tickets.recall), ("start", tickets.start), ("finish", tickets.finish),
                   ("no-show", tickets.no_show), ("requeue", tickets.requeue), ("cancel", tickets.cancel)]:
    _step(_name, _fn)


@router.post("/tickets/{ticket_id}/transfer", response_model=schemas.TicketOut)
def transfer(ticket_id: int, body: TransferBody, user: StaffDep, office: OfficeDep):
    return office.ticket_op(user.actor, tickets.transfer, ticket_id, body.service, body.counter_id)


@router.post("/tickets/{ticket_id}/reprint", response_model=schemas.TicketOut)
def reprint(ticket_id: int, caller: StaffOrKioskDep, office: OfficeDep):
    return office.ticket_op(caller.actor, tickets.reprint, ticket_id, _own(caller))


@router.post("/tickets/{ticket_id}/print-result", response_model=schemas.TicketOut)
def print_result(ticket_id: int, body: PrintResultBody, caller: StaffOrKioskDep, office: OfficeDep):
    return office.ticket_op(caller.actor, tickets.print_result, ticket_id, body.printed, body.error, _own(caller))
