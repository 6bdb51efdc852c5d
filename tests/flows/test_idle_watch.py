"""The idle watch without Kivy: a settable clock, the recording shell's timers, a dialog double."""

from kiosk.domain.session import CitizenSession
from kiosk.idle import IdleWatch


class Clock:
    now = 1000.0

    def __call__(self):
        return self.now


def make(shell, watching=True):
    clock = Clock()
    session = CitizenSession(idle_timeout=60, idle_countdown=15, clock=clock)
    ended = []
    asked = []

    def ask(seconds, on_continue, on_end):
        asked.append(shell.open_dialog("idle", seconds=seconds, on_continue=on_continue, on_end=on_end))
        return asked[-1]

    watch = IdleWatch(session, later=shell.later, every=shell.every, watching=lambda: watching, ask=ask,
                      expire=lambda: ended.append(True))
    return watch, clock, asked, ended


def test_nothing_is_armed_on_an_idle_home_screen(shell):
    watch, _clock, _asked, _ended = make(shell, watching=False)
    watch.activity()
    assert shell.timers == []


def test_asks_after_the_timeout_then_ends_after_the_countdown(shell):
    watch, clock, asked, ended = make(shell)
    watch.activity()
    watch.activity()  # one timer, however many touches
    [timer] = shell.timers
    assert timer.seconds == 60
    clock.now += 61
    timer.fire()
    [dialog] = asked
    assert dialog.seconds == 14 and watch.asking
    tick = shell.timers[-1]
    assert tick.repeat and tick.seconds == 1.0
    clock.now += 5
    tick.fire()
    assert dialog.seconds == 9 and not ended
    clock.now += 10
    tick.fire()
    assert ended == [True]


def test_a_touch_before_the_timeout_waits_the_remainder(shell):
    watch, clock, asked, _ended = make(shell)
    watch.activity()
    clock.now += 40
    watch.activity()
    clock.now += 20
    shell.timers[0].fire()
    assert not asked and shell.timers[-1].seconds == 40


def test_continue_closes_the_question_and_starts_again(shell):
    watch, clock, asked, ended = make(shell)
    watch.activity()
    clock.now += 61
    shell.timers[0].fire()
    asked[0].press("on_continue")
    assert asked[0].closed and not watch.asking and not ended
    assert shell.timers[1].cancelled  # the countdown stopped
    assert shell.timers[-1].seconds == 60 and not shell.timers[-1].cancelled
    watch.stop()
    assert shell.timers[-1].cancelled
