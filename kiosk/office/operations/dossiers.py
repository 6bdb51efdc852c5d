"""The dossier lifecycle in the office database: submit, change status, list, purge, and the JSON
views kiosks, the public and staff get.

Session-level functions run inside the caller's write transaction (like the ticket lifecycle):
they check, write the change, its audit entry and its `dossier` event. `submit_once` takes the
`Office` and owns its transaction (an idempotent create). The catalogue lives in catalogue.py.

Rules in brief: a dossier's code is `{office_code}-{yyyymmdd}-{seq:04d}`, numbered per local day
with the same atomic counter as tickets (no duplicate, no gap). A dossier starts `declared` (the
citizen has declared it; nothing is received yet); an officer then receives it ("Tiếp nhận":
`accept`, which records the papers, the sets, the officer and the reception time, and computes the
appointment from that time with the WorkCalendar), asks for more documents, or rejects it. The
moves are the `TRANSITIONS` table below; any other answers 409 naming the current status.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.domain import forms
from kiosk.domain.catalogue import Procedure
from kiosk.domain.cccd import mask_id
from kiosk.domain.workdays import WorkCalendar
from kiosk.office import forms as papers
from kiosk.office.errors import Conflict, Invalid, NotFound, TooManyAttempts
from kiosk.office.operations import handoff
from kiosk.office.operations.catalogue import procedure
from kiosk.office.operations.context import Ctx, audit
from kiosk.office.storage.db import next_in_sequence
from kiosk.office.storage.events import publish
from kiosk.office.storage.models import AuditEntry, Dossier, DossierCounter, DossierHistory, ProcedureRow

DECLARED, RECEIVED, PROCESSING, MORE_DOCUMENTS = "declared", "received", "processing", "more_documents"
READY, RETURNED, REJECTED, CANCELLED = "ready", "returned", "rejected", "cancelled"
STATUSES = (DECLARED, RECEIVED, PROCESSING, MORE_DOCUMENTS, READY, RETURNED, REJECTED, CANCELLED)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    DECLARED: (RECEIVED, MORE_DOCUMENTS, REJECTED, CANCELLED),  # cancelled: a stale declaration
    RECEIVED: (PROCESSING, MORE_DOCUMENTS, REJECTED),
    PROCESSING: (READY, MORE_DOCUMENTS, REJECTED),
    MORE_DOCUMENTS: (RECEIVED, PROCESSING, REJECTED),  # received: the papers were completed
    READY: (RETURNED,),
    RETURNED: (),
    REJECTED: (),
    CANCELLED: (),
}
NOTE_REQUIRED = (REJECTED,)  # more_documents names the missing papers instead (or a note)
CLOSED = (RETURNED, REJECTED, CANCELLED)
# received needs the papers and sets: only `accept` enters it (never the generic status change)
VIA_ACCEPT = (RECEIVED,)
MAX_SETS = 20
# office hours an appointment's hour is kept within (the reception's clock time, rounded up)
DAY_START, DAY_END = dt.time(8, 0), dt.time(16, 30)
DEFAULT_TZ = "Asia/Ho_Chi_Minh"  # the views' default; the API passes the office's timezone
ID_NUMBER = re.compile(r"^[0-9]{12}$")


# ---- calendar -------------------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _calendar(holidays: tuple, workdays: tuple, tz: str, cutoff: dt.time) -> WorkCalendar:
    return WorkCalendar(holidays, workdays, tz, cutoff)


def calendar(settings) -> WorkCalendar:
    """The office's working-day calendar (VN public holidays + the configured extra days)."""
    return _calendar(tuple(settings.extra_holidays), tuple(settings.extra_workdays), settings.timezone,
                     settings.dossier_cutoff)


def appointment(settings, received: dt.datetime, days: int) -> tuple[dt.date, dt.datetime]:
    """The appointment date and hour for papers received at `received` taking `days` working days.

    The date is WorkCalendar.add_working_days (cut-off, weekends, holidays). The hour is the
    reception's local clock time rounded up to the next half hour, kept within office hours
    (08:00-16:30); a same-day procedure received on its receipt day is due at the day's end."""
    cal = calendar(settings)
    day = cal.add_working_days(received, days)
    local = received.astimezone(cal.tz)
    minutes = local.hour * 60 + local.minute + (1 if local.second or local.microsecond else 0)
    minutes = -(-minutes // 30) * 30
    hour = dt.time(min(minutes // 60, 23), minutes % 60) if minutes < 24 * 60 else DAY_END
    if days == 0 and day == local.date():
        hour = DAY_END
    hour = min(max(hour, DAY_START), DAY_END)
    return day, dt.datetime.combine(day, hour, tzinfo=cal.tz)


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


def new_public_token() -> str:
    """The slip's unguessable reference (22 URL-safe characters, 128 bits)."""
    return secrets.token_urlsafe(16)


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
                procedure_code=proc.code, status=DECLARED, note=None, id_number=id_number,
                public_token=new_public_token(),
                masked_id=mask_id(id_number) if id_number else "", applicant=applicant, fields=doc,
                declared_at=ctx.now, received_at=None, updated_at=ctx.now, appointment_date=None,
                kiosk_id=kiosk_id or body.get("kiosk_id"), volunteer_code=body.get("volunteer_code"),
                idempotency_key=body["idempotency_key"], local_ref=body.get("local_ref"))
    d.history = [DossierHistory(at=ctx.now, status=DECLARED, note=None, actor=ctx.actor)]
    s.add(d)
    s.flush()
    audit(s, ctx, "dossier_declare", "dossier", d.code, procedure=proc.code, kiosk_id=d.kiosk_id,
          local_ref=d.local_ref)
    _event(s, ctx, d, "declared")
    return d, True


def submit_once(office, body: dict[str, Any], kiosk_id: str | None, actor: str) -> tuple[dict[str, Any], bool]:
    """Submit in its own transaction; a concurrent request with the same key makes this one's insert
    conflict, and the retry returns the winner's dossier."""
    def attempt(s: Session) -> tuple[dict[str, Any], bool]:
        d, created = submit(s, office.ctx(actor), office.settings, body, kiosk_id)
        return receipt_view(d, _names(s, d.procedure_code), office.settings.timezone), created
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


def by_token(s: Session, token: str) -> Dossier:
    """The public look-up: only the slip's token finds a dossier (a code answers 404 too)."""
    d = s.scalar(select(Dossier).where(Dossier.public_token == token)) if 8 <= len(token) <= 64 else None
    if d is None:
        raise NotFound("dossier_not_found", "no dossier with this reference")
    return d


def by_code_or_token(s: Session, ref: str) -> Dossier:
    """Staff and kiosks: the code, or the token of a scanned slip."""
    d = s.scalar(select(Dossier).where(Dossier.code == ref))
    return d if d is not None else by_token(s, ref)


def check_move(d: Dossier, status: str) -> None:
    """409 naming the dossier's status when the table does not allow this move."""
    if status not in TRANSITIONS[d.status]:
        allowed = ", ".join(TRANSITIONS[d.status]) or "nothing (it is closed)"
        raise Conflict("bad_status", f"dossier {d.code} is {d.status}; it can move to {allowed}", "status",
                       status=d.status)


def _move(s: Session, ctx: Ctx, d: Dossier, status: str, note: str | None, action: str, *,
          citizen_note: str | None = None, **details: Any) -> Dossier:
    """A move replaces both notes: each is about the dossier's current status."""
    previous = d.status
    d.status, d.note, d.citizen_note, d.updated_at = status, note, _clean_note(citizen_note), ctx.now
    d.history.append(DossierHistory(at=ctx.now, status=status, note=note, actor=ctx.actor))
    s.flush()
    audit(s, ctx, action, "dossier", d.code, previous=previous, status=status, **details)
    _event(s, ctx, d, "status")
    return d


def _clean_note(note: str | None) -> str | None:
    return (note or "").strip() or None


def change_status(s: Session, ctx: Ctx, code: str, status: str, note: str | None,
                  citizen_note: str | None = None) -> Dossier:
    """The generic move (processing, ready, returned, cancelled…); `received` only via accept."""
    if status not in STATUSES:
        raise Invalid("unknown_status", f"status must be one of {', '.join(STATUSES)}", "status")
    note = _clean_note(note)
    if status in NOTE_REQUIRED and not (note or _clean_note(citizen_note)):
        raise Invalid("note_required", "say why (a note is required)", "note")
    if status == MORE_DOCUMENTS and not (note or _clean_note(citizen_note)):
        raise Invalid("note_required", "say what is missing (or use /more-documents)", "note")
    d = by_code(s, code, lock=True)
    check_move(d, status)
    if status in VIA_ACCEPT:
        raise Invalid("use_accept", "a dossier is received with POST /api/dossiers/{code}/accept "
                      "(documents_received and sets)", "status")
    return _move(s, ctx, d, status, note, "dossier_status", citizen_note=citizen_note)


def _document_names(s: Session, d: Dossier) -> list[str]:
    """The names (Vietnamese text) of the procedure's documents, as the checklist shows them."""
    row = s.get(ProcedureRow, d.procedure_code)
    docs = row.data.get("documents", []) if row else []
    return [doc.get("vi", "") for doc in docs if isinstance(doc, dict) and doc.get("needed") != "never"]


def _check_documents(s: Session, d: Dossier, names: Any, field: str, *, required: bool) -> list[str]:
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise Invalid("invalid", f"{field} must be a list of document names", field)
    known = _document_names(s, d)
    cleaned: list[str] = []
    for i, name in enumerate(names):
        name = unicodedata.normalize("NFC", name.strip())
        if name not in known:
            raise Invalid("unknown_document", f"{name!r} is not a document of procedure {d.procedure_code}",
                          f"{field}.{i}", allowed=known)
        if name not in cleaned:
            cleaned.append(name)
    if required and not cleaned:
        raise Invalid("documents_required", f"{field} must name at least one document", field)
    return cleaned


def accept(s: Session, ctx: Ctx, settings, code: str, documents: Any, sets: Any, note: str | None,
           officer: str, citizen_note: str | None = None) -> Dossier:
    """"Tiếp nhận": the officer checked the papers. Reception time = now; the appointment date
    and hour are computed from it."""
    if isinstance(sets, bool) or not isinstance(sets, int) or not 1 <= sets <= MAX_SETS:
        raise Invalid("invalid", f"sets must be a whole number from 1 to {MAX_SETS}", "sets")
    d = by_code(s, code, lock=True)
    checked = _check_documents(s, d, documents, "documents_received", required=True)
    if d.status == RECEIVED and d.received_by_user == _username(ctx.actor) and (
            sorted(d.documents_received or []) == sorted(checked) and d.sets == sets):
        return d  # the same "Tiếp nhận" again (a double click, a retried request): the same dossier
    check_move(d, RECEIVED)
    d.documents_received = checked
    d.sets = sets
    d.received_at, d.received_by, d.received_by_user = ctx.now, officer, _username(ctx.actor)
    proc = procedure(s, d.procedure_code)
    d.appointment_date, d.appointment_at = appointment(settings, ctx.now, proc.processing_days)
    d.missing_documents = []
    moved = _move(s, ctx, d, RECEIVED, _clean_note(note), "dossier_accept", citizen_note=citizen_note, sets=sets,
                  documents=len(d.documents_received))
    handoff.enqueue(s, ctx, d, settings)  # in this transaction: a received dossier is never left unsent
    return moved


def more_documents(s: Session, ctx: Ctx, code: str, missing: Any, note: str | None,
                   citizen_note: str | None = None) -> Dossier:
    """"Yêu cầu bổ sung": the papers listed are missing."""
    d = by_code(s, code, lock=True)
    check_move(d, MORE_DOCUMENTS)
    d.missing_documents = _check_documents(s, d, missing, "missing_documents", required=True)
    return _move(s, ctx, d, MORE_DOCUMENTS, _clean_note(note), "dossier_more_documents",
                 citizen_note=citizen_note, missing=len(d.missing_documents))


def reject(s: Session, ctx: Ctx, code: str, reason: Any, citizen_note: str | None = None) -> Dossier:
    """"Từ chối", with the reason (it goes on the refusal form). The reason is staff's note: the
    citizen's page shows only `citizen_note` (staff may have named people in the reason)."""
    reason = _clean_note(reason if isinstance(reason, str) else None)
    if not reason:
        raise Invalid("reason_required", "say why the dossier is refused", "reason")
    d = by_code(s, code, lock=True)
    check_move(d, REJECTED)
    return _move(s, ctx, d, REJECTED, reason, "dossier_reject", citizen_note=citizen_note)


def _username(actor: str) -> str | None:
    return actor.split(":", 1)[1] if actor.startswith("user:") else None


def _event(s: Session, ctx: Ctx, d: Dossier, action: str) -> None:
    # /api/events is public: the event names the dossier, never the person
    publish(s, "dossier", {"action": action, "code": d.code, "status": d.status,
                           "procedure_code": d.procedure_code}, ctx.now)


# ---- listing --------------------------------------------------------------------------------------

def for_citizen(s: Session, id_number: str) -> list[Dossier]:
    return list(s.scalars(select(Dossier).where(Dossier.id_number == id_number)
                          .order_by(Dossier.declared_at.desc(), Dossier.id.desc()).limit(100)))


ID_LOOKUPS_PER_MINUTE = 20  # per kiosk: a citizen scans one card; a loop of numbers is refused
ID_LOOKUP_ACTION = "dossier_lookup_id"
PHONE_TAIL = re.compile(r"^[0-9]{4}$")


def kiosk_lookup(s: Session, ctx: Ctx, id_number: str, confirm: str) -> list[Dossier]:
    """A kiosk's look-up by a scanned ID card. A photo of a card scans as well as the card, so the
    citizen also confirms what the card does not show: `confirm` is the last four digits of the
    phone number on the dossier (every dossier of the card with that phone), or the code printed
    on the slip (its code, local reference or token: that one dossier). A dossier without a phone
    number opens only with its slip's code. A wrong confirmation finds nothing, exactly like a card
    without dossiers (so it tells nothing either).
    At most ID_LOOKUPS_PER_MINUTE per kiosk, right or wrong (429), each audited (the masked number,
    how it was confirmed, whether it matched; never the digits). The audit rows are the count, so
    the limit holds across workers and restarts."""
    since = ctx.now - dt.timedelta(minutes=1)
    recent = s.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.actor == ctx.actor, AuditEntry.action == ID_LOOKUP_ACTION, AuditEntry.at > since))
    if recent >= ID_LOOKUPS_PER_MINUTE:
        raise TooManyAttempts("too_many_lookups", f"at most {ID_LOOKUPS_PER_MINUTE} look-ups by ID card per "
                              "minute from a kiosk; try again in a minute", "id_number", retry_after=60)
    confirm = confirm.strip()
    by_phone = bool(PHONE_TAIL.match(confirm))
    found = [d for d in for_citizen(s, id_number)
             if (_phone_ends_with(d, confirm) if by_phone else _slip_matches(d, confirm))]
    audit(s, ctx, ID_LOOKUP_ACTION, "dossier", None, masked_id=mask_id(id_number),
          confirmed_by="phone" if by_phone else "slip", confirmed=bool(found), found=len(found))
    return found


def _phone_ends_with(d: Dossier, tail: str) -> bool:
    phone = (d.applicant or {}).get("phone")
    digits = "".join(ch for ch in phone if ch.isdigit()) if isinstance(phone, str) else ""
    return len(digits) >= len(tail) and digits.endswith(tail)


def _slip_matches(d: Dossier, ref: str) -> bool:
    """The code as printed (typed in any case), the local reference of a slip printed before the
    dossier was sent, or the token of the slip's QR (case-sensitive)."""
    folded = ref.upper()
    return bool(ref) and (folded == d.code.upper() or (d.local_ref is not None and folded == d.local_ref.upper())
                          or ref == d.public_token)


def listing(s: Session, *, status: str | None, day: dt.date | None, id_number: str | None,
            limit: int, declared_before: dt.datetime | None = None) -> list[Dossier]:
    """Staff's list; `declared_before` keeps the dossiers still `declared` since before that time
    (the stale ones staff follow up or cancel), oldest first."""
    q = select(Dossier)
    if status:
        q = q.where(Dossier.status == status)
    if day:
        q = q.where(Dossier.day == day)
    if id_number:
        q = q.where(Dossier.id_number == id_number)
    if declared_before is not None:
        q = q.where(Dossier.status == DECLARED, Dossier.declared_at < declared_before)
        return list(s.scalars(q.order_by(Dossier.declared_at, Dossier.id).limit(limit)))
    return list(s.scalars(q.order_by(Dossier.declared_at.desc(), Dossier.id.desc()).limit(limit)))


def stats(s: Session, first: dt.date | None, last: dt.date | None) -> dict[str, Any]:
    """Dossiers declared on local days first..last (the code's day): how many per status, how many
    an officer received (whatever their status is now), and that share."""
    q = select(Dossier.status, Dossier.received_at.is_not(None), func.count()).group_by(
        Dossier.status, Dossier.received_at.is_not(None))
    if first:
        q = q.where(Dossier.day >= first)
    if last:
        q = q.where(Dossier.day <= last)
    by_status = {st: 0 for st in STATUSES}
    declared = received = 0
    for status, was_received, n in s.execute(q):
        by_status[status] = by_status.get(status, 0) + n
        declared += n
        received += n if was_received else 0
    return {"from": first.isoformat() if first else None, "to": last.isoformat() if last else None,
            "declared": declared, "received": received,
            "received_share": round(received / declared, 4) if declared else None, "by_status": by_status}


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
        d.id_number, d.masked_id, d.note, d.citizen_note, d.purged_at = None, "", None, None, ctx.now
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


def local_iso(t: dt.datetime | None, tz: str) -> str | None:
    return t.astimezone(ZoneInfo(tz)).isoformat() if t else None


def receipt_view(d: Dossier, proc_names: tuple[str, str], tz: str = DEFAULT_TZ) -> dict[str, Any]:
    """The answer to POST /api/dossiers (what the kiosk's slip needs; no personal data). A declared
    dossier has no reception time and no appointment yet (the kiosk estimates one)."""
    return {"code": d.code, "status": d.status, "declared_at": iso(d.declared_at), "received_at": iso(d.received_at),
            "appointment_date": d.appointment_date.isoformat() if d.appointment_date else None,
            "appointment_at": local_iso(d.appointment_at, tz), "procedure_code": d.procedure_code,
            "procedure_name_vi": proc_names[0], "procedure_name_en": proc_names[1], "local_ref": d.local_ref,
            "public_token": d.public_token}


def public_view(d: Dossier, proc_names: tuple[str, str], tz: str = DEFAULT_TZ) -> dict[str, Any]:
    """Status look-up (by the slip's token) without any personal data: no staff names, no
    applicant, no id number, never staff's internal note (history without notes either): only the
    note written for the citizen. The missing documents are catalogue names: the citizen needs them."""
    return {**receipt_view(d, proc_names, tz), "citizen_note": d.citizen_note, "updated_at": iso(d.updated_at),
            "missing_documents": list(d.missing_documents or []),
            "history": [{"status": h.status, "at": iso(h.at)} for h in d.history],
            **handoff.public_keys(d)}


def kiosk_view(d: Dossier, proc_names: tuple[str, str], tz: str = DEFAULT_TZ) -> dict[str, Any]:
    """The kiosk's status screen (a code typed or a slip scanned): the public view plus the masked id."""
    return {**public_view(d, proc_names, tz), "masked_id": d.masked_id}


def citizen_list_view(d: Dossier, proc_names: tuple[str, str], tz: str = DEFAULT_TZ) -> dict[str, Any]:
    """The kiosk's list for a scanned ID card (a photo of a card is enough to scan one): codes,
    procedures, statuses and the appointment only; no notes, no token, no history."""
    return {"code": d.code, "status": d.status, "procedure_code": d.procedure_code,
            "procedure_name_vi": proc_names[0], "procedure_name_en": proc_names[1],
            "declared_at": iso(d.declared_at), "received_at": iso(d.received_at),
            "appointment_date": d.appointment_date.isoformat() if d.appointment_date else None,
            "appointment_at": local_iso(d.appointment_at, tz), "local_ref": d.local_ref, "public_token": None,
            "missing_documents": [], "history": [], "updated_at": iso(d.updated_at),
            **handoff.public_keys(d)}


def staff_view(d: Dossier, proc_names: tuple[str, str], tz: str = DEFAULT_TZ) -> dict[str, Any]:
    """Everything staff, the official forms (PDF) and the province's connector need. Times are UTC
    ISO, except appointment_at: local ISO with its offset (the hour the citizen is told). Pass the
    office's timezone as `tz`."""
    view = {**receipt_view(d, proc_names, tz), "procedure_name": proc_names[0], "id": d.id, "note": d.note,
            "citizen_note": d.citizen_note,
            "masked_id": d.masked_id, "applicant": d.applicant, "fields": d.fields, "day": d.day.isoformat(),
            "received_by": d.received_by, "received_by_user": d.received_by_user,
            "documents_received": list(d.documents_received or []), "sets": d.sets,
            "missing_documents": list(d.missing_documents or []),
            "updated_at": iso(d.updated_at), "kiosk_id": d.kiosk_id, "volunteer_code": d.volunteer_code,
            "purged_at": iso(d.purged_at), "next_statuses": list(TRANSITIONS[d.status]),
            "history": [{"status": h.status, "at": iso(h.at), "note": h.note, "actor": h.actor}
                        for h in d.history], **handoff.staff_keys(d)}
    # the official papers that can be printed now (the console shows a button for each)
    view["forms"] = [f for f in papers.FORMS if papers.not_applicable(f, view) is None]
    return view
