"""The kiosk's frame rate: full while someone uses it, low on an untouched screen.

A kiosk waits for its next citizen most of the day, and each frame costs CPU even when nothing
changes (a bare Kivy app uses about a fifth as much at 10 fps as at 60). After `idle_after`
seconds without a touch, key or scan the frame rate drops to `idle_fps`; the next touch brings it
back: the frame that reads a tap from SDL is followed at once (no second low-rate wait) by the
frame that dispatches it, and the following frames run at full rate. Work posted from another
thread (a scan, a job's result) ends the sleep at once, at any rate.

Measured (bench/RESULTS.md, issue 18): looking for input between low-rate frames, in 30 ms slices
so a tap would wait 30 ms instead of up to 100, cost 0.45 % of a core on the 2-core test machine
(each timed wake-up costs ~100 µs there), twice a bare Kivy app at 10 fps; so the low rate keeps
one sleep per frame and a first tap after idle waits for the next frame, as in any 10 fps app.

No Kivy: the App hands in its timer, the setter of the clock's rate and, through kiosk.kivy_setup,
what "something is pending" means.
"""

from __future__ import annotations

import time
from typing import Any, Callable

Later = Callable[[float, Callable[[], None]], Any]  # -> something with cancel()


# After a wake-up with no touch (a scan, a job's result, a window event): full rate this long, so
# the event read in the first frame is dispatched in the next without a low-rate wait.
WAKE_SECONDS = 0.5


class FrameRate:
    def __init__(self, *, full: float, idle: float, idle_after: float, set_fps: Callable[[float], None],
                 later: Later, now: Callable[[], float] = time.monotonic) -> None:
        self.full, self.idle_fps = float(full), float(min(idle, full))
        self.idle_after = idle_after
        self._set_fps, self._later, self._now = set_fps, later, now
        self._fps = self.full
        self._until = now() + idle_after  # full rate until then
        self._timer: Any = None
        self.wakes = 0  # how many low-rate sleeps ended early (for tests and the benchmark's notes)

    @property
    def fps(self) -> float:
        return self._fps

    @property
    def idle(self) -> bool:
        return self._fps < self.full

    def start(self) -> None:
        """Begin watching: full rate now, low after idle_after seconds without activity."""
        self.activity()

    def activity(self) -> None:
        """A touch, key or scan: full rate now and for idle_after seconds more."""
        self._full_until(self._now() + self.idle_after)

    def wake(self, seconds: float = WAKE_SECONDS) -> None:
        """Something is pending that is not (yet) known to be a citizen: full rate for a moment."""
        self._full_until(max(self._until, self._now() + seconds))

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._go(self.full)

    def _full_until(self, until: float) -> None:
        self._until = until
        self._go(self.full)
        if self._timer is None:  # one timer: a busy minute of touches arms it once, not per touch
            self._timer = self._later(max(until - self._now(), 0.0), self._check)

    def _check(self) -> None:
        self._timer = None
        left = self._until - self._now()
        if left > 0.001:  # touched since the timer was set: wait the remainder
            self._timer = self._later(left, self._check)
        else:
            self._go(self.idle_fps)

    def _go(self, fps: float) -> None:
        if fps != self._fps:
            self._fps = fps
            self._set_fps(fps)

    def sleep(self, seconds: float, pending: Callable[[], bool], nap: Callable[[float], bool]) -> bool:
        """The sleep between two frames. nap(s) sleeps at most s and returns True when work was
        posted from another thread meanwhile (a scan, a job's result): the sleep ends there, at any
        rate. At the low rate, input already read but not yet dispatched (pending(): a tap SDL gave
        at the end of the last frame) ends it before it begins, and the rate goes full for a moment.
        True when it ended early: the caller makes the next frame due now."""
        if self.idle and pending():
            woke = True
        else:
            woke = bool(nap(seconds))
        if woke and self.idle:
            self.wakes += 1
            self.wake()
        return woke
