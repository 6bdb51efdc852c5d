"""The ward's time zone, checked once for the kiosk and the office settings (stdlib only)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def check_timezone(name: str) -> str:
    """Return `name` if it is a known IANA time zone, else raise ValueError with a sentence to show."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("must be an IANA time zone such as Asia/Ho_Chi_Minh") from None
    return name
