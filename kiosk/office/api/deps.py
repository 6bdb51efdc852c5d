"""Who is calling: staff (bearer token or session cookie), admin, or a kiosk (bearer API key)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Depends, Request

from kiosk.office import auth
from kiosk.office.errors import Forbidden, Unauthorized
from kiosk.office.runtime import Office

COOKIE = "motcua_session"


def office(request: Request) -> Office:
    return request.app.state.office


def bearer(request: Request) -> str | None:
    h = request.headers.get("authorization", "")
    scheme, _, value = h.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


@dataclass(frozen=True)
class Staff:
    id: int
    username: str
    full_name: str
    role: str
    token: str

    @property
    def actor(self) -> str:
        return f"user:{self.username}"


@dataclass(frozen=True)
class KioskCaller:
    id: str

    @property
    def actor(self) -> str:
        return f"kiosk:{self.id}"


def _staff_or_none(request: Request, o: Office) -> Staff | None:
    token = bearer(request) or request.cookies.get(COOKIE)
    if not token:
        return None
    with o.db.read() as s:
        u = auth.user_for_token(s, token, o.clock())
        return None if u is None else Staff(u.id, u.username, u.full_name, u.role, token)


def _kiosk_or_none(request: Request, o: Office) -> KioskCaller | None:
    key = bearer(request)
    if not key:
        return None
    with o.db.read() as s:
        k = auth.kiosk_for_key(s, key)
        return None if k is None else KioskCaller(k.id)


def staff(request: Request, o: Office = Depends(office)) -> Staff:
    user = _staff_or_none(request, o)
    if user is None:
        raise Unauthorized("login_required", "log in first (missing or expired session)", "authorization")
    return user


def admin(user: Staff = Depends(staff)) -> Staff:
    if user.role != "admin":
        raise Forbidden("admin_only", "this needs an admin account", "authorization")
    return user


def kiosk(request: Request, o: Office = Depends(office)) -> KioskCaller:
    k = _kiosk_or_none(request, o)
    if k is None:
        raise Unauthorized("bad_api_key", "missing or unknown kiosk API key", "authorization")
    return k


def staff_or_kiosk(request: Request, o: Office = Depends(office)) -> Staff | KioskCaller:
    caller = _staff_or_none(request, o) or _kiosk_or_none(request, o)
    if caller is None:
        raise Unauthorized("login_required", "log in or send a kiosk API key", "authorization")
    return caller
