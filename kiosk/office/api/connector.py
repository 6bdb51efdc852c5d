"""Hand-off to the province ([office.connector]): the delivery state and "Gửi lại" for staff, the
official code typed by hand, the admin page's connector box, and the inbound status report the
provincial side sends with the shared secret."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import Header, Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from kiosk.office.api.deps import OfficeDep, StaffDep
from kiosk.office.api.schemas import Out, Timestamp
from kiosk.office.api.routing import OfficeRouter
from kiosk.office.errors import Forbidden, Invalid, NotFound, Unauthorized
from kiosk.office.operations import dossiers, handoff
from kiosk.office.storage.models import Dossier

router = OfficeRouter(prefix="/api", tags=["connector"])


class OfficialCodeIn(BaseModel):
    official_code: str = Field(min_length=1, max_length=handoff.OFFICIAL_CODE_MAX,
                               description="the code the province's one-stop system gave the dossier")


class StatusReport(BaseModel):
    """What the provincial side reports: the dossier by our code (or by its own), and what changed."""
    local_code: str | None = Field(None, max_length=40)
    official_code: str | None = Field(None, max_length=handoff.OFFICIAL_CODE_MAX)
    status: str | None = Field(None, description=" | ".join(dossiers.STATUSES))
    note: str | None = Field(None, max_length=1000)


class Delivery(Out):
    state: str = Field(description=" | ".join(handoff.STATES))
    kind: str
    attempts: int
    next_attempt_at: Timestamp | None
    last_status: int | None = Field(description="the province's last HTTP status")
    last_error: str | None = Field(description="the province's last answer or the network error, for staff")
    official_code: str | None
    created_at: Timestamp
    delivered_at: Timestamp | None
    delivered_by: str | None = Field(description="connector:http | connector:folder | user:NAME | connector:province")
    can_retry: bool


class DossierDelivery(Out):
    code: str
    status: str
    official_code: str | None
    delivery: Delivery | None = Field(description="null: nothing queued (kind none, or received before)")
    connector: str | None = Field(None, description="the configured kind: none | http | folder")


class ConnectorHealth(Out):
    kind: str
    url: str | None
    folder: str | None
    timeout: float
    token_set: bool
    status_secret_set: bool
    pending: int
    failed: int
    delivered: int
    last_delivered_at: Timestamp | None
    oldest_pending_at: Timestamp | None
    overdue: int = Field(description="pending rows due more than a minute ago: is a worker running?")
    received: int = Field(description="dossiers received by the office (any status from received on)")
    reached: int = Field(description="of those, in the province's system: delivered, or with an official code")
    last_error: str | None
    last_error_at: Timestamp | None


class DeliveryItem(Delivery):
    code: str


class DeliveryList(Out):
    deliveries: list[DeliveryItem]


def _delivery(s, d) -> dict[str, Any]:
    return {"code": d.code, "status": d.status, "official_code": d.official_code,
            "delivery": handoff.delivery_view(handoff.row_for(s, d))}


@router.get("/dossiers/{code}/delivery", response_model=DossierDelivery)
def delivery_state(code: str, user: StaffDep, office: OfficeDep):
    """The dossier's hand-off: state (pending | delivered | failed, null when nothing was queued),
    attempts, next try, the province's last answer, the official code."""
    with office.db.read() as s:
        return {**_delivery(s, dossiers.by_code(s, code)), "connector": office.settings.connector.kind}


@router.post("/dossiers/{code}/delivery/retry", response_model=DossierDelivery)
def retry_delivery(code: str, user: StaffDep, office: OfficeDep):
    """"Gửi lại": send now (after the province refused it, or without waiting for the next retry)."""
    with office.db.write() as s:
        d = dossiers.by_code(s, code, lock=True)
        handoff.retry(s, office.ctx(user.actor), d, office.settings)
        return _delivery(s, d)


@router.put("/dossiers/{code}/official-code", response_model=DossierDelivery)
def set_official_code(code: str, body: OfficialCodeIn, user: StaffDep, office: OfficeDep):
    """The code the province gave, typed by staff (kind = "none", or re-typed after a refusal)."""
    with office.db.write() as s:
        d = dossiers.by_code(s, code, lock=True)
        handoff.record_by_hand(s, office.ctx(user.actor), d, body.official_code)
        return _delivery(s, d)


@router.get("/connector", response_model=ConnectorHealth)
def connector_health(user: StaffDep, office: OfficeDep):
    """Connector kind and target (never the token or secret) and the outbox figures."""
    with office.db.read() as s:
        return handoff.health(s, office.settings, office.clock())


@router.get("/connector/deliveries", response_model=DeliveryList)
def deliveries(user: StaffDep, office: OfficeDep,
               state: Annotated[str | None, Query(description=" | ".join(handoff.STATES))] = None,
               limit: Annotated[int, Query(ge=1, le=1000)] = 200):
    if state is not None and state not in handoff.STATES:
        raise Invalid("unknown_state", f"state must be one of {', '.join(handoff.STATES)}", "state")
    with office.db.read() as s:
        return {"deliveries": [{"code": code, **handoff.delivery_view(row)}
                               for row, code in handoff.listing(s, state, limit)]}


@router.post("/connector/status", response_model=DossierDelivery)
def status_report(body: StatusReport, office: OfficeDep,
                  authorization: Annotated[str | None, Header()] = None):
    """The provincial side reports a change: `Authorization: Bearer <[office.connector] secret>`,
    the dossier by `local_code` (or an `official_code` already known), optionally its new `status`
    (moved as staff would, so an impossible move answers 409) and its `official_code`."""
    secret = office.settings.connector.secret
    if not secret:
        raise Forbidden("status_disabled", "status reports are off: set [office.connector] secret", "authorization")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), secret.encode()):
        raise Unauthorized("bad_secret", "missing or wrong shared secret", "authorization")
    if not body.local_code and not body.official_code:
        raise Invalid("dossier_required", "send local_code (or an official_code already known)", "local_code")
    actor = "connector:province"
    with office.db.write() as s:
        d = _find(s, body)
        ctx = office.ctx(actor)
        if body.official_code and body.local_code and body.official_code.strip() != d.official_code:
            handoff.record_by_hand(s, ctx, d, body.official_code)
        if body.status and body.status != d.status:
            d = dossiers.change_status(s, ctx, d.code, body.status, body.note)
        return _delivery(s, d)


def _find(s, body: StatusReport):
    if body.local_code:
        return dossiers.by_code(s, body.local_code, lock=True)
    d = s.scalar(select(Dossier).where(Dossier.official_code == body.official_code.strip()).with_for_update())
    if d is None:
        raise NotFound("dossier_not_found", f"no dossier with official code {body.official_code!r}", "official_code")
    return d
