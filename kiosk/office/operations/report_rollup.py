"""A local day's report figures, computed from the tables or read from their cache (report_days).

The figures of a day (see `compute`): ticket counts per (service, counter, officer) with the lists of
their waiting and service times, tickets per local hour of issue, ratings per (counter, officer, via,
score) and their reasons. Everything is aggregated by the database (GROUP BY; the times come back
as one list per group, in milliseconds: group_concat / array_agg), so a busy day is a few dozen small rows.

A day that can no longer change is kept in report_days once computed: it is over (before
`storable_before`, which the caller sets so the day's rating window has also passed) and none of its
tickets is still open (the day's close has run). A year's report then reads ~260 rows and
computes only today live. VERSION names the shape: rows of another version are recomputed.

The officer of a ticket is the staff account of its last "finish" or "no_show" audit entry (who
served it or marked it absent), as ratings take theirs; tickets do not store it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, Integer, and_, case, cast, delete, extract, func, select, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from kiosk.office.operations import queue_rules as rules
from kiosk.office.storage.models import AuditEntry, Rating, ReportDay, Ticket

log = logging.getLogger(__name__)

VERSION = 1
COUNTS = ("issued", "served", "no_show", "cancelled", "unserved_at_close", "open", "transferred", "priority")
OFFICER_ACTIONS = ("finish", "no_show")
USER = "user:"


# ---- SQL pieces

def is_pg(s: Session) -> bool:
    return s.get_bind().dialect.name == "postgresql"


def seconds_between(s: Session, later, earlier) -> ColumnElement:
    """later − earlier in seconds, in the database's own dialect."""
    if is_pg(s):
        return extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def count_if(condition) -> ColumnElement:
    return func.sum(case((condition, 1), else_=0))


def utc_offset_minutes(tz: str, day: dt.date) -> int:
    """The zone's offset on `day` (SQLite has no time zones; Việt Nam keeps one offset all year)."""
    return int(ZoneInfo(tz).utcoffset(dt.datetime.combine(day, dt.time(12))).total_seconds() // 60)


def local_hour(s: Session, column, tz: str, day: dt.date) -> ColumnElement:
    """The ward's local hour of a stored (naive UTC) time."""
    if is_pg(s):
        return extract("hour", func.timezone(tz, func.timezone("UTC", column)))
    return func.cast(func.strftime("%H", column, f"{utc_offset_minutes(tz, day):+d} minutes"), Integer)


def _list_of(s: Session, seconds: ColumnElement) -> ColumnElement:
    """The group's non-null values in whole milliseconds as one column: a PostgreSQL array, an
    SQLite comma-separated text (see _millis). Integers: compact to keep, quick to read back."""
    ms = func.round(seconds * 1000)
    if is_pg(s):
        return func.array_remove(func.array_agg(cast(ms, BigInteger)), None)
    return func.group_concat(cast(ms, Integer))


def _millis(value) -> list[int]:
    if value is None:
        return []
    if isinstance(value, str):
        return [int(x) for x in value.split(",") if x]
    return [int(x) for x in value]


# ---- computing days

def compute(s: Session, days: Iterable[dt.date], tz: str) -> dict[dt.date, dict[str, Any]]:
    """The figures of `days` (those with no ticket get empty lists)."""
    days = sorted(set(days))
    out: dict[dt.date, dict[str, Any]] = {d: {"tickets": [], "hours": [], "ratings": [], "reasons": []} for d in days}
    if not days:
        return out
    in_days = Ticket.day.in_(days)
    final = and_(Ticket.status.in_((rules.DONE, rules.NO_SHOW)), Ticket.closed_reason.is_(None))
    actor = (select(AuditEntry.actor)
             .where(AuditEntry.ticket_id == Ticket.id, AuditEntry.action.in_(OFFICER_ACTIONS))
             .order_by(AuditEntry.id.desc()).limit(1).scalar_subquery())
    # waiting: entering the (last) line to the call, for tickets called then served or not there;
    # service: start (or call) to finish. Tickets the day's close ended have neither.
    wait = case((and_(final, Ticket.called_at.is_not(None)),
                 seconds_between(s, Ticket.called_at, Ticket.queued_at)), else_=None)
    service = case((Ticket.status == rules.DONE,
                    seconds_between(s, Ticket.finished_at, func.coalesce(Ticket.started_at, Ticket.called_at))),
                   else_=None)
    t = select(Ticket.day, Ticket.service_id, Ticket.counter_id, Ticket.status, Ticket.closed_reason,
               Ticket.transfer_count, Ticket.priority, case((final, actor), else_=None).label("actor"),
               wait.label("wait"), service.label("service")).where(in_days).subquery()
    day_closed = t.c.closed_reason == "day_closed"
    counts = (
        func.count(),
        count_if(t.c.status == rules.DONE),
        count_if(and_(t.c.status == rules.NO_SHOW, t.c.closed_reason.is_(None))),
        count_if(t.c.status == rules.CANCELLED),
        # still waiting or called when the day ended: the office closed them, nobody served them
        count_if(and_(t.c.status == rules.NO_SHOW, day_closed)),
        count_if(t.c.status.in_(rules.OPEN_STATUSES)),
        count_if(t.c.transfer_count > 0),
        count_if(t.c.priority.is_not(None)),
    )
    keys = (t.c.day, t.c.service_id, t.c.counter_id, t.c.actor)
    for row in s.connection().execute(select(*keys, *counts, _list_of(s, t.c.wait), _list_of(s, t.c.service))
                                      .group_by(*keys)):
        day, sid, cid, actor_, *rest = row
        officer = actor_[len(USER):] if actor_ and actor_.startswith(USER) else None
        out[_day(day)]["tickets"].append([sid, cid, officer, *[int(x or 0) for x in rest[:len(COUNTS)]],
                                          _millis(rest[-2]), _millis(rest[-1])])

    hour = local_hour(s, Ticket.issued_at, tz, days[0])
    for row in s.connection().execute(
            select(Ticket.day, hour, func.count(), count_if(Ticket.status == rules.DONE), func.sum(wait), func.count(wait))
            .where(in_days).group_by(Ticket.day, hour)):
        out[_day(row[0])]["hours"].append([int(row[1]), int(row[2]), int(row[3] or 0), float(row[4] or 0),
                                           int(row[5] or 0)])

    for row in s.connection().execute(
            select(Ticket.day, Rating.counter_id, Rating.officer, Rating.via, Rating.score, func.count())
            .join(Ticket, Ticket.id == Rating.ticket_id).where(in_days)
            .group_by(Ticket.day, Rating.counter_id, Rating.officer, Rating.via, Rating.score)):
        out[_day(row[0])]["ratings"].append([row[1], row[2], row[3], int(row[4]), int(row[5])])

    # how often each reason was tapped: the JSON arrays unnested by the database
    if is_pg(s):
        unnest, value = "json_array_elements_text(r.reasons) AS x(reason)", "x.reason"
    else:
        unnest, value = "json_each(r.reasons) AS x", "x.value"
    marks = ", ".join(f":d{i}" for i in range(len(days)))
    sql = text(f"SELECT t.day, r.counter_id, r.officer, {value}, count(*) FROM ratings r "
               f"JOIN tickets t ON t.id = r.ticket_id, {unnest} "
               f"WHERE t.day IN ({marks}) GROUP BY t.day, r.counter_id, r.officer, {value}")
    for row in s.execute(sql, {f"d{i}": d for i, d in enumerate(days)}):
        out[_day(row[0])]["reasons"].append([row[1], row[2], row[3], int(row[4])])
    return out


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def can_keep(figures: dict[str, Any]) -> bool:
    """No ticket of the day is still open (the day's close has run)."""
    return all(g[3 + COUNTS.index("open")] == 0 for g in figures["tickets"])


# ---- the cache

def load(s: Session, start: dt.date, end: dt.date) -> dict[dt.date, dict[str, Any]]:
    rows = s.execute(select(ReportDay.day, ReportDay.figures)
                     .where(ReportDay.day.between(start, end), ReportDay.version == VERSION))
    return {_day(day): figures for day, figures in rows}


def save(s: Session, days: dict[dt.date, dict[str, Any]], now: dt.datetime) -> None:
    """Keep these days' figures (replacing any of another version)."""
    s.execute(delete(ReportDay).where(ReportDay.day.in_(list(days))))
    s.add_all([ReportDay(day=d, version=VERSION, built_at=now, figures=f) for d, f in days.items()])


def save_quietly(db, days: dict[dt.date, dict[str, Any]], now: dt.datetime) -> None:
    """save() in its own transaction. A cache: when it cannot be written (another request saving
    the same days won, the database busy) the report is still answered; a later one keeps them."""
    if not days:
        return
    try:
        with db.write() as s:
            save(s, days, now)
    except IntegrityError:
        pass
    except SQLAlchemyError as exc:
        log.warning("report days not kept: %s", exc)
