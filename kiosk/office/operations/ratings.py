"""Citizens rate the service of a finished ticket: on the counter's rating device, or on the
ticket's phone page. One rating per ticket, only within the rating window after "finish", only
for a ticket a counter really finished (not one closed by the daily reset).

The counters' rating devices are locked to their counter by a key an admin issues (shown once,
stored as a hash, like the kiosks' API keys).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.office.errors import Conflict, Invalid
from kiosk.office.operations import queue_rules as rules
from kiosk.office.operations import tickets
from kiosk.office.operations.context import Ctx, audit
from kiosk.office.operations.web_sessions import sha256
from kiosk.office.storage.events import publish
from kiosk.office.storage.models import AuditEntry, Counter, CounterDevice, Rating, Ticket

SCORES = (1, 2, 3, 4)  # 4 Rất hài lòng, 3 Hài lòng, 2 Bình thường, 1 Không hài lòng
SATISFIED = (3, 4)
LOW = (1, 2)  # only a low score carries reasons
REASONS = ("waited_long", "attitude", "extra_papers", "procedure_unclear")
COUNTER, PHONE = "counter", "phone"


# ---- devices

def device_for_key(s: Session, key: str) -> tuple[CounterDevice, Counter] | None:
    d = s.scalar(select(CounterDevice).where(CounterDevice.key_hash == sha256(key)))
    c = s.get(Counter, d.counter_id) if d else None
    return (d, c) if c is not None and c.active else None


def set_device_key(s: Session, ctx: Ctx, counter_id: int, key: str | None = None) -> tuple[CounterDevice, str]:
    """Give the counter's rating device a new key (the old one stops working); returns the key,
    which is never stored, only its hash."""
    c = tickets.counter_by_id(s, counter_id)
    key = key or secrets.token_urlsafe(18)
    other = s.scalar(select(CounterDevice).where(CounterDevice.key_hash == sha256(key)))
    if other is not None and other.counter_id != c.id:
        raise Conflict("key_in_use", "that device key belongs to another counter", "device_key")
    d = s.get(CounterDevice, c.id)
    if d is None:
        d = CounterDevice(counter_id=c.id, key_hash=sha256(key), issued_at=ctx.now, issued_by=ctx.actor)
        s.add(d)
    else:
        d.key_hash, d.issued_at, d.issued_by = sha256(key), ctx.now, ctx.actor
    s.flush()
    audit(s, ctx, "device_key", "counter", c.id, counter=c.number)  # never the key itself
    return d, key


def devices(s: Session) -> dict[int, CounterDevice]:
    return {d.counter_id: d for d in s.scalars(select(CounterDevice))}


# ---- what can be rated

def window(settings) -> dt.timedelta:
    return dt.timedelta(minutes=settings.rating_window_minutes)


def _rated(s: Session, ticket_id: int) -> Rating | None:
    return s.scalar(select(Rating).where(Rating.ticket_id == ticket_id))


def _rateable(t: Ticket) -> bool:
    """Finished by a counter (not closed by the daily reset)."""
    return t.status == rules.DONE and t.counter_id is not None and t.finished_at is not None \
        and t.closed_reason is None


def pending(s: Session, ctx: Ctx, counter_id: int, settings) -> Ticket | None:
    """The counter's last finished ticket still open to a rating, if any."""
    return s.scalar(select(Ticket).outerjoin(Rating, Rating.ticket_id == Ticket.id).where(
        Ticket.counter_id == counter_id, Ticket.status == rules.DONE, Ticket.closed_reason.is_(None),
        Ticket.finished_at >= ctx.now - window(settings), Rating.id.is_(None))
        .order_by(Ticket.finished_at.desc(), Ticket.id.desc()).limit(1))


def state(s: Session, ctx: Ctx, t: Ticket, settings) -> dict[str, Any]:
    """For the phone page: open (faces shown) | rated | closed (too late) | not_done."""
    r = _rated(s, t.id)
    if r is not None:
        return {"state": "rated", "score": r.score, "until": None}
    if not _rateable(t):
        return {"state": "not_done", "score": None, "until": None}
    until = t.finished_at + window(settings)
    return {"state": "open" if ctx.now <= until else "closed", "score": None, "until": until.isoformat()}


def _officer(s: Session, t: Ticket) -> str | None:
    """Who pressed "finish" (the audit log keeps it; tickets do not)."""
    actor = s.scalar(select(AuditEntry.actor).where(AuditEntry.ticket_id == t.id, AuditEntry.action == "finish")
                     .order_by(AuditEntry.id.desc()).limit(1))
    return actor.removeprefix("user:")[:60] if actor and actor.startswith("user:") else None


def _check_reasons(score: int, reasons: list[str]) -> list[str]:
    if score not in SCORES:
        raise Invalid("bad_score", "score must be 1, 2, 3 or 4", "score")
    unknown = [r for r in reasons if r not in REASONS]
    if unknown:
        raise Invalid("unknown_reason", f"unknown reason {unknown[0]!r}; reasons are {', '.join(REASONS)}", "reasons")
    if reasons and score not in LOW:
        raise Invalid("reasons_need_low_score", "reasons go with a score of 1 or 2 only", "reasons")
    return [r for r in REASONS if r in reasons]  # each once, in a fixed order


def rate(s: Session, ctx: Ctx, ticket_id: int, score: int, reasons: list[str], via: str, settings,
         counter_id: int | None = None) -> tuple[Rating, Ticket]:
    """Store the one rating of a ticket. A device may rate only its own counter's tickets."""
    reasons = _check_reasons(score, reasons)
    # row lock: two devices rating the same ticket at once are serialised here
    t = s.get(Ticket, ticket_id, with_for_update=True, populate_existing=True)
    if t is None:
        raise Invalid("not_finished_here", f"no finished ticket with id {ticket_id}", "ticket_id")
    if not _rateable(t) or (counter_id is not None and t.counter_id != counter_id):
        raise Invalid("not_finished_here", f"ticket {t.label} was not finished at this counter", "ticket_id")
    if _rated(s, t.id) is not None:
        raise Conflict("already_rated", f"ticket {t.label} has already been rated", "ticket_id")
    if ctx.now > t.finished_at + window(settings):
        raise Invalid("rating_closed", f"ticket {t.label} can no longer be rated "
                      f"({settings.rating_window_minutes:g} minutes after it was finished)", "ticket_id")
    r = Rating(ticket_id=t.id, counter_id=t.counter_id, officer=_officer(s, t), score=score, reasons=reasons,
               created_at=ctx.now, via=via)
    s.add(r)
    s.flush()
    audit(s, ctx, "rate", "ticket", t.id, t.id, number=t.label, via=via)  # the score stays in ratings
    # lets a counter's device drop the faces once the phone has rated (no score on the public stream)
    publish(s, "rating", {"ticket_id": t.id, "counter_id": t.counter_id, "via": via}, ctx.now)
    return r, t


def rating_view(r: Rating, t: Ticket) -> dict[str, Any]:
    return {"id": r.id, "ticket_id": r.ticket_id, "number": t.label, "counter_id": r.counter_id,
            "score": r.score, "reasons": list(r.reasons or []), "via": r.via, "created_at": r.created_at.isoformat()}


def pending_view(ctx: Ctx, t: Ticket, settings) -> dict[str, Any]:
    until = t.finished_at + window(settings)
    return {"ticket_id": t.id, "number": t.label, "finished_at": t.finished_at.isoformat(),
            "until": until.isoformat(), "seconds_left": max(0, int((until - ctx.now).total_seconds()))}
