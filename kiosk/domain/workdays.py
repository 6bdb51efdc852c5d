"""Working-day calendar for appointment dates ("ngày hẹn trả kết quả").

Public holidays come from the `holidays` package (Vietnam: New Year, Tết from the lunar calendar,
Hùng Kings' day, 30/4, 1/5, National Day, and the days off the government swaps in). A swap also
makes a Saturday a working day (e.g. 2026-08-22, worked to give 2026-08-31 off); the package lists
those in `weekend_workdays`, and we honour them. Local announcements go on top:
`extra_holidays` (days off) and `extra_workdays` (make-up days), which win over everything else.

The counting rule (Civil Code art. 147: a period counted in days starts the day after the event):
  1. The receipt day is the local date of `received` if it is a working day and the time is not
     after the cut-off (15:00). Otherwise the dossier counts as received on the next working day.
  2. The appointment is the n-th working day after the receipt day; n = 0 means the receipt day
     itself (same day, or the next working day when received after the cut-off).
A time of exactly 15:00:00 is still before the cut-off; 15:00:01 is after it. Naive datetimes are
taken as local time in `tz`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

__all__ = ["WorkCalendar"]


def _as_date(value: date | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value)


class WorkCalendar:
    def __init__(
        self,
        extra_holidays: Iterable[date | str] = (),
        extra_workdays: Iterable[date | str] = (),
        tz: str = "Asia/Ho_Chi_Minh",
        cutoff: time = time(15, 0),
    ):
        self.extra_holidays = frozenset(_as_date(d) for d in extra_holidays)
        self.extra_workdays = frozenset(_as_date(d) for d in extra_workdays)
        both = self.extra_holidays & self.extra_workdays
        if both:
            raise ValueError(f"dates both holiday and workday: {sorted(both)}")
        self.tz = ZoneInfo(tz)
        self.cutoff = cutoff
        self._holidays = holidays.country_holidays("VN")  # years are filled in on first look-up

    def holiday_name(self, d: date) -> str | None:
        """The public holiday on d (English name from the package, or "Local holiday")."""
        if d in self.extra_holidays:
            return "Local holiday"
        return self._holidays.get(d)

    def is_working_day(self, d: date) -> bool:
        if d in self.extra_workdays:
            return True
        if d in self.extra_holidays or d in self._holidays:  # `in` also loads d's year
            return False
        if d in getattr(self._holidays, "weekend_workdays", ()):  # swapped Saturdays; absent in old releases
            return True
        return d.weekday() < 5

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after d."""
        d += timedelta(days=1)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def receipt_day(self, received: datetime) -> date:
        """The working day a dossier counts as received (rule 1 above)."""
        local = received.astimezone(self.tz) if received.tzinfo else received
        day = local.date()
        if self.is_working_day(day) and local.time() <= self.cutoff:
            return day
        return self.next_working_day(day)

    def add_working_days(self, received: datetime, n: int) -> date:
        """The appointment date for a dossier received at `received` taking n working days."""
        if n < 0:
            raise ValueError("n must be 0 or more working days")
        day = self.receipt_day(received)
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end] — how late a dossier is, for reports."""
        count, d = 0, start
        while d < end:
            d += timedelta(days=1)
            count += self.is_working_day(d)
        return count
