"""The printable volunteer badge (admins only): name, ward and the QR a kiosk scans for assisted mode."""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kiosk.office.api.deps import OfficeDep, identify
from kiosk.office.operations import volunteers as vol
from kiosk.office.storage.models import Volunteer
from kiosk.office import web

router = APIRouter(include_in_schema=False)


def qr_svg(payload: str) -> str:
    """The QR code as inline SVG (sized by the page's CSS)."""
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(payload, image_factory=qrcode.image.svg.SvgPathImage, border=2,
                      error_correction=qrcode.constants.ERROR_CORRECT_M)
    svg = img.to_string(encoding="unicode")
    svg = re.sub(r'^<svg width="[^"]*" height="[^"]*"', '<svg class="qr" role="img" aria-label="QR"', svg)
    return svg


def _badge_denied(status: int) -> HTMLResponse:
    text = ("<!doctype html><html lang='vi'><meta charset='utf-8'><title>Thẻ tình nguyện viên</title>"
            "<link rel='stylesheet' href='/web/common.css'><main class='view card narrow'>"
            "<h1>Vui lòng đăng nhập trang Quản trị bằng tài khoản quản trị viên trước.</h1>"
            "<p lang='en'>Log in on the admin page with an admin account first.</p>"
            "<p><a class='btn' href='/admin'>Quản trị / Admin</a></p></main></html>")
    return HTMLResponse(text, status_code=status, headers=web.PAGE_HEADERS)


@router.get("/admin/volunteers/{volunteer_id}/badge")
def badge_page(volunteer_id: int, request: Request, office: OfficeDep,
               format: Literal["card", "a4"] = "card") -> HTMLResponse:
    user = identify(request, office, ("staff",))
    if user is None or user.role != "admin":
        return _badge_denied(401 if user is None else 403)
    with office.db.read() as s:
        v = s.get(Volunteer, volunteer_id)
        if v is None:
            return HTMLResponse("<!doctype html><meta charset='utf-8'><p>Không tìm thấy tình nguyện viên này.</p>",
                                status_code=404, headers=web.PAGE_HEADERS)
        name, code = v.name, v.code
    text = (web.STATIC / "badge.html").read_text(encoding="utf-8")
    ident = web.ward_identity(request)
    fields = {"name": name, "ward": ident.name, "format": format,
              "code_display": vol.format_code(code), "department": ident.department}
    for key, value in fields.items():
        text = text.replace("{{" + key + "}}", html.escape(unicodedata.normalize("NFC", value)))
    text = text.replace("{{qr}}", qr_svg(vol.badge_payload(code)))
    return HTMLResponse(text, headers=web.PAGE_HEADERS)
