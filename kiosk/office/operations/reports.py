"""Figures of how well the ward serves, for a range of local days: tickets (issued, served,
no-shows…), waiting and service times (mean, median, 90th percentile), and citizens' ratings;
in total, by field (service), by counter, by local hour and (ratings) by officer.

Counts, sums and means are computed by the database with GROUP BY, so only a row per group comes
back, never the tickets. Medians and 90th percentiles: PostgreSQL's percentile_cont; SQLite has no
percentile function (and window functions over a year cost seconds there), so it returns the
duration columns alone, sorted here, and the percentiles are read off them (see _times).
Dossiers (see _dossier_rows): by procedure and status, declared vs received, received vs reached
the province, on time vs late against the appointment, filed at a kiosk / with a volunteer; one
GROUP BY over the dossiers declared on the range's local days (dossiers.day, the code's day).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Integer, and_, case, cast, extract, func, or_, select, text, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from kiosk.office.errors import Invalid
from kiosk.office.operations import dossiers as dossier_rules
from kiosk.office.operations import queue_rules as rules
from kiosk.office.operations.handoff import DELIVERED
from kiosk.office.operations.ratings import REASONS, SATISFIED, SCORES
from kiosk.office.storage.models import (AuditEntry, Counter, Dossier, DossierHistory, Handoff, Rating, Service,
                                         Ticket, User)

MAX_DAYS = 400  # a year and a little: a wider range is refused rather than left to run long
PERCENTILES = {"median": 0.5, "p90": 0.9}
COUNTS = ("issued", "served", "no_show", "cancelled", "unserved_at_close", "open", "transferred", "priority")


# ---- the range

def parse_range(start: str | None, end: str | None) -> tuple[dt.date, dt.date]:
    """from/to as YYYY-MM-DD (both included); errors name the field."""
    days = {}
    for field, value in (("from", start), ("to", end)):
        if not value:
            raise Invalid("missing", f"give {field}=YYYY-MM-DD", field)
        try:
            if len(value) != 10:
                raise ValueError
            days[field] = dt.date.fromisoformat(value)
        except ValueError:
            raise Invalid("bad_date", f"{field} must be a date YYYY-MM-DD, not {value[:20]!r}", field) from None
    if days["from"] > days["to"]:
        raise Invalid("bad_range", "from is after to", "to")
    if (days["to"] - days["from"]).days + 1 > MAX_DAYS:
        raise Invalid("range_too_long", f"at most {MAX_DAYS} days at once", "to")
    return days["from"], days["to"]


# ---- SQL pieces

def seconds_between(s: Session, later, earlier) -> ColumnElement:
    """later − earlier in seconds, in the database's own dialect."""
    if s.get_bind().dialect.name == "postgresql":
        return extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def _count(condition) -> ColumnElement:
    return func.sum(case((condition, 1), else_=0))


def _ticket_counts():
    day_closed = Ticket.closed_reason == "day_closed"
    return (
        func.count().label("issued"),
        _count(Ticket.status == rules.DONE).label("served"),
        _count(and_(Ticket.status == rules.NO_SHOW, Ticket.closed_reason.is_(None))).label("no_show"),
        _count(Ticket.status == rules.CANCELLED).label("cancelled"),
        # still waiting or called when the day ended: the office closed them, nobody served them
        _count(and_(Ticket.status == rules.NO_SHOW, day_closed)).label("unserved_at_close"),
        _count(Ticket.status.in_(rules.OPEN_STATUSES)).label("open"),
        _count(Ticket.transfer_count > 0).label("transferred"),
        _count(Ticket.priority.is_not(None)).label("priority"),
    )


PARTITIONS = ("all", "service", "counter")


def _times(s: Session, start: dt.date, end: dt.date) -> dict[str, dict[str, dict[Any, dict[str, Any]]]]:
    """measure -> partition ("all", "service", "counter") -> group key -> count, mean, median, p90.

    Waiting: from entering the line that led to the call (a transferred ticket's last line) to the
    call, for tickets called and then served or not there. Service: from the start (or the call,
    when the officer never pressed start) to finish. Tickets the day's close finished are left out.

    PostgreSQL computes the figures itself (percentile_cont). SQLite has no percentile function:
    one query returns the two columns of durations with their group keys (no ticket rows), they are
    sorted here once and the percentiles read off them, interpolated as percentile_cont does."""
    called = and_(Ticket.day.between(start, end), Ticket.called_at.is_not(None),
                  Ticket.status.in_((rules.DONE, rules.NO_SHOW)), Ticket.closed_reason.is_(None))
    served = Ticket.status == rules.DONE
    waiting = seconds_between(s, Ticket.called_at, Ticket.queued_at)
    service = seconds_between(s, Ticket.finished_at, func.coalesce(Ticket.started_at, Ticket.called_at))
    if s.get_bind().dialect.name == "postgresql":
        return _pg_times(s, waiting, case((served, service), else_=None), called)
    rows = s.connection().execute(select(Ticket.service_id, Ticket.counter_id, waiting,
                                         case((served, service), else_=None)).where(called)).all()
    out = {}
    for m, i in (("waiting", 2), ("service", 3)):
        ordered = sorted((r for r in rows if r[i] is not None), key=itemgetter(i))
        by_service, by_counter = defaultdict(list), defaultdict(list)
        for r in ordered:
            by_service[r[0]].append(r[i])
            by_counter[r[1]].append(r[i])
        out[m] = {"all": {None: _figures([r[i] for r in ordered])} if ordered else {},
                  "service": {k: _figures(v) for k, v in by_service.items()},
                  "counter": {k: _figures(v) for k, v in by_counter.items()}}
    return out


def _pg_times(s: Session, waiting: ColumnElement, service: ColumnElement, where) -> dict[str, Any]:
    """PostgreSQL: both measures, all three partitions, in one query (GROUPING SETS; aggregates
    skip the NULL service time of a no-show)."""
    d = select(Ticket.service_id.label("sv"), Ticket.counter_id.label("ct"), waiting.label("waiting"),
               service.label("service")).where(where).subquery()
    cols = []
    for m in ("waiting", "service"):
        cols += [func.count(d.c[m]), func.avg(d.c[m])]
        cols += [func.percentile_cont(p).within_group(d.c[m]) for p in PERCENTILES.values()]
    q = select(func.grouping(d.c.sv, d.c.ct), d.c.sv, d.c.ct, *cols) \
        .group_by(func.grouping_sets(tuple_(), tuple_(d.c.sv), tuple_(d.c.ct)))
    sets = {3: "all", 1: "service", 2: "counter"}  # GROUPING(): a bit set for each column rolled up
    out: dict[str, Any] = {m: {name: {} for name in PARTITIONS} for m in ("waiting", "service")}
    for row in s.connection().execute(q):
        name = sets[row[0]]
        key = {"all": None, "service": row[1], "counter": row[2]}[name]
        for i, m in enumerate(("waiting", "service")):
            n, mean, *pcts = row[3 + i * 4: 7 + i * 4]
            if n:
                out[m][name][key] = {"count": n, "mean": _round(mean),
                                     **{k: _round(v) for k, v in zip(PERCENTILES, pcts)}}
    return out


def _figures(ordered: list[float]) -> dict[str, Any]:
    n = len(ordered)
    result = {"count": n, "mean": _round(sum(ordered) / n)}
    for name, p in PERCENTILES.items():
        pos = p * (n - 1)  # 0-based position between two ranks
        lo = int(pos)
        hi = min(lo + 1, n - 1)
        result[name] = _round(ordered[lo] + (pos - lo) * (ordered[hi] - ordered[lo]))
    return result


def _round(seconds) -> float | None:
    return None if seconds is None else round(float(seconds), 1)


def _no_times() -> dict[str, Any]:
    return {"count": 0, "mean": None, "median": None, "p90": None}


# ---- ratings

def _rating_rows(s: Session, start: dt.date, end: dt.date):
    """(counter_id, officer, via, score, n) for ratings of tickets of the range."""
    return s.execute(select(Rating.counter_id, Rating.officer, Rating.via, Rating.score, func.count().label("n"))
                     .join(Ticket, Ticket.id == Rating.ticket_id).where(Ticket.day.between(start, end))
                     .group_by(Rating.counter_id, Rating.officer, Rating.via, Rating.score)).all()


def _reason_counts(s: Session, start: dt.date, end: dt.date) -> list[tuple[int, str | None, str, int]]:
    """(counter_id, officer, reason, n): how often each reason was tapped, the JSON arrays unnested
    by the database."""
    if s.get_bind().dialect.name == "postgresql":
        unnest, value = "json_array_elements_text(r.reasons) AS x(reason)", "x.reason"
    else:
        unnest, value = "json_each(r.reasons) AS x", "x.value"
    sql = text(f"SELECT r.counter_id, r.officer, {value}, count(*) FROM ratings r "
               f"JOIN tickets t ON t.id = r.ticket_id, {unnest} "
               f"WHERE t.day BETWEEN :start AND :end GROUP BY r.counter_id, r.officer, {value}")
    return [tuple(row) for row in s.execute(sql, {"start": start, "end": end})]


def _reasons(rows, keep=lambda row: True) -> dict[str, int]:
    out = dict.fromkeys(REASONS, 0)
    for row in rows:
        if keep(row):
            out[row[2]] = out.get(row[2], 0) + int(row[3])
    return out


def _rating_figures(rows, reasons: dict[str, int] | None) -> dict[str, Any]:
    by_score = {str(k): 0 for k in SCORES}
    via = {"counter": 0, "phone": 0}
    for r in rows:
        by_score[str(r.score)] += r.n
        via[r.via] = via.get(r.via, 0) + r.n
    count = sum(by_score.values())
    satisfied = sum(by_score[str(k)] for k in SATISFIED)
    mean = sum(int(k) * n for k, n in by_score.items()) / count if count else None
    return {"count": count, "by_score": by_score, "satisfied": satisfied,
            "satisfied_share": round(satisfied / count, 4) if count else None,
            "mean_score": round(mean, 2) if mean is not None else None,
            "reasons": reasons or dict.fromkeys(REASONS, 0), "via": via}


# ---- over the hours of the day

def _local_hour(s: Session, column, tz: str, day: dt.date) -> ColumnElement:
    """The ward's local hour of a stored (naive UTC) time. SQLite has no time zones: it shifts by
    the zone's UTC offset on `day` (Việt Nam keeps one offset all year)."""
    if s.get_bind().dialect.name == "postgresql":
        return extract("hour", func.timezone(tz, func.timezone("UTC", column)))
    offset = ZoneInfo(tz).utcoffset(dt.datetime.combine(day, dt.time(12)))
    minutes = int(offset.total_seconds() // 60)
    return func.cast(func.strftime("%H", column, f"{minutes:+d} minutes"), Integer)


def _grouped_counts(s: Session, start: dt.date, end: dt.date, tz: str):
    """One pass over the range's tickets: the counts, and the waits' sum and number, per service,
    counter and local hour of issue (a few hundred rows at most; the tables add them up)."""
    hour = _local_hour(s, Ticket.issued_at, tz, start).label("hour")
    called = and_(Ticket.called_at.is_not(None), Ticket.status.in_((rules.DONE, rules.NO_SHOW)),
                  Ticket.closed_reason.is_(None))
    wait = case((called, seconds_between(s, Ticket.called_at, Ticket.queued_at)), else_=None)
    return s.connection().execute(
        select(Ticket.service_id, Ticket.counter_id, hour, *_ticket_counts(),
               func.sum(wait).label("wait_total"), func.count(wait).label("wait_n"))
        .where(Ticket.day.between(start, end)).group_by(Ticket.service_id, Ticket.counter_id, hour)).all()


def _by_hour(grouped) -> list[dict[str, Any]]:
    """Tickets issued and served, and the mean wait, by the local hour they were issued."""
    hours: dict[int, list] = {}
    for r in grouped:
        h = hours.setdefault(int(r.hour), [0, 0, 0.0, 0])
        h[0] += int(r.issued)
        h[1] += int(r.served or 0)
        h[2] += float(r.wait_total or 0)
        h[3] += int(r.wait_n or 0)
    return [{"hour": h, "issued": n, "served": served, "waiting_mean_seconds": _round(total / k) if k else None}
            for h, (n, served, total, k) in sorted(hours.items())]


# ---- dossiers

DOSSIER_COUNTS = ("declared", "received", "reached_province", "on_time", "late_done", "late_open", "not_due",
                  "via_kiosk", "with_volunteer")
OPEN_DOSSIER = (dossier_rules.RECEIVED, dossier_rules.PROCESSING, dossier_rules.MORE_DOCUMENTS)


def _local_date(s: Session, column, tz: str, day: dt.date) -> ColumnElement:
    """The ward's local calendar day of a stored (naive UTC) time (see _local_hour for SQLite)."""
    if s.get_bind().dialect.name == "postgresql":
        return cast(func.timezone(tz, func.timezone("UTC", column)), Date)
    offset = ZoneInfo(tz).utcoffset(dt.datetime.combine(day, dt.time(12)))
    return func.date(column, f"{int(offset.total_seconds() // 60):+d} minutes")


def _dossier_rows(s: Session, start: dt.date, end: dt.date, tz: str, today: dt.date):
    """(procedure_code, status, *DOSSIER_COUNTS) for the dossiers declared on start..end.

    Result day: the local day of the first history entry "ready" or "returned". On time: that day
    is on or before the appointment date; late_done: after it; late_open: still received /
    processing / more_documents with the appointment date before `today`; not_due: open, the
    appointment today or later. Rejected and cancelled dossiers are in none of the four."""
    done = select(DossierHistory.dossier_id.label("id"), func.min(DossierHistory.at).label("at")) \
        .where(DossierHistory.status.in_((dossier_rules.READY, dossier_rules.RETURNED))) \
        .group_by(DossierHistory.dossier_id).subquery()
    done_day = _local_date(s, done.c.at, tz, start)
    received = Dossier.received_at.is_not(None)
    still_open = and_(done.c.at.is_(None), Dossier.status.in_(OPEN_DOSSIER), Dossier.appointment_date.is_not(None))
    counts = (
        func.count().label("declared"),
        _count(received).label("received"),
        _count(and_(received, or_(Dossier.official_code.is_not(None), Handoff.state == DELIVERED)))
        .label("reached_province"),
        _count(and_(done.c.at.is_not(None), done_day <= Dossier.appointment_date)).label("on_time"),
        _count(and_(done.c.at.is_not(None), done_day > Dossier.appointment_date)).label("late_done"),
        _count(and_(still_open, Dossier.appointment_date < today)).label("late_open"),
        _count(and_(still_open, Dossier.appointment_date >= today)).label("not_due"),
        _count(Dossier.kiosk_id.is_not(None)).label("via_kiosk"),
        _count(Dossier.volunteer_code.is_not(None)).label("with_volunteer"),
    )
    return s.connection().execute(
        select(Dossier.procedure_code, Dossier.status, *counts)
        .outerjoin(done, done.c.id == Dossier.id).outerjoin(Handoff, Handoff.dossier_id == Dossier.id)
        .where(Dossier.day.between(start, end)).group_by(Dossier.procedure_code, Dossier.status)).all()


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _dossier_figures(rows) -> dict[str, Any]:
    n = {k: sum(int(getattr(r, k) or 0) for r in rows) for k in DOSSIER_COUNTS}
    by_status = dict.fromkeys(dossier_rules.STATUSES, 0)
    for r in rows:
        by_status[r.status] = by_status.get(r.status, 0) + int(r.declared)
    late = n["late_done"] + n["late_open"]
    return {**n, "late": late, "by_status": by_status,
            "received_share": _share(n["received"], n["declared"]),
            "reached_share": _share(n["reached_province"], n["received"]),
            "on_time_share": _share(n["on_time"], n["on_time"] + late),
            "kiosk_share": _share(n["via_kiosk"], n["declared"]),
            "volunteer_share": _share(n["with_volunteer"], n["declared"])}


def _dossiers(s: Session, start: dt.date, end: dt.date, tz: str, today: dt.date) -> dict[str, Any]:
    rows = _dossier_rows(s, start, end, tz, today)
    codes = {r.procedure_code for r in rows}
    names = dossier_rules.names(s, codes)
    by_procedure = [{"procedure": c, "name_vi": names[c][0], "name_en": names[c][1],
                     **_dossier_figures([r for r in rows if r.procedure_code == c])} for c in codes]
    by_procedure.sort(key=lambda x: (-x["declared"], x["procedure"]))
    return {"dossiers": _dossier_figures(rows), "by_procedure": by_procedure}


# ---- the summary

def summary(s: Session, start: dt.date, end: dt.date, tz: str = "Asia/Ho_Chi_Minh",
            today: dt.date | None = None) -> dict[str, Any]:
    """`today` (the ward's local day, default the range's end): open dossiers whose appointment
    is before it count as late."""
    grouped = _grouped_counts(s, start, end, tz)

    def counts_of(rows) -> dict[str, int]:
        return {k: sum(int(getattr(r, k) or 0) for r in rows) for k in COUNTS}

    times = _times(s, start, end)

    def times_of(group: str, key) -> dict[str, Any]:
        return {f"{m}_seconds": times[m][group].get(key, _no_times()) for m in ("waiting", "service")}

    services = {x.id: x for x in s.scalars(select(Service))}
    counters = {x.id: x for x in s.scalars(select(Counter))}
    rating_rows = _rating_rows(s, start, end)
    reasons = _reason_counts(s, start, end)

    by_service = []
    for sid in sorted({r.service_id for r in grouped}, key=lambda i: (services[i].sort_order, i)):
        svc = services[sid]
        by_service.append({"service": svc.code, "prefix": svc.prefix, "name_vi": svc.name_vi, "name_en": svc.name_en,
                           **counts_of([r for r in grouped if r.service_id == sid]), **times_of("service", sid)})
    by_counter = []
    counter_ids = {r.counter_id for r in grouped if r.counter_id is not None} | {r.counter_id for r in rating_rows}
    for cid in sorted(counter_ids, key=lambda i: counters[i].number):
        by_counter.append({"counter": counters[cid].number, "counter_id": cid, "name": counters[cid].name,
                           **counts_of([r for r in grouped if r.counter_id == cid]), **times_of("counter", cid),
                           "ratings": _rating_figures([r for r in rating_rows if r.counter_id == cid],
                                                      _reasons(reasons, lambda r: r[0] == cid))})
    names = dict(s.execute(select(User.username, User.full_name)).all())
    by_officer = [{"officer": o, "full_name": names.get(o, "") if o else "",
                   "ratings": _rating_figures([r for r in rating_rows if r.officer == o], _reasons(reasons, lambda r: r[1] == o))}
                  for o in sorted({r.officer for r in rating_rows}, key=lambda o: (o is None, o or ""))]
    return {
        "from": start.isoformat(), "to": end.isoformat(), "days": (end - start).days + 1,
        "tickets": {**counts_of(grouped), **times_of("all", None)},
        "ratings": _rating_figures(rating_rows, _reasons(reasons)),
        "by_service": by_service, "by_counter": by_counter, "by_officer": by_officer,
        "by_hour": _by_hour(grouped),
        **_dossiers(s, start, end, tz, today or end),
    }


# ---- the officer's own day (the counter console)

def officer_day(s: Session, username: str, today: dt.date) -> dict[str, Any]:
    """What the officer did today: tickets they finished (the audit log's "finish" names who) and
    the mean service time of those, their ratings; and the office's received dossiers not ready yet
    whose appointment is today or already past."""
    service = seconds_between(s, Ticket.finished_at, func.coalesce(Ticket.started_at, Ticket.called_at))
    served, mean = s.execute(
        select(func.count(), func.avg(service)).select_from(Ticket)
        .join(AuditEntry, and_(AuditEntry.ticket_id == Ticket.id, AuditEntry.action == "finish"))
        .where(Ticket.day == today, Ticket.status == rules.DONE, AuditEntry.actor == f"user:{username}")).one()
    rating_rows = s.execute(select(Rating.via, Rating.score, func.count().label("n"))
                            .join(Ticket, Ticket.id == Rating.ticket_id)
                            .where(Ticket.day == today, Rating.officer == username)
                            .group_by(Rating.via, Rating.score)).all()
    due = s.execute(select(_count(Dossier.appointment_date == today), _count(Dossier.appointment_date < today))
                    .where(Dossier.status.in_(OPEN_DOSSIER), Dossier.appointment_date <= today)).one()
    figures = _rating_figures(rating_rows, None)
    return {"day": today.isoformat(), "officer": username, "served": int(served or 0),
            "service_mean_seconds": _round(mean),
            "ratings": {k: figures[k] for k in ("count", "by_score", "satisfied_share", "mean_score")},
            "dossiers_due_today": int(due[0] or 0), "dossiers_overdue": int(due[1] or 0)}
