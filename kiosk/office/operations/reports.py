"""Figures of how well the ward serves, for a range of local days: tickets (issued, served,
no-shows…), waiting and service times (mean, median, 90th percentile), and citizens' ratings;
in total, by field (service), by counter, by officer and by local hour.

Tickets and ratings come per day from report_rollup: each day's figures aggregated by the database
(GROUP BY: a row per service, counter and officer, with the group's waiting and service times as
one list), kept once the day can no longer change, so a year reads a cached row per closed day and
computes today live. Counts are summed here; medians and 90th percentiles are exact (to the
millisecond the times are kept at): the lists of the partition are sorted and the percentile
interpolated between the two nearest ranks, as SQL's percentile_cont does (see _figures).
Dossiers (see _dossier_rows): by procedure and status, declared vs received, received vs reached
the province, on time vs late against the appointment, filed at a kiosk / with a volunteer; one
GROUP BY over the dossiers declared on the range's local days (dossiers.day, the code's day),
always live (a dossier changes for weeks).
"""

from __future__ import annotations

import datetime as dt
from itertools import chain
from typing import Any

from sqlalchemy import Date, and_, cast, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from kiosk.office.errors import Invalid
from kiosk.office.operations import dossiers as dossier_rules
from kiosk.office.operations import report_rollup as rollup
from kiosk.office.operations.handoff import DELIVERED
from kiosk.office.operations.ratings import REASONS, SATISFIED, SCORES
from kiosk.office.storage.models import Counter, Dossier, DossierHistory, Handoff, Service, User

MAX_DAYS = 400  # a year and a little: a wider range is refused rather than left to run long
PERCENTILES = {"median": 0.5, "p90": 0.9}


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


# ---- the ticket and rating figures, merged over the range's days (see report_rollup)

_count = rollup.count_if
COUNTS = rollup.COUNTS
_N = len(COUNTS)


class _Group:
    """One (service, counter, officer) group over the range's days: its counts and its times."""
    __slots__ = ("service_id", "counter_id", "officer", "counts", "waits", "services")

    def __init__(self, key: tuple[Any, Any, Any]):
        self.service_id, self.counter_id, self.officer = key
        self.counts = [0] * _N
        self.waits: list[int] = []  # milliseconds
        self.services: list[int] = []

    def add(self, row: list[Any]) -> None:
        counts = self.counts
        for i, n in enumerate(row[3:3 + _N]):
            counts[i] += n
        self.waits += row[3 + _N]
        self.services += row[4 + _N]


def _merge(days: list[dict[str, Any]]) -> tuple[list[_Group], list[Any], list[tuple[Any, Any, str, int]]]:
    """The days' rows added up per group: ticket groups (their times sorted), rating rows and
    reason counts; a few dozen of each whatever the range."""
    groups: dict[tuple, _Group] = {}
    rated: dict[tuple, int] = {}
    reasons: dict[tuple, int] = {}
    for f in days:
        for row in f["tickets"]:
            key = (row[0], row[1], row[2])
            g = groups.get(key)
            if g is None:
                g = groups[key] = _Group(key)
            g.add(row)
        for cid, officer, via, score, n in f["ratings"]:
            rated[cid, officer, via, score] = rated.get((cid, officer, via, score), 0) + n
        for cid, officer, reason, n in f["reasons"]:
            reasons[cid, officer, reason] = reasons.get((cid, officer, reason), 0) + n
    for g in groups.values():
        g.waits.sort()
        g.services.sort()
    return (list(groups.values()), [_Rated((*k, n)) for k, n in rated.items()],
            [(*k, n) for k, n in reasons.items()])


def _counts_of(groups: list[_Group]) -> dict[str, int]:
    sums = [0] * _N
    for g in groups:
        for i, n in enumerate(g.counts):
            sums[i] += n
    return dict(zip(COUNTS, sums))


def _times_of(groups: list[_Group], measure: str) -> dict[str, Any]:
    """count, mean, median and p90 of the groups' times (milliseconds, each group's already sorted),
    the percentiles interpolated as percentile_cont does."""
    values = sorted(chain.from_iterable(getattr(g, measure) for g in groups))  # sorted runs: a merge
    return _figures(values) if values else _no_times()


def _figures(ordered: list[int]) -> dict[str, Any]:
    """Times in milliseconds, sorted -> count, and mean, median, p90 in seconds."""
    n = len(ordered)
    result = {"count": n, "mean": _round(sum(ordered) / n / 1000)}
    for name, p in PERCENTILES.items():
        pos = p * (n - 1)  # 0-based position between two ranks
        lo = int(pos)
        hi = min(lo + 1, n - 1)
        result[name] = _round((ordered[lo] + (pos - lo) * (ordered[hi] - ordered[lo])) / 1000)
    return result


def _round(seconds) -> float | None:
    return None if seconds is None else round(float(seconds), 1)


def _no_times() -> dict[str, Any]:
    return {"count": 0, "mean": None, "median": None, "p90": None}


def _ticket_figures(groups: list[_Group]) -> dict[str, Any]:
    return {**_counts_of(groups), "waiting_seconds": _times_of(groups, "waits"),
            "service_seconds": _times_of(groups, "services")}


# ---- ratings

class _Rated:
    __slots__ = ("counter_id", "officer", "via", "score", "n")

    def __init__(self, row: list[Any]):
        self.counter_id, self.officer, self.via, self.score, self.n = row


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

def _by_hour(day_figures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tickets issued and served, and the mean wait, by the local hour they were issued."""
    hours: dict[int, list] = {}
    for f in day_figures:
        for hour, issued, served, wait_total, wait_n in f["hours"]:
            h = hours.setdefault(int(hour), [0, 0, 0.0, 0])
            h[0] += issued
            h[1] += served
            h[2] += wait_total
            h[3] += wait_n
    return [{"hour": h, "issued": n, "served": served, "waiting_mean_seconds": _round(total / k) if k else None}
            for h, (n, served, total, k) in sorted(hours.items())]


# ---- dossiers

DOSSIER_COUNTS = ("declared", "received", "reached_province", "on_time", "late_done", "late_open", "not_due",
                  "via_kiosk", "with_volunteer")
OPEN_DOSSIER = (dossier_rules.RECEIVED, dossier_rules.PROCESSING, dossier_rules.MORE_DOCUMENTS)


def _local_date(s: Session, column, tz: str, day: dt.date) -> ColumnElement:
    """The ward's local calendar day of a stored (naive UTC) time (see _local_hour for SQLite)."""
    if rollup.is_pg(s):
        return cast(func.timezone(tz, func.timezone("UTC", column)), Date)
    return func.date(column, f"{rollup.utc_offset_minutes(tz, day):+d} minutes")


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

def day_figures(s: Session, start: dt.date, end: dt.date, tz: str,
                storable_before: dt.date | None = None) -> tuple[list[dict[str, Any]], dict[dt.date, dict[str, Any]]]:
    """The figures of each day of the range: from the cache where kept, else computed. Also
    returns the computed days that may now be kept (over before `storable_before`, no ticket open)."""
    kept = rollup.load(s, start, end)
    missing = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    missing = [d for d in missing if d not in kept]
    computed = rollup.compute(s, missing, tz)
    keep = {d: f for d, f in computed.items()
            if storable_before is not None and d < storable_before and rollup.can_keep(f)}
    return [*kept.values(), *computed.values()], keep


def summary(s: Session, start: dt.date, end: dt.date, tz: str = "Asia/Ho_Chi_Minh",
            today: dt.date | None = None, storable_before: dt.date | None = None,
            keep: dict[dt.date, dict[str, Any]] | None = None) -> dict[str, Any]:
    """`today` (the ward's local day, default the range's end): open dossiers whose appointment
    is before it count as late. Days computed here that can be cached (see day_figures) are added
    to `keep` for the caller to save (this session may be read-only)."""
    days, fresh = day_figures(s, start, end, tz, storable_before)
    if keep is not None:
        keep.update(fresh)
    groups, rating_rows, reasons = _merge(days)

    services = {x.id: x for x in s.scalars(select(Service))}
    counters = {x.id: x for x in s.scalars(select(Counter))}
    by_service = []
    for sid in sorted({g.service_id for g in groups}, key=lambda i: (services[i].sort_order, i)):
        svc = services[sid]
        by_service.append({"service": svc.code, "prefix": svc.prefix, "name_vi": svc.name_vi, "name_en": svc.name_en,
                           **_ticket_figures([g for g in groups if g.service_id == sid])})
    by_counter = []
    counter_ids = {g.counter_id for g in groups if g.counter_id is not None} | {r.counter_id for r in rating_rows}
    for cid in sorted(counter_ids, key=lambda i: counters[i].number):
        by_counter.append({"counter": counters[cid].number, "counter_id": cid, "name": counters[cid].name,
                           **_ticket_figures([g for g in groups if g.counter_id == cid]),
                           "ratings": _rating_figures([r for r in rating_rows if r.counter_id == cid],
                                                      _reasons(reasons, lambda r: r[0] == cid))})
    names = dict(s.execute(select(User.username, User.full_name)).all())
    officers = {g.officer for g in groups if g.officer is not None} | {r.officer for r in rating_rows}
    by_officer = [{"officer": o, "full_name": names.get(o, "") if o else "",
                   **_officer_tickets([g for g in groups if g.officer == o] if o is not None else []),
                   "ratings": _rating_figures([r for r in rating_rows if r.officer == o],
                                              _reasons(reasons, lambda r: r[1] == o))}
                  for o in sorted(officers, key=lambda o: (o is None, o or ""))]
    return {
        "from": start.isoformat(), "to": end.isoformat(), "days": (end - start).days + 1,
        "tickets": _ticket_figures(groups),
        "ratings": _rating_figures(rating_rows, _reasons(reasons)),
        "by_service": by_service, "by_counter": by_counter, "by_officer": by_officer,
        "by_hour": _by_hour(days),
        **_dossiers(s, start, end, tz, today or end),
    }


def _officer_tickets(groups: list[_Group]) -> dict[str, Any]:
    """An officer's tickets: served (they pressed "finish"), no-shows (they marked absent) and
    their service times."""
    counts = _counts_of(groups)
    return {"served": counts["served"], "no_show": counts["no_show"],
            "service_seconds": _times_of(groups, "services")}


# ---- the officer's own day (the counter console)

def officer_day(s: Session, username: str, today: dt.date, tz: str = "Asia/Ho_Chi_Minh") -> dict[str, Any]:
    """What the officer did today: tickets they finished or marked absent (the audit log names
    who) and the service times of those, their ratings; and the office's received dossiers not
    ready yet whose appointment is today or already past."""
    figures = rollup.compute(s, [today], tz)[today]
    groups, rating_rows, _ = _merge([figures])
    mine = _officer_tickets([g for g in groups if g.officer == username])
    times = mine["service_seconds"]
    rating_rows = [r for r in rating_rows if r.officer == username]
    due = s.execute(select(_count(Dossier.appointment_date == today), _count(Dossier.appointment_date < today))
                    .where(Dossier.status.in_(OPEN_DOSSIER), Dossier.appointment_date <= today)).one()
    rated = _rating_figures(rating_rows, None)
    return {"day": today.isoformat(), "officer": username, "served": mine["served"], "no_show": mine["no_show"],
            "service_mean_seconds": times["mean"], "service_median_seconds": times["median"],
            "service_p90_seconds": times["p90"],
            "ratings": {k: rated[k] for k in ("count", "by_score", "satisfied_share", "mean_score")},
            "dossiers_due_today": int(due[0] or 0), "dossiers_overdue": int(due[1] or 0)}
