"""The centre's opening hours, closed days and the sentence saying when it opens (issue 15)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kiosk.domain.opening_hours import (ALWAYS_OPEN, DEFAULT_HOURS, Schedule, check_caps, closed_sentence_vi,
                                        full_sentence_vi, parse_day, when_text)
from kiosk.domain.workdays import WorkCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
WEEK = Schedule.parse(DEFAULT_HOURS)
CAL = WorkCalendar()


def at(y, mo, d, h, mi=0, s=0):
    return datetime(y, mo, d, h, mi, s, tzinfo=VN)


@pytest.mark.parametrize("when, open_", [
    (at(2026, 12, 7, 7, 29, 59), False), (at(2026, 12, 7, 7, 30), True), (at(2026, 12, 7, 11, 29, 59), True),
    (at(2026, 12, 7, 11, 30), False), (at(2026, 12, 7, 13, 30), True), (at(2026, 12, 7, 16, 59), True),
    (at(2026, 12, 7, 17, 0), False), (at(2026, 12, 5, 9, 0), False), (at(2026, 12, 6, 9, 0), False),
])
def test_the_usual_week_is_monday_to_friday_mornings_and_afternoons(when, open_):
    assert WEEK.is_open(when, CAL) is open_


def test_next_opening_after_the_lunch_break_the_evening_and_the_weekend():
    assert WEEK.next_opening(at(2026, 12, 7, 12, 0), CAL) == at(2026, 12, 7, 13, 30)
    assert WEEK.next_opening(at(2026, 12, 7, 6, 0), CAL) == at(2026, 12, 7, 7, 30)
    assert WEEK.next_opening(at(2026, 12, 4, 17, 0), CAL) == at(2026, 12, 7, 7, 30)  # Friday evening -> Monday
    assert WEEK.next_opening(at(2026, 12, 6, 21, 0), CAL) == at(2026, 12, 7, 7, 30)
    assert WEEK.next_opening(at(2026, 12, 7, 9, 0), CAL) is None  # open now
    # a cap reached: the next opening on another day
    assert WEEK.next_opening(at(2026, 12, 7, 9, 0), CAL, after_today=True) == at(2026, 12, 8, 7, 30)
    assert WEEK.next_opening(at(2026, 12, 7, 6, 0), CAL, after_today=True) == at(2026, 12, 8, 7, 30)


def test_public_holidays_are_closed_and_local_days_too():
    # 2 September 2026 (National Day) is a Wednesday; the package gives the 1st or 3rd too in some years
    national_day = date(2026, 9, 2)
    assert CAL.holiday_name(national_day)
    assert not WEEK.is_open(at(2026, 9, 2, 9, 0), CAL)
    assert WEEK.next_opening(at(2026, 9, 2, 9, 0), CAL).date() > national_day
    local = WorkCalendar(extra_holidays=[date(2026, 12, 8)])
    assert WEEK.next_opening(at(2026, 12, 7, 18, 0), local) == at(2026, 12, 9, 7, 30)
    assert WEEK.is_open(at(2026, 12, 8, 9, 0), CAL) and not WEEK.is_open(at(2026, 12, 8, 9, 0), local)


def test_a_make_up_saturday_opens_with_the_weekday_hours():
    cal = WorkCalendar(extra_workdays=[date(2026, 12, 12)])  # a Saturday worked to give a day off
    assert WEEK.is_open(at(2026, 12, 12, 8, 0), cal) and not WEEK.is_open(at(2026, 12, 12, 12, 0), cal)
    assert not WEEK.is_open(at(2026, 12, 12, 8, 0), CAL)
    saturday_mornings = Schedule.parse({**DEFAULT_HOURS, "sat": ["07:30-11:30"]})
    assert saturday_mornings.is_open(at(2026, 12, 5, 8, 0), CAL)  # a ward open on Saturday mornings


def test_always_open_is_open_at_night_and_on_holidays():
    demo = Schedule.parse(ALWAYS_OPEN)
    for when in (at(2026, 12, 6, 23, 59), at(2026, 12, 7, 0, 0), at(2026, 9, 2, 3, 0)):
        assert demo.is_open(when, CAL)


@pytest.mark.parametrize("ranges, words", [
    (["25:00-26:00"], '"25:00-26:00" is not a time range'),
    (["07:30-11:60"], "is not a time range"),
    (["7:30-11:30"], "is not a time range"),
    (["11:30-07:30"], "ends before it starts"),
    (["08:00-10:00", "09:30-11:00"], '"08:00-10:00" and "09:30-11:00" overlap'),
])
def test_bad_ranges_are_refused_in_one_sentence(ranges, words):
    with pytest.raises(ValueError) as err:
        parse_day(ranges)
    assert words in str(err.value) and "\n" not in str(err.value)


def test_a_schedule_needs_some_hours_and_known_days():
    with pytest.raises(ValueError, match="no opening hours on any day"):
        Schedule.parse({})
    with pytest.raises(ValueError, match="unknown day 'monday'"):
        Schedule.parse({"monday": ["07:30-11:30"]})
    assert Schedule.parse({"mon": ["13:30-17:00", "07:30-11:30"]}).week[0] == ((450, 690), (810, 1020))
    assert parse_day(["07:30-11:30", "11:30-12:00"]) == ((450, 690), (690, 720))  # touching is fine


def test_caps_are_whole_numbers_per_service_code():
    assert check_caps({"ho-tich": 50}) == {"ho-tich": 50}
    for bad in ({"ho-tich": 0}, {"ho-tich": True}, {"hộ tịch": 5}):
        with pytest.raises(ValueError):
            check_caps(bad)


def test_the_sentences_say_when_to_come_back():
    monday = at(2026, 12, 7, 7, 30)
    assert closed_sentence_vi(monday) == "Trung tâm đang nghỉ. Mời ông/bà quay lại lúc 7:30 sáng thứ Hai, 07/12/2026."
    assert when_text(at(2026, 12, 8, 13, 30)) == "1:30 chiều thứ Ba, 08/12/2026"
    assert when_text(at(2026, 12, 13, 12, 0)) == "12:00 trưa Chủ nhật, 13/12/2026"
    assert when_text(monday, "en") == "7:30 a.m. on Monday 7 December 2026"
    assert when_text(at(2026, 12, 8, 13, 30), "en") == "1:30 p.m. on Tuesday 8 December 2026"
    assert full_sentence_vi("Hộ tịch", at(2026, 12, 8, 7, 30)) == (
        "Lĩnh vực Hộ tịch hôm nay đã hết số. Mời ông/bà quay lại lúc 7:30 sáng thứ Ba, 08/12/2026.")
    assert closed_sentence_vi(None) == "Trung tâm đang nghỉ."
