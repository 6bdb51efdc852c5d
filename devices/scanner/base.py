"""The scanner every connection shares: a source of frames with a state, and its callbacks.

`on_frame(text)` and `on_state(state, detail)` are called from the reader thread: the app must
hand them to the UI thread. A bug in a callback is logged and never stops the reader.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

FrameCallback = Callable[[str], None]
StateCallback = Callable[[str, str], None]

CONNECTED, DISCONNECTED, RECONNECTING, STOPPED = "connected", "disconnected", "reconnecting", "stopped"


class ScannerSpecError(ValueError):
    """A scanner connection string that cannot be used; the message names what is wrong."""


def brief(exc: BaseException) -> str:
    """An exception in one short phrase for a state detail (never scanned data: errors carry none)."""
    return f"{type(exc).__name__}: {exc}"[:200]


def close_quietly(handle: Any) -> None:
    """Close a port that may already be gone (unplugged in the middle of a read)."""
    try:
        handle.close()
    except Exception:  # nothing left to release
        pass


class Scanner:
    """Base: a source of frames with a state. Subclasses run a reader thread."""

    kind = "none"

    def __init__(self, on_frame: FrameCallback, on_state: StateCallback):
        self.on_frame = on_frame
        self.on_state = on_state
        self.path: str | None = None
        self.state = STOPPED
        self.frames = 0  # frames delivered, for `kiosk doctor` and logs

    def start(self) -> None:
        pass

    def stop(self) -> None:
        self._set_state(STOPPED, "stopped")

    def _set_state(self, state: str, detail: str) -> None:
        if state == self.state:
            return
        self.state = state
        level = logging.WARNING if state == DISCONNECTED else logging.INFO
        log.log(level, "scanner %s: %s (%s)", self.kind, state, detail)
        try:
            self.on_state(state, detail)
        except Exception:  # a bug in the app's callback must not kill the reader
            log.exception("scanner on_state callback failed")

    def _emit(self, frame: str) -> None:
        self.frames += 1
        log.debug("scanner %s: frame of %d characters", self.kind, len(frame))
        try:
            self.on_frame(frame)
        except Exception:
            log.exception("scanner on_frame callback failed")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.kind} {self.path or ''} {self.state}>"


class NullScanner(Scanner):
    """`none`: no scanner configured."""
