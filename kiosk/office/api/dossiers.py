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


class MaskIdNumbers(logging.Filter):
    """Access logs print the query string; GET /api/dossiers?id_number=… must not log the number."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any("id_number=" in str(a) for a in record.args):
            record.args = tuple(_ID_IN_QUERY.sub(lambda m: m[1] + mask_id(m[2]), a) if isinstance(a, str) else a
                                for a in record.args)
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


class StatusIn(BaseModel):
    status: str = Field(description=" | ".join(dossiers.STATUSES))
    note: str | None = Field(None, max_length=1000)


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
                  status: Annotated[str | None, Query()] = None, day: Annotated[dt.date | None, Query()] = None,
                  limit: Annotated[int, Query(ge=1, le=2000)] = 200):
    if id_number is not None and not dossiers.ID_NUMBER.match(id_number):
        raise Invalid("bad_id_number", "id_number must be the 12 digits of the ID card", "id_number")
    if status is not None and status not in dossiers.STATUSES:
        raise Invalid("unknown_status", f"status must be one of {', '.join(dossiers.STATUSES)}", "status")
    with office.db.read() as s:
        if isinstance(caller, KioskCaller):
            if id_number is None:
                raise Invalid("id_number_required", "a kiosk lists only the dossiers of a scanned ID card",
                              "id_number")
            found = dossiers.for_citizen(s, id_number)
            view = dossiers.kiosk_view
        else:
            found = dossiers.listing(s, status=status, day=day, id_number=id_number, limit=limit)
            view = dossiers.staff_view
        names = dossiers.names(s, (d.procedure_code for d in found))
        return {"dossiers": [view(d, names[d.procedure_code]) for d in found]}


@router.get("/dossiers/{code}", response_model=schemas.DossierOut)
def one_dossier(code: str, caller: MaybeStaffOrKioskDep, office: OfficeDep):
    """Staff see everything; a kiosk sees the status screen with a masked id; anyone else (the
    receipt's tracking) the status and history only."""
    if isinstance(caller, Staff):
        view = dossiers.staff_view
    elif isinstance(caller, KioskCaller):
        view = dossiers.kiosk_view
    else:
        view = dossiers.public_view
    with office.db.read() as s:
        d = dossiers.by_code(s, code)
        return view(d, dossiers.names(s, [d.procedure_code])[d.procedure_code])


@router.post("/dossiers/{code}/status", response_model=schemas.DossierOut)
def change_status(code: str, body: StatusIn, user: StaffDep, office: OfficeDep):
    with office.db.write() as s:
        d = dossiers.change_status(s, office.ctx(user.actor), code, body.status, body.note)
        return dossiers.staff_view(d, dossiers.names(s, [d.procedure_code])[d.procedure_code])
