"""Volunteers: their badge codes and PINs, admin changes, assisted mode at kiosks and the log-in
on the /volunteer page.

The first part is plain Python (codes, PINs, names); the second loads and stores inside the
caller's transaction, like the other operations. argon2 work (PIN hashing and checking) is slow
on purpose: callers run it outside write transactions. Help requests and the figures of help
given have their own modules (help_requests, volunteer_figures).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from collections.abc import Iterable
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.contract import VOLUNTEER_BADGE_PREFIX
from kiosk.office.errors import Invalid, NotFound
from kiosk.office.operations import auth, web_sessions
from kiosk.office.operations.context import Ctx, audit
from kiosk.office.storage.models import LoginAttempt, Volunteer, VolunteerAssist

# ---- codes, PINs and names (plain Python)

# Crockford's base32: no I, L, O, U, so a code read aloud or typed on a phone is not misread
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 60 random bits: unguessable, yet short enough to type
_CODE_RE = re.compile(f"^[{_ALPHABET}]{{{CODE_LENGTH}}}$")
_PIN_RE = re.compile(r"^[0-9]{4,6}$")

# A PIN has at most a million values, so the rate limit protects it, not the hash; a light argon2
# (4 MiB, one pass: ~8 ms here) keeps a PIN-only login, checked against every active volunteer,
# quick on a Raspberry Pi. Hashes carry their parameters, so older ones still verify.
_pin_hasher = PasswordHasher(time_cost=1, memory_cost=4096, parallelism=1)
_DUMMY_PIN_HASH = _pin_hasher.hash("000000x")


def new_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """A typed or scanned code in its stored form: upper case, no dashes or spaces, O->0, I/L->1."""
    t = re.sub(r"[\s\-]", "", (text or "").upper())
    return t.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def is_code(code: str) -> bool:
    return bool(_CODE_RE.match(code))


def format_code(code: str) -> str:
    """For people: K7QM-2XRD-9FHT."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def badge_payload(code: str) -> str:
    return VOLUNTEER_BADGE_PREFIX + code


def is_pin(pin: str) -> bool:
    return bool(_PIN_RE.match(pin or ""))


def new_pin(digits: int = 6) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(digits))


def hash_pin(pin: str) -> str:
    return _pin_hasher.hash(pin)


def check_pin(stored: str | None, pin: str) -> bool:
    try:
        return _pin_hasher.verify(stored or _DUMMY_PIN_HASH, pin) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def pin_owner(candidates: Iterable[tuple[int, str]], pin: str) -> int | None:
    """The id whose hash matches the PIN (candidates: (id, pin_hash) of active volunteers)."""
    for vid, stored in candidates:
        if check_pin(stored, pin):
            return vid
    return None


def clean_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name or "").split())


def given_name(full_name: str) -> str:
    """What a kiosk shows of the person coming: the given name, the LAST word of a Vietnamese name
    ("Nguyễn Thị Lan" -> "Lan")."""
    words = clean_name(full_name).split()
    return words[-1] if words else ""


# ---- volunteers (data access)

def volunteer_view(v: Volunteer) -> dict[str, Any]:
    return {"id": v.id, "code": v.code, "code_display": format_code(v.code), "badge": badge_payload(v.code),
            "name": v.name, "first_name": given_name(v.name), "active": v.active,
            "created_at": v.created_at.isoformat()}


def volunteer_by_id(s: Session, volunteer_id: int) -> Volunteer:
    v = s.get(Volunteer, volunteer_id)
    if v is None:
        raise NotFound("volunteer_not_found", f"no volunteer with id {volunteer_id}")
    return v


def volunteer_by_code(s: Session, code: str) -> Volunteer | None:
    """The ACTIVE volunteer with this badge code (typed or scanned form), else None."""
    code = normalize_code(code)
    if not is_code(code):
        return None
    v = s.scalar(select(Volunteer).where(Volunteer.code == code))
    return v if v and v.active else None


def pin_candidates(s: Session) -> list[tuple[int, str]]:
    return [(r.id, r.pin_hash) for r in s.execute(select(Volunteer.id, Volunteer.pin_hash)
                                                  .where(Volunteer.active.is_(True)).order_by(Volunteer.id))]


def create_volunteer(s: Session, ctx: Ctx, name: str, pin_hash: str) -> Volunteer:
    name = clean_name(name)
    if not name:
        raise Invalid("missing_name", "the volunteer's name is required", "name")
    while True:  # a collision of 60 random bits will not happen, but costs nothing to rule out
        code = new_code()
        if s.scalar(select(Volunteer.id).where(Volunteer.code == code)) is None:
            break
    v = Volunteer(code=code, name=name, pin_hash=pin_hash, active=True, created_at=ctx.now)
    s.add(v)
    s.flush()
    audit(s, ctx, "create", "volunteer", v.id, name=name)  # never the PIN
    return v


def update_volunteer(s: Session, ctx: Ctx, volunteer_id: int, changes: dict[str, Any]) -> Volunteer:
    """changes: name, active, pin_hash. Deactivating ends the volunteer's web sessions."""
    v = volunteer_by_id(s, volunteer_id)
    logged: dict[str, Any] = {}
    if "name" in changes:
        name = clean_name(changes["name"])
        if not name:
            raise Invalid("missing_name", "the volunteer's name is required", "name")
        v.name = logged["name"] = name
    if "pin_hash" in changes:
        v.pin_hash = changes["pin_hash"]
        logged["pin"] = "changed"
    if "active" in changes and bool(changes["active"]) != v.active:
        v.active = logged["active"] = bool(changes["active"])
        v.deactivated_at = None if v.active else ctx.now
    if not v.active or "pin_hash" in changes:
        web_sessions.end_all(s, web_sessions.VOLUNTEER, v.id)
    s.flush()
    audit(s, ctx, "update", "volunteer", v.id, **logged)
    return v


# `kiosk demo` / `serve --demo`: one volunteer with a known badge code and PIN
DEMO_VOLUNTEER = ("DEM0TNV00001", "Nguyễn Thị Lan", "1234")


def seed_demo_volunteer(s: Session, ctx: Ctx) -> bool:
    """Add the demo volunteer if missing; True when added."""
    code, name, pin = DEMO_VOLUNTEER
    if s.scalar(select(Volunteer.id).where(Volunteer.code == code)) is not None:
        return False
    s.add(Volunteer(code=code, name=name, pin_hash=hash_pin(pin), active=True, created_at=ctx.now))
    s.flush()
    return True


# ---- logging in: at a kiosk (assisted mode) and on the /volunteer page

PIN_LIMIT_NAME = "volunteer-pin"  # the "username" of PIN attempts in login_attempts


def pin_limit_key(kiosk_id: str) -> str:
    return f"kiosk:{kiosk_id}"


def check_pin_rate(s: Session, kiosk_id: str, now: dt.datetime, max_failures: int, window: dt.timedelta) -> None:
    auth.check_rate_limit(s, PIN_LIMIT_NAME, pin_limit_key(kiosk_id), now, max_failures, window)


def record_pin_attempt(s: Session, kiosk_id: str, now: dt.datetime, ok: bool) -> None:
    s.add(LoginAttempt(username=PIN_LIMIT_NAME, ip=pin_limit_key(kiosk_id)[:60], at=now, success=ok))
    s.flush()


def start_assist(s: Session, ctx: Ctx, v: Volunteer, kiosk_id: str, method: str) -> VolunteerAssist:
    a = VolunteerAssist(volunteer_id=v.id, kiosk_id=kiosk_id, method=method, started_at=ctx.now)
    s.add(a)
    s.flush()
    audit(s, ctx, "assist", "volunteer", v.id, kiosk_id=kiosk_id, method=method)
    return a


def web_login_name(code: str) -> str:
    return "vol:" + normalize_code(code)[:56]


def start_web_session(s: Session, v: Volunteer, now: dt.datetime, hours: float) -> str:
    token, _ = web_sessions.start(s, web_sessions.VOLUNTEER, v.id, now, hours)
    return token


def volunteer_for_token(s: Session, token: str, now: dt.datetime) -> Volunteer | None:
    volunteer_id = web_sessions.subject(s, web_sessions.VOLUNTEER, token, now)
    v = s.get(Volunteer, volunteer_id) if volunteer_id is not None else None
    return v if v and v.active else None
