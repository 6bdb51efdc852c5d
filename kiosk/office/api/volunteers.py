"""Volunteers (admin), assisted mode at kiosks, the /volunteer page's login, help requests, figures, badges."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import html
import io
import math
import re
import struct
import unicodedata
from dataclasses import dataclass
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from kiosk.office import volunteers as vol
from kiosk.office.api.auth import client_ip
from kiosk.office.api.deps import (KioskCaller, Staff, _kiosk_or_none, _staff_or_none, admin, bearer, kiosk,
                                   office)
from kiosk.office.auth import check_rate_limit
from kiosk.office.errors import Conflict, Invalid, NotFound, TooManyAttempts, Unauthorized
from kiosk.office.models import LoginAttempt
from kiosk.office.models_volunteer import Volunteer
from kiosk.office.runtime import Office

router = APIRouter(tags=["volunteers"])
VCOOKIE = "motcua_volunteer"


@dataclass(frozen=True)
class VolunteerCaller:
    id: int
    code: str
    name: str
    token: str

    @property
    def actor(self) -> str:
        return f"volunteer:{self.code}"


def _volunteer_or_none(request: Request, o: Office) -> VolunteerCaller | None:
    token = request.cookies.get(VCOOKIE) or bearer(request)
    if not token:
        return None
    with o.db.read() as s:
        v = vol.volunteer_for_token(s, token, o.clock())
        return None if v is None else VolunteerCaller(v.id, v.code, v.name, token)


def volunteer(request: Request, o: Office = Depends(office)) -> VolunteerCaller:
    v = _volunteer_or_none(request, o)
    if v is None:
        raise Unauthorized("login_required", "log in with your volunteer code and PIN", "authorization")
    return v


def helper(request: Request, o: Office = Depends(office)) -> Staff | VolunteerCaller:
    """Someone who may see and take help requests: staff or a logged-in volunteer."""
    caller = _staff_or_none(request, o) or _volunteer_or_none(request, o)
    if caller is None:
        raise Unauthorized("login_required", "log in as staff or volunteer", "authorization")
    return caller


def anyone(request: Request, o: Office = Depends(office)) -> Staff | VolunteerCaller | KioskCaller:
    caller = _staff_or_none(request, o) or _volunteer_or_none(request, o) or _kiosk_or_none(request, o)
    if caller is None:
        raise Unauthorized("login_required", "log in or send a kiosk API key", "authorization")
    return caller


def _window(o: Office) -> dt.timedelta:
    return dt.timedelta(minutes=o.settings.login_window_minutes)


def _limited(exc: TooManyAttempts, field: str, what: str) -> TooManyAttempts:
    retry = exc.extra["retry_after"]
    return TooManyAttempts("too_many_attempts", f"too many wrong {what}; try again in {retry} s", field,
                           retry_after=retry)


# ---- assisted mode at a kiosk

class KioskSessionBody(BaseModel):
    code: str | None = Field(None, min_length=1, max_length=80, description="badge code (scanned MCVOL:<code>)")
    pin: str | None = Field(None, min_length=1, max_length=12, description="4-6 digit PIN")


@router.post("/api/volunteers/session")
def kiosk_session(body: KioskSessionBody, caller: KioskCaller = Depends(kiosk), o: Office = Depends(office)):
    """A volunteer starts assisted mode at this kiosk by badge or PIN: {code, name, first_name}."""
    if (body.code is None) == (body.pin is None):
        raise Invalid("code_or_pin", "send either the badge code or the PIN", "code")
    now = o.clock()
    if body.code is not None:
        with o.db.write() as s:
            v = vol.volunteer_by_code(s, body.code)
            if v is None:
                raise NotFound("volunteer_not_found", "this badge is not known or no longer active", "code")
            vol.start_assist(s, o.ctx(caller.actor), v, caller.id, "badge")
            return _kiosk_view(v)
    if not vol.is_pin(body.pin):
        raise Invalid("bad_pin_format", "the PIN is 4 to 6 digits", "pin")
    with o.db.read() as s:
        try:
            vol.check_pin_rate(s, caller.id, now, o.settings.login_max_failures, _window(o))
        except TooManyAttempts as exc:
            raise _limited(exc, "pin", "PINs at this kiosk") from None
        candidates = vol.pin_candidates(s)
    owner = vol.pin_owner(candidates, body.pin)  # slow: outside the write lock
    with o.db.write() as s:
        v = s.get(Volunteer, owner) if owner is not None else None
        ok = v is not None and v.active
        vol.record_pin_attempt(s, caller.id, now, ok)
        if ok:
            vol.start_assist(s, o.ctx(caller.actor), v, caller.id, "pin")
            out = _kiosk_view(v)
    if not ok:  # raised after the commit so the failed attempt counts
        raise Unauthorized("bad_pin", "wrong PIN", "pin")
    return out


def _kiosk_view(v: Volunteer) -> dict:
    return {"code": v.code, "name": v.name, "first_name": vol.given_name(v.name)}


# ---- the /volunteer page's login (cookie session)

class WebLoginBody(BaseModel):
    code: str = Field(min_length=1, max_length=80)
    pin: str = Field(min_length=1, max_length=12)


@router.post("/api/volunteers/login")
def web_login(body: WebLoginBody, request: Request, response: Response, o: Office = Depends(office)):
    s_, ip, now = o.settings, client_ip(request), o.clock()
    name = vol.web_login_name(body.code)
    with o.db.read() as s:
        try:
            check_rate_limit(s, name, ip, now, s_.login_max_failures, _window(o))
        except TooManyAttempts as exc:
            raise _limited(exc, "pin", "logins") from None
        v = vol.volunteer_by_code(s, body.code)
        stored = v.pin_hash if v else None
    ok = vol.check_pin(stored, body.pin) and vol.is_pin(body.pin)  # slow: outside the write lock
    with o.db.write() as s:
        s.add(LoginAttempt(username=name, ip=ip[:60], at=now, success=ok))
        if ok:
            token = vol.start_web_session(s, s.get(Volunteer, v.id), now, s_.session_hours)
    if not ok:
        raise Unauthorized("bad_credentials", "wrong volunteer code or PIN", "pin")
    response.set_cookie(VCOOKIE, token, max_age=int(s_.session_hours * 3600), httponly=True, samesite="lax",
                        secure=s_.cookie_secure, path="/")
    return {"volunteer": _kiosk_view(v)}


@router.post("/api/volunteers/logout")
def web_logout(response: Response, me: VolunteerCaller = Depends(volunteer), o: Office = Depends(office)):
    with o.db.write() as s:
        vol.end_web_session(s, me.token)
    response.delete_cookie(VCOOKIE, path="/")
    return {"ok": True}


@router.get("/api/volunteers/me")
def web_me(me: VolunteerCaller = Depends(volunteer)):
    return {"code": me.code, "name": me.name, "first_name": vol.given_name(me.name)}


# ---- help requests

class HelpBody(BaseModel):
    screen: str = Field(min_length=1, max_length=40, pattern=vol.SCREEN_RE.pattern,
                        description="the kiosk screen's name, e.g. form")


def _viewer(caller) -> tuple[str, int] | None:
    if isinstance(caller, VolunteerCaller):
        return ("volunteer", caller.id)
    return ("user", caller.id) if isinstance(caller, Staff) else None


def _help_out(o: Office, s, h, caller=None) -> dict:
    return vol.help_view(h, o.clock(), vol.help_timeout(s), vol.kiosk_names(s).get(h.kiosk_id), _viewer(caller))


@router.post("/api/help-requests", status_code=201,
             responses={200: {"description": "this kiosk already has an open or taken request: that one"}})
def ask_help(body: HelpBody, caller: KioskCaller = Depends(kiosk), o: Office = Depends(office)):
    with o.db.write() as s:
        h, created = vol.ask_help(s, o.ctx(caller.actor), caller.id, body.screen)
        return JSONResponse(_help_out(o, s, h), status_code=201 if created else 200)


@router.get("/api/help-requests")
def list_help(status: str | None = Query(None, description="open, taken, closed or a comma list; default open,taken"),
              day: dt.date | None = Query(None), caller=Depends(helper), o: Office = Depends(office)):
    wanted = [x.strip() for x in (status or "open,taken").split(",") if x.strip()]
    if not wanted or any(x not in vol.HELP_STATUSES for x in wanted):
        raise Invalid("unknown_status", f"status must be among {', '.join(vol.HELP_STATUSES)}", "status")
    with o.db.read() as s:
        ctx = o.ctx(caller.actor)
        timeout, names = vol.help_timeout(s), vol.kiosk_names(s)
        items = [vol.help_view(h, ctx.now, timeout, names.get(h.kiosk_id), _viewer(caller))
                 for h in vol.list_help(s, day or ctx.today, wanted)]
        return {"day": (day or ctx.today).isoformat(), "server_time": ctx.now.isoformat(),
                "timeout_minutes": timeout.total_seconds() / 60, "help_requests": items}


@router.get("/api/help-requests/{help_id}")
def get_help(help_id: int, caller=Depends(anyone), o: Office = Depends(office)):
    with o.db.read() as s:
        h = vol.help_by_id(s, help_id)
        if isinstance(caller, KioskCaller) and h.kiosk_id != caller.id:
            raise NotFound("help_request_not_found", f"no help request with id {help_id}")
        return _help_out(o, s, h, caller)


@router.post("/api/help-requests/{help_id}/take")
def take_help(help_id: int, caller=Depends(helper), o: Office = Depends(office)):
    with o.db.write() as s:
        who = {"volunteer_id": caller.id} if isinstance(caller, VolunteerCaller) else {"user_id": caller.id}
        h = vol.take_help(s, o.ctx(caller.actor), help_id, **who)
        return _help_out(o, s, h, caller)


@router.post("/api/help-requests/{help_id}/close")
def close_help(help_id: int, caller=Depends(anyone), o: Office = Depends(office)):
    with o.db.write() as s:
        own = caller.id if isinstance(caller, KioskCaller) else None
        h = vol.close_help(s, o.ctx(caller.actor), help_id, kiosk_id=own)
        return _help_out(o, s, h, caller)


# ---- admin: volunteers

class VolunteerIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    pin: str | None = Field(None, pattern=r"^[0-9]{4,6}$", description="4-6 digits; made up when omitted")


class VolunteerPatch(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    active: bool | None = None
    pin: str | None = Field(None, pattern=r"^[0-9]{4,6}$")
    new_pin: bool = Field(False, description="make up a new PIN (returned once)")


def _pin_hash_checked(o: Office, pin: str, except_id: int | None = None) -> str:
    """PIN-only login must find exactly one volunteer, so two active volunteers never share a PIN."""
    with o.db.read() as s:
        others = [(i, h) for i, h in vol.pin_candidates(s) if i != except_id]
    if vol.pin_owner(others, pin) is not None:
        raise Conflict("duplicate_pin", "another active volunteer has this PIN; choose another", "pin")
    return vol.hash_pin(pin)


def _fresh_pin(o: Office, except_id: int | None = None) -> tuple[str, str]:
    while True:
        pin = vol.new_pin()
        try:
            return pin, _pin_hash_checked(o, pin, except_id)
        except Conflict:
            continue


@router.get("/api/admin/volunteers")
def list_volunteers(user: Staff = Depends(admin), o: Office = Depends(office)):
    with o.db.read() as s:
        rows = s.scalars(select(Volunteer).order_by(Volunteer.active.desc(), Volunteer.name)).all()
        return {"volunteers": [vol.volunteer_view(v) for v in rows]}


@router.post("/api/admin/volunteers", status_code=201)
def create_volunteer(body: VolunteerIn, user: Staff = Depends(admin), o: Office = Depends(office)):
    """The answer carries the PIN once; only its hash is kept."""
    if body.pin:
        pin, pin_hash = body.pin, _pin_hash_checked(o, body.pin)
    else:
        pin, pin_hash = _fresh_pin(o)
    with o.db.write() as s:
        v = vol.create_volunteer(s, o.ctx(user.actor), body.name, pin_hash)
        return {**vol.volunteer_view(v), "pin": pin}


@router.patch("/api/admin/volunteers/{volunteer_id}")
def update_volunteer(volunteer_id: int, body: VolunteerPatch, user: Staff = Depends(admin),
                     o: Office = Depends(office)):
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    changes.pop("new_pin", None)
    pin = changes.pop("pin", None)
    if pin:
        changes["pin_hash"] = _pin_hash_checked(o, pin, volunteer_id)
    elif body.new_pin:
        pin, changes["pin_hash"] = _fresh_pin(o, volunteer_id)
    with o.db.write() as s:
        v = vol.update_volunteer(s, o.ctx(user.actor), volunteer_id, changes)
        out = vol.volunteer_view(v)
    return {**out, "pin": pin} if pin else out


@router.delete("/api/admin/volunteers/{volunteer_id}")
def deactivate_volunteer(volunteer_id: int, user: Staff = Depends(admin), o: Office = Depends(office)):
    with o.db.write() as s:
        return vol.volunteer_view(vol.update_volunteer(s, o.ctx(user.actor), volunteer_id, {"active": False}))


# ---- admin: figures

def _period(o: Office, first: dt.date | None, last: dt.date | None) -> tuple[dt.date, dt.date]:
    today = o.ctx("system").today
    last = last or today
    first = first or last
    if first > last:
        raise Invalid("bad_period", "'from' must not be after 'to'", "from")
    if (last - first).days > 366:
        raise Invalid("bad_period", "ask for at most a year at a time", "from")
    return first, last


@router.get("/api/admin/volunteer-stats")
def volunteer_stats(first: dt.date | None = Query(None, alias="from"), last: dt.date | None = Query(None, alias="to"),
                    user: Staff = Depends(admin), o: Office = Depends(office)):
    first, last = _period(o, first, last)
    with o.db.read() as s:
        rows = vol.figures(s, o.settings.timezone, first, last)
    totals = {k: sum(r[k] for r in rows) for k in vol.FIGURE_COLUMNS[3:7]}
    return {"from": first.isoformat(), "to": last.isoformat(), "rows": rows, "totals": totals}


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text  # no formulas when opened in Excel


@router.get("/api/admin/volunteer-stats.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def volunteer_stats_csv(first: dt.date | None = Query(None, alias="from"),
                        last: dt.date | None = Query(None, alias="to"),
                        user: Staff = Depends(admin), o: Office = Depends(office)):
    first, last = _period(o, first, last)
    with o.db.read() as s:
        rows = vol.figures(s, o.settings.timezone, first, last)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(vol.FIGURE_COLUMNS)
    for r in rows:
        w.writerow([_cell(r[k]) for k in vol.FIGURE_COLUMNS])
    name = f"volunteer-stats-{first.isoformat()}-{last.isoformat()}.csv"
    # the BOM lets Excel read the Vietnamese names as UTF-8
    return Response("\ufeff" + buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# ---- badge page (admin, printable)

def qr_svg(payload: str) -> str:
    """The QR code as inline SVG (sized by the page's CSS)."""
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(payload, image_factory=qrcode.image.svg.SvgPathImage, border=2,
                      error_correction=qrcode.constants.ERROR_CORRECT_M)
    svg = img.to_string(encoding="unicode")
    svg = re.sub(r'^<svg width="[^"]*" height="[^"]*"', '<svg class="qr" role="img" aria-label="QR"', svg)
    return svg


def _badge_denied(request: Request, status: int) -> HTMLResponse:
    from kiosk.office.web import PAGE_HEADERS

    text = ("<!doctype html><html lang='vi'><meta charset='utf-8'><title>Thẻ tình nguyện viên</title>"
            "<link rel='stylesheet' href='/web/common.css'><main class='view card narrow'>"
            "<h1>Vui lòng đăng nhập trang Quản trị bằng tài khoản quản trị viên trước.</h1>"
            "<p lang='en'>Log in on the admin page with an admin account first.</p>"
            "<p><a class='btn' href='/admin'>Quản trị / Admin</a></p></main></html>")
    return HTMLResponse(text, status_code=status, headers=PAGE_HEADERS)


@router.get("/admin/volunteers/{volunteer_id}/badge", include_in_schema=False)
def badge_page(volunteer_id: int, request: Request, format: Literal["card", "a4"] = "card",
               o: Office = Depends(office)) -> HTMLResponse:
    from kiosk.office.web import PAGE_HEADERS, STATIC

    user = _staff_or_none(request, o)
    if user is None or user.role != "admin":
        return _badge_denied(request, 401 if user is None else 403)
    with o.db.read() as s:
        v = s.get(Volunteer, volunteer_id)
        if v is None:
            return HTMLResponse("<!doctype html><meta charset='utf-8'><p>Không tìm thấy tình nguyện viên này.</p>",
                                status_code=404, headers=PAGE_HEADERS)
        name, code = v.name, v.code
    text = (STATIC / "badge.html").read_text(encoding="utf-8")
    fields = {"name": name, "ward": o.settings.ward_name or "", "format": format,
              "code_display": vol.format_code(code), "department": "Bộ phận Tiếp nhận và trả kết quả"}
    for key, value in fields.items():
        text = text.replace("{{" + key + "}}", html.escape(unicodedata.normalize("NFC", value)))
    text = text.replace("{{qr}}", qr_svg(vol.badge_payload(code)))
    return HTMLResponse(text, headers=PAGE_HEADERS)


# ---- the /volunteer page's sound

@functools.lru_cache(maxsize=1)
def help_chime_wav() -> bytes:
    """Three short rising notes (C5 E5 G5): "someone needs help", unlike the board's ding-dong."""
    from kiosk.office.speech import SAMPLE_RATE, wav_bytes

    frames = bytearray()
    for freq in (523.25, 659.25, 783.99):
        n = int(SAMPLE_RATE * 0.22)
        for i in range(n):
            t = i / SAMPLE_RATE
            envelope = min(1.0, i / (0.005 * SAMPLE_RATE)) * math.exp(-9 * t)
            s = math.sin(2 * math.pi * freq * t) + 0.25 * math.sin(4 * math.pi * freq * t)
            frames += struct.pack("<h", int(0.5 * 32767 * envelope * s / 1.25))
    return wav_bytes(bytes(frames))


@router.get("/volunteer/chime.wav", include_in_schema=False)
def volunteer_chime() -> Response:
    return Response(help_chime_wav(), media_type="audio/wav", headers={"Cache-Control": "public, max-age=86400"})
