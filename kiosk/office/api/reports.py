"""Reports for staff and the ward's leaders: GET /api/reports/summary?from=YYYY-MM-DD&to=YYYY-MM-DD
(staff), the same figures as CSV or an Excel workbook (admin), and the month's report as an A4 PDF
with charts (admin, GET /api/reports/monthly.pdf?month=YYYY-MM)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Annotated

from fastapi import Query, Response
from pydantic import Field

from kiosk.office.api.deps import AdminDep, OfficeDep, StaffDep
from kiosk.office.api.dossier_forms import stored_ward_identity
from kiosk.office.api.routing import OfficeRouter
from kiosk.office.api.schemas import Day, Out
from kiosk.office.errors import Invalid
from kiosk.office.forms import monthly_report
from kiosk.office.operations import ratings as rating_rules
from kiosk.office.operations import report_export, report_rollup, reports
from kiosk.office.operations.queue_rules import local_day

router = OfficeRouter(prefix="/api/reports", tags=["reports"])

_DAY = {"description": "YYYY-MM-DD, a local day (both ends included)"}


class Times(Out):
    count: int
    mean: float | None = Field(description="seconds")
    median: float | None = Field(description="seconds")
    p90: float | None = Field(description="seconds, 90th percentile")


class TicketFigures(Out):
    issued: int
    served: int
    no_show: int
    cancelled: int
    unserved_at_close: int = Field(description="still in line when the day ended (closed by the office)")
    open: int = Field(description="still waiting, called or being served (today)")
    transferred: int
    priority: int
    waiting_seconds: Times
    service_seconds: Times


class RatingFigures(Out):
    count: int
    by_score: dict[str, int] = Field(description='{"1": n, "2": n, "3": n, "4": n}; 4 = Rất hài lòng')
    satisfied: int = Field(description="scores 3 and 4")
    satisfied_share: float | None
    mean_score: float | None
    reasons: dict[str, int]
    via: dict[str, int] = Field(description="counter | phone")


class ServiceFigures(TicketFigures):
    service: str
    prefix: str
    name_vi: str
    name_en: str


class CounterFigures(TicketFigures):
    counter: int
    counter_id: int
    name: str
    ratings: RatingFigures


class OfficerFigures(Out):
    officer: str | None = Field(description="username of who finished the ticket or marked it absent (the "
                                            "audit log's last finish / no_show entry; null: not a staff account)")
    full_name: str
    served: int = Field(description="tickets the officer finished")
    no_show: int = Field(description="tickets the officer marked absent when called")
    service_seconds: Times = Field(description="service times of the tickets they finished")
    ratings: RatingFigures


class HourFigures(Out):
    hour: int = Field(description="local hour the tickets were issued, 0–23")
    issued: int
    served: int
    waiting_mean_seconds: float | None


class DossierFigures(Out):
    declared: int = Field(description="dossiers declared on the range's local days (the code's day)")
    received: int = Field(description="of them, received by an officer ('Tiếp nhận'), whatever their status now")
    received_share: float | None = Field(description="received / declared")
    reached_province: int = Field(description="of the received, in the province's system: hand-off delivered "
                                              "or official code set")
    reached_share: float | None = Field(description="reached_province / received")
    on_time: int = Field(description="ready or returned on a local day on or before the appointment date")
    late: int = Field(description="late_done + late_open")
    late_done: int = Field(description="ready or returned after the appointment date")
    late_open: int = Field(description="still received / processing / more_documents, appointment date before today")
    not_due: int = Field(description="still open, appointment date today or later")
    on_time_share: float | None = Field(description="on_time / (on_time + late)")
    via_kiosk: int = Field(description="filed through a kiosk (kiosk_id set)")
    kiosk_share: float | None = Field(description="via_kiosk / declared")
    with_volunteer: int = Field(description="filed with a volunteer's help (volunteer_code set)")
    volunteer_share: float | None = Field(description="with_volunteer / declared")
    by_status: dict[str, int] = Field(description="current status -> count, every status present")


class ProcedureFigures(DossierFigures):
    procedure: str
    name_vi: str
    name_en: str


class Summary(Out):
    from_: Day = Field(alias="from")
    to: Day
    days: int
    tickets: TicketFigures
    ratings: RatingFigures
    by_service: list[ServiceFigures]
    by_counter: list[CounterFigures]
    by_officer: list[OfficerFigures]
    by_hour: list[HourFigures]
    dossiers: DossierFigures
    by_procedure: list[ProcedureFigures] = Field(description="most declared first")


class DayRatings(Out):
    count: int
    by_score: dict[str, int]
    satisfied_share: float | None
    mean_score: float | None


class OfficerDay(Out):
    day: Day = Field(description="the ward's local day today")
    officer: str = Field(description="the caller's username")
    served: int = Field(description="tickets of today the caller finished")
    no_show: int = Field(description="tickets of today the caller marked absent")
    service_mean_seconds: float | None = Field(description="their mean service time (finish − start, or − call)")
    service_median_seconds: float | None
    service_p90_seconds: float | None = Field(description="90th percentile")
    ratings: DayRatings = Field(description="ratings of today's tickets the caller finished")
    dossiers_due_today: int = Field(description="office-wide: received / processing / more_documents, "
                                                "appointment today")
    dossiers_overdue: int = Field(description="office-wide: the same, appointment already past")


FromDay = Annotated[str | None, Query(alias="from", **_DAY)]
ToDay = Annotated[str | None, Query(**_DAY)]


def _summary(office, from_: str | None, to: str | None) -> dict:
    start, end = reports.parse_range(from_, to)
    tz, now = office.settings.timezone, office.clock()
    keep: dict = {}
    with office.db.read() as s:
        # a day is kept once over and its ratings' window closed (a ticket finished at midnight
        # may still be rated until then)
        figures = reports.summary(s, start, end, tz, today=local_day(now, tz),
                                  storable_before=local_day(now - rating_rules.window(office.settings), tz),
                                  keep=keep)
    report_rollup.save_quietly(office.db, keep, now)
    return figures


@router.get("/summary", response_model=Summary, response_model_by_alias=True)
def summary(user: StaffDep, office: OfficeDep, from_: FromDay = None, to: ToDay = None):
    return _summary(office, from_, to)


@router.get("/my-day", response_model=OfficerDay)
def my_day(user: StaffDep, office: OfficeDep):
    """The counter console's daily panel: the caller's own figures for today."""
    with office.db.read() as s:
        return reports.officer_day(s, user.username, local_day(office.clock(), office.settings.timezone),
                                   office.settings.timezone)


def _download(data: str | bytes, media: str, summary: dict, ext: str) -> Response:
    name = f"bao-cao-{summary['from']}-{summary['to']}.{ext}"
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/export.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def export_csv(user: AdminDep, office: OfficeDep, from_: FromDay = None, to: ToDay = None):
    """The summary's tables one after another, each under its title (UTF-8 with a BOM)."""
    figures = _summary(office, from_, to)
    return _download(report_export.to_csv(figures), "text/csv; charset=utf-8", figures, "csv")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/export.xlsx", response_class=Response, responses={200: {"content": {XLSX: {}}}})
def export_xlsx(user: AdminDep, office: OfficeDep, from_: FromDay = None, to: ToDay = None):
    """One sheet per table, Vietnamese headers."""
    figures = _summary(office, from_, to)
    return _download(report_export.to_xlsx(figures), XLSX, figures, "xlsx")


def month_range(month: str | None) -> tuple[str, str]:
    """"2026-03" → ("2026-03-01", "2026-03-31"); 422 naming `month` otherwise."""
    if not month:
        raise Invalid("missing", "give month=YYYY-MM", "month")
    if not re.fullmatch(r"\d{4}-\d{2}", month) or not 1 <= int(month[5:]) <= 12 or int(month[:4]) < 2000:
        raise Invalid("bad_month", f"month must be YYYY-MM, not {month[:20]!r}", "month")
    year, mm = int(month[:4]), int(month[5:])
    return dt.date(year, mm, 1).isoformat(), dt.date(year, mm, calendar.monthrange(year, mm)[1]).isoformat()


@router.get("/monthly.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}, "description": "the month's report, A4"}})
def monthly_pdf(user: AdminDep, office: OfficeDep,
                month: Annotated[str | None, Query(description="YYYY-MM, a month of local days")] = None):
    """The month's report for the ward's leaders: key figures, charts, tables by field and counter,
    the head of the centre's signature; dated the ward's today."""
    start, end = month_range(month)
    figures = _summary(office, start, end)
    pdf = monthly_report.render(figures, stored_ward_identity(office), month,
                                made_on=local_day(office.clock(), office.settings.timezone))
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="bao-cao-thang-{month}.pdf"'})
