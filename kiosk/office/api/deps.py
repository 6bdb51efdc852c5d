"""Who is calling, as FastAPI dependencies, and the `Annotated` aliases routes use.

Callers are staff (a web session: bearer token or the console's cookie), volunteers (a web
session: the /volunteer page's cookie or a bearer token), kiosks (bearer API key) and counters'
rating devices (bearer device key). One factory, `caller(*kinds)`, builds each dependency;
`identify` answers "who is this, if anyone".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Union

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from kiosk.office.errors import Forbidden, Unauthorized
from kiosk.office.operations import auth, ratings, volunteers, web_sessions
from kiosk.office.service import Office

# one cookie per kind, so a phone can hold a volunteer session and a staff session side by side
COOKIE = "motcua_session"
VOLUNTEER_COOKIE = "motcua_volunteer"
COOKIES = {web_sessions.STAFF: COOKIE, web_sessions.VOLUNTEER: VOLUNTEER_COOKIE}


async def office(request: Request) -> Office:
    # async: no work to do, so no hop to the thread pool (a sync dependency costs one per request)
    return request.app.state.office


OfficeDep = Annotated[Office, Depends(office)]


def bearer(request: Request) -> str | None:
    h = request.headers.get("authorization", "")
    scheme, _, value = h.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _via_trusted_proxy(request: Request) -> bool:
    """The peer is a reverse proxy listed in [office] trusted_proxies (it terminates TLS for us)."""
    trusted = request.app.state.office.settings.trusted_proxies
    return bool(trusted) and request.client is not None and request.client.host in trusted


def client_ip(request: Request) -> str:
    """The caller's address; behind a trusted proxy, the last address it put in X-Forwarded-For
    (earlier ones come from the client and could be forged)."""
    if _via_trusted_proxy(request):
        forwarded = request.headers.get("x-forwarded-for", "").rsplit(",", 1)[-1].strip()
        if forwarded:
            return forwarded
    return request.client.host if request.client else "unknown"


def is_https(request: Request) -> bool:
    """The browser reached us over TLS: `kiosk serve` with a certificate, or a trusted proxy saying so."""
    if request.url.scheme == "https":
        return True
    return _via_trusted_proxy(request) and request.headers.get("x-forwarded-proto", "").lower() == "https"


@dataclass(frozen=True)
class Staff:
    id: int
    username: str
    full_name: str
    role: str
    token: str
    kind = web_sessions.STAFF

    @property
    def actor(self) -> str:
        return f"user:{self.username}"


@dataclass(frozen=True)
class VolunteerCaller:
    id: int
    code: str
    name: str
    token: str
    kind = web_sessions.VOLUNTEER

    @property
    def actor(self) -> str:
        return f"volunteer:{self.code}"


@dataclass(frozen=True)
class KioskCaller:
    id: str
    kind = "kiosk"

    @property
    def actor(self) -> str:
        return f"kiosk:{self.id}"


@dataclass(frozen=True)
class CounterDeviceCaller:
    """A counter's rating device (bearer device key): it may rate that counter's tickets only."""
    counter_id: int
    counter_number: int
    kind = "counter_device"

    @property
    def actor(self) -> str:
        return f"counter-device:{self.counter_number}"


Caller = Union[Staff, VolunteerCaller, KioskCaller, CounterDeviceCaller]


def _staff_token(request: Request) -> str | None:
    return bearer(request) or request.cookies.get(COOKIE)


def _staff(request: Request, s: Session, office: Office) -> Staff | None:
    token = _staff_token(request)
    if not token:
        return None
    epoch = office.known_staff_tokens.epoch()
    u = auth.user_for_token(s, token, office.clock())
    if u is None:
        return None
    found = Staff(u.id, u.username, u.full_name, u.role, token)
    office.known_staff_tokens.put(token, (found, _aware(u.expires_at)), epoch)
    return found


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.timezone.utc)  # SQLite drops the zone


def _volunteer(request: Request, s: Session, office: Office) -> VolunteerCaller | None:
    token = request.cookies.get(VOLUNTEER_COOKIE) or bearer(request)
    v = volunteers.volunteer_for_token(s, token, office.clock()) if token else None
    return None if v is None else VolunteerCaller(v.id, v.code, v.name, token)


def _kiosk(request: Request, s: Session, office: Office) -> KioskCaller | None:
    key = bearer(request)
    if not key:
        return None
    epoch = office.known_kiosk_keys.epoch()
    kiosk_id = auth.kiosk_for_key(s, key)
    if kiosk_id is None:
        return None
    found = KioskCaller(kiosk_id)
    office.known_kiosk_keys.put(key, (found, None), epoch)
    return found


def _counter_device(request: Request, s: Session, office: Office) -> CounterDeviceCaller | None:
    key = bearer(request)
    found = ratings.device_for_key(s, key) if key else None
    return None if found is None else CounterDeviceCaller(found[1].id, found[1].number)


_FINDERS = {"staff": _staff, "volunteer": _volunteer, "kiosk": _kiosk, "counter_device": _counter_device}


def identify(request: Request, office: Office, kinds: tuple[str, ...]) -> Caller | None:
    """The first of `kinds` (staff, volunteer, kiosk) the request proves to be, else None."""
    with office.db.read() as s:
        for kind in kinds:
            found = _FINDERS[kind](request, s, office)
            if found is not None:
                return found
    return None


def caller(*kinds: str, missing: tuple[str, str] = ("login_required", "log in first (missing or expired session)"),
           optional: bool = False) -> Callable[..., Caller | None]:
    """A dependency for a route that any of `kinds` may call; others get 401 `missing` (code, detail)
    unless `optional`, which hands the route None instead."""
    for kind in kinds:
        if kind not in _FINDERS:
            raise ValueError(f"unknown caller kind {kind!r}")

    def dependency(request: Request, office: OfficeDep) -> Caller | None:
        found = identify(request, office, kinds)
        if found is None and not optional:
            raise Unauthorized(*missing, "authorization")
        return found

    dependency.__name__ = "_or_".join(kinds) + ("_if_any" if optional else "")
    return dependency


def known_or_read(kind: str, token_of: Callable[[Request], str | None],
                  known: Callable[[Office], auth.KnownTokens], **caller_kw) -> Callable[..., Caller]:
    """A dependency for one kind of caller whose token this worker may have seen valid: from its
    cache (auth.KnownTokens) on the event loop while the token lasts, else read in the thread pool.
    A kiosk's ticket and a counter's call-next and finish each paid a thread-pool hop and a
    database read for this (issue 18)."""
    from_database = caller(kind, **caller_kw)

    async def dependency(request: Request, office: OfficeDep) -> Caller:
        token = token_of(request)
        hit = known(office).get(token) if token else None
        if hit is not None and (hit[1] is None or hit[1] > office.clock()):
            return hit[0]
        return await run_in_threadpool(from_database, request, office)

    dependency.__name__ = kind
    return dependency


kiosk = known_or_read("kiosk", bearer, lambda o: o.known_kiosk_keys,
                      missing=("bad_api_key", "missing or unknown kiosk API key"))
staff = known_or_read("staff", _staff_token, lambda o: o.known_staff_tokens)


volunteer = caller("volunteer", missing=("login_required", "log in with your volunteer code and PIN"))
staff_or_kiosk = caller("staff", "kiosk", missing=("login_required", "log in or send a kiosk API key"))
helper = caller("staff", "volunteer", missing=("login_required", "log in as staff or volunteer"))
anyone = caller("staff", "volunteer", "kiosk", missing=("login_required", "log in or send a kiosk API key"))
staff_or_kiosk_if_any = caller("staff", "kiosk", optional=True)
counter_device = caller("counter_device", missing=("bad_device_key", "missing or unknown counter device key"))


async def admin(user: Annotated[Staff, Depends(staff)]) -> Staff:  # async: no hop for a check
    if user.role != "admin":
        raise Forbidden("admin_only", "this needs an admin account", "authorization")
    return user


StaffDep = Annotated[Staff, Depends(staff)]
AdminDep = Annotated[Staff, Depends(admin)]
KioskDep = Annotated[KioskCaller, Depends(kiosk)]
VolunteerDep = Annotated[VolunteerCaller, Depends(volunteer)]
StaffOrKioskDep = Annotated[Union[Staff, KioskCaller], Depends(staff_or_kiosk)]
HelperDep = Annotated[Union[Staff, VolunteerCaller], Depends(helper)]
AnyoneDep = Annotated[Caller, Depends(anyone)]
MaybeStaffOrKioskDep = Annotated[Union[Staff, KioskCaller, None], Depends(staff_or_kiosk_if_any)]
CounterDeviceDep = Annotated[CounterDeviceCaller, Depends(counter_device)]
