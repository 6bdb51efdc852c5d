"""Queue rules in plain Python: priority interleaving, the wait limit, estimates, local days."""

import datetime as dt

import pytest

from kiosk.office.operations.queue_rules import Candidate, Policy, Streak, choose_next, estimate_minutes, format_number, local_day

T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.timezone.utc)  # 08:00 in Hà Nội / HCMC


def line(normal: int, priority: int) -> list[Candidate]:
    """Normal tickets 1..n then priority tickets, each a minute after the previous."""
    out = [Candidate(i, False, T0 + dt.timedelta(minutes=i)) for i in range(1, normal + 1)]
    out += [Candidate(100 + i, True, T0 + dt.timedelta(minutes=normal + i)) for i in range(1, priority + 1)]
    return out


def serve_all(waiting: list[Candidate], policy: Policy, now: dt.datetime = T0 + dt.timedelta(minutes=20)):
    order, streak, waiting = [], Streak(), list(waiting)
    while waiting:
        pick = choose_next(waiting, streak, policy, now)
        waiting.remove(pick)
        streak = streak.after(pick.priority)
        order.append("P" if pick.priority else "N")
    return "".join(order)


def test_default_ratio_two_normal_to_one_priority():
    assert serve_all(line(6, 3), Policy()) == "PNNPNNPNN"


def test_ratio_is_configurable():
    assert serve_all(line(6, 3), Policy(ratio_normal=3, ratio_priority=1)) == "PNNNPNNNP"
    assert serve_all(line(4, 4), Policy(ratio_normal=1, ratio_priority=2)) == "PPNPPNNN"


def test_priority_zero_means_strict_arrival_order_between_lines():
    assert serve_all(line(2, 2), Policy(ratio_priority=0)) == "NNPP"


def test_an_empty_line_never_blocks_the_other():
    assert serve_all(line(3, 0), Policy()) == "NNN"
    assert serve_all(line(0, 3), Policy()) == "PPP"


def test_within_a_line_first_come_first_served():
    waiting = line(3, 0)
    assert [choose_next(waiting[i:], Streak(), Policy(), T0).id for i in range(3)] == [1, 2, 3]


def test_ticket_waiting_past_the_limit_goes_first_even_against_the_ratio():
    waiting = line(3, 2)
    now = waiting[0].queued_at + dt.timedelta(minutes=30)
    # the streak says priority's turn, but normal ticket 1 has waited 30 minutes
    assert choose_next(waiting, Streak("normal", 2), Policy(), now).id == 1
    # one minute earlier it would not be overdue: priority's turn wins
    assert choose_next(waiting, Streak("normal", 2), Policy(), now - dt.timedelta(minutes=1)).id == 101


def test_wait_limit_is_configurable():
    waiting = line(1, 1)
    policy = Policy(max_wait=dt.timedelta(minutes=5))
    now = waiting[0].queued_at + dt.timedelta(minutes=5)
    assert choose_next(waiting, Streak("priority", 1), policy, now).id == 1
    assert choose_next(waiting, Streak("priority", 1), Policy(), now).id == 1  # normal's turn anyway
    assert choose_next(waiting, Streak("normal", 5), Policy(), now).id == 101


def test_nobody_waiting():
    assert choose_next([], Streak(), Policy(), T0) is None


def test_estimate_uses_default_until_there_is_data():
    assert estimate_minutes(0, [], 1) == 0
    assert estimate_minutes(3, [], 1) == 15
    assert estimate_minutes(3, [], 1, default_per_person=4) == 12


def test_estimate_uses_median_and_open_counters():
    assert estimate_minutes(4, [2, 3, 100], 1) == 12  # median 3, outlier ignored
    assert estimate_minutes(4, [2, 3, 100], 2) == 6
    assert estimate_minutes(1, [7], 0) == 7  # no open counter: still an honest guess, not a crash


def test_numbers_and_local_day():
    assert format_number("A", 12) == "A012"
    assert format_number("C", 1234) == "C1234"
    # 16:59 UTC is 23:59 in Hồ Chí Minh City, 17:00 UTC is the next local day
    assert local_day(dt.datetime(2026, 3, 2, 16, 59, tzinfo=dt.timezone.utc), "Asia/Ho_Chi_Minh") == dt.date(2026, 3, 2)
    assert local_day(dt.datetime(2026, 3, 2, 17, 0, tzinfo=dt.timezone.utc), "Asia/Ho_Chi_Minh") == dt.date(2026, 3, 3)


@pytest.mark.parametrize("kind,length,expected", [(None, 0, "priority"), ("normal", 1, "normal"),
                                                    ("normal", 2, "priority"), ("priority", 1, "normal")])
def test_streak_decides_whose_turn(kind, length, expected):
    pick = choose_next(line(2, 2), Streak(kind, length), Policy(), T0 + dt.timedelta(minutes=5))
    assert ("priority" if pick.priority else "normal") == expected
