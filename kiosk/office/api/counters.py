"""Counters: list, call next, pause and resume."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from kiosk.office import ops, views
from kiosk.office.api.deps import Staff, office, staff
from kiosk.office.models import Counter
from kiosk.office.runtime import Office

router = APIRouter(prefix="/api/counters", tags=["counters"])


class PauseBody(BaseModel):
    reason: str = Field(min_length=1, max_length=200)


@router.get("")
def list_counters(user: Staff = Depends(staff), o: Office = Depends(office)):
    with o.db.read() as s:
        day = o.ctx(user.actor).today
        out = []
        for c in s.scalars(select(Counter).where(Counter.active.is_(True)).order_by(Counter.number)):
            cur = ops.current_ticket(s, c.id, day)
            out.append({**views.counter_view(c),
                        "current": None if cur is None else views.ticket_view(s, cur, o.settings, ahead=0)})
        return {"counters": out}


@router.post("/{counter_id}/call-next", responses={204: {"description": "nobody is waiting"}})
def call_next(counter_id: int, user: Staff = Depends(staff), o: Office = Depends(office)):
    ticket = o.ticket_op(user.actor, ops.call_next, counter_id)
    return Response(status_code=204) if ticket is None else ticket


def _counter(o: Office, actor: str, fn, *args):
    with o.db.write() as s:
        return views.counter_view(fn(s, o.ctx(actor), *args))


@router.post("/{counter_id}/pause")
def pause(counter_id: int, body: PauseBody, user: Staff = Depends(staff), o: Office = Depends(office)):
    return _counter(o, user.actor, ops.pause, counter_id, body.reason)


@router.post("/{counter_id}/resume")
def resume(counter_id: int, user: Staff = Depends(staff), o: Office = Depends(office)):
    return _counter(o, user.actor, ops.resume, counter_id)
