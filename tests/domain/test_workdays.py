"""Working-day arithmetic for appointment dates: weekends, Tết, 30/4–1/5, 2/9, swaps, cut-off."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.workdays import WorkCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
cal = WorkCalendar()


def at(y, m, d, hh=10, mm=0, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=VN)


def test_weekdays_work_weekends_do_not():
    assert cal.is_working_day(date(2026, 11, 30))  # Monday
    assert not cal.is_working_day(date(2026, 11, 28))  # Saturday
    assert not cal.is_working_day(date(2026, 11, 29))  # Sunday
    # Friday 10:00, one working day → Monday
    assert cal.add_working_days(at(2026, 11, 27), 1) == date(2026, 11, 30)


@pytest.mark.parametrize("day", [date(2026, 2, d) for d in range(16, 21)])
def test_tet_2026_is_off(day):
    assert not cal.is_working_day(day)


def test_tet_2026_pushes_appointments_past_the_holiday():
    # Friday 13/2/2026 before Tết: the next working day is Monday 23/2
    assert cal.add_working_days(at(2026, 2, 13), 1) == date(2026, 2, 23)
    assert cal.add_working_days(at(2026, 2, 12), 3) == date(2026, 2, 24)
    # received during Tết (a citizen submits online): counts from 23/2
    assert cal.receipt_day(at(2026, 2, 17)) == date(2026, 2, 23)
    assert cal.add_working_days(at(2026, 2, 17), 0) == date(2026, 2, 23)


def test_tet_2027():
    for d in range(4, 11):
        assert not cal.is_working_day(date(2027, 2, d)), d
    assert cal.add_working_days(at(2027, 2, 3), 1) == date(2027, 2, 11)
    # after the cut-off on Wednesday 3/2: received Thursday 11/2, +1 → Friday 12/2
    assert cal.add_working_days(at(2027, 2, 3, 16), 1) == date(2027, 2, 12)


def test_reunification_and_labour_day():
    assert not cal.is_working_day(date(2026, 4, 30))
    assert not cal.is_working_day(date(2026, 5, 1))
    assert cal.add_working_days(at(2026, 4, 29), 1) == date(2026, 5, 4)
    # 2027: 1/5 is a Saturday, observed on Monday 3/5
    assert not cal.is_working_day(date(2027, 5, 3))
    assert cal.add_working_days(at(2027, 4, 29), 1) == date(2027, 5, 4)
    assert cal.add_working_days(at(2027, 4, 29), 2) == date(2027, 5, 5)


def test_national_day_2026_and_its_swapped_saturday():
    assert not cal.is_working_day(date(2026, 9, 2))
    assert not cal.is_working_day(date(2026, 9, 1))
    assert not cal.is_working_day(date(2026, 8, 31))  # day off substituted from 22/8
    assert cal.is_working_day(date(2026, 8, 22))  # that Saturday is worked
    assert cal.add_working_days(at(2026, 8, 21), 1) == date(2026, 8, 22)
    assert cal.add_working_days(at(2026, 8, 28), 1) == date(2026, 9, 3)
    assert not cal.is_working_day(date(2027, 9, 2)) and not cal.is_working_day(date(2027, 9, 3))


def test_2025_swap_saturday_26_april():
    assert cal.is_working_day(date(2025, 4, 26))
    assert not cal.is_working_day(date(2025, 5, 2))


def test_cutoff_at_15_00():
    assert cal.receipt_day(at(2026, 12, 1, 15, 0, 0)) == date(2026, 12, 1)
    assert cal.receipt_day(at(2026, 12, 1, 15, 0, 1)) == date(2026, 12, 2)
    assert cal.add_working_days(at(2026, 12, 1, 14, 59), 0) == date(2026, 12, 1)
    assert cal.add_working_days(at(2026, 12, 1, 16, 0), 0) == date(2026, 12, 2)
    # Friday after 15:00 with n=0 → Monday
    assert cal.add_working_days(at(2026, 12, 4, 17), 0) == date(2026, 12, 7)
    assert cal.add_working_days(at(2026, 12, 4, 17), 1) == date(2026, 12, 8)


def test_time_zone_is_local_not_utc():
    # 08:30 UTC is 15:30 in Hà Nội: after the cut-off
    utc = datetime(2026, 12, 1, 8, 30, tzinfo=timezone.utc)
    assert cal.receipt_day(utc) == date(2026, 12, 2)
    # 20:00 UTC on 30/11 is 03:00 on 1/12 local: counts on 1/12
    assert cal.receipt_day(datetime(2026, 11, 30, 20, 0, tzinfo=timezone.utc)) == date(2026, 12, 1)
    # naive datetimes are local
    assert cal.receipt_day(datetime(2026, 12, 1, 15, 30)) == date(2026, 12, 2)


def test_local_holidays_and_make_up_days_win():
    local = WorkCalendar(extra_holidays=["2026-12-02"], extra_workdays=[date(2026, 12, 5)],
                         cutoff=time(16, 30))
    assert not local.is_working_day(date(2026, 12, 2))
    assert local.is_working_day(date(2026, 12, 5))  # a Saturday
    assert local.holiday_name(date(2026, 12, 2)) == "Local holiday"
    assert local.add_working_days(at(2026, 12, 1, 16), 1) == date(2026, 12, 3)
    assert local.add_working_days(at(2026, 12, 4), 1) == date(2026, 12, 5)
    # a worked public holiday (e.g. a local decision) is honoured too
    assert WorkCalendar(extra_workdays=["2026-09-01"]).is_working_day(date(2026, 9, 1))


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        WorkCalendar(extra_holidays=["2026-12-02"], extra_workdays=["2026-12-02"])
    with pytest.raises(ValueError):
        cal.add_working_days(at(2026, 12, 1), -1)


def test_holiday_names_come_from_the_package():
    assert "Lunar New Year" in cal.holiday_name(date(2026, 2, 17))
    assert cal.holiday_name(date(2026, 12, 1)) is None


@given(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 1)),
       st.integers(min_value=0, max_value=20))
def test_appointment_is_a_working_day_n_working_days_after_receipt(received, n):
    appointment = cal.add_working_days(received, n)
    start = cal.receipt_day(received)
    assert cal.is_working_day(appointment) and cal.is_working_day(start)
    assert start >= received.date() and appointment >= start
    assert cal.working_days_between(start, appointment) == n
    # never more than n + 14 calendar days (the longest break is Tết)
    assert appointment - start <= timedelta(days=n * 3 + 14)
