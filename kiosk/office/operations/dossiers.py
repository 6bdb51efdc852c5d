"""The dossier lifecycle in the office database: submit, change status, list, purge, and the JSON
views kiosks, the public and staff get.

Session-level functions run inside the caller's write transaction (like the ticket lifecycle):
they check, write the change, its audit entry and its `dossier` event. `submit_once` takes the
`Office` and owns its transaction (an idempotent create). The catalogue lives in catalogue.py.

Rules in brief: a dossier's code is `{office_code}-{yyyymmdd}-{seq:04d}`, numbered per local day
with the same atomic counter as tickets (no duplicate, no gap); its appointment date is
`WorkCalendar.add_working_days(received_at, processing_days)`. Statuses:
received → processing → ready → returned; received|processing → more_documents (note) → processing;
received|processing|more_documents → rejected (note).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain import forms
from kiosk.domain.catalogue import Procedure
from kiosk.domain.cccd import mask_id
from kiosk.domain.workdays import WorkCalendar
from kiosk.office.errors import Conflict, Invalid, NotFound
from kiosk.office.operations import handoff
from kiosk.office.operations.catalogue import procedure
from kiosk.office.operations.context import Ctx, audit
from kiosk.office.storage.db import next_in_sequence
from kiosk.office.storage.events import publish
from kiosk.office.storage.models import Dossier, DossierCounter, DossierHistory, ProcedureRow

RECEIVED, PROCESSING, MORE_DOCUMENTS = "received", "processing", "more_documents"
READY, RETURNED, REJECTED = "ready", "returned", "rejected"
STATUSES = (RECEIVED, PROCESSING, MORE_DOCUMENTS, READY, RETURNED, REJECTED)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    RECEIVED: (PROCESSING, MORE_DOCUMENTS, REJECTED),
    PROCESSING: (READY, MORE_DOCUMENTS, REJECTED),
    MORE_DOCUMENTS: (PROCESSING, REJECTED),
    READY: (RETURNED,),
    RETURNED: (),
    REJECTED: (),
}
NOTE_REQUIRED = (MORE_DOCUMENTS, REJECTED)
CLOSED = (RETURNED, REJECTED)
ID_NUMBER = re.compile(r"^[0-9]{12}$")


# ---- calendar -------------------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _calendar(holidays: tuple, workdays: tuple, tz: str, cutoff: dt.time) -> WorkCalendar:
    return WorkCalendar(holidays, workdays, tz, cutoff)


def calendar(settings) -> WorkCalendar:
    """The office's working-day calendar (VN public holidays + the configured extra days)."""
    return _calendar(tuple(settings.extra_holidays), tuple(settings.extra_workdays), settings.timezone,
                     settings.dossier_cutoff)


# ---- submitting -----------------------------------------------------------------------------------

def api_field(form_path: str) -> str:
    """A forms.validate path as a path in the request body: "applicant.x" stays, "x" → "fields.x"."""
    if form_path == "applicant" or form_path.startswith("applicant."):
        return form_path
    return f"fields.{form_path}" if form_path else "fields"


def check_form(proc: Procedure, applicant: Any, fields: Any, today: dt.date) -> dict[str, Any]:
    """Validate against the procedure's form; return the cleaned document or raise Invalid(422)
    naming the first bad field (Vietnamese sentence in "detail", English in "detail_en")."""
    if not isinstance(applicant, dict):
        raise Invalid("invalid", "applicant must be an object", "applicant")
    if not isinstance(fields, dict):
        raise Invalid("invalid", "fields must be an object", "fields")
    schema = proc.form_schema
    known = set(schema.get("properties", {})) - {"applicant"}  # "applicant" would shadow the applicant
    errors = [forms.FieldError(f"fields.{name}", "Biểu mẫu này không có mục này.", "This form has no such field.")
              for name in fields if name not in known]
    if not errors:
        errors = [forms.FieldError(api_field(e.field), e.message_vi, e.message_en)
                  for e in forms.validate(schema, forms.submission_document(applicant, fields), today=today)]
    if errors:
        listed = [{"field": e.field, "message": e.message_vi, "message_en": e.message_en, "type": "form"}
                  for e in errors]
        first = listed[0]
        raise Invalid("invalid_form", first["message"], first["field"], detail_en=first["message_en"],
                      errors=listed)
    return forms.clean(schema, forms.submission_document(applicant, fields))


def find_by_key(s: Session, key: str) -> Dossier | None:
    return s.scalar(select(Dossier).where(Dossier.idempotency_key == key))


def submit(s: Session, ctx: Ctx, settings, body: dict[str, Any], kiosk_id: str | None) -> tuple[Dossier, bool]:
    """Store a dossier, or return the one already stored for this idempotency key (created=False)."""
    existing = find_by_key(s, body["idempotency_key"])
    if existing is not None:
        return existing, False
    proc = procedure(s, body["procedure_code"])
    doc = check_form(proc, body.get("applicant"), body.get("fields"), ctx.today)
    applicant = doc.pop("applicant")
    day = ctx.today
    seq = next_in_sequence(s, DossierCounter, day=day)
    id_number = applicant.get("id_number")
    d = Dossier(code=f"{settings.office_code}-{day:%Y%m%d}-{seq:04d}", day=day, seq=seq,
                procedure_code=proc.code, status=RECEIVED, note=None, id_number=id_number,
                masked_id=mask_id(id_number) if id_number else "", applicant=applicant, fields=doc,
                received_at=ctx.now, updated_at=ctx.now,
                appointment_date=calendar(settings).add_working_days(ctx.now, proc.processing_days),
                kiosk_id=kiosk_id or body.get("kiosk_id"), volunteer_code=body.get("volunteer_code"),
                idempotency_key=body["idempotency_key"], local_ref=body.get("local_ref"))
    d.history = [DossierHistory(at=ctx.now, status=RECEIVED, note=None, actor=ctx.actor)]
    s.add(d)
    s.flush()
    audit(s, ctx, "dossier_receive", "dossier", d.code, procedure=proc.code, kiosk_id=d.kiosk_id,
              local_ref=d.local_ref)
    _event(s, ctx, d, "received")
    handoff.enqueue(s, ctx, d, settings)  # H3: durable with the status; moves to accept when `declared` comes
    return d, True


def submit_once(office, body: dict[str, Any], kiosk_id: str | None, actor: str) -> tuple[dict[str, Any], bool]:
    """Submit in its own transaction; a concurrent request with the same key makes this one's insert
    conflict, and the retry returns the winner's dossier."""
    def attempt(s: Session) -> tuple[dict[str, Any], bool]:
        d, created = submit(s, office.ctx(actor), office.settings, body, kiosk_id)
        return receipt_view(d, _names(s, d.procedure_code)), created
    return office.db.write_retrying_duplicates(attempt)


# ---- status ---------------------------------------------------------------------------------------

def by_code(s: Session, code: str, *, lock: bool = False) -> Dossier:
    q = select(Dossier).where(Dossier.code == code)
    if lock:
        q = q.with_for_update()
    d = s.scalar(q.execution_options(populate_existing=lock))
    if d is None:
        raise NotFound("dossier_not_found", f"no dossier with code {code!r}")
    return d


def change_status(s: Session, ctx: Ctx, code: str, status: str, note: str | None) -> Dossier:
    if status not in STATUSES:
        raise Invalid("unknown_status", f"status must be one of {', '.join(STATUSES)}", "status")
    note = (note or "").strip() or None
    if status in NOTE_REQUIRED and not note:
        raise Invalid("note_required", "say what is missing or why (a note is required)", "note")
    d = by_code(s, code, lock=True)
    if status not in TRANSITIONS[d.status]:
        allowed = ", ".join(TRANSITIONS[d.status]) or "nothing (it is closed)"
        raise Conflict("bad_status", f"dossier {d.code} is {d.status}; it can move to {allowed}", "status",
                       status=d.status)
    previous = d.status
    d.status, d.note, d.updated_at = status, note, ctx.now
    d.history.append(DossierHistory(at=ctx.now, status=status, note=note, actor=ctx.actor))
    s.flush()
    audit(s, ctx, "dossier_status", "dossier", d.code, previous=previous, status=status)
    _event(s, ctx, d, "status")
    return d


def _event(s: Session, ctx: Ctx, d: Dossier, action: str) -> None:
    # /api/events is public: the event names the dossier, never the person
    publish(s, "dossier", {"action": action, "code": d.code, "status": d.status,
                           "procedure_code": d.procedure_code}, ctx.now)


# ---- listing --------------------------------------------------------------------------------------

def for_citizen(s: Session, id_number: str) -> list[Dossier]:
    return list(s.scalars(select(Dossier).where(Dossier.id_number == id_number)
                          .order_by(Dossier.received_at.desc(), Dossier.id.desc()).limit(100)))


def listing(s: Session, *, status: str | None, day: dt.date | None, id_number: str | None,
            limit: int) -> list[Dossier]:
    q = select(Dossier)
    if status:
        q = q.where(Dossier.status == status)
    if day:
        q = q.where(Dossier.day == day)
    if id_number:
        q = q.where(Dossier.id_number == id_number)
    return list(s.scalars(q.order_by(Dossier.received_at.desc(), Dossier.id.desc()).limit(limit)))


# ---- purge ----------------------------------------------------------------------------------------

TOMBSTONE_KEY = "purged_at"


def purge(s: Session, ctx: Ctx, retention_days: int) -> list[str]:
    """Remove the personal data of dossiers closed (returned/rejected) more than retention_days ago.

    Applicant data, form fields, the id number and the notes (staff may have named people there)
    go; code, procedure, statuses and dates stay for statistics. Returns the codes purged.
    """
    cutoff = ctx.now - dt.timedelta(days=retention_days)
    rows = s.scalars(select(Dossier).where(Dossier.status.in_(CLOSED), Dossier.purged_at.is_(None),
                                           Dossier.updated_at < cutoff).with_for_update()).all()
    tombstone = {TOMBSTONE_KEY: ctx.now.isoformat()}
    for d in rows:
        d.applicant, d.fields = dict(tombstone), dict(tombstone)
        d.id_number, d.masked_id, d.note, d.purged_at = None, "", None, ctx.now
        for h in d.history:
            h.note = None
    s.flush()
    codes = [d.code for d in rows]
    audit(s, ctx, "dossier_purge", "dossier", None, count=len(codes), retention_days=retention_days,
              codes=codes)
    return codes


# ---- views ----------------------------------------------------------------------------------------

def iso(t: dt.datetime | None) -> str | None:
    return t.astimezone(dt.timezone.utc).isoformat() if t else None


def _names(s: Session, code: str) -> tuple[str, str]:
    row = s.get(ProcedureRow, code)
    return (row.data.get("name_vi", code), row.data.get("name_en", code)) if row else (code, code)


def names(s: Session, codes) -> dict[str, tuple[str, str]]:
    return {c: _names(s, c) for c in set(codes)}


def receipt_view(d: Dossier, proc_names: tuple[str, str]) -> dict[str, Any]:
    """The answer to POST /api/dossiers (what a receipt needs; no personal data)."""
    return {"code": d.code, "status": d.status, "received_at": iso(d.received_at),
            "appointment_date": d.appointment_date.isoformat(), "procedure_code": d.procedure_code,
            "procedure_name_vi": proc_names[0], "procedure_name_en": proc_names[1], "local_ref": d.local_ref}


def public_view(d: Dossier, proc_names: tuple[str, str]) -> dict[str, Any]:
    """Status look-up without any personal data: no staff names, no applicant, no id number."""
    return {**receipt_view(d, proc_names), "note": d.note, "updated_at": iso(d.updated_at),
            "history": [{"status": h.status, "at": iso(h.at), "note": h.note} for h in d.history],
            **handoff.public_keys(d)}


def kiosk_view(d: Dossier, proc_names: tuple[str, str]) -> dict[str, Any]:
    """The kiosk's status screen: the public view plus the masked id number."""
    return {**public_view(d, proc_names), "masked_id": d.masked_id}


def staff_view(d: Dossier, proc_names: tuple[str, str]) -> dict[str, Any]:
    return {**receipt_view(d, proc_names), "id": d.id, "note": d.note, "masked_id": d.masked_id,
            "applicant": d.applicant, "fields": d.fields, "day": d.day.isoformat(),
            "updated_at": iso(d.updated_at), "kiosk_id": d.kiosk_id, "volunteer_code": d.volunteer_code,
            "purged_at": iso(d.purged_at), "next_statuses": list(TRANSITIONS[d.status]),
            "history": [{"status": h.status, "at": iso(h.at), "note": h.note, "actor": h.actor}
                        for h in d.history], **handoff.staff_keys(d)}
