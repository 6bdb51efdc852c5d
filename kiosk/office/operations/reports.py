"""Figures of how well the ward serves, for a range of local days: tickets (issued, served,
no-shows…), waiting and service times (mean, median, 90th percentile), and citizens' ratings;
in total, by field (service), by counter and (ratings) by officer.

Everything is computed by the database: counts with GROUP BY, percentiles with window functions
(ROW_NUMBER and COUNT over a partition, which SQLite ≥ 3.25 and PostgreSQL both have; neither
shares a percentile function), so only a handful of rows per group come back, never the tickets.
Dossier figures are not here yet (their statuses are being reworked).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, case, extract, func, literal, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from kiosk.office.errors import Invalid
from kiosk.office.operations import queue_rules as rules
from kiosk.office.operations.ratings import REASONS, SATISFIED, SCORES
from kiosk.office.storage.models import Counter, Rating, Service, Ticket, User

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


def _durations(s: Session, start: dt.date, end: dt.date) -> dict[str, Any]:
    """(measure -> (seconds expression, which tickets)). Waiting: from entering the line that led to
    the call (a transferred ticket's last line) to the call. Service: from the start (or the call,
    when the officer never pressed start) to finish; tickets the day's close finished are left out."""
    in_range = Ticket.day.between(start, end)
    return {
        "waiting": (seconds_between(s, Ticket.called_at, Ticket.queued_at),
                    and_(in_range, Ticket.called_at.is_not(None), Ticket.status.in_((rules.DONE, rules.NO_SHOW)),
                         Ticket.closed_reason.is_(None))),
        "service": (seconds_between(s, Ticket.finished_at, func.coalesce(Ticket.started_at, Ticket.called_at)),
                    and_(in_range, Ticket.status == rules.DONE, Ticket.closed_reason.is_(None),
                         Ticket.called_at.is_not(None))),
    }


def _time_figures(s: Session, seconds: ColumnElement, where, group) -> dict[Any, dict[str, Any]]:
    """count, mean, median and p90 of `seconds` per value of `group` (None: one group).

    Percentiles interpolate between the two nearest ranks like PostgreSQL's percentile_cont:
    position 1 + p·(n − 1); the window query returns only the rows at the ranks either side."""
    key = (group if group is not None else literal(0)).label("g")
    base = select(key, seconds.label("d")).where(where).subquery()
    agg = {row.g: {"count": row.n, "mean": row.mean}
           for row in s.execute(select(base.c.g, func.count().label("n"), func.avg(base.c.d).label("mean"))
                                .group_by(base.c.g))}
    ranked = select(base.c.g, base.c.d,
                    func.row_number().over(partition_by=base.c.g, order_by=base.c.d).label("rn"),
                    func.count().over(partition_by=base.c.g).label("n")).subquery()
    # the ranks either side of each position (a little wider: float rounding differs between engines)
    near = [func.abs(ranked.c.rn - (1 + p * (ranked.c.n - 1))) < 1.01 for p in PERCENTILES.values()]
    values: dict[Any, dict[int, float]] = {}
    for row in s.execute(select(ranked.c.g, ranked.c.rn, ranked.c.d).where(near[0] | near[1])):
        values.setdefault(row.g, {})[row.rn] = float(row.d)
    out = {}
    for g, figures in agg.items():
        n = figures["count"]
        at = values.get(g, {})
        result = {"count": n, "mean": _round(figures["mean"])}
        for name, p in PERCENTILES.items():
            pos = round(1 + p * (n - 1), 9)
            lo, hi = int(pos), min(int(pos) + 1, n)
            result[name] = _round(at[lo] + (pos - lo) * (at[hi] - at[lo])) if lo in at and hi in at else None
        out[g if group is not None else None] = result
    return out


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


def _reason_counts(s: Session, start: dt.date, end: dt.date, by: str | None) -> dict[Any, dict[str, int]]:
    """How often each reason was tapped, per `by` (counter_id, officer or None for all), the JSON
    arrays unnested by the database."""
    if s.get_bind().dialect.name == "postgresql":
        unnest, value = "json_array_elements_text(r.reasons) AS x(reason)", "x.reason"
    else:
        unnest, value = "json_each(r.reasons) AS x", "x.value"
    group = {"counter_id": "r.counter_id", "officer": "r.officer", None: None}[by]
    sql = text(f"SELECT {group or '0'} AS g, {value} AS reason, count(*) AS n FROM ratings r "
               f"JOIN tickets t ON t.id = r.ticket_id, {unnest} "
               f"WHERE t.day BETWEEN :start AND :end GROUP BY {group + ', ' if group else ''}{value}")
    out: dict[Any, dict[str, int]] = {}
    for g, reason, n in s.execute(sql, {"start": start, "end": end}):
        out.setdefault(g, dict.fromkeys(REASONS, 0))[reason] = int(n)
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


# ---- the summary

def summary(s: Session, start: dt.date, end: dt.date) -> dict[str, Any]:
    in_range = Ticket.day.between(start, end)
    grouped = s.execute(select(Ticket.service_id, Ticket.counter_id, *_ticket_counts())
                        .where(in_range).group_by(Ticket.service_id, Ticket.counter_id)).all()

    def counts_of(rows) -> dict[str, int]:
        return {k: sum(int(getattr(r, k) or 0) for r in rows) for k in COUNTS}

    durations = _durations(s, start, end)
    times = {group: {m: _time_figures(s, expr, where, col) for m, (expr, where) in durations.items()}
             for group, col in (("all", None), ("service", Ticket.service_id), ("counter", Ticket.counter_id))}

    def times_of(group: str, key) -> dict[str, Any]:
        return {f"{m}_seconds": times[group][m].get(key, _no_times()) for m in durations}

    services = {x.id: x for x in s.scalars(select(Service))}
    counters = {x.id: x for x in s.scalars(select(Counter))}
    rating_rows = _rating_rows(s, start, end)
    reasons_all = _reason_counts(s, start, end, None).get(0)
    reasons_by_counter = _reason_counts(s, start, end, "counter_id")
    reasons_by_officer = _reason_counts(s, start, end, "officer")

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
                                                      reasons_by_counter.get(cid))})
    names = dict(s.execute(select(User.username, User.full_name)).all())
    by_officer = [{"officer": o, "full_name": names.get(o, "") if o else "",
                   "ratings": _rating_figures([r for r in rating_rows if r.officer == o], reasons_by_officer.get(o))}
                  for o in sorted({r.officer for r in rating_rows}, key=lambda o: (o is None, o or ""))]
    return {
        "from": start.isoformat(), "to": end.isoformat(), "days": (end - start).days + 1,
        "tickets": {**counts_of(grouped), **times_of("all", None)},
        "ratings": _rating_figures(rating_rows, reasons_all),
        "by_service": by_service, "by_counter": by_counter, "by_officer": by_officer,
    }
