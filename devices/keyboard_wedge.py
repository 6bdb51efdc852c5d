"""Keyboard-mode (HID) scanners: tell a scanner's burst of keystrokes from a person typing.

A scanner in keyboard mode "types" a whole QR in a few milliseconds per key, then Enter; a person
leaves 80 ms or more between keys. The kiosk feeds this detector the window's text events (with no
field focused) and gets back whole frames. Plain Python: no Kivy here; the app passes timestamps.

Keyboard mode cannot type Vietnamese letters on Linux, so an ID card read this way loses them;
the card rules (kiosk.domain.cccd.needs_serial_mode) spot that, not this module.

Note on timestamps: Kivy delivers a frame's worth of queued key events together, so keys of one
scan may share a timestamp. That is fine: only gaps larger than `max_gap_ms` split a burst.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

ENTER_KEYS = {"enter", "return", "\r", "\n", 13, 271}  # 271: keypad Enter in Kivy's key codes


class KeyboardWedge:
    """Feed it characters with times (seconds); it calls `on_frame(text)` for each scanner burst.

    A burst is a run of keys with no gap longer than `max_gap_ms`; it ends with Enter (or Tab),
    with a longer gap, or after `quiet_gap_ms` without a key (call `poll`). A burst of at least
    `min_length` characters is a scan; anything shorter is a person typing and is dropped
    (`on_human(text)` if given): a person's keys come one per burst.
    Thread-safe: `poll` may run on a timer thread while the UI thread feeds keys.
    """

    def __init__(
        self,
        on_frame: Callable[[str], None],
        *,
        max_gap_ms: float = 50,
        min_length: int = 8,
        quiet_gap_ms: float = 120,
        on_human: Callable[[str], None] | None = None,
    ):
        self.on_frame = on_frame
        self.on_human = on_human
        self.max_gap = max_gap_ms / 1000
        self.min_length = min_length
        self.quiet_gap = max(quiet_gap_ms, max_gap_ms) / 1000
        self._chars: list[str] = []
        self._last: float | None = None
        self._lock = threading.RLock()  # on_frame may feed back in

    def feed_text(self, text: str, t: float | None = None) -> None:
        """Characters from a text event (one or several; several in one event count as one instant)."""
        t = time.monotonic() if t is None else t
        with self._lock:
            if self._chars and self._last is not None and t - self._last > self.max_gap:
                self._end()
            for ch in text:
                if ch in "\r\n":
                    self._end()
                else:
                    self._chars.append(ch)
            self._last = t

    def feed_key(self, key: object, t: float | None = None) -> None:
        """A non-text key: Enter (or Tab, which some scanners send) ends the frame."""
        t = time.monotonic() if t is None else t
        with self._lock:
            if key in ENTER_KEYS or key in ("tab", "\t", 9):
                self._end()
                self._last = t

    def poll(self, t: float | None = None) -> None:
        """Flush a burst that ended without Enter once the quiet gap has passed."""
        t = time.monotonic() if t is None else t
        with self._lock:
            if self._chars and self._last is not None and t - self._last >= self.quiet_gap:
                self._end()

    @property
    def pending(self) -> bool:
        return bool(self._chars)

    def _end(self) -> None:
        text = "".join(self._chars)
        self._chars = []
        if not text:
            return
        if len(text) >= self.min_length:
            self.on_frame(text)
        elif self.on_human:
            self.on_human(text)
