"""Rules of taking a queue number at the kiosk, in plain Python.

Priority categories follow the law (Law on the Elderly 2009 art. 3: 60 and over; Decree 63/2010
art. 18(8): people with meritorious service, the elderly, people with disabilities, pregnant
women). Only age can be read from the card; every other category is "to be confirmed at the
counter".
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from kiosk.domain.contract import PRIORITY_CATEGORIES  # noqa: F401  (the categories offered)

ELDERLY_AGE = 60


def offered_priority(citizen: Any, today: date) -> str | None:
    """'elderly' when the scanned card shows the citizen is 60 or older."""
    if citizen is not None and citizen.age(today) >= ELDERLY_AGE:
        return "elderly"
    return None


def idempotency_key(session_data: dict, service: str, priority: str | None) -> str:
    """One key per session, service and priority: a double tap or a retry reuses it, so the
    office returns the same ticket instead of making a second one."""
    keys = session_data.setdefault("ticket_keys", {})
    return keys.setdefault(f"{service}|{priority or ''}", uuid.uuid4().hex)


def service_for_field(services: list[dict], field_code: str) -> dict | None:
    """The office service a catalogue field leads to (matched by code or letter prefix)."""
    for s in services:
        if field_code in (s.get("code"), s.get("prefix")):
            return s
    return None
