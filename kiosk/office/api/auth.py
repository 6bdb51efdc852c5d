"""Staff login, logout and who-am-I."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from kiosk.office import auth, views
from kiosk.office.api.deps import COOKIE, Staff, office, staff
from kiosk.office.errors import Unauthorized
from kiosk.office.models import User
from kiosk.office.runtime import Office

router = APIRouter(prefix="/api", tags=["auth"])


class LoginBody(BaseModel):
    username: str = Field(min_length=1, max_length=60)
    password: str = Field(min_length=1, max_length=200)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/auth/login")
def login(body: LoginBody, request: Request, response: Response, o: Office = Depends(office)):
    s_ = o.settings
    ip, now = client_ip(request), o.clock()
    with o.db.read() as s:
        auth.check_rate_limit(s, body.username, ip, now, s_.login_max_failures,
                              dt.timedelta(minutes=s_.login_window_minutes))
        stored = auth.password_hash_for(s, body.username)
    ok = auth.check_password(stored, body.password)  # slow: outside the write lock
    with o.db.write() as s:
        result = auth.record_login(s, body.username, ip, now, ok, hours=s_.session_hours)
        if result is not None:
            token, user, sess = result
            out = {"token": token, "expires_at": sess.expires_at.isoformat(), "user": views.user_view(user)}
    if result is None:  # raised after the commit so the failed attempt counts
        raise Unauthorized("bad_credentials", "wrong username or password", "password")
    response.set_cookie(COOKIE, token, max_age=int(s_.session_hours * 3600), httponly=True, samesite="lax",
                        secure=s_.cookie_secure, path="/")
    return out


@router.post("/auth/logout")
def logout(response: Response, user: Staff = Depends(staff), o: Office = Depends(office)):
    with o.db.write() as s:
        auth.logout(s, user.token)
    response.delete_cookie(COOKIE, path="/")
    return {"ok": True}


@router.get("/me")
def me(user: Staff = Depends(staff), o: Office = Depends(office)):
    with o.db.read() as s:
        return views.user_view(s.get(User, user.id))
