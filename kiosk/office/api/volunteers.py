"""Volunteers logging in: assisted mode at a kiosk (badge or PIN) and the /volunteer page's session.

The page's log-out is api/auth.py's (one web-session mechanism for staff and volunteers).
"""

from __future__ import annotations

import asyncio
import datetime as dt

from fastapi import Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from kiosk.domain.contract import VOLUNTEER_BADGE_PREFIX
from kiosk.office.api import schemas
from kiosk.office.api.auth import set_session_cookie
from kiosk.office.api.deps import KioskDep, OfficeDep, VolunteerDep, client_ip
from kiosk.office.api.routing import OfficeRouter
from kiosk.office.errors import Invalid, NotFound, TooManyAttempts, Unauthorized
from kiosk.office.operations import volunteers as vol
from kiosk.office.operations import web_sessions
from kiosk.office.operations.auth import check_rate_limit, password_pool
from kiosk.office.service import Office
from kiosk.office.storage.models import LoginAttempt, Volunteer

router = OfficeRouter(prefix="/api/volunteers", tags=["volunteers"])


def _window(office: Office) -> dt.timedelta:
    return dt.timedelta(minutes=office.settings.login_window_minutes)


def _limited(exc: TooManyAttempts, field: str, what: str) -> TooManyAttempts:
    retry = exc.extra["retry_after"]
    return TooManyAttempts("too_many_attempts", f"too many wrong {what}; try again in {retry} s", field,
                           retry_after=retry)


def _brief(v: Volunteer) -> dict:
    return {"code": v.code, "name": v.name, "first_name": vol.given_name(v.name)}


# ---- assisted mode at a kiosk

class KioskSessionBody(BaseModel):
    code: str | None = Field(None, min_length=1, max_length=80,
                             description=f"badge code (scanned {VOLUNTEER_BADGE_PREFIX}<code>)")
    pin: str | None = Field(None, min_length=1, max_length=12, description="4-6 digit PIN")


@router.post("/session", response_model=schemas.VolunteerBrief)
async def kiosk_session(body: KioskSessionBody, caller: KioskDep, office: OfficeDep):
    """A volunteer starts assisted mode at this kiosk by badge or PIN: {code, name, first_name}.
    Async, like the staff log-in: PINs are checked in the bounded password-hash pool."""
    if (body.code is None) == (body.pin is None):
        raise Invalid("code_or_pin", "send either the badge code or the PIN", "code")
    now = office.clock()
    if body.code is not None:
        return await run_in_threadpool(_badge_session, body.code, caller, office)
    if not vol.is_pin(body.pin):
        raise Invalid("bad_pin_format", "the PIN is 4 to 6 digits", "pin")

    def limits():
        with office.db.read() as s:
            try:
                vol.check_pin_rate(s, caller.id, now, office.settings.login_max_failures, _window(office))
            except TooManyAttempts as exc:
                raise _limited(exc, "pin", "PINs at this kiosk") from None
            return vol.pin_candidates(s)

    with password_pool(office.settings.password_hash_slots).place() as hashing:  # 503 busy when the line is full
        candidates = await run_in_threadpool(limits)
        owner = await asyncio.wrap_future(hashing.submit(vol.pin_owner, candidates, body.pin))

    def record():
        with office.db.write() as s:
            v = s.get(Volunteer, owner) if owner is not None else None
            ok = v is not None and v.active
            vol.record_pin_attempt(s, caller.id, now, ok)
            if ok:
                vol.start_assist(s, office.ctx(caller.actor), v, caller.id, "pin")
                return _brief(v)
            return None

    out = await run_in_threadpool(record)
    if out is None:  # raised after the commit so the failed attempt counts
        raise Unauthorized("bad_pin", "wrong PIN", "pin")
    return out


def _badge_session(code: str, caller, office: Office) -> dict:
    with office.db.write() as s:
        v = vol.volunteer_by_code(s, code)
        if v is None or not v.active:
            raise NotFound("volunteer_not_found", "this badge is not known or no longer active", "code")
        vol.start_assist(s, office.ctx(caller.actor), v, caller.id, "badge")
        return _brief(v)


# ---- the /volunteer page's log-in (a web session, like staff)

class WebLoginBody(BaseModel):
    code: str = Field(min_length=1, max_length=80)
    pin: str = Field(min_length=1, max_length=12)


@router.post("/login", response_model=schemas.VolunteerLogin,
             responses={401: {"description": "wrong volunteer code or PIN"},
                        429: {"description": "too many failed log-ins (Retry-After)"},
                        503: {"description": "too many log-ins at once (Retry-After)"}})
async def web_login(body: WebLoginBody, request: Request, response: Response, office: OfficeDep):
    """As the staff log-in: the per-address limit across usernames (staff and volunteers alike)
    and the per-name limit are checked before any hashing, and the PIN is checked in the bounded
    password-hash pool, so a spray of guesses costs two queries each once the address is over."""
    s_, ip, now = office.settings, client_ip(request), office.clock()
    name = vol.web_login_name(body.code)

    def limits():
        with office.db.read() as s:
            try:
                check_rate_limit(s, name, ip, now, s_.login_max_failures, _window(office),
                                 max_per_address=s_.login_max_failures_per_address)
            except TooManyAttempts as exc:
                raise _limited(exc, "pin", "logins") from None
            v = vol.volunteer_by_code(s, body.code)
            return v, (v.pin_hash if v else None)

    with password_pool(s_.password_hash_slots).place() as hashing:  # 503 busy when the line is full
        v, stored = await run_in_threadpool(limits)
        ok = await asyncio.wrap_future(hashing.submit(vol.check_pin, stored, body.pin)) and vol.is_pin(body.pin)

    def record():
        with office.db.write() as s:
            s.add(LoginAttempt(username=name, ip=ip[:60], at=now, success=ok))
            if ok:
                return vol.start_web_session(s, s.get(Volunteer, v.id), now, s_.session_hours)
            return None

    token = await run_in_threadpool(record)
    if not ok:
        raise Unauthorized("bad_credentials", "wrong volunteer code or PIN", "pin")
    set_session_cookie(request, response, office, web_sessions.VOLUNTEER, token)
    return {"volunteer": _brief(v)}


@router.get("/me", response_model=schemas.VolunteerBrief)
def web_me(me: VolunteerDep):
    return {"code": me.code, "name": me.name, "first_name": vol.given_name(me.name)}
