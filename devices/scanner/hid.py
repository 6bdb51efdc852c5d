"""HidScanner: a keyboard-mode scanner, its key events fed in by the app (see keyboard_wedge)."""

from __future__ import annotations

import threading

from devices.keyboard_wedge import KeyboardWedge
from devices.scanner.base import CONNECTED, FrameCallback, Scanner, StateCallback


class HidScanner(Scanner):
    """A keyboard-mode scanner: the app feeds it the window's key events (UI thread).

    `feed_text(text, t)` / `feed_key(key, t)` with `t` from time.monotonic() (or omitted).
    A timer thread flushes bursts that end without Enter. Frames that lost their Vietnamese
    letters are still delivered: the card rules tell the app to show the note.
    """

    kind = "hid"

    def __init__(self, *, quiet_gap_ms: float = 120, on_frame: FrameCallback, on_state: StateCallback,
                 max_gap_ms: float = 50, min_length: int = 8):
        super().__init__(on_frame, on_state)
        self.path = "keyboard"
        self.wedge = KeyboardWedge(self._from_wedge, max_gap_ms=max_gap_ms, min_length=min_length,
                                   quiet_gap_ms=quiet_gap_ms)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def feed_text(self, text: str, t: float | None = None) -> None:
        self.wedge.feed_text(text, t)

    def feed_key(self, key: object, t: float | None = None) -> None:
        self.wedge.feed_key(key, t)

    def _from_wedge(self, frame: str) -> None:
        self._emit(frame)

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._poll, name="scanner-hid", daemon=True)
        self._thread.start()
        self._set_state(CONNECTED, "keyboard mode")

    def _poll(self) -> None:
        while not self._stop.wait(self.wedge.quiet_gap / 2):
            self.wedge.poll()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(1.0)
        super().stop()
