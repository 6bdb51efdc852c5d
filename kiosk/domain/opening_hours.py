"""When the centre issues queue numbers: its weekly hours, its closed days, and daily caps (issue 15).

Plain Python, shared by the config (validation), the office (POST /api/tickets refuses outside the
hours) and the kiosk (the sentence saying when to come back).

    hours = Schedule.parse({"mon": ["07:30-11:30", "13:30-17:00"], ...})   # a day left out is closed
    hours.next_opening(now, calendar)   # None while open; else the local datetime it opens next

A day is closed when the working-day calendar (kiosk.domain.workdays) names it a holiday and does
not make it a working day. A make-up working day (a swapped Saturday, `extra_workdays`) with no
hours of its own opens with the first weekday's hours that the schedule has (Monday's usually).
Ranges are half-open: open at 07:30:00, closed at 11:30:00. A schedule open all day every day
(`ALWAYS_OPEN`, the demo's) ignores holidays too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKWEEK_HOURS = ("07:30-11:30", "13:30-17:00")  # what most wards post
DEFAULT_HOURS: dict[str, tuple[str, ...]] = {d: WORKWEEK_HOURS for d in DAYS[:5]}
ALWAYS_OPEN: dict[str, tuple[str, ...]] = {d: ("00:00-24:00",) for d in DAYS}  # --demo
LOOKAHEAD_DAYS = 400  # a schedule with hours opens within a week; holidays add at most a few weeks

_RANGE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


class Calendar(Protocol):
    """What a schedule needs of kiosk.domain.workdays.WorkCalendar."""

    def is_working_day(self, d: date) -> bool: ...

    def holiday_name(self, d: date) -> str | None: ...


def _minutes(hh: str, mm: str) -> int | None:
    h, m = int(hh), int(mm)
    if m > 59 or h > 24 or (h == 24 and m):
        return None
    return h * 60 + m


def parse_range(text: str) -> tuple[int, int]:
    """"07:30-11:30" -> (450, 690) minutes of the day; ValueError in one sentence otherwise."""
    m = _RANGE.match(str(text).strip())
    start = _minutes(m.group(1), m.group(2)) if m else None
    end = _minutes(m.group(3), m.group(4)) if m else None
    if start is None or end is None or start >= 24 * 60:
        raise ValueError(f'"{text}" is not a time range "HH:MM-HH:MM" between 00:00 and 24:00')
    if end <= start:
        raise ValueError(f'"{text}" ends before it starts')
    return start, end


def parse_day(ranges: Iterable[str]) -> tuple[tuple[int, int], ...]:
    """One day's ranges, sorted; overlapping ranges are refused (a typo, not a wish)."""
    parsed = sorted(parse_range(r) for r in ranges)
    for (s1, e1), (s2, _e2) in zip(parsed, parsed[1:]):
        if s2 < e1:
            raise ValueError(f'"{_text((s1, e1))}" and "{_text((s2, _e2))}" overlap')
    return tuple(parsed)


def _text(r: tuple[int, int]) -> str:
    return "-".join(f"{m // 60:02d}:{m % 60:02d}" for m in r)


@dataclass(frozen=True)
class Schedule:
    """Opening ranges per weekday (Monday first), in minutes of the local day."""

    week: tuple[tuple[tuple[int, int], ...], ...]

    @classmethod
    def parse(cls, hours: Mapping[str, Iterable[str]]) -> "Schedule":
        unknown = set(hours) - set(DAYS)
        if unknown:
            raise ValueError(f"unknown day {sorted(unknown)[0]!r}; days are {', '.join(DAYS)}")
        week = tuple(parse_day(hours.get(d, ())) for d in DAYS)
        if not any(week):
            raise ValueError("no opening hours on any day")
        return cls(week)

    @property
    def around_the_clock(self) -> bool:
        """Open all day every day (--demo): holidays do not close it either."""
        return all(day == ((0, 24 * 60),) for day in self.week)

    def ranges_on(self, day: date, calendar: Calendar | None = None) -> tuple[tuple[int, int], ...]:
        if calendar is not None and not self.around_the_clock:
            working = calendar.is_working_day(day)
            if not working and calendar.holiday_name(day):
                return ()
            if working and not self.week[day.weekday()]:  # a make-up day: the first weekday's hours
                return next((r for r in self.week[:5] if r), ())
        return self.week[day.weekday()]

    def is_open(self, now: datetime, calendar: Calendar | None = None) -> bool:
        minute = now.hour * 60 + now.minute
        return any(s <= minute < e for s, e in self.ranges_on(now.date(), calendar))

    def next_opening(self, now: datetime, calendar: Calendar | None = None, *,
                     after_today: bool = False) -> datetime | None:
        """The next opening at or after `now` (local, naive or aware; the answer keeps its tzinfo).
        None when open now (and not after_today) or never within LOOKAHEAD_DAYS."""
        if not after_today and self.is_open(now, calendar):
            return None
        day = now.date() + timedelta(days=1 if after_today else 0)
        minute = now.hour * 60 + now.minute + (now.second > 0 or now.microsecond > 0)
        for i in range(LOOKAHEAD_DAYS):
            d = day + timedelta(days=i)
            for start, _end in self.ranges_on(d, calendar):
                if i or after_today or start >= minute:
                    return datetime.combine(d, time(start // 60, start % 60), tzinfo=now.tzinfo)
        return None


# ---- the sentence on the kiosk and in the API's answer ---------------------------------------

_WEEKDAYS = {
    "vi": ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")


def when_text(at: datetime, lang: str = "vi") -> str:
    """"7:30 sáng thứ Hai, 07/12/2026" / "7:30 a.m. on Monday 7 December 2026"."""
    h, m = at.hour, at.minute
    if lang == "en":
        clock = f"{(h % 12) or 12}:{m:02d} {'a.m.' if h < 12 else 'p.m.'}"
        return f"{clock} on {_WEEKDAYS['en'][at.weekday()]} {at.day} {_MONTHS_EN[at.month - 1]} {at.year}"
    part = "sáng" if h < 11 else "trưa" if h < 13 else "chiều" if h < 18 else "tối"
    clock = f"{h if h <= 12 else h - 12}:{m:02d} {part}"
    return f"{clock} {_WEEKDAYS['vi'][at.weekday()]}, {at.strftime('%d/%m/%Y')}"


def closed_sentence_vi(next_open: datetime | None) -> str:
    """"Trung tâm đang nghỉ. Mời ông/bà quay lại lúc 7:30 sáng thứ Hai, 07/12/2026." """
    if next_open is None:
        return "Trung tâm đang nghỉ."
    return f"Trung tâm đang nghỉ. Mời ông/bà quay lại lúc {when_text(next_open)}."


def full_sentence_vi(field_name: str, next_open: datetime | None) -> str:
    """"Lĩnh vực Hộ tịch hôm nay đã hết số. Mời ông/bà quay lại lúc 7:30 sáng thứ Năm, 03/12/2026." """
    first = f"Lĩnh vực {field_name} hôm nay đã hết số."
    return first if next_open is None else f"{first} Mời ông/bà quay lại lúc {when_text(next_open)}."


def check_caps(caps: Mapping[str, Any]) -> dict[str, int]:
    """[office.caps]: service code -> numbers a day (1 or more)."""
    out: dict[str, int] = {}
    for code, n in caps.items():
        if not re.fullmatch(r"[A-Za-z0-9_.\-]{1,30}", code):
            raise ValueError(f"{code!r} is not a service code (letters, digits, - _ .)")
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"{code} = {n!r}: a cap is a whole number of tickets a day, 1 or more")
        out[code] = n
    return out
