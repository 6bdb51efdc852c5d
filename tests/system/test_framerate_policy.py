"""kiosk.framerate.FrameRate on a fake clock: when the rate drops, what brings it back, and how
its sleep ends early."""

from __future__ import annotations

import pytest

from kiosk.framerate import FrameRate


class FakeTime:
    """time.monotonic and Clock.schedule_once on one fake clock."""

    def __init__(self) -> None:
        self.t = 100.0
        self.timers: list[list] = []  # [due, fn, cancelled]

    def now(self) -> float:
        return self.t

    def later(self, seconds: float, fn):
        timer = [self.t + seconds, fn, False]
        self.timers.append(timer)

        class Handle:
            def cancel(self_inner) -> None:
                timer[2] = True

        return Handle()

    def advance(self, seconds: float) -> None:
        end = self.t + seconds
        while True:
            due = sorted((t for t in self.timers if not t[2] and t[0] <= end), key=lambda t: t[0])
            if not due:
                break
            timer = due[0]
            self.timers.remove(timer)
            self.t = max(self.t, timer[0])
            timer[1]()
        self.t = end

    def armed(self) -> int:
        return sum(1 for t in self.timers if not t[2])


@pytest.fixture
def clock():
    return FakeTime()


def make(clock, *, full=30, idle=10, after=5.0):
    rates: list[float] = []
    rate = FrameRate(full=full, idle=idle, idle_after=after, set_fps=rates.append, later=clock.later, now=clock.now)
    rate.start()
    return rate, rates


def test_full_rate_until_the_idle_delay_then_the_idle_rate(clock):
    rate, rates = make(clock)
    clock.advance(4.9)
    assert rate.fps == 30 and rates == []
    clock.advance(0.2)
    assert rate.fps == 10 and rates == [10.0] and rate.idle


def test_each_activity_postpones_the_drop_with_one_timer(clock):
    rate, rates = make(clock)
    for _ in range(20):  # a citizen tapping every 0.5 s for 10 s
        clock.advance(0.5)
        rate.activity()
        assert clock.armed() == 1
    assert rates == []
    clock.advance(4.9)
    assert not rate.idle
    clock.advance(0.2)
    assert rate.idle


def test_activity_when_idle_is_full_rate_at_once(clock):
    rate, rates = make(clock)
    clock.advance(6)
    rate.activity()
    assert rate.fps == 30 and rates == [10.0, 30.0]
    clock.advance(5.1)
    assert rates == [10.0, 30.0, 10.0]


def test_idle_rate_is_never_above_the_full_rate(clock):
    rate, rates = make(clock, full=8, idle=10)
    clock.advance(6)
    assert rate.fps == 8 and rates == []  # nothing to lower


def test_full_rate_sleep_is_one_nap_cut_short_by_posted_work(clock):
    rate, _ = make(clock)
    naps: list[float] = []
    assert rate.sleep(0.03, pending=lambda: True, nap=lambda s: naps.append(s)) is False
    assert naps == [0.03]
    assert rate.sleep(0.03, pending=lambda: False, nap=lambda s: True) is True  # a scan arrived
    assert rate.fps == 30


def test_idle_sleep_is_one_nap_when_nothing_waits(clock):
    rate, _ = make(clock)
    clock.advance(6)
    naps: list[float] = []
    assert rate.sleep(0.1, pending=lambda: False, nap=lambda s: naps.append(s) or False) is False
    assert naps == [0.1] and rate.idle and rate.wakes == 0


def test_idle_sleep_does_not_begin_while_a_read_tap_waits_and_goes_full_rate_a_moment(clock):
    rate, rates = make(clock)
    clock.advance(6)
    naps: list[float] = []
    assert rate.sleep(0.1, pending=lambda: True, nap=lambda s: naps.append(s) or False) is True
    assert naps == [] and rate.fps == 30 and rate.wakes == 1
    clock.advance(0.6)  # nothing came of it (the touch was swallowed): back to the low rate
    assert rate.idle and rates == [10.0, 30.0, 10.0]


def test_idle_sleep_ends_at_once_on_posted_work(clock):
    rate, _ = make(clock)
    clock.advance(6)
    assert rate.sleep(0.1, pending=lambda: False, nap=lambda s: True) is True  # a scan arrived
    assert rate.fps == 30 and rate.wakes == 1


def test_stop_restores_the_full_rate_and_cancels_the_timer(clock):
    rate, rates = make(clock)
    clock.advance(6)
    rate.stop()
    assert rate.fps == 30 and clock.armed() == 0
