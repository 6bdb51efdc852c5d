"""Ratings of the service: the counter's rating device (bearer device key), the ticket's phone page
(its public token), and the admin issuing a counter's device key (shown once)."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from fastapi import Path, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from kiosk.office.api.deps import AdminDep, CounterDeviceDep, OfficeDep
from kiosk.office.api.routing import OfficeRouter
from kiosk.office.api.schemas import Out, Timestamp
from kiosk.office.errors import NotFound
from kiosk.office.operations import ratings, tickets
from kiosk.office.storage.models import Counter, Ticket

router = OfficeRouter(tags=["ratings"])

Reason = Literal["waited_long", "attitude", "extra_papers", "procedure_unclear"]
if set(get_args(Reason)) != set(ratings.REASONS):  # one list of reasons
    raise RuntimeError("api.ratings.Reason and operations.ratings.REASONS differ")


class RatingIn(BaseModel):
    score: int = Field(ge=1, le=4, description="4 Rất hài lòng, 3 Hài lòng, 2 Bình thường, 1 Không hài lòng")
    reasons: list[Reason] = Field(default_factory=list, max_length=len(ratings.REASONS),
                                  description="only with a score of 1 or 2")


class DeviceRatingIn(RatingIn):
    ticket_id: int = Field(ge=1)


class RatingOut(Out):
    id: int
    ticket_id: int
    number: str
    counter_id: int
    score: int
    reasons: list[str]
    via: str = Field(description="counter | phone")
    created_at: Timestamp


class DeviceOut(Out):
    counter_id: int
    counter_number: int
    counter_name: str
    window_minutes: float = Field(description="how long after 'finish' a ticket may be rated")


class PendingOut(Out):
    ticket_id: int
    number: str
    finished_at: Timestamp
    until: Timestamp
    seconds_left: int = Field(description="until the rating closes (the device counts down with it)")


class RatingState(Out):
    state: str = Field(description="open | rated | closed (too late) | not_done")
    score: int | None
    until: Timestamp | None


class DeviceKeyOut(Out):
    counter_id: int
    counter_number: int
    device_key: str = Field(description="shown once; only its hash is kept")
    issued_at: Timestamp


class DeviceRow(Out):
    counter_id: int
    counter_number: int
    has_key: bool
    issued_at: Timestamp | None


class DeviceList(Out):
    devices: list[DeviceRow]


# ---- the counter's rating device

@router.get("/api/ratings/device", response_model=DeviceOut)
def device(caller: CounterDeviceDep, office: OfficeDep):
    """Which counter this device key opens (the page checks its key with it)."""
    with office.db.read() as s:
        c = s.get(Counter, caller.counter_id)
        return {"counter_id": c.id, "counter_number": c.number, "counter_name": c.name,
                "window_minutes": office.settings.rating_window_minutes}


@router.get("/api/ratings/pending", response_model=PendingOut,
            responses={204: {"description": "nothing to rate at this counter now"}})
def pending(caller: CounterDeviceDep, office: OfficeDep):
    ctx = office.ctx(caller.actor)
    with office.db.read() as s:
        t = ratings.pending(s, ctx, caller.counter_id, office.settings)
        return Response(status_code=204) if t is None else ratings.pending_view(ctx, t, office.settings)


@router.post("/api/ratings", status_code=201, response_model=RatingOut)
def rate_at_counter(body: DeviceRatingIn, caller: CounterDeviceDep, office: OfficeDep):
    def run(s, ctx):
        r, t = ratings.rate(s, ctx, body.ticket_id, body.score, list(body.reasons), ratings.COUNTER,
                            office.settings, counter_id=caller.counter_id)
        return ratings.rating_view(r, t)
    return office.run(caller.actor, run)


# ---- the ticket's phone page

Token = Annotated[str, Path(min_length=8, max_length=64)]


def _ticket(s, public_token: str) -> Ticket:
    t = s.scalar(select(Ticket).where(Ticket.public_token == public_token))
    if t is None:
        raise NotFound("ticket_not_found", "no ticket with this code", "public_token")
    return t


@router.get("/api/public/tickets/{public_token}/rating", response_model=RatingState)
def rating_state(public_token: Token, office: OfficeDep):
    with office.db.read() as s:
        return ratings.state(s, office.ctx("public"), _ticket(s, public_token), office.settings)


@router.post("/api/public/tickets/{public_token}/rating", status_code=201, response_model=RatingOut)
def rate_on_phone(public_token: Token, body: RatingIn, office: OfficeDep):
    def run(s, ctx):
        r, t = ratings.rate(s, ctx, _ticket(s, public_token).id, body.score, list(body.reasons), ratings.PHONE,
                            office.settings)
        return ratings.rating_view(r, t)
    return office.run("public:ticket-page", run)


# ---- admin: the counters' device keys

@router.get("/api/admin/counter-devices", response_model=DeviceList)
def list_devices(user: AdminDep, office: OfficeDep):
    with office.db.read() as s:
        known = ratings.devices(s)
        return {"devices": [{"counter_id": c.id, "counter_number": c.number, "has_key": c.id in known,
                             "issued_at": known[c.id].issued_at.isoformat() if c.id in known else None}
                            for c in s.scalars(select(Counter).where(Counter.active.is_(True))
                                               .order_by(Counter.number))]}


@router.post("/api/admin/counters/{counter_id}/device-key", status_code=201, response_model=DeviceKeyOut)
def issue_device_key(counter_id: int, user: AdminDep, office: OfficeDep):
    """A new key for the counter's rating device, shown this once; the previous key stops working."""
    def run(s, ctx):
        d, key = ratings.set_device_key(s, ctx, counter_id)
        c = tickets.counter_by_id(s, counter_id)
        return {"counter_id": c.id, "counter_number": c.number, "device_key": key,
                "issued_at": d.issued_at.isoformat()}
    return office.run(user.actor, run)
