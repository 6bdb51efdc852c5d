"""Public reads: health, services, the queue board data, a citizen's ticket by its token."""

from __future__ import annotations

import os
from typing import Annotated

from fastapi import Path
from sqlalchemy import select

from kiosk.office.api import schemas
from kiosk.office.api.deps import OfficeDep
from kiosk.office.api.routing import OfficeRouter
from kiosk.office.errors import NotFound
from kiosk.office.operations import json_views
from kiosk.office.storage.models import Ticket

router = OfficeRouter(prefix="/api", tags=["public"])


@router.get("/health", response_model=schemas.Health)
def health(office: OfficeDep):
    with office.db.read() as s:
        s.scalar(select(1))
    return {"ok": True, "server_time": office.clock().isoformat(), "timezone": office.settings.timezone,
            "worker": os.getpid()}


@router.get("/services", response_model=schemas.ServiceList)
def services(office: OfficeDep):
    """Active services for the kiosk's buttons, with the counters serving each and the line now."""
    with office.db.read() as s:
        return {"services": json_views.queue_view(s, office.ctx("public"), office.settings)["services"]}


@router.get("/queue", response_model=schemas.Queue)
def queue(office: OfficeDep):
    """The board's data: public, so the ticket being served names no priority category (disability,
    pregnancy... are personal); staff see it in GET /api/counters."""
    with office.db.read() as s:
        view = json_views.queue_view(s, office.ctx("public"), office.settings)
    for counter in view["counters"]:
        if counter["current"] is not None:
            counter["current"]["priority"] = None
    return view


@router.get("/public/tickets/{public_token}", response_model=schemas.PublicTicket)
def public_ticket(public_token: Annotated[str, Path(min_length=8, max_length=64)], office: OfficeDep):
    with office.db.read() as s:
        t = s.scalar(select(Ticket).where(Ticket.public_token == public_token))
        if t is None:
            raise NotFound("ticket_not_found", "no ticket with this code", "public_token")
        return json_views.public_ticket_view(s, t, office.settings)
