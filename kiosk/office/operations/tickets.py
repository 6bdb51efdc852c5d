"""The ticket lifecycle on the database: issue, call, start, finish, transfer, requeue, reprint,
counters' pauses, the daily close, and wait estimates.

Each function runs inside the caller's write transaction, checks the ticket's status under a row
lock, writes the change, its audit entry and its event. The rules live in queue_rules; this
module only loads, locks and stores.
"""

from __future__ import annotations

import datetime as dt
import secrets
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (Integer, String, bindparam, case, cast, delete, func, insert, literal, or_, select, true,
                        union_all, update)
from sqlalchemy.orm import Session, joinedload, lazyload

from kiosk.domain.contract import PRIORITY_CATEGORIES
from kiosk.office.errors import CapReached, Conflict, Invalid, NotFound
from kiosk.office.operations import queue_rules as rules
from kiosk.office.operations.context import Ctx, audit, audit_row, runtime_settings
from kiosk.office.storage.db import next_in_sequence, next_in_sequence_cte
from kiosk.office.storage.events import event_ctes, publish, published
from kiosk.office.storage.models import (AuditEntry, Counter, DailyCounter, Event, Service, Ticket,
                                         counter_services)

def policy(s: Session) -> rules.Policy:
    v = runtime_settings(s)
    return rules.Policy(int(v["priority_ratio_normal"]), int(v["priority_ratio_priority"]),
                        dt.timedelta(minutes=float(v["max_wait_minutes"])))


# ---- lookups

def service_by_code(s: Session, code: str, field: str = "service") -> Service:
    svc = s.scalar(select(Service).where(Service.code == code))
    if svc is None or not svc.active:
        raise Invalid("unknown_service", f"no active service with code {code!r}", field)
    return svc


# A ticket comes with its service and counter in the same SELECT (a join), and a counter's
# services load only when read: selectin queries on every get, and then lazy loads, were a
# quarter and a fifth of a call-next and finish's CPU (issue 18).
_LIGHT_TICKET = (joinedload(Ticket.service, innerjoin=True), joinedload(Ticket.counter).lazyload(Counter.services))
_LIGHT_COUNTER = (lazyload(Counter.services),)
# the lock is on the ticket's row alone: PostgreSQL cannot lock the outer join's missing counter,
# and locking the service row would make counters of one service wait for (or skip) each other
_LOCK_TICKET = {"of": Ticket}


def counter_by_id(s: Session, counter_id: int, *, lock: bool = False, field: str | None = None) -> Counter:
    c = s.get(Counter, counter_id, with_for_update=lock or None, populate_existing=lock, options=_LIGHT_COUNTER)
    if c is None or not c.active:
        if field:
            raise Invalid("unknown_counter", f"no active counter with id {counter_id}", field)
        raise NotFound("counter_not_found", f"no active counter with id {counter_id}")
    return c


def ticket_by_id(s: Session, ticket_id: int, *, lock: bool = True, kiosk_id: str | None = None) -> Ticket:
    """kiosk_id: a kiosk asking sees only the tickets it issued (another kiosk's is "not found")."""
    t = s.get(Ticket, ticket_id, with_for_update=_LOCK_TICKET if lock else None, populate_existing=lock,
              options=_LIGHT_TICKET)
    if t is None or (kiosk_id is not None and t.kiosk_id != kiosk_id):
        raise NotFound("ticket_not_found", f"no ticket with id {ticket_id}")
    return t


def _require(t: Ticket, action: str) -> None:
    allowed = rules.TRANSITIONS[action]
    if t.status not in allowed:
        raise Conflict("bad_status", f"ticket {t.label} is {t.status}; {action} needs "
                       f"{' or '.join(allowed)}", "status", status=t.status)


def _queue_event(s: Session, ctx: Ctx, t: Any, action: str) -> None:
    publish(s, "queue", {"action": action, "ticket_id": t.id, "number": t.label,
                         "service": t.service.code if t.service else None, "status": t.status}, ctx.now)


# ---- issue

def find_by_key(s: Session, kiosk_id: str, key: str) -> Ticket | None:
    """The ticket this kiosk got for this key, if any (one light id query: usually there is none)."""
    found = s.connection().execute(_ID_BY_KEY, {"kiosk_id": kiosk_id, "key": key}).scalar()
    return None if found is None else s.get(Ticket, found)


_ID_BY_KEY = select(Ticket.id).where(Ticket.kiosk_id == bindparam("kiosk_id"),
                                     Ticket.idempotency_key == bindparam("key"))


def issue_ticket(s: Session, ctx: Ctx, *, service_code: str, priority: str | None, idempotency_key: str,
                 kiosk_id: str, volunteer_code: str | None = None, cap: int | None = None) -> tuple[Any, bool]:
    """Issue a ticket, or return the one this kiosk already got for this key (created=False).

    A new ticket is written with plain SQL statements rather than through the ORM's unit of work,
    which cost most of a ticket's CPU (issue 18), and comes back as a `NewTicket`: the row's
    columns as attributes, its service, and the open counters serving it (`serving`).
    A concurrent duplicate key surfaces as IntegrityError from the insert; the caller runs it with
    Database.write_retrying_duplicates, whose retry then finds the winner's ticket.
    `cap`: the service's daily cap; the number past it raises CapReached, which rolls the
    increment back. Checked on the number the counter row's upsert returns, under that row's
    lock, so concurrent requests at cap - 1 get exactly one ticket (a replay is answered before).
    """
    existing = find_by_key(s, kiosk_id, idempotency_key)
    if existing is not None:
        _same_request_or_conflict(s, existing, service_code, priority, volunteer_code)
        return existing, False
    if priority is not None and priority not in PRIORITY_CATEGORIES:
        raise Invalid("unknown_priority", f"priority must be null or one of {', '.join(PRIORITY_CATEGORIES)}",
                      "priority")
    svc = s.connection().execute(_SERVICE_BY_CODE, {"code": service_code}).first()
    if svc is None or not svc.active:
        raise Invalid("unknown_service", f"no active service with code {service_code!r}", "service")
    serving = open_counters(s, svc.id)
    if not serving:  # a number nobody can call would strand the citizen
        raise Conflict("service_closed", f"no counter serves {svc.name_vi} ({svc.code}) now", "service")
    row = dict(issued_service_id=svc.id, service_id=svc.id, day=ctx.today, status=rules.WAITING,
               priority=priority, kiosk_id=kiosk_id, idempotency_key=idempotency_key,
               volunteer_code=volunteer_code, public_token=secrets.token_urlsafe(16), issued_at=ctx.now,
               queued_at=ctx.now, reprint_count=0, call_count=0, transfer_count=0)
    if s.get_bind().dialect.name == "postgresql":
        ticket_id, n = _issue_in_one_statement(s, ctx, svc, row, cap)
        row.update(number=n, label=rules.format_number(svc.prefix, n))
        return TicketRow(id=ticket_id, service=svc, serving=serving, **row), True
    n = next_in_sequence(s, DailyCounter, service_id=svc.id, day=ctx.today)
    if cap is not None and n > cap:
        raise CapReached(svc, cap)
    row.update(number=n, label=rules.format_number(svc.prefix, n))
    ticket_id = s.connection().execute(_INSERT_TICKET, row).scalar_one()
    audit_row(s, ctx, "issue", "ticket", ticket_id, ticket_id, number=row["label"], service=svc.code,
              priority=priority, kiosk_id=kiosk_id)
    publish(s, "queue", {"action": "issue", "ticket_id": ticket_id, "number": row["label"],
                         "service": svc.code, "status": rules.WAITING}, ctx.now)
    return TicketRow(id=ticket_id, service=svc, serving=serving, **row), True


def _issue_in_one_statement(s: Session, ctx: Ctx, svc: Any, row: dict, cap: int | None) -> tuple[int, int]:
    """PostgreSQL: the number, the ticket, its audit entry and its event as one statement: the
    same writes as the SQLite path above, in one round trip instead of five (issue 18)."""
    params = dict(row, svc_code=svc.code, prefix=svc.prefix, cap=cap, now=ctx.now, actor=ctx.actor)
    n, ticket_id = s.connection().execute(_pg_issue_statement(), params).one()
    if ticket_id is None:  # past the cap: raising rolls the number back with the transaction
        raise CapReached(svc, cap)
    published(s)
    return ticket_id, n


@lru_cache(maxsize=None)
def _pg_issue_statement():
    def p(name: str, column=None):
        return bindparam(name, type_=(column if column is not None else _T.c[name]).type)

    a = AuditEntry.__table__
    number = next_in_sequence_cte(DailyCounter, "service_id", "day")
    digits = cast(number.c.last_number, String)
    label = p("prefix", Service.__table__.c.prefix) + func.lpad(digits, func.greatest(3, func.length(digits)), "0")
    columns = ["issued_service_id", "service_id", "day", "number", "label", "status", "priority", "kiosk_id",
               "idempotency_key", "volunteer_code", "public_token", "issued_at", "queued_at",
               "reprint_count", "call_count", "transfer_count"]
    values = [p("service_id"), p("service_id"), p("day"), number.c.last_number, label, p("status"),
              p("priority"), p("kiosk_id"), p("idempotency_key"), p("volunteer_code"), p("public_token"),
              p("now", _T.c.issued_at), p("now", _T.c.issued_at), p("reprint_count"), p("call_count"),
              p("transfer_count")]
    cap = bindparam("cap", type_=Integer)
    ticket = (insert(_T).from_select(columns, select(*values).where(
        or_(cap.is_(None), number.c.last_number <= cap))).returning(_T.c.id, _T.c.label).cte("ticket"))
    svc_code = p("svc_code", Service.__table__.c.code)
    audit_entry = insert(a).from_select(
        ["at", "actor", "action", "entity", "entity_id", "ticket_id", "details"],
        select(p("now", a.c.at), p("actor", a.c.actor), literal("issue"), literal("ticket"),
               cast(ticket.c.id, String), ticket.c.id,
               func.json_build_object("number", ticket.c.label, "service", svc_code, "priority", p("priority"),
                                      "kiosk_id", p("kiosk_id"))).select_from(ticket)).cte("audit_entry")
    lock, event_row = event_ctes("queue", func.json_build_object(
        "action", "issue", "ticket_id", ticket.c.id, "number", ticket.c.label, "service", svc_code,
        "status", p("status")), ticket)
    return (select(number.c.last_number, ticket.c.id).select_from(number.outerjoin(ticket, true()))
            .add_cte(audit_entry, lock, event_row))


_SERVICE_BY_CODE = select(Service.id, Service.code, Service.prefix, Service.name_vi, Service.name_en,
                          Service.active).where(Service.code == bindparam("code"))
_INSERT_TICKET = insert(Ticket.__table__).returning(Ticket.__table__.c.id)


class TicketRow(SimpleNamespace):
    """A ticket written or read with plain SQL, with the attributes json_views.ticket_view reads:
    its columns, its service (id, code, names) and its counter (id, number) or None."""

    def __init__(self, *, counter: Any = None, **columns: Any):
        unset = {c.key: None for c in _T.columns if c.key not in columns}
        super().__init__(**unset, **columns, counter=counter)


_T = Ticket.__table__


def _same_request_or_conflict(s: Session, t: Ticket, service_code: str, priority: str | None,
                              volunteer_code: str | None) -> None:
    """A replay must repeat its request: the same key with another body is a client bug, and
    silently answering the first ticket would print a slip for a service the citizen did not pick."""
    issued = s.get(Service, t.issued_service_id)
    for field, was, now in (("service", issued.code if issued else None, service_code),
                            ("priority", t.priority, priority), ("volunteer_code", t.volunteer_code, volunteer_code)):
        if was != now:
            raise Conflict("idempotency_key_reused", f"this idempotency_key was used for another request "
                           f"({field} differs); use a new key for a new ticket", field, ticket_id=t.id)


# ---- calling

def current_ticket(s: Session, counter_id: int, day: dt.date) -> Ticket | None:
    return s.scalar(select(Ticket).where(*_current_where()).order_by(Ticket.called_at.desc()).limit(1),
                    {"counter_id": counter_id, "day": day})


def _current_where() -> tuple:
    return (Ticket.counter_id == bindparam("counter_id"), Ticket.day == bindparam("day"),
            Ticket.status.in_((rules.CALLED, rules.SERVING)))


# the busy check before a call needs only these columns (loading the ticket cost more, issue 18)
_BUSY = select(Ticket.id, Ticket.label, Ticket.status).where(*_current_where()).limit(1)


def _ready_counter(s: Session, ctx: Ctx, counter_id: int) -> Any:
    """The counter, locked, as a light row (id, number, streak), if it may call now."""
    c = s.connection().execute(_LOCKED_COUNTER, {"id": counter_id}).first()
    if c is None or not c.active:
        raise NotFound("counter_not_found", f"no active counter with id {counter_id}")
    if c.paused:
        raise Conflict("counter_paused", f"counter {c.number} is paused; resume it first", "counter_id")
    busy = s.connection().execute(_BUSY, {"counter_id": c.id, "day": ctx.today}).first()
    if busy is not None:
        raise Conflict("counter_busy", f"counter {c.number} still has ticket {busy.label} ({busy.status}); "
                       "finish it or mark it no-show first", "counter_id", ticket_id=busy.id)
    return c


_LOCKED_COUNTER = (select(Counter.id, Counter.number, Counter.active, Counter.paused, Counter.streak_kind,
                          Counter.streak_len).where(Counter.id == bindparam("id")).with_for_update())


def _mark_called(s: Session, ctx: Ctx, t: TicketRow, c: Any, how: str) -> TicketRow:
    """Stores the call of `t` by counter `c` (a light row) in plain SQL: the ORM's unit of work
    cost more than the rest of a call-next (issue 18)."""
    streak = rules.Streak(c.streak_kind, c.streak_len).after(t.priority is not None)
    conn = s.connection()
    conn.execute(_SET_STREAK, {"cid": c.id, "kind": streak.kind, "length": streak.length})
    conn.execute(_SET_CALLED, {"tid": t.id, "cid": c.id, "at": ctx.now})
    t.status, t.counter_id, t.target_counter_id = rules.CALLED, c.id, None
    t.called_at, t.call_count = ctx.now, t.call_count + 1
    t.counter = SimpleNamespace(id=c.id, number=c.number)
    audit_row(s, ctx, how, "ticket", t.id, t.id, number=t.label, counter=c.number)
    publish(s, "call", call_payload(t, t.counter, ctx.now, recall=False), ctx.now)
    _queue_event(s, ctx, t, how)
    return t


_SET_STREAK = (update(Counter.__table__).where(Counter.__table__.c.id == bindparam("cid"))
               .values(streak_kind=bindparam("kind"), streak_len=bindparam("length")))
_SET_CALLED = (update(_T).where(_T.c.id == bindparam("tid"))
               .values(status=rules.CALLED, counter_id=bindparam("cid"), target_counter_id=None,
                       called_at=bindparam("at"), call_count=_T.c.call_count + 1))


def call_payload(t: Any, c: Any, now: dt.datetime, recall: bool) -> dict[str, Any]:
    return {"ticket_id": t.id, "number": t.label, "counter_number": c.number, "counter_id": c.id,
            "service": t.service.code, "at": now.isoformat(), "recall": recall}


def call_next(s: Session, ctx: Ctx, counter_id: int) -> TicketRow | None:
    """The database chooses with rules.next_order (ORDER BY ... LIMIT 1) rather than the whole line
    being read and rules.choose_next run on it: its cost grew with the line (issue 18)."""
    c = _ready_counter(s, ctx, counter_id)
    order = rules.next_order(rules.Streak(c.streak_kind, c.streak_len), policy(s), ctx.now)
    # A row another counter holds locked is skipped (PostgreSQL; SQLite's write transaction is
    # exclusive) and PostgreSQL rechecks status=waiting on a row called meanwhile, so the next in
    # the order comes instead — what choose_next would pick among the rest.
    t = next_waiting(s, c, ctx.today, order)
    return None if t is None else _mark_called(s, ctx, t, c, "call_next")


def next_waiting(s: Session, c: Any, day: dt.date, order: rules.NextOrder) -> TicketRow | None:
    """The waiting ticket `order` puts first among those counter `c` may call, locked.

    On SQLite it is chosen among the first ticket of each line the counter serves (per service,
    normal and priority apart, and those sent to it), found by index seeks: `order` ranks a line's
    tickets by (queued_at, id) whatever else, so its first ticket is the only one that can win.
    Sorting the whole line instead cost more the longer the line (issue 18). SQLite's write
    transaction is exclusive, so nothing moves in between; PostgreSQL sorts in the server and
    skips rows other counters hold, in one statement."""
    prefer = 1 if order.prefer_priority else 0
    params = {"day": day, "counter_id": c.id, "cutoff": order.cutoff, "normal_rank": prefer, "priority_rank": 1 - prefer}
    conn = s.connection()
    if conn.dialect.name != "sqlite":
        row = conn.execute(_NEXT_WAITING, params).first()
        return None if row is None else _ticket_from(row)
    heads = [i for row in conn.execute(_HEADS, {"day": day, "counter_id": c.id}) for i in row if i is not None]
    row = conn.execute(_FIRST_OF_HEADS, {**params, "ids": heads}).first() if heads else None
    return None if row is None else _ticket_from(row)


def _callable_where(counter_id, day) -> tuple:
    """Waiting tickets a counter may call: its services' lines plus tickets sent to it."""
    service_ids = (select(counter_services.c.service_id).join(Service, Service.id == counter_services.c.service_id)
                   .where(counter_services.c.counter_id == counter_id, Service.active.is_(True)))
    return (Ticket.day == day, Ticket.status == rules.WAITING,
            (Ticket.service_id.in_(service_ids) & Ticket.target_counter_id.is_(None))
            | (Ticket.target_counter_id == counter_id))


# A ticket with its service's code and names and its counter's number, in one SELECT of plain
# rows: loading the ORM objects cost more than the statement (issue 18)
_TICKET_WITH_NAMES = (select(_T, Service.code.label("svc_code"), Service.name_vi.label("svc_name_vi"),
                             Service.name_en.label("svc_name_en"), Counter.number.label("counter_number"))
                      .join(Service, Service.id == _T.c.service_id)
                      .outerjoin(Counter, Counter.id == _T.c.counter_id))


def _ticket_from(row: Any) -> TicketRow:
    m = dict(row._mapping)
    service = SimpleNamespace(id=m["service_id"], code=m.pop("svc_code"), name_vi=m.pop("svc_name_vi"),
                              name_en=m.pop("svc_name_en"))
    number = m.pop("counter_number")
    counter = None if m["counter_id"] is None else SimpleNamespace(id=m["counter_id"], number=number)
    return TicketRow(**m, service=service, counter=counter)


def ticket_row(s: Session, ticket_id: int) -> TicketRow:
    """ticket_by_id as a plain row, locked (the lock is on the ticket's row alone, as there)."""
    row = s.connection().execute(_LOCKED_TICKET_ROW, {"id": ticket_id}).first()
    if row is None:
        raise NotFound("ticket_not_found", f"no ticket with id {ticket_id}")
    return _ticket_from(row)


_LOCKED_TICKET_ROW = _TICKET_WITH_NAMES.where(_T.c.id == bindparam("id")).with_for_update(of=_T)


def _first_in_order(*where):
    # built once (statement building and its cache key were a fifth of a call-next's CPU)
    overdue = Ticket.queued_at <= bindparam("cutoff")
    return (_TICKET_WITH_NAMES.where(*where)
            .order_by(case((overdue, 0), else_=1),
                      case((overdue, 0), (Ticket.priority.is_(None), bindparam("normal_rank", type_=Integer)),
                           else_=bindparam("priority_rank", type_=Integer)),
                      Ticket.queued_at, Ticket.id)
            .limit(1))


_NEXT_WAITING = (_first_in_order(*_callable_where(bindparam("counter_id"), bindparam("day")))
                 .with_for_update(skip_locked=True, of=_T))
# the heads are callable tickets already; by id alone, or SQLite scans the day's line for them
_FIRST_OF_HEADS = _first_in_order(_T.c.id.in_(bindparam("ids", expanding=True)))


def _head(*where):
    """The first waiting ticket by (queued_at, id) of one line, read from ix_ticket_call or ix_ticket_target."""
    return (select(_T.c.id).where(_T.c.day == bindparam("day"), _T.c.status == rules.WAITING, *where)
            .order_by(_T.c.queued_at, _T.c.id).limit(1).scalar_subquery())


def _heads_statement():
    served = (select(_head(_T.c.service_id == counter_services.c.service_id, _T.c.priority.is_(None),
                           _T.c.target_counter_id.is_(None)),
                     _head(_T.c.service_id == counter_services.c.service_id, _T.c.priority.is_not(None),
                           _T.c.target_counter_id.is_(None)))
              .join_from(counter_services, Service, Service.id == counter_services.c.service_id)
              .where(counter_services.c.counter_id == bindparam("counter_id"), Service.active.is_(True)))
    sent = select(_head(_T.c.target_counter_id == bindparam("counter_id"), _T.c.priority.is_(None)),
                  _head(_T.c.target_counter_id == bindparam("counter_id"), _T.c.priority.is_not(None)))
    return union_all(served, sent)


_HEADS = _heads_statement()


def call_ticket(s: Session, ctx: Ctx, ticket_id: int, counter_id: int) -> TicketRow:
    c = _ready_counter(s, ctx, counter_id)
    t = ticket_row(s, ticket_id)
    _require(t, "call")
    if t.day != ctx.today:
        raise Conflict("ticket_expired", f"ticket {t.label} is from {t.day}", "ticket_id")
    return _mark_called(s, ctx, t, c, "call")


def recall(s: Session, ctx: Ctx, ticket_id: int) -> Ticket:
    t = ticket_by_id(s, ticket_id)
    _require(t, "recall")
    t.call_count += 1
    s.flush()
    audit_row(s, ctx, "recall", "ticket", t.id, t.id, number=t.label, counter=t.counter.number)
    publish(s, "call", call_payload(t, t.counter, ctx.now, recall=True), ctx.now)
    return t


def _step(s: Session, ctx: Ctx, ticket_id: int, action: str, status: str, stamp: str) -> TicketRow:
    """A counter's everyday step on a ticket, in plain SQL like the call before it (issue 18)."""
    t = ticket_row(s, ticket_id)
    _require(t, action)
    s.connection().execute(_SET_STEP[stamp], {"tid": t.id, "new_status": status, "at": ctx.now})
    t.status = status
    setattr(t, stamp, ctx.now)
    audit_row(s, ctx, action, "ticket", t.id, t.id, number=t.label,
              counter=t.counter.number if t.counter else None)
    _queue_event(s, ctx, t, action)
    return t


_SET_STEP = {stamp: update(_T).where(_T.c.id == bindparam("tid"))
             .values({_T.c.status: bindparam("new_status"), _T.c[stamp]: bindparam("at")})
             for stamp in ("started_at", "finished_at", "no_show_at", "cancelled_at")}


def start(s: Session, ctx: Ctx, ticket_id: int) -> TicketRow:
    return _step(s, ctx, ticket_id, "start", rules.SERVING, "started_at")


def finish(s: Session, ctx: Ctx, ticket_id: int) -> TicketRow:
    return _step(s, ctx, ticket_id, "finish", rules.DONE, "finished_at")


def no_show(s: Session, ctx: Ctx, ticket_id: int) -> TicketRow:
    return _step(s, ctx, ticket_id, "no_show", rules.NO_SHOW, "no_show_at")


def cancel(s: Session, ctx: Ctx, ticket_id: int) -> TicketRow:
    return _step(s, ctx, ticket_id, "cancel", rules.CANCELLED, "cancelled_at")


def requeue(s: Session, ctx: Ctx, ticket_id: int) -> Ticket:
    """A no-show who came back returns to the line at their original place (queued_at kept)."""
    t = ticket_by_id(s, ticket_id)
    _require(t, "requeue")
    if t.day != ctx.today:
        raise Conflict("ticket_expired", f"ticket {t.label} is from {t.day}; issue a new one", "ticket_id")
    was_counter = t.counter.number if t.counter else None
    t.status = rules.WAITING
    t.counter_id, t.counter = None, None
    s.flush()
    audit(s, ctx, "requeue", "ticket", t.id, t.id, number=t.label, counter=was_counter)
    _queue_event(s, ctx, t, "requeue")
    return t


def transfer(s: Session, ctx: Ctx, ticket_id: int, service_code: str | None, counter_id: int | None) -> Ticket:
    """Send a ticket to another service's line and/or to one counter, keeping its number.

    It waits again (queued_at = now, at the back of the new line); with a counter, only that
    counter's call-next picks it up.
    """
    if service_code is None and counter_id is None:
        raise Invalid("missing_target", "give a service code, a counter_id, or both", "service")
    t = ticket_by_id(s, ticket_id)
    _require(t, "transfer")
    if t.day != ctx.today:
        raise Conflict("ticket_expired", f"ticket {t.label} is from {t.day}", "ticket_id")
    before = {"service": t.service.code, "counter": t.counter.number if t.counter else None}
    if service_code is not None:
        svc = service_by_code(s, service_code)
        t.service_id, t.service = svc.id, svc
    target = counter_by_id(s, counter_id, field="counter_id") if counter_id is not None else None
    t.target_counter_id = target.id if target else None
    t.status = rules.WAITING
    t.counter_id, t.counter = None, None
    t.queued_at = t.transferred_at = ctx.now
    t.transfer_count += 1
    s.flush()
    audit(s, ctx, "transfer", "ticket", t.id, t.id, number=t.label, before=before,
          service=t.service.code, counter=target.number if target else None)
    _queue_event(s, ctx, t, "transfer")
    return t


# ---- counters

def pause(s: Session, ctx: Ctx, counter_id: int, reason: str) -> Counter:
    c = counter_by_id(s, counter_id, lock=True)
    c.paused, c.pause_reason = True, reason
    s.flush()
    audit(s, ctx, "pause", "counter", c.id, reason=reason, counter=c.number)
    publish(s, "queue", {"action": "pause", "counter_id": c.id, "counter_number": c.number}, ctx.now)
    return c


def resume(s: Session, ctx: Ctx, counter_id: int) -> Counter:
    c = counter_by_id(s, counter_id, lock=True)
    c.paused, c.pause_reason = False, None
    s.flush()
    audit(s, ctx, "resume", "counter", c.id, counter=c.number)
    publish(s, "queue", {"action": "resume", "counter_id": c.id, "counter_number": c.number}, ctx.now)
    return c


# ---- printing

def reprint(s: Session, ctx: Ctx, ticket_id: int, kiosk_id: str | None = None) -> Ticket:
    t = ticket_by_id(s, ticket_id, kiosk_id=kiosk_id)
    if t.status not in rules.OPEN_STATUSES:
        raise Conflict("bad_status", f"ticket {t.label} is {t.status}; only open tickets are reprinted", "status")
    t.reprint_count += 1
    t.reprint_requested_at = ctx.now
    t.printed = None
    s.flush()
    audit(s, ctx, "reprint", "ticket", t.id, t.id, number=t.label)
    publish(s, "reprint", {"ticket_id": t.id, "number": t.label, "kiosk_id": t.kiosk_id}, ctx.now)
    _queue_event(s, ctx, t, "reprint")
    return t


def print_result(s: Session, ctx: Ctx, ticket_id: int, printed: bool, error: str | None,
                 kiosk_id: str | None = None) -> Ticket:
    t = ticket_by_id(s, ticket_id, kiosk_id=kiosk_id)
    t.printed, t.print_error = printed, (None if printed else error)
    s.flush()
    audit(s, ctx, "print_result", "ticket", t.id, t.id, number=t.label, printed=printed, error=error)
    _queue_event(s, ctx, t, "print_result")
    return t


# ---- daily reset

def close_previous_days(s: Session, ctx: Ctx) -> int:
    """Close tickets left open from earlier local days (runs at start and every minute).

    Waiting or called tickets become no_show, serving ones done, each with
    closed_reason='day_closed' and an audit entry; the numbers are kept as history.
    """
    stale = s.scalars(select(Ticket).where(Ticket.day < ctx.today, Ticket.status.in_(rules.OPEN_STATUSES))
                      .with_for_update(skip_locked=True)).all()
    for t in stale:
        was = t.status
        if was == rules.SERVING:
            t.status, t.finished_at = rules.DONE, ctx.now
        else:
            t.status, t.no_show_at = rules.NO_SHOW, ctx.now
        t.closed_reason = "day_closed"
        audit(s, ctx, "day_closed", "ticket", t.id, t.id, number=t.label, day=t.day.isoformat(), was=was)
    if stale:
        s.flush()
        publish(s, "queue", {"action": "day_closed", "count": len(stale)}, ctx.now)
    return len(stale)


EVENT_RETENTION = dt.timedelta(days=3)  # events serve live screens and resume; the audit log is the history


def prune_events(s: Session, ctx: Ctx) -> int:
    return s.execute(delete(Event).where(Event.at < ctx.now - EVENT_RETENTION)).rowcount or 0


# ---- estimates

# Hot-path statements are built once with bound parameters: building them per call (and the
# cache key SQLAlchemy derives from each build) cost more CPU than running them (issue 18).
_AHEAD = select(func.count()).select_from(Ticket).where(
    Ticket.day == bindparam("day"), Ticket.status == rules.WAITING, Ticket.service_id == bindparam("service_id"),
    (Ticket.queued_at < bindparam("queued_at")) | ((Ticket.queued_at == bindparam("queued_at"))
                                                   & (Ticket.id < bindparam("id"))))
_OPEN_COUNTERS = (select(Counter.id, Counter.number, Counter.paused)
                  .where(Counter.active.is_(True), Counter.services.any(Service.id == bindparam("service_id")))
                  .order_by(Counter.number))


def ahead_of(s: Session, t: Ticket) -> int:
    if t.status != rules.WAITING:
        return 0
    return s.connection().execute(_AHEAD, {"day": t.day, "service_id": t.service_id, "queued_at": t.queued_at,
                                           "id": t.id}).scalar() or 0


def open_counters(s: Session, service_id: int) -> list[Any]:
    """The active counters serving a service, as light rows (id, number, paused).

    One column query: loading each counter with its services cost most of an issue's CPU time."""
    return list(s.connection().execute(_OPEN_COUNTERS, {"service_id": service_id}))


def recent_durations(s: Session, service_id: int, limit: int) -> list[float]:
    rows = s.execute(select(Ticket.started_at, Ticket.finished_at).where(
        Ticket.service_id == service_id, Ticket.status == rules.DONE, Ticket.started_at.is_not(None),
        Ticket.finished_at.is_not(None), Ticket.closed_reason.is_(None))
        .order_by(Ticket.finished_at.desc()).limit(limit)).all()
    return [(f - st).total_seconds() / 60 for st, f in rows if f >= st]


def estimate(s: Session, service_id: int, ahead: int, sample: int, default: float,
             counters: list[Any] | None = None, durations: list[float] | None = None) -> int:
    """Minutes to wait; pass the service's open counters and recent durations when already known."""
    counters = [c for c in (open_counters(s, service_id) if counters is None else counters) if not c.paused]
    if durations is None:
        durations = recent_durations(s, service_id, sample)
    return rules.estimate_minutes(ahead, durations, len(counters), default)

