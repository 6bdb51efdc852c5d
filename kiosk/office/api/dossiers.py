"""Dossiers: submitted by kiosks, looked up by code or by the citizen's own ID card, moved along
by staff. Kiosk and public views hold no personal data (a masked id number at most)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Annotated, Any

from fastapi import Query, Response
from pydantic import BaseModel, Field

from kiosk.domain.cccd import mask_id
from kiosk.domain.contract import IDEMPOTENCY_KEY_MAX, IDEMPOTENCY_KEY_PATTERN
from kiosk.office.api import schemas
from kiosk.office.api.deps import KioskCaller, MaybeStaffOrKioskDep, OfficeDep, Staff, StaffDep, StaffOrKioskDep
from kiosk.office.api.routing import OfficeRouter
from kiosk.office.errors import Invalid
from kiosk.office.operations import dossiers

router = OfficeRouter(prefix="/api", tags=["dossiers"])
_ID_IN_QUERY = re.compile(r"(id_number=)([^&\s]*)")
_CONFIRM_IN_QUERY = re.compile(r"(confirm=)([^&\s]*)")


def _masked_query(text: str) -> str:
    text = _ID_IN_QUERY.sub(lambda m: m[1] + mask_id(m[2]), text)
    return _CONFIRM_IN_QUERY.sub(lambda m: m[1] + "***", text)


class MaskIdNumbers(logging.Filter):
    """Access logs print the query string; GET /api/dossiers?id_number=…&confirm=… must log neither
    the number nor the phone digits confirming it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any("id_number=" in str(a) for a in record.args):
            record.args = tuple(_masked_query(a) if isinstance(a, str) else a for a in record.args)
        return True


def mask_access_log() -> None:
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, MaskIdNumbers) for f in logger.filters):
        logger.addFilter(MaskIdNumbers())


class DossierIn(BaseModel):
    idempotency_key: str = Field(min_length=1, max_length=IDEMPOTENCY_KEY_MAX, pattern=IDEMPOTENCY_KEY_PATTERN,
                                 description="one per dossier; a retry sends the same key")
    procedure_code: str = Field(min_length=1, max_length=40)
    applicant: dict[str, Any] = Field(description="id_number, full_name, date_of_birth, sex, address, phone?")
    fields: dict[str, Any] = Field(default_factory=dict, description="the procedure's own form fields")
    local_ref: str | None = Field(None, max_length=80, description="the kiosk's receipt reference")
    kiosk_id: str | None = Field(None, max_length=40)
    volunteer_code: str | None = Field(None, max_length=40)


CITIZEN_NOTE = Field(None, max_length=1000, description="the note for the citizen (their page and the kiosk "
                                                      "show it); `note` is staff's internal note")


class StatusIn(BaseModel):
    status: str = Field(description=" | ".join(dossiers.STATUSES) + " (received: use /accept)")
    note: str | None = Field(None, max_length=1000)
    citizen_note: str | None = CITIZEN_NOTE


class AcceptIn(BaseModel):
    """"Tiếp nhận". Types are checked by the operation, so a bad value answers 422 naming the field."""
    documents_received: Any = Field(description="names (Vietnamese text) from the procedure's documents list")
    sets: Any = Field(description=f"number of sets handed in, 1..{dossiers.MAX_SETS}")
    note: str | None = Field(None, max_length=1000)
    citizen_note: str | None = CITIZEN_NOTE


class MoreDocumentsIn(BaseModel):
    missing_documents: Any = Field(description="names from the procedure's documents list")
    note: str | None = Field(None, max_length=1000)
    citizen_note: str | None = CITIZEN_NOTE


class RejectIn(BaseModel):
    reason: str = Field(max_length=1000, description="staff's record of why (the refusal form)")
    citizen_note: str | None = CITIZEN_NOTE


@router.post("/dossiers", status_code=201, response_model=schemas.DossierReceipt,
             responses={200: {"description": "the key was seen: same dossier", "model": schemas.DossierReceipt}})
def submit(body: DossierIn, response: Response, caller: StaffOrKioskDep, office: OfficeDep):
    kiosk_id = caller.id if isinstance(caller, KioskCaller) else body.kiosk_id
    view, created = dossiers.submit_once(office, body.model_dump(), kiosk_id, caller.actor)
    if not created:
        response.status_code = 200
    return view


@router.get("/dossiers", response_model=schemas.DossierList)
def list_dossiers(caller: StaffOrKioskDep, office: OfficeDep,
                  id_number: Annotated[str | None, Query(description="kiosks: the citizen's scanned card")] = None,
                  confirm: Annotated[str | None, Query(
                      max_length=80, description="kiosks, with id_number: the last 4 digits of the phone number "
                      "on the dossier, or the code printed on its slip (a photo of a card gives neither); a wrong "
                      "one finds nothing and counts toward the kiosk's look-up limit")] = None,
                  status: Annotated[str | None, Query()] = None, day: Annotated[dt.date | None, Query()] = None,
                  stale: Annotated[bool, Query(description="staff: declared longer ago than the office's "
                                                           "stale_declared_days, oldest first")] = False,
                  stale_days: Annotated[int | None, Query(ge=0, le=3650, description="override the days")] = None,
                  limit: Annotated[int, Query(ge=1, le=2000)] = 200):
    if id_number is not None and not dossiers.ID_NUMBER.match(id_number):
        raise Invalid("bad_id_number", "id_number must be the 12 digits of the ID card", "id_number")
    if status is not None and status not in dossiers.STATUSES:
        raise Invalid("unknown_status", f"status must be one of {', '.join(dossiers.STATUSES)}", "status")
    if isinstance(caller, KioskCaller):
        if id_number is None:
            raise Invalid("id_number_required", "a kiosk lists only the dossiers of a scanned ID card", "id_number")
        if not (confirm or "").strip():
            raise Invalid("confirmation_required", "a card's dossiers need the last 4 digits of the phone number "
                          "on the dossier or the code on its slip", "confirm")
        with office.db.write() as s:  # the look-up is counted and audited, so a write
            found = dossiers.kiosk_lookup(s, office.ctx(caller.actor), id_number, confirm)
            names = dossiers.names(s, (d.procedure_code for d in found))
            return {"dossiers": [dossiers.citizen_list_view(d, names[d.procedure_code], office.settings.timezone)
                                 for d in found]}
    with office.db.read() as s:
        days = office.settings.dossier_stale_days if stale_days is None else stale_days
        before = office.clock() - dt.timedelta(days=days) if stale or stale_days is not None else None
        found = dossiers.listing(s, status=status, day=day, id_number=id_number, limit=limit, declared_before=before)
        names = dossiers.names(s, (d.procedure_code for d in found))
        return {"dossiers": [dossiers.staff_view(d, names[d.procedure_code], office.settings.timezone) for d in found],
                "stale_days": office.settings.dossier_stale_days}


@router.get("/dossiers/stats", response_model=schemas.DossierStats)
def dossier_stats(user: StaffDep, office: OfficeDep,
                  first: Annotated[dt.date | None, Query(alias="from", description="first local day")] = None,
                  last: Annotated[dt.date | None, Query(alias="to", description="last local day")] = None):
    """How many dossiers were declared and how many of them an officer received (the share the
    ward reports), per status; by the code's day."""
    if first and last and first > last:
        raise Invalid("bad_range", "'from' must not be after 'to'", "from")
    with office.db.read() as s:
        return dossiers.stats(s, first, last)


@router.get("/dossiers/{ref}", response_model=schemas.DossierOut)
def one_dossier(ref: str, caller: MaybeStaffOrKioskDep, office: OfficeDep):
    """Staff see everything; a kiosk sees the status screen with a masked id; both find a dossier
    by its code or by its slip's token. Anyone else (the slip's QR on a phone) only by the token
    (a sequential code answers 404): the status, dates, history and the note for the citizen."""
    if isinstance(caller, Staff):
        view = dossiers.staff_view
    elif isinstance(caller, KioskCaller):
        view = dossiers.kiosk_view
    else:
        view = dossiers.public_view
    with office.db.read() as s:
        d = dossiers.by_token(s, ref) if view is dossiers.public_view else dossiers.by_code_or_token(s, ref)
        return view(d, dossiers.names(s, [d.procedure_code])[d.procedure_code], office.settings.timezone)


def _staff(s, office, d):
    return dossiers.staff_view(d, dossiers.names(s, [d.procedure_code])[d.procedure_code], office.settings.timezone)


@router.post("/dossiers/{code}/status", response_model=schemas.DossierOut)
def change_status(code: str, body: StatusIn, user: StaffDep, office: OfficeDep):
    """The later moves (processing, ready, returned) and cancelling a stale declared dossier."""
    with office.db.write() as s:
        return _staff(s, office, dossiers.change_status(s, office.ctx(user.actor), code, body.status, body.note,
                                                        body.citizen_note))


@router.post("/dossiers/{code}/accept", response_model=schemas.DossierOut)
def accept(code: str, body: AcceptIn, user: StaffDep, office: OfficeDep):
    """"Tiếp nhận": declared (or more_documents) → received; reception time now, the officer
    recorded, the appointment date and hour computed from the reception time."""
    with office.db.write() as s:
        d = dossiers.accept(s, office.ctx(user.actor), office.settings, code, body.documents_received, body.sets,
                            body.note, user.full_name or user.username, body.citizen_note)
        return _staff(s, office, d)


@router.post("/dossiers/{code}/more-documents", response_model=schemas.DossierOut)
def more_documents(code: str, body: MoreDocumentsIn, user: StaffDep, office: OfficeDep):
    """"Yêu cầu bổ sung", listing the missing documents."""
    with office.db.write() as s:
        return _staff(s, office, dossiers.more_documents(s, office.ctx(user.actor), code, body.missing_documents,
                                                         body.note, body.citizen_note))


@router.post("/dossiers/{code}/reject", response_model=schemas.DossierOut)
def reject(code: str, body: RejectIn, user: StaffDep, office: OfficeDep):
    """"Từ chối", with the reason."""
    with office.db.write() as s:
        return _staff(s, office, dossiers.reject(s, office.ctx(user.actor), code, body.reason, body.citizen_note))
