"""Dates and times the way Vietnamese administrative papers write them.

Decree 30/2020/NĐ-CP: a day below 10 and the months 1 and 2 take a leading zero
("ngày 05 tháng 01 năm 2026", "ngày 15 tháng 3 năm 2026"), so a number cannot be added later.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def day_month_year(d: dt.date) -> str:
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def at_time(t: dt.datetime) -> str:
    """'Hồi 14 giờ 30 phút, ngày 02 tháng 12 năm 2026'."""
    return f"Hồi {t.hour:02d} giờ {t.minute:02d} phút, {day_month_year(t.date())}"


def local_time(value: str | dt.datetime | None, tz: str) -> dt.datetime | None:
    """An ISO timestamp (the API's UTC ones, or an already local one without offset) in the office's zone."""
    if not value:
        return None
    t = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    return t.astimezone(ZoneInfo(tz)) if t.tzinfo else t


def local_date(value: str | dt.date | None) -> dt.date | None:
    if not value:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value[:10])
