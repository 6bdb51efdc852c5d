"""Help requests: a kiosk asks, a volunteer or staff member takes it, either side closes it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Query, Response
from pydantic import BaseModel, Field

from kiosk.office.api import schemas
from kiosk.office.api.deps import AnyoneDep, HelperDep, KioskCaller, KioskDep, OfficeDep, Staff, VolunteerCaller
from kiosk.office.api.routing import OfficeRouter
from kiosk.office.errors import Invalid, NotFound
from kiosk.office.operations import help_requests as helps
from kiosk.office.service import Office

router = OfficeRouter(prefix="/api/help-requests", tags=["help requests"])


class HelpBody(BaseModel):
    screen: str = Field(min_length=1, max_length=40, pattern=helps.SCREEN_RE.pattern,
                        description="the kiosk screen's name, e.g. form")


def _viewer(caller) -> tuple[str, int] | None:
    if isinstance(caller, VolunteerCaller):
        return ("volunteer", caller.id)
    return ("user", caller.id) if isinstance(caller, Staff) else None


def _help_out(office: Office, s, h, caller=None) -> dict:
    return helps.help_view(h, office.clock(), helps.help_timeout(s), helps.kiosk_names(s).get(h.kiosk_id),
                           _viewer(caller))


@router.post("", status_code=201, response_model=schemas.HelpRequestOut,
             responses={200: {"description": "this kiosk already has an open or taken request: that one",
                              "model": schemas.HelpRequestOut}})
def ask_help(body: HelpBody, response: Response, caller: KioskDep, office: OfficeDep):
    with office.db.write() as s:
        h, created = helps.ask_help(s, office.ctx(caller.actor), caller.id, body.screen)
        if not created:
            response.status_code = 200
        return _help_out(office, s, h)


@router.get("", response_model=schemas.HelpRequestList)
def list_help(caller: HelperDep, office: OfficeDep,
              status: Annotated[str | None, Query(description="open, taken, closed or a comma list; "
                                                              "default open,taken")] = None,
              day: Annotated[dt.date | None, Query()] = None):
    wanted = [x.strip() for x in (status or "open,taken").split(",") if x.strip()]
    if not wanted or any(x not in helps.HELP_STATUSES for x in wanted):
        raise Invalid("unknown_status", f"status must be among {', '.join(helps.HELP_STATUSES)}", "status")
    with office.db.read() as s:
        ctx = office.ctx(caller.actor)
        timeout, names = helps.help_timeout(s), helps.kiosk_names(s)
        items = [helps.help_view(h, ctx.now, timeout, names.get(h.kiosk_id), _viewer(caller))
                 for h in helps.list_help(s, day or ctx.today, wanted)]
        return {"day": (day or ctx.today).isoformat(), "server_time": ctx.now.isoformat(),
                "timeout_minutes": timeout.total_seconds() / 60, "help_requests": items}


@router.get("/{help_id}", response_model=schemas.HelpRequestOut)
def get_help(help_id: int, caller: AnyoneDep, office: OfficeDep):
    with office.db.read() as s:
        h = helps.help_by_id(s, help_id)
        if isinstance(caller, KioskCaller) and h.kiosk_id != caller.id:
            raise NotFound("help_request_not_found", f"no help request with id {help_id}")
        return _help_out(office, s, h, caller)


@router.post("/{help_id}/take", response_model=schemas.HelpRequestOut)
def take_help(help_id: int, caller: HelperDep, office: OfficeDep):
    with office.db.write() as s:
        who = {"volunteer_id": caller.id} if isinstance(caller, VolunteerCaller) else {"user_id": caller.id}
        h = helps.take_help(s, office.ctx(caller.actor), help_id, **who)
        return _help_out(office, s, h, caller)


@router.post("/{help_id}/close", response_model=schemas.HelpRequestOut)
def close_help(help_id: int, caller: AnyoneDep, office: OfficeDep):
    with office.db.write() as s:
        own = caller.id if isinstance(caller, KioskCaller) else None
        h = helps.close_help(s, office.ctx(caller.actor), help_id, kiosk_id=own)
        return _help_out(office, s, h, caller)
