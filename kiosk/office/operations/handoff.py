"""Hand-off to the province's one-stop system: the outbox rows, what a dossier sends, and the
delivery state staff see (issue 14, item 4; the worker that sends is kiosk/office/delivery.py).

`enqueue` runs inside the transaction that makes a dossier `received`, so the row is durable with
the status: a restart, or a kill -9 before delivery, loses nothing. Rows move
pending → delivered (the province answered with its code, or staff typed it) or
pending → failed (the province refused the dossier with a 4xx other than 409: only "Gửi lại" sends
it again). A 5xx, a timeout or a refused connection keeps the row pending, due again after an
exponential backoff with jitter. Workers take a row with a lease (`claim`): an UPDATE whose WHERE
holds only for a due, unleased row, so two office processes never send the same dossier at once.
The body is versioned (`SCHEMA`) and documented in kiosk/office/API.md.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from kiosk.office.errors import Conflict, Invalid
from kiosk.office.operations.context import Ctx, audit
from kiosk.office.storage.db import mark_for_commit
from kiosk.office.storage.events import publish
from kiosk.office.storage.models import Dossier, Handoff, ProcedureRow

SCHEMA = "motcua-kiosk/dossier-v1"
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
STATES = (PENDING, DELIVERED, FAILED)
NONE = "none"
OFFICIAL_CODE_MAX = 60
ERROR_MAX = 1000
WAKE_FLAG = "handoff_enqueued"  # Session.info key: delivery.py wakes this process's worker after commit


# ---- the outbox -----------------------------------------------------------------------------------

def row_for(s: Session, d: Dossier, *, lock: bool = False) -> Handoff | None:
    q = select(Handoff).where(Handoff.dossier_id == d.id)
    if lock:
        q = q.with_for_update()
    return s.scalar(q.execution_options(populate_existing=lock))


def enqueue(s: Session, ctx: Ctx, d: Dossier, settings) -> Handoff | None:
    """Queue `d` for delivery, inside the caller's transaction; nothing with kind = "none" (staff type
    the official code by hand). Calling it twice for one dossier keeps the first row."""
    kind = settings.connector.kind
    if kind == NONE:
        return None
    row = row_for(s, d)
    if row is not None:
        return row
    row = Handoff(dossier_id=d.id, kind=kind, state=PENDING, attempts=0, next_attempt_at=ctx.now,
                  created_at=ctx.now, updated_at=ctx.now)
    s.add(row)
    s.flush()
    mark_for_commit(s, WAKE_FLAG)
    return row


def due_ids(s: Session, now: dt.datetime, limit: int = 20) -> list[int]:
    """Pending rows whose time has come and which no live worker holds, oldest first."""
    return list(s.scalars(select(Handoff.id).where(*_claimable(now))
                          .order_by(Handoff.next_attempt_at, Handoff.id).limit(limit)))


def next_due(s: Session, now: dt.datetime) -> dt.datetime | None:
    """When a pending row next becomes claimable: its retry time, or the end of a live lease."""
    free = s.scalar(select(func.min(Handoff.next_attempt_at)).where(
        Handoff.state == PENDING, or_(Handoff.lease_until.is_(None), Handoff.lease_until < now)))
    leased = s.scalar(select(func.min(Handoff.lease_until)).where(Handoff.state == PENDING,
                                                                  Handoff.lease_until >= now))
    return min((t for t in (free, leased) if t is not None), default=None)


def _claimable(now: dt.datetime):
    return (Handoff.state == PENDING, Handoff.next_attempt_at <= now,
            or_(Handoff.lease_until.is_(None), Handoff.lease_until < now))


def claim(s: Session, now: dt.datetime, row_id: int, owner: str, lease_seconds: float) -> bool:
    """Take the row for one send. The WHERE is checked again under the row's write lock
    (PostgreSQL) or the database write lock (SQLite), so of two workers exactly one gets rowcount 1."""
    result = s.execute(update(Handoff).where(Handoff.id == row_id, *_claimable(now)).values(
        lease_owner=owner, lease_until=now + dt.timedelta(seconds=lease_seconds),
        attempts=Handoff.attempts + 1, updated_at=now).execution_options(synchronize_session=False))
    return result.rowcount == 1


def backoff_seconds(attempts: int, first: float, cap: float, rand=random.random) -> float:
    """first, 2×first, 4×first … up to cap, each scaled by a random 0.5–1 so that offices coming
    back after the same outage do not all knock at once."""
    return min(cap, first * 2 ** max(0, attempts - 1)) * (0.5 + rand() / 2)


def record(s: Session, ctx: Ctx, row_id: int, owner: str, outcome, settings) -> Handoff | None:
    """Store a send's outcome (kiosk.office.connectors.Outcome) if this worker still holds the row;
    None when it does not (staff typed the code meanwhile, or the lease ran out and another worker
    took over: the province saw the same Idempotency-Key, so nothing is doubled)."""
    row = s.scalar(select(Handoff).where(Handoff.id == row_id, Handoff.lease_owner == owner,
                                         Handoff.state == PENDING).with_for_update()
                   .execution_options(populate_existing=True))
    if row is None:
        return None
    d = s.get(Dossier, row.dossier_id)
    row.lease_owner, row.lease_until, row.updated_at = None, None, ctx.now
    row.last_status = outcome.status
    if outcome.kind == "delivered":
        row.state, row.delivered_at, row.delivered_by = DELIVERED, ctx.now, f"connector:{row.kind}"
        row.official_code, row.last_error = outcome.official_code, None
        if outcome.official_code and not d.official_code:
            d.official_code = outcome.official_code
        audit(s, ctx, "handoff_delivered", "dossier", d.code, official_code=outcome.official_code,
              attempts=row.attempts)
    elif outcome.kind == "permanent":
        row.state, row.last_error = FAILED, outcome.detail[:ERROR_MAX]
        audit(s, ctx, "handoff_failed", "dossier", d.code, status=outcome.status, attempts=row.attempts)
    else:
        c = settings.connector
        row.last_error = outcome.detail[:ERROR_MAX]
        row.next_attempt_at = ctx.now + dt.timedelta(
            seconds=backoff_seconds(row.attempts, c.retry_first_seconds, c.retry_max_seconds))
    s.flush()
    if row.state != PENDING:
        _event(s, ctx, d, row)
    return row


# ---- staff ----------------------------------------------------------------------------------------

def clean_official_code(value: Any) -> str:
    code = value.strip() if isinstance(value, str) else ""
    if not code or len(code) > OFFICIAL_CODE_MAX or not code.isprintable():
        raise Invalid("bad_official_code", f"official_code: the province's code, 1 to {OFFICIAL_CODE_MAX} "
                      "printable characters", "official_code")
    return code


def record_by_hand(s: Session, ctx: Ctx, d: Dossier, official_code: Any) -> Dossier:
    """Staff typed the code the province gave (kind = "none", or after re-typing it there): the
    dossier is in the province's system, so a pending or failed delivery must not send it again."""
    code = clean_official_code(official_code)
    previous = d.official_code
    d.official_code, d.updated_at = code, ctx.now
    row = row_for(s, d, lock=True)
    if row is not None and row.state != DELIVERED:
        row.state, row.delivered_at, row.delivered_by = DELIVERED, ctx.now, ctx.actor
        row.lease_owner, row.lease_until, row.updated_at = None, None, ctx.now
    if row is not None:
        row.official_code = code
    s.flush()
    audit(s, ctx, "official_code", "dossier", d.code, official_code=code, previous=previous)
    _event(s, ctx, d, row)
    return d


def retry(s: Session, ctx: Ctx, d: Dossier, settings) -> Handoff:
    """"Gửi lại": send a failed (or waiting) dossier now; queue one received before the connector."""
    if settings.connector.kind == NONE:
        raise Conflict("no_connector", "no connector is configured ([office.connector] kind = \"none\"): "
                       "record the official code by hand", "kind")
    if d.received_at is None:  # declared, or asked for papers / refused before any "Tiếp nhận"
        raise Conflict("not_received", f"dossier {d.code} is {d.status}: it is handed off once received",
                       "status", status=d.status)
    row = row_for(s, d, lock=True)
    if row is None:
        row = enqueue(s, ctx, d, settings)
    elif row.state == DELIVERED:
        raise Conflict("already_delivered", f"dossier {d.code} is already in the province's system",
                       "delivery", official_code=d.official_code)
    else:
        row.state, row.attempts, row.next_attempt_at, row.updated_at = PENDING, 0, ctx.now, ctx.now
        mark_for_commit(s, WAKE_FLAG)
    s.flush()
    audit(s, ctx, "handoff_retry", "dossier", d.code)
    _event(s, ctx, d, row)
    return row


def _event(s: Session, ctx: Ctx, d: Dossier, row: Handoff | None) -> None:
    # the /dossiers page refreshes on dossier events; like every event, nothing personal
    publish(s, "dossier", {"action": "handoff", "code": d.code, "status": d.status,
                           "procedure_code": d.procedure_code, "delivery": row.state if row else None,
                           "official_code": d.official_code}, ctx.now)


# ---- what is sent ---------------------------------------------------------------------------------

def _local_iso(t: dt.datetime | None, tz: str) -> str | None:
    return t.astimezone(ZoneInfo(tz)).isoformat() if t else None


def payload(s: Session, d: Dossier, settings) -> dict[str, Any]:
    """The body of `motcua-kiosk/dossier-v1` (kiosk/office/API.md, "Hand-off to the province")."""
    row = s.get(ProcedureRow, d.procedure_code)
    data = row.data if row else {}
    return {
        "schema": SCHEMA,
        "office_code": settings.office_code,
        "local_code": d.code,
        "procedure_code": d.procedure_code,
        "procedure_name": data.get("name_official_vi") or data.get("name_vi") or d.procedure_code,
        "received_at": _local_iso(d.received_at, settings.timezone),
        "appointment_at": _local_iso(d.appointment_at, settings.timezone),
        "received_by": d.received_by,
        "applicant": dict(d.applicant or {}),
        "fields": dict(d.fields or {}),
        "documents_received": list(d.documents_received or []),
        "sets": d.sets,
    }


# ---- views ----------------------------------------------------------------------------------------

def _iso(t: dt.datetime | None) -> str | None:
    return t.astimezone(dt.timezone.utc).isoformat() if t else None


def delivery_view(row: Handoff | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"state": row.state, "kind": row.kind, "attempts": row.attempts,
            "next_attempt_at": _iso(row.next_attempt_at) if row.state == PENDING else None,
            "last_status": row.last_status, "last_error": row.last_error, "official_code": row.official_code,
            "created_at": _iso(row.created_at), "delivered_at": _iso(row.delivered_at),
            "delivered_by": row.delivered_by, "can_retry": row.state != DELIVERED}


def public_keys(d: Dossier) -> dict[str, Any]:
    """Added to the public and kiosk views: the province's code beside the local one."""
    return {"official_code": d.official_code}


def staff_keys(d: Dossier) -> dict[str, Any]:
    """Added to the staff view: the official code and the delivery state (None: nothing queued)."""
    return {"official_code": d.official_code, "delivery": delivery_view(d.handoff)}


def health(s: Session, settings, now: dt.datetime) -> dict[str, Any]:
    """The admin page's connector box: configuration (no token, no secret) and the outbox figures."""
    c = settings.connector
    counts = dict(s.execute(select(Handoff.state, func.count()).group_by(Handoff.state)).all())
    last_ok = s.scalar(select(func.max(Handoff.delivered_at)).where(Handoff.delivered_by.like("connector:%")))
    oldest = s.scalar(select(func.min(Handoff.created_at)).where(Handoff.state == PENDING))
    failing = s.execute(select(Handoff.last_error, Handoff.updated_at).where(
        Handoff.state.in_((PENDING, FAILED)), Handoff.last_error.is_not(None))
        .order_by(Handoff.updated_at.desc()).limit(1)).first()
    overdue = s.scalar(select(func.count()).select_from(Handoff).where(
        Handoff.state == PENDING, Handoff.next_attempt_at < now - dt.timedelta(minutes=1))) or 0
    # the KPI: of the dossiers received, how many are in the province's system (delivered, or its
    # code typed by staff or reported by the province)
    received = s.scalar(select(func.count()).select_from(Dossier).where(Dossier.received_at.is_not(None))) or 0
    delivered_ids = select(Handoff.dossier_id).where(Handoff.state == DELIVERED)
    reached = s.scalar(select(func.count()).select_from(Dossier).where(
        Dossier.received_at.is_not(None),
        or_(Dossier.official_code.is_not(None), Dossier.id.in_(delivered_ids)))) or 0
    return {"kind": c.kind, "url": c.url or None, "folder": c.folder or None, "timeout": c.timeout,
            "token_set": bool(c.token), "status_secret_set": bool(c.secret),
            "pending": counts.get(PENDING, 0), "failed": counts.get(FAILED, 0),
            "delivered": counts.get(DELIVERED, 0), "last_delivered_at": _iso(last_ok),
            "oldest_pending_at": _iso(oldest), "overdue": overdue, "received": received, "reached": reached,
            "last_error": failing.last_error if failing else None,
            "last_error_at": _iso(failing.updated_at) if failing else None}


def listing(s: Session, state: str | None, limit: int = 200) -> list[tuple[Handoff, str]]:
    q = select(Handoff, Dossier.code).join(Dossier, Dossier.id == Handoff.dossier_id)
    if state:
        q = q.where(Handoff.state == state)
    return [(r, code) for r, code in s.execute(q.order_by(Handoff.updated_at.desc()).limit(limit)).all()]
