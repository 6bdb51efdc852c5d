"""The idle watch: after a while without a touch, ask "Bạn còn tiếp tục không?" with a countdown,
then end the session. One timer while someone uses the kiosk and none on an idle home screen,
never a per-frame poll. No Kivy: the App hands in its timers and the dialog.
"""

from __future__ import annotations

from typing import Any, Callable

from kiosk.domain.session import CitizenSession, IdleState

Later = Callable[[float, Callable[[], None]], Any]  # -> something with cancel()
# ask(seconds_left, on_continue, on_end) opens the dialog -> something with `seconds` and close()
Ask = Callable[[int, Callable[[], None], Callable[[], None]], Any]


class IdleWatch:
    def __init__(self, session: CitizenSession, *, later: Later, every: Later, watching: Callable[[], bool],
                 ask: Ask, expire: Callable[[], None], held: Callable[[], bool] = lambda: False) -> None:
        self.session = session
        self._later, self._every = later, every
        self._watching = watching  # whether there is anything to guard (a session, a screen not home)
        self._ask, self._expire = ask, expire
        self._held = held  # e.g. a help request is open: the citizen is waiting, not gone
        self._timer: Any = None
        self._countdown: Any = None
        self._dialog: Any = None

    @property
    def asking(self) -> bool:
        return self._dialog is not None

    def activity(self) -> None:
        """A citizen did something: restart the idle clock."""
        self.session.touch()
        if self._dialog is None and self._timer is None and self._watching():
            self._timer = self._later(self.session.idle_timeout, self._check)

    def _check(self) -> None:
        self._timer = None
        if not self._watching():
            return
        state = self.session.idle_state()
        if self._held():  # never ask nor wipe while held; look again after another idle period
            self._timer = self._later(self.session.idle_timeout, self._check)
        elif state is IdleState.ACTIVE:  # touched since the timer was set: wait the remainder
            remaining = self.session.idle_timeout - self.session.idle_for()
            self._timer = self._later(max(remaining, 0.05), self._check)
        elif state is IdleState.ASKING:
            self._dialog = self._ask(self.session.seconds_left(), self.still_here, self._expire)
            self._countdown = self._every(1.0, self._tick)
        else:
            self._expire()

    def _tick(self) -> None:
        if self._dialog is None:
            return
        if self._held():  # held while the question was up (help was asked for): stay
            self.still_here()
        elif self.session.idle_state() is IdleState.EXPIRED:
            self._expire()
        else:
            self._dialog.seconds = self.session.seconds_left()

    def still_here(self) -> None:
        """'Tiếp tục': close the question and start the clock again."""
        self._close_dialog()
        self.activity()

    def _close_dialog(self) -> None:
        if self._countdown is not None:
            self._countdown.cancel()
            self._countdown = None
        if self._dialog is not None:
            self._dialog.close()
            self._dialog = None

    def stop(self) -> None:
        """The session ended: no question, no timer until the next citizen."""
        self._close_dialog()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
