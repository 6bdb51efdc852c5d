"""Stop cleanly on SIGTERM/SIGINT/SIGHUP, whatever the app is doing.

Installed before Kivy creates its window: SDL only hooks SIGTERM when its handler is still the
default, and SDL's hook turns the signal into a window close request, which a kiosk refuses
(so `systemctl stop` would hang). Ours asks the app to stop, and a timer ends the process
anyway shortly before systemd's stop timeout would.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from typing import Any, Callable

log = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 4.5


def install(request_stop: Callable[[], None], grace: float = STOP_GRACE_SECONDS) -> None:
    """request_stop() runs in the main thread when a stop signal arrives."""

    def on_signal(signum: int, _frame: Any) -> None:
        log.info("signal %s: stopping", signal.Signals(signum).name)
        timer = threading.Timer(grace, lambda: os._exit(0))
        timer.daemon = True
        timer.start()
        request_stop()

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
