"""Browser pages of the office service: staff console (/counter, /admin), lobby board (/board),
public ticket page (/t/{token}), public dossier page (/d/{public_token}), the volunteers' page (/volunteer),
the counters' rating devices (/rate/{counter_id}) and the printable volunteer badge (badge.py).
Their JSON comes from kiosk.office.api's /api routes.

Plain HTML + small vanilla JS + CSS from ./static, no build step and no CDN: the office often
has no internet. Texts for both languages are in ./i18n/{vi,en}.json.
"""

from __future__ import annotations

import html
import json
import mimetypes
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from kiosk.config import Audio
from kiosk.domain.ward import WardIdentity
from kiosk.office.operations import ward
from kiosk.office.speech import Speaker, chime_wav, help_chime_wav
from kiosk.voice import choose_engine
from kiosk.paths import default_state_dir

from . import lookup

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
I18N_DIR = HERE / "i18n"

# Pages load only their own scripts and styles; the ticket page's URL is a secret (no referrer).
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "media-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

router = APIRouter(include_in_schema=False)


def ward_identity(request: Request) -> WardIdentity:
    """The ward's identity as the office stores it (/admin "Thông tin đơn vị"), for page headers."""
    office = getattr(request.app.state, "office", None)
    if office is None:
        return WardIdentity()
    with office.db.read() as s:
        return ward.identity(s, office.settings)


def contact_line(ident: WardIdentity) -> str:
    """Address and phone on one line, as common.js's Ward.contact writes it after a change."""
    return " · ".join(x for x in (ident.address, f"ĐT: {ident.phone}" if ident.phone else "") if x)


def _template(name: str) -> str:
    # keyed on the file's mtime: after an update on disk a running office must not serve an old
    # page to new JS (the console once met a counter.js whose elements its cached HTML lacked)
    path = STATIC / name
    return _read_text(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=32)
def _read_text(path: Path, mtime_ns: int) -> str:
    return path.read_text(encoding="utf-8")


def _page(request: Request, name: str, status: int = 200, **fields: str) -> HTMLResponse:
    ident = ward_identity(request)
    text = _template(name)
    for key, value in {"ward": ident.name, "department": ident.department, "contact": contact_line(ident),
                       **fields}.items():
        text = text.replace("{{" + key + "}}", html.escape(unicodedata.normalize("NFC", value)))
    # the ward's logo heads the page when the config gave one ([ward] logo)
    logo = '<img class="ward-logo" src="/api/ward/logo.png" alt="">' if ident.has_logo else ""
    text = text.replace("{{logo}}", logo)
    return HTMLResponse(text, status_code=status, headers=PAGE_HEADERS)


# path -> page: the plain pages, each filled in only with the ward's name and department
PAGES = {
    "/": "index.html",
    "/counter": "counter.html",  # staff console
    "/admin": "admin.html",
    "/dossiers": "dossiers.html",  # officers receive dossiers
    "/volunteer": "volunteer.html",  # a volunteer's phone: open help requests live
    "/reports": "reports.html",  # figures and charts for staff and the ward's leaders
}


def _plain_page(name: str):
    def page(request: Request) -> HTMLResponse:
        return _page(request, name)
    page.__name__ = name.removesuffix(".html") + "_page"
    return page


for _path, _name in PAGES.items():
    router.add_api_route(_path, _plain_page(_name), methods=["GET"], response_class=HTMLResponse)


@router.get("/t/{public_token}")
def ticket_page(request: Request, public_token: str) -> HTMLResponse:
    found = lookup.public_ticket_exists(request, public_token)
    if found is False:
        return _page(request, "notfound.html", status=404)
    return _page(request, "ticket.html", token=public_token)


@router.get("/board")
def board_page(request: Request) -> HTMLResponse:
    """The lobby TV; with [office] public_url, a QR that opens the board on a citizen's phone
    (without it no QR: the office's own address is not one a phone in the lobby can open)."""
    from kiosk.office.web.badge import qr_svg

    office = getattr(request.app.state, "office", None)
    public_url = getattr(getattr(office, "settings", None), "public_url", "") or ""
    qr = (f'<figure class="board-qr">{qr_svg(public_url.rstrip("/") + "/board")}'
          '<figcaption data-i18n="board.qr_hint">Quét mã để xem số đang gọi trên điện thoại</figcaption></figure>'
          if public_url else "")
    page = _page(request, "board.html")
    return HTMLResponse(page.body.decode("utf-8").replace("{{board_qr}}", qr), headers=PAGE_HEADERS)


@router.get("/rate/{counter_id}")
def rate_page(request: Request, counter_id: int) -> HTMLResponse:
    """The rating device on a counter (locked to it by a device key the page keeps)."""
    return _page(request, "rate.html", counter=str(counter_id))


@router.get("/d/{public_token}")
def dossier_page(request: Request, public_token: str) -> HTMLResponse:
    """The slip's QR: a dossier's status on the citizen's phone (public view, nothing personal),
    by the slip's unguessable token only."""
    if lookup.public_dossier_exists(request, public_token) is False:
        return _page(request, "dossier_notfound.html", status=404)
    return _page(request, "dossier.html", token=public_token)


# --- sound for the board ---------------------------------------------------------------------

def _speech_dir(request: Request) -> Path:
    """Next to the office's SQLite file (the kiosk's state folder), else the default state folder."""
    office = getattr(request.app.state, "office", None)
    url = getattr(getattr(office, "settings", None), "database_url", "") or ""
    if url.startswith("sqlite:///") and ":memory:" not in url:
        return Path(url.removeprefix("sqlite:///")).parent / "speech-cache"
    return default_state_dir() / "speech-cache"


def _audio(request: Request) -> Audio:
    office = getattr(request.app.state, "office", None)
    return getattr(getattr(office, "settings", None), "audio", None) or Audio()


def _speaker(request: Request) -> Speaker:
    spk = getattr(request.app.state, "speaker", None)
    if spk is None:  # the kiosks' voice ([audio]); espeak-ng when that cannot speak Vietnamese
        engine, _why = choose_engine(_audio(request), "vi")
        spk = request.app.state.speaker = Speaker(_speech_dir(request), engine=engine)
    return spk


@router.get("/board/speech")
def board_speech(
    request: Request,
    number: Annotated[str, Query(pattern=r"^[A-Za-z]{1,3}[0-9]{1,5}$", description="ticket number such as A012")],
    counter: Annotated[int, Query(ge=1, le=999, description="counter number")],
) -> Response:
    """Chime + "Mời công dân có số thứ tự A012 đến quầy số 3" as WAV (the chime alone without
    espeak-ng). Only ticket-shaped numbers are accepted, so nobody can make the board say anything."""
    number = number.upper()
    speaker = _speaker(request)
    data, spoken = speaker.announcement(number, counter, repeat=_audio(request).board_repeat)
    return Response(data, media_type="audio/wav", headers={
        "Cache-Control": "public, max-age=86400", "X-Speech": speaker.engine.name if spoken else "chime-only"})


@router.get("/board/chime.wav")
def board_chime() -> Response:
    return Response(chime_wav(), media_type="audio/wav", headers={"Cache-Control": "public, max-age=86400"})


@router.get("/volunteer/chime.wav")
def volunteer_chime() -> Response:
    return Response(help_chime_wav(), media_type="audio/wav", headers={"Cache-Control": "public, max-age=86400"})


# --- static files and translations ------------------------------------------------------------

def _i18n_js() -> str:
    # rebuilt when a translation file changes, for the same reason as _template
    return _i18n_js_of(tuple((p, p.stat().st_mtime_ns) for p in sorted(I18N_DIR.glob("*.json"))))


@lru_cache(maxsize=2)
def _i18n_js_of(files: tuple) -> str:
    texts = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p, _ in files}
    body = json.dumps(texts, ensure_ascii=False, indent=None, sort_keys=True)
    return "window.I18N = " + unicodedata.normalize("NFC", body) + ";\n"


@router.get("/web/i18n.js")
def i18n_js(request: Request) -> Response:
    # the ward's identity rides along: texts say {department}, filled by common.js's t()
    public = ward.public_view(ward_identity(request))
    body = _i18n_js() + "window.WARD = " + json.dumps(public, ensure_ascii=False) + ";\n"
    return Response(body, media_type="text/javascript; charset=utf-8",
                    headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})


_ASSET_TYPES = {".js", ".css", ".svg", ".png", ".ico"}


@router.get("/web/{name}")
def asset(name: str) -> Response:
    path = (STATIC / name).resolve()
    if path.parent != STATIC or path.suffix not in _ASSET_TYPES or not path.is_file():
        return Response(json.dumps({"detail": "no such file", "field": None, "code": "http_404"}),
                        status_code=404, media_type="application/json")
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if media.startswith("text/") or media.endswith("javascript"):
        media += "; charset=utf-8"
    return FileResponse(path, media_type=media,
                        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})
