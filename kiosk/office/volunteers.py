"""Volunteers, their badges and PINs, help requests from kiosks, and the figures of help given.

The first part is plain Python (codes, PINs, names, figures); the second loads and stores, inside
the caller's transaction, like kiosk.office.ops. argon2 work (PIN hashing and checking) is slow on
purpose: callers run it outside write transactions.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import statistics
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kiosk.domain.contract import VOLUNTEER_BADGE_PREFIX as BADGE_PREFIX
from kiosk.office import auth
from kiosk.office.errors import Conflict, Invalid, NotFound
from kiosk.office.events import publish
from kiosk.office.models import Kiosk, LoginAttempt, Ticket, User
from kiosk.office.models_dossier import Dossier
from kiosk.office.models_volunteer import HelpRequest, Volunteer, VolunteerAssist, VolunteerWebSession
from kiosk.office.ops import Ctx, audit, runtime_settings

# ---- codes, PINs and names (plain Python)

# Crockford's base32: no I, L, O, U, so a code read aloud or typed on a phone is not misread
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 60 random bits: unguessable, yet short enough to type
_CODE_RE = re.compile(f"^[{_ALPHABET}]{{{CODE_LENGTH}}}$")
_PIN_RE = re.compile(r"^[0-9]{4,6}$")
SCREEN_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,39}$")

OPEN, TAKEN, CLOSED = "open", "taken", "closed"
HELP_STATUSES = (OPEN, TAKEN, CLOSED)

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
    return BADGE_PREFIX + code


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


@dataclass(frozen=True)
class Take:
    code: str
    day: dt.date
    minutes: float  # from asked to taken


def daily_figures(names: dict[str, str], assists: Iterable[tuple[str, dt.date]],
                  tickets: Iterable[tuple[str, dt.date]], dossiers: Iterable[tuple[str, dt.date]],
                  takes: Iterable[Take]) -> list[dict[str, Any]]:
    """One row per day and volunteer with any activity, ordered by day then name.

    citizens_helped = assisted-mode sessions started at kiosks; median_minutes_to_take is None
    when the volunteer answered no help request that day.
    """
    rows: dict[tuple[dt.date, str], dict[str, Any]] = {}

    def row(code: str, day: dt.date) -> dict[str, Any]:
        key = (day, code)
        if key not in rows:
            rows[key] = {"day": day.isoformat(), "volunteer_code": code, "volunteer_name": names.get(code, ""),
                         "citizens_helped": 0, "tickets_with_help": 0, "dossiers_with_help": 0,
                         "help_requests_answered": 0, "median_minutes_to_take": None}
        return rows[key]

    for field, items in (("citizens_helped", assists), ("tickets_with_help", tickets),
                         ("dossiers_with_help", dossiers)):
        for code, day in items:
            row(code, day)[field] += 1
    waits: dict[tuple[dt.date, str], list[float]] = defaultdict(list)
    for tk in takes:
        row(tk.code, tk.day)["help_requests_answered"] += 1
        waits[(tk.day, tk.code)].append(tk.minutes)
    for key, minutes in waits.items():
        rows[key]["median_minutes_to_take"] = round(statistics.median(minutes), 1)
    return sorted(rows.values(), key=lambda r: (r["day"], r["volunteer_name"], r["volunteer_code"]))


def local_day(t: dt.datetime, tz: str) -> dt.date:
    return t.astimezone(ZoneInfo(tz)).date()


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
        s.execute(delete(VolunteerWebSession).where(VolunteerWebSession.volunteer_id == v.id))
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
    token = secrets.token_urlsafe(32)
    s.add(VolunteerWebSession(token_hash=auth.sha256(token), volunteer_id=v.id, created_at=now,
                              expires_at=now + dt.timedelta(hours=hours)))
    s.execute(delete(VolunteerWebSession).where(VolunteerWebSession.expires_at < now))
    s.flush()
    return token


def volunteer_for_token(s: Session, token: str, now: dt.datetime) -> Volunteer | None:
    sess = s.get(VolunteerWebSession, auth.sha256(token))
    if sess is None or sess.expires_at <= now:
        return None
    v = s.get(Volunteer, sess.volunteer_id)
    return v if v and v.active else None


def end_web_session(s: Session, token: str) -> None:
    s.execute(delete(VolunteerWebSession).where(VolunteerWebSession.token_hash == auth.sha256(token)))


# ---- help requests

def help_timeout(s: Session) -> dt.timedelta:
    return dt.timedelta(minutes=float(runtime_settings(s)["help_request_timeout_minutes"]))


def help_view(h: HelpRequest, now: dt.datetime, timeout: dt.timedelta, kiosk_name: str | None = None,
              viewer: tuple[str, int] | None = None) -> dict[str, Any]:
    """No personal data: which kiosk and screen, the state, and the first name of who is coming.
    viewer ("volunteer"|"user", id) adds `mine`: the viewer took it."""
    overdue_at = h.created_at + timeout
    taker = ("volunteer", h.taken_by_volunteer_id) if h.taken_by_volunteer_id else ("user", h.taken_by_user_id)
    return {"mine": viewer is not None and h.status != OPEN and taker == viewer,"id": h.id, "kiosk_id": h.kiosk_id, "kiosk_name": kiosk_name or h.kiosk_id, "screen": h.screen,
            "status": h.status, "created_at": h.created_at.isoformat(),
            "taken_at": h.taken_at.isoformat() if h.taken_at else None, "taker": h.taker_name,
            "closed_at": h.closed_at.isoformat() if h.closed_at else None, "closed_reason": h.closed_reason,
            "overdue_at": overdue_at.isoformat(), "overdue": h.status == OPEN and now >= overdue_at}


def _help_event(s: Session, ctx: Ctx, h: HelpRequest, action: str) -> None:
    # the event stream is public: ids and states only, never a name
    publish(s, "help", {"action": action, "id": h.id, "kiosk_id": h.kiosk_id, "screen": h.screen,
                        "status": h.status, "at": ctx.now.isoformat()}, ctx.now)


def help_by_id(s: Session, help_id: int, *, lock: bool = False) -> HelpRequest:
    h = s.get(HelpRequest, help_id, with_for_update=lock or None, populate_existing=lock)
    if h is None:
        raise NotFound("help_request_not_found", f"no help request with id {help_id}")
    return h


def ask_help(s: Session, ctx: Ctx, kiosk_id: str, screen: str) -> tuple[HelpRequest, bool]:
    """Open a help request for this kiosk, or return the one it already has open or taken
    (created=False): a double tap or a retried request never asks twice."""
    if not SCREEN_RE.match(screen or ""):
        raise Invalid("bad_screen", "screen must be a short lowercase name such as 'form'", "screen")
    s.get(Kiosk, kiosk_id, with_for_update=True)  # one request at a time per kiosk, even on PostgreSQL
    for stale in s.scalars(select(HelpRequest).where(HelpRequest.kiosk_id == kiosk_id, HelpRequest.day < ctx.today,
                                                     HelpRequest.status.in_((OPEN, TAKEN)))):
        stale.status, stale.closed_at, stale.closed_reason = CLOSED, ctx.now, "day_closed"  # left over from another day
    existing = s.scalar(select(HelpRequest).where(HelpRequest.kiosk_id == kiosk_id,
                                                  HelpRequest.status.in_((OPEN, TAKEN)),
                                                  HelpRequest.day == ctx.today)
                        .order_by(HelpRequest.id.desc()).limit(1))
    if existing is not None:
        return existing, False
    h = HelpRequest(kiosk_id=kiosk_id, screen=screen, status=OPEN, day=ctx.today, created_at=ctx.now)
    s.add(h)
    s.flush()
    audit(s, ctx, "help_open", "help", h.id, kiosk_id=kiosk_id, screen=screen)
    _help_event(s, ctx, h, "open")
    return h, True


def take_help(s: Session, ctx: Ctx, help_id: int, *, volunteer_id: int | None = None,
              user_id: int | None = None) -> HelpRequest:
    h = help_by_id(s, help_id, lock=True)
    if h.status != OPEN:
        raise Conflict("bad_status", f"help request {h.id} is {h.status}"
                       + (f" (taken by {h.taker_name})" if h.status == TAKEN and h.taker_name else ""),
                       "status", status=h.status, taker=h.taker_name)
    if volunteer_id is not None:
        name = volunteer_by_id(s, volunteer_id).name
    else:
        u = s.get(User, user_id)
        name = (u.full_name or u.username) if u else ""
    h.status, h.taken_at = TAKEN, ctx.now
    h.taken_by_volunteer_id, h.taken_by_user_id = volunteer_id, user_id
    h.taker_name = given_name(name) or None
    s.flush()
    audit(s, ctx, "help_take", "help", h.id, kiosk_id=h.kiosk_id,
          minutes=round((ctx.now - h.created_at).total_seconds() / 60, 1))
    _help_event(s, ctx, h, "take")
    return h


def close_help(s: Session, ctx: Ctx, help_id: int, *, kiosk_id: str | None = None) -> HelpRequest:
    """Close (done) by a volunteer or staff, or by its own kiosk (cancelled unless already taken).
    Closing a closed request changes nothing (a retry is harmless)."""
    h = help_by_id(s, help_id, lock=True)
    if kiosk_id is not None and h.kiosk_id != kiosk_id:
        raise NotFound("help_request_not_found", f"no help request with id {help_id}")
    if h.status == CLOSED:
        return h
    h.closed_reason = "cancelled" if kiosk_id is not None and h.status == OPEN else "done"
    h.status, h.closed_at = CLOSED, ctx.now
    s.flush()
    audit(s, ctx, "help_close", "help", h.id, kiosk_id=h.kiosk_id, reason=h.closed_reason)
    _help_event(s, ctx, h, "close")
    return h


def list_help(s: Session, day: dt.date, statuses: Iterable[str]) -> list[HelpRequest]:
    return list(s.scalars(select(HelpRequest).where(HelpRequest.day == day,
                                                    HelpRequest.status.in_(tuple(statuses)))
                          .order_by(HelpRequest.created_at, HelpRequest.id)))


def kiosk_names(s: Session) -> dict[str, str]:
    return {k.id: (k.name or k.id) for k in s.scalars(select(Kiosk))}


# ---- figures

def figures(s: Session, tz: str, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """Per volunteer and local day, from `first` to `last` inclusive (see daily_figures)."""
    zone = ZoneInfo(tz)
    start = dt.datetime.combine(first, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    vols = {v.id: v for v in s.scalars(select(Volunteer))}
    names = {v.code: v.name for v in vols.values()}
    assists = [(vols[r.volunteer_id].code, local_day(r.started_at, tz)) for r in s.execute(
        select(VolunteerAssist.volunteer_id, VolunteerAssist.started_at)
        .where(VolunteerAssist.started_at >= start, VolunteerAssist.started_at < end))]
    tickets = [(r.volunteer_code, r.day) for r in s.execute(
        select(Ticket.volunteer_code, Ticket.day).where(Ticket.volunteer_code.is_not(None),
                                                        Ticket.day >= first, Ticket.day <= last))]
    dossiers = [(r.volunteer_code, r.day) for r in s.execute(
        select(Dossier.volunteer_code, Dossier.day).where(Dossier.volunteer_code.is_not(None),
                                                          Dossier.day >= first, Dossier.day <= last))]
    takes = [Take(vols[r.taken_by_volunteer_id].code, local_day(r.taken_at, tz),
                  (r.taken_at - r.created_at).total_seconds() / 60)
             for r in s.execute(select(HelpRequest.taken_by_volunteer_id, HelpRequest.taken_at,
                                       HelpRequest.created_at)
                                .where(HelpRequest.taken_by_volunteer_id.is_not(None),
                                       HelpRequest.taken_at >= start, HelpRequest.taken_at < end))]
    return daily_figures(names, assists, tickets, dossiers, takes)


FIGURE_COLUMNS = ("day", "volunteer_code", "volunteer_name", "citizens_helped", "tickets_with_help",
                  "dossiers_with_help", "help_requests_answered", "median_minutes_to_take")
