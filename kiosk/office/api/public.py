"""Public reads: health, services, the queue board data, a citizen's ticket by its token."""

from __future__ import annotations

import os

from fastapi import APIRouter, Depends, Path
from sqlalchemy import select

from kiosk.office import views
from kiosk.office.api.deps import office
from kiosk.office.errors import NotFound
from kiosk.office.models import Ticket
from kiosk.office.runtime import Office

router = APIRouter(prefix="/api", tags=["public"])


@router.get("/health")
def health(o: Office = Depends(office)):
    with o.db.read() as s:
        s.scalar(select(1))
    return {"ok": True, "server_time": o.clock().isoformat(), "timezone": o.settings.timezone,
            "worker": os.getpid()}


@router.get("/services")
def services(o: Office = Depends(office)):
    """Active services for the kiosk's buttons, with the counters serving each and the line now."""
    with o.db.read() as s:
        return {"services": views.queue_view(s, o.ctx("public"), o.settings)["services"]}


@router.get("/queue")
def queue(o: Office = Depends(office)):
    with o.db.read() as s:
        return views.queue_view(s, o.ctx("public"), o.settings)


@router.get("/public/tickets/{public_token}")
def public_ticket(public_token: str = Path(min_length=8, max_length=64), o: Office = Depends(office)):
    with o.db.read() as s:
        t = s.scalar(select(Ticket).where(Ticket.public_token == public_token))
        if t is None:
            raise NotFound("ticket_not_found", "no ticket with this code", "public_token")
        return views.public_ticket_view(s, t, o.settings)
