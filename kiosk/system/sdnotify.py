"""Tell systemd how the kiosk is doing (sd_notify protocol), with no dependency.

Under `Type=notify` systemd passes a datagram socket in $NOTIFY_SOCKET. The app sends
READY=1 once the first screen is drawn and WATCHDOG=1 from the UI thread's clock, so a
frozen UI stops the pings and systemd restarts the service. Outside systemd (tests, demo,
a developer's laptop) every call is a no-op that returns False.
"""

from __future__ import annotations

import os
import socket

__all__ = ["notify", "ready", "watchdog_ping", "stopping", "status", "watchdog_interval"]


def _address(raw: str) -> str | bytes | None:
    if raw.startswith("@"):  # abstract namespace: a leading NUL byte instead of the "@"
        return b"\0" + raw[1:].encode()
    if raw.startswith("/"):
        return raw
    return None  # vsock and other forms are not used on a Pi


def notify(state: str) -> bool:
    """Send STATE (e.g. "READY=1" or several "KEY=value" lines) to systemd.

    Returns True when the message was handed to the socket, False when not under
    systemd or when sending failed (never raises: a kiosk must not die for its watchdog).
    """
    address = _address(os.environ.get("NOTIFY_SOCKET", ""))
    if address is None or not state:
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.sendto(state.encode("utf-8"), address)
        return True
    except OSError:
        return False


def ready() -> bool:
    """The first screen is up: systemd may consider the service started."""
    return notify("READY=1")


def watchdog_ping() -> bool:
    """Still alive. Call at about half of `watchdog_interval()` from the UI thread."""
    return notify("WATCHDOG=1")


def stopping() -> bool:
    """The app is shutting down on purpose."""
    return notify("STOPPING=1")


def status(text: str) -> bool:
    """A one-line status shown by `systemctl status` (no personal data here)."""
    line = " ".join(str(text).split())
    return notify(f"STATUS={line}") if line else False


def watchdog_interval() -> float | None:
    """Seconds within which systemd expects a ping, or None when no watchdog is armed.

    $WATCHDOG_USEC is set by systemd when WatchdogSec= is on; $WATCHDOG_PID, when present,
    says which process it is meant for (a child started by the kiosk must not take it).
    """
    try:
        usec = int(os.environ.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    if usec <= 0:
        return None
    pid = os.environ.get("WATCHDOG_PID")
    if pid:
        try:
            if int(pid) != os.getpid():
                return None
        except ValueError:
            return None
    return usec / 1_000_000
