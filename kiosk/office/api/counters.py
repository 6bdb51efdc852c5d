"""Counters: list, call next, pause and resume."""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from kiosk.office.api import schemas
from kiosk.office.api.deps import OfficeDep, StaffDep
from kiosk.office.api.routing import OfficeRouter
from kiosk.office.operations import json_views, tickets
from kiosk.office.service import Office
from kiosk.office.storage.models import Counter

router = OfficeRouter(prefix="/api/counters", tags=["counters"])


class PauseBody(BaseModel):
    reason: str = Field(min_length=1, max_length=200)


@router.get("", response_model=schemas.CounterList)
def list_counters(user: StaffDep, office: OfficeDep):
    with office.db.read() as s:
        day = office.ctx(user.actor).today
        out = []
        for c in s.scalars(select(Counter).where(Counter.active.is_(True)).order_by(Counter.number)):
            cur = tickets.current_ticket(s, c.id, day)
            out.append({**json_views.counter_view(c),
                        "current": None if cur is None else json_views.ticket_view(s, cur, office.settings, ahead=0)})
        return {"counters": out}


@router.post("/{counter_id}/call-next", response_model=schemas.TicketOut,
             responses={204: {"description": "nobody is waiting"}})
def call_next(counter_id: int, user: StaffDep, office: OfficeDep):
    ticket = office.ticket_op(user.actor, tickets.call_next, counter_id)
    return Response(status_code=204) if ticket is None else ticket


def _counter(office: Office, actor: str, fn, *args):
    with office.db.write() as s:
        return json_views.counter_view(fn(s, office.ctx(actor), *args))


@router.post("/{counter_id}/pause", response_model=schemas.CounterOut)
def pause(counter_id: int, body: PauseBody, user: StaffDep, office: OfficeDep):
    return _counter(office, user.actor, tickets.pause, counter_id, body.reason)


@router.post("/{counter_id}/resume", response_model=schemas.CounterOut)
def resume(counter_id: int, user: StaffDep, office: OfficeDep):
    return _counter(office, user.actor, tickets.resume, counter_id)
