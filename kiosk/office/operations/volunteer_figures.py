"""The figures of help volunteers gave: per local day and volunteer, citizens helped in assisted
mode, tickets and dossiers made with help, help requests answered and how fast."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.office.operations.queue_rules import local_day
from kiosk.office.storage.models import Dossier, HelpRequest, Ticket, Volunteer, VolunteerAssist


@dataclass(frozen=True)
class Take:
    code: str
    day: dt.date
    minutes: float  # from asked to taken


def daily_figures(names: dict[str, str], assists: Iterable[tuple[str, dt.date]],
                  tickets: Iterable[tuple[str, dt.date]], dossiers: Iterable[tuple[str, dt.date]],
                  takes: Iterable[Take]) -> list[dict[str, Any]]:
    """One row per day and volunteer with any activity, ordered by day then name.

    citizens_helped = assisted-mode sessions started at kiosks; median_minutes_to_take is None
    when the volunteer answered no help request that day.
    """
    rows: dict[tuple[dt.date, str], dict[str, Any]] = {}

    def row(code: str, day: dt.date) -> dict[str, Any]:
        key = (day, code)
        if key not in rows:
            rows[key] = {"day": day.isoformat(), "volunteer_code": code, "volunteer_name": names.get(code, ""),
                         "citizens_helped": 0, "tickets_with_help": 0, "dossiers_with_help": 0,
                         "help_requests_answered": 0, "median_minutes_to_take": None}
        return rows[key]

    for field, items in (("citizens_helped", assists), ("tickets_with_help", tickets),
                         ("dossiers_with_help", dossiers)):
        for code, day in items:
            row(code, day)[field] += 1
    waits: dict[tuple[dt.date, str], list[float]] = defaultdict(list)
    for tk in takes:
        row(tk.code, tk.day)["help_requests_answered"] += 1
        waits[(tk.day, tk.code)].append(tk.minutes)
    for key, minutes in waits.items():
        rows[key]["median_minutes_to_take"] = round(statistics.median(minutes), 1)
    return sorted(rows.values(), key=lambda r: (r["day"], r["volunteer_name"], r["volunteer_code"]))



def figures(s: Session, tz: str, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """Per volunteer and local day, from `first` to `last` inclusive (see daily_figures)."""
    zone = ZoneInfo(tz)
    start = dt.datetime.combine(first, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    vols = {v.id: v for v in s.scalars(select(Volunteer))}
    names = {v.code: v.name for v in vols.values()}
    assists = [(vols[r.volunteer_id].code, local_day(r.started_at, tz)) for r in s.execute(
        select(VolunteerAssist.volunteer_id, VolunteerAssist.started_at)
        .where(VolunteerAssist.started_at >= start, VolunteerAssist.started_at < end))]
    tickets = [(r.volunteer_code, r.day) for r in s.execute(
        select(Ticket.volunteer_code, Ticket.day).where(Ticket.volunteer_code.is_not(None),
                                                        Ticket.day >= first, Ticket.day <= last))]
    dossiers = [(r.volunteer_code, r.day) for r in s.execute(
        select(Dossier.volunteer_code, Dossier.day).where(Dossier.volunteer_code.is_not(None),
                                                          Dossier.day >= first, Dossier.day <= last))]
    takes = [Take(vols[r.taken_by_volunteer_id].code, local_day(r.taken_at, tz),
                  (r.taken_at - r.created_at).total_seconds() / 60)
             for r in s.execute(select(HelpRequest.taken_by_volunteer_id, HelpRequest.taken_at,
                                       HelpRequest.created_at)
                                .where(HelpRequest.taken_by_volunteer_id.is_not(None),
                                       HelpRequest.taken_at >= start, HelpRequest.taken_at < end))]
    return daily_figures(names, assists, tickets, dossiers, takes)


FIGURE_COLUMNS = ("day", "volunteer_code", "volunteer_name", "citizens_helped", "tickets_with_help",
                  "dossiers_with_help", "help_requests_answered", "median_minutes_to_take")
