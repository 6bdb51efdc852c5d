"""Log-in, log-out and who-am-I for staff; the log-out serves volunteers too (one session mechanism)."""

# no `from __future__ import annotations`: _logout_route's handler names a local dependency in
# its Annotated parameter, which FastAPI could not resolve from a string
import asyncio
import datetime as dt
from typing import Annotated

from fastapi import Depends, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from kiosk.office.api import schemas
from kiosk.office.api.deps import (COOKIES, AdminDep, Caller, OfficeDep, StaffDep, client_ip, is_https, staff,
                                   volunteer)
from kiosk.office.api.routing import OfficeRouter
from kiosk.office.errors import Unauthorized
from kiosk.office.operations import auth, json_views, web_sessions
from kiosk.office.operations.context import audit
from kiosk.office.storage.models import User

router = OfficeRouter(prefix="/api", tags=["auth"])


class LoginBody(BaseModel):
    username: str = Field(min_length=1, max_length=60)
    password: str = Field(min_length=1, max_length=200)


def secure_cookies(request: Request, office) -> bool:
    """`Secure` on every cookie we set when the browser came over HTTPS (or cookie_secure forces it):
    such a browser never sends them back over plain HTTP, where anyone on the LAN could read them."""
    return office.settings.cookie_secure or is_https(request)


def set_session_cookie(request: Request, response: Response, office, kind: str, token: str) -> None:
    s_ = office.settings
    response.set_cookie(COOKIES[kind], token, max_age=int(s_.session_hours * 3600), httponly=True, samesite="lax",
                        secure=secure_cookies(request, office), path="/")


@router.post("/auth/login", response_model=schemas.LoginOut,
             responses={401: {"description": "wrong username or password"},
                        429: {"description": "too many failed log-ins (Retry-After)"},
                        503: {"description": "too many log-ins at once (Retry-After)"}})
async def login(body: LoginBody, request: Request, response: Response, office: OfficeDep):
    """Async so that waiting for argon2 (operations/auth.py, PasswordPool) holds no web thread."""
    s_ = office.settings
    ip, now = client_ip(request), office.clock()

    def limits() -> tuple[str | None, str | None]:  # before any hashing: refusals cost two queries
        with office.db.read() as s:
            device = auth.known_device(s, body.username, request.cookies.get(auth.DEVICE_COOKIE))
            auth.check_rate_limit(s, body.username, ip, now, s_.login_max_failures,
                                  dt.timedelta(minutes=s_.login_window_minutes),
                                  max_per_address=s_.login_max_failures_per_address, device=device)
            return device, auth.password_hash_for(s, body.username)

    with auth.password_pool(s_.password_hash_slots).place() as hashing:  # 503 busy when the line is full
        device, stored = await run_in_threadpool(limits)
        ok = await asyncio.wrap_future(hashing.submit(auth.check_password, stored, body.password))

    def record():
        with office.db.write() as s:
            result = auth.record_login(s, body.username, auth.attempt_source(ip, device), now, ok,
                                       hours=s_.session_hours)
            if result is None:
                return None
            token, user, sess = result
            return token, {"token": token, "expires_at": sess.expires_at.isoformat(),
                           "user": json_views.user_view(user)}

    result = await run_in_threadpool(record)
    if result is None:  # raised after the commit so the failed attempt counts
        raise Unauthorized("bad_credentials", "wrong username or password", "password")
    token, out = result
    set_session_cookie(request, response, office, web_sessions.STAFF, token)
    if device is None:  # this device now knows the user: their own password lifts a lockout here
        response.set_cookie(auth.DEVICE_COOKIE, auth.new_device_cookie(stored, body.username),
                            max_age=400 * 24 * 3600, httponly=True, samesite="strict",
                            secure=secure_cookies(request, office),
                            path="/api/auth/login")
    return out


class UnlockBody(BaseModel):
    username: str = Field(min_length=1, max_length=60)


@router.post("/auth/unlock", response_model=schemas.Ok, summary="Lift a user's log-in lockout (admin)")
def unlock(body: UnlockBody, user: AdminDep, office: OfficeDep):
    def lift(s, ctx):
        forgotten = auth.lift_lockout(s, body.username)
        audit(s, ctx, "unlock", "user", body.username, failures=forgotten)
    office.run(user.actor, lift)
    return {"ok": True}


def _logout_route(path: str, who, summary: str) -> None:
    """POST {path}: end the caller's web session and clear its cookie (one handler per session kind)."""
    def logout(response: Response, office: OfficeDep, me: Annotated[Caller, Depends(who)]):
        with office.db.write() as s:
            web_sessions.end(s, me.token)
        response.delete_cookie(COOKIES[me.kind], path="/")
        return {"ok": True}
    logout.__name__ = f"logout_{who.__name__}"
    router.add_api_route(path, logout, methods=["POST"], response_model=schemas.Ok, summary=summary)


_logout_route("/auth/logout", staff, "Log staff out")
_logout_route("/volunteers/logout", volunteer, "Log a volunteer out (the /volunteer page)")


@router.get("/me", response_model=schemas.UserOut)
def me(user: StaffDep, office: OfficeDep):
    with office.db.read() as s:
        return json_views.user_view(s.get(User, user.id))
