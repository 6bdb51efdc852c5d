"""Admin: volunteers (create, change, deactivate) and the figures of help they gave (JSON and CSV)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated

from fastapi import Query, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from kiosk.office.api import schemas
from kiosk.office.api.deps import AdminDep, OfficeDep
from kiosk.office.api.routing import OfficeRouter
from kiosk.office.errors import Conflict, Invalid
from kiosk.office.operations import volunteer_figures
from kiosk.office.operations import volunteers as vol
from kiosk.office.service import Office
from kiosk.office.storage.models import Volunteer

router = OfficeRouter(prefix="/api/admin", tags=["admin: volunteers"])

PIN_PATTERN = r"^[0-9]{4,6}$"


class VolunteerIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    pin: str | None = Field(None, pattern=PIN_PATTERN, description="4-6 digits; made up when omitted")


class VolunteerPatch(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    active: bool | None = None
    pin: str | None = Field(None, pattern=PIN_PATTERN)
    new_pin: bool = Field(False, description="make up a new PIN (returned once)")


def _pin_hash_checked(office: Office, pin: str, except_id: int | None = None) -> str:
    """PIN-only login must find exactly one volunteer, so two active volunteers never share a PIN."""
    with office.db.read() as s:
        others = [(i, h) for i, h in vol.pin_candidates(s) if i != except_id]
    if vol.pin_owner(others, pin) is not None:
        raise Conflict("duplicate_pin", "another active volunteer has this PIN; choose another", "pin")
    return vol.hash_pin(pin)


def _fresh_pin(office: Office, except_id: int | None = None) -> tuple[str, str]:
    while True:
        pin = vol.new_pin()
        try:
            return pin, _pin_hash_checked(office, pin, except_id)
        except Conflict:
            continue


@router.get("/volunteers", response_model=schemas.VolunteerList)
def list_volunteers(user: AdminDep, office: OfficeDep):
    with office.db.read() as s:
        rows = s.scalars(select(Volunteer).order_by(Volunteer.active.desc(), Volunteer.name)).all()
        return {"volunteers": [vol.volunteer_view(v) for v in rows]}


@router.post("/volunteers", status_code=201, response_model=schemas.VolunteerOut)
def create_volunteer(body: VolunteerIn, user: AdminDep, office: OfficeDep):
    """The answer carries the PIN once; only its hash is kept."""
    if body.pin:
        pin, pin_hash = body.pin, _pin_hash_checked(office, body.pin)
    else:
        pin, pin_hash = _fresh_pin(office)
    with office.db.write() as s:
        v = vol.create_volunteer(s, office.ctx(user.actor), body.name, pin_hash)
        return {**vol.volunteer_view(v), "pin": pin}


@router.patch("/volunteers/{volunteer_id}", response_model=schemas.VolunteerOut)
def update_volunteer(volunteer_id: int, body: VolunteerPatch, user: AdminDep, office: OfficeDep):
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    changes.pop("new_pin", None)
    pin = changes.pop("pin", None)
    if pin:
        changes["pin_hash"] = _pin_hash_checked(office, pin, volunteer_id)
    elif body.new_pin:
        pin, changes["pin_hash"] = _fresh_pin(office, volunteer_id)
    with office.db.write() as s:
        v = vol.update_volunteer(s, office.ctx(user.actor), volunteer_id, changes)
        out = vol.volunteer_view(v)
    return {**out, "pin": pin} if pin else out


@router.delete("/volunteers/{volunteer_id}", response_model=schemas.VolunteerOut)
def deactivate_volunteer(volunteer_id: int, user: AdminDep, office: OfficeDep):
    with office.db.write() as s:
        return vol.volunteer_view(vol.update_volunteer(s, office.ctx(user.actor), volunteer_id, {"active": False}))


# ---- figures

FromDay = Annotated[dt.date | None, Query(alias="from")]
ToDay = Annotated[dt.date | None, Query(alias="to")]


def _period(office: Office, first: dt.date | None, last: dt.date | None) -> tuple[dt.date, dt.date]:
    today = office.ctx("system").today
    last = last or today
    first = first or last
    for field, day in (("from", first), ("to", last)):
        # the period's edges become local midnights in UTC: year 1 and 9999 fall off the calendar
        if not dt.date.min < day < dt.date.max:
            raise Invalid("bad_period", f"{field}: too far in the past or the future", field)
    if first > last:
        raise Invalid("bad_period", "'from' must not be after 'to'", "from")
    if (last - first).days > 366:
        raise Invalid("bad_period", "ask for at most a year at a time", "from")
    return first, last


@router.get("/volunteer-stats", response_model=schemas.VolunteerStats)
def volunteer_stats(user: AdminDep, office: OfficeDep, first: FromDay = None, last: ToDay = None):
    first, last = _period(office, first, last)
    with office.db.read() as s:
        rows = volunteer_figures.figures(s, office.settings.timezone, first, last)
    totals = {k: sum(r[k] for r in rows) for k in volunteer_figures.FIGURE_COLUMNS[3:7]}
    return {"from": first.isoformat(), "to": last.isoformat(), "rows": rows, "totals": totals}


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text  # no formulas when opened in Excel


@router.get("/volunteer-stats.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def volunteer_stats_csv(user: AdminDep, office: OfficeDep, first: FromDay = None, last: ToDay = None):
    first, last = _period(office, first, last)
    with office.db.read() as s:
        rows = volunteer_figures.figures(s, office.settings.timezone, first, last)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(volunteer_figures.FIGURE_COLUMNS)
    for r in rows:
        w.writerow([_csv_cell(r[k]) for k in volunteer_figures.FIGURE_COLUMNS])
    name = f"volunteer-stats-{first.isoformat()}-{last.isoformat()}.csv"
    # the BOM lets Excel read the Vietnamese names as UTF-8
    return Response("\ufeff" + buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
