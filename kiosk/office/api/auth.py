"""Log-in, log-out and who-am-I for staff; the log-out serves volunteers too (one session mechanism)."""

# no `from __future__ import annotations`: _logout_route's handler names a local dependency in
# its Annotated parameter, which FastAPI could not resolve from a string
import datetime as dt
from typing import Annotated

from fastapi import Depends, Request, Response
from pydantic import BaseModel, Field

from kiosk.office.api import schemas
from kiosk.office.api.deps import COOKIES, Caller, OfficeDep, StaffDep, client_ip, staff, volunteer
from kiosk.office.api.routing import OfficeRouter
from kiosk.office.errors import Unauthorized
from kiosk.office.operations import auth, json_views, web_sessions
from kiosk.office.storage.models import User

router = OfficeRouter(prefix="/api", tags=["auth"])


class LoginBody(BaseModel):
    username: str = Field(min_length=1, max_length=60)
    password: str = Field(min_length=1, max_length=200)


def set_session_cookie(response: Response, office, kind: str, token: str) -> None:
    s_ = office.settings
    response.set_cookie(COOKIES[kind], token, max_age=int(s_.session_hours * 3600), httponly=True, samesite="lax",
                        secure=s_.cookie_secure, path="/")


@router.post("/auth/login", response_model=schemas.LoginOut)
def login(body: LoginBody, request: Request, response: Response, office: OfficeDep):
    s_ = office.settings
    ip, now = client_ip(request), office.clock()
    with office.db.read() as s:
        auth.check_rate_limit(s, body.username, ip, now, s_.login_max_failures,
                              dt.timedelta(minutes=s_.login_window_minutes))
        stored = auth.password_hash_for(s, body.username)
    ok = auth.check_password(stored, body.password)  # slow: outside the write lock
    with office.db.write() as s:
        result = auth.record_login(s, body.username, ip, now, ok, hours=s_.session_hours)
        if result is not None:
            token, user, sess = result
            out = {"token": token, "expires_at": sess.expires_at.isoformat(), "user": json_views.user_view(user)}
    if result is None:  # raised after the commit so the failed attempt counts
        raise Unauthorized("bad_credentials", "wrong username or password", "password")
    set_session_cookie(response, office, web_sessions.STAFF, token)
    return out


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
